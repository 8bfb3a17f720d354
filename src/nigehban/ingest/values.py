"""Parsing cell text into typed values, with errors that name the column.

Mappers call these on a row (a dict of column -> text, empty cells absent); a bad value raises
:class:`RowProblem`, which the import pipeline turns into a reject (or, under ``--strict``, an
error naming file, row and column).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Mapping

from nigehban.record import whole_number

__all__ = [
    "RowProblem",
    "SkipRow",
    "parse_count",
    "parse_date",
    "parse_flag",
    "parse_float",
    "parse_point",
    "text",
]


class RowProblem(Exception):
    """A row cannot become an incident: ``column`` (or ``None`` for the row as a whole) and why."""

    def __init__(self, column: str | None, reason: str) -> None:
        self.column = column
        self.reason = reason
        super().__init__(f"{column}: {reason}" if column else reason)


class SkipRow(Exception):
    """A well-formed row that is not an attack in the sense of the record (e.g. an ACLED protest).

    Skipped rows are counted and kept in the batch's rejects with ``kind="skipped"``, never dropped
    silently.
    """

    def __init__(self, reason: str, column: str | None = None) -> None:
        self.column = column
        self.reason = reason
        super().__init__(reason)


def text(row: Mapping[str, str], column: str, *, unknown: Iterable[str] = ()) -> str | None:
    """The trimmed text of a cell, ``None`` when empty or one of the ``unknown`` markers."""
    value = row.get(column, "").strip()
    if not value or value in unknown:
        return None
    return value


def parse_float(row: Mapping[str, str], column: str) -> float | None:
    value = row.get(column, "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowProblem(column, f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise RowProblem(column, f"{value!r} is not a finite number")
    return number


def parse_count(
    row: Mapping[str, str], column: str, *, unknown_codes: Collection[float] = (), whole: bool = False
) -> float | None:
    """A casualty count: 0 or more; empty or an ``unknown_codes`` value is ``None``.

    Whole numbers come back as ``int`` (``"3.0"`` is 3). Fractions are allowed unless ``whole``: GTD
    spreads a toll known only for a group of related attacks evenly over them (0.25 killed each).
    """
    number = parse_float(row, column)
    if number is None or (unknown_codes and number in unknown_codes):
        return None
    if number < 0 or (whole and not number.is_integer()):
        kind = "a whole number, 0 or more" if whole else "a number, 0 or more"
        raise RowProblem(column, f"{row[column].strip()!r} is not a count ({kind})")
    return whole_number(number)


TRUE_WORDS = frozenset({"1", "1.0", "yes", "y", "true", "t"})
FALSE_WORDS = frozenset({"0", "0.0", "no", "n", "false", "f"})
UNKNOWN_WORDS = frozenset({"-9", "-9.0", "unknown", "-"})


def parse_flag(
    row: Mapping[str, str],
    column: str,
    *,
    true: Collection[str] = TRUE_WORDS,
    false: Collection[str] = FALSE_WORDS,
    unknown: Collection[str] = UNKNOWN_WORDS,
) -> bool | None:
    """A yes/no cell (lower-case words); empty or an ``unknown`` marker is ``None``."""
    value = row.get(column, "").strip().lower()
    if not value or value in unknown:
        return None
    if value in true:
        return True
    if value in false:
        return False
    raise RowProblem(column, f"{row[column].strip()!r} is not yes/no (1/0)")


def parse_point(
    row: Mapping[str, str], latitude_column: str, longitude_column: str
) -> tuple[float | None, float | None]:
    """Latitude and longitude in WGS84 degrees; both empty is ``(None, None)``.

    A lone latitude or longitude, an out-of-range value, or (0, 0) - the usual placeholder for
    "no coordinates", far out in the Gulf of Guinea - is a problem, not a place.
    """
    latitude = parse_float(row, latitude_column)
    longitude = parse_float(row, longitude_column)
    if latitude is None and longitude is None:
        return None, None
    if latitude is None:
        raise RowProblem(latitude_column, "missing while the longitude is given")
    if longitude is None:
        raise RowProblem(longitude_column, "missing while the latitude is given")
    if not -90 <= latitude <= 90:
        raise RowProblem(latitude_column, f"{latitude} is outside -90..90")
    if not -180 <= longitude <= 180:
        raise RowProblem(longitude_column, f"{longitude} is outside -180..180")
    if latitude == 0 and longitude == 0:
        raise RowProblem(latitude_column, "(0, 0) is a placeholder, not a place; leave both empty")
    return latitude, longitude


def parse_date(value: str, column: str, formats: Iterable[str]) -> dt.date:
    """A date in one of ``formats`` (``strptime`` patterns), tried in order."""
    stripped = value.strip()
    if not stripped:
        raise RowProblem(column, "the date is missing")
    for pattern in formats:
        try:
            return dt.datetime.strptime(stripped, pattern).date()
        except ValueError:
            continue
    raise RowProblem(column, f"{stripped!r} is not a date (expected {' or '.join(formats)})")
