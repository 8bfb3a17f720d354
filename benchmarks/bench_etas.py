"""ETAS fit speed and parameter recovery on a simulated 100,000-event spatio-temporal Hawkes process.

    python -m benchmarks.bench_etas [EVENTS]
    python -m benchmarks.bench_etas backtest DATABASE_URL [month|week]

Target (issue 4): fitting 100,000 events in under 30 s (on the 2-core development machine). The
process: 160 units on a 16 x 10 rook grid, 480 monthly periods, background rates drawn log-normally
and a background level growing linearly from 0.4 to 1.6 over the 40 yearly blocks, ``alpha = 0.35``
(own unit), ``beta = 0.25`` (contiguous units), ``omega = 1.5`` per period. The background is scaled
so that the expected number of events is EVENTS (default 100,000). Prints the fit time and the
recovered against the true parameters.

``backtest``: the rolling district backtest of ``etas`` and ``ewma`` on a store (GTD Pakistan with
district boundaries), every period of 2009-01..2012-12, written to
``benchmarks/out/etas_backtest_FREQ.csv`` (score it with ``../eval/score_forecast.py``); prints the
time each model took (target: about a minute for months, a few minutes for weeks).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from scipy import sparse

from benchmarks.common import OUT, Result, save
from nigehban import Nigehban
from nigehban.analysis.events import load_events
from nigehban.forecast.backtest import run_backtest
from nigehban.forecast.baselines import Ewma
from nigehban.forecast.live import store_panel
from nigehban.forecast.models.etas import EtasModel, fit_etas, simulate_etas
from nigehban.forecast.panel import Freq

ROWS, COLUMNS, PERIODS, BLOCK = 16, 10, 480, 12.0
ALPHA, BETA, OMEGA = 0.35, 0.25, 1.5


def rook_grid(rows: int, columns: int) -> sparse.csr_matrix:
    """Contiguity of a rows x columns grid of units (row-major)."""
    index = np.arange(rows * columns).reshape(rows, columns)
    pairs = np.concatenate(
        [np.c_[index[:, :-1].ravel(), index[:, 1:].ravel()], np.c_[index[:-1, :].ravel(), index[1:, :].ravel()]]
    )
    both = np.concatenate([pairs, pairs[:, ::-1]])
    n = rows * columns
    return sparse.csr_matrix((np.ones(len(both)), (both[:, 0], both[:, 1])), shape=(n, n))


def main(events: int = 100_000) -> Result:
    rng = np.random.default_rng(4)
    grid = rook_grid(ROWS, COLUMNS)
    n_units = ROWS * COLUMNS
    trend = np.linspace(0.4, 1.6, int(PERIODS / BLOCK))
    shape = rng.lognormal(0.0, 0.8, size=n_units)
    mu = shape / shape.sum() * events * (1 - ALPHA - BETA) / (trend.mean() * PERIODS)
    times, units = simulate_etas(
        mu=mu, neighbours=grid, alpha=ALPHA, beta=BETA, omega=OMEGA, end=PERIODS, trend=trend, block=BLOCK, seed=4
    )
    started = time.perf_counter()
    params = fit_etas(times, units, n_units=n_units, neighbours=grid, end=float(PERIODS), block=BLOCK)
    seconds = time.perf_counter() - started

    true_mu = mu * trend[-1]  # the fit's mu is the background at the latest block's level
    true_trend = (trend / trend[-1])[::-1]  # most recent block first, like params.trend
    mu_error = float(np.median(np.abs(params.mu / true_mu - 1)))
    trend_error = float(np.max(np.abs(params.trend - true_trend)))
    print(
        f"events {len(times):,}  units {n_units}  periods {PERIODS}  fit {seconds:.1f} s  "
        f"EM iterations {params.iterations}"
    )
    print(f"{'parameter':10s} {'true':>8s} {'fitted':>8s}")
    for name, truth, fitted in (
        ("alpha", ALPHA, params.alpha),
        ("beta", BETA, params.beta),
        ("omega", OMEGA, params.omega),
    ):
        print(f"{name:10s} {truth:8.3f} {fitted:8.3f}")
    print(f"mu: median relative error {mu_error:.3f}, correlation {np.corrcoef(true_mu, params.mu)[0, 1]:.3f}")
    print(f"trend s per year: largest absolute error {trend_error:.3f} (true range {true_trend.min():.2f}-1)")
    return save(
        Result(
            name=f"ETAS EM fit of {len(times):,} simulated events (160 units)",
            seconds=seconds,
            target_seconds=30.0,
            command="python -m benchmarks.bench_etas",
            rows=len(times),
            notes=(
                f"alpha {params.alpha:.3f} (true {ALPHA}), beta {params.beta:.3f} (true {BETA}), "
                f"omega {params.omega:.3f} (true {OMEGA}); mu median relative error {mu_error:.3f}; "
                f"trend max abs error {trend_error:.3f}; {params.iterations} EM iterations"
            ),
        )
    )


def backtest(database_url: str, freq: Freq = "month") -> list[Result]:
    with Nigehban(database_url=database_url) as app:
        events = load_events(app.engine)
        districts = [unit.pcode for unit in app.boundary_set().units("district")]
        neighbours = app.neighbours(level="district")
    panel = store_panel(events, unit="district", freq=freq, districts=districts, neighbours=neighbours)
    frames, results = [], []
    for model in (Ewma(), EtasModel()):
        started = time.perf_counter()
        result = run_backtest(panel, [model], start="2009-01", end="2012-12", default="ewma")
        seconds = time.perf_counter() - started
        origins = len(result.frame) // len(panel.units)
        frames.append(result.frame)
        results.append(
            save(
                Result(
                    name=f"{model.name} district backtest 2009-2012 ({freq}, {origins} origins)",
                    seconds=seconds,
                    target_seconds=(60.0 if freq == "month" else 300.0) if model.name == "etas" else None,
                    command=f"python -m benchmarks.bench_etas backtest DATABASE_URL {freq}",
                    rows=len(result.frame),
                )
            )
        )
    OUT.mkdir(exist_ok=True)
    frame = pd.concat(frames, ignore_index=True)
    frame["default"] = np.where(frame["model"] == "ewma", "true", "false")
    path = OUT / f"etas_backtest_{freq}.csv"
    frame.to_csv(path, index=False, float_format="%.6g")
    print(f"wrote {path}: score it with python3 ../shared/eval/score_forecast.py {path}")
    return results


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "backtest":
        backtest(sys.argv[2], "week" if sys.argv[3:] == ["week"] else "month")
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
