"""Synthetic district boundaries for the demo world: Voronoi cells around the demo towns.

**These are not real boundaries.** A fresh install has no boundary files (they are public, but
large and not shipped), so the demo world's incidents would have districts by name only: no
``district_pcode``, no choropleth, no district profiles. This module draws stand-in districts with
our own code so that everything district-based works in the demo:

- each demo district (:data:`nigehban.demo.TOWNS`, by its district and province) is the union of
  the Voronoi cells of its towns (North Waziristan has Miranshah and Mir Ali, Khyber has Landi Kotal
  and Jamrud), so every point belongs to the district of its nearest demo town;
- the cells are drawn on a plane where a degree of longitude is shortened by the cosine of the
  towns' mean latitude, so that "nearest" is nearest in kilometres, not in degrees;
- they are clipped to the convex hull of the towns grown by :data:`ENVELOPE_KM`: far more than the
  demo scatters attacks (at most 15 km from a town) or facilities (2.5 km), so every demo point lies
  in some district (a point outside every district counts as outside Pakistan);
- provinces are the districts dissolved by province, with the OCHA province codes (``PK5`` for
  Khyber Pakhtunkhwa ...) the rest of the code maps to province names.

Codes are ``DEMO-<province>-<DISTRICT>`` (``DEMO-KP-NORTH-WAZIRISTAN``), so a synthetic district
shows as one wherever its code is shown; names are exactly the districts of :data:`TOWNS`, so that
resolving a place by its name and by its point agree. Every feature carries ``synthetic: true`` and
a ``source`` saying what it is. Deterministic: the same towns make the same file.

:func:`load_demo_boundaries` imports them through the normal boundary import
(:meth:`nigehban.Nigehban.import_boundaries`), then gives the stored incidents and facilities their
districts; it never replaces a district boundary set already imported (real boundaries stay).

Example:
    >>> collection = demo_district_boundaries()
    >>> feature = next(f for f in collection["features"] if f["properties"]["adm2_name"] == "North Waziristan")
    >>> feature["properties"]["adm2_pcode"], feature["properties"]["adm1_pcode"], feature["properties"]["synthetic"]
    ('DEMO-KP-NORTH-WAZIRISTAN', 'PK5', True)
"""

from __future__ import annotations

import dataclasses
import math
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import orjson
import shapely
from shapely.geometry.base import BaseGeometry

from nigehban.demo import TOWNS, Town
from nigehban.geo.boundaries import PROVINCE_PCODES
from nigehban.geo.locate import KM_PER_DEGREE

if TYPE_CHECKING:
    from nigehban.app import Nigehban
    from nigehban.geo.backfill import BackfillReport

__all__ = [
    "DEMO_PCODE_PREFIX",
    "ENVELOPE_KM",
    "SOURCE",
    "DemoBoundariesReport",
    "demo_district_boundaries",
    "demo_province_boundaries",
    "load_demo_boundaries",
]

SOURCE = "Nigehban demo: Voronoi cells around demo towns, not real boundaries"
DEMO_PCODE_PREFIX = "DEMO-"
ENVELOPE_KM = 60.0
"""How far beyond the towns' convex hull the districts reach."""

# Short province codes for the district pcodes (the province's own pcode is the OCHA one, PK1-PK7).
_PROVINCE_ABBREVIATIONS = {
    "Azad Jammu and Kashmir": "AJK",
    "Balochistan": "BA",
    "Gilgit-Baltistan": "GB",
    "Islamabad Capital Territory": "ICT",
    "Khyber Pakhtunkhwa": "KP",
    "Punjab": "PB",
    "Sindh": "SD",
}
# Coordinates are snapped to this grid (degrees, about 1 m) so that neighbouring cells share their
# edges exactly and the file is the same on every machine.
_GRID = 1e-5
_DIGITS = 5


@dataclasses.dataclass(frozen=True, slots=True)
class _District:
    pcode: str
    name: str
    province: str
    towns: tuple[Town, ...]


def _districts(towns: Sequence[Town]) -> list[_District]:
    """The demo districts in the order their first town appears in ``towns``."""
    grouped: dict[tuple[str, str], list[Town]] = {}
    for town in towns:
        grouped.setdefault((town.province, town.district), []).append(town)
    districts = []
    for (province, name), members in grouped.items():
        slug = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")
        pcode = f"{DEMO_PCODE_PREFIX}{_PROVINCE_ABBREVIATIONS[province]}-{slug}"
        districts.append(_District(pcode, name, province, tuple(members)))
    return districts


def _scaler(towns: Sequence[Town]) -> float:
    """How much a degree of longitude is shortened on the plane the cells are drawn on."""
    return math.cos(math.radians(sum(town.latitude for town in towns) / len(towns)))


def _district_geometries(towns: Sequence[Town]) -> list[tuple[_District, BaseGeometry]]:
    """Each demo district with its (multi)polygon in longitude/latitude."""
    scale = _scaler(towns)
    points = shapely.points([(town.longitude * scale, town.latitude) for town in towns])
    towns_geometry = shapely.MultiPoint(points)
    envelope = towns_geometry.convex_hull.buffer(ENVELOPE_KM / KM_PER_DEGREE, quad_segs=16)
    cells = shapely.get_parts(shapely.voronoi_polygons(towns_geometry, extend_to=envelope))
    # each town lies inside exactly one cell; match them by containment, not by output order
    cell_of_town = [int(np.flatnonzero(shapely.contains(cells, point))[0]) for point in points]

    def to_degrees(coordinates: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(coordinates / np.array([scale, 1.0]), dtype=np.float64)

    index = {town: number for number, town in enumerate(towns)}
    out = []
    for district in _districts(towns):
        own = [cells[cell_of_town[index[town]]] for town in district.towns]
        area = shapely.union_all(own).intersection(envelope)
        out.append((district, shapely.set_precision(shapely.transform(area, to_degrees), _GRID)))
    return out


def _geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """GeoJSON of a (multi)polygon with coordinates rounded to the grid (no 70.12345000000001)."""
    document: dict[str, Any] = orjson.loads(shapely.to_geojson(geometry))

    def rounded(value: Any) -> Any:
        if isinstance(value, list):
            return [rounded(item) for item in value]
        return round(float(value), _DIGITS)

    document["coordinates"] = rounded(document["coordinates"])
    return document


def demo_district_boundaries(towns: Sequence[Town] = TOWNS) -> dict[str, Any]:
    """The synthetic demo districts as a GeoJSON FeatureCollection (COD-AB style ``adm2_*`` properties).

    One feature per district of ``towns``: ``adm2_pcode`` (``DEMO-KP-PESHAWAR``), ``adm2_name`` (the
    district as :data:`TOWNS` names it), ``adm1_pcode`` / ``adm1_name`` (the province), ``towns``,
    ``synthetic: true`` and ``source``.
    """
    features = [
        {
            "type": "Feature",
            "properties": {
                "adm2_pcode": district.pcode,
                "adm2_name": district.name,
                "adm1_pcode": PROVINCE_PCODES[district.province],
                "adm1_name": district.province,
                "towns": [town.name for town in district.towns],
                "synthetic": True,
                "source": SOURCE,
            },
            "geometry": _geojson(geometry),
        }
        for district, geometry in _district_geometries(towns)
    ]
    return {"type": "FeatureCollection", "name": "nigehban-demo-districts", "features": features}


def demo_province_boundaries(towns: Sequence[Town] = TOWNS) -> dict[str, Any]:
    """The synthetic demo districts dissolved into provinces (``adm1_pcode`` ``PK5``, ``adm1_name``)."""
    by_province: dict[str, list[BaseGeometry]] = {}
    for district, geometry in _district_geometries(towns):
        by_province.setdefault(district.province, []).append(geometry)
    features = [
        {
            "type": "Feature",
            "properties": {
                "adm1_pcode": PROVINCE_PCODES[province],
                "adm1_name": province,
                "synthetic": True,
                "source": SOURCE,
            },
            "geometry": _geojson(shapely.union_all(geometries, grid_size=_GRID)),
        }
        for province, geometries in sorted(by_province.items(), key=lambda item: PROVINCE_PCODES[item[0]])
    ]
    return {"type": "FeatureCollection", "name": "nigehban-demo-provinces", "features": features}


@dataclasses.dataclass(frozen=True, slots=True)
class DemoBoundariesReport:
    """What :func:`load_demo_boundaries` did: whether it imported anything, and why not if it did not."""

    imported: bool
    message: str
    districts: int = 0
    """Synthetic districts imported."""
    provinces: int = 0
    """Synthetic provinces imported (none if a province boundary set was there already)."""
    backfill: BackfillReport | None = None
    """The backfill of the stored incidents' geography that followed the import."""
    facilities_moved: int = 0
    """Facilities placed in the new districts."""
    facilities_unplaced: tuple[str, ...] = ()
    """Facilities that could not be placed (they keep their district as named)."""


def load_demo_boundaries(app: Nigehban) -> DemoBoundariesReport:
    """Import the synthetic districts (and provinces) into ``app``'s store, unless districts are there already.

    Imports go through :meth:`~nigehban.Nigehban.import_boundaries` (the file is written to a
    temporary directory first), then the stored incidents get their districts
    (:meth:`~nigehban.Nigehban.backfill_geography`) and so do the facilities
    (:meth:`~nigehban.Nigehban.relocate_facilities`). With a district boundary set already
    imported, real or these, nothing changes and the report says why. A province set already
    imported is kept too (the synthetic districts still carry their province codes).
    """
    current = app.boundary_set()
    if current.has("district"):
        held = current.units("district")
        if all(unit.pcode.startswith(DEMO_PCODE_PREFIX) for unit in held):
            message = f"the synthetic demo districts are already imported ({len(held)}); nothing changed"
        else:
            message = (
                f"district boundaries are already imported ({len(held)} districts); the synthetic demo "
                "districts are not loaded over them"
            )
        return DemoBoundariesReport(imported=False, message=message)
    with_provinces = not current.has("province")
    with tempfile.TemporaryDirectory(prefix="nigehban-demo-") as directory:
        district_path = Path(directory) / "demo-districts.geojson"
        district_path.write_bytes(orjson.dumps(demo_district_boundaries()))
        districts = app.import_boundaries(district_path, level="district").unit_count
        provinces = 0
        if with_provinces:
            province_path = Path(directory) / "demo-provinces.geojson"
            province_path.write_bytes(orjson.dumps(demo_province_boundaries()))
            provinces = app.import_boundaries(province_path, level="province").unit_count
    backfill = app.backfill_geography()
    moved, unplaced = app.relocate_facilities()
    kept = "" if with_provinces else "; the province boundaries already imported are kept"
    return DemoBoundariesReport(
        imported=True,
        message=f"imported {districts} synthetic demo districts (Voronoi cells around the demo towns){kept}",
        districts=districts,
        provinces=provinces,
        backfill=backfill,
        facilities_moved=moved,
        facilities_unplaced=tuple(unplaced),
    )
