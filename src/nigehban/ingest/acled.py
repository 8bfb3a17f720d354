"""ACLED exports (Armed Conflict Location & Event Data): the export tool's or the API's CSV.

Column names are ACLED's (``event_id_cnty``, ``event_date``, ``time_precision``, ``event_type``,
``sub_event_type``, ``actor1``, ``assoc_actor_1``, ``inter1``, ``actor2``, ``assoc_actor_2``,
``inter2``, ``civilian_targeting``, ``country``, ``admin1``, ``location``, ``latitude``,
``longitude``, ``geo_precision``, ``notes``, ``fatalities``, ...). Older exports (with
``data_id`` and ``event_id_no_cnty``) read the same way. What the mapping does:

- ``event_id_cnty`` is the key. ``event_date`` is read as ISO (``2023-01-30``) or in the older
  export styles ``30 January 2023`` and ``30-January-2023`` (abbreviated months too).
- Scope. ACLED records political violence *and* demonstrations and non-violent developments; the
  record is of attacks. ``Battles``, ``Explosions/Remote violence`` and ``Violence against
  civilians`` import. ``Protests``, ``Riots`` and ``Strategic developments`` are skipped: counted,
  kept in the batch's rejects with ``kind="skipped"`` and a reason naming the event type, never
  dropped silently. ``Mob violence`` (a Riots sub-event) is skipped too, on purpose: ACLED codes
  it for crowds of rioters, not organised armed groups, so it has neither the perpetrators nor the
  premeditation of an attack, and counting lynchings and crowd clashes as militant attacks would
  distort trends and forecasts. Analysts who track it find every such row in the rejects. The
  same goes for ``Disrupted weapons use`` (defused bombs, foiled attacks: a Strategic development).
- ``sub_event_type`` gives the attack and weapon types (a weapon only where the sub-event names one):

  ====================================  ===============  ============  =========
  sub_event_type                        attack_type      weapon_type   suicide
  ====================================  ===============  ============  =========
  Suicide bomb                          bombing          explosives    true
  Remote explosive/landmine/IED         bombing          explosives    false
  Grenade                               bombing          explosives    false
  Air/drone strike                      bombing          explosives    false
  Shelling/artillery/missile attack     bombing          explosives    false
  Chemical weapon                       unarmed_assault  chemical      false
  Armed clash                           armed_assault    unknown
  Government regains territory          armed_assault    unknown
  Non-state actor overtakes territory   armed_assault    unknown
  Attack                                armed_assault    unknown
  Abduction/forced disappearance        kidnapping       unknown
  Sexual violence                       unarmed_assault  unknown
  ====================================  ===============  ============  =========

  Air/drone strikes and shelling are bombings with explosives as GTD codes projectiles (rockets,
  mortars, missiles) under Explosives; they are nearly always carried out by state or foreign
  forces, which ``perpetrator`` then names. Chemical attacks are GTD's "Unarmed Assault". A
  sub-event type not in this table imports as ``unknown``.
- ``perpetrator`` is ``actor1`` through the group aliases. ACLED's "TTP: Tehreek-i-Taliban
  Pakistan" style is tried whole, then the name after the colon, then the abbreviation; the period
  suffix of state forces ("Military Forces of Pakistan (2018-2022)") is dropped so that one force
  has one name. Caveat: ACLED says actor 1 and actor 2 do not imply direction; in practice actor 1
  is usually the initiator, and a battle with state forces as actor 1 is a state operation.
- ``target_type`` comes from ``actor2`` and ``inter2`` (numeric codes of older exports or the text
  labels of current ones): police where actor 2 names police or Levies; ``government_general``
  for "Government of ..."; ``military`` for other state forces and foreign military forces;
  ``terrorists_non_state_militia`` for rebel groups and militias; ``private_citizens_property``
  for civilians (``journalists_media``, ``educational_institution`` or ``government_general``
  where ``assoc_actor_2`` names journalists, teachers or students, or officials). Without an
  actor 2, ``civilian_targeting`` or a Violence-against-civilians event means civilians; else
  ``unknown``. ``target_detail`` is actor 2 and its associated actors.
- Casualties: ``killed = fatalities``. ACLED counts everyone the event killed, attackers included,
  and does not separate them, so ``killed`` is an upper bound on victims, ``killed_perpetrators``
  and ``killed_security`` stay empty, and ACLED codes no wounded. ACLED's fatality counts are
  conservative estimates and are revised as reports come in (re-importing applies the revision).
- ``admin2`` is the district as reported (resolved to a pcode by the geography layer).
- ``admin1`` goes through the province aliases (legacy names such as "Federally Administered
  Tribal Areas" are Khyber Pakhtunkhwa); other countries' events import without a province.
  ``place`` is ``location``.
- ``geo_precision``: 1 (the town itself) = ``town``; 2 (near a town, or a small part of a region,
  coded to a town) = ``district``; 3 (a larger region, a natural feature or the provincial capital)
  = ``province``. ``time_precision``: 1 (the day) = ``day``; 2 (a week) and 3 (a month; ACLED then
  picks the middle of it) = ``month``, the date kept as ACLED gives it, since the record has no
  "week" precision.
- ``summary`` is ``notes``.

Example:
    >>> record = AcledMapper().map({"event_id_cnty": "PAK1", "event_date": "30 January 2023",
    ...     "event_type": "Explosions/Remote violence", "sub_event_type": "Suicide bomb",
    ...     "actor1": "TTP: Tehreek-i-Taliban Pakistan", "actor2": "Police Forces of Pakistan (2022-)",
    ...     "inter2": "State forces", "country": "Pakistan", "admin1": "Khyber Pakhtunkhwa",
    ...     "fatalities": "12"})
    >>> record.attack_type, record.suicide, record.perpetrator, record.target_type, record.killed
    ('bombing', True, 'Tehrik-i-Taliban Pakistan', 'police', 12)
"""

from __future__ import annotations

import re

from nigehban.ingest.pipeline import Mapper
from nigehban.ingest.values import RowProblem, SkipRow, parse_count, parse_date, parse_point, text
from nigehban.record import IncidentRecord
from nigehban.taxonomy import GROUPS, canonical_group, canonical_province

__all__ = ["AcledMapper", "perpetrator_name"]

IMPORTED_EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")
SKIPPED_EVENT_TYPES = {
    "Protests": "a demonstration, not an attack",
    "Riots": "crowd violence (rioters or a mob), not an attack by an organised armed group",
    "Strategic developments": "a non-violent or contextual development (arrests, agreements, foiled attacks, ...)",
}
_EVENT_TYPES = {name.casefold(): name for name in (*IMPORTED_EVENT_TYPES, *SKIPPED_EVENT_TYPES)}

# sub_event_type -> (attack_type, weapon_type, suicide)
SUB_EVENT_TYPES: dict[str, tuple[str, str, bool | None]] = {
    "Suicide bomb": ("bombing", "explosives", True),
    "Remote explosive/landmine/IED": ("bombing", "explosives", False),
    "Grenade": ("bombing", "explosives", False),
    "Air/drone strike": ("bombing", "explosives", False),
    "Shelling/artillery/missile attack": ("bombing", "explosives", False),
    "Chemical weapon": ("unarmed_assault", "chemical", False),
    "Armed clash": ("armed_assault", "unknown", None),
    "Government regains territory": ("armed_assault", "unknown", None),
    "Non-state actor overtakes territory": ("armed_assault", "unknown", None),
    "Attack": ("armed_assault", "unknown", None),
    "Abduction/forced disappearance": ("kidnapping", "unknown", None),
    "Sexual violence": ("unarmed_assault", "unknown", None),
}
_SUB_EVENT_TYPES = {name.casefold(): value for name, value in SUB_EVENT_TYPES.items()}

# inter1/inter2: numeric codes (older exports) and text labels (current ones) -> one label
ACTOR_TYPES = {
    "1": "state forces",
    "2": "rebel group",
    "3": "political militia",
    "4": "identity militia",
    "5": "rioters",
    "6": "protesters",
    "7": "civilians",
    "8": "external/other forces",
}
_ACTOR_TYPE_LABELS = {
    **{label: label for label in ACTOR_TYPES.values()},
    **{label + "s": label for label in ("rebel group", "political militia", "identity militia")},
    "state force": "state forces",
    "external/other force": "external/other forces",
}

DATE_PRECISION_BY_CODE = {"1": "day", "2": "month", "3": "month"}
GEO_PRECISION_BY_CODE = {"1": "town", "2": "district", "3": "province"}
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%Y-%m-%d %H:%M:%S")
MAX_NAME = 200  # incidents.perpetrator is VARCHAR(200)

_PERIOD_SUFFIX = re.compile(r"\s*\(\d{4}-(?:\d{4})?\)\s*$")
_KNOWN_GROUPS = frozenset(group.name for group in GROUPS)


def _code(row: dict[str, str], column: str) -> str:
    """ACLED codes arrive as "1", or "1.0" from a spreadsheet."""
    value = row.get(column, "").strip()
    return value[:-2] if value.endswith(".0") else value


def _actor_type(row: dict[str, str], column: str) -> str | None:
    """The actor type of ``inter1``/``inter2`` whether coded as a number or a label; ``None`` when empty or 0."""
    value = _code(row, column).casefold()
    if not value or value == "0":
        return None
    label = ACTOR_TYPES.get(value) or _ACTOR_TYPE_LABELS.get(value)
    if label is None:
        raise RowProblem(column, f"{row[column].strip()!r} is not an ACLED actor type (1-8 or its label)")
    return label


def perpetrator_name(actor: str) -> str:
    """The canonical group for an ACLED actor name.

    >>> perpetrator_name("TTP: Tehreek-i-Taliban Pakistan"), perpetrator_name("Military Forces of Pakistan (2018-2022)")
    ('Tehrik-i-Taliban Pakistan', 'Military Forces of Pakistan')
    """
    name = _PERIOD_SUFFIX.sub("", actor).strip()
    group = canonical_group(name)
    if group not in _KNOWN_GROUPS and ":" in name:
        abbreviation, full = (part.strip() for part in name.split(":", 1))
        for candidate in (full, abbreviation):
            if canonical_group(candidate) in _KNOWN_GROUPS:
                return canonical_group(candidate)
    return group


def _target_type(row: dict[str, str], event_type: str) -> str:
    actor = (text(row, "actor2") or "").casefold()
    kind = _actor_type(row, "inter2")
    if not actor:
        if text(row, "civilian_targeting") or event_type == "Violence against civilians":
            return "private_citizens_property"
        return "unknown"
    if "police" in actor or "levies" in actor:
        return "police"
    if actor.startswith("government of"):
        return "government_general"
    if kind == "state forces" or actor.startswith("military forces of"):
        return "military"
    if kind == "civilians" or actor.startswith("civilians"):
        associated = (text(row, "assoc_actor_2") or "").casefold()
        if "journalist" in associated:
            return "journalists_media"
        if "teacher" in associated or "student" in associated:
            return "educational_institution"
        if "government of" in associated or "official" in associated:
            return "government_general"
        return "private_citizens_property"
    if kind in {"rebel group", "political militia", "identity militia"}:
        return "terrorists_non_state_militia"
    if kind in {"rioters", "protesters"}:
        return "private_citizens_property"
    return "other" if kind == "external/other forces" else "unknown"


class AcledMapper(Mapper):
    """Maps ACLED events onto the record (rules in the module docstring)."""

    importer = "acled"
    format_name = "an ACLED export (column names: event_id_cnty, event_date, event_type, sub_event_type, ...)"
    required_columns = (
        "event_id_cnty",
        "event_date",
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "country",
        "admin1",
        "location",
        "latitude",
        "longitude",
        "fatalities",
    )

    def __init__(self, *, dataset: str = "acled") -> None:
        self.dataset = dataset

    def key(self, row: dict[str, str]) -> str:
        key = row.get("event_id_cnty", "").strip()
        if not key:
            raise RowProblem("event_id_cnty", "the event has no event_id_cnty")
        return key

    def map(self, row: dict[str, str]) -> IncidentRecord:
        event_type = self._event_type(row)
        sub_event_type = text(row, "sub_event_type") or ""
        attack_type, weapon_type, suicide = _SUB_EVENT_TYPES.get(
            sub_event_type.casefold(), ("unknown", "unknown", None)
        )
        actor1 = text(row, "actor1") or ""
        if len(actor1) > MAX_NAME:
            raise RowProblem("actor1", f"the name is longer than {MAX_NAME} characters")
        _actor_type(row, "inter1")  # a bad code is a bad row, even though inter1 is not mapped
        latitude, longitude = parse_point(row, "latitude", "longitude")
        target_detail = "; ".join(name for name in (text(row, "actor2"), text(row, "assoc_actor_2")) if name)
        return IncidentRecord(
            date=parse_date(row.get("event_date", ""), "event_date", DATE_FORMATS),
            date_precision=_lookup(row, "time_precision", DATE_PRECISION_BY_CODE) or "day",
            province=_province(row),
            district=text(row, "admin2"),
            latitude=latitude,
            longitude=longitude,
            geo_precision=_lookup(row, "geo_precision", GEO_PRECISION_BY_CODE) if latitude is not None else None,
            place=text(row, "location"),
            attack_type=attack_type,
            target_type=_target_type(row, event_type),
            target_detail=target_detail or None,
            weapon_type=weapon_type,
            suicide=suicide,
            perpetrator=perpetrator_name(actor1),
            killed=parse_count(row, "fatalities", whole=True),
            summary=text(row, "notes"),
        )

    @staticmethod
    def _event_type(row: dict[str, str]) -> str:
        value = text(row, "event_type") or ""
        event_type = _EVENT_TYPES.get(value.casefold())
        if event_type is None:
            known = ", ".join(_EVENT_TYPES.values())
            raise RowProblem("event_type", f"{value!r} is not an ACLED event type ({known})")
        if event_type in SKIPPED_EVENT_TYPES:
            sub_event_type = text(row, "sub_event_type") or "no sub-event type"
            raise SkipRow(
                f"event_type {event_type!r} ({sub_event_type}) is out of scope: {SKIPPED_EVENT_TYPES[event_type]}",
                column="event_type",
            )
        return event_type


def _lookup(row: dict[str, str], column: str, codes: dict[str, str]) -> str | None:
    code = _code(row, column)
    if not code:
        return None
    try:
        return codes[code]
    except KeyError:
        raise RowProblem(column, f"{code!r} is not an ACLED {column} code ({', '.join(codes)})") from None


def _province(row: dict[str, str]) -> str | None:
    country = text(row, "country")
    if country is not None and country != "Pakistan":
        return None  # another country's event: kept, without a province
    name = row.get("admin1", "")
    try:
        return canonical_province(name)
    except KeyError:
        raise RowProblem("admin1", f"{name.strip()!r} is not a province or territory of Pakistan") from None
