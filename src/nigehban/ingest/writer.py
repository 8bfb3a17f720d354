"""Writing side of an import: chunks of prepared rows → source records, incidents, change log.

Each chunk is written in the caller's transaction. New rows become a source record and an
incident each; rows whose key the dataset already has are compared with what was stored (the raw
payload's hash and the mapped record): unchanged rows are left alone, changed rows update their
source record and the fields of their incident that the change touches — unless an analyst or a
merge changed that field since, in which case their value stays and a conflict is counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, func, insert, select, text, update

from nigehban.ingest.rejects import RejectsFile
from nigehban.ingest.rowreader import Chunk, PreparedRow
from nigehban.record import RECORD_FIELDS, IncidentRecord
from nigehban.store.bulk import insert_rows
from nigehban.store.changelog import ChangeLogWriter
from nigehban.store.payloads import batch_headers, payload_cells
from nigehban.store.schema import BATCHES, INCIDENTS, REJECTS, SOURCES, utcnow

__all__ = ["ChunkWriter", "WriteCounts", "incident_changes"]

INCIDENT_COLUMNS = ("id", *RECORD_FIELDS, "created_at", "updated_at")
SOURCE_COLUMNS = (
    "dataset",
    "key",
    "payload",
    "content_hash",
    "record",
    "place_query",
    "incident_id",
    "first_batch_id",
    "last_batch_id",
    "created_at",
    "updated_at",
)


class WriteCounts:
    """What the writer did, row by row."""

    def __init__(self) -> None:
        self.inserted = 0
        self.updated = 0
        self.unchanged = 0
        self.conflicts = 0


class ChunkWriter:
    """Writes the chunks of one import batch.

    Args:
        dataset: the dataset the source records belong to.
        batch_id: the import batch.
        columns: the file's header (the payloads' column names).
        actor: who is recorded in the change log.
        new_dataset: the dataset had no source records when the import started, so every row is
            new and the look-up of existing keys can be skipped.
        rejects_file: where refused rows are also written, if anywhere.
    """

    def __init__(
        self,
        *,
        dataset: str,
        batch_id: int,
        columns: Sequence[str],
        actor: str,
        new_dataset: bool,
        rejects_file: RejectsFile | None,
    ) -> None:
        self.dataset = dataset
        self.batch_id = batch_id
        self.columns = list(columns)
        self.actor = actor
        self.new_dataset = new_dataset
        self.rejects_file = rejects_file
        self.counts = WriteCounts()

    def write(self, connection: Connection, chunk: Chunk) -> None:
        # Write first: on SQLite this takes the write lock before anything is read, so that the
        # incident ids allocated below cannot be taken by another writer meanwhile.
        connection.execute(update(BATCHES).where(BATCHES.c.id == self.batch_id).values(status="running"))
        if chunk.refused:
            connection.execute(
                insert(REJECTS),
                [
                    {
                        "batch_id": self.batch_id,
                        "row_number": refused.reject.row,
                        "column": refused.reject.column,
                        "reason": refused.reject.reason,
                        "kind": refused.reject.kind,
                        "payload": orjson.dumps(dict(zip(self.columns, refused.cells, strict=False))).decode(),
                    }
                    for refused in chunk.refused
                ],
            )
            if self.rejects_file is not None:
                for refused in chunk.refused:
                    self.rejects_file.write(refused.cells, refused.reject)
        if not chunk.rows:
            return
        if self.new_dataset:  # nothing to compare with: skip a look-up per row
            self._insert(connection, chunk.rows)
            return
        existing = {
            row.key: row
            for row in connection.execute(
                select(
                    SOURCES.c.id,
                    SOURCES.c.key,
                    SOURCES.c.content_hash,
                    SOURCES.c.record,
                    SOURCES.c.incident_id,
                    SOURCES.c.last_batch_id,
                ).where(SOURCES.c.dataset == self.dataset, SOURCES.c.key.in_(bindparam("keys", expanding=True))),
                {"keys": [row.key for row in chunk.rows]},
            )
        }
        new = [row for row in chunk.rows if row.key not in existing]
        changed = []
        for row in chunk.rows:
            old = existing.get(row.key)
            if old is None:
                continue
            if old.content_hash == row.content_hash and old.record == row.record_json:
                self.counts.unchanged += 1
            else:
                changed.append((row, old))
        if new:
            self._insert(connection, new)
        if changed:
            self._update(connection, changed)

    def _insert(self, connection: Connection, rows: list[PreparedRow]) -> None:
        now = utcnow()
        incident_ids = _allocate_incident_ids(connection, len(rows))
        insert_rows(
            connection,
            INCIDENTS,
            INCIDENT_COLUMNS,
            [(incident_id, *row.values, now, now) for row, incident_id in zip(rows, incident_ids, strict=True)],
        )
        batch = self.batch_id
        insert_rows(
            connection,
            SOURCES,
            SOURCE_COLUMNS,
            [
                (
                    self.dataset,
                    row.key,
                    row.payload,
                    row.content_hash,
                    row.record_json,
                    row.place_query,
                    incident_id,
                    batch,
                    batch,
                    now,
                    now,
                )
                for row, incident_id in zip(rows, incident_ids, strict=True)
            ],
        )
        self.counts.inserted += len(rows)

    def _update(self, connection: Connection, changed: list[tuple[PreparedRow, Any]]) -> None:
        now = utcnow()
        log = ChangeLogWriter(connection, actor=self.actor, batch_id=self.batch_id)
        old_payloads = dict(
            connection.execute(
                select(SOURCES.c.id, SOURCES.c.payload).where(SOURCES.c.id.in_(bindparam("ids", expanding=True))),
                {"ids": [old.id for _, old in changed]},
            ).all()
        )
        headers = batch_headers(connection, {old.last_batch_id for _, old in changed})
        current = {
            incident.id: incident._mapping
            for incident in connection.execute(
                select(INCIDENTS).where(INCIDENTS.c.id.in_(bindparam("ids", expanding=True))),
                {"ids": [old.incident_id for _, old in changed]},
            )
        }
        for row, old in changed:
            connection.execute(
                update(SOURCES)
                .where(SOURCES.c.id == old.id)
                .values(
                    payload=row.payload,
                    content_hash=row.content_hash,
                    record=row.record_json,
                    place_query=row.place_query,
                    last_batch_id=self.batch_id,
                    updated_at=now,
                )
            )
            log.add(
                "source_record",
                old.id,
                "import-update",
                before={
                    "content_hash": old.content_hash,
                    "payload": payload_cells(headers[old.last_batch_id], old_payloads[old.id]),
                },
                after={"content_hash": row.content_hash, "payload": payload_cells(self.columns, row.payload)},
            )
            old_record = IncidentRecord.from_json_dict(orjson.loads(old.record)).as_dict()
            before, after, conflicts = incident_changes(current[old.incident_id], old_record, row.record.as_dict())
            self.counts.conflicts += conflicts
            if after:
                connection.execute(
                    update(INCIDENTS).where(INCIDENTS.c.id == old.incident_id).values(**after, updated_at=now)
                )
                log.add("incident", old.incident_id, "import-update", before=before, after=after)
            self.counts.updated += 1
        log.flush()


def incident_changes(
    incident: Mapping[Any, Any], old_record: Mapping[str, Any], new_record: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """What a changed source record changes in its incident: ``(before, after, conflicts)``.

    A field changes where the source's mapped value changed and the incident still holds the old
    one; where the incident holds something else (an analyst's edit, a value a merge brought), that
    stays and counts as a conflict.
    """
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    conflicts = 0
    for name, value in new_record.items():
        if value == old_record[name]:
            continue
        if incident[name] != old_record[name]:
            conflicts += 1
            continue
        before[name] = incident[name]
        after[name] = value
    return before, after, conflicts


def _allocate_incident_ids(connection: Connection, count: int) -> list[int]:
    """Ids for ``count`` new incidents, known before inserting them.

    Inserting with RETURNING in parameter order makes SQLAlchemy fall back to one statement a row on
    SQLite; knowing the ids lets both incidents and their source records go in as one batch each.
    PostgreSQL hands out ids from the table's sequence (safe with concurrent imports); SQLite takes
    the next ids after the largest, which is safe because the transaction already holds the write lock.
    """
    if connection.dialect.name == "postgresql":
        ids = connection.execute(
            text(
                "select array_agg(nextval(pg_get_serial_sequence('incidents', 'id'))) from generate_series(1, :count)"
            ),
            {"count": count},
        ).scalar_one()
        return sorted(ids)
    start = int(connection.execute(select(func.coalesce(func.max(INCIDENTS.c.id), 0))).scalar_one()) + 1
    return list(range(start, start + count))
