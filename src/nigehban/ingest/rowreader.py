"""Reading side of an import: rows of a file → keyed, mapped, serialised rows in chunks.

:class:`RowReader` turns the rows of a table into :class:`Chunk` objects: the rows ready to write
(key, raw payload, content hash, canonical record) and the rows refused since the previous chunk,
with what the writer needs to account for them. It does no database work, so it can run anywhere:
inline, or — for large files — in a second process (:func:`read_in_process`) while the first
process writes, which puts both cores of a modest machine to work.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from nigehban.errors import ImportRowError, InvalidFieldValue
from nigehban.geo.apply import locate_records, query_to_json
from nigehban.geo.resolution import PlaceQuery
from nigehban.ingest.mapper import Mapper
from nigehban.ingest.readers import Table, open_table
from nigehban.ingest.rejects import RejectedRow
from nigehban.ingest.values import RowProblem, SkipRow
from nigehban.record import IncidentRecord

if TYPE_CHECKING:
    from nigehban.geo.resolver import Resolver

__all__ = [
    "Chunk",
    "PreparedRow",
    "RefusedRow",
    "RowReader",
    "can_read_in_process",
    "read_in_process",
    "record_json",
]


@dataclasses.dataclass(slots=True)
class PreparedRow:
    """A row ready to write."""

    row_number: int
    key: str
    payload: str
    """The row's cells exactly as read, as a JSON array (column names are on the import batch)."""
    content_hash: str
    """SHA-1 of the payload: an unchanged row has an unchanged hash."""
    values: tuple[Any, ...]
    """The canonical record's field values, in ``RECORD_FIELDS`` order."""
    record_json: str
    """The canonical record as JSON (fields with no value left out), compared on re-import."""
    place_query: str
    """The place as the row reports it (JSON), which the record's geography was resolved from."""

    @property
    def record(self) -> IncidentRecord:
        return IncidentRecord(*self.values)


@dataclasses.dataclass(slots=True)
class RefusedRow:
    """A row refused (or skipped), with its cells as read."""

    reject: RejectedRow
    cells: list[str]


@dataclasses.dataclass(slots=True)
class Chunk:
    """What the writer gets at a time."""

    rows: list[PreparedRow]
    refused: list[RefusedRow]
    rows_read: int
    """Rows read since the previous chunk (written, refused or skipped)."""
    position: int
    """How far into the file reading has got (bytes, or rows for XLSX), for progress."""


def _cells_by_column(columns: list[str], cells: list[str]) -> dict[str, str]:
    """The row's non-empty cells by column, in file order: what mappers read."""
    return dict(compress(zip(columns, cells, strict=False), cells))


def record_json(record: IncidentRecord) -> str:
    """The record as stored with its source record: JSON, fields without a value left out."""
    return orjson.dumps({name: value for name, value in record.as_dict().items() if value is not None}).decode()


@dataclasses.dataclass(slots=True)
class _MappedRow:
    """A row mapped but not yet located: geography is resolved a chunk at a time."""

    row_number: int
    key: str
    cells: list[str]
    record: IncidentRecord
    query: PlaceQuery


class RowReader:
    """Reads a table with a mapper; ``strict`` raises at the first bad row instead of refusing it.

    Each chunk's records get their geography from ``resolver`` (all at once, so that
    point-in-polygon runs vectorised); without one, only their H3 cells.
    """

    def __init__(
        self, table: Table, mapper: Mapper, *, path: str, strict: bool, resolver: Resolver | None = None
    ) -> None:
        self.table = table
        self.mapper = mapper
        self.path = path
        self.strict = strict
        self.resolver = resolver
        self._seen_keys: dict[str, int] = {}

    def chunks(self, size: int) -> Iterator[Chunk]:
        """Chunks of up to ``size`` rows to write (or refused rows), until the table ends."""
        mapped: list[_MappedRow] = []
        refused: list[RefusedRow] = []
        read = 0
        for row_number, cells in self.table.rows():
            read += 1
            outcome = self._prepare(row_number, cells)
            if isinstance(outcome, _MappedRow):
                mapped.append(outcome)
            else:
                refused.append(outcome)
            if len(mapped) >= size or len(refused) >= size:
                yield Chunk(self._located(mapped), refused, read, self.table.position())
                mapped, refused, read = [], [], 0
        yield Chunk(self._located(mapped), refused, read, self.table.position())

    def _located(self, mapped: list[_MappedRow]) -> list[PreparedRow]:
        if not mapped:
            return []
        records = locate_records([row.record for row in mapped], [row.query for row in mapped], resolver=self.resolver)
        prepared = []
        for row, record in zip(mapped, records, strict=True):
            payload = orjson.dumps(row.cells)
            prepared.append(
                PreparedRow(
                    row_number=row.row_number,
                    key=row.key,
                    payload=payload.decode("utf-8"),
                    content_hash=hashlib.sha1(payload).hexdigest(),
                    values=record.as_tuple(),
                    record_json=record_json(record),
                    place_query=query_to_json(row.query, row.record.geo_precision),
                )
            )
        return prepared

    def _prepare(self, row_number: int, cells: list[str]) -> _MappedRow | RefusedRow:
        columns = self.table.columns
        try:
            if len(cells) > len(columns) and any(cells[len(columns) :]):
                raise RowProblem(None, f"the row has {len(cells)} cells but the header has {len(columns)} columns")
            row = _cells_by_column(columns, cells)
            key = self.mapper.key(row)
            first = self._seen_keys.get(key)
            if first is not None:
                raise RowProblem(None, f"duplicate key {key!r}: row {first} has the same key")
            record = self.mapper.map(row)
            try:
                record.validate()
            except InvalidFieldValue as error:
                raise RowProblem(error.field, error.reason) from None
            query = self.mapper.place_query(row, record)
        except RowProblem as problem:
            if self.strict:
                raise ImportRowError(self.path, row_number, problem.column, problem.reason) from None
            return RefusedRow(RejectedRow(row_number, problem.column, problem.reason), cells)
        except SkipRow as skip:
            return RefusedRow(RejectedRow(row_number, skip.column, skip.reason, kind="skipped"), cells)
        self._seen_keys[key] = row_number
        return _MappedRow(row_number, key, cells, record, query)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while rows stream through.

    An import allocates millions of short-lived objects (cells, records, tuples) that hold no
    reference cycles, so the default threshold (a young collection every 700 allocations, each
    scanning everything alive) costs about a third of the reading time for nothing. Objects alive
    before the import are frozen out of the scans; the settings are restored afterwards.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


_CHUNKS_AHEAD = 4
"""Chunks the second process may have read ahead of the writer (pickled, waiting in memory)."""


def _child_main() -> None:
    """The second process: read the arguments from stdin, send chunks to stdout, then ``None``.

    A thread writes the pickled chunks to the pipe, so that reading and mapping go on while the
    writer is busy committing: a pipe holds only 64 KB, and writing a chunk to it directly would
    stall this process until the writer took the whole chunk.
    """
    output = sys.stdout.buffer
    outbox: queue.Queue[bytes | None] = queue.Queue(maxsize=_CHUNKS_AHEAD)
    broken = threading.Event()

    def send() -> None:
        while (message := outbox.get()) is not None:
            if broken.is_set():
                continue  # drain, so that the reading side never blocks on a full queue
            try:
                output.write(message)
                output.flush()
            except (BrokenPipeError, OSError):
                broken.set()

    sender = threading.Thread(target=send, name="send-chunks", daemon=True)
    sender.start()
    try:
        path, mapper, strict, size, resolver = pickle.load(sys.stdin.buffer)
        with fewer_collections(), open_table(Path(path)) as table:
            for chunk in RowReader(table, mapper, path=path, strict=strict, resolver=resolver).chunks(size):
                if broken.is_set():
                    return  # the writer has gone (stopped, interrupted or killed): nothing left to do
                outbox.put(pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL))
        outbox.put(pickle.dumps(None))
    except KeyboardInterrupt:
        pass
    except BaseException as error:  # handed to the writer and raised there
        outbox.put(pickle.dumps(error, protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        outbox.put(None)
        sender.join()


def can_read_in_process(mapper: Mapper) -> bool:
    """Whether ``mapper`` can be sent to a second process (a mapper defined in a script's
    ``__main__`` cannot: the second process does not run the script)."""
    if type(mapper).__module__ == "__main__":
        return False
    try:
        pickle.dumps(mapper)
    except Exception:  # any failure means "read it here instead"
        return False
    return True


def read_in_process(
    path: str, mapper: Mapper, *, strict: bool, size: int, resolver: Resolver | None = None
) -> Iterator[Chunk]:
    """Like :meth:`RowReader.chunks`, but read and mapped in a second Python process.

    The process runs this module's :func:`_child_main`, not the caller's script,
    so it is safe from scripts without a ``__main__`` guard, notebooks and piped code. An error there
    (a bad row under ``strict``, an unreadable file) is raised here; when the caller stops early,
    the process is stopped.
    """
    package_root = str(Path(__file__).resolve().parents[2])
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", "from nigehban.ingest.rowreader import _child_main; _child_main()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=environment,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        with process.stdin:
            pickle.dump((path, mapper, strict, size, resolver), process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        while True:
            try:
                message = pickle.load(process.stdout)
            except EOFError:
                raise RuntimeError(
                    f"the process reading {path} stopped unexpectedly (exit status {process.wait()})"
                ) from None
            if message is None:
                return
            if isinstance(message, BaseException):
                raise message
            yield message
    finally:
        process.stdout.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
