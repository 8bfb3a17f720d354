"""The import pipeline every importer shares.

An importer is a :class:`Mapper`: it names its dataset and required columns, gives each row a key
and maps it onto an :class:`~nigehban.record.IncidentRecord`. The pipeline does the rest:

- streams the file in batches of ``Settings.import_batch_rows`` rows, each written in one
  transaction, so that an interrupted import leaves every finished batch and nothing half-written,
  and running it again completes it;
- keeps every row untouched as a source record (its non-empty cells as JSON, a SHA-1 content hash,
  the batches that brought it) and links it to its incident;
- on re-import, leaves unchanged rows alone and applies a corrected row's changed fields to its
  incident, unless an analyst has changed that field since (then the analyst's value stays and the
  conflict is counted), recording before and after in the change log;
- refuses bad rows with a reason naming the column, records them with the batch, writes them to a
  rejects CSV (the original columns plus ``_row``, ``_column``, ``_reason``: fix and re-import it)
  and carries on; under ``strict`` stops at the first bad row and writes nothing at all.
"""

from __future__ import annotations

import abc
import dataclasses
import hashlib
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from itertools import compress
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import Connection, Engine, bindparam, exists, func, insert, select, text, update

from nigehban.errors import ImportFormatError, ImportRowError, InvalidFieldValue
from nigehban.ingest.readers import Table, open_table
from nigehban.ingest.rejects import RejectedRow, RejectsFile
from nigehban.ingest.values import RowProblem, SkipRow
from nigehban.record import RECORD_FIELDS, IncidentRecord
from nigehban.store.bulk import insert_rows
from nigehban.store.changelog import ChangeLogWriter
from nigehban.store.payloads import batch_headers, payload_cells
from nigehban.store.schema import INCIDENTS, SOURCES, ImportBatch, ImportReject, utcnow

__all__ = ["ImportReport", "Mapper", "ProgressCallback", "RejectedRow", "run_import"]

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while an import runs (bytes of the file, or rows for XLSX)."""


class Mapper(abc.ABC):
    """Maps the rows of one source format onto the canonical record."""

    dataset: str
    """Name of the dataset the source records belong to (``gtd``, ``ucdp``, ...)."""
    importer: str
    """Name of the importer (the ``nigehban import`` sub-command)."""
    format_name: str
    """Human name of the format, for messages ("a GTD export")."""
    required_columns: tuple[str, ...] = ()

    def check_columns(self, path: Path, columns: Sequence[str]) -> None:
        """Raise :class:`ImportFormatError` when the file lacks a column the mapper needs."""
        missing = [column for column in self.required_columns if column not in set(columns)]
        if missing:
            raise ImportFormatError(
                path,
                f"does not look like {self.format_name}: missing required column(s) {', '.join(missing)}",
            )

    @abc.abstractmethod
    def key(self, row: dict[str, str]) -> str:
        """The row's identifier within the dataset (raise :class:`RowProblem` when it has none)."""

    @abc.abstractmethod
    def map(self, row: dict[str, str]) -> IncidentRecord:
        """The canonical record for a row (raise :class:`RowProblem` or :class:`SkipRow`)."""

    def options(self) -> dict[str, Any]:
        """What to remember about how this import was configured (kept on the batch)."""
        return {}


@dataclasses.dataclass
class ImportReport:
    """What an import did. Every row read is inserted, updated, unchanged, rejected or skipped."""

    batch_id: int | None
    dataset: str
    path: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0
    conflicts: int = 0
    seconds: float = 0.0
    rejects_path: str | None = None
    first_rejects: list[RejectedRow] = dataclasses.field(default_factory=list)

    MAX_KEPT_REJECTS = 20

    @property
    def accounted(self) -> bool:
        """Whether every row read is in exactly one of the outcome counts."""
        outcome = self.inserted + self.updated + self.unchanged + self.rejected + self.skipped
        return outcome == self.rows_read


@dataclasses.dataclass(slots=True)
class _Chunk:
    """Rows ready to write, and the rows refused since the previous chunk."""

    items: list[_Prepared]
    rejects: list[dict[str, Any]]


_T = TypeVar("_T")


def _read_ahead(chunks: Iterator[_T], depth: int = 2) -> Iterator[_T]:
    """Yield from ``chunks`` while a thread reads and maps the next ones.

    Reading and mapping is Python work; writing is mostly the database's (SQLite and psycopg
    release the GIL), so on two cores the two overlap. An error in the reader (a bad file, a bad row
    under ``--strict``) is raised here, in the writer's thread; when the writer stops early, the
    reader stops too.
    """
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        handoff.put(("chunk", chunk), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            handoff.put(("done", None))
        except BaseException as error:  # handed to the writer's thread, raised there
            handoff.put(("error", error))

    reader = threading.Thread(target=produce, name="nigehban-import-reader", daemon=True)
    reader.start()
    try:
        while True:
            kind, value = handoff.get()
            if kind == "chunk":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()
        while reader.is_alive():  # unblock a reader waiting to hand over a chunk
            try:
                handoff.get_nowait()
            except queue.Empty:
                reader.join(timeout=0.1)


@dataclasses.dataclass(slots=True)
class _Prepared:
    row_number: int
    key: str
    payload: str
    content_hash: str
    record: IncidentRecord
    record_json: str


def _payload(columns: Sequence[str], cells: Sequence[str]) -> dict[str, str]:
    """The row's non-empty cells by column, in file order (the raw payload)."""
    return dict(compress(zip(columns, cells, strict=False), cells))


def _dumps(value: Any) -> str:
    """Compact JSON, UTF-8 kept as is, dates as ISO strings (orjson: the import's hot path)."""
    return orjson.dumps(value).decode("utf-8")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_import(
    engine: Engine,
    mapper: Mapper,
    path: str | Path,
    *,
    actor: str,
    batch_rows: int = 5000,
    strict: bool = False,
    rejects: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import ``path`` with ``mapper`` into the store behind ``engine``.

    Raises :class:`~nigehban.errors.ImportFormatError` when the file is not of the mapper's format
    (nothing is written) and, under ``strict``, :class:`~nigehban.errors.ImportRowError` at the first
    bad row (nothing is written either).
    """
    path = Path(path)
    started = time.perf_counter()
    with ExitStack() as stack:
        table = stack.enter_context(open_table(path))
        _check_unique_columns(path, table.columns)
        mapper.check_columns(path, table.columns)
        report = ImportReport(batch_id=None, dataset=mapper.dataset, path=str(path))
        rejects_file: RejectsFile | None = None
        if rejects is not None and not strict:
            rejects_file = RejectsFile(Path(rejects), table.columns)
            stack.callback(rejects_file.close)
            report.rejects_path = str(rejects)
        batch_values = {
            "dataset": mapper.dataset,
            "importer": mapper.importer,
            "source_path": str(path.resolve()),
            "file_sha256": _file_sha256(path),
            "file_size": path.stat().st_size,
            "header": table.columns,
            "options": {**mapper.options(), "strict": strict},
            "status": "running",
            "actor": actor,
            "started_at": utcnow(),
        }
        run = _ImportRun(mapper, table, report, rejects_file, actor, strict, progress)
        with engine.connect() as connection:
            run.new_dataset = not connection.execute(
                select(exists().where(SOURCES.c.dataset == mapper.dataset))
            ).scalar_one()
        if strict:
            with engine.begin() as connection:
                report.batch_id = _create_batch(connection, batch_values)
                for chunk in _read_ahead(run.chunks(batch_rows)):
                    run.write_chunk(connection, chunk)
                _finish_batch(connection, report, "complete")
        else:
            with engine.begin() as connection:
                report.batch_id = _create_batch(connection, batch_values)
            try:
                for chunk in _read_ahead(run.chunks(batch_rows)):
                    with engine.begin() as connection:
                        run.write_chunk(connection, chunk)
                        _save_counts(connection, report)
            except BaseException as error:
                status = "interrupted" if isinstance(error, KeyboardInterrupt) else "failed"
                with engine.begin() as connection:
                    _finish_batch(connection, report, status, message=str(error) or type(error).__name__)
                raise
            with engine.begin() as connection:
                _finish_batch(connection, report, "complete")
    report.seconds = time.perf_counter() - started
    return report


SOURCE_COLUMNS = (
    "dataset",
    "key",
    "payload",
    "content_hash",
    "record",
    "incident_id",
    "first_batch_id",
    "last_batch_id",
    "created_at",
    "updated_at",
)


def _allocate_incident_ids(connection: Connection, count: int) -> list[int]:
    """Ids for ``count`` new incidents, known before inserting them.

    Inserting with RETURNING in parameter order makes SQLAlchemy fall back to one statement a row on
    SQLite; knowing the ids lets both incidents and their source records go in as one batch each.
    PostgreSQL hands out ids from the table's sequence (safe with concurrent imports); SQLite takes
    the next ids after the largest, which is safe because the transaction already holds the write lock.
    """
    if connection.dialect.name == "postgresql":
        return list(
            connection.execute(
                text("select nextval(pg_get_serial_sequence('incidents', 'id')) from generate_series(1, :count)"),
                {"count": count},
            ).scalars()
        )
    start = int(connection.execute(select(func.coalesce(func.max(INCIDENTS.c.id), 0))).scalar_one()) + 1
    return list(range(start, start + count))


def _check_unique_columns(path: Path, columns: Sequence[str]) -> None:
    seen: set[str] = set()
    for column in columns:
        if column and column in seen:
            raise ImportFormatError(path, f"the header names column {column!r} twice")
        seen.add(column)


def _create_batch(connection: Connection, values: dict[str, Any]) -> int:
    batch_id = connection.execute(insert(ImportBatch).values(**values).returning(ImportBatch.id)).scalar_one()
    return int(batch_id)


def _counts(report: ImportReport) -> dict[str, int]:
    return {
        "rows_read": report.rows_read,
        "rows_inserted": report.inserted,
        "rows_updated": report.updated,
        "rows_unchanged": report.unchanged,
        "rows_rejected": report.rejected,
        "rows_skipped": report.skipped,
    }


def _save_counts(connection: Connection, report: ImportReport) -> None:
    connection.execute(update(ImportBatch).where(ImportBatch.id == report.batch_id).values(**_counts(report)))


def _finish_batch(connection: Connection, report: ImportReport, status: str, message: str | None = None) -> None:
    connection.execute(
        update(ImportBatch)
        .where(ImportBatch.id == report.batch_id)
        .values(**_counts(report), status=status, finished_at=utcnow(), message=message)
    )


class _ImportRun:
    def __init__(
        self,
        mapper: Mapper,
        table: Table,
        report: ImportReport,
        rejects_file: RejectsFile | None,
        actor: str,
        strict: bool,
        progress: ProgressCallback | None,
    ) -> None:
        self.mapper = mapper
        self.table = table
        self.report = report
        self.rejects_file = rejects_file
        self.actor = actor
        self.strict = strict
        self.progress = progress
        self.seen_keys: dict[str, int] = {}
        self.pending_rejects: list[dict[str, Any]] = []
        self.new_dataset = False
        """No source record of this dataset existed when the import started: every row is new."""

    # reading and mapping -------------------------------------------------------------------------

    def chunks(self, size: int) -> Iterator[_Chunk]:
        items: list[_Prepared] = []
        for row_number, cells in self.table.rows():
            self.report.rows_read += 1
            prepared = self._prepare(row_number, cells)
            if prepared is not None:
                items.append(prepared)
            if len(items) >= size or len(self.pending_rejects) >= size:
                yield _Chunk(items, self.pending_rejects)
                items, self.pending_rejects = [], []
                self._report_progress()
        if items or self.pending_rejects:
            yield _Chunk(items, self.pending_rejects)
            self.pending_rejects = []
        self._report_progress()

    def _report_progress(self) -> None:
        if self.progress is not None:
            self.progress(self.table.position(), self.table.total)

    def _prepare(self, row_number: int, cells: list[str]) -> _Prepared | None:
        columns = self.table.columns
        try:
            if len(cells) > len(columns) and any(cells[len(columns) :]):
                raise RowProblem(None, f"the row has {len(cells)} cells but the header has {len(columns)} columns")
            row = _payload(columns, cells)
            key = self.mapper.key(row)
            first = self.seen_keys.get(key)
            if first is not None:
                raise RowProblem(None, f"duplicate key {key!r}: row {first} has the same key")
            record = self.mapper.map(row)
            try:
                record.validate()
            except InvalidFieldValue as error:
                raise RowProblem(error.field, error.reason) from None
        except RowProblem as problem:
            self._reject(row_number, cells, RejectedRow(row_number, problem.column, problem.reason))
            return None
        except SkipRow as skip:
            self._reject(row_number, cells, RejectedRow(row_number, skip.column, skip.reason, kind="skipped"))
            return None
        self.seen_keys[key] = row_number
        payload = orjson.dumps(cells)
        return _Prepared(
            row_number=row_number,
            key=key,
            payload=payload.decode("utf-8"),
            content_hash=hashlib.sha1(payload).hexdigest(),
            record=record,
            record_json=_dumps({name: value for name, value in record.as_dict().items() if value is not None}),
        )

    def _reject(self, row_number: int, cells: list[str], reject: RejectedRow) -> None:
        if self.strict and reject.kind == "rejected":
            raise ImportRowError(self.report.path, row_number, reject.column, reject.reason)
        if reject.kind == "skipped":
            self.report.skipped += 1
        else:
            self.report.rejected += 1
        if len(self.report.first_rejects) < ImportReport.MAX_KEPT_REJECTS:
            self.report.first_rejects.append(reject)
        if self.rejects_file is not None:
            self.rejects_file.write(cells, reject)
        self.pending_rejects.append(
            {
                "row_number": reject.row,
                "column": reject.column,
                "reason": reject.reason,
                "kind": reject.kind,
                "payload": _dumps(_payload(self.table.columns, cells)),
            }
        )

    # writing -------------------------------------------------------------------------------------

    def write_chunk(self, connection: Connection, chunk: _Chunk) -> None:
        batch_id = self.report.batch_id
        # Write first: on SQLite this takes the write lock before anything is read, so that the
        # incident ids allocated below cannot be taken by another writer meanwhile.
        _save_counts(connection, self.report)
        if chunk.rejects:
            connection.execute(insert(ImportReject), [{**reject, "batch_id": batch_id} for reject in chunk.rejects])
        if not chunk.items:
            return
        if self.new_dataset:  # nothing to compare with: skip a million index look-ups
            self._insert(connection, chunk.items)
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
                ).where(
                    SOURCES.c.dataset == self.mapper.dataset,
                    SOURCES.c.key.in_(bindparam("keys", expanding=True)),
                ),
                {"keys": [item.key for item in chunk.items]},
            )
        }
        new = [item for item in chunk.items if item.key not in existing]
        changed = []
        for item in chunk.items:
            old = existing.get(item.key)
            if old is None:
                continue
            if old.content_hash == item.content_hash and old.record == item.record_json:
                self.report.unchanged += 1
            else:
                changed.append((item, old))
        if new:
            self._insert(connection, new)
        if changed:
            self._update(connection, changed)

    def _insert(self, connection: Connection, items: list[_Prepared]) -> None:
        now = utcnow()
        incident_ids = _allocate_incident_ids(connection, len(items))
        insert_rows(
            connection,
            INCIDENTS,
            ("id", *RECORD_FIELDS, "created_at", "updated_at"),
            [
                (incident_id, *item.record.as_tuple(), now, now)
                for item, incident_id in zip(items, incident_ids, strict=True)
            ],
        )
        batch_id = self.report.batch_id
        dataset = self.mapper.dataset
        insert_rows(
            connection,
            SOURCES,
            SOURCE_COLUMNS,
            [
                (
                    dataset,
                    item.key,
                    item.payload,
                    item.content_hash,
                    item.record_json,
                    incident_id,
                    batch_id,
                    batch_id,
                    now,
                    now,
                )
                for item, incident_id in zip(items, incident_ids, strict=True)
            ],
        )
        self.report.inserted += len(items)

    def _update(self, connection: Connection, changed: list[tuple[_Prepared, Any]]) -> None:
        now = utcnow()
        batch_id = self.report.batch_id
        log = ChangeLogWriter(connection, actor=self.actor, batch_id=batch_id)
        incident_ids = [old.incident_id for _, old in changed]
        old_payloads = dict(
            connection.execute(
                select(SOURCES.c.id, SOURCES.c.payload).where(SOURCES.c.id.in_(bindparam("ids", expanding=True))),
                {"ids": [old.id for _, old in changed]},
            ).all()
        )
        headers = batch_headers(connection, {old.last_batch_id for _, old in changed})
        current = {
            row.id: row._mapping
            for row in connection.execute(
                select(INCIDENTS).where(INCIDENTS.c.id.in_(bindparam("ids", expanding=True))),
                {"ids": incident_ids},
            )
        }
        for item, old in changed:
            connection.execute(
                update(SOURCES)
                .where(SOURCES.c.id == old.id)
                .values(
                    payload=item.payload,
                    content_hash=item.content_hash,
                    record=item.record_json,
                    last_batch_id=batch_id,
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
                after={"content_hash": item.content_hash, "payload": payload_cells(self.table.columns, item.payload)},
            )
            old_record = IncidentRecord.from_json_dict(json.loads(old.record)).as_dict()
            new_record = item.record.as_dict()
            incident = current[old.incident_id]
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for name, value in new_record.items():
                if value == old_record[name]:
                    continue
                if incident[name] != old_record[name]:
                    self.report.conflicts += 1  # changed since by an analyst or a merge: theirs stays
                    continue
                before[name] = incident[name]
                after[name] = value
            if after:
                connection.execute(
                    update(INCIDENTS).where(INCIDENTS.c.id == old.incident_id).values(**after, updated_at=now)
                )
                log.add("incident", old.incident_id, "import-update", before=before, after=after)
            self.report.updated += 1
        log.flush()
