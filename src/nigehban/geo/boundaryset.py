"""The boundaries in use: provinces, districts and tehsils together, ready for point-in-polygon.

A :class:`BoundarySet` is what the store's current boundary versions hold (see
:meth:`nigehban.app.Nigehban.boundary_set`); tests and scripts can also build one straight from
files with :meth:`BoundarySet.from_files`. Any level may be missing: a fresh install has none,
and place resolution then falls back on the gazetteer.

Example:
    >>> import shapely
    >>> from nigehban.geo.boundaries import BoundaryUnit
    >>> district = BoundaryUnit("district", "PK999", "Example", "PK6", "PK6", shapely.box(70, 30, 71, 31))
    >>> boundaries = BoundarySet(districts=[district])
    >>> [unit.name if unit else None for unit in boundaries.locate("district", [70.5, 75.0], [30.5, 30.0])]
    ['Example', None]
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely

from nigehban.geo.boundaries import LEVELS, BoundaryUnit, Level, read_boundaries
from nigehban.geo.locate import Located, PolygonIndex

__all__ = ["BoundarySet"]


@dataclasses.dataclass
class BoundarySet:
    """Units of each level (any may be empty) with lazily built spatial indexes."""

    provinces: list[BoundaryUnit] = dataclasses.field(default_factory=list)
    districts: list[BoundaryUnit] = dataclasses.field(default_factory=list)
    tehsils: list[BoundaryUnit] = dataclasses.field(default_factory=list)
    versions: dict[str, int] = dataclasses.field(default_factory=dict)
    """The store's boundary version id of each level held (empty for a set built from files)."""

    def __post_init__(self) -> None:
        self._indexes: dict[str, PolygonIndex] = {}
        self._by_pcode: dict[str, dict[str, BoundaryUnit]] = {
            level: {unit.pcode: unit for unit in self.units(level)} for level in LEVELS
        }
        self._fill_parents()

    @classmethod
    def from_files(
        cls, *, province: str | Path | None = None, district: str | Path | None = None, tehsil: str | Path | None = None
    ) -> BoundarySet:
        """Read the given boundary files (see :func:`~nigehban.geo.boundaries.read_boundaries`)."""
        return cls(
            provinces=read_boundaries(province, level="province").units if province else [],
            districts=read_boundaries(district, level="district").units if district else [],
            tehsils=read_boundaries(tehsil, level="tehsil").units if tehsil else [],
        )

    def units(self, level: Level) -> list[BoundaryUnit]:
        """The units of ``level`` in their order (which is the index order of :meth:`index`)."""
        return {"province": self.provinces, "district": self.districts, "tehsil": self.tehsils}[level]

    def has(self, level: Level) -> bool:
        """Whether units of ``level`` are held."""
        return bool(self.units(level))

    def unit(self, level: Level, pcode: str) -> BoundaryUnit | None:
        """The unit of ``level`` with ``pcode``, if held."""
        return self._by_pcode[level].get(pcode)

    def index(self, level: Level) -> PolygonIndex:
        """The point-in-polygon index of ``level`` (built on first use)."""
        if level not in self._indexes:
            self._indexes[level] = PolygonIndex([unit.geometry for unit in self.units(level)])
        return self._indexes[level]

    def locate_indices(self, level: Level, longitude: npt.ArrayLike, latitude: npt.ArrayLike) -> Located:
        """Indices into :meth:`units` of ``level`` for each point (``-1`` for none), and which were snapped."""
        return self.index(level).locate(longitude, latitude)

    def locate(self, level: Level, longitude: npt.ArrayLike, latitude: npt.ArrayLike) -> list[BoundaryUnit | None]:
        """The unit of ``level`` each point falls in (``None`` outside them all or where not held)."""
        units = self.units(level)
        if not units:
            return [None] * len(np.atleast_1d(np.asarray(longitude, dtype=float)))
        found = self.locate_indices(level, longitude, latitude).unit
        return [units[i] if i >= 0 else None for i in found.tolist()]

    def _fill_parents(self) -> None:
        """Give units without parent codes (geoBoundaries files) the parent their interior point falls in."""
        pairs: tuple[tuple[Level, Level], ...] = (("district", "province"), ("tehsil", "district"))
        for level, parent_level in pairs:
            units = self.units(level)
            if not units or not self.has(parent_level):
                continue
            missing = [i for i, unit in enumerate(units) if unit.parent_pcode is None or unit.province_pcode is None]
            if not missing:
                continue
            points = shapely.point_on_surface([units[i].geometry for i in missing])
            parents = self.locate(parent_level, shapely.get_x(points), shapely.get_y(points))
            for i, parent in zip(missing, parents, strict=True):
                if parent is None:
                    continue
                unit = units[i]
                units[i] = dataclasses.replace(
                    unit,
                    parent_pcode=unit.parent_pcode or parent.pcode,
                    province_pcode=unit.province_pcode or parent.province_pcode,
                )
            self._by_pcode[level] = {unit.pcode: unit for unit in units}

    def summary(self) -> dict[str, int]:
        """How many units each level holds."""
        return {level: len(self.units(level)) for level in LEVELS}
