"""Import speed and memory: the real GTD Pakistan file, and a million synthetic GTD rows.

    python -m benchmarks.bench_import [pakistan] [million-sqlite] [million-postgres]

Targets (issue 2): GTD Pakistan 1970-2012 (7,173 rows) into SQLite in under 3 s; 1,000,000 GTD-format
rows in under 90 s with peak memory under 1 GB; on PostgreSQL within 2x of SQLite.
"""

from __future__ import annotations

import statistics
import sys
import time

from benchmarks.common import (
    NIGEHBAN,
    SHARED_DATA,
    Result,
    fresh_postgres,
    fresh_sqlite,
    run_measured,
    save,
    synthetic_file,
)
from nigehban import Nigehban

MILLION = 1_000_000


def pakistan() -> Result:
    """The real file, in-process (what `app.import_gtd` costs), best and median of five fresh stores."""
    path = SHARED_DATA / "incidents" / "gtd_pakistan_1970_2012.csv.gz"
    if not path.exists():
        raise SystemExit(f"needs the real data at {path}")
    timings = []
    for _ in range(5):
        app = Nigehban(database_url=fresh_sqlite("pakistan"))
        app.init()
        started = time.perf_counter()
        report = app.import_gtd(path)
        timings.append(time.perf_counter() - started)
        assert report.inserted == 7173, report
        app.close()
    # and once through the command, start-up included
    url = fresh_sqlite("pakistan")
    run_measured([*NIGEHBAN, "--db", url, "init"])
    command_seconds, peak = run_measured([*NIGEHBAN, "--db", url, "import", "gtd", str(path)])
    return save(
        Result(
            name="import GTD Pakistan 1970-2012 (7,173 rows) into SQLite",
            seconds=statistics.median(timings),
            target_seconds=3.0,
            command="python -m benchmarks.bench_import pakistan",
            peak_rss_mb=peak,
            rows=7173,
            notes=(
                f"median of 5 in-process runs (best {min(timings):.2f} s); "
                f"the command `nigehban import gtd` with Python start-up: {command_seconds:.2f} s"
            ),
        )
    )


def million(url: str, backend: str, *, target_seconds: float) -> Result:
    path = synthetic_file(MILLION)
    run_measured([*NIGEHBAN, "--db", url, "init"])
    seconds, peak = run_measured([*NIGEHBAN, "--db", url, "import", "gtd", str(path)])
    argument = "million-sqlite" if backend == "SQLite" else "million-postgres"
    return save(
        Result(
            name=f"import 1,000,000 synthetic GTD rows into {backend}",
            seconds=seconds,
            target_seconds=target_seconds,
            command=f"python -m benchmarks.bench_import {argument}",
            peak_rss_mb=peak,
            target_rss_mb=1024.0,
            rows=MILLION,
            notes=f"`nigehban import gtd` on a {path.stat().st_size / 1e9:.2f} GB CSV (137 columns), start-up included",
        )
    )


def main(which: list[str]) -> None:
    which = which or ["pakistan", "million-sqlite", "million-postgres"]
    if "pakistan" in which:
        pakistan()
    sqlite_seconds = None
    if "million-sqlite" in which:
        sqlite_seconds = million(fresh_sqlite("million"), "SQLite", target_seconds=90.0).seconds
    if "million-postgres" in which:
        # "within 2x" of SQLite: of the SQLite figure measured alongside, else of SQLite's target
        with fresh_postgres("million") as url:
            million(url, "PostgreSQL", target_seconds=2 * (sqlite_seconds or 90.0))


if __name__ == "__main__":
    main(sys.argv[1:])
