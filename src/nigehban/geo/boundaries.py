"""Reading administrative boundary files (OCHA COD-AB and geoBoundaries GeoJSON).

A boundary file holds the polygons of one level: provinces (ADM1), districts (ADM2) or tehsils
(ADM3). COD-AB files name each feature's code and name in ``adm{n}_pcode`` / ``adm{n}_name`` (or the
upper-case ``ADM{n}_PCODE`` / ``ADM{n}_EN``) and its parents in ``adm{n-1}_pcode`` ...;
geoBoundaries files have ``shapeName`` and ``shapeID`` and no parents (the parent is then found by
location when the store assembles the levels).

Caveats:

- Coordinates must be longitude/latitude on WGS84 (EPSG:4326), as GeoJSON requires; a file whose
  coordinates are obviously projected (outside ±180/±90) is refused.
- Invalid polygons (self-intersections, wrong ring order) are repaired with
  :func:`shapely.make_valid` and the repaired features are listed; a polygon that cannot be
  repaired into an area is refused with the feature named.
- Features without a pcode (the disputed "Ladakh Region" and "Jammu and Kashmir Region" in the
  COD-AB-derived district file) are skipped and listed, never silently.

Example:
    >>> import json, tempfile, pathlib
    >>> square = {"type": "Polygon", "coordinates": [[[70, 30], [71, 30], [71, 31], [70, 31], [70, 30]]]}
    >>> feature = {"type": "Feature", "geometry": square,
    ...            "properties": {"adm2_pcode": "PK999", "adm2_name": "Example", "adm1_pcode": "PK6"}}
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.geojson"
    >>> _ = path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    >>> boundaries = read_boundaries(path, level="district")
    >>> [(unit.pcode, unit.name, unit.parent_pcode) for unit in boundaries.units]
    [('PK999', 'Example', 'PK6')]
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, get_args

import orjson
import shapely
from shapely.geometry.base import BaseGeometry

from nigehban.errors import BoundaryFileError
from nigehban.taxonomy import canonical_province

__all__ = [
    "LEVELS",
    "PROVINCE_PCODES",
    "BoundaryFile",
    "BoundaryUnit",
    "Level",
    "SkippedFeature",
    "level_number",
    "read_boundaries",
]

Level = Literal["province", "district", "tehsil"]
LEVELS: tuple[Level, ...] = get_args(Level)

PROVINCE_PCODES: dict[str, str] = {
    "Azad Jammu and Kashmir": "PK1",
    "Balochistan": "PK2",
    "Gilgit-Baltistan": "PK3",
    "Islamabad Capital Territory": "PK4",
    "Khyber Pakhtunkhwa": "PK5",
    "Punjab": "PK6",
    "Sindh": "PK7",
}
"""OCHA COD-AB province codes, used when a province file has names but no codes."""


def level_number(level: Level) -> int:
    """1 for provinces, 2 for districts, 3 for tehsils (the ``adm{n}`` of the property names)."""
    return LEVELS.index(level) + 1


@dataclasses.dataclass(frozen=True, slots=True)
class BoundaryUnit:
    """One administrative unit: its codes, name and (multi)polygon in longitude/latitude."""

    level: Level
    pcode: str
    name: str
    parent_pcode: str | None
    province_pcode: str | None
    geometry: BaseGeometry


@dataclasses.dataclass(frozen=True, slots=True)
class SkippedFeature:
    """A feature of a boundary file that was not imported, and why."""

    feature: int
    name: str | None
    reason: str


@dataclasses.dataclass(slots=True)
class BoundaryFile:
    """The units read from one boundary file, with what was repaired and what was skipped."""

    path: str
    level: Level
    units: list[BoundaryUnit]
    skipped: list[SkippedFeature]
    repaired: list[str]
    sha256: str
    valid_on: str | None


def _candidates(level: Level) -> tuple[tuple[str, ...], tuple[str, ...]]:
    n = level_number(level)
    pcodes = (f"adm{n}_pcode", f"ADM{n}_PCODE", "shapeID")
    names = (f"adm{n}_name", f"ADM{n}_EN", f"NAME_{n}", "shapeName")
    return pcodes, names


def _first_present(properties: Iterable[str], candidates: Sequence[str]) -> str | None:
    present = set(properties)
    return next((name for name in candidates if name in present), None)


def read_boundaries(
    path: str | Path,
    *,
    level: Level,
    pcode_property: str | None = None,
    name_property: str | None = None,
) -> BoundaryFile:
    """Read and check the polygons of one administrative ``level`` from a GeoJSON file.

    ``pcode_property`` and ``name_property`` override the property names looked for
    (``adm2_pcode`` / ``adm2_name`` and their COD-AB and geoBoundaries variants for districts).
    Raises :class:`~nigehban.errors.BoundaryFileError` naming the file and, where it applies, the
    feature (numbered from 1 in file order) for anything that cannot be imported as a whole.
    """
    if level not in LEVELS:
        raise BoundaryFileError(path, None, f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BoundaryFileError(path, None, f"cannot read the file ({error.strerror or error})") from None
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise BoundaryFileError(path, None, f"not valid JSON ({error})") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BoundaryFileError(path, None, "not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryFileError(path, None, "the FeatureCollection has no features")

    all_properties: set[str] = set()
    for feature in features:
        if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
            all_properties.update(feature["properties"])
    pcode_candidates, name_candidates = _candidates(level)
    n = level_number(level)
    pcode_key = pcode_property or _first_present(all_properties, pcode_candidates)
    name_key = name_property or _first_present(all_properties, name_candidates)
    if name_key is None or name_key not in all_properties:
        wanted = name_property or " or ".join(name_candidates)
        raise BoundaryFileError(path, None, f"no {wanted} property: is this a {level} ({f'ADM{n}'}) boundary file?")
    if pcode_key is not None and pcode_key not in all_properties:
        raise BoundaryFileError(path, None, f"no {pcode_key} property")
    if pcode_key is None and level != "province":
        raise BoundaryFileError(
            path, None, f"no {' or '.join(pcode_candidates)} property: every {level} needs a code (pcode)"
        )
    parent_key = None if n == 1 else _first_present(all_properties, (f"adm{n - 1}_pcode", f"ADM{n - 1}_PCODE"))
    province_key = None if n == 1 else _first_present(all_properties, ("adm1_pcode", "ADM1_PCODE"))

    units: list[BoundaryUnit] = []
    skipped: list[SkippedFeature] = []
    repaired: list[str] = []
    seen: dict[str, int] = {}
    valid_on: str | None = None
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise BoundaryFileError(path, number, "not a GeoJSON Feature")
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise BoundaryFileError(path, number, "properties is not an object")
        name = _text(properties.get(name_key))
        if name is None:
            raise BoundaryFileError(path, number, f"empty {name_key}")
        if name.isupper():  # geoBoundaries tehsils are in capitals: "FR KOHAT" -> "FR Kohat"
            name = " ".join(word if len(word) <= 2 else word.title() for word in name.split())
        pcode = _text(properties.get(pcode_key)) if pcode_key else _province_pcode(name)
        if pcode is None:
            reason = f"no {pcode_key}" if pcode_key else "not a province of Pakistan (no known pcode)"
            skipped.append(SkippedFeature(number, name, reason))
            continue
        if pcode in seen:
            raise BoundaryFileError(path, number, f"{name_key} {name!r}: pcode {pcode} repeats feature {seen[pcode]}")
        seen[pcode] = number
        geometry = _geometry(path, number, name, feature.get("geometry"))
        if not geometry.is_valid:
            fixed = _repair(geometry)
            if fixed is None:
                raise BoundaryFileError(
                    path,
                    number,
                    f"{name!r} ({pcode}): invalid polygon ({shapely.is_valid_reason(geometry)})"
                    " that cannot be repaired into an area",
                )
            repaired.append(f"{name} ({pcode}): {shapely.is_valid_reason(geometry)}")
            geometry = fixed
        valid_on = valid_on or _text(properties.get("valid_on"))
        parent = _text(properties.get(parent_key)) if parent_key else None
        province = pcode if n == 1 else (_text(properties.get(province_key)) if province_key else None)
        units.append(BoundaryUnit(level, pcode, name, parent, province, geometry))
    if not units:
        raise BoundaryFileError(path, None, f"no feature has a {pcode_key or 'known province'} code")
    return BoundaryFile(
        path=str(path),
        level=level,
        units=units,
        skipped=skipped,
        repaired=repaired,
        sha256=hashlib.sha256(raw).hexdigest(),
        valid_on=valid_on[:10] if valid_on else None,
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _province_pcode(name: str) -> str | None:
    try:
        province = canonical_province(name)
    except KeyError:
        return None
    return PROVINCE_PCODES.get(province) if province else None


def _geometry(path: Path, number: int, name: str, value: Any) -> BaseGeometry:
    if not isinstance(value, Mapping):
        raise BoundaryFileError(path, number, f"{name!r}: no geometry")
    if value.get("type") not in {"Polygon", "MultiPolygon"}:
        raise BoundaryFileError(path, number, f"{name!r}: geometry is {value.get('type')!r}, not a (Multi)Polygon")
    try:
        geometry = shapely.from_geojson(orjson.dumps(value))
    except Exception as error:  # shapely raises GEOSException and ValueError for broken coordinates
        raise BoundaryFileError(path, number, f"{name!r}: malformed geometry ({error})") from None
    if geometry.is_empty:
        raise BoundaryFileError(path, number, f"{name!r}: empty geometry")
    min_x, min_y, max_x, max_y = geometry.bounds
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        raise BoundaryFileError(
            path, number, f"{name!r}: coordinates outside longitude/latitude; GeoJSON must be in EPSG:4326"
        )
    return geometry


def _repair(geometry: BaseGeometry) -> BaseGeometry | None:
    fixed = shapely.make_valid(geometry)
    polygons = [part for part in shapely.get_parts(fixed) if part.geom_type in {"Polygon", "MultiPolygon"}]
    if not polygons:
        return None
    area = shapely.union_all(polygons)
    if area.is_empty or area.area < geometry.envelope.area * 1e-9:
        return None
    return area
