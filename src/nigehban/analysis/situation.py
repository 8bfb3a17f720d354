"""The situation picture: how many attacks, killed and wounded, by period, district and H3 cell.

What the overview, the map and the district profiles show, counted by the database (``GROUP BY``)
rather than by reading every incident into Python, so that a store of 100,000 incidents answers in
milliseconds. Every function takes a connection and an
:class:`~nigehban.store.queries.IncidentFilter` and counts active incidents only (merged-away
duplicates are left out).

Tolls the sources did not report are left out of the sums (a sum of fatalities treats a missing
toll as none); :attr:`Tally.killed_reported` says how many incidents the sum rests on.

Example:
    >>> from nigehban import Nigehban
    >>> with Nigehban(database_url="sqlite://") as app:
    ...     _ = app.init()
    ...     with app.engine.connect() as connection:
    ...         tally(connection, IncidentFilter()).incidents
    0
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import ColumnElement, Connection, case, extract, func, select

from nigehban.errors import NigehbanError
from nigehban.record import whole_number
from nigehban.store.queries import IncidentFilter, filter_conditions, newest, store_generation
from nigehban.store.schema import BOUNDARY_VERSIONS, FORECAST_RUNS, INCIDENTS

if TYPE_CHECKING:
    from nigehban.geo.boundaryset import BoundarySet

__all__ = [
    "CELL_RESOLUTIONS",
    "POLICE_TARGET",
    "Breakdown",
    "CellCounts",
    "CellTally",
    "DistrictCounts",
    "DistrictRef",
    "DistrictTally",
    "KeyedTally",
    "MonthlySeries",
    "Tally",
    "UnknownDistrict",
    "breakdown",
    "cell_tallies",
    "data_signature",
    "district_counts",
    "district_tallies",
    "find_district",
    "latest_incident_date",
    "month_labels",
    "monthly_series",
    "resolution_for_zoom",
    "tally",
]

POLICE_TARGET = "police"
"""The target type counted as an attack on police (military, FC and Levies are ``military``)."""

CELL_RESOLUTIONS = (3, 4, 5, 6, 7, 8)
"""H3 resolutions :func:`cell_tallies` answers: 5 to 8 are stored on every incident, 3 and 4 are
their parents (computed from the resolution-5 counts)."""

Breakdown = Literal["year", "target_type", "attack_type", "group", "province"]


class UnknownDistrict(NigehbanError, LookupError):
    """No district has this pcode (or name) in the current boundaries or in the incident record."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f"no district {key!r}: it is neither a district pcode of the current boundaries (e.g. PK224) "
            "nor the district of any stored incident"
        )
        self.key = key


@dataclasses.dataclass(frozen=True, slots=True)
class Tally:
    """Counts of a selection of incidents."""

    incidents: int
    killed: float
    """Victims killed (attackers excluded), summed over the incidents that report it."""
    wounded: float
    killed_reported: int
    """How many of the incidents report a death toll (the others are left out of ``killed``)."""
    police_attacks: int
    """Attacks whose target type is ``police``."""
    police_attacks_killed: float
    """Victims killed in the attacks on police."""
    first_date: dt.date | None
    last_date: dt.date | None

    def as_json_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True, slots=True)
class KeyedTally:
    """The counts of one value of a breakdown (a year, a target type, a group)."""

    key: str | int
    tally: Tally

    def as_json_dict(self) -> dict[str, Any]:
        return {"key": self.key, **self.tally.as_json_dict()}


@dataclasses.dataclass(frozen=True, slots=True)
class DistrictTally:
    """The counts of one district: by its pcode, or by its name where incidents carry no pcode."""

    pcode: str | None
    name: str | None
    province: str | None
    tally: Tally

    @property
    def key(self) -> str | None:
        """What :func:`district_tallies` and the district pages look the district up by."""
        return self.pcode or self.name

    def as_json_dict(self) -> dict[str, Any]:
        return {"pcode": self.pcode, "name": self.name, "province": self.province, **self.tally.as_json_dict()}


@dataclasses.dataclass(frozen=True, slots=True)
class CellTally:
    """The counts of one H3 cell, and its centre (latitude, longitude)."""

    cell: str
    latitude: float
    longitude: float
    incidents: int
    killed: float
    wounded: float


@dataclasses.dataclass(frozen=True, slots=True)
class CellCounts:
    """The cells of one resolution holding incidents, largest first, and the incidents in none."""

    resolution: int
    cells: list[CellTally]
    unplaced: int | None
    """Matching incidents without a cell (not drawn); ``None`` when counted within a bounding box."""

    @property
    def incidents(self) -> int:
        """The incidents in the cells (drawn on the map)."""
        return sum(cell.incidents for cell in self.cells)


@dataclasses.dataclass(frozen=True, slots=True)
class MonthlySeries:
    """Counts per calendar month, oldest first; months without incidents are zeros, not gaps."""

    months: list[str]
    """``YYYY-MM`` labels."""
    incidents: list[int]
    killed: list[float]
    police_attacks: list[int]

    def as_json_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _sum(value: Any) -> float:
    return 0 if value is None else whole_number(float(value))


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])  # SQLite returns MIN/MAX of a date as text


def _tally_columns() -> list[ColumnElement[Any]]:
    police = INCIDENTS.c.target_type == POLICE_TARGET
    return [
        func.count().label("incidents"),
        func.sum(INCIDENTS.c.killed).label("killed"),
        func.sum(INCIDENTS.c.wounded).label("wounded"),
        func.count(INCIDENTS.c.killed).label("killed_reported"),
        func.sum(case((police, 1), else_=0)).label("police_attacks"),
        func.sum(case((police, INCIDENTS.c.killed), else_=None)).label("police_attacks_killed"),
        func.min(INCIDENTS.c.date).label("first_date"),
        func.max(INCIDENTS.c.date).label("last_date"),
    ]


def _tally(row: Any) -> Tally:
    return Tally(
        incidents=int(row.incidents or 0),
        killed=_sum(row.killed),
        wounded=_sum(row.wounded),
        killed_reported=int(row.killed_reported or 0),
        police_attacks=int(row.police_attacks or 0),
        police_attacks_killed=_sum(row.police_attacks_killed),
        first_date=_date(row.first_date),
        last_date=_date(row.last_date),
    )


def tally(connection: Connection, filter: IncidentFilter) -> Tally:
    """The counts of every active incident matching ``filter`` (one query)."""
    row = connection.execute(select(*_tally_columns()).where(*filter_conditions(filter))).one()
    return _tally(row)


def data_signature(connection: Connection) -> tuple[Any, ...]:
    """What changes whenever a count here could: the store's generation
    (:func:`~nigehban.store.queries.store_generation`), the newest forecast run and boundary version."""
    return store_generation(connection, newest(FORECAST_RUNS.c.id), newest(BOUNDARY_VERSIONS.c.id))


def latest_incident_date(connection: Connection) -> dt.date | None:
    """The date of the newest active incident (``None`` for an empty store)."""
    value = connection.execute(
        select(func.max(INCIDENTS.c.date)).where(INCIDENTS.c.merged_into_id.is_(None))
    ).scalar_one_or_none()
    return _date(value)


def month_labels(end: dt.date, months: int) -> list[str]:
    """The ``months`` calendar months ending with the one containing ``end``, oldest first.

    >>> month_labels(dt.date(2024, 2, 10), 3)
    ['2023-12', '2024-01', '2024-02']
    """
    index = end.year * 12 + end.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1)]


def monthly_series(connection: Connection, filter: IncidentFilter, *, end: dt.date, months: int = 24) -> MonthlySeries:
    """Incidents, killed and attacks on police in each of the ``months`` calendar months ending with
    ``end``'s month (the filter's own dates narrow it further)."""
    if months < 1:
        raise ValueError("months must be at least 1")
    labels = month_labels(end, months)
    first = dt.date(int(labels[0][:4]), int(labels[0][5:]), 1)
    next_month = dt.date(end.year + end.month // 12, end.month % 12 + 1, 1)
    year = extract("year", INCIDENTS.c.date)
    month = extract("month", INCIDENTS.c.date)
    police = INCIDENTS.c.target_type == POLICE_TARGET
    rows = connection.execute(
        select(
            year.label("year"),
            month.label("month"),
            func.count().label("incidents"),
            func.sum(INCIDENTS.c.killed).label("killed"),
            func.sum(case((police, 1), else_=0)).label("police_attacks"),
        )
        .where(*filter_conditions(filter), INCIDENTS.c.date >= first, INCIDENTS.c.date < next_month)
        .group_by(year, month)
    ).all()
    found = {f"{int(row.year):04d}-{int(row.month):02d}": row for row in rows}
    return MonthlySeries(
        months=labels,
        incidents=[int(found[label].incidents) if label in found else 0 for label in labels],
        killed=[_sum(found[label].killed) if label in found else 0 for label in labels],
        police_attacks=[int(found[label].police_attacks) if label in found else 0 for label in labels],
    )


def _breakdown_key(by: Breakdown) -> ColumnElement[Any]:
    if by == "year":
        return extract("year", INCIDENTS.c.date)
    column = {"target_type": "target_type", "attack_type": "attack_type", "group": "perpetrator"}.get(by, by)
    return INCIDENTS.c[column]


def breakdown(connection: Connection, filter: IncidentFilter, *, by: Breakdown) -> list[KeyedTally]:
    """The counts of each year, target type, attack type, group or province (largest first; years in order).

    Incidents without a province are left out of the province breakdown.
    """
    key = _breakdown_key(by)
    rows = connection.execute(
        select(key.label("key"), *_tally_columns()).where(*filter_conditions(filter), key.is_not(None)).group_by(key)
    ).all()
    found = [KeyedTally(int(row.key) if by == "year" else str(row.key), _tally(row)) for row in rows]
    if by == "year":
        return sorted(found, key=lambda item: item.key)
    return sorted(found, key=lambda item: (-item.tally.incidents, str(item.key)))


def district_tallies(
    connection: Connection, filter: IncidentFilter, *, limit: int | None = None
) -> list[DistrictTally]:
    """The counts of each district, most incidents first.

    Incidents are counted by ``district_pcode``; those without one but with a district name (a store
    without boundaries, such as the demo world before ``geo import-boundaries``) by that name.
    Incidents with neither are left out.
    """
    pcode = INCIDENTS.c.district_pcode
    name_key = case((pcode.is_(None), INCIDENTS.c.district))  # no ELSE: NULL where a pcode is known
    columns = _tally_columns()
    incidents = columns[0]
    query = (
        select(
            pcode.label("pcode"),
            name_key.label("name_key"),
            func.max(INCIDENTS.c.district).label("name"),
            func.max(INCIDENTS.c.province).label("province"),
            *columns,
        )
        .where(*filter_conditions(filter), (pcode.is_not(None)) | (INCIDENTS.c.district.is_not(None)))
        .group_by(pcode, name_key)
        .order_by(incidents.desc(), pcode, name_key)
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        DistrictTally(pcode=row.pcode, name=row.name, province=row.province, tally=_tally(row))
        for row in connection.execute(query)
    ]


@dataclasses.dataclass(frozen=True, slots=True)
class DistrictRef:
    """A district as the pages name it: by pcode where known, else by the name incidents give it."""

    key: str
    """What the district is looked up by (its pcode, or its name)."""
    pcode: str | None
    name: str
    province: str | None
    in_boundaries: bool
    """Whether the current district boundaries hold it (only then can it be drawn)."""

    @property
    def filter_value(self) -> str:
        """The value of :attr:`IncidentFilter.district` that selects its incidents."""
        return self.pcode or self.name


def find_district(connection: Connection, key: str, *, boundaries: BoundarySet) -> DistrictRef:
    """The district ``key`` names: a pcode of the current boundaries, the name of one of them (where
    only one has it), a pcode incidents carry (from older boundaries), or the name incidents give a
    district in a store without boundaries.

    Raises :class:`UnknownDistrict` when it is none of these.
    """
    key = key.strip()
    unit = boundaries.unit("district", key) if key else None
    if unit is not None:
        province_unit = boundaries.unit("province", unit.province_pcode) if unit.province_pcode else None
        province = province_unit.name if province_unit is not None else None
        if province is None:
            province = connection.execute(
                select(func.max(INCIDENTS.c.province)).where(INCIDENTS.c.district_pcode == key)
            ).scalar_one_or_none()
        return DistrictRef(key=key, pcode=key, name=unit.name, province=province, in_boundaries=True)
    named = [unit for unit in boundaries.units("district") if key and unit.name.casefold() == key.casefold()]
    if len(named) == 1:
        return find_district(connection, named[0].pcode, boundaries=boundaries)
    active = INCIDENTS.c.merged_into_id.is_(None)
    if key:
        row = connection.execute(
            select(func.max(INCIDENTS.c.district).label("name"), func.max(INCIDENTS.c.province).label("province"))
            .where(active, INCIDENTS.c.district_pcode == key)
            .having(func.count() > 0)
        ).first()
        if row is not None:
            return DistrictRef(key=key, pcode=key, name=row.name or key, province=row.province, in_boundaries=False)
        row = connection.execute(
            select(func.max(INCIDENTS.c.district).label("name"), func.max(INCIDENTS.c.province).label("province"))
            .where(active, func.lower(INCIDENTS.c.district) == key.lower())
            .having(func.count() > 0)
        ).first()
        if row is not None:
            return DistrictRef(key=key, pcode=None, name=row.name, province=row.province, in_boundaries=False)
    raise UnknownDistrict(key)


@dataclasses.dataclass(frozen=True, slots=True)
class DistrictCounts:
    """What a choropleth needs of one district: incidents, killed, wounded, attacks on police."""

    incidents: int
    killed: float
    wounded: float
    police_attacks: int


def district_counts(connection: Connection, filter: IncidentFilter) -> dict[str, DistrictCounts]:
    """The counts of each ``district_pcode`` among the incidents matching ``filter`` (those without a
    pcode are left out): one ``GROUP BY`` on the pcode alone, lighter than :func:`district_tallies`."""
    pcode = INCIDENTS.c.district_pcode
    rows = connection.execute(
        select(
            pcode.label("pcode"),
            func.count().label("incidents"),
            func.sum(INCIDENTS.c.killed).label("killed"),
            func.sum(INCIDENTS.c.wounded).label("wounded"),
            func.sum(case((INCIDENTS.c.target_type == POLICE_TARGET, 1), else_=0)).label("police_attacks"),
        )
        .where(*filter_conditions(filter), pcode.is_not(None))
        .group_by(pcode)
    )
    return {
        str(row.pcode): DistrictCounts(
            incidents=int(row.incidents),
            killed=_sum(row.killed),
            wounded=_sum(row.wounded),
            police_attacks=int(row.police_attacks or 0),
        )
        for row in rows
    }


def resolution_for_zoom(zoom: int) -> int:
    """The H3 resolution whose cells make circles of a useful size on a web map at ``zoom``.

    Leaflet's zoom 6 shows Pakistan whole (about 2.4 km a pixel): resolution-4 cells (about 45 km
    across) are circles of some 20 pixels there; each two zoom levels more take one resolution finer.

    >>> [resolution_for_zoom(zoom) for zoom in (3, 6, 8, 10, 12, 15)]
    [3, 4, 5, 6, 7, 8]
    """
    if zoom <= 5:
        return 3
    if zoom >= 13:
        return 8
    return 4 + (zoom - 6 + 1) // 2


def cell_tallies(
    connection: Connection,
    filter: IncidentFilter,
    *,
    resolution: int,
    bbox: Sequence[float] | None = None,
) -> CellCounts:
    """The counts of each H3 cell of ``resolution`` (3 to 8) holding incidents matching ``filter``.

    Counted by ``GROUP BY`` on the stored cell column (``h3_res5`` to ``h3_res8``); resolutions 3 and
    4 merge the resolution-5 counts into their parents. ``bbox`` (west, south, east, north, degrees)
    keeps the incidents inside it. Incidents without a cell (no coordinates, or only a province's or
    the country's centre) are not drawn; without ``bbox`` the same query counts them
    (:attr:`CellCounts.unplaced`).
    """
    import h3  # type: ignore[import-untyped]

    if resolution not in CELL_RESOLUTIONS:
        raise ValueError(f"H3 resolution must be one of {CELL_RESOLUTIONS}, not {resolution}")
    stored = max(resolution, 5)
    cell = INCIDENTS.c[f"h3_res{stored}"]
    conditions = filter_conditions(filter)
    if bbox is not None:
        west, south, east, north = bbox
        conditions += [
            cell.is_not(None),
            INCIDENTS.c.longitude >= west,
            INCIDENTS.c.longitude <= east,
            INCIDENTS.c.latitude >= south,
            INCIDENTS.c.latitude <= north,
        ]
    rows = connection.execute(
        select(
            cell.label("cell"),
            func.count().label("incidents"),
            func.sum(INCIDENTS.c.killed).label("killed"),
            func.sum(INCIDENTS.c.wounded).label("wounded"),
        )
        .where(*conditions)
        .group_by(cell)
    ).all()
    # the groups (a few thousand at most), not the incidents, are what Python loops over
    merged: dict[str, list[float]] = {}
    unplaced = 0
    for row in rows:
        if row.cell is None:
            unplaced = int(row.incidents)
            continue
        key = row.cell if resolution == stored else h3.cell_to_parent(row.cell, resolution)
        counts = merged.setdefault(key, [0, 0.0, 0.0])
        counts[0] += int(row.incidents)
        counts[1] += float(row.killed or 0)
        counts[2] += float(row.wounded or 0)
    cells = []
    for key, (incidents, killed, wounded) in merged.items():
        latitude, longitude = h3.cell_to_latlng(key)
        cells.append(
            CellTally(
                cell=key,
                latitude=round(latitude, 5),
                longitude=round(longitude, 5),
                incidents=int(incidents),
                killed=whole_number(round(killed, 6)),
                wounded=whole_number(round(wounded, 6)),
            )
        )
    cells.sort(key=lambda item: (-item.incidents, item.cell))
    return CellCounts(resolution=resolution, cells=cells, unplaced=None if bbox is not None else unplaced)
