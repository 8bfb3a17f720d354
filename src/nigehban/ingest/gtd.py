"""Global Terrorism Database (START, University of Maryland) exports: CSV or XLSX, gzip accepted.

Column names are GTD's official ones (codebook of the 2017+ releases). What the mapping does:

- ``eventid`` is the key; the date comes from ``iyear``/``imonth``/``iday`` where a month or day of
  0 means "not known" (the date then falls on the first of the month or year, with
  ``date_precision`` saying so).
- ``nkill`` counts everyone killed, attackers included; ``nkillter`` the attackers. Victims are
  ``killed = nkill - nkillter``. Where ``nkillter`` is empty (GTD did not code it before 1997 and
  often after) ``killed = nkill`` and ``killed_perpetrators`` stays empty. Wounded likewise with
  ``nwound``/``nwoundte``.
- ``provstate`` uses the names of its day: "North-West Frontier Province" and "Federally
  Administered Tribal Areas" are Khyber Pakhtunkhwa today. A province name from outside Pakistan is
  kept out of ``province`` (GTD files of other countries import, without a province).
- ``specificity`` sets ``geo_precision``: 1 = the town's coordinates (``town``), 2-3 = centroid of
  a district-level unit (``district``), 4 = of a province (``province``), 5 = of the country
  (``country``; kept, but of no use for mapping).
- ``gname`` goes through the group aliases (``Tehrik-i-Taliban Pakistan (TTP)`` becomes
  ``Tehrik-i-Taliban Pakistan``); ``claimed`` 1/0 sets ``perpetrator_claimed``, -9 is unknown.
- Only the first attack, target and weapon type are mapped; the others stay in the raw payload.
"""

from __future__ import annotations

import datetime as dt

from nigehban.geo.apply import place_query
from nigehban.geo.resolution import PlaceQuery
from nigehban.ingest.pipeline import Mapper
from nigehban.ingest.values import RowProblem, parse_count, parse_flag, parse_point, text
from nigehban.record import IncidentRecord, whole_number
from nigehban.taxonomy import UNKNOWN_PERPETRATOR, canonical_group, canonical_province

__all__ = ["GtdMapper"]

ATTACK_TYPES_BY_LABEL = {
    "Assassination": "assassination",
    "Armed Assault": "armed_assault",
    "Bombing/Explosion": "bombing",
    "Hijacking": "hijacking",
    "Hostage Taking (Barricade Incident)": "hostage_barricade",
    "Hostage Taking (Kidnapping)": "kidnapping",
    "Facility/Infrastructure Attack": "facility_attack",
    "Unarmed Assault": "unarmed_assault",
    "Unknown": "unknown",
}
ATTACK_TYPES_BY_CODE = dict(zip("123456789", ATTACK_TYPES_BY_LABEL.values(), strict=True))

TARGET_TYPES_BY_CODE = {
    "1": "business",
    "2": "government_general",
    "3": "police",
    "4": "military",
    "5": "other",  # Abortion Related: no category of its own in the record
    "6": "airports_aircraft",
    "7": "government_diplomatic",
    "8": "educational_institution",
    "9": "food_water_supply",
    "10": "journalists_media",
    "11": "maritime",
    "12": "ngo",
    "13": "other",
    "14": "private_citizens_property",
    "15": "religious_figures_institutions",
    "16": "telecommunication",
    "17": "terrorists_non_state_militia",
    "18": "tourists",
    "19": "transportation",
    "20": "unknown",
    "21": "utilities",
    "22": "violent_political_party",
}

WEAPON_TYPES_BY_CODE = {
    "1": "biological",
    "2": "chemical",
    "3": "other",  # Radiological
    "4": "other",  # Nuclear
    "5": "firearms",
    "6": "explosives",
    "7": "fake_weapons",
    "8": "incendiary",
    "9": "melee",
    "10": "vehicle",
    "11": "sabotage_equipment",
    "12": "other",
    "13": "unknown",
}

GEO_PRECISION_BY_SPECIFICITY = {
    "1": "town",
    "2": "district",
    "3": "district",
    "4": "province",
    "5": "country",
}

UNKNOWN_TEXT = ("Unknown", "unknown", "Unk", ".")


def _code(row: dict[str, str], column: str) -> str:
    """GTD codes arrive as "3" from CSV and sometimes "3.0" from spreadsheets."""
    value = row.get(column, "").strip()
    return value[:-2] if value.endswith(".0") else value


class GtdMapper(Mapper):
    """Maps GTD rows onto the canonical record (see the module docstring for the rules)."""

    importer = "gtd"
    format_name = "a GTD export (official column names: eventid, iyear, imonth, iday, ...)"
    required_columns = (
        "eventid",
        "iyear",
        "imonth",
        "iday",
        "provstate",
        "city",
        "latitude",
        "longitude",
        "attacktype1",
        "targtype1",
        "weaptype1",
        "gname",
        "nkill",
        "nwound",
    )

    def __init__(self, *, dataset: str = "gtd") -> None:
        self.dataset = dataset

    def key(self, row: dict[str, str]) -> str:
        key = _code(row, "eventid")
        if not key:
            raise RowProblem("eventid", "the event has no eventid")
        return key

    def place_query(self, row: dict[str, str], record: IncidentRecord) -> PlaceQuery:
        """GTD's free-text ``location`` ("in the Khadezai area of the Orakzai Agency") helps name the district."""
        return place_query(record, detail=text(row, "location", unknown=UNKNOWN_TEXT))

    def map(self, row: dict[str, str]) -> IncidentRecord:
        date, precision = self._date(row)
        latitude, longitude = parse_point(row, "latitude", "longitude")
        killed, killed_perpetrators = _victims_and_perpetrators(row, "nkill", "nkillter")
        wounded, wounded_perpetrators = _victims_and_perpetrators(row, "nwound", "nwoundte")
        return IncidentRecord(
            date=date,
            date_precision=precision,
            province=_province(row),
            latitude=latitude,
            longitude=longitude,
            geo_precision=(
                GEO_PRECISION_BY_SPECIFICITY.get(_code(row, "specificity"), "town") if latitude is not None else None
            ),
            place=text(row, "city", unknown=UNKNOWN_TEXT),
            attack_type=_lookup(row, "attacktype1", ATTACK_TYPES_BY_CODE),
            target_type=_lookup(row, "targtype1", TARGET_TYPES_BY_CODE),
            target_detail=text(row, "target1", unknown=UNKNOWN_TEXT) or text(row, "corp1", unknown=UNKNOWN_TEXT),
            weapon_type=_lookup(row, "weaptype1", WEAPON_TYPES_BY_CODE),
            suicide=parse_flag(row, "suicide"),
            perpetrator=canonical_group(row.get("gname", "")) or UNKNOWN_PERPETRATOR,
            perpetrator_claimed=parse_flag(row, "claimed"),
            killed=killed,
            killed_perpetrators=killed_perpetrators,
            wounded=wounded,
            wounded_perpetrators=wounded_perpetrators,
            summary=text(row, "summary"),
        )

    @staticmethod
    def _date(row: dict[str, str]) -> tuple[dt.date, str]:
        year = parse_count(row, "iyear", whole=True)
        if year is None or not 1900 <= year <= 2100:
            raise RowProblem("iyear", f"{row.get('iyear', '')!r} is not a year")
        month = int(parse_count(row, "imonth", whole=True) or 0)
        day = int(parse_count(row, "iday", whole=True) or 0)
        year = int(year)
        if not 0 <= month <= 12:
            raise RowProblem("imonth", f"{month} is not a month (1-12, or 0 for unknown)")
        if month == 0:
            return dt.date(year, 1, 1), "year"
        if day == 0:
            return dt.date(year, month, 1), "month"
        try:
            return dt.date(year, month, day), "day"
        except ValueError:
            raise RowProblem("iday", f"{year}-{month:02d}-{day:02d} is not a date") from None


def _province(row: dict[str, str]) -> str | None:
    name = row.get("provstate", "")
    country = row.get("country_txt", "Pakistan").strip()
    if country != "Pakistan":
        return None
    try:
        return canonical_province(name)
    except KeyError:
        raise RowProblem("provstate", f"{name!r} is not a province or territory of Pakistan") from None


def _lookup(row: dict[str, str], column: str, codes: dict[str, str]) -> str:
    code = _code(row, column)
    if not code:
        return "unknown"
    try:
        return codes[code]
    except KeyError:
        raise RowProblem(column, f"{code!r} is not a GTD code for this field") from None


def _victims_and_perpetrators(
    row: dict[str, str], total_column: str, perpetrator_column: str
) -> tuple[float | None, float | None]:
    """Victims and attackers from GTD's total and attacker counts.

    A few GTD rows count more attackers than the total (``nwound`` 0, ``nwoundte`` 2); the attackers'
    figure is kept and victims are 0, rather than losing the incident.
    """
    total = parse_count(row, total_column)
    perpetrators = parse_count(row, perpetrator_column)
    if total is None:
        return None, perpetrators
    if perpetrators is None:
        return total, None
    return max(0, whole_number(total - perpetrators)), perpetrators
