"""Large batches: extraction partitioned over Dask workers, with the output of a single-process run.

:func:`extract_partitioned` splits the input documents into partitions of ``partition_size``
documents (:func:`plan_partitions`: JSON lines files by byte ranges found by one streaming pass over
the lines, other files a document each; nothing is held in memory but the partitions' bounds),
extracts each partition on a Dask worker into a file of its own, and concatenates those files in
input order into ``output`` as they complete. Every partition goes through
:func:`~nigehban.extract.extractor.write_extractions`, the writer of the single-process
:func:`~nigehban.extract.extractor.extract_files`, and reads its lines with the same line numbers, so
the output is the same lines in the same order, the problems the same messages per document.

The workers need no database: the client's :class:`~nigehban.geo.resolver.Resolver` (boundaries and
gazetteer) is pickled and scattered once to every worker, and each worker thread builds its
:class:`~nigehban.extract.extractor.Extractor` (and loads the classifier) once.

Caveats:

- Dask is optional: ``pip install nigehban[distributed]``; without it :class:`ExtractBatchError`
  says so. The rest of Nigehban imports without it.
- The workers write their partitions next to ``output`` (a hidden folder, removed at the end): with
  a remote ``scheduler`` the workers must see that folder (a shared file system).
- On this 2-core machine two worker processes roughly double one process's rate at best; the point
  of partitioning is a batch too large for one process's patience, or a cluster.
- Within a partition the classifier works in the same batches of 256 as a single-process run only
  when partitions are multiples of 256 documents (the default is); its output does not depend on the
  batch anyway (a linear model row by row), which the tests check with a partition size of 37.

Example (planning only; the extraction itself needs a cluster):
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> lines = "".join(f'{{"id": "r{n}", "text": "Blast in Quetta"}}\\n' for n in range(5))
    >>> _ = (folder / "a.jsonl").write_text(lines)
    >>> [(p.documents, [(piece.first_line, piece.start, piece.end) for piece in p.pieces])
    ...  for p in plan_partitions([folder / "a.jsonl"], partition_size=2)]
    [(2, [(1, 0, 80)]), (2, [(3, 80, 160)]), (1, [(5, 160, None)])]
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nigehban.errors import NigehbanError
from nigehban.extract.documents import JSONL_SUFFIXES, LoadedDocument, input_files, read_documents, read_jsonl_range
from nigehban.extract.extractor import BATCH_SIZE, Extractor, ExtractReport, write_extractions

if TYPE_CHECKING:
    from distributed import Client

    from nigehban.geo.resolver import Resolver

__all__ = [
    "PARTITION_SIZE",
    "ExtractBatchError",
    "Partition",
    "Piece",
    "extract_partitioned",
    "plan_partitions",
]

PARTITION_SIZE = 40 * BATCH_SIZE
"""Documents per partition by default (10,240: about 10 s of one worker, a few MB of output)."""


class ExtractBatchError(NigehbanError):
    """A partitioned extraction cannot run: Dask missing, bad options, or a partition failed."""


@dataclasses.dataclass(frozen=True, slots=True)
class Piece:
    """Part of one input file: a byte range of a JSON lines file (``start``/``end``), or a whole other file."""

    path: str
    start: int = 0
    end: int | None = None
    first_line: int = 1
    jsonl: bool = True

    def read(self) -> Iterator[LoadedDocument]:
        """The documents of this piece, as :func:`~nigehban.extract.documents.read_documents` gives them."""
        if self.jsonl:
            yield from read_jsonl_range(Path(self.path), start=self.start, end=self.end, first_line=self.first_line)
        else:
            yield from read_documents([self.path])


@dataclasses.dataclass(frozen=True, slots=True)
class Partition:
    """Consecutive pieces of the input (in input order) holding ``documents`` documents."""

    number: int
    pieces: tuple[Piece, ...]
    documents: int


def plan_partitions(paths: Sequence[str | Path], *, partition_size: int = PARTITION_SIZE) -> list[Partition]:
    """The input of ``paths`` cut into partitions of ``partition_size`` documents (the last may be smaller).

    One streaming pass over the JSON lines files (as :func:`~nigehban.extract.documents.count_documents`
    makes); raises :class:`~nigehban.extract.documents.ExtractInputError` for a missing path.
    """
    if partition_size < 1:
        raise ExtractBatchError(f"partition_size must be at least 1, not {partition_size}")
    partitions: list[Partition] = []
    pieces: list[Piece] = []
    count = 0

    def close() -> None:
        nonlocal pieces, count
        if count:
            partitions.append(Partition(len(partitions), tuple(pieces), count))
        pieces, count = [], 0

    for path in input_files(paths):
        if path.suffix.lower() not in JSONL_SUFFIXES:
            pieces.append(Piece(str(path), jsonl=False))
            count += 1
            if count >= partition_size:
                close()
            continue
        start, first_line, in_piece = 0, 1, 0
        position = 0
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, 1):
                if count == 0 and in_piece == 0:
                    # a new partition begins at this line (blank lines before it belong to the last one)
                    start, first_line = position, number
                position += len(raw)
                if raw.strip():
                    in_piece += 1
                    count += 1
                    if count >= partition_size:
                        pieces.append(Piece(str(path), start, position, first_line))
                        in_piece = 0
                        close()
        if in_piece:
            pieces.append(Piece(str(path), start, None, first_line))
    close()
    return partitions


# ------------------------------------------------------------------------------------------- workers

_LOCAL = threading.local()


def _extractor(resolver: Resolver, use_classifier: bool) -> Extractor:
    """This worker thread's extractor over ``resolver`` (built once: loading the classifier takes a moment)."""
    cache: dict[tuple[int, bool], Extractor] = getattr(_LOCAL, "extractors", None) or {}
    _LOCAL.extractors = cache
    key = (id(resolver), use_classifier)  # the extractor keeps the resolver alive, so its id is not reused
    if key not in cache:
        cache[key] = Extractor(resolver=resolver, use_classifier=use_classifier)
    return cache[key]


def _run_partition(resolver: Resolver, partition: Partition, output: str, use_classifier: bool) -> ExtractReport:
    """Extract one partition into ``output`` (runs on a worker); the report carries counts and problems."""
    report = ExtractReport(output=output)
    started = time.perf_counter()
    documents = (loaded for piece in partition.pieces for loaded in piece.read())
    with Path(output).open("w", encoding="utf-8") as handle:
        write_extractions(documents, handle, extractor=_extractor(resolver, use_classifier), report=report)
    report.seconds = time.perf_counter() - started
    return report


# -------------------------------------------------------------------------------------------- client


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as error:
        raise ExtractBatchError(
            "partitioned extraction needs Dask: pip install 'nigehban[distributed]' (dask and distributed)"
        ) from error
    return distributed


def extract_partitioned(
    paths: Sequence[str | Path],
    *,
    output: str | Path,
    resolver: Resolver,
    client: Client | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    partition_size: int = PARTITION_SIZE,
    use_classifier: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ExtractReport:
    """Extract ``paths`` into ``output`` partitioned over Dask workers (see the module notes).

    The workers are, in this order of preference: those of ``client``; those of the scheduler at
    ``scheduler`` (``tcp://host:8786``); else a LocalCluster of ``workers`` processes with one thread
    each, started here and closed at the end. ``progress(done, total)`` counts documents as
    partitions complete. The report's ``seconds`` include planning and the cluster's start.
    """
    distributed = _distributed()
    if workers < 1:
        raise ExtractBatchError(f"workers must be at least 1, not {workers}")
    started = time.perf_counter()
    partitions = plan_partitions(paths, partition_size=partition_size)
    total = sum(partition.documents for partition in partitions)
    output = Path(output)
    report = ExtractReport(output=str(output))
    parts = Path(tempfile.mkdtemp(prefix=f".{output.name}.parts-", dir=output.parent))
    owned: list[Any] = []
    try:
        if client is None:
            if scheduler is not None:
                client = distributed.Client(scheduler)
            else:
                # dashboard on any free port: with None the scheduler still takes 8787, busy with a second cluster
                cluster = distributed.LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                    silence_logs=logging.ERROR,
                )
                owned.append(cluster)
                client = distributed.Client(cluster)
            owned.insert(0, client)
        assert client is not None
        scattered = client.scatter(resolver, broadcast=True, hash=False)
        futures = {
            client.submit(
                _run_partition,
                scattered,
                partition,
                str(parts / f"part-{partition.number:06d}.jsonl"),
                use_classifier,
                pure=False,
            ): partition.number
            for partition in partitions
        }
        _collect(distributed.as_completed(futures), futures, parts, output, report, total, progress)
    finally:
        for owned_object in owned:
            owned_object.close()
        shutil.rmtree(parts, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _collect(
    completed: Iterable[Any],
    futures: dict[Any, int],
    parts: Path,
    output: Path,
    report: ExtractReport,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Append each partition's file to ``output`` in input order as soon as it and those before it are done."""
    finished: dict[int, ExtractReport] = {}
    following, done = 0, 0
    with output.open("wb") as handle:
        for future in completed:
            number = futures[future]
            try:
                finished[number] = future.result()
            except Exception as error:
                for other in futures:
                    other.cancel()
                raise ExtractBatchError(f"partition {number} failed: {type(error).__name__}: {error}") from error
            done += finished[number].documents
            while following in finished:
                part = finished.pop(following)
                path = parts / f"part-{following:06d}.jsonl"
                with path.open("rb") as source:
                    shutil.copyfileobj(source, handle, 1 << 20)
                path.unlink()
                report.documents += part.documents
                report.attacks += part.attacks
                report.incidents += part.incidents
                report.mentions += part.mentions
                report.problems.extend(part.problems)
                following += 1
            if progress is not None:
                progress(done, total)
    if following != len(futures):
        raise ExtractBatchError(f"only {following} of {len(futures)} partitions completed")
