"""Export speed: 1,000,000 incidents to CSV (and JSON lines, GeoJSON).

    python -m benchmarks.bench_export [csv] [jsonl] [geojson]

Target (issue 2): export of 1,000,000 incidents to CSV in under 30 s. The store is the one
`bench_import million-sqlite` fills (imported again here if it is missing).
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.bench_import import MILLION
from benchmarks.common import NIGEHBAN, OUT, Result, run_measured, save, synthetic_file

STORE = OUT / "million.db"


def _store() -> str:
    url = f"sqlite:///{STORE}"
    if not STORE.exists():
        run_measured([*NIGEHBAN, "--db", url, "import", "gtd", str(synthetic_file(MILLION))])
    return url


def measure(format: str) -> Result:
    url = _store()
    output = OUT / f"export.{format}"
    seconds, peak = run_measured([*NIGEHBAN, "--db", url, "export", "incidents", "--format", format, "-o", str(output)])
    size = Path(output).stat().st_size
    output.unlink()
    return save(
        Result(
            name=f"export 1,000,000 incidents to {format.upper()} from SQLite",
            seconds=seconds,
            target_seconds=30.0 if format == "csv" else None,
            command=f"python -m benchmarks.bench_export {format}",
            peak_rss_mb=peak,
            rows=MILLION,
            notes=f"`nigehban export incidents --format {format}`, start-up included; {size / 1e9:.2f} GB written",
        )
    )


def main(which: list[str]) -> None:
    for format in which or ["csv", "jsonl", "geojson"]:
        measure(format)


if __name__ == "__main__":
    main(sys.argv[1:])
