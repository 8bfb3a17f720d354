"""Reading incidents, their sources and history; an analyst's edits; summaries of the store."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, ScalarSelect, and_, bindparam, exists, func, select, update

from nigehban.errors import IncidentNotFound, InvalidFieldValue
from nigehban.record import RECORD_FIELDS, IncidentRecord, coerce_field, whole_number
from nigehban.store.changelog import ChangeLogWriter, history, jsonable
from nigehban.store.payloads import batch_headers, payload_cells
from nigehban.store.schema import BATCHES, INCIDENTS, MERGES, SOURCES, utcnow
from nigehban.taxonomy import ATTACK_TYPES, TARGET_TYPES, canonical_group, canonical_province

__all__ = [
    "INCIDENT_SORTS",
    "BatchInfo",
    "Incident",
    "IncidentFilter",
    "IncidentPage",
    "SourceInfo",
    "StoreSummary",
    "count_incidents",
    "filter_conditions",
    "find_incidents",
    "get_incident",
    "list_batches",
    "newest",
    "page_incidents",
    "sources_of",
    "store_generation",
    "store_summary",
    "update_incident",
]


@dataclasses.dataclass(frozen=True)
class IncidentFilter:
    """Which incidents to list or export. Every given criterion must hold.

    ``province`` and ``group`` accept any spelling the taxonomy knows ("NWFP", "TTP");
    ``district`` matches the district name or pcode; ``dataset`` keeps incidents with at least one
    source record from that dataset.

    >>> IncidentFilter(group="TTP", since=dt.date(2012, 1, 1)).group
    'Tehrik-i-Taliban Pakistan'
    """

    since: dt.date | None = None
    until: dt.date | None = None
    province: str | None = None
    district: str | None = None
    group: str | None = None
    target_type: str | None = None
    attack_type: str | None = None
    dataset: str | None = None
    suicide: bool | None = None
    text: str | None = None
    """Words that must each appear (any case) in the place, the summary or the target's description."""

    def __post_init__(self) -> None:
        if self.province is not None:
            try:
                object.__setattr__(self, "province", canonical_province(self.province))
            except KeyError:
                raise InvalidFieldValue("province", self.province, "not a province or territory of Pakistan") from None
        if self.group is not None:
            object.__setattr__(self, "group", canonical_group(self.group))
        if self.target_type is not None and self.target_type not in TARGET_TYPES:
            raise InvalidFieldValue("target_type", self.target_type, f"not one of: {', '.join(TARGET_TYPES)}")
        if self.attack_type is not None and self.attack_type not in ATTACK_TYPES:
            raise InvalidFieldValue("attack_type", self.attack_type, f"not one of: {', '.join(ATTACK_TYPES)}")
        if self.since and self.until and self.since > self.until:
            raise InvalidFieldValue("since", self.since, f"is after until ({self.until})")


def filter_conditions(filter: IncidentFilter) -> list[ColumnElement[bool]]:
    """SQL conditions on ``incidents`` for a filter (active incidents only)."""
    conditions: list[ColumnElement[bool]] = [INCIDENTS.c.merged_into_id.is_(None)]
    if filter.since is not None:
        conditions.append(INCIDENTS.c.date >= filter.since)
    if filter.until is not None:
        conditions.append(INCIDENTS.c.date <= filter.until)
    if filter.province is not None:
        conditions.append(INCIDENTS.c.province == filter.province)
    if filter.district is not None:
        conditions.append(
            (INCIDENTS.c.district_pcode == filter.district)
            | (func.lower(INCIDENTS.c.district) == filter.district.lower())
        )
    if filter.group is not None:
        conditions.append(INCIDENTS.c.perpetrator == filter.group)
    if filter.target_type is not None:
        conditions.append(INCIDENTS.c.target_type == filter.target_type)
    if filter.attack_type is not None:
        conditions.append(INCIDENTS.c.attack_type == filter.attack_type)
    if filter.suicide is not None:
        conditions.append(INCIDENTS.c.suicide.is_(filter.suicide))
    if filter.dataset is not None:
        conditions.append(
            exists().where(and_(SOURCES.c.incident_id == INCIDENTS.c.id, SOURCES.c.dataset == filter.dataset))
        )
    for word in (filter.text or "").split():
        pattern = "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            func.lower(INCIDENTS.c.place).like(pattern, escape="\\")
            | func.lower(INCIDENTS.c.summary).like(pattern, escape="\\")
            | func.lower(INCIDENTS.c.target_detail).like(pattern, escape="\\")
        )
    return conditions


@dataclasses.dataclass(frozen=True)
class SourceInfo:
    """One source record behind an incident."""

    id: int
    dataset: str
    key: str
    content_hash: str
    first_batch_id: int
    last_batch_id: int
    payload: dict[str, str]
    """The row's non-empty cells as read, by column name."""

    @property
    def label(self) -> str:
        return f"{self.dataset}:{self.key}"


@dataclasses.dataclass
class Incident:
    """An incident: its id, canonical fields and sources; :meth:`nigehban.Nigehban.incident` adds the rest."""

    id: int
    record: IncidentRecord
    sources: list[str]
    merged_into: int | None = None
    source_records: list[SourceInfo] = dataclasses.field(default_factory=list)
    merges: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    history: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def as_json_dict(self, *, detail: bool = False) -> dict[str, Any]:
        values: dict[str, Any] = {"id": self.id, **self.record.as_json_dict(), "sources": self.sources}
        if detail:
            values["merged_into"] = self.merged_into
            values["source_records"] = [
                {**dataclasses.asdict(source), "label": source.label} for source in self.source_records
            ]
            values["merges"] = self.merges
            values["history"] = self.history
        return values


def _record(row: Any) -> IncidentRecord:
    mapping = row._mapping
    return IncidentRecord(**{name: mapping[name] for name in RECORD_FIELDS})


def sources_of(connection: Connection, incident_ids: Sequence[int]) -> dict[int, list[str]]:
    """``dataset:key`` of every source record of the given incidents."""
    found: dict[int, list[str]] = {incident_id: [] for incident_id in incident_ids}
    for start in range(0, len(incident_ids), 5000):
        rows = connection.execute(
            select(SOURCES.c.incident_id, SOURCES.c.dataset, SOURCES.c.key)
            .where(SOURCES.c.incident_id.in_(bindparam("ids", expanding=True)))
            .order_by(SOURCES.c.incident_id, SOURCES.c.id),
            {"ids": list(incident_ids[start : start + 5000])},
        )
        for incident_id, dataset, key in rows:
            found[incident_id].append(f"{dataset}:{key}")
    return found


def find_incidents(connection: Connection, filter: IncidentFilter, *, limit: int | None = None) -> list[Incident]:
    query = select(INCIDENTS).where(*filter_conditions(filter)).order_by(INCIDENTS.c.date, INCIDENTS.c.id)
    if limit is not None:
        query = query.limit(limit)
    rows = connection.execute(query).all()
    sources = sources_of(connection, [row.id for row in rows])
    return [Incident(id=row.id, record=_record(row), sources=sources[row.id]) for row in rows]


INCIDENT_SORTS = {
    "date": (INCIDENTS.c.date, INCIDENTS.c.id),
    "killed": (INCIDENTS.c.killed, INCIDENTS.c.id),
    "wounded": (INCIDENTS.c.wounded, INCIDENTS.c.id),
    "id": (INCIDENTS.c.id,),
}
"""Orders a page of incidents can be sorted by (``-`` in front for descending)."""


@dataclasses.dataclass(frozen=True, slots=True)
class IncidentPage:
    """One page of a filtered, sorted list of incidents, and how many match in all."""

    items: list[Incident]
    total: int
    page: int
    per_page: int
    sort: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def newest(column: ColumnElement[Any]) -> ScalarSelect[Any]:
    """``max(column)`` as a scalar subquery (with an index, or a primary key, a single seek)."""
    return select(func.max(column)).scalar_subquery()


def store_generation(connection: Connection, *also: ScalarSelect[Any] | ColumnElement[Any]) -> tuple[Any, ...]:
    """A value that changes whenever incidents are added, changed, merged or get a new source record,
    followed by the values of ``also`` (what else a cache depends on: forecast runs, boundaries, ...).

    New incidents and source records add rows, and every later write to an incident (a corrected
    source row, a merge, an undo, an edit, a backfill) sets its ``updated_at``; the newest of each is
    one index seek. Other writes (an audit answered, a user signed in) leave it alone, so results
    cached under one generation stay right, and are kept, until the record itself changes.

    >>> from sqlalchemy import create_engine
    >>> from nigehban.store.schema import BOUNDARY_VERSIONS, Base
    >>> engine = create_engine("sqlite://")
    >>> Base.metadata.create_all(engine)
    >>> with engine.connect() as connection:
    ...     store_generation(connection, newest(BOUNDARY_VERSIONS.c.id))
    (None, None, None, None)
    """
    row = connection.execute(
        select(newest(INCIDENTS.c.id), newest(INCIDENTS.c.updated_at), newest(SOURCES.c.id), *also)
    ).one()
    return tuple(row)


def count_incidents(connection: Connection, filter: IncidentFilter) -> int:
    """How many active incidents match ``filter``."""
    query = select(func.count()).select_from(INCIDENTS).where(*filter_conditions(filter))
    return int(connection.execute(query).scalar_one())


def page_incidents(
    connection: Connection,
    filter: IncidentFilter,
    *,
    sort: str = "-date",
    page: int = 1,
    per_page: int = 50,
    total: int | None = None,
) -> IncidentPage:
    """Page ``page`` (from 1) of the incidents matching ``filter``, sorted by ``sort`` (see INCIDENT_SORTS).

    ``total``, if the caller knows it (a cached count), saves counting again. The page's ids are
    found first (from the indexes alone where the sort allows), then only those rows are read.
    """
    key = sort.removeprefix("-")
    if key not in INCIDENT_SORTS:
        raise InvalidFieldValue("sort", sort, f"sort by one of {', '.join(INCIDENT_SORTS)} (a leading '-' reverses)")
    if page < 1 or per_page < 1:
        raise InvalidFieldValue("page", page, "pages and page sizes start at 1")
    columns = INCIDENT_SORTS[key]
    # an unknown toll sorts last either way (and the same on SQLite and PostgreSQL)
    if sort.startswith("-"):
        order = [column.desc().nulls_last() for column in columns]
    else:
        order = [column.asc().nulls_last() for column in columns]
    conditions = filter_conditions(filter)
    if total is None:
        total = count_incidents(connection, filter)
    ids = list(
        connection.execute(
            select(INCIDENTS.c.id).where(*conditions).order_by(*order).limit(per_page).offset((page - 1) * per_page)
        ).scalars()
    )
    rows = {row.id: row for row in connection.execute(select(INCIDENTS).where(INCIDENTS.c.id.in_(ids))).all()}
    sources = sources_of(connection, ids)
    items = [Incident(id=id, record=_record(rows[id]), sources=sources[id]) for id in ids]
    return IncidentPage(items=items, total=total, page=page, per_page=per_page, sort=sort)


def get_incident(connection: Connection, incident_id: int) -> Incident:
    row = connection.execute(select(INCIDENTS).where(INCIDENTS.c.id == incident_id)).first()
    if row is None:
        raise IncidentNotFound(incident_id)
    source_rows = connection.execute(
        select(SOURCES).where(SOURCES.c.incident_id == incident_id).order_by(SOURCES.c.id)
    ).all()
    headers = batch_headers(connection, {source.last_batch_id for source in source_rows})
    source_records = [
        SourceInfo(
            id=source.id,
            dataset=source.dataset,
            key=source.key,
            content_hash=source.content_hash,
            first_batch_id=source.first_batch_id,
            last_batch_id=source.last_batch_id,
            payload=payload_cells(headers[source.last_batch_id], source.payload),
        )
        for source in source_rows
    ]
    merges = connection.execute(
        select(MERGES)
        .where((MERGES.c.kept_incident_id == incident_id) | (MERGES.c.merged_incident_id == incident_id))
        .order_by(MERGES.c.id)
    ).all()
    return Incident(
        id=row.id,
        record=_record(row),
        sources=[source.label for source in source_records],
        merged_into=row.merged_into_id,
        source_records=source_records,
        merges=[
            {
                "id": merge.id,
                "kept_incident_id": merge.kept_incident_id,
                "merged_incident_id": merge.merged_incident_id,
                "score": merge.score,
                "method": merge.method,
                "created_at": merge.created_at.isoformat(),
                "undone_at": merge.undone_at.isoformat() if merge.undone_at else None,
            }
            for merge in merges
        ],
        history=history(connection, "incident", incident_id),
    )


def update_incident(
    connection: Connection, incident_id: int, changes: dict[str, Any], *, actor: str, note: str | None = None
) -> dict[str, Any]:
    """Apply an analyst's changes to canonical fields; returns the fields that changed (after)."""
    row = connection.execute(select(INCIDENTS).where(INCIDENTS.c.id == incident_id)).first()
    if row is None:
        raise IncidentNotFound(incident_id)
    current = _record(row)
    coerced = {name: coerce_field(name, value) for name, value in changes.items()}
    if "province" in coerced and coerced["province"] is not None:
        try:
            coerced["province"] = canonical_province(coerced["province"])
        except KeyError:
            raise InvalidFieldValue(
                "province", coerced["province"], "not a province or territory of Pakistan"
            ) from None
    if "perpetrator" in coerced:
        coerced["perpetrator"] = canonical_group(coerced["perpetrator"])
    updated = dataclasses.replace(current, **coerced)
    updated.validate()
    before = {name: getattr(current, name) for name in coerced if getattr(current, name) != coerced[name]}
    after = {name: coerced[name] for name in before}
    if after:
        connection.execute(update(INCIDENTS).where(INCIDENTS.c.id == incident_id).values(**after, updated_at=utcnow()))
        log = ChangeLogWriter(connection, actor=actor)
        log.add("incident", incident_id, "edit", before=before, after=after, note=note)
        log.flush()
    return jsonable(after)  # type: ignore[no-any-return]


@dataclasses.dataclass
class StoreSummary:
    """What the store holds."""

    incidents: int
    merged_away: int
    source_records: dict[str, int]
    first_date: dt.date | None
    last_date: dt.date | None
    by_province: dict[str, int]
    by_year: dict[int, int]
    by_target: dict[str, int]
    killed: float
    wounded: float
    merges: int
    batches: int

    def as_json_dict(self) -> dict[str, Any]:
        return jsonable(dataclasses.asdict(self))  # type: ignore[no-any-return]


def _counted(rows: Iterable[tuple[Any, int]]) -> dict[Any, int]:
    counter: Counter[Any] = Counter()
    for key, count in rows:
        counter[key if key is not None else "(none)"] += count
    return dict(counter.most_common())


def store_summary(connection: Connection) -> StoreSummary:
    active = INCIDENTS.c.merged_into_id.is_(None)
    totals = connection.execute(
        select(
            func.count(),
            func.min(INCIDENTS.c.date),
            func.max(INCIDENTS.c.date),
            func.coalesce(func.sum(INCIDENTS.c.killed), 0),
            func.coalesce(func.sum(INCIDENTS.c.wounded), 0),
        ).where(active)
    ).one()
    merged_away = connection.execute(select(func.count()).where(INCIDENTS.c.merged_into_id.is_not(None))).scalar_one()
    year = func.extract("year", INCIDENTS.c.date)
    by_year = {
        int(key): count
        for key, count in connection.execute(select(year, func.count()).where(active).group_by(year).order_by(year))
    }
    return StoreSummary(
        incidents=totals[0],
        merged_away=merged_away,
        source_records=_counted(
            connection.execute(select(SOURCES.c.dataset, func.count()).group_by(SOURCES.c.dataset))
        ),
        first_date=totals[1],
        last_date=totals[2],
        by_province=_counted(
            connection.execute(select(INCIDENTS.c.province, func.count()).where(active).group_by(INCIDENTS.c.province))
        ),
        by_year=by_year,
        by_target=_counted(
            connection.execute(
                select(INCIDENTS.c.target_type, func.count()).where(active).group_by(INCIDENTS.c.target_type)
            )
        ),
        killed=whole_number(totals[3]),
        wounded=whole_number(totals[4]),
        merges=connection.execute(select(func.count()).where(MERGES.c.undone_at.is_(None))).scalar_one(),
        batches=connection.execute(select(func.count()).select_from(BATCHES)).scalar_one(),
    )


@dataclasses.dataclass(frozen=True)
class BatchInfo:
    """One import run."""

    id: int
    dataset: str
    importer: str
    source_path: str
    status: str
    actor: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    rows_read: int
    rows_inserted: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int
    rows_skipped: int
    message: str | None


def list_batches(connection: Connection, *, dataset: str | None = None) -> list[BatchInfo]:
    query = select(*(BATCHES.c[field.name] for field in dataclasses.fields(BatchInfo))).order_by(BATCHES.c.id.desc())
    if dataset is not None:
        query = query.where(BATCHES.c.dataset == dataset)
    return [BatchInfo(**row._mapping) for row in connection.execute(query)]
