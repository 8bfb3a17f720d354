"""Write a large synthetic file in GTD's export format, for benchmarks.

Every value is generated: the column names are GTD's (the codebook's), the places are real towns with
approximate coordinates, and the rows are invented with GTD's shapes — about 1 KB a row with
summaries and source citations, most of the 137 columns present, a share of them empty as in GTD.

    python benchmarks/synthetic_gtd.py 1000000 benchmarks/out/gtd_1m.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

COLUMNS = [
    "eventid", "iyear", "imonth", "iday", "approxdate", "extended", "resolution", "country", "country_txt",
    "region", "region_txt", "provstate", "city", "latitude", "longitude", "specificity", "vicinity", "location",
    "summary", "crit1", "crit2", "crit3", "doubtterr", "alternative", "alternative_txt", "multiple", "success",
    "suicide", "attacktype1", "attacktype1_txt", "attacktype2", "attacktype2_txt", "attacktype3",
    "attacktype3_txt", "targtype1", "targtype1_txt", "targsubtype1", "targsubtype1_txt", "corp1", "target1",
    "natlty1", "natlty1_txt", "targtype2", "targtype2_txt", "targsubtype2", "targsubtype2_txt", "corp2",
    "target2", "natlty2", "natlty2_txt", "targtype3", "targtype3_txt", "targsubtype3", "targsubtype3_txt",
    "corp3", "target3", "natlty3", "natlty3_txt", "gname", "gsubname", "gname2", "gsubname2", "gname3", "ingroup",
    "ingroup2", "ingroup3", "gsubname3", "motive", "guncertain1", "guncertain2", "guncertain3", "nperps",
    "nperpcap", "claimed", "claimmode", "claimmode_txt", "claim2", "claimmode2", "claimmode2_txt", "claim3",
    "claimmode3", "claimmode3_txt", "compclaim", "weaptype1", "weaptype1_txt", "weapsubtype1", "weapsubtype1_txt",
    "weaptype2", "weaptype2_txt", "weapsubtype2", "weapsubtype2_txt", "weaptype3", "weaptype3_txt",
    "weapsubtype3", "weapsubtype3_txt", "weaptype4", "weaptype4_txt", "weapsubtype4", "weapsubtype4_txt",
    "weapdetail", "nkill", "nkillus", "nkillter", "nwound", "nwoundus", "nwoundte", "property", "propextent",
    "propextent_txt", "propvalue", "propcomment", "ishostkid", "nhostkid", "nhostkidus", "nhours", "ndays",
    "divert", "kidhijcountry", "ransom", "ransomamt", "ransomamtus", "ransompaid", "ransompaidus", "ransomnote",
    "hostkidoutcome", "hostkidoutcome_txt", "nreleased", "addnotes", "scite1", "scite2", "scite3", "dbsource",
    "INT_LOG", "INT_IDEO", "INT_MISC", "INT_ANY", "related",
]  # fmt: skip

# real towns, approximate coordinates, with GTD-era province names
PLACES = [
    ("Peshawar", "North-West Frontier Province", 34.008, 71.578, 14),
    ("Karachi", "Sindh", 24.861, 67.010, 16),
    ("Quetta", "Balochistan", 30.184, 67.006, 10),
    ("Bannu", "Khyber Pakhtunkhwa", 32.986, 70.604, 4),
    ("Dera Ismail Khan", "Khyber Pakhtunkhwa", 31.832, 70.902, 4),
    ("Miranshah", "Federally Administered Tribal Areas", 33.001, 70.072, 4),
    ("Wana", "Federally Administered Tribal Areas", 32.300, 69.573, 3),
    ("Khar", "Federally Administered Tribal Areas", 34.728, 71.523, 2),
    ("Lahore", "Punjab", 31.549, 74.344, 5),
    ("Rawalpindi", "Punjab", 33.600, 73.048, 3),
    ("Islamabad", "Islamabad Capital Territory", 33.718, 73.072, 2),
    ("Turbat", "Balochistan", 26.002, 63.044, 3),
    ("Gwadar", "Balochistan", 25.126, 62.322, 2),
    ("Khuzdar", "Balochistan", 27.812, 66.611, 2),
    ("Kohat", "Khyber Pakhtunkhwa", 33.587, 71.443, 3),
    ("Swat", "Khyber Pakhtunkhwa", 35.222, 72.426, 3),
    ("Hyderabad", "Sindh", 25.396, 68.377, 2),
    ("Multan", "Punjab", 30.196, 71.475, 1),
]
PLACE_WEIGHTS = [place[4] for place in PLACES]
# (code, label, weight): GTD's codes and labels, weights roughly as in Pakistan
ATTACKS = [
    (3, "Bombing/Explosion", 50),
    (2, "Armed Assault", 26),
    (1, "Assassination", 11),
    (6, "Hostage Taking (Kidnapping)", 6),
    (7, "Facility/Infrastructure Attack", 3),
    (9, "Unknown", 4),
]
TARGETS = [
    (14, "Private Citizens & Property", 29),
    (3, "Police", 10),
    (2, "Government (General)", 9),
    (1, "Business", 9),
    (8, "Educational Institution", 9),
    (4, "Military", 7),
    (19, "Transportation", 7),
    (21, "Utilities", 5),
    (15, "Religious Figures/Institutions", 4),
    (20, "Unknown", 4),
    (22, "Violent Political Party", 3),
    (17, "Terrorists/Non-State Militia", 2),
    (10, "Journalists & Media", 2),
]
WEAPONS = {
    3: (6, "Explosives"),
    2: (5, "Firearms"),
    1: (5, "Firearms"),
    6: (5, "Firearms"),
    7: (8, "Incendiary"),
    9: (13, "Unknown"),
}
GROUPS = [
    ("Unknown", 70),
    ("Tehrik-i-Taliban Pakistan (TTP)", 12),
    ("Baloch Liberation Army (BLA)", 4),
    ("Lashkar-e-Jhangvi", 2),
    ("Baloch Republican Army (BRA)", 2),
    ("Lashkar-e-Islam (Pakistan)", 2),
    ("Jamaat-ul-Ahrar", 2),
    ("Khorasan Chapter of the Islamic State", 2),
    ("Baloch Liberation Front (BLF)", 2),
    ("Muttahida Qami Movement (MQM)", 2),
]
WORDS = [
    *[
        "assailants",
        "attacked",
        "police",
        "checkpoint",
        "near",
        "market",
        "district",
        "officials",
        "said",
        "device",
        "exploded",
        "killing",
    ],
    *[
        "wounding",
        "several",
        "civilians",
        "security",
        "forces",
        "responded",
        "area",
        "cordoned",
        "investigation",
        "launched",
    ],
    *[
        "no",
        "group",
        "claimed",
        "responsibility",
        "the",
        "incident",
        "occurred",
        "village",
        "road",
        "vehicle",
        "station",
        "patrol",
        "convoy",
    ],
    *["school", "shrine", "tribal", "elders", "reported"],
]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def synthetic_rows(count: int, *, seed: int = 1, start_year: int = 1990, end_year: int = 2020) -> Iterator[list[str]]:
    """``count`` GTD-format rows (lists in COLUMNS order), reproducible for a seed."""
    rng = random.Random(seed)
    days = (dt.date(end_year, 12, 31) - dt.date(start_year, 1, 1)).days
    index = {name: position for position, name in enumerate(COLUMNS)}
    for number in range(count):
        row = [""] * len(COLUMNS)
        date = dt.date(start_year, 1, 1) + dt.timedelta(days=rng.randrange(days))
        city, province, latitude, longitude, _ = rng.choices(PLACES, PLACE_WEIGHTS)[0]
        attack_code, attack_label, _ = rng.choices(ATTACKS, [attack[2] for attack in ATTACKS])[0]
        target_code, target_label, _ = rng.choices(TARGETS, [target[2] for target in TARGETS])[0]
        weapon_code, weapon_label = WEAPONS[attack_code]
        killed = int(rng.expovariate(0.4)) if rng.random() < 0.97 else None
        attackers = rng.choice([0, 0, 0, 1]) if killed is not None and rng.random() < 0.75 else None
        wounded = int(rng.expovariate(0.2))
        values = {
            "eventid": f"{date:%Y%m%d}{number % 10000:04d}{number // 10000:04d}",
            "iyear": str(date.year),
            "imonth": str(date.month),
            "iday": str(date.day) if rng.random() > 0.005 else "0",
            "extended": "0",
            "country": "153",
            "country_txt": "Pakistan",
            "region": "6",
            "region_txt": "South Asia",
            "provstate": province,
            "city": city,
            "latitude": f"{latitude + rng.uniform(-0.08, 0.08):.6f}",
            "longitude": f"{longitude + rng.uniform(-0.08, 0.08):.6f}",
            "specificity": rng.choice("11111123"),
            "vicinity": "0",
            "location": _sentence(rng, 8) if rng.random() < 0.4 else "",
            "summary": f"{date:%m/%d/%Y}: " + _sentence(rng, 40) if rng.random() < 0.8 else "",
            "crit1": "1",
            "crit2": "1",
            "crit3": "1",
            "doubtterr": "0",
            "alternative_txt": ".",
            "multiple": "0",
            "success": "1",
            "suicide": "1" if attack_code == 3 and rng.random() < 0.08 else "0",
            "attacktype1": str(attack_code),
            "attacktype1_txt": attack_label,
            "attacktype2_txt": ".",
            "attacktype3_txt": ".",
            "targtype1": str(target_code),
            "targtype1_txt": target_label,
            "targsubtype1": str(rng.randrange(1, 100)),
            "targsubtype1_txt": _sentence(rng, 2),
            "corp1": _sentence(rng, 3) if rng.random() < 0.7 else "",
            "target1": _sentence(rng, 4),
            "natlty1": "153",
            "natlty1_txt": "Pakistan",
            "targtype2_txt": ".",
            "targsubtype2_txt": ".",
            "natlty2_txt": ".",
            "targtype3_txt": ".",
            "targsubtype3_txt": ".",
            "natlty3_txt": ".",
            "gname": rng.choices([group[0] for group in GROUPS], [group[1] for group in GROUPS])[0],
            "ingroup": str(rng.randrange(1, 4000)),
            "motive": _sentence(rng, 18) if rng.random() < 0.55 else "",
            "guncertain1": "0",
            "nperps": "-99",
            "nperpcap": "0",
            "claimed": rng.choice(["0", "0", "0", "1", ""]),
            "claimmode_txt": ".",
            "claimmode2_txt": ".",
            "claimmode3_txt": ".",
            "weaptype1": str(weapon_code),
            "weaptype1_txt": weapon_label,
            "weapsubtype1": str(rng.randrange(1, 30)),
            "weapsubtype1_txt": _sentence(rng, 2),
            "weaptype2_txt": ".",
            "weapsubtype2_txt": ".",
            "weaptype3_txt": ".",
            "weapsubtype3_txt": ".",
            "weaptype4_txt": ".",
            "weapsubtype4_txt": ".",
            "weapdetail": _sentence(rng, 6) if rng.random() < 0.7 else "",
            "nkill": "" if killed is None else f"{killed}.0",
            "nkillus": "0.0",
            "nkillter": "" if attackers is None or killed is None else f"{min(attackers, killed)}.0",
            "nwound": f"{wounded}.0",
            "nwoundus": "0.0",
            "nwoundte": "0.0" if attackers is not None else "",
            "property": rng.choice(["0", "1", "-9"]),
            "propextent_txt": ".",
            "propcomment": _sentence(rng, 8) if rng.random() < 0.45 else "",
            "ishostkid": "0",
            "hostkidoutcome_txt": ".",
            "scite1": f'"{_sentence(rng, 6)}," The News, {date:%B %d, %Y}.' if rng.random() < 0.76 else "",
            "scite2": f'"{_sentence(rng, 6)}," Dawn, {date:%B %d, %Y}.' if rng.random() < 0.6 else "",
            "scite3": f'"{_sentence(rng, 6)}," Express Tribune, {date:%B %d, %Y}.' if rng.random() < 0.34 else "",
            "dbsource": "START Primary Collection",
            "INT_LOG": "0",
            "INT_IDEO": "0",
            "INT_MISC": "0",
            "INT_ANY": "0",
        }
        for name, value in values.items():
            row[index[name]] = value
        yield row


def write(path: Path, count: int, *, seed: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(synthetic_rows(count, seed=seed))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    write(arguments.path, arguments.count, seed=arguments.seed)


if __name__ == "__main__":
    main()
