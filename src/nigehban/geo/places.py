"""Named places for the gazetteer, and reading the place files users add.

A :class:`Place` is one named location: a province, district or tehsil of the boundary set, a town
of GeoNames, or a locality from a file the user adds (a police station list, the GeoNames postal
gazetteer). :func:`read_places_csv` reads two forms of CSV:

- the GeoNames postal gazetteer (``place_name``, ``admin_name1`` … ``admin_name3``, ``latitude``,
  ``longitude``, ``accuracy``), e.g. ``pak_geonames_postal_places.csv``;
- a simple form: ``name``, ``latitude``, ``longitude`` and optionally ``province``, ``district``,
  ``alternate_names`` (separated by ``|`` or ``;``).

Caveats:

- Coordinates must be decimal degrees (WGS84) inside Pakistan's box (23–37.5°N, 60.5–78°E); a row
  outside it is refused, because it is almost always a swapped latitude/longitude or a typo.
- The GeoNames postal file marks most of its coordinates as estimated (``accuracy`` blank): these
  are region centroids shared by dozens of places, often in another district, so such places are
  kept with their name and province but *without* coordinates (they then resolve only as far as
  their province). Rows with an ``accuracy`` keep their coordinates.
- The postal file's ``admin_name1`` is a postal circle ("Norhern Punajb Rawalpindi", "NWFP Peshawar",
  "Lahore"), not always a province: the province is taken from it only where it clearly names one,
  and otherwise left to the gazetteer (point-in-polygon).
- Districts are read as names (``district``): the gazetteer finds the pcode by location.

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "stations.csv"
    >>> _ = path.write_text("name,latitude,longitude,province,alternate_names\\n"
    ...                     "Thana Saddar Bannu,32.99,70.60,KP,Saddar Police Station Bannu\\n")
    >>> [place] = read_places_csv(path, source="district police")
    >>> (place.name, place.kind, place.province, place.alternate_names)
    ('Thana Saddar Bannu', 'locality', 'Khyber Pakhtunkhwa', ('Saddar Police Station Bannu',))
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import math
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal, get_args

from rapidfuzz import fuzz

from nigehban.errors import PlacesFileError
from nigehban.taxonomy import PROVINCES, canonical_province

__all__ = [
    "LEARNED_SOURCE",
    "PAKISTAN_BOX",
    "PLACE_KINDS",
    "Place",
    "PlaceKind",
    "read_places_csv",
]

LEARNED_SOURCE = "incidents"
"""The ``source`` of places learned from the store's geocoded incidents (:mod:`nigehban.geo.learned`)."""

PlaceKind = Literal["province", "district", "tehsil", "town", "locality"]
PLACE_KINDS: tuple[PlaceKind, ...] = get_args(PlaceKind)
"""From the largest to the smallest: a town is a GeoNames populated place, a locality anything smaller."""

PAKISTAN_BOX = (60.5, 23.0, 78.0, 37.5)
"""(west, south, east, north): a generous box around Pakistan, Gilgit-Baltistan and AJK included."""

_POSTAL_COLUMNS = ("place_name", "latitude", "longitude")
_SIMPLE_COLUMNS = ("name", "latitude", "longitude")


@dataclasses.dataclass(frozen=True, slots=True)
class Place:
    """One named location.

    Attributes:
        name: the name as its source spells it.
        kind: one of :data:`PLACE_KINDS`.
        latitude, longitude: a point for the place (for areas, a point inside them); ``None`` when
            not known (provinces without boundaries, postal places with estimated coordinates).
        province: canonical province name (a key of :data:`nigehban.taxonomy.PROVINCES`), if known.
        district: the district as the source names it (user files), not necessarily a boundary name.
        district_pcode, tehsil_pcode: units of the boundary set the place lies in (filled by the
            gazetteer by point-in-polygon where boundaries are held).
        population: where the source gives one (GeoNames), else ``None``.
        source: where the place comes from ("boundaries", "geonames", or what the user named).
        alternate_names: other spellings, any script.
    """

    name: str
    kind: PlaceKind
    latitude: float | None
    longitude: float | None
    province: str | None = None
    district: str | None = None
    district_pcode: str | None = None
    tehsil_pcode: str | None = None
    population: int | None = None
    source: str = ""
    alternate_names: tuple[str, ...] = ()

    @property
    def has_point(self) -> bool:
        """Whether the place has coordinates."""
        return self.latitude is not None and self.longitude is not None


def read_places_csv(path: str | Path, *, source: str) -> list[Place]:
    """Read a place file in the GeoNames postal form or the simple form (see the module notes).

    Every row becomes a place of kind ``locality``. Raises :class:`~nigehban.errors.PlacesFileError`
    naming the file, the row (the header is row 1) and the column at the first bad value; nothing is
    returned from a file with an error.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise PlacesFileError(path, None, None, f"not UTF-8 text (byte {error.start}); save it as UTF-8 CSV") from None
    except OSError as error:
        raise PlacesFileError(path, None, None, f"cannot read the file ({error.strerror or error})") from None
    rows = _rows(path, text)
    header = next(rows, None)
    if header is None:
        raise PlacesFileError(path, None, None, "the file is empty")
    columns = {name.strip().lower(): number for number, name in enumerate(header)}
    if all(name in columns for name in _POSTAL_COLUMNS):
        reader = _postal_place
    elif all(name in columns for name in _SIMPLE_COLUMNS):
        reader = _simple_place
    else:
        raise PlacesFileError(
            path,
            1,
            None,
            "the header needs name, latitude, longitude (simple form) or place_name, latitude, longitude"
            f" (GeoNames postal form); found {', '.join(header) or 'nothing'}",
        )
    places: list[Place] = []
    for number, values in enumerate(rows, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header):
            raise PlacesFileError(path, number, None, f"{len(values)} values for {len(header)} columns")
        row = {name: (values[index].strip() if index < len(values) else "") for name, index in columns.items()}
        places.append(reader(path, number, row, source))
    return places


def _rows(path: Path, text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        yield from reader
    except csv.Error as error:
        raise PlacesFileError(path, reader.line_num, None, f"malformed CSV ({error})") from None


def _simple_place(path: Path, number: int, row: Mapping[str, str], source: str) -> Place:
    name = _name(path, number, row, "name")
    latitude, longitude = _coordinates(path, number, row)
    province = None
    if row.get("province"):
        try:
            province = canonical_province(row["province"])
        except KeyError:
            raise PlacesFileError(
                path, number, "province", f"{row['province']!r} is not a province of Pakistan ({_province_names()})"
            ) from None
    alternates = tuple(
        dict.fromkeys(part.strip() for part in re.split(r"[|;]", row.get("alternate_names", "")) if part.strip())
    )
    return Place(
        name=name,
        kind="locality",
        latitude=latitude,
        longitude=longitude,
        province=province,
        district=row.get("district") or None,
        source=source,
        alternate_names=alternates,
    )


def _postal_place(path: Path, number: int, row: Mapping[str, str], source: str) -> Place:
    name = _name(path, number, row, "place_name")
    latitude, longitude = _coordinates(path, number, row)
    estimated = not row.get("accuracy")
    district = row.get("admin_name2") or None
    return Place(
        name=name,
        kind="locality",
        latitude=None if estimated else latitude,
        longitude=None if estimated else longitude,
        province=_postal_province(row.get("admin_name1", "")),
        district=district,
        source=source,
    )


def _name(path: Path, number: int, row: Mapping[str, str], column: str) -> str:
    name = " ".join(row.get(column, "").split())
    if not name:
        raise PlacesFileError(path, number, column, "empty name")
    return name


def _coordinates(path: Path, number: int, row: Mapping[str, str]) -> tuple[float, float]:
    values: dict[str, float] = {}
    for column in ("latitude", "longitude"):
        text = row.get(column, "")
        if not text:
            raise PlacesFileError(path, number, column, f"empty {column}")
        try:
            value = float(text)
        except ValueError:
            raise PlacesFileError(path, number, column, f"{text!r} is not a number (decimal degrees)") from None
        if not math.isfinite(value):
            raise PlacesFileError(path, number, column, f"{text!r} is not a number (decimal degrees)")
        values[column] = value
    latitude, longitude = values["latitude"], values["longitude"]
    west, south, east, north = PAKISTAN_BOX
    if not (south <= latitude <= north and west <= longitude <= east):
        swapped = south <= longitude <= north and west <= latitude <= east
        hint = "latitude and longitude look swapped" if swapped else "check the sign and the order of the values"
        column = "latitude" if not south <= latitude <= north else "longitude"
        raise PlacesFileError(
            path,
            number,
            column,
            f"({latitude}, {longitude}) is outside Pakistan ({south}–{north}°N, {west}–{east}°E): {hint}",
        )
    return latitude, longitude


_POSTAL_WORDS = {
    "nwfp": "Khyber Pakhtunkhwa",
    "kpk": "Khyber Pakhtunkhwa",
    "fata": "Khyber Pakhtunkhwa",
    "ajk": "Azad Jammu and Kashmir",
}


@functools.cache
def _postal_province(circle: str) -> str | None:
    """The province a postal circle name clearly names ("Norhern Punajb Rawalpindi" -> Punjab), else ``None``."""
    try:
        return canonical_province(circle)
    except KeyError:
        pass
    found: set[str] = set()
    for word in re.findall(r"[A-Za-z]+", circle):
        lowered = word.lower()
        if lowered in _POSTAL_WORDS:
            found.add(_POSTAL_WORDS[lowered])
            continue
        for province in PROVINCES:
            for spelling in (province, *PROVINCES[province]):
                # misspelt province words ("Punajb", "Balochisan") but not short codes ("GB", "KP")
                if len(spelling) >= 5 and " " not in spelling and fuzz.ratio(lowered, spelling.lower()) >= 80:
                    found.add(province)
    return found.pop() if len(found) == 1 else None


def _province_names() -> str:
    return ", ".join(PROVINCES)
