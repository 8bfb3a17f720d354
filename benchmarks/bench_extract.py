"""Extraction speed: one process on the development set, and a large batch partitioned under Dask.

    python -m benchmarks.bench_extract [--documents N] [--sample S] [--workers W]

Targets (issue 5): at least 100 documents/s on the dev set in one process, under 1.5 GB; a
1,000,000-document batch partitioned under Dask with the same results as one process. Steps:

1. a store with the real district boundaries (``benchmarks/out/extract.db``, built by the commands);
2. ``nigehban extract ../shared/eval/extraction_dev_docs.jsonl`` (read in place), one process;
3. N documents (default 100,000; ``--documents 1000000`` for the full run) made by repeating the dev
   texts with new ids, written to ``benchmarks/out/extract_batch_N.jsonl`` (not committed);
4. ``nigehban extract BATCH --workers W`` (a LocalCluster of W processes, default 2);
5. one process on the first S documents of the batch (default 20,000), compared line by line with
   the partitioned output's first S lines.

Wall times include Python's start-up and the cluster's; peak memory is the whole process tree's
(the workers included).
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from benchmarks.common import NIGEHBAN, OUT, REPO, Result, fresh_sqlite, run_measured, save

DEV = REPO.parent / "shared" / "eval" / "extraction_dev_docs.jsonl"
BOUNDARIES = REPO.parent / "shared" / "data" / "geo" / "pak_adm2_districts.geojson"


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def make_batch(documents: int) -> Path:
    """``documents`` reports repeating the dev texts with new ids (written once, then reused)."""
    path = OUT / f"extract_batch_{documents}.jsonl"
    if path.exists():
        return path
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as handle:
        for number, row in zip(range(documents), itertools.cycle(rows), strict=False):
            handle.write(json.dumps({**row, "id": f"b{number:07d}"}, ensure_ascii=False) + "\n")
    partial.rename(path)
    return path


def main(*, documents: int, sample: int, workers: int) -> None:
    url = fresh_sqlite("extract")
    run_measured([*NIGEHBAN, "--db", url, "init"])
    run_measured([*NIGEHBAN, "--db", url, "geo", "import-boundaries", str(BOUNDARIES), "--level", "district"])

    dev_out = OUT / "extract_dev_pred.jsonl"
    command = [*NIGEHBAN, "--db", url, "extract", str(DEV), "--output", str(dev_out)]
    seconds, peak = run_measured(command)
    dev_docs = _lines(dev_out)
    save(
        Result(
            "extract-dev-one-process",
            seconds,
            dev_docs / 100,
            "nigehban extract ../shared/eval/extraction_dev_docs.jsonl --output pred.jsonl",
            peak_rss_mb=peak,
            target_rss_mb=1536,
            rows=dev_docs,
            notes=f"{dev_docs / seconds:,.0f} documents/s with start-up",
        )
    )

    batch = make_batch(documents)
    out = OUT / f"extract_batch_{documents}_pred.jsonl"
    command = [*NIGEHBAN, "--db", url, "extract", str(batch), "--output", str(out), "--workers", str(workers)]
    seconds, peak = run_measured(command)

    head = OUT / f"extract_batch_{documents}_head{sample}.jsonl"
    with batch.open("rb") as source, head.open("wb") as target:
        target.writelines(itertools.islice(source, sample))
    head_out = OUT / f"extract_batch_{documents}_head{sample}_pred.jsonl"
    single_seconds, _ = run_measured([*NIGEHBAN, "--db", url, "extract", str(head), "--output", str(head_out)])
    with out.open("rb") as partitioned, head_out.open("rb") as single:
        same = list(itertools.islice(partitioned, sample)) == single.readlines()
    total = _lines(out)
    save(
        Result(
            f"extract-batch-{documents}-dask-{workers}-workers",
            seconds,
            None,
            f"nigehban extract BATCH --output OUT --workers {workers}",
            peak_rss_mb=peak,
            rows=total,
            notes=(
                f"{total / seconds:,.0f} documents/s with start-up; first {sample:,} lines identical to one process: "
                f"{same} (one process on them: {sample / single_seconds:,.0f} documents/s)"
            ),
        )
    )
    print(
        f"batch of {total:,} documents on {workers} workers: {total / seconds:,.0f} documents/s, peak {peak:,.0f} MB; "
        f"first {sample:,} identical to one process: {same}",
        flush=True,
    )
    if total != documents or not same:
        raise SystemExit("the partitioned output differs from the single-process output")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    main(documents=arguments.documents, sample=arguments.sample, workers=arguments.workers)
