"""Which districts border which: queen contiguity, tolerant of slivers and gaps in boundary files.

Two units are neighbours when they share a border or only a corner ("queen" contiguity, as in
spatial statistics), or when they come within ``tolerance_km`` of each other: boundary files drawn
from different sources leave thin gaps and overlaps along shared borders, which a strict
``touches`` test would read as "not neighbours". Spatial models of attack spill-over and the
neighbour lists of the dashboards use this.

Caveats:

- The tolerance is a distance between outlines, so two units across a narrow strip of a third
  unit that is thinner than ``tolerance_km`` (a river-bed tehsil, a corridor) also count as
  neighbours. Keep the tolerance well below the width of the thinnest unit (0.5 km suits districts).
- Distances are measured on a local equirectangular projection where the two units come closest
  (kilometres east scaled by the cosine of that latitude): accurate to well under 1 % at these distances.
- Units separated by water or by a foreign country (an island district, an exclave) get no
  neighbours; they still appear in the result, with an empty tuple.

Example:
    >>> import shapely
    >>> from nigehban.geo.boundaries import BoundaryUnit
    >>> def square(pcode, west, south):
    ...     return BoundaryUnit("district", pcode, pcode, None, None, shapely.box(west, south, west + 1, south + 1))
    >>> # PK902 is 0.003 degrees (about 0.3 km) east of PK901; PK903 touches PK901 only at a corner
    >>> units = [square("PK901", 70, 30), square("PK902", 71.003, 30), square("PK903", 71, 31), square("PK904", 75, 30)]
    >>> district_neighbours(units)
    {'PK901': ('PK902', 'PK903'), 'PK902': ('PK901', 'PK903'), 'PK903': ('PK901', 'PK902'), 'PK904': ()}
    >>> district_neighbours(units, tolerance_km=0.1)["PK901"]
    ('PK903',)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from nigehban.geo.boundaries import BoundaryUnit
from nigehban.geo.locate import KM_PER_DEGREE

__all__ = ["district_neighbours"]


def district_neighbours(units: Sequence[BoundaryUnit], *, tolerance_km: float = 0.5) -> dict[str, tuple[str, ...]]:
    """The pcodes of the neighbours of each unit, by pcode: symmetric, sorted, never the unit itself.

    Works for any one level (districts, tehsils, provinces); ``units`` must have distinct pcodes.
    Every unit is a key, those without neighbours with an empty tuple.
    """
    if tolerance_km < 0:
        raise ValueError(f"tolerance_km must be 0 or more, not {tolerance_km}")
    pcodes = [unit.pcode for unit in units]
    if len(set(pcodes)) != len(pcodes):
        repeated = sorted({pcode for pcode in pcodes if pcodes.count(pcode) > 1})
        raise ValueError(f"pcodes repeat: {', '.join(repeated)}")
    geometries = np.asarray([unit.geometry for unit in units], dtype=object)
    neighbours: dict[str, set[str]] = {pcode: set() for pcode in pcodes}
    if len(geometries) < 2:
        return dict.fromkeys(pcodes, ())

    # Candidates within the tolerance in degrees, widened for the shrinking degree of longitude
    # (the exact test in kilometres follows); an STRtree keeps this to nearby pairs.
    far_latitude = min(float(np.abs(shapely.bounds(geometries)[:, [1, 3]]).max()), 89.0)
    reach_degrees = tolerance_km / KM_PER_DEGREE / max(math.cos(math.radians(far_latitude)), 0.01)
    tree = shapely.STRtree(geometries)
    first, second = tree.query(geometries, predicate="dwithin", distance=reach_degrees)
    keep = first < second  # each pair once, never a unit with itself
    first, second = first[keep], second[keep]

    # Shared borders and corners (and overlaps) need no distance; only pairs with a gap do.
    touching = shapely.intersects(geometries[first], geometries[second])
    for a, b, touches in zip(first.tolist(), second.tolist(), touching.tolist(), strict=True):
        if touches or _distance_km(geometries[a], geometries[b]) <= tolerance_km:
            neighbours[pcodes[a]].add(pcodes[b])
            neighbours[pcodes[b]].add(pcodes[a])
    return {pcode: tuple(sorted(found)) for pcode, found in neighbours.items()}


def _distance_km(a: BaseGeometry, b: BaseGeometry) -> float:
    """The distance between two outlines in kilometres, on an equirectangular projection where they are closest."""
    latitude = float(np.mean(shapely.get_coordinates(shapely.shortest_line(a, b))[:, 1]))
    scale = np.array([math.cos(math.radians(latitude)) * KM_PER_DEGREE, KM_PER_DEGREE])

    def project(coordinates: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(coordinates * scale, dtype=np.float64)

    return float(shapely.distance(shapely.transform(a, project), shapely.transform(b, project)))
