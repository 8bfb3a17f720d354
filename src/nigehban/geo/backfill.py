"""Backfill: give the incidents already in the store their geography again.

After boundaries (or places) are imported, every source record's place — as its source reported it,
kept with the record — is resolved again, the source record's mapped record is updated, and so are
the fields of its incident that still hold what the source said before. An analyst's correction, or
a value a merge brought, stays (counted as kept). Every change goes to the change log, as
``geo-backfill``; running it twice changes nothing the second time.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import Engine, bindparam, func, select, update

from nigehban.geo.apply import locate_records, place_query, query_from_json, query_to_json
from nigehban.geo.resolution import PlaceQuery
from nigehban.geo.resolver import Resolver
from nigehban.ingest.rowreader import record_json
from nigehban.ingest.writer import incident_changes
from nigehban.record import IncidentRecord
from nigehban.store.changelog import ChangeLogWriter
from nigehban.store.schema import INCIDENTS, SOURCES, utcnow

__all__ = ["BackfillReport", "backfill"]


@dataclasses.dataclass(slots=True)
class BackfillReport:
    """What a backfill did."""

    source_records: int = 0
    """Source records looked at."""
    records_changed: int = 0
    """Source records whose mapped geography changed."""
    incidents_changed: int = 0
    """Incidents with at least one field changed."""
    kept: int = 0
    """Fields left as they were because an analyst or a merge had changed them."""
    with_district: int = 0
    """Source records resolved to a district."""
    flagged: int = 0
    """Source records with a geography flag (a contradiction or a repair to look at)."""
    seconds: float = 0.0


def backfill(
    engine: Engine,
    resolver: Resolver,
    *,
    actor: str,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> BackfillReport:
    """Resolve every source record's place again (see the module docstring). One transaction per batch."""
    started = time.perf_counter()
    report = BackfillReport()
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(SOURCES)).scalar_one()
    last_id = 0
    while True:
        with engine.begin() as connection:
            rows = connection.execute(
                select(SOURCES.c.id, SOURCES.c.record, SOURCES.c.place_query, SOURCES.c.incident_id)
                .where(SOURCES.c.id > last_id)
                .order_by(SOURCES.c.id)
                .limit(batch_size)
            ).all()
            if not rows:
                break
            last_id = rows[-1].id
            _backfill_rows(connection, rows, resolver, actor, report)
        if progress is not None:
            progress(report.source_records, total)
    report.seconds = time.perf_counter() - started
    return report


def _backfill_rows(
    connection: Any, rows: Sequence[Any], resolver: Resolver, actor: str, report: BackfillReport
) -> None:
    old_records = [IncidentRecord.from_json_dict(orjson.loads(row.record)) for row in rows]
    queries: list[PlaceQuery] = []
    precisions: list[str | None] = []
    for row, record in zip(rows, old_records, strict=True):
        if row.place_query is not None:
            query, precision = query_from_json(row.place_query)
        else:  # stored before the geography layer: the mapped record is all there is
            query, precision = place_query(record), record.geo_precision
        queries.append(query)
        precisions.append(precision)
    new_records = locate_records(old_records, queries, resolver=resolver, precisions=precisions)
    incidents = {
        incident.id: incident._mapping
        for incident in connection.execute(
            select(INCIDENTS).where(INCIDENTS.c.id.in_(bindparam("ids", expanding=True))),
            {"ids": sorted({row.incident_id for row in rows})},
        )
    }
    log = ChangeLogWriter(connection, actor=actor)
    now = utcnow()
    for row, old, new, query, precision in zip(rows, old_records, new_records, queries, precisions, strict=True):
        report.source_records += 1
        report.with_district += new.district_pcode is not None
        report.flagged += new.geo_flags is not None
        old_values, new_values = old.as_dict(), new.as_dict()
        if old_values == new_values and row.place_query is not None:
            continue
        connection.execute(
            update(SOURCES)
            .where(SOURCES.c.id == row.id)
            .values(record=record_json(new), place_query=query_to_json(query, precision), updated_at=now)
        )
        if old_values == new_values:
            continue
        report.records_changed += 1
        incident = incidents[row.incident_id]
        before, after, kept = incident_changes(incident, old_values, new_values)
        report.kept += kept
        if after:
            connection.execute(
                update(INCIDENTS).where(INCIDENTS.c.id == row.incident_id).values(**after, updated_at=now)
            )
            log.add("incident", row.incident_id, "geo-backfill", before=before, after=after)
            report.incidents_changed += 1
            incidents[row.incident_id] = {**incident, **after}
    log.flush()
