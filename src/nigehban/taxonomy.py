"""Controlled vocabularies of the incident record, provinces, and militant groups with their aliases.

The codes are those of the incident record in DESIGN.md (GTD's categories in snake_case). Every
importer maps its source's own labels onto these codes here, so that "Bombing/Explosion" (GTD),
"Remote explosive/landmine/IED" (ACLED) and an agency's "Blast" all end up as ``bombing``.

Examples:
    >>> canonical_group("TTP")
    'Tehrik-i-Taliban Pakistan'
    >>> canonical_group("Tehreek-e-Taliban Pakistan")
    'Tehrik-i-Taliban Pakistan'
    >>> canonical_province("North-West Frontier Province")
    'Khyber Pakhtunkhwa'
    >>> ATTACK_TYPES["bombing"]
    'Bombing/Explosion'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

__all__ = [
    "ATTACK_TYPES",
    "DATE_PRECISIONS",
    "GEO_PRECISIONS",
    "GROUPS",
    "PROVINCES",
    "TARGET_TYPES",
    "UNKNOWN_PERPETRATOR",
    "WEAPON_TYPES",
    "Group",
    "canonical_group",
    "canonical_province",
    "normalise_name",
]

# code -> label (GTD's label where GTD has the category)
ATTACK_TYPES: dict[str, str] = {
    "assassination": "Assassination",
    "armed_assault": "Armed Assault",
    "bombing": "Bombing/Explosion",
    "hijacking": "Hijacking",
    "hostage_barricade": "Hostage Taking (Barricade Incident)",
    "kidnapping": "Hostage Taking (Kidnapping)",
    "facility_attack": "Facility/Infrastructure Attack",
    "unarmed_assault": "Unarmed Assault",
    "unknown": "Unknown",
}

TARGET_TYPES: dict[str, str] = {
    "police": "Police",
    "military": "Military",
    "private_citizens_property": "Private Citizens & Property",
    "government_general": "Government (General)",
    "educational_institution": "Educational Institution",
    "religious_figures_institutions": "Religious Figures/Institutions",
    "business": "Business",
    "transportation": "Transportation",
    "utilities": "Utilities",
    "journalists_media": "Journalists & Media",
    "government_diplomatic": "Government (Diplomatic)",
    "ngo": "NGO",
    "terrorists_non_state_militia": "Terrorists/Non-State Militia",
    "violent_political_party": "Violent Political Party",
    "telecommunication": "Telecommunication",
    "airports_aircraft": "Airports & Aircraft",
    "food_water_supply": "Food or Water Supply",
    "maritime": "Maritime",
    "tourists": "Tourists",
    "other": "Other",
    "unknown": "Unknown",
}

WEAPON_TYPES: dict[str, str] = {
    "explosives": "Explosives",
    "firearms": "Firearms",
    "incendiary": "Incendiary",
    "melee": "Melee",
    "chemical": "Chemical",
    "biological": "Biological",
    "vehicle": "Vehicle (not to include vehicle-borne explosives)",
    "sabotage_equipment": "Sabotage Equipment",
    "fake_weapons": "Fake Weapons",
    "other": "Other",
    "unknown": "Unknown",
}

DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "year")

# How exactly the coordinates locate the attack. "country" marks a country centroid (GTD
# specificity 5): kept, because the source says so, but useless for anything spatial.
GEO_PRECISIONS: tuple[str, ...] = ("exact", "town", "district", "province", "country")

UNKNOWN_PERPETRATOR = "Unknown"

# Canonical province names -> the spellings sources use. FATA merged into Khyber Pakhtunkhwa in
# 2018 and the North-West Frontier Province was renamed in 2010; both map to today's province.
PROVINCES: dict[str, tuple[str, ...]] = {
    "Khyber Pakhtunkhwa": (
        "KP",
        "KPK",
        "K.P.",
        "K.P.K",
        "Khyber Pakhtoonkhwa",
        "Khyber-Pakhtunkhwa",
        "NWFP",
        "N.W.F.P.",
        "North-West Frontier Province",
        "North West Frontier Province",
        "North West Frontier",
        "FATA",
        "F.A.T.A.",
        "Federally Administered Tribal Areas",
        "Tribal Areas",
        "Khyber Pakhtunkhwa province",
        "Pakhtunkhwa",
        "Khyber Pakhtunkwa province",  # UCDP's spelling (GED, UCDP-AEC)
        "Khyber Pakhtunkwa",
        "Khyber Paktunkhwa",  # misspellings in GTD's summaries
        "Khyber Pakhunkhwa",
        "Khyber Pakhtunkwha",
        "Khyber Pukhtunkhwa",  # ... and in the Pakistani press
        "Khyber Pakhtoonkhwa",
        "Khyber Pukhtoonkhwa",
        "Khyber Pakhtunkhawa",
        "Pukhtunkhwa",
    ),
    "Punjab": ("Punjab province", "Panjab"),
    "Sindh": ("Sind", "Sindh province"),
    "Balochistan": ("Baluchistan", "Balochistan province", "Baluchistan province"),
    "Islamabad Capital Territory": ("Islamabad", "ICT", "Capital", "Federal Capital", "Federal Capital Area"),
    "Gilgit-Baltistan": ("Gilgit Baltistan", "GB", "Northern Areas", "Federally Administered Northern Areas"),
    "Azad Jammu and Kashmir": (
        "AJK",
        "Azad Kashmir",
        "Azad Jammu & Kashmir",
        "Azad Jammu Kashmir",
        "Pakistan-administered Kashmir",
    ),
}


@dataclass(frozen=True)
class Group:
    """A militant group (or a category of actor) as the record names it, with its aliases."""

    name: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    note: str = ""
    kind: str = field(default="group")


GROUPS: tuple[Group, ...] = (
    Group(
        "Tehrik-i-Taliban Pakistan",
        (
            "TTP",
            "Tehrik-i-Taliban Pakistan (TTP)",
            "Tehreek-e-Taliban Pakistan",
            "Tehrik-e-Taliban Pakistan",
            "Tehrik-i-Taliban",
            "Tehreek-e-Taliban",
            "Pakistani Taliban",
            "Taliban (Pakistan)",
            "Tehrik-e-Taliban Pakistan (TTP)",
            "Fitna al-Khawarij",  # the government's name for the TTP since 2024
            "Fitna-al-Khawarij",
            "Fitna al Khawarij",
        ),
        note="Umbrella of Pakistani Taliban factions, formed 2007; called Fitna al-Khawarij by the state since 2024.",
    ),
    Group(
        "Jamaat-ul-Ahrar",
        (
            "JuA",
            "Jamaat-ul-Ahrar (JuA)",
            "Jamaat ul Ahrar",
            "Jamat-ul-Ahrar",
            "Tehrik-i-Taliban Pakistan Jamaat-ul-Ahrar",
        ),
        parent="Tehrik-i-Taliban Pakistan",
    ),
    Group("Hizb-ul-Ahrar", ("Hizbul Ahrar",), parent="Jamaat-ul-Ahrar"),
    Group("Ahrar-ul-Hind", ("Ahrar ul Hind", "Ahrarul Hind"), parent="Tehrik-i-Taliban Pakistan"),
    Group(
        "Tehreek-e-Jihad Pakistan",
        ("Tehrik-e-Jihad Pakistan", "Tehreek-i-Jihad Pakistan"),  # not "TJP": also Tehrik-e-Jafaria Pakistan
        note="Claimed attacks on security forces from 2023.",
    ),
    Group("Punjabi Taliban", ("Punjabi Taleban",), parent="Tehrik-i-Taliban Pakistan"),
    Group(
        "Jaish-e-Fursan-e-Muhammad",
        ("Jaish-e-Fursan-e-Mohammad", "Jaish Fursan-e-Muhammad"),
        note="Claimed attacks on security forces from 2024 (Mir Ali, March 2024).",
    ),
    Group(
        "Ittehad-ul-Mujahideen Pakistan",
        ("Ittehad ul Mujahideen Pakistan", "Ittehad-ul-Mujahideen"),
        note="An alliance of North Waziristan militant groups formed in 2023, the Hafiz Gul Bahadur Group among them.",
    ),
    Group(
        "Tehrik-e-Taliban Pakistan Swat",
        ("Swat Taliban", "Tehrik-e-Nafaz-e-Shariat-e-Mohammadi Swat"),
        parent="Tehrik-i-Taliban Pakistan",
    ),
    Group("Hafiz Gul Bahadur Group", ("HGB", "Gul Bahadur Group", "Hafiz Gul Bahadur")),
    Group("Mullah Nazir Group", ("Mullah Nazir", "Maulvi Nazir Group")),
    Group(
        "Taliban",
        ("Afghan Taliban", "Islamic Emirate of Afghanistan", "Taleban"),
        note="Afghan Taliban (GTD's 'Taliban').",
    ),
    Group(
        "Islamic State",
        ("IS", "ISIS", "ISIL", "Islamic State of Iraq and the Levant", "Islamic State of Iraq and Syria", "Daesh"),
        note="The organisation as a whole; UCDP codes every branch, ISKP included, as 'IS'.",
    ),
    Group(
        "Islamic State Pakistan Province",
        ("ISPP", "IS-PP", "Islamic State - Pakistan Province", "Islamic State (Pakistan)", "Wilayat Pakistan"),
        parent="Islamic State",
        note="Declared in 2019; earlier IS activity in Pakistan ran through ISKP.",
    ),
    Group(
        "Islamic State Khorasan Province",
        (
            "ISKP",
            "ISIS-K",
            "IS-K",
            "Khorasan Chapter of the Islamic State",
            "Islamic State's Khorasan chapter",
            "Islamic State's Khorasan Province",
            "Islamic State - Khorasan Province",
            "Islamic State of Iraq and the Levant - Khorasan Province",
            "Daesh Khorasan",
        ),
        parent="Islamic State",
    ),
    Group("al-Qaida", ("Al-Qaida", "al-Qaeda", "Al Qaeda", "AQ", "Al-Qa'ida")),
    Group(
        "al-Qaida in the Indian Subcontinent",
        ("AQIS", "Al-Qaida in the Indian Subcontinent", "al-Qaeda in the Indian Subcontinent"),
        parent="al-Qaida",
    ),
    Group(
        "Lashkar-e-Jhangvi",
        ("LeJ", "LJ", "Lashkar-i-Jhangvi", "Lashkar-e-Jhangvi (LeJ)", "Lashkar e Jhangvi"),
    ),
    Group("Lashkar-e-Jhangvi al-Alami", ("LeJ-A", "Lashkar-e-Jhangvi Al-Alami"), parent="Lashkar-e-Jhangvi"),
    Group("Lashkar-e-Islam", ("LeI", "Lashkar-e-Islam (Pakistan)", "Lashkar-i-Islam")),
    Group(
        "Lashkar-e-Taiba",
        ("LeT", "Lashkar-e-Taiba (LeT)", "Lashkar-i-Taiba", "Jamaat-ud-Dawa", "Jamaat ud-Dawah"),
    ),
    Group("Jaish-e-Mohammad", ("JeM", "Jaish-e-Mohammad (JeM)", "Jaish-i-Mohammad", "Jaish-e-Muhammad")),
    Group(
        "Sipah-e-Sahaba Pakistan",
        ("SSP", "Sipah-e-Sahaba/Pakistan (SSP)", "Ahle Sunnat Wal Jamaat", "ASWJ", "Sipah-i-Sahaba"),
    ),
    Group(
        "Tehrik-e-Nafaz-e-Shariat-e-Mohammadi",
        ("TNSM", "Tehrik-e-Nafaz-e-Shariat-e-Mohammadi (TNSM)", "Tehreek-e-Nifaz-e-Shariat-e-Mohammadi"),
    ),
    Group(
        "Jundallah",
        ("Jundullah", "Jundallah (Pakistan)", "Jundullah (Pakistan)"),
        note="The Pakistani group (Karachi, TTP splinter); not the Iranian Baloch group of the same name.",
    ),
    Group("Ansar-ul-Sharia Pakistan", ("Ansar al-Sharia Pakistan", "Ansarul Sharia Pakistan")),
    Group(
        "Islamic Movement of Uzbekistan",
        ("IMU", "Islamic Movement of Uzbekistan (IMU)"),
        note="Foreign fighters based in the tribal areas (e.g. the 2014 Karachi airport attack).",
    ),
    Group(
        "Jaish al-Adl",
        ("Jaish ul-Adl", "Jaish-ul-Adl", "Jaish al-Adl (Iran)", "Army of Justice"),
        note="Iranian Baloch militants operating from Pakistan's Balochistan.",
    ),
    Group(
        "Baloch Liberation Army",
        (
            "BLA",
            "Baloch Liberation Army (BLA)",
            "Balochistan Liberation Army",
            "Baluch Liberation Army",
            "Majeed Brigade",  # its suicide unit, which claims in its own name
            "Majid Brigade",
        ),
    ),
    Group(
        "Baloch Liberation Front",
        (
            "BLF",
            "Baloch Liberation Front (BLF)",
            "Balochistan Liberation Front",
            "Baluchistan Liberation Front",
        ),
    ),
    Group("Baloch Republican Army", ("BRA", "Baloch Republican Army (BRA)", "Balochistan Republican Army")),
    Group("Baloch Raaji Aajoi Sangar", ("BRAS", "Baloch Raji Ajoee Sangar")),
    Group("Baloch Republican Guards", ("BRG", "Baloch Republican Guards (BRG)", "Baloch Republican Guard")),
    Group("Baloch Liberation Tigers", ("BLT",)),
    Group("United Baloch Army", ("UBA", "United Baloch Army (UBA)")),
    Group(
        "Baloch Nationalist Army", (), note="Formed in 2022 from the Baloch Republican Army and the United Baloch Army."
    ),
    Group("Lashkar-e-Balochistan", ("Lashkar-e-Balochistan (LeB)",)),
    Group("Balochistan Liberation United Front", ("BLUF", "Balochistan Liberation United Front (BLUF)")),
    Group("Sindhu Desh Liberation Army", ("SDLA", "Sindhu Desh Liberation Army (SDLA)")),
    Group("Sindhudesh Revolutionary Army", ("SRA", "Sindhu Desh Revolutionary Army")),
    Group(
        "Muttahida Qaumi Movement",
        ("MQM", "Muttahida Qami Movement (MQM)", "Muttahida Qaumi Movement (MQM)", "Mohajir Qaumi Movement"),
        kind="party",
    ),
    Group("Pakistan Awami Tehreek", ("PAT", "Pakistan Awami Tehrik"), kind="party"),
    Group(
        "Tehreek-e-Labbaik Pakistan",
        ("TLP", "Tehrik-e-Labbaik Pakistan", "Tehreek-e-Labbaik Ya Rasool Allah", "Tehreek-i-Labbaik Pakistan"),
        kind="party",
    ),
    Group(
        UNKNOWN_PERPETRATOR,
        (
            "unknown",
            "not known",
            "unidentified",
            "unidentified militants",
            "Unidentified Armed Group",  # ACLED
            "Unidentified Armed Group (Pakistan)",
        ),
        kind="unknown",
    ),
)

_CONNECTORS = frozenset({"e", "i", "ul", "al", "el", "the", "of"})
_RESPELLINGS = {
    "tehreek": "tehrik",
    "tahrik": "tehrik",
    "qaeda": "qaida",
    "jamat": "jamaat",
    "jamaat": "jamaat",
    "baluch": "baloch",
    "baluchistan": "balochistan",
    "muhammad": "mohammad",
    "mohammed": "mohammad",
}


def normalise_name(name: str) -> str:
    """Reduce a name to a key that absorbs punctuation, case, diacritics and common transliterations.

    >>> normalise_name("Tehreek-e-Taliban")
    'tehrik taliban'
    >>> normalise_name("Jamaat-ul-Ahrar") == normalise_name("Jamat ul Ahrar")
    True
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    tokens = re.split(r"[^0-9a-z\u0600-\u06ff]+", text)
    kept = [_RESPELLINGS.get(t, t) for t in tokens if t and t not in _CONNECTORS]
    return " ".join(kept)


@cache
def _group_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for group in GROUPS:
        for spelling in (group.name, *group.aliases):
            index[normalise_name(spelling)] = group.name
    return index


@cache
def canonical_group(name: str) -> str:
    """The canonical group name for a spelling, or the name itself (trimmed) when it is not known.

    Blank names become ``"Unknown"``.
    """
    stripped = " ".join(name.split())
    if not stripped:
        return UNKNOWN_PERPETRATOR
    return _group_index().get(normalise_name(stripped), stripped)


@cache
def _province_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for province, aliases in PROVINCES.items():
        for spelling in (province, *aliases):
            index[normalise_name(spelling)] = province
    return index


@cache
def canonical_province(name: str) -> str | None:
    """Today's province for a spelling (legacy names included); ``None`` for blanks and "Unknown".

    Raises ``KeyError`` for a name that is not a Pakistani province or territory.
    """
    key = normalise_name(name)
    if key in {"", "unknown", "na", "n a", "none"}:
        return None
    return _province_index()[key]
