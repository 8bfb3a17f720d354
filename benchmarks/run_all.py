"""Run every benchmark and print the results as the table in BENCHMARKS.md.

    python -m benchmarks.run_all          # everything (about 10 minutes on 2 cores; ~6 GB in benchmarks/out)
    python -m benchmarks.run_all --table  # only print the table of the last results

Results are kept in benchmarks/out/results.json (not committed); BENCHMARKS.md is written from them
by hand, with the machine and the date.
"""

from __future__ import annotations

import json
import sys

from benchmarks import (
    bench_dedupe,
    bench_export,
    bench_geo_names,
    bench_geo_pip,
    bench_import,
    bench_jobs,
    bench_patrol,
    bench_plan,
    bench_web,
)
from benchmarks.common import RESULTS


def table() -> str:
    results = json.loads(RESULTS.read_text())
    lines = ["| benchmark | result | target | peak memory | command |", "|---|---|---|---|---|"]
    for result in results.values():
        targets = []
        if result["target_seconds"] is not None:
            targets.append(f"< {result['target_seconds']:.0f} s")
        if result["target_rss_mb"] is not None:
            targets.append(f"< {result['target_rss_mb']:g} MB")
        target = ", ".join(targets)
        memory = f"{result['peak_rss_mb']:.0f} MB" if result["peak_rss_mb"] is not None else ""
        lines.append(f"| {result['name']} | {result['seconds']:.1f} s | {target} | {memory} | `{result['command']}` |")
    return "\n".join(lines)


def main() -> None:
    if "--table" not in sys.argv:
        bench_import.main([])
        bench_dedupe.main([])
        bench_export.main([])
        bench_geo_pip.main([])
        bench_geo_names.main([])
        bench_plan.main([])
        bench_patrol.main([])
        bench_web.main([])
        bench_jobs.main()
    print(table())


if __name__ == "__main__":
    main()
