"""Keeping geography in the store: boundary versions, crosswalks, neighbours, places, indicators.

Boundaries are versioned. Importing a boundary file adds a version of its level and makes it the
current one; the units of the version it replaces stay, and a crosswalk records how each of them
maps onto the new units (the share of its area in each), so that figures kept by old districts —
FATA agencies before 2018, Karachi West before Keamari — can be carried onto today's set.

Areas are computed on the sphere with a local equal-area approximation (good to about 1 % at
Pakistan's latitudes); they are for shares and densities, not for surveying.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, delete, insert, select, update

from nigehban.geo.boundaries import LEVELS, BoundaryFile, BoundaryUnit, Level
from nigehban.geo.boundaryset import BoundarySet
from nigehban.geo.indicators import IndicatorFile, IndicatorRow
from nigehban.geo.locate import KM_PER_DEGREE
from nigehban.geo.neighbours import district_neighbours
from nigehban.geo.places import Place
from nigehban.store.bulk import insert_rows
from nigehban.store.schema import (
    BOUNDARIES,
    BOUNDARY_CROSSWALK,
    BOUNDARY_NEIGHBOURS,
    BOUNDARY_VERSIONS,
    DISTRICT_INDICATORS,
    PLACES,
    utcnow,
)

__all__ = [
    "BoundaryVersionInfo",
    "CrosswalkEntry",
    "area_sqkm",
    "crosswalk",
    "load_boundary_set",
    "load_indicators",
    "load_places",
    "neighbours",
    "save_boundary_file",
    "save_indicators",
    "save_places",
    "versions",
]

MIN_CROSSWALK_SHARE = 0.001
"""Overlaps smaller than this share of the old unit's area are slivers of digitising, not territory."""


@dataclasses.dataclass(frozen=True, slots=True)
class BoundaryVersionInfo:
    """One imported boundary file."""

    id: int
    level: str
    source_path: str
    file_sha256: str
    valid_on: str | None
    unit_count: int
    skipped: list[dict[str, Any]]
    repaired: list[str]
    current: bool
    actor: str
    imported_at: dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class CrosswalkEntry:
    """Share of an old unit's area that lies in a new unit."""

    from_version_id: int
    from_pcode: str
    from_name: str
    to_version_id: int
    to_pcode: str
    to_name: str
    share: float


def area_sqkm(geometry: BaseGeometry) -> float:
    """Approximate area in km² of a longitude/latitude polygon (scaled by the cosine of its latitude).

    >>> round(area_sqkm(shapely.box(70, 30, 71, 31)))
    10677
    """
    if geometry.is_empty:
        return 0.0
    latitude = shapely.centroid(geometry).y
    return float(geometry.area * KM_PER_DEGREE**2 * math.cos(math.radians(latitude)))


def save_boundary_file(connection: Connection, boundaries: BoundaryFile, *, actor: str) -> BoundaryVersionInfo:
    """Store ``boundaries`` as the new current version of its level (with crosswalk and neighbours)."""
    previous = connection.execute(
        select(BOUNDARY_VERSIONS.c.id).where(
            BOUNDARY_VERSIONS.c.level == boundaries.level, BOUNDARY_VERSIONS.c.current.is_(True)
        )
    ).scalar_one_or_none()
    connection.execute(
        update(BOUNDARY_VERSIONS).where(BOUNDARY_VERSIONS.c.level == boundaries.level).values(current=False)
    )
    version_id = connection.execute(
        insert(BOUNDARY_VERSIONS)
        .values(
            level=boundaries.level,
            source_path=boundaries.path,
            file_sha256=boundaries.sha256,
            valid_on=boundaries.valid_on,
            unit_count=len(boundaries.units),
            skipped=[dataclasses.asdict(feature) for feature in boundaries.skipped],
            repaired=boundaries.repaired,
            current=True,
            actor=actor,
            imported_at=utcnow(),
        )
        .returning(BOUNDARY_VERSIONS.c.id)
    ).scalar_one()
    points = shapely.point_on_surface([unit.geometry for unit in boundaries.units])
    insert_rows(
        connection,
        BOUNDARIES,
        (
            "version_id",
            "level",
            "pcode",
            "name",
            "parent_pcode",
            "province_pcode",
            "area_sqkm",
            "latitude",
            "longitude",
            "geometry",
        ),
        [
            (
                version_id,
                unit.level,
                unit.pcode,
                unit.name,
                unit.parent_pcode,
                unit.province_pcode,
                round(area_sqkm(unit.geometry), 2),
                float(point.y),
                float(point.x),
                shapely.to_wkb(unit.geometry),
            )
            for unit, point in zip(boundaries.units, points, strict=True)
        ],
    )
    neighbour_rows = [
        (version_id, pcode, other)
        for pcode, others in district_neighbours(boundaries.units).items()
        for other in others
    ]
    if neighbour_rows:
        insert_rows(connection, BOUNDARY_NEIGHBOURS, ("version_id", "pcode", "neighbour_pcode"), neighbour_rows)
    if previous is not None:
        old_units = _units(connection, previous)
        rows = [
            (previous, old.pcode, version_id, new.pcode, share)
            for old, new, share in _overlaps(old_units, boundaries.units)
        ]
        if rows:
            insert_rows(
                connection,
                BOUNDARY_CROSSWALK,
                ("from_version_id", "from_pcode", "to_version_id", "to_pcode", "share"),
                rows,
            )
    return _version(connection, version_id)


def _overlaps(
    old_units: Sequence[BoundaryUnit], new_units: Sequence[BoundaryUnit]
) -> list[tuple[BoundaryUnit, BoundaryUnit, float]]:
    new_geometries = np.asarray([unit.geometry for unit in new_units], dtype=object)
    tree = shapely.STRtree(new_geometries)
    found = []
    for old in old_units:
        old_area = old.geometry.area
        if old_area <= 0:
            continue
        for index in tree.query(old.geometry, predicate="intersects").tolist():
            share = shapely.intersection(old.geometry, new_geometries[index]).area / old_area
            if share >= MIN_CROSSWALK_SHARE:
                found.append((old, new_units[index], round(float(share), 4)))
    return found


def _units(connection: Connection, version_id: int) -> list[BoundaryUnit]:
    rows = connection.execute(
        select(
            BOUNDARIES.c.level,
            BOUNDARIES.c.pcode,
            BOUNDARIES.c.name,
            BOUNDARIES.c.parent_pcode,
            BOUNDARIES.c.province_pcode,
            BOUNDARIES.c.geometry,
        )
        .where(BOUNDARIES.c.version_id == version_id)
        .order_by(BOUNDARIES.c.id)
    ).all()
    geometries = shapely.from_wkb([row.geometry for row in rows])
    return [
        BoundaryUnit(row.level, row.pcode, row.name, row.parent_pcode, row.province_pcode, geometry)
        for row, geometry in zip(rows, geometries, strict=True)
    ]


def _version(connection: Connection, version_id: int) -> BoundaryVersionInfo:
    row = connection.execute(select(BOUNDARY_VERSIONS).where(BOUNDARY_VERSIONS.c.id == version_id)).one()
    return BoundaryVersionInfo(**row._asdict())


def versions(connection: Connection, *, level: Level | None = None) -> list[BoundaryVersionInfo]:
    """Every imported boundary version (of ``level``), oldest first."""
    query = select(BOUNDARY_VERSIONS).order_by(BOUNDARY_VERSIONS.c.id)
    if level is not None:
        query = query.where(BOUNDARY_VERSIONS.c.level == level)
    return [BoundaryVersionInfo(**row._asdict()) for row in connection.execute(query)]


def load_boundary_set(connection: Connection) -> BoundarySet:
    """The current version of every level (levels never imported are empty)."""
    current = {
        row.level: row.id
        for row in connection.execute(
            select(BOUNDARY_VERSIONS.c.level, BOUNDARY_VERSIONS.c.id).where(BOUNDARY_VERSIONS.c.current.is_(True))
        )
    }
    units: dict[str, list[BoundaryUnit]] = {level: [] for level in LEVELS}
    for level, version_id in current.items():
        units[level] = _units(connection, version_id)
    return BoundarySet(
        provinces=units["province"], districts=units["district"], tehsils=units["tehsil"], versions=current
    )


def neighbours(connection: Connection, *, level: Level = "district") -> dict[str, tuple[str, ...]]:
    """Contiguity of the current units of ``level``: pcode -> the pcodes it touches (sorted)."""
    version_id = connection.execute(
        select(BOUNDARY_VERSIONS.c.id).where(BOUNDARY_VERSIONS.c.level == level, BOUNDARY_VERSIONS.c.current.is_(True))
    ).scalar_one_or_none()
    if version_id is None:
        return {}
    pcodes = connection.execute(
        select(BOUNDARIES.c.pcode).where(BOUNDARIES.c.version_id == version_id).order_by(BOUNDARIES.c.pcode)
    ).scalars()
    found: dict[str, list[str]] = {pcode: [] for pcode in pcodes}
    for row in connection.execute(
        select(BOUNDARY_NEIGHBOURS.c.pcode, BOUNDARY_NEIGHBOURS.c.neighbour_pcode)
        .where(BOUNDARY_NEIGHBOURS.c.version_id == version_id)
        .order_by(BOUNDARY_NEIGHBOURS.c.pcode, BOUNDARY_NEIGHBOURS.c.neighbour_pcode)
    ):
        found[row.pcode].append(row.neighbour_pcode)
    return {pcode: tuple(others) for pcode, others in found.items()}


def crosswalk(connection: Connection, *, level: Level = "district") -> list[CrosswalkEntry]:
    """How the units of every older version of ``level`` map onto the next version's."""
    old = BOUNDARIES.alias("old")
    new = BOUNDARIES.alias("new")
    query = (
        select(
            BOUNDARY_CROSSWALK.c.from_version_id,
            BOUNDARY_CROSSWALK.c.from_pcode,
            old.c.name.label("from_name"),
            BOUNDARY_CROSSWALK.c.to_version_id,
            BOUNDARY_CROSSWALK.c.to_pcode,
            new.c.name.label("to_name"),
            BOUNDARY_CROSSWALK.c.share,
        )
        .join(BOUNDARY_VERSIONS, BOUNDARY_VERSIONS.c.id == BOUNDARY_CROSSWALK.c.from_version_id)
        .join(
            old,
            (old.c.version_id == BOUNDARY_CROSSWALK.c.from_version_id)
            & (old.c.pcode == BOUNDARY_CROSSWALK.c.from_pcode),
        )
        .join(
            new,
            (new.c.version_id == BOUNDARY_CROSSWALK.c.to_version_id) & (new.c.pcode == BOUNDARY_CROSSWALK.c.to_pcode),
        )
        .where(BOUNDARY_VERSIONS.c.level == level)
        .order_by(
            BOUNDARY_CROSSWALK.c.from_version_id, BOUNDARY_CROSSWALK.c.from_pcode, BOUNDARY_CROSSWALK.c.share.desc()
        )
    )
    return [CrosswalkEntry(**row._asdict()) for row in connection.execute(query)]


PLACE_COLUMNS = (
    "source",
    "name",
    "kind",
    "alternate_names",
    "latitude",
    "longitude",
    "province",
    "district",
    "population",
    "created_at",
)


def save_places(connection: Connection, places: Sequence[Place], *, source: str) -> None:
    """Store user places as ``source``, replacing that source's earlier ones."""
    connection.execute(delete(PLACES).where(PLACES.c.source == source))
    if not places:
        return
    now = utcnow()
    connection.execute(
        insert(PLACES),
        [
            {
                "source": source,
                "name": place.name,
                "kind": place.kind,
                "alternate_names": list(place.alternate_names),
                "latitude": place.latitude,
                "longitude": place.longitude,
                "province": place.province,
                "district": place.district,
                "population": place.population,
                "created_at": now,
            }
            for place in places
        ],
    )


def load_places(connection: Connection) -> list[Place]:
    """Every place users added, in the order they were added."""
    return [
        Place(
            name=row.name,
            kind=row.kind,
            latitude=row.latitude,
            longitude=row.longitude,
            province=row.province,
            district=row.district,
            population=row.population,
            source=row.source,
            alternate_names=tuple(row.alternate_names or ()),
        )
        for row in connection.execute(select(PLACES).order_by(PLACES.c.id))
    ]


def save_indicators(connection: Connection, indicators: IndicatorFile, *, dataset: str) -> int:
    """Store an indicator file as ``dataset`` (long form), replacing its earlier import; returns values stored."""
    connection.execute(delete(DISTRICT_INDICATORS).where(DISTRICT_INDICATORS.c.dataset == dataset))
    rows = [
        (dataset, row.row, row.province, row.district, row.pcode, row.match_note, column, row.values.get(column))
        for row in indicators.rows
        for column in indicators.columns
    ]
    if rows:
        insert_rows(
            connection,
            DISTRICT_INDICATORS,
            (
                "dataset",
                "row_number",
                "province",
                "district_name",
                "district_pcode",
                "match_note",
                "indicator",
                "value",
            ),
            rows,
        )
    return len(rows)


def load_indicators(connection: Connection, *, dataset: str) -> list[IndicatorRow]:
    """The rows of an imported indicator file, as read (see :func:`save_indicators`)."""
    found: dict[int, IndicatorRow] = {}
    for item in connection.execute(
        select(DISTRICT_INDICATORS)
        .where(DISTRICT_INDICATORS.c.dataset == dataset)
        .order_by(DISTRICT_INDICATORS.c.row_number, DISTRICT_INDICATORS.c.id)
    ):
        row = found.get(item.row_number)
        if row is None:
            row = found[item.row_number] = IndicatorRow(
                item.row_number, item.province, item.district_name, item.district_pcode, item.match_note or "", {}
            )
        row.values[item.indicator] = item.value
    return list(found.values())
