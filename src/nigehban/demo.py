"""The synthetic demo world: invented attacks over real places, imported through the real pipeline.

**Everything here is made up.** The places are real district towns of Pakistan with their
approximate coordinates and provinces (public facts); the attacks, dates, tolls, claims and reports
are drawn at random. Every summary starts with ``"SYNTHETIC DEMO:"``, every dataset name with
``"demo-"``, and the import batches carry ``{"synthetic": true}`` in their options, so that demo
incidents are never mistaken for real ones (and ``--dataset demo-agency`` finds them all).

What the world looks like (so that the analysis, forecasting and deduplication have realistic work):

- **Groups and places.** A Tehrik-i-Taliban Pakistan (TTP) campaign in Khyber Pakhtunkhwa that
  resurges from 2021 and *spreads*: each district has a date from which the group is active there
  (Waziristan, D.I. Khan and Peshawar from the start; Bannu and Lakki Marwat from mid-2020; Khyber,
  Kohat, Swat after August 2021; Dir, Kurram, Mardan in 2022; Zhob, Mianwali, Quetta after the end of
  the ceasefire in late 2022; Punjab's edge later). Hafiz Gul Bahadur in North Waziristan and Bannu,
  ISKP in Bajaur and Peshawar, Lashkar-e-Islam in Khyber. Baloch Liberation Army / Front and the
  Baloch Republican Army in Balochistan (and the BLA in Karachi), a few Sindhudesh and
  Lashkar-e-Jhangvi attacks. A share of attacks is unattributed (``Unknown``).
- **Targets.** Police stations, checkpoints, patrols and officers are the largest single target of
  the TTP (about 45% of its attacks, a third overall); soldiers and FC posts next; gas pipelines,
  power pylons and mobile towers in Balochistan.
- **Time.** Yearly intensities per group, a seasonal cycle (summer peak, winter lull) and clustering:
  an attack sets off follow-up attacks by the same group within days, in the same or a nearby
  district where the group is active.
- **Tolls.** Overdispersed counts: most attacks kill 0-3 people; suicide bombings kill more, with a
  long tail. Security personnel are most of the dead in attacks on police and soldiers.

Two sources report the attacks, written as CSV files in a temporary directory and imported with the
small mappers below through :meth:`nigehban.Nigehban.import_rows` (the code real imports run):

- ``demo-agency``: an agency's spreadsheet (``DD/MM/YYYY`` dates, the agency's own labels for attack
  and target, security personnel and civilians counted apart). It misses some attacks, more in
  remote Balochistan.
- ``demo-press``: press reports of a share of the same attacks (nearly all of the deadly ones, and
  most of what the agency missed), some reported by two outlets, with the differences of real
  reporting: the date a day off, another spelling of the place ("D.I. Khan", "Miran Shah"),
  coordinates of the town a few km from the spot, an early or revised toll, a group's other name.

Deterministic: a seed and a span make the same world (``random.Random(seed)``), the same keys and the
same rows, so loading it again changes nothing (every row "unchanged"). A different span makes a
different world. :func:`generate_demo` returns the world without touching a store, with the truth
of which reports describe the same attack (:attr:`DemoWorld.same_attack`), for testing deduplication.

Example:
    >>> world = generate_demo(seed=7, start=dt.date(2023, 1, 1), end=dt.date(2023, 3, 31))
    >>> world.agency_rows[0]["Remarks"].startswith("SYNTHETIC DEMO:")
    True
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import math
import random
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nigehban.errors import InvalidFieldValue
from nigehban.ingest.pipeline import ImportReport, Mapper
from nigehban.ingest.values import RowProblem, parse_count, parse_date, parse_flag, parse_point, text
from nigehban.record import IncidentRecord
from nigehban.taxonomy import UNKNOWN_PERPETRATOR, canonical_group, canonical_province

if TYPE_CHECKING:
    from nigehban.app import Nigehban

__all__ = [
    "AGENCY_COLUMNS",
    "DEMO_DATASETS",
    "DEMO_END",
    "DEMO_START",
    "PRESS_COLUMNS",
    "SUMMARY_PREFIX",
    "TOWNS",
    "DemoAgencyMapper",
    "DemoAttack",
    "DemoPressMapper",
    "DemoWorld",
    "Town",
    "generate_demo",
    "load_demo",
]

SUMMARY_PREFIX = "SYNTHETIC DEMO:"
DEMO_DATASETS = ("demo-agency", "demo-press")
DEMO_START = dt.date(2019, 1, 1)
DEMO_END = dt.date(2024, 12, 31)

KP = "Khyber Pakhtunkhwa"
BALOCHISTAN = "Balochistan"
SINDH = "Sindh"
PUNJAB = "Punjab"
ICT = "Islamabad Capital Territory"
GB = "Gilgit-Baltistan"


@dataclasses.dataclass(frozen=True)
class Town:
    """A real district town: name, district, province, approximate WGS84 coordinates, other spellings."""

    name: str
    district: str
    province: str
    latitude: float
    longitude: float
    spellings: tuple[str, ...] = ()


# Real places, approximate town-centre coordinates (public geographic facts, rounded).
TOWNS: tuple[Town, ...] = (
    Town("Peshawar", "Peshawar", KP, 34.008, 71.578),
    Town("Bannu", "Bannu", KP, 32.989, 70.606, ("Bannu city",)),
    Town("Dera Ismail Khan", "Dera Ismail Khan", KP, 31.832, 70.902, ("D.I. Khan", "DI Khan")),
    Town("Lakki Marwat", "Lakki Marwat", KP, 32.607, 70.911, ("Lakki", "Laki Marwat")),
    Town("Miranshah", "North Waziristan", KP, 33.001, 70.071, ("Miran Shah", "Miramshah")),
    Town("Mir Ali", "North Waziristan", KP, 32.968, 70.270, ("Mirali",)),
    Town("Wana", "South Waziristan", KP, 32.300, 69.573, ("Wanna",)),
    Town("Tank", "Tank", KP, 32.217, 70.383),
    Town("Khar", "Bajaur", KP, 34.726, 71.523, ("Khar, Bajaur",)),
    Town("Landi Kotal", "Khyber", KP, 34.098, 71.141, ("Landikotal",)),
    Town("Jamrud", "Khyber", KP, 33.998, 71.378),
    Town("Kohat", "Kohat", KP, 33.582, 71.441),
    Town("Hangu", "Hangu", KP, 33.531, 71.059),
    Town("Parachinar", "Kurram", KP, 33.899, 70.101, ("Para Chinar",)),
    Town("Karak", "Karak", KP, 33.116, 71.094),
    Town("Mingora", "Swat", KP, 34.773, 72.360, ("Mingora, Swat",)),
    Town("Timergara", "Lower Dir", KP, 34.829, 71.843, ("Timergarah",)),
    Town("Charsadda", "Charsadda", KP, 34.148, 71.741, ("Charsada",)),
    Town("Mardan", "Mardan", KP, 34.198, 72.045),
    Town("Nowshera", "Nowshera", KP, 34.016, 71.975),
    Town("Swabi", "Swabi", KP, 34.120, 72.470),
    Town("Batkhela", "Malakand", KP, 34.618, 71.971),
    Town("Chitral", "Chitral", KP, 35.851, 71.786),
    Town("Abbottabad", "Abbottabad", KP, 34.146, 73.211),
    Town("Quetta", "Quetta", BALOCHISTAN, 30.183, 67.000),
    Town("Turbat", "Kech", BALOCHISTAN, 26.003, 63.044, ("Turbat, Kech",)),
    Town("Gwadar", "Gwadar", BALOCHISTAN, 25.126, 62.322, ("Gawadar",)),
    Town("Panjgur", "Panjgur", BALOCHISTAN, 26.964, 64.094, ("Punjgur",)),
    Town("Khuzdar", "Khuzdar", BALOCHISTAN, 27.812, 66.611),
    Town("Mastung", "Mastung", BALOCHISTAN, 29.799, 66.845),
    Town("Kalat", "Kalat", BALOCHISTAN, 29.027, 66.590),
    Town("Noshki", "Noshki", BALOCHISTAN, 29.555, 66.016, ("Nushki",)),
    Town("Sibi", "Sibi", BALOCHISTAN, 29.543, 67.877),
    Town("Dera Bugti", "Dera Bugti", BALOCHISTAN, 29.031, 69.151),
    Town("Kohlu", "Kohlu", BALOCHISTAN, 29.896, 69.254),
    Town("Zhob", "Zhob", BALOCHISTAN, 31.341, 69.449),
    Town("Chaman", "Chaman", BALOCHISTAN, 30.921, 66.450),
    Town("Loralai", "Loralai", BALOCHISTAN, 30.370, 68.598),
    Town("Awaran", "Awaran", BALOCHISTAN, 26.456, 65.231),
    Town("Kharan", "Kharan", BALOCHISTAN, 28.584, 65.416),
    Town("Dera Murad Jamali", "Naseerabad", BALOCHISTAN, 28.546, 68.223, ("D.M. Jamali",)),
    Town("Bela", "Lasbela", BALOCHISTAN, 26.227, 66.312),
    Town("Karachi", "Karachi", SINDH, 24.861, 67.010),
    Town("Hyderabad", "Hyderabad", SINDH, 25.396, 68.377),
    Town("Sukkur", "Sukkur", SINDH, 27.706, 68.857),
    Town("Larkana", "Larkana", SINDH, 27.558, 68.212),
    Town("Shikarpur", "Shikarpur", SINDH, 27.957, 68.637),
    Town("Dera Ghazi Khan", "Dera Ghazi Khan", PUNJAB, 30.046, 70.640, ("D.G. Khan", "DG Khan")),
    Town("Mianwali", "Mianwali", PUNJAB, 32.585, 71.544),
    Town("Rawalpindi", "Rawalpindi", PUNJAB, 33.598, 73.044),
    Town("Attock", "Attock", PUNJAB, 33.767, 72.360),
    Town("Islamabad", "Islamabad", ICT, 33.693, 73.064),
)
_TOWN = {town.name: town for town in TOWNS}


@dataclasses.dataclass(frozen=True)
class _GroupProfile:
    """How one group behaves in the demo world."""

    name: str  # canonical group name
    agency_label: str  # what the agency's spreadsheet calls it
    press_labels: tuple[str, ...]  # what the press calls it (aliases the taxonomy knows)
    per_year: Mapping[int, float]  # attacks a year (years outside the table take the nearest)
    places: tuple[tuple[str, float, dt.date], ...]  # town, weight, active from
    targets: Mapping[str, float]
    unattributed: float  # share of its attacks no source attributes to anyone
    claims: float  # share of attributed attacks it claims
    suicide: float  # share of its bombings that are suicide attacks
    severity: float = 1.0  # multiplies expected tolls


def _d(text_: str) -> dt.date:
    return dt.date.fromisoformat(text_)


_START = _d("2000-01-01")

GROUP_PROFILES: tuple[_GroupProfile, ...] = (
    _GroupProfile(
        "Tehrik-i-Taliban Pakistan",
        "TTP",
        ("TTP", "Tehreek-e-Taliban Pakistan", "Pakistani Taliban", "Tehrik-i-Taliban Pakistan"),
        {2019: 100, 2020: 110, 2021: 190, 2022: 330, 2023: 480, 2024: 560},
        (
            ("Miranshah", 2.5, _START),
            ("Mir Ali", 1.5, _START),
            ("Wana", 1.5, _START),
            ("Dera Ismail Khan", 1.5, _START),
            ("Peshawar", 1.0, _START),
            ("Tank", 0.8, _START),
            ("Khar", 0.6, _START),
            ("Bannu", 2.0, _d("2020-07-01")),
            ("Lakki Marwat", 1.8, _d("2020-07-01")),
            ("Landi Kotal", 0.7, _d("2021-08-15")),
            ("Jamrud", 0.7, _d("2021-08-15")),
            ("Kohat", 0.8, _d("2021-08-15")),
            ("Charsadda", 0.6, _d("2021-08-15")),
            ("Mingora", 0.6, _d("2021-08-15")),
            ("Timergara", 0.7, _d("2022-04-01")),
            ("Parachinar", 0.5, _d("2022-04-01")),
            ("Hangu", 0.6, _d("2022-04-01")),
            ("Karak", 0.5, _d("2022-04-01")),
            ("Nowshera", 0.4, _d("2022-04-01")),
            ("Mardan", 0.5, _d("2022-04-01")),
            ("Zhob", 0.5, _d("2022-12-01")),
            ("Chitral", 0.4, _d("2022-12-01")),
            ("Mianwali", 0.4, _d("2022-12-01")),
            ("Quetta", 0.4, _d("2022-12-01")),
            ("Batkhela", 0.4, _d("2022-12-01")),
            ("Islamabad", 0.1, _d("2022-12-01")),
            ("Swabi", 0.3, _d("2023-07-01")),
            ("Dera Ghazi Khan", 0.3, _d("2023-07-01")),
            ("Loralai", 0.3, _d("2023-07-01")),
            ("Chaman", 0.2, _d("2023-07-01")),
            ("Abbottabad", 0.1, _d("2024-03-01")),
            ("Attock", 0.15, _d("2024-03-01")),
            ("Rawalpindi", 0.1, _d("2024-03-01")),
        ),
        {
            "police": 0.46,
            "military": 0.20,
            "private_citizens_property": 0.09,
            "government_general": 0.06,
            "terrorists_non_state_militia": 0.04,
            "business": 0.03,
            "telecommunication": 0.03,
            "educational_institution": 0.02,
            "religious_figures_institutions": 0.02,
            "utilities": 0.02,
            "violent_political_party": 0.02,
            "journalists_media": 0.01,
        },
        unattributed=0.4,
        claims=0.6,
        suicide=0.12,
    ),
    _GroupProfile(
        "Hafiz Gul Bahadur Group",
        "HGB",
        ("Hafiz Gul Bahadur Group", "Gul Bahadur Group"),
        {2019: 5, 2020: 8, 2021: 15, 2022: 25, 2023: 50, 2024: 60},
        (
            ("Miranshah", 2.0, _START),
            ("Mir Ali", 2.0, _START),
            ("Bannu", 1.0, _START),
            ("Lakki Marwat", 0.5, _d("2023-01-01")),
        ),
        {"military": 0.5, "police": 0.35, "private_citizens_property": 0.1, "government_general": 0.05},
        unattributed=0.3,
        claims=0.7,
        suicide=0.15,
    ),
    _GroupProfile(
        "Islamic State Khorasan Province",
        "ISKP",
        ("ISKP", "IS-K", "Daesh Khorasan"),
        {2019: 5, 2020: 4, 2021: 12, 2022: 20, 2023: 30, 2024: 15},
        (
            ("Khar", 2.0, _START),
            ("Peshawar", 1.5, _START),
            ("Landi Kotal", 0.5, _START),
            ("Jamrud", 0.3, _START),
            ("Quetta", 0.5, _START),
            ("Mastung", 0.4, _START),
        ),
        {
            "religious_figures_institutions": 0.25,
            "private_citizens_property": 0.3,
            "violent_political_party": 0.2,
            "police": 0.2,
            "military": 0.05,
        },
        unattributed=0.3,
        claims=0.8,
        suicide=0.4,
        severity=1.3,
    ),
    _GroupProfile(
        "Lashkar-e-Islam",
        "LeI",
        ("Lashkar-e-Islam", "LeI"),
        {2019: 8, 2020: 6, 2021: 4, 2022: 3, 2023: 2, 2024: 2},
        (("Landi Kotal", 1.0, _START), ("Jamrud", 1.0, _START)),
        {"private_citizens_property": 0.4, "police": 0.3, "military": 0.2, "business": 0.1},
        unattributed=0.5,
        claims=0.3,
        suicide=0.0,
        severity=0.7,
    ),
    _GroupProfile(
        "Baloch Liberation Army",
        "BLA",
        ("BLA", "Baloch Liberation Army", "Balochistan Liberation Army"),
        {2019: 60, 2020: 50, 2021: 70, 2022: 100, 2023: 120, 2024: 170},
        (
            ("Quetta", 1.8, _START),
            ("Turbat", 1.2, _START),
            ("Gwadar", 1.0, _START),
            ("Panjgur", 0.8, _START),
            ("Noshki", 0.7, _START),
            ("Mastung", 0.8, _START),
            ("Kalat", 0.8, _START),
            ("Sibi", 0.5, _START),
            ("Kohlu", 0.6, _START),
            ("Dera Bugti", 0.4, _START),
            ("Khuzdar", 0.6, _START),
            ("Karachi", 0.5, _START),
            ("Loralai", 0.2, _d("2022-01-01")),
            ("Bela", 0.4, _d("2024-01-01")),
        ),
        {
            "military": 0.38,
            "private_citizens_property": 0.12,
            "police": 0.10,
            "business": 0.10,
            "transportation": 0.10,
            "government_general": 0.07,
            "utilities": 0.06,
            "telecommunication": 0.04,
            "journalists_media": 0.02,
            "educational_institution": 0.01,
        },
        unattributed=0.25,
        claims=0.85,
        suicide=0.08,
    ),
    _GroupProfile(
        "Baloch Liberation Front",
        "BLF",
        ("BLF", "Baloch Liberation Front"),
        {2019: 45, 2020: 40, 2021: 50, 2022: 60, 2023: 70, 2024: 85},
        (
            ("Turbat", 3.0, _START),
            ("Panjgur", 1.5, _START),
            ("Awaran", 1.5, _START),
            ("Gwadar", 1.0, _START),
            ("Kharan", 0.8, _START),
            ("Khuzdar", 0.6, _START),
        ),
        {
            "military": 0.35,
            "private_citizens_property": 0.15,
            "telecommunication": 0.10,
            "transportation": 0.10,
            "police": 0.08,
            "utilities": 0.08,
            "government_general": 0.08,
            "business": 0.06,
        },
        unattributed=0.3,
        claims=0.8,
        suicide=0.0,
        severity=0.8,
    ),
    _GroupProfile(
        "Baloch Republican Army",
        "BRA",
        ("BRA", "Baloch Republican Army"),
        {2019: 20, 2020: 15, 2021: 15, 2022: 15, 2023: 15, 2024: 15},
        (
            ("Dera Bugti", 2.0, _START),
            ("Kohlu", 1.0, _START),
            ("Sibi", 1.0, _START),
            ("Dera Murad Jamali", 1.0, _START),
        ),
        {"utilities": 0.45, "military": 0.25, "private_citizens_property": 0.15, "transportation": 0.15},
        unattributed=0.4,
        claims=0.7,
        suicide=0.0,
        severity=0.6,
    ),
    _GroupProfile(
        "Sindhudesh Revolutionary Army",
        "SRA",
        ("SRA", "Sindhudesh Revolutionary Army"),
        {2019: 8, 2020: 8, 2021: 8, 2022: 8, 2023: 8, 2024: 8},
        (
            ("Karachi", 2.0, _START),
            ("Hyderabad", 1.0, _START),
            ("Larkana", 0.5, _START),
            ("Sukkur", 0.5, _START),
            ("Shikarpur", 0.3, _START),
        ),
        {
            "business": 0.35,
            "transportation": 0.25,
            "police": 0.2,
            "utilities": 0.1,
            "private_citizens_property": 0.1,
        },
        unattributed=0.3,
        claims=0.7,
        suicide=0.0,
        severity=0.3,
    ),
    _GroupProfile(
        "Lashkar-e-Jhangvi",
        "LeJ",
        ("LeJ", "Lashkar-e-Jhangvi"),
        {2019: 6, 2020: 3, 2021: 3, 2022: 2, 2023: 2, 2024: 2},
        (("Quetta", 2.0, _START), ("Karachi", 0.5, _START)),
        {"private_citizens_property": 0.6, "religious_figures_institutions": 0.4},
        unattributed=0.3,
        claims=0.5,
        suicide=0.1,
        severity=1.2,
    ),
)

# How attacks are carried out, by target: attack type -> weight.
_ATTACKS_ON_FORCES = {"armed_assault": 0.5, "bombing": 0.3, "assassination": 0.15, "kidnapping": 0.05}
_ATTACKS_ON_INSTALLATIONS = {"facility_attack": 0.6, "bombing": 0.4}
_ATTACKS_ON_PEOPLE = {
    "bombing": 0.35,
    "armed_assault": 0.3,
    "assassination": 0.2,
    "kidnapping": 0.1,
    "facility_attack": 0.05,
}
_ATTACKS_BY_TARGET: dict[str, dict[str, float]] = {
    "police": _ATTACKS_ON_FORCES,
    "military": _ATTACKS_ON_FORCES,
    "utilities": _ATTACKS_ON_INSTALLATIONS,
    "telecommunication": _ATTACKS_ON_INSTALLATIONS,
    "educational_institution": {"facility_attack": 0.5, "bombing": 0.3, "armed_assault": 0.2},
    "transportation": {"bombing": 0.5, "armed_assault": 0.45, "hijacking": 0.05},
}

_TARGET_DETAILS: dict[str, dict[str, float]] = {
    "police": {
        "Police station": 3.0,
        "Police checkpoint": 3.0,
        "Police patrol": 1.5,
        "Police officer": 1.0,
        "Police escort of a polio vaccination team": 0.5,
    },
    "military": {"FC checkpost": 3.0, "Army convoy": 1.5, "Security forces camp": 1.0, "FC patrol": 1.5},
    "private_citizens_property": {"Market": 1.0, "Village elder": 1.0, "Passers-by": 1.0, "House": 1.0},
    "government_general": {"District administration office": 1.0, "Government official": 1.0},
    "terrorists_non_state_militia": {"Peace committee member": 1.0},
    "business": {"Shop": 1.0, "Construction company camp": 1.0, "Foreign engineers' convoy": 0.5},
    "telecommunication": {"Mobile phone tower": 1.0},
    "educational_institution": {"Government school": 1.0, "Girls' school": 1.0},
    "religious_figures_institutions": {"Mosque": 1.0, "Religious scholar": 1.0, "Imambargah": 0.5},
    "utilities": {"Gas pipeline": 2.0, "Electricity pylon": 1.5},
    "violent_political_party": {"Political rally": 1.0, "Party worker": 1.0},
    "journalists_media": {"Journalist": 1.0, "Press club": 0.5},
    "transportation": {"Passenger coach": 1.0, "Highway traffic": 1.0, "Railway track": 0.5},
}

_WEAPON_BY_ATTACK = {
    "armed_assault": "firearms",
    "assassination": "firearms",
    "kidnapping": "firearms",
    "hijacking": "firearms",
    "bombing": "explosives",
}

# The agency's labels (one per code where it writes it; the mapper reads them back).
AGENCY_ATTACK_LABELS = {
    "Armed attack": "armed_assault",
    "IED blast": "bombing",
    "Suicide attack": "bombing",
    "Grenade attack": "bombing",
    "Target killing": "assassination",
    "Kidnapping": "kidnapping",
    "Sabotage": "facility_attack",
    "Arson": "facility_attack",
    "Hijacking": "hijacking",
    "Hostage situation": "hostage_barricade",
    "Other": "unknown",
}
AGENCY_TARGET_LABELS = {
    "Police": "police",
    "Levies": "police",  # Balochistan's Levies force: a police force, as GTD codes it
    "FC": "military",
    "Army": "military",
    "Civilians": "private_citizens_property",
    "Government": "government_general",
    "Peace committee": "terrorists_non_state_militia",
    "Business": "business",
    "Mobile tower": "telecommunication",
    "School": "educational_institution",
    "Religious": "religious_figures_institutions",
    "Gas/power installation": "utilities",
    "Political party": "violent_political_party",
    "Media": "journalists_media",
    "Transport": "transportation",
    "Other": "other",
}
AGENCY_WEAPON_LABELS = {"Firearms": "firearms", "Explosives": "explosives", "Incendiary": "incendiary", "": "unknown"}
AGENCY_PROVINCES = {KP: "KP", BALOCHISTAN: "Balochistan", SINDH: "Sindh", PUNJAB: "Punjab", ICT: "ICT", GB: "GB"}

PRESS_ATTACK_LABELS = {
    "gun attack": "armed_assault",
    "ambush": "armed_assault",
    "blast": "bombing",
    "suicide blast": "bombing",
    "grenade attack": "bombing",
    "targeted killing": "assassination",
    "abduction": "kidnapping",
    "sabotage": "facility_attack",
    "arson": "facility_attack",
    "hijacking": "hijacking",
    "siege": "hostage_barricade",
    "attack": "unknown",
}
PRESS_WEAPONS = {
    "gun attack": "firearms",
    "ambush": "firearms",
    "targeted killing": "firearms",
    "abduction": "firearms",
    "hijacking": "firearms",
    "blast": "explosives",
    "suicide blast": "explosives",
    "grenade attack": "explosives",
    "arson": "incendiary",
}
_PRESS_PREPOSITIONS = {"targeted killing": "of", "abduction": "of", "hijacking": "of", "sabotage": "of"}
PRESS_TARGET_LABELS = {
    "police": "police",
    "levies": "police",
    "security forces": "military",
    "soldiers": "military",
    "civilians": "private_citizens_property",
    "government": "government_general",
    "peace committee": "terrorists_non_state_militia",
    "traders": "business",
    "mobile tower": "telecommunication",
    "school": "educational_institution",
    "worshippers": "religious_figures_institutions",
    "gas pipeline": "utilities",
    "political workers": "violent_political_party",
    "journalists": "journalists_media",
    "passengers": "transportation",
}
PRESS_PROVINCES = {
    KP: ("Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa", "KPK", "Khyber Pakhtoonkhwa"),
    BALOCHISTAN: ("Balochistan", "Balochistan", "Baluchistan"),
    SINDH: ("Sindh",),
    PUNJAB: ("Punjab",),
    ICT: ("Islamabad",),
    GB: ("Gilgit-Baltistan",),
}
PRESS_OUTLETS = ("Demo Daily", "Demo Tribune", "Demo Herald", "Demo News Agency")

AGENCY_COLUMNS = (
    "Incident No",
    "Date",
    "Province",
    "District",
    "Place",
    "Latitude",
    "Longitude",
    "Nature of Attack",
    "Target",
    "Target Detail",
    "Weapon",
    "Suicide",
    "Complex",
    "Group",
    "Claimed",
    "Security Martyred",
    "Civilians Killed",
    "Injured",
    "Terrorists Killed",
    "Terrorists Injured",
    "Remarks",
)
PRESS_COLUMNS = (
    "report_id",
    "outlet",
    "published",
    "incident_date",
    "headline",
    "province",
    "district",
    "place",
    "lat",
    "lon",
    "attack",
    "target",
    "suicide",
    "group",
    "claimed",
    "killed",
    "injured",
    "security_killed",
    "militants_killed",
)


@dataclasses.dataclass(frozen=True)
class DemoAttack:
    """One invented attack as it "really" happened in the demo world (the sources report it imperfectly)."""

    number: int
    date: dt.date
    town: Town
    latitude: float
    longitude: float
    group: str  # who did it
    attributed: bool  # whether the sources name the group
    claimed: bool
    attack_type: str
    target_type: str
    target_detail: str
    weapon_type: str
    suicide: bool
    complex_attack: bool
    killed_security: int
    killed_civilians: int
    wounded: int
    killed_perpetrators: int

    @property
    def killed(self) -> int:
        return self.killed_security + self.killed_civilians

    @property
    def perpetrator(self) -> str:
        """The group as the sources record it (``Unknown`` when unattributed)."""
        return self.group if self.attributed else UNKNOWN_PERPETRATOR


@dataclasses.dataclass
class DemoWorld:
    """The attacks and the rows of the two sources that report them."""

    seed: int
    start: dt.date
    end: dt.date
    attacks: list[DemoAttack]
    agency_rows: list[dict[str, str]]
    press_rows: list[dict[str, str]]
    reports: dict[int, list[str]]
    """Attack number -> the ``dataset:key`` of every row that reports it."""

    @property
    def same_attack(self) -> list[tuple[str, ...]]:
        """Groups of source records (``dataset:key``) that report the same attack: what deduplication should find."""
        return [tuple(labels) for labels in self.reports.values() if len(labels) > 1]


# ----------------------------------------------------------------------------------------------------
# random draws


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:  # normal approximation; Knuth's method is slow and underflows for large means
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _overdispersed(rng: random.Random, mean: float, shape: float = 0.7) -> int:
    """A negative binomial count (gamma-Poisson): mostly small, sometimes large."""
    if mean <= 0:
        return 0
    return _poisson(rng, rng.gammavariate(shape, mean / shape))


def _binomial(rng: random.Random, trials: int, share: float) -> int:
    return sum(rng.random() < share for _ in range(trials))


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _season(month: int) -> float:
    """Summer peak, winter lull (mean 1 over the year)."""
    return 1 + 0.3 * math.cos(2 * math.pi * (month - 7) / 12)


def _per_year(profile: _GroupProfile, year: int) -> float:
    years = sorted(profile.per_year)
    return profile.per_year[min(max(year, years[0]), years[-1])]


def _km(a: Town, b: Town) -> float:
    dlat = math.radians(b.latitude - a.latitude)
    dlon = math.radians(b.longitude - a.longitude)
    h = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(a.latitude)) * math.cos(math.radians(b.latitude)) * math.sin(dlon / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def _offset(rng: random.Random, latitude: float, longitude: float, km: float) -> tuple[float, float]:
    bearing = rng.uniform(0, 2 * math.pi)
    return (
        latitude + km * math.cos(bearing) / 111.0,
        longitude + km * math.sin(bearing) / (111.0 * math.cos(math.radians(latitude))),
    )


# ----------------------------------------------------------------------------------------------------
# the attacks

# an attack sets off this many follow-up attacks on average (one generation), days later
_FOLLOW_UPS = 0.2
_FOLLOW_UP_DAYS = 6.0
_NEARBY_KM = 150.0


def _active_places(profile: _GroupProfile, day: dt.date) -> list[tuple[Town, float]]:
    return [(_TOWN[name], weight) for name, weight, since in profile.places if since <= day]


def _attack(rng: random.Random, profile: _GroupProfile, town: Town, day: dt.date) -> DemoAttack:
    target = _pick(rng, profile.targets)
    attack_type = _pick(rng, _ATTACKS_BY_TARGET.get(target, _ATTACKS_ON_PEOPLE))
    suicide = attack_type == "bombing" and rng.random() < profile.suicide
    complex_attack = rng.random() < (0.25 if suicide else 0.03)
    if attack_type == "facility_attack":
        weapon = "explosives" if rng.random() < 0.5 else "incendiary"
    else:
        weapon = _WEAPON_BY_ATTACK.get(attack_type, "unknown")
    severity = profile.severity
    if suicide:
        # median about 6, one in fifty over 40; capped near the worst attacks Pakistan has seen
        killed = min(150, round(rng.lognormvariate(math.log(6 * severity), 0.85)))
    elif attack_type == "bombing":
        killed = _overdispersed(rng, 0.9 * severity)
    elif attack_type == "armed_assault":
        killed = _overdispersed(rng, (1.8 if target in {"police", "military"} else 1.3) * severity)
    elif attack_type == "assassination":
        killed = 0 if rng.random() < 0.08 else 1 + (rng.random() < 0.15)
    elif attack_type == "hijacking":
        killed = _overdispersed(rng, 2.0 * severity)
    else:  # kidnapping, facility attack
        killed = _overdispersed(rng, 0.1)
    wounded = _overdispersed(rng, 1.5 * killed + (2.0 if attack_type == "bombing" else 0.5) * severity, 0.8)
    security_share = 0.85 if target in {"police", "military"} else 0.05
    killed_security = _binomial(rng, killed, security_share)
    if suicide:
        killed_perpetrators = 1 + (_poisson(rng, 2.0) if complex_attack else 0)
    elif attack_type == "armed_assault" and target in {"police", "military"} and rng.random() < 0.3:
        killed_perpetrators = 1 + _poisson(rng, 0.8)  # repulsed
    else:
        killed_perpetrators = 0
    latitude, longitude = _offset(rng, town.latitude, town.longitude, min(15.0, 0.5 + rng.expovariate(1 / 3)))
    attributed = rng.random() >= profile.unattributed
    return DemoAttack(
        number=0,
        date=day,
        town=town,
        latitude=round(latitude, 5),
        longitude=round(longitude, 5),
        group=profile.name,
        attributed=attributed,
        claimed=attributed and rng.random() < profile.claims,
        attack_type=attack_type,
        target_type=target,
        target_detail=_pick(rng, _TARGET_DETAILS.get(target, {"Unspecified target": 1.0})),
        weapon_type=weapon,
        suicide=suicide,
        complex_attack=complex_attack,
        killed_security=killed_security,
        killed_civilians=killed - killed_security,
        wounded=wounded,
        killed_perpetrators=killed_perpetrators,
    )


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(first, last) day of each month of the span, clipped to it."""
    months = []
    first = start.replace(day=1)
    while first <= end:
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        months.append((max(first, start), min(following - dt.timedelta(days=1), end)))
        first = following
    return months


def _attacks(rng: random.Random, start: dt.date, end: dt.date) -> list[DemoAttack]:
    attacks: list[tuple[dt.date, int, DemoAttack]] = []
    for first, last in _months(start, end):
        days = (last - first).days + 1
        month_days = ((first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - first.replace(day=1)).days
        for profile in GROUP_PROFILES:
            mean = _per_year(profile, first.year) / 12 * _season(first.month) * days / month_days
            for _ in range(_poisson(rng, mean)):
                day = first + dt.timedelta(days=rng.randrange(days))
                places = _active_places(profile, day)
                if not places:
                    continue
                town = rng.choices([place for place, _ in places], weights=[weight for _, weight in places])[0]
                attacks.append((day, len(attacks), _attack(rng, profile, town, day)))
                for _ in range(_poisson(rng, _FOLLOW_UPS)):
                    later = day + dt.timedelta(days=1 + int(rng.expovariate(1 / _FOLLOW_UP_DAYS)))
                    if later > end:
                        continue
                    near = [place for place, _ in _active_places(profile, later) if _km(town, place) <= _NEARBY_KM]
                    where = town if rng.random() < 0.75 or not near else rng.choice(near)
                    attacks.append((later, len(attacks), _attack(rng, profile, where, later)))
    attacks.sort(key=lambda item: (item[0], item[1]))
    return [dataclasses.replace(attack, number=number) for number, (_, _, attack) in enumerate(attacks, start=1)]


# ----------------------------------------------------------------------------------------------------
# the two sources


def _count_text(value: int | None) -> str:
    return "" if value is None else str(value)


def _agency_attack_label(rng: random.Random, attack: DemoAttack) -> str:
    if attack.attack_type == "bombing":
        if attack.suicide:
            return "Suicide attack"
        return "Grenade attack" if rng.random() < 0.2 else "IED blast"
    if attack.attack_type == "facility_attack":
        return "Arson" if attack.weapon_type == "incendiary" else "Sabotage"
    return {code: label for label, code in AGENCY_ATTACK_LABELS.items()}[attack.attack_type]


def _agency_target_label(rng: random.Random, attack: DemoAttack) -> str:
    if attack.target_type == "police" and attack.town.province == BALOCHISTAN and rng.random() < 0.4:
        return "Levies"
    if attack.target_type == "military":
        return "FC" if attack.town.province == BALOCHISTAN or "FC" in attack.target_detail else "Army"
    return {code: label for label, code in reversed(AGENCY_TARGET_LABELS.items())}[attack.target_type]


def _lower_first(words: str) -> str:
    """ "Police station" -> "police station", but "FC checkpost" stays."""
    return words if words[1:2].isupper() else words[:1].lower() + words[1:]


def _agency_row(rng: random.Random, attack: DemoAttack, key: str) -> dict[str, str]:
    has_point = rng.random() >= 0.08
    perpetrator = _profile(attack.group).agency_label if attack.attributed else ""
    toll = []
    if attack.killed_security:
        toll.append(f"{attack.killed_security} security personnel martyred")
    if attack.killed_civilians:
        toll.append(f"{attack.killed_civilians} civilian{'s' if attack.killed_civilians > 1 else ''} killed")
    if attack.wounded:
        toll.append(f"{attack.wounded} injured")
    if not toll:
        toll.append("no casualties")
    claim = (
        f" Claimed by {perpetrator}." if attack.claimed else (f" Attributed to {perpetrator}." if perpetrator else "")
    )
    nature = _agency_attack_label(rng, attack)
    return {
        "Incident No": key,
        "Date": attack.date.strftime("%d/%m/%Y"),
        "Province": AGENCY_PROVINCES[attack.town.province],
        "District": attack.town.district,
        "Place": attack.town.name,
        "Latitude": f"{attack.latitude:.5f}" if has_point else "",
        "Longitude": f"{attack.longitude:.5f}" if has_point else "",
        "Nature of Attack": nature,
        "Target": _agency_target_label(rng, attack),
        "Target Detail": attack.target_detail,
        "Weapon": {code: label for label, code in AGENCY_WEAPON_LABELS.items()}.get(attack.weapon_type, ""),
        "Suicide": "Y" if attack.suicide else "N",
        "Complex": "Y" if attack.complex_attack else "N",
        "Group": perpetrator,
        "Claimed": ("Y" if attack.claimed else "N") if perpetrator else "",
        "Security Martyred": str(attack.killed_security),
        "Civilians Killed": str(attack.killed_civilians),
        "Injured": str(attack.wounded),
        "Terrorists Killed": str(attack.killed_perpetrators),
        "Terrorists Injured": str(_poisson(rng, 0.5)) if rng.random() < 0.2 else "",
        "Remarks": (
            f"{SUMMARY_PREFIX} {nature} on {_lower_first(attack.target_detail)} at {attack.town.name}; "
            f"{', '.join(toll)}.{claim}"
        ),
    }


def _press_attack_label(rng: random.Random, attack: DemoAttack) -> str:
    if attack.attack_type == "bombing":
        return "suicide blast" if attack.suicide else ("grenade attack" if rng.random() < 0.15 else "blast")
    if attack.attack_type == "armed_assault":
        return "ambush" if rng.random() < 0.3 else "gun attack"
    if attack.attack_type == "assassination":
        return "targeted killing" if rng.random() < 0.85 else "gun attack"  # a killing reported as an attack
    if attack.attack_type == "facility_attack":
        return "arson" if attack.weapon_type == "incendiary" else "sabotage"
    labels = {"kidnapping": "abduction", "hijacking": "hijacking", "hostage_barricade": "siege"}
    return labels.get(attack.attack_type, "attack")


def _press_target_label(rng: random.Random, attack: DemoAttack) -> str:
    if attack.target_type == "police" and attack.town.province == BALOCHISTAN and rng.random() < 0.3:
        return "levies"
    if attack.target_type == "military":
        return "soldiers" if rng.random() < 0.4 else "security forces"
    return {code: label for label, code in reversed(PRESS_TARGET_LABELS.items())}.get(attack.target_type, "civilians")


def _press_row(rng: random.Random, attack: DemoAttack, key: str, outlet: str) -> dict[str, str]:
    shift = rng.random()
    day = attack.date + dt.timedelta(days=1 if shift < 0.2 else (-1 if shift < 0.25 else 0))
    published = max(day, attack.date) + dt.timedelta(days=int(rng.random() < 0.6))
    place = rng.choice((attack.town.name, *attack.town.spellings)) if attack.town.spellings else attack.town.name
    killed = attack.killed
    if rng.random() < 0.3:  # an early count, or one revised since
        killed = max(0, killed + rng.choice((-1, 1, 1, 2)))
    wounded = max(0, round(attack.wounded * rng.uniform(0.6, 1.4)))
    has_point = rng.random() < 0.85
    # the press geocodes to the town: a few km from where the attack happened
    latitude, longitude = _offset(rng, attack.town.latitude, attack.town.longitude, rng.uniform(0.5, 4.0))
    attributed = attack.attributed and rng.random() < 0.85
    group = rng.choice(_profile(attack.group).press_labels) if attributed else ""
    attack_label = _press_attack_label(rng, attack)
    target_label = _press_target_label(rng, attack)
    toll = f"{killed} killed" if killed else "no casualties"
    if wounded:
        toll += f", {wounded} injured"
    return {
        "report_id": key,
        "outlet": outlet,
        "published": published.isoformat(),
        "incident_date": day.isoformat(),
        "headline": (
            f"{SUMMARY_PREFIX} {attack_label.capitalize()} {_PRESS_PREPOSITIONS.get(attack_label, 'on')} "
            f"{target_label} in {place}: {toll}"
        ),
        "province": rng.choice(PRESS_PROVINCES[attack.town.province]),
        "district": attack.town.district if rng.random() < 0.7 else "",
        "place": place,
        "lat": f"{latitude:.4f}" if has_point else "",
        "lon": f"{longitude:.4f}" if has_point else "",
        "attack": attack_label,
        "target": target_label,
        "suicide": "yes" if attack.suicide else "",
        "group": group,
        "claimed": ("yes" if attack.claimed else "no") if group else "",
        "killed": str(killed),
        "injured": str(wounded),
        "security_killed": str(min(attack.killed_security, killed)) if rng.random() < 0.6 else "",
        "militants_killed": str(attack.killed_perpetrators)
        if attack.killed_perpetrators and rng.random() < 0.7
        else "",
    }


def _profile(group: str) -> _GroupProfile:
    for profile in GROUP_PROFILES:
        if profile.name == group:
            return profile
    raise KeyError(group)


def generate_demo(seed: int = 2023, *, start: dt.date | None = None, end: dt.date | None = None) -> DemoWorld:
    """The demo world for a seed and span (default 2019-01-01 to 2024-12-31), without touching a store."""
    start = start or DEMO_START
    end = end or DEMO_END
    if start > end:
        raise InvalidFieldValue("start", start, f"is after end ({end})")
    rng = random.Random(seed)
    attacks = _attacks(rng, start, end)
    agency_rows: list[dict[str, str]] = []
    press: list[tuple[dt.date, int, DemoAttack, str]] = []
    reports: dict[int, list[str]] = {}
    per_year: dict[int, int] = {}
    for attack in attacks:
        remote = attack.town.province == BALOCHISTAN and attack.town.name != "Quetta"
        in_agency = attack.killed >= 5 or rng.random() < (0.8 if remote else 0.9)
        if in_agency:
            per_year[attack.date.year] = per_year.get(attack.date.year, 0) + 1
            key = f"DA-{attack.date.year}-{per_year[attack.date.year]:05d}"
            agency_rows.append(_agency_row(rng, attack, key))
            reports.setdefault(attack.number, []).append(f"demo-agency:{key}")
        in_press = not in_agency or rng.random() < min(0.95, 0.35 + 0.12 * attack.killed)
        if in_press:
            outlets = rng.sample(PRESS_OUTLETS, 2 if rng.random() < 0.15 else 1)
            for outlet in outlets:
                press.append((attack.date, len(press), attack, outlet))
    press_rows = []
    for number, (_, _, attack, outlet) in enumerate(sorted(press, key=lambda item: (item[0], item[1])), start=1):
        key = f"DP-{number:06d}"
        press_rows.append(_press_row(rng, attack, key, outlet))
        reports.setdefault(attack.number, []).append(f"demo-press:{key}")
    return DemoWorld(seed, start, end, attacks, agency_rows, press_rows, reports)


# ----------------------------------------------------------------------------------------------------
# importing


def _summary(row: Mapping[str, str], column: str) -> str:
    summary = text(row, column)
    if summary is None or not summary.startswith(SUMMARY_PREFIX):
        raise RowProblem(column, f"demo rows are labelled: the text must start with {SUMMARY_PREFIX!r}")
    return summary


def _label(row: Mapping[str, str], column: str, labels: Mapping[str, str]) -> str:
    value = row.get(column, "").strip()
    try:
        return labels[value]
    except KeyError:
        raise RowProblem(column, f"{value!r} is not one of: {', '.join(repr(label) for label in labels)}") from None


def _province(row: Mapping[str, str], column: str) -> str | None:
    value = row.get(column, "")
    try:
        return canonical_province(value)
    except KeyError:
        raise RowProblem(column, f"{value.strip()!r} is not a province of Pakistan") from None


def _add(first: float | None, second: float | None) -> float | None:
    if first is None and second is None:
        return None
    return (first or 0) + (second or 0)


class _DemoMapper(Mapper):
    importer = "demo"

    def __init__(self, *, seed: int | None = None) -> None:
        self.seed = seed

    def options(self) -> dict[str, Any]:
        return {"synthetic": True, "seed": self.seed}


class DemoAgencyMapper(_DemoMapper):
    """The demo agency's spreadsheet (SYNTHETIC): ``DD/MM/YYYY`` dates, its own attack and target labels.

    Victims killed are ``Security Martyred`` + ``Civilians Killed`` (``killed_security`` the former);
    ``Suicide`` and ``Complex`` are ``Y``/``N``; the coordinates are those of the spot (``exact``).
    """

    dataset = "demo-agency"
    format_name = "the demo agency spreadsheet (SYNTHETIC; columns Incident No, Date, Province, ...)"
    required_columns = AGENCY_COLUMNS

    def key(self, row: dict[str, str]) -> str:
        key = text(row, "Incident No")
        if key is None:
            raise RowProblem("Incident No", "the row has no incident number")
        return key

    def map(self, row: dict[str, str]) -> IncidentRecord:
        latitude, longitude = parse_point(row, "Latitude", "Longitude")
        security = parse_count(row, "Security Martyred", whole=True)
        group = text(row, "Group")
        return IncidentRecord(
            date=parse_date(row.get("Date", ""), "Date", ("%d/%m/%Y",)),
            province=_province(row, "Province"),
            district=text(row, "District"),
            place=text(row, "Place"),
            latitude=latitude,
            longitude=longitude,
            geo_precision="exact" if latitude is not None else None,
            attack_type=_label(row, "Nature of Attack", AGENCY_ATTACK_LABELS),
            target_type=_label(row, "Target", AGENCY_TARGET_LABELS),
            target_detail=text(row, "Target Detail"),
            weapon_type=_label(row, "Weapon", AGENCY_WEAPON_LABELS),
            suicide=parse_flag(row, "Suicide"),
            complex_attack=parse_flag(row, "Complex"),
            perpetrator=canonical_group(group or ""),
            perpetrator_claimed=parse_flag(row, "Claimed") if group else None,
            killed=_add(security, parse_count(row, "Civilians Killed", whole=True)),
            killed_security=security,
            killed_perpetrators=parse_count(row, "Terrorists Killed", whole=True),
            wounded=parse_count(row, "Injured", whole=True),
            wounded_perpetrators=parse_count(row, "Terrorists Injured", whole=True),
            summary=_summary(row, "Remarks"),
        )


class DemoPressMapper(_DemoMapper):
    """Demo press reports (SYNTHETIC): the date of the incident as reported, the headline as summary.

    The weapon follows from the kind of attack the report names ("blast": explosives, "gun attack":
    firearms; unknown for "sabotage"); coordinates are the town's as geocoded (``town``).
    """

    dataset = "demo-press"
    format_name = "demo press reports (SYNTHETIC; columns report_id, outlet, published, incident_date, ...)"
    required_columns = PRESS_COLUMNS

    def key(self, row: dict[str, str]) -> str:
        key = text(row, "report_id")
        if key is None:
            raise RowProblem("report_id", "the report has no id")
        return key

    def map(self, row: dict[str, str]) -> IncidentRecord:
        latitude, longitude = parse_point(row, "lat", "lon")
        attack = row.get("attack", "").strip()
        group = text(row, "group")
        return IncidentRecord(
            date=parse_date(row.get("incident_date", ""), "incident_date", ("%Y-%m-%d",)),
            province=_province(row, "province"),
            district=text(row, "district"),
            place=text(row, "place"),
            latitude=latitude,
            longitude=longitude,
            geo_precision="town" if latitude is not None else None,
            attack_type=_label(row, "attack", PRESS_ATTACK_LABELS),
            target_type=_label(row, "target", PRESS_TARGET_LABELS),
            weapon_type=PRESS_WEAPONS.get(attack, "unknown"),
            suicide=parse_flag(row, "suicide"),
            perpetrator=canonical_group(group or ""),
            perpetrator_claimed=parse_flag(row, "claimed") if group else None,
            killed=parse_count(row, "killed", whole=True),
            killed_security=parse_count(row, "security_killed", whole=True),
            killed_perpetrators=parse_count(row, "militants_killed", whole=True),
            wounded=parse_count(row, "injured", whole=True),
            summary=_summary(row, "headline"),
        )


def _write_csv(path: Path, columns: Sequence[str], rows: Sequence[Mapping[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)


def load_demo(
    app: Nigehban, *, seed: int = 2023, start: dt.date | None = None, end: dt.date | None = None
) -> list[ImportReport]:
    """Generate the demo world and import its two sources into ``app``'s store; one report per source.

    Loading the same seed and span again changes nothing (every row is reported unchanged).

    Example::

        reports = app.demo(seed=2023)
        print([(report.dataset, report.inserted) for report in reports])
    """
    world = generate_demo(seed, start=start, end=end)
    reports = []
    with tempfile.TemporaryDirectory(prefix="nigehban-demo-") as directory:
        sources: list[tuple[_DemoMapper, Sequence[str], list[dict[str, str]]]] = [
            (DemoAgencyMapper(seed=seed), AGENCY_COLUMNS, world.agency_rows),
            (DemoPressMapper(seed=seed), PRESS_COLUMNS, world.press_rows),
        ]
        for mapper, columns, rows in sources:
            path = Path(directory) / f"{mapper.dataset}.csv"
            _write_csv(path, columns, rows)
            reports.append(app.import_rows(mapper, path, strict=True))
    return reports
