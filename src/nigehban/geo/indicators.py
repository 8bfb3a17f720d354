"""District covariates (census indicators) from a CSV or XLSX table, matched to the current districts.

A table has one row per district as the source counts them (the 2023 census has 136, including
districts created after the boundary file was drawn), a district name column, usually a province
column and an ``adm2_pcode`` column, and numeric indicator columns: counts such as ``pop_2023`` and
rates such as ``literacy_rate_all``. :func:`read_indicators` reads and checks it and gives each row
the pcode of a current boundary district; :func:`combine_by_pcode` merges rows that fall in one
boundary district (Keamari, split from West Karachi in 2020, both in the boundary district West
Karachi) into one set of figures per pcode.

Columns:

- *Id and name columns* are ``province``, ``division``, ``district``, ``tehsil``, ``name``, ``pcode``,
  ``code``, ``id`` and any column whose name ends in ``_name``, ``_pcode``, ``_code`` or ``_id``
  (``geom_adm2_name``, ``adm2_pcode``). They are never indicators.
- *Indicator columns* are every other column holding at least one number. Blank cells and ``NA``,
  ``N/A``, ``NaN``, ``null``, ``None`` are missing values; anything else that is not a number
  (``12%``, ``n.d.``, ``-``) is an error naming the row and the column. Thousands separators
  (``1,234,567``) are read.
- Other columns (text only, or blank throughout) are listed in :attr:`IndicatorFile.other_columns`
  and otherwise left alone.

Matching a row to a district, in order: the ``adm2_pcode`` cell when it is filled and (if
``district_pcodes`` is given) is a current district; otherwise ``resolve_district(name, province)``
when given (the gazetteer-backed resolver); otherwise the row is unmatched. Unmatched rows are kept
and listed (:attr:`IndicatorFile.unmatched`), never dropped.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "indicators.csv"
    >>> _ = path.write_text(
    ...     "province,district,adm2_pcode,pop_2023,literacy_rate_all\\n"
    ...     "SINDH,KARACHI WEST,PK729,2679380,0.60\\n"
    ...     "SINDH,KEAMARI,,2068451,0.62\\n"
    ... )
    >>> table = read_indicators(path, resolve_district=lambda name, province: "PK729" if name == "KEAMARI" else None)
    >>> table.columns
    ['pop_2023', 'literacy_rate_all']
    >>> [(row.district, row.province, row.pcode, row.match_note) for row in table.rows]
    [('KARACHI WEST', 'Sindh', 'PK729', 'adm2_pcode'), ('KEAMARI', 'Sindh', 'PK729', 'by name (adm2_pcode blank)')]
    >>> combined = combine_by_pcode(table.rows)["PK729"]
    >>> combined["pop_2023"], round(combined["literacy_rate_all"], 4)
    (4747831.0, 0.6087)
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from nigehban.errors import ImportFormatError, IndicatorFileError
from nigehban.ingest.readers import open_table
from nigehban.taxonomy import canonical_province

__all__ = [
    "DISTRICT_COLUMNS",
    "MISSING_VALUES",
    "PCODE_COLUMNS",
    "PROVINCE_COLUMNS",
    "IndicatorFile",
    "IndicatorRow",
    "combine_by_pcode",
    "is_rate_column",
    "read_indicators",
]

DISTRICT_COLUMNS = ("district", "district_name", "adm2_name", "adm2_en")
"""Where a district's name is looked for, in this order (case-insensitive)."""
PROVINCE_COLUMNS = ("province", "province_name", "adm1_name", "adm1_en")
"""Where a district's province is looked for (optional)."""
PCODE_COLUMNS = ("adm2_pcode", "district_pcode", "pcode")
"""Where a district's pcode is looked for (optional)."""
MISSING_VALUES = frozenset({"", "na", "n/a", "nan", "null", "none"})
"""Cell texts read as a missing value (case-insensitive)."""

_ID_NAMES = frozenset({"province", "division", "district", "tehsil", "name", "pcode", "code", "id"})
_ID_SUFFIXES = ("_name", "_pcode", "_code", "_id")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
# Name parts that make a column a rate, share or ratio rather than a count (see is_rate_column).
_RATE_WORDS = re.compile(r"(^|_)(rate|share|pct|percent|ratio|density|per|avg|mean|median)(_|$)")

ResolveDistrict = Callable[[str, str | None], str | None]


@dataclasses.dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One row of an indicator table.

    Attributes:
        row: the row as a spreadsheet shows it (the header is row 1).
        province: canonical province name, or the text as written when it is not a known
            province, or ``None`` without a province column or value.
        district: the district name as written.
        pcode: the current boundary district it belongs to, ``None`` if unmatched.
        match_note: how it was matched (``adm2_pcode``, ``by name (...)``) or why not (``unmatched: ...``).
        values: every indicator column, ``None`` where missing.
    """

    row: int
    province: str | None
    district: str
    pcode: str | None
    match_note: str
    values: dict[str, float | None]


@dataclasses.dataclass(frozen=True, slots=True)
class IndicatorFile:
    """The rows of an indicator table, its indicator columns in file order, and the columns left aside."""

    path: str
    columns: list[str]
    rows: list[IndicatorRow]
    other_columns: list[str]

    @property
    def unmatched(self) -> list[IndicatorRow]:
        """The rows without a current district, for the import report."""
        return [row for row in self.rows if row.pcode is None]


def read_indicators(
    path: str | Path,
    *,
    district_pcodes: Mapping[str, str] | None = None,
    resolve_district: ResolveDistrict | None = None,
) -> IndicatorFile:
    """Read an indicator table (CSV or XLSX, optionally gzip-compressed) and match its rows to districts.

    ``district_pcodes`` maps the pcodes of the current boundary districts to their names; when
    given, an ``adm2_pcode`` outside it is not trusted and the row is matched by name instead.
    ``resolve_district(name, province)`` returns the pcode for a district name (``province`` is the
    canonical province name, or ``None``).

    Raises :class:`~nigehban.errors.IndicatorFileError` naming the file, row and column for a
    missing district column, a row of the wrong width, a blank district name or a value that is
    not a number.
    """
    path = Path(path)
    try:
        with open_table(path) as table:
            header = list(table.columns)
            cells_by_row = list(table.rows())
    except ImportFormatError as error:
        raise IndicatorFileError(path, None, None, error.reason) from None

    lowered = [column.lower() for column in header]
    district_at = _find(lowered, DISTRICT_COLUMNS)
    if district_at is None:
        raise IndicatorFileError(
            path, None, None, f"no district column: expected one of {', '.join(DISTRICT_COLUMNS)} in the header"
        )
    province_at = _find(lowered, PROVINCE_COLUMNS)
    pcode_at = _find(lowered, PCODE_COLUMNS)
    for row, cells in cells_by_row:
        # empty cells beyond the header are spreadsheet padding; anything else is a broken row
        if len(cells) < len(header) or any(cell.strip() for cell in cells[len(header) :]):
            raise IndicatorFileError(path, row, None, f"{len(cells)} cells where the header has {len(header)} columns")

    # Parse every non-id column; a column is an indicator when any cell holds a number.
    numbers: dict[int, list[float | None]] = {}
    other_columns: list[str] = []
    for at, column in enumerate(header):
        if _is_id_column(column):
            continue
        parsed = [_number(cells[at]) for _, cells in cells_by_row]
        if not any(isinstance(value, float) for value in parsed):
            other_columns.append(column)
            continue
        for (row, _), value in zip(cells_by_row, parsed, strict=True):
            if isinstance(value, str):
                raise IndicatorFileError(path, row, column, f"{value!r} is not a number")
        numbers[at] = [value if isinstance(value, float) else None for value in parsed]

    columns = [header[at] for at in numbers]
    rows: list[IndicatorRow] = []
    for position, (row, cells) in enumerate(cells_by_row):
        district = cells[district_at].strip()
        if not district:
            raise IndicatorFileError(path, row, header[district_at], "no district name")
        province = _province(cells[province_at]) if province_at is not None else None
        pcode_cell = cells[pcode_at].strip() if pcode_at is not None else ""
        pcode, note = _match(
            district,
            province,
            pcode_cell,
            district_pcodes,
            resolve_district,
            pcode_column=header[pcode_at] if pcode_at is not None else None,
        )
        values = {header[at]: parsed[position] for at, parsed in numbers.items()}
        rows.append(IndicatorRow(row, province, district, pcode, note, values))
    return IndicatorFile(path=str(path), columns=columns, rows=rows, other_columns=other_columns)


def is_rate_column(column: str) -> bool:
    """Whether a column is a rate, share, ratio or average (combined as a weighted mean), not a count (summed).

    The rule is on the name alone: a word ``rate``, ``share``, ``pct``, ``percent``, ``ratio``,
    ``density``, ``per``, ``avg``, ``mean`` or ``median`` between underscores.

    >>> [is_rate_column(name) for name in ("literacy_rate_all", "pop_density_per_sqkm", "pop_2023", "households")]
    [True, True, False, False]
    """
    return bool(_RATE_WORDS.search(column.lower()))


def combine_by_pcode(
    rows: Iterable[IndicatorRow],
    *,
    weights_column: str = "pop_2023",
    weights_for: Mapping[str, str] | None = None,
) -> dict[str, dict[str, float]]:
    """One set of indicator values per district pcode, merging rows that share a pcode.

    Counts (see :func:`is_rate_column`) are summed; rates are recomputed as means weighted by
    ``weights_column`` (by default the population), except densities (``density`` in the name),
    weighted by the area column (the first indicator whose name starts with ``area``) when there
    is one, which makes the combined density exact. ``weights_for`` names the weight of any other
    rate, e.g. ``{"literacy_rate_all": "pop10plus_all"}``. A value is given only where every row of
    the district has it (and, for a rate, its weight): a sum or mean over some of the rows would
    pass for the whole district. Unmatched rows are left out.

    Caveat: a population-weighted mean is exact only for rates whose denominator is the
    population (``urban_share``); for others (literacy over the population aged 10+, growth rates)
    it is a close approximation. A single row is returned as it is.
    """
    groups: dict[str, list[IndicatorRow]] = {}
    indicators: dict[str, None] = {}
    for row in rows:
        indicators.update(dict.fromkeys(row.values))
        if row.pcode is not None:
            groups.setdefault(row.pcode, []).append(row)

    area_column = next((column for column in indicators if column.lower().startswith("area")), None)
    weight_of = {
        column: (weights_for or {}).get(column)
        or (area_column if area_column and "density" in column.lower() else weights_column)
        for column in indicators
    }
    combined: dict[str, dict[str, float]] = {}
    for pcode, members in groups.items():
        values: dict[str, float] = {}
        for column in indicators:
            found = [member.values.get(column) for member in members]
            if any(value is None for value in found):
                continue
            present = [value for value in found if value is not None]
            if len(members) == 1:
                values[column] = present[0]
            elif not is_rate_column(column):
                values[column] = math.fsum(present)
            else:
                weights = [member.values.get(weight_of[column]) for member in members]
                known = [weight for weight in weights if weight is not None]
                if len(known) == len(weights) and math.fsum(known) > 0:
                    values[column] = math.fsum(v * w for v, w in zip(present, known, strict=True)) / math.fsum(known)
        combined[pcode] = values
    return combined


def _find(lowered: Sequence[str], candidates: Sequence[str]) -> int | None:
    return next((lowered.index(name) for name in candidates if name in lowered), None)


def _is_id_column(column: str) -> bool:
    name = column.strip().lower()
    return name in _ID_NAMES or name.endswith(_ID_SUFFIXES)


def _number(text: str) -> float | str | None:
    """The cell as a number, ``None`` when missing, or the text itself when it is not a number."""
    stripped = text.strip()
    if stripped.lower() in MISSING_VALUES:
        return None
    candidate = stripped.replace(",", "") if _THOUSANDS.fullmatch(stripped) else stripped
    try:
        value = float(candidate)
    except ValueError:
        return stripped
    return value if math.isfinite(value) else stripped  # "inf" is no census figure


def _province(text: str) -> str | None:
    stripped = text.strip()
    try:
        return canonical_province(stripped)
    except KeyError:
        return stripped


def _match(
    district: str,
    province: str | None,
    pcode_cell: str,
    district_pcodes: Mapping[str, str] | None,
    resolve_district: ResolveDistrict | None,
    *,
    pcode_column: str | None,
) -> tuple[str | None, str]:
    """The pcode of a row and a note on how it was found (or why not)."""
    if pcode_column is None:
        why = "no pcode column"
    elif pcode_cell.lower() in MISSING_VALUES:
        why = f"{pcode_column} blank"
    elif district_pcodes is None or pcode_cell in district_pcodes:
        return pcode_cell, pcode_column
    else:
        why = f"{pcode_column} {pcode_cell} is not a current district"
    if resolve_district is None:
        return None, f"unmatched: {why} and no name resolver"
    resolved = resolve_district(district, province)
    if resolved is None:
        where = f" in {province}" if province else ""
        return None, f"unmatched: {why} and no current district named {district!r}{where}"
    if district_pcodes is not None and resolved not in district_pcodes:
        return None, f"unmatched: {why} and the name resolves to {resolved}, not a current district"
    return resolved, f"by name ({why})"
