"""Patrol game speed: the coverage of K units over 1,000 facilities, and a year of rosters.

    python -m benchmarks.bench_patrol [origami] [eraser] [rosters]

Target (issue 6): ORIGAMI over 1,000 facilities with K = 50 and K = 200 units in under 5 s.

The game is :func:`nigehban.security.patrol.targets_from_risk` over 1,000 facilities whose total risks
(the sum over the four scenarios) are drawn uniformly from 4–4,000, effectiveness 0.7. ``origami``
times the exact water-level solution and the same minimax as one HiGHS LP (best of three each);
``eraser`` times the ERASER MILP once per K (no target: it is the independent check, not the default);
``rosters`` times a year of rosters, 3 shifts a day, from OS entropy as real rosters are drawn.
Each figure notes the machine's load average, since the machine may be shared.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from benchmarks.common import Result, save
from nigehban.security.patrol import GameTarget, Method, sample_rosters, solve_coverage, targets_from_risk

FACILITIES = 1_000
UNITS = (50, 200)
SHIFTS_A_YEAR = 365 * 3


def game(*, seed: int = 6) -> list[GameTarget]:
    """1,000 facilities with total risks uniform on 4–4,000."""
    risks = np.random.default_rng(seed).uniform(4, 4000, FACILITIES)
    return targets_from_risk(list(range(FACILITIES)), [f"facility {i}" for i in range(FACILITIES)], risks.tolist())


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def solve(method: Method, *, repeats: int, target_seconds: float | None) -> list[Result]:
    targets = game()
    results = []
    for units in UNITS:
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            coverage = solve_coverage(targets, units=units, method=method)
            timings.append(time.perf_counter() - started)
        best = f"best of {repeats} (all: {', '.join(f'{t:.3f}' for t in timings)} s); " if repeats > 1 else ""
        results.append(
            save(
                Result(
                    name=f"patrol coverage ({method}): {FACILITIES:,} facilities, K = {units}",
                    seconds=min(timings),
                    target_seconds=target_seconds,
                    command=f"python -m benchmarks.bench_patrol {method.split('-')[0]}",
                    rows=FACILITIES,
                    notes=(
                        f"{best}attacker value {coverage.attacker_value:.2f}, attack set of "
                        f"{len(coverage.attack_set)}, Σ coverage {sum(coverage.coverage.values()):.6f}; {_load()}"
                    ),
                )
            )
        )
    return results


def rosters() -> list[Result]:
    targets = game()
    results = []
    for units in UNITS:
        coverage = solve_coverage(targets, units=units)
        for seed, label in ((None, "OS entropy per shift"), (1, "one seeded generator")):
            started = time.perf_counter()
            drawn = sample_rosters(coverage, shifts=SHIFTS_A_YEAR, seed=seed)
            seconds = time.perf_counter() - started
            assert all(len(roster) == units for roster in drawn)
            results.append(
                save(
                    Result(
                        name=f"patrol rosters: 1 year x 3 shifts of K = {units} over {FACILITIES:,} ({label})",
                        seconds=seconds,
                        target_seconds=None,
                        command="python -m benchmarks.bench_patrol rosters",
                        rows=SHIFTS_A_YEAR,
                        notes=f"{seconds / SHIFTS_A_YEAR * 1e6:.0f} µs a shift; {_load()}",
                    )
                )
            )
    return results


def main(which: list[str]) -> None:
    which = which or ["origami", "eraser", "rosters"]
    if "origami" in which:
        solve("origami", repeats=3, target_seconds=5.0)
        solve("origami-lp", repeats=3, target_seconds=5.0)
    if "eraser" in which:
        solve("eraser", repeats=1, target_seconds=None)
    if "rosters" in which:
        rosters()


if __name__ == "__main__":
    main(sys.argv[1:])
