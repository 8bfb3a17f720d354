"""Backtest speed on real data: GTD Pakistan, district x month and district x week, 2009-2012.

    python -m benchmarks.bench_backtest [month] [week] [--models a,b]

Builds a SQLite store in benchmarks/out (district boundaries + GTD, read in place from ../shared/data)
once, then times ``app.forecast_backtest`` for every available model and prints the seconds per model
(a model's fits over all origins) and the total. Figures go to benchmarks/BENCHMARKS.md by hand.
"""

from __future__ import annotations

import sys
import time

from benchmarks.common import OUT, SHARED_DATA
from nigehban import Nigehban, Settings
from nigehban.forecast.registry import available_models

STORE = OUT / "gtd_forecast.db"


def _app() -> Nigehban:
    OUT.mkdir(parents=True, exist_ok=True)
    fresh = not STORE.exists()
    app = Nigehban(Settings(database_url=f"sqlite:///{STORE}", actor="benchmark"))
    if fresh:
        app.init()
        app.import_boundaries(SHARED_DATA / "geo" / "pak_adm2_districts.geojson", level="district")
        app.import_gtd(SHARED_DATA / "incidents" / "gtd_pakistan_1970_2012.csv.gz")
    return app


def measure(freq: str, models: list[str]) -> dict[str, float]:
    seconds: dict[str, float] = {}
    with _app() as app:
        for name in models:
            started = time.perf_counter()
            app.forecast_backtest(freq=freq, start="2009-01", end="2012-12", models=[name])  # type: ignore[arg-type]
            seconds[name] = time.perf_counter() - started
    return seconds


def main(argv: list[str]) -> int:
    freqs = [arg for arg in argv if arg in ("month", "week")] or ["month", "week"]
    models = [model.name for model in available_models()]
    if "--models" in argv:
        models = argv[argv.index("--models") + 1].split(",")
    for freq in freqs:
        seconds = measure(freq, models)
        for name, value in seconds.items():
            print(f"backtest district x {freq} 2009-2012  {name:12s} {value:8.1f} s")
        print(f"backtest district x {freq} 2009-2012  {'total':12s} {sum(seconds.values()):8.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
