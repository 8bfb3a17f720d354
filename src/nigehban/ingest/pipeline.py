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

import dataclasses
import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, exists, insert, select, update

from nigehban.errors import ImportFormatError
from nigehban.ingest.mapper import Mapper
from nigehban.ingest.readers import open_table
from nigehban.ingest.rejects import RejectedRow, RejectsFile
from nigehban.ingest.rowreader import Chunk, RowReader, can_read_in_process, fewer_collections, read_in_process
from nigehban.ingest.writer import ChunkWriter
from nigehban.store.schema import SOURCES, ImportBatch, utcnow

if TYPE_CHECKING:
    from nigehban.geo.resolver import Resolver

__all__ = ["PARALLEL_READ_BYTES", "ImportReport", "Mapper", "ProgressCallback", "RejectedRow", "run_import"]

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while an import runs (bytes of the file, or rows for XLSX)."""

PARALLEL_READ_BYTES = 32 * 1024 * 1024
"""Files at least this large are read and mapped in a second process while this one writes."""


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

    def _count(self, chunk: Chunk) -> None:
        """Account for the rows a chunk read but did not hand over for writing."""
        self.rows_read += chunk.rows_read
        for refused in chunk.refused:
            if refused.reject.kind == "skipped":
                self.skipped += 1
            else:
                self.rejected += 1
            if len(self.first_rejects) < self.MAX_KEPT_REJECTS:
                self.first_rejects.append(refused.reject)


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
    parallel_read_bytes: int = PARALLEL_READ_BYTES,
    resolver: Resolver | None = None,
) -> ImportReport:
    """Import ``path`` with ``mapper`` into the store behind ``engine``.

    Raises :class:`~nigehban.errors.ImportFormatError` when the file is not of the mapper's format
    (nothing is written) and, under ``strict``, :class:`~nigehban.errors.ImportRowError` at the first
    bad row (nothing is written either). Files of ``parallel_read_bytes`` or more are read in a
    second process (the mapper must then be picklable, as every importer's is). ``resolver`` gives
    every record its province, district, tehsil and coordinates (see :mod:`nigehban.geo.apply`).
    """
    path = Path(path)
    started = time.perf_counter()
    with ExitStack() as stack:
        stack.enter_context(fewer_collections())
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
        with engine.connect() as connection:
            new_dataset = not connection.execute(
                select(exists().where(SOURCES.c.dataset == mapper.dataset))
            ).scalar_one()

        chunks: Iterator[Chunk]
        if path.stat().st_size >= parallel_read_bytes and can_read_in_process(mapper):
            table.close()  # the second process opens the file itself
            chunks = read_in_process(str(path), mapper, strict=strict, size=batch_rows, resolver=resolver)
        else:
            chunks = RowReader(table, mapper, path=str(path), strict=strict, resolver=resolver).chunks(batch_rows)
        total = table.total

        def write(connection: Connection, chunk: Chunk, writer: ChunkWriter) -> None:
            report._count(chunk)
            writer.write(connection, chunk)
            report.inserted, report.updated = writer.counts.inserted, writer.counts.updated
            report.unchanged, report.conflicts = writer.counts.unchanged, writer.counts.conflicts
            if progress is not None:
                progress(chunk.position, total)

        if strict:
            with engine.begin() as connection:
                report.batch_id = _create_batch(connection, batch_values)
                writer = _writer(mapper, report.batch_id, table.columns, actor, new_dataset, rejects_file)
                for chunk in chunks:
                    write(connection, chunk, writer)
                _finish_batch(connection, report, "complete")
        else:
            with engine.begin() as connection:
                report.batch_id = _create_batch(connection, batch_values)
            writer = _writer(mapper, report.batch_id, table.columns, actor, new_dataset, rejects_file)
            try:
                for chunk in chunks:
                    with engine.begin() as connection:
                        write(connection, chunk, writer)
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


def _writer(
    mapper: Mapper,
    batch_id: int,
    columns: Sequence[str],
    actor: str,
    new_dataset: bool,
    rejects_file: RejectsFile | None,
) -> ChunkWriter:
    return ChunkWriter(
        dataset=mapper.dataset,
        batch_id=batch_id,
        columns=columns,
        actor=actor,
        new_dataset=new_dataset,
        rejects_file=rejects_file,
    )


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
