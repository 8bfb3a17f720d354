"""Deduplication speed: 200,000 incidents from two sources, a third of them reporting the same attacks.

    python -m benchmarks.bench_dedupe [sqlite] [postgres]

Target (issue 2): dedupe of 200,000 incidents in under 30 s. The store: 120,000 synthetic GTD-format
incidents ("gtd") and 80,000 press reports ("press"): 60,000 re-reports of GTD's attacks (dates
moved by a day a third of the time, coordinates a few km off, tolls revised) and 20,000 attacks of
their own. Towns are few and busy (Karachi, Peshawar, Quetta), so candidate pairs are many.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
import time
from pathlib import Path

from benchmarks.common import OUT, Result, fresh_postgres, fresh_sqlite, save
from benchmarks.synthetic_gtd import COLUMNS, synthetic_rows
from nigehban import Nigehban, Settings

BASE, REREPORTS, OWN = 120_000, 60_000, 20_000
INDEX = {name: position for position, name in enumerate(COLUMNS)}


def _rereport(row: list[str], number: int, rng: random.Random) -> list[str]:
    copy = list(row)
    day = dt.date(int(row[INDEX["iyear"]]), int(row[INDEX["imonth"]]), max(1, int(row[INDEX["iday"]])))
    day += dt.timedelta(days=rng.choice([0, 0, 0, 0, 1, -1]))
    copy[INDEX["iyear"]], copy[INDEX["imonth"]], copy[INDEX["iday"]] = str(day.year), str(day.month), str(day.day)
    copy[INDEX["eventid"]] = f"P{number:08d}"
    copy[INDEX["latitude"]] = f"{float(row[INDEX['latitude']]) + rng.gauss(0, 0.03):.5f}"
    copy[INDEX["longitude"]] = f"{float(row[INDEX['longitude']]) + rng.gauss(0, 0.03):.5f}"
    if row[INDEX["nkill"]]:
        killed = float(row[INDEX["nkill"]])
        copy[INDEX["nkill"]] = str(max(0, round(killed * rng.uniform(0.8, 1.25))))
        copy[INDEX["nkillter"]] = ""
    return copy


def write_sources() -> tuple[Path, Path]:
    """The two synthetic files (written once under benchmarks/out, then reused)."""
    base_path, press_path = OUT / "dedupe_gtd.csv", OUT / "dedupe_press.csv"
    if base_path.exists() and press_path.exists():
        return base_path, press_path
    OUT.mkdir(exist_ok=True)
    rng = random.Random(7)
    base = list(synthetic_rows(BASE, seed=11))
    own = list(synthetic_rows(OWN, seed=12))
    with base_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(base)
    with press_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for number, row in enumerate(rng.sample(base, REREPORTS)):
            writer.writerow(_rereport(row, number, rng))
        for number, row in enumerate(own, start=REREPORTS):
            row[INDEX["eventid"]] = f"P{number:08d}"
            writer.writerow(row)
    return base_path, press_path


def measure(url: str, backend: str) -> Result:
    base_path, press_path = write_sources()
    with Nigehban(Settings(database_url=url, actor="benchmark")) as app:
        app.init()
        app.import_gtd(base_path, dataset="gtd")
        app.import_gtd(press_path, dataset="press")
        incidents = app.summary().incidents
        started = time.perf_counter()
        report = app.dedupe()
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = app.dedupe()
        second = time.perf_counter() - started
    return save(
        Result(
            name=f"dedupe 200,000 incidents on {backend}",
            seconds=seconds,
            target_seconds=30.0 if backend == "SQLite" else None,
            command=f"python -m benchmarks.bench_dedupe {'sqlite' if backend == 'SQLite' else 'postgres'}",
            rows=incidents,
            notes=(
                f"`app.dedupe()` with default settings: {report.pairs_considered:,} pairs in the date window, "
                f"{len(report.merges):,} merges written; a second run (nothing new) {second:.1f} s, "
                f"{len(again.merges)} merges"
            ),
        )
    )


def main(which: list[str]) -> None:
    which = which or ["sqlite", "postgres"]
    if "sqlite" in which:
        measure(fresh_sqlite("dedupe"), "SQLite")
    if "postgres" in which:
        with fresh_postgres("dedupe") as url:
            measure(url, "PostgreSQL")


if __name__ == "__main__":
    main(sys.argv[1:])
