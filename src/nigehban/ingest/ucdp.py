"""UCDP event data (Uppsala Conflict Data Program): GED, GED Candidate, and the UCDP-AEC variant.

Three layouts are read, told apart by the header (``check_columns`` sees it before any row):

- **GED** and **GED Candidate** event CSVs with UCDP's official column names (``id``,
  ``type_of_violence``, ``side_a``, ``side_b``, ``date_prec``, ``date_start``, ``date_end``,
  ``deaths_a``, ``deaths_b``, ``deaths_civilians``, ``deaths_unknown``, ``best``, ``country``,
  ``adm_1``, ``where_prec``, ``latitude``, ``longitude``, ...). Candidate releases use the same
  names; their ``code_status`` says whether UCDP has finished vetting the event ("Clear") or not
  (e.g. "Check deaths"). Columns the mapping does not use are kept in the raw payload only.
- **UCDP-AEC** (``id``, ``side_a_name``, ``side_b_name``, ``deaths_side_a``, ``deaths_side_b``,
  ``deaths_civilian``, ``deaths_unknown``, ``deaths_low``, ``deaths_high``, ``start_date``,
  ``end_date``, ``location_root_name``, ``location_adm1_name``, ``location_adm2_name``,
  ``location_where_name``, ...): GED events re-published with structured fields but without
  ``type_of_violence``, coordinates or precision codes.

The mapping:

- ``id`` is the key. The date is ``date_start`` (UCDP's earliest possible date, kept as it is).
  GED's ``date_prec`` gives the precision: 1 (exact day) = ``day``; 2 (a span of up to six days),
  3 (a week) and 4 (a month) = ``month``; 5 (a year) = ``year``. The record has no "week", so
  spans shorter than a month are marked ``month`` rather than claim a day. Without ``date_prec``
  (the AEC variant, or an empty cell) the span decides: start = end is ``day``, up to 31 days
  ``month``, longer ``year``.
- Deaths. UCDP counts, per event, the dead of side A, of side B, civilians, and persons of unknown
  status; ``best`` is their sum. The record wants victims (``killed``), attackers
  (``killed_perpetrators``) and security forces among the victims (``killed_security``):

  ========================  ==========================  =================================  ==========================
  kind of event             perpetrator                 killed                              killed_perpetrators
  ========================  ==========================  =================================  ==========================
  one-sided (type 3)        side A (side B: Civilians)  everyone but side A                 side A's dead
  state-based (type 1),     the non-state side          government + civilians + unknown    the non-state side's dead
  government vs non-state
  state-based, two          Unknown                     all the dead (``best``)             empty
  governments
  non-state (type 2)        Unknown                     all the dead (``best``)             empty
  ========================  ==========================  =================================  ==========================

  Where the four columns are empty but ``best`` is given, ``best`` counts as deaths of unknown
  status. ``killed_security`` is the government side's dead where a government fights (both governments'
  in an inter-state event) and empty otherwise. So ``killed + killed_perpetrators`` is always
  UCDP's total. Caveats: UCDP does not say who started a state-based event, and many are state
  operations (army offensives, air and drone strikes) in which mostly the militants died; the
  record still names the non-state side as perpetrator, with its dead as attackers, so that
  ``killed`` counts only state, civilian and unknown dead. In non-state fighting (TTP factions,
  tribes, party supporters) neither side is the attacker, hence "Unknown"; both names are in
  ``summary`` and the raw payload.
- The AEC variant has no ``type_of_violence``; it is inferred from the sides: side B "Civilians" is
  one-sided, a side named "Government of ..." makes it state-based, anything else is non-state.
- ``adm_1`` (AEC: ``location_adm1_name``) goes through the province aliases:
  "Federally Administered Tribal Areas" and "Khyber Pakhtunkhwa province" are Khyber Pakhtunkhwa.
  Events outside Pakistan (``country`` / ``location_root_name``) import without a province.
- ``district`` is ``adm_2`` (AEC: ``location_adm2_name``) as reported ("Kurram agency"); the
  geography layer resolves it to today's district and its pcode.
- ``place`` is ``where_coordinates`` (the named location UCDP geocoded), else ``where_description``,
  else ``adm_2`` (AEC: ``location_where_name``, else ``location_adm2_name``).
- ``where_prec`` sets ``geo_precision``: 1 = ``town``; 2 (within about 25 km of a named place) and
  3 (centroid of an ADM2 unit) = ``district``; 4 (centroid of an ADM1 unit) and 5 (a larger or
  vaguer area) = ``province``; 6 (country centroid) and 7 (water or airspace) = ``country``.
- UCDP codes no attack, target or weapon types: they are ``unknown``, except the target of
  one-sided violence against civilians (``private_citizens_property``).
- ``summary`` is ``source_headline`` when given, else a line naming the kind of event and both
  sides; a Candidate event not yet "Clear" is marked with its ``code_status``.

Example:
    >>> mapper = UcdpMapper()
    >>> mapper.check_columns(Path("aec.csv"), AEC_COLUMNS)
    >>> record = mapper.map({"id": "1", "side_a_name": "TTP", "side_b_name": "Civilians",
    ...     "deaths_side_a": "1", "deaths_side_b": "0", "deaths_civilian": "9", "deaths_unknown": "2",
    ...     "start_date": "2013-06-15", "end_date": "2013-06-15", "location_root_name": "Pakistan",
    ...     "location_adm1_name": "Federally Administered Tribal Areas"})
    >>> record.perpetrator, record.killed, record.killed_perpetrators, record.province
    ('Tehrik-i-Taliban Pakistan', 11, 1, 'Khyber Pakhtunkhwa')
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nigehban.errors import ImportFormatError
from nigehban.ingest.pipeline import Mapper
from nigehban.ingest.values import RowProblem, parse_count, parse_date, parse_point, text
from nigehban.record import IncidentRecord
from nigehban.taxonomy import UNKNOWN_PERPETRATOR, canonical_group, canonical_province

__all__ = ["AEC_COLUMNS", "GED_COLUMNS", "UcdpMapper"]

GED_COLUMNS: tuple[str, ...] = (
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "country",
    "adm_1",
    "where_prec",
    "latitude",
    "longitude",
)
"""The GED / Candidate columns the mapping needs (the files have more)."""

AEC_COLUMNS: tuple[str, ...] = (
    "id",
    "side_a_name",
    "side_b_name",
    "deaths_side_a",
    "deaths_side_b",
    "deaths_civilian",
    "deaths_unknown",
    "start_date",
    "end_date",
    "location_root_name",
    "location_adm1_name",
)
"""The UCDP-AEC columns the mapping needs."""

STATE_BASED, NON_STATE, ONE_SIDED = 1, 2, 3
VIOLENCE_LABELS = {
    STATE_BASED: "state-based conflict",
    NON_STATE: "non-state conflict",
    ONE_SIDED: "one-sided violence",
}

DATE_PRECISION_BY_CODE = {"1": "day", "2": "month", "3": "month", "4": "month", "5": "year"}
GEO_PRECISION_BY_WHERE_PREC = {
    "1": "town",
    "2": "district",
    "3": "district",
    "4": "province",
    "5": "province",
    "6": "country",
    "7": "country",
}
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S")
MAX_NAME = 200  # incidents.perpetrator is VARCHAR(200)


@dataclasses.dataclass(frozen=True)
class _Layout:
    """Where each piece of an event is in one of the layouts."""

    name: str
    side_a: str
    side_b: str
    deaths_a: str
    deaths_b: str
    deaths_civilians: str
    deaths_unknown: str
    start: str
    end: str
    country: str
    adm_1: str
    adm_2: str
    places: tuple[str, ...]


GED = _Layout(
    "ged",
    side_a="side_a",
    side_b="side_b",
    deaths_a="deaths_a",
    deaths_b="deaths_b",
    deaths_civilians="deaths_civilians",
    deaths_unknown="deaths_unknown",
    start="date_start",
    end="date_end",
    country="country",
    adm_1="adm_1",
    adm_2="adm_2",
    places=("where_coordinates", "where_description", "adm_2"),
)
AEC = _Layout(
    "aec",
    side_a="side_a_name",
    side_b="side_b_name",
    deaths_a="deaths_side_a",
    deaths_b="deaths_side_b",
    deaths_civilians="deaths_civilian",
    deaths_unknown="deaths_unknown",
    start="start_date",
    end="end_date",
    country="location_root_name",
    adm_1="location_adm1_name",
    adm_2="location_adm2_name",
    places=("location_where_name", "location_adm2_name"),
)


@dataclasses.dataclass(frozen=True)
class _Deaths:
    side_a: int
    side_b: int
    civilians: int
    unknown: int

    @property
    def total(self) -> int:
        return self.side_a + self.side_b + self.civilians + self.unknown


@dataclasses.dataclass(frozen=True)
class _Split:
    perpetrator: str
    killed: int | None
    killed_perpetrators: int | None
    killed_security: int | None
    target_type: str


def _code(row: dict[str, str], column: str) -> str:
    """UCDP codes arrive as "3", or "3.0" from a spreadsheet."""
    value = row.get(column, "").strip()
    return value[:-2] if value.endswith(".0") else value


def _is_government(side: str) -> bool:
    return side.startswith("Government of")


def _is_civilians(side: str) -> bool:
    return side.casefold() == "civilians"


class UcdpMapper(Mapper):
    """Maps UCDP GED, GED Candidate and UCDP-AEC events onto the record (rules in the module docstring)."""

    importer = "ucdp"
    format_name = "a UCDP GED or Candidate events CSV (official column names: id, type_of_violence, side_a, ...)"
    required_columns = GED_COLUMNS

    def __init__(self, *, dataset: str = "ucdp") -> None:
        self.dataset = dataset
        self.layout = GED

    def check_columns(self, path: Path, columns: Sequence[str]) -> None:
        """Recognise the layout from the header; refuse a file that is neither, naming what is missing."""
        present = set(columns)
        missing_ged = [column for column in GED_COLUMNS if column not in present]
        missing_aec = [column for column in AEC_COLUMNS if column not in present]
        if not missing_ged:
            self.layout = GED
        elif not missing_aec:
            self.layout = AEC
        else:
            # name the missing columns of the layout the file shares more columns with (GED on a tie)
            if len(AEC_COLUMNS) - len(missing_aec) > len(GED_COLUMNS) - len(missing_ged):
                what, missing = "a UCDP-AEC events CSV", missing_aec
            else:
                what, missing = self.format_name, missing_ged
            raise ImportFormatError(path, f"does not look like {what}: missing required column(s) {', '.join(missing)}")

    def options(self) -> dict[str, Any]:
        return {"layout": self.layout.name}

    def key(self, row: dict[str, str]) -> str:
        key = _code(row, "id")
        if not key:
            raise RowProblem("id", "the event has no id")
        return key

    def map(self, row: dict[str, str]) -> IncidentRecord:
        layout = self.layout
        side_a = text(row, layout.side_a) or ""
        side_b = text(row, layout.side_b) or ""
        for column, name in ((layout.side_a, side_a), (layout.side_b, side_b)):
            if len(name) > MAX_NAME:
                raise RowProblem(column, f"the name is longer than {MAX_NAME} characters")
        kind = self._violence_type(row, side_a, side_b)
        date, precision = self._date(row)
        deaths = self._deaths(row)
        split = _split(kind, side_a, side_b, deaths)
        latitude, longitude, geo_precision = self._location(row)
        return IncidentRecord(
            date=date,
            date_precision=precision,
            province=self._province(row),
            district=text(row, layout.adm_2),
            latitude=latitude,
            longitude=longitude,
            geo_precision=geo_precision,
            place=next((name for name in (text(row, column) for column in layout.places) if name), None),
            target_type=split.target_type,
            perpetrator=split.perpetrator,
            killed=split.killed,
            killed_perpetrators=split.killed_perpetrators,
            killed_security=split.killed_security,
            summary=self._summary(row, kind, side_a, side_b),
        )

    # the pieces -----------------------------------------------------------------------------------

    def _violence_type(self, row: dict[str, str], side_a: str, side_b: str) -> int:
        if self.layout is GED:
            code = _code(row, "type_of_violence")
            if code:
                if code not in {"1", "2", "3"}:
                    raise RowProblem(
                        "type_of_violence",
                        f"{code!r} is not a UCDP type of violence (1 state-based, 2 non-state, 3 one-sided)",
                    )
                return int(code)
        # inferred from the sides (AEC, or GED with the cell empty)
        if _is_civilians(side_b):
            return ONE_SIDED
        if _is_government(side_a) or _is_government(side_b):
            return STATE_BASED
        return NON_STATE

    def _date(self, row: dict[str, str]) -> tuple[dt.date, str]:
        layout = self.layout
        start = parse_date(row.get(layout.start, ""), layout.start, DATE_FORMATS)
        end_text = row.get(layout.end, "").strip()
        end = parse_date(end_text, layout.end, DATE_FORMATS) if end_text else start
        if end < start:
            raise RowProblem(layout.end, f"{end.isoformat()} is before {layout.start} {start.isoformat()}")
        code = _code(row, "date_prec") if layout is GED else ""
        if code:
            try:
                return start, DATE_PRECISION_BY_CODE[code]
            except KeyError:
                raise RowProblem("date_prec", f"{code!r} is not a UCDP date precision (1-5)") from None
        span = (end - start).days
        return start, "day" if span == 0 else "month" if span <= 31 else "year"

    def _deaths(self, row: dict[str, str]) -> _Deaths | None:
        layout = self.layout
        counts = [
            parse_count(row, column, whole=True)
            for column in (layout.deaths_a, layout.deaths_b, layout.deaths_civilians, layout.deaths_unknown)
        ]
        if all(count is None for count in counts):
            if layout is GED:
                best = parse_count(row, "best", whole=True)
                if best is not None:
                    return _Deaths(0, 0, 0, int(best))  # a total without the split: status unknown
            return None
        side_a, side_b, civilians, unknown = (int(count or 0) for count in counts)
        return _Deaths(side_a, side_b, civilians, unknown)

    def _location(self, row: dict[str, str]) -> tuple[float | None, float | None, str | None]:
        if self.layout is not GED:
            return None, None, None
        latitude, longitude = parse_point(row, "latitude", "longitude")
        if latitude is None:
            return None, None, None
        code = _code(row, "where_prec")
        if not code:
            return latitude, longitude, None
        try:
            return latitude, longitude, GEO_PRECISION_BY_WHERE_PREC[code]
        except KeyError:
            raise RowProblem("where_prec", f"{code!r} is not a UCDP location precision (1-7)") from None

    def _province(self, row: dict[str, str]) -> str | None:
        layout = self.layout
        country = text(row, layout.country)
        if country is not None and country != "Pakistan":
            return None  # another country's event: kept, without a province
        name = row.get(layout.adm_1, "")
        try:
            return canonical_province(name)
        except KeyError:
            raise RowProblem(layout.adm_1, f"{name.strip()!r} is not a province or territory of Pakistan") from None

    def _summary(self, row: dict[str, str], kind: int, side_a: str, side_b: str) -> str:
        headline = text(row, "source_headline") if self.layout is GED else None
        if headline is None:
            if kind == ONE_SIDED:
                headline = f"UCDP one-sided violence by {side_a or 'an unnamed actor'} against {side_b or 'civilians'}"
            else:
                headline = f"UCDP {VIOLENCE_LABELS[kind]}: {side_a or '?'} vs {side_b or '?'}"
        status = text(row, "code_status")
        if status is not None and status.casefold() != "clear":
            headline = f"[UCDP code_status: {status}] {headline}"
        return headline


def _split(kind: int, side_a: str, side_b: str, deaths: _Deaths | None) -> _Split:
    """Who attacked, and the dead by role (see the table in the module docstring)."""
    d = deaths or _Deaths(0, 0, 0, 0)
    a_government, b_government = _is_government(side_a), _is_government(side_b)
    perpetrators: int | None = None
    security: int | None = None
    target = "unknown"
    if kind == ONE_SIDED:
        perpetrator = canonical_group(side_a)
        killed, perpetrators = d.total - d.side_a, d.side_a
        if _is_civilians(side_b):
            target = "private_citizens_property"
    elif kind == STATE_BASED and a_government != b_government:
        government_dead, other, other_dead = (
            (d.side_a, side_b, d.side_b) if a_government else (d.side_b, side_a, d.side_a)
        )
        perpetrator = canonical_group(other)
        killed, perpetrators, security = government_dead + d.civilians + d.unknown, other_dead, government_dead
    elif kind == STATE_BASED and a_government and b_government:
        perpetrator = UNKNOWN_PERPETRATOR  # UCDP does not say which state fired
        killed, security = d.total, d.side_a + d.side_b
    else:
        perpetrator = UNKNOWN_PERPETRATOR  # non-state fighting: neither side is the attacker
        killed = d.total
    if deaths is None:
        return _Split(perpetrator, None, None, None, target)
    return _Split(perpetrator, killed, perpetrators, security, target)
