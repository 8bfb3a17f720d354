"""Point-in-polygon: which unit of a boundary level each coordinate falls in.

Vectorised over arrays of points: each prepared polygon tests, in one call, the points inside its
bounding box, and a :class:`shapely.STRtree` finds the nearest unit for points outside them all.
A million points into the 158 districts take about a second (``benchmarks/bench_geo_pip.py``).

Points on a border shared by two units go to the unit listed first. Points just outside every
polygon (a coastal town whose coordinates sit in the sea, a border post) go to the nearest unit
within ``snap_km`` kilometres and are reported as snapped; points further out get ``-1``.

Example:
    >>> import shapely
    >>> index = PolygonIndex([shapely.box(70, 30, 71, 31), shapely.box(71, 30, 72, 31)])
    >>> found = index.locate([70.5, 71.5, 71.01, 80.0], [30.5, 30.5, 31.02, 30.0])
    >>> found.unit.tolist(), found.snapped.tolist()
    ([0, 1, 1, -1], [False, False, True, False])
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["KM_PER_DEGREE", "Located", "PolygonIndex"]

KM_PER_DEGREE = 111.32
"""Kilometres per degree of latitude (and of longitude at the equator)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Located:
    """For each point: the index of its unit (``-1`` for none) and whether it was snapped to it."""

    unit: npt.NDArray[np.int64]
    snapped: npt.NDArray[np.bool_]


class PolygonIndex:
    """A spatial index over the (multi)polygons of one boundary level."""

    def __init__(self, geometries: Sequence[BaseGeometry], *, snap_km: float = 5.0) -> None:
        self.geometries = np.asarray(geometries, dtype=object)
        self.snap_km = snap_km
        shapely.prepare(self.geometries)
        self.bounds = shapely.bounds(self.geometries).reshape(-1, 4)
        self.tree = shapely.STRtree(self.geometries)
        self._reach_area: BaseGeometry | None = None
        # A degree of longitude shrinks with latitude, so snap_km east or west spans more degrees than
        # snap_km north or south; searches in degrees must widen by 1/cos of the latitude furthest
        # from the equator (with a degree to spare for points just beyond the units).
        far_latitude = float(np.abs(self.bounds[:, [1, 3]]).max()) + 1.0 if len(self.bounds) else 0.0
        self._snap_degrees = snap_km / KM_PER_DEGREE / max(math.cos(math.radians(min(far_latitude, 89.0))), 0.01)

    def __len__(self) -> int:
        return len(self.geometries)

    def locate(self, longitude: npt.ArrayLike, latitude: npt.ArrayLike) -> Located:
        """The unit of every (``longitude``, ``latitude``) pair; NaN coordinates get ``-1``."""
        x = np.asarray(longitude, dtype=float)
        y = np.asarray(latitude, dtype=float)
        unit = np.full(x.shape, -1, dtype=np.int64)
        snapped = np.zeros(x.shape, dtype=bool)
        known = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        if known.size == 0 or len(self.geometries) == 0:
            return Located(unit, snapped)

        kx, ky = x[known], y[known]
        found = np.full(known.size, -1, dtype=np.int64)
        # One vectorised test per polygon on the points inside its bounding box: on prepared
        # polygons this is several times faster than an STRtree query with a predicate.
        for number, (geometry, (min_x, min_y, max_x, max_y)) in enumerate(
            zip(self.geometries, self.bounds, strict=True)
        ):
            candidates = np.flatnonzero((kx >= min_x) & (kx <= max_x) & (ky >= min_y) & (ky <= max_y))
            candidates = candidates[found[candidates] < 0]  # a border point stays with the first-listed unit
            if candidates.size:
                inside = shapely.intersects_xy(geometry, kx[candidates], ky[candidates])
                found[candidates[inside]] = number
        unit[known] = found
        if self.snap_km > 0:
            outside = known[found < 0]
            if outside.size:
                outside = outside[shapely.intersects_xy(self._reach(), x[outside], y[outside])]
            if outside.size:
                points: npt.NDArray[np.object_] = np.asarray(shapely.points(x[outside], y[outside]), dtype=object)
                # Every unit within reach in degrees, then the nearest in kilometres (the nearest in
                # degrees is not always the nearest on the ground); ties go to the first-listed unit.
                near_point, near_unit = self.tree.query(points, predicate="dwithin", distance=self._snap_degrees)
                distance_km = _distance_km(points[near_point], self.geometries[near_unit])
                close = distance_km <= self.snap_km
                near_point, near_unit, distance_km = near_point[close], near_unit[close], distance_km[close]
                order = np.lexsort((near_unit, distance_km, near_point))
                first = order[np.unique(near_point[order], return_index=True)[1]]
                targets = outside[near_point[first]]
                unit[targets] = near_unit[first]
                snapped[targets] = True
        return Located(unit, snapped)

    def _reach(self) -> BaseGeometry:
        """Everything within ``snap_km`` of a unit (generously), to skip far points before the nearest search."""
        if self._reach_area is None:
            margin = self._snap_degrees
            outline = shapely.union_all(shapely.simplify(self.geometries, margin / 10))
            self._reach_area = shapely.buffer(outline, margin * 1.2)
            shapely.prepare(self._reach_area)
        return self._reach_area


def _distance_km(points: npt.NDArray[np.object_], geometries: npt.NDArray[np.object_]) -> npt.NDArray[np.float64]:
    """Approximate distance from each point to its geometry, in kilometres (local equirectangular)."""
    nearest = shapely.shortest_line(points, geometries)
    coordinates = shapely.get_coordinates(nearest).reshape(-1, 2, 2)
    (x0, y0), (x1, y1) = coordinates[:, 0].T, coordinates[:, 1].T
    scale = np.cos(np.radians((y0 + y1) / 2))
    return np.asarray(np.hypot((x1 - x0) * scale, y1 - y0) * KM_PER_DEGREE, dtype=np.float64)
