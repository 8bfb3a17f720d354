"""The budgeted hardening plan: 2,000 facilities x 30 measures, exact and to 0.01 %, and a marginal curve.

    python -m benchmarks.bench_plan [FACILITIES] [gap] [exact] [curve]

Target (issue 6): the optimal plan for 2,000 facilities x 30 measures in under 10 s. The instance is
synthetic but shaped like the real one: 50 checklist items (a fifth yes/no, the rest on 0-2 or 0-4
scales) weighted 0-5 per scenario, current levels drawn per facility with one answer in ten left
unanswered (counted at half the scale, so yes/no items sit at 0.5), threat 1-10 per scenario and
consequence 1-10 per facility, 30 measures each raising 1-4 items to between half and all of the scale
at PKR 0.1-10 million (log-uniform), each facility able to take 20-30 of them, and one facility in ten
paying half again for some. The budget is 10 % of the cost of every measure everywhere.

``gap``: the plan within 0.01 % of optimal (``mip_rel_gap=1e-4``); ``exact``: the optimal plan
(``mip_rel_gap=0``, minutes at this size); ``curve``: a marginal curve of 11 points from nothing to 20 %
of the cost of everything, each within 0.01 %.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from benchmarks.common import Result, save
from nigehban.security.plan import PlanFacility, PlanMeasure, marginal_curve, optimise_plan
from nigehban.security.vocabulary import SCENARIOS

ITEMS, MEASURES = 50, 30
GAP = 1e-4  # the practical gap: 0.01 % of the risk removed


def synthetic_instance(facilities: int, *, seed: int = 6) -> tuple[list[PlanFacility], list[PlanMeasure]]:
    """Facilities and measures with slopes from the FEMA 426 style risk model (see the module docstring)."""
    rng = np.random.default_rng(seed)
    items = [f"item_{i:02d}" for i in range(ITEMS)]
    top = rng.choice([1, 2, 4], size=ITEMS, p=[0.2, 0.4, 0.4]).astype(float)
    weights = rng.integers(0, 6, size=(ITEMS, len(SCENARIOS))).astype(float)
    weights[weights.sum(axis=1) == 0, 0] = 1.0  # every item matters somewhere
    total_weight = weights.sum(axis=0)

    measures = []
    for j in range(MEASURES):
        raised = rng.choice(ITEMS, size=int(rng.integers(1, 5)), replace=False)
        cost = int(round(float(np.exp(rng.uniform(np.log(1e5), np.log(1e7)))), -3))
        measures.append(
            PlanMeasure(
                id=f"m{j:02d}",
                name=f"measure {j}",
                cost_pkr=cost,
                raises={items[i]: float(rng.integers(int(np.ceil(top[i] / 2)), int(top[i]) + 1)) for i in raised},
            )
        )
    ids = [m.id for m in measures]

    plan_facilities = []
    for f in range(facilities):
        threat = rng.integers(1, 11, size=len(SCENARIOS)).astype(float)
        consequence = float(rng.integers(1, 11))
        level = np.floor(rng.uniform(0, top + 1))
        unanswered = rng.random(ITEMS) < 0.1
        level[unanswered] = top[unanswered] / 2
        shortfall = 1 - level / top
        vulnerability = 1 + 9 * (weights * shortfall[:, None]).sum(axis=0) / total_weight
        risk = float((threat * vulnerability * consequence).sum())
        # one level of item i removes sum_s T_s C 9 w_is / (W_s max_i) risk points
        slope = (threat * consequence * 9 * weights / total_weight).sum(axis=1) / top
        applicable = sorted(rng.choice(ids, size=int(rng.integers(20, 31)), replace=False).tolist())
        overrides = (
            {m: int(next(x.cost_pkr for x in measures if x.id == m) * 3 // 2) for m in applicable[:3]}
            if rng.random() < 0.1
            else {}
        )
        plan_facilities.append(
            PlanFacility(
                id=f + 1,
                name=f"facility {f + 1}",
                risk_before=risk,
                current=dict(zip(items, level.tolist(), strict=True)),
                slopes=dict(zip(items, slope.tolist(), strict=True)),
                measures=tuple(applicable),
                cost_overrides=overrides,
            )
        )
    return plan_facilities, measures


def everything_cost(facilities: list[PlanFacility], measures: list[PlanMeasure]) -> int:
    """The cost of buying every measure at every facility that can take it."""
    cost = {m.id: m.cost_pkr for m in measures}
    return sum(facility.cost_overrides.get(m, cost[m]) for facility in facilities for m in (facility.measures or cost))


def plan_once(
    plan_facilities: list[PlanFacility], measures: list[PlanMeasure], budget: int, *, gap: float, label: str
) -> Result:
    started = time.perf_counter()
    plan = optimise_plan(plan_facilities, measures, budget_pkr=budget, mip_rel_gap=gap)
    seconds = time.perf_counter() - started
    print(
        f"  model: {plan.binary_variables:,} binary + {plan.continuous_variables:,} continuous variables, "
        f"{plan.constraints:,} constraints, {plan.nonzeros:,} nonzeros, {plan.skipped_pairs:,} pairs worth "
        "nothing left out\n"
        f"  [{label}] build {plan.build_seconds:.2f} s, solve {plan.solve_seconds:.2f} s, total {seconds:.2f} s; "
        f"status {plan.status}, gap {plan.gap:.1e}, risk removed {plan.risk_removed:,.4f}, "
        f"bound {plan.dual_bound:,.4f}; {len(plan.chosen):,} measures for PKR {plan.total_cost:,}",
        flush=True,
    )
    facilities = len(plan_facilities)
    return save(
        Result(
            name=f"{label} hardening plan, {facilities:,} facilities x {MEASURES} measures",
            seconds=seconds,
            target_seconds=10.0,
            command=f"python -m benchmarks.bench_plan {facilities} {'exact' if gap == 0 else 'gap'}",
            rows=facilities,
            notes=(
                f"mip_rel_gap={gap:g}: build {plan.build_seconds:.2f} s, solve {plan.solve_seconds:.2f} s, "
                f"status {plan.status}, gap {plan.gap:.1e}; {plan.binary_variables:,} binary and "
                f"{plan.continuous_variables:,} continuous variables, {plan.constraints:,} constraints"
            ),
        )
    )


def main(which: list[str]) -> None:
    facilities = int(which.pop(0)) if which and which[0].isdigit() else 2000
    which = which or ["exact", "gap", "curve"]
    started = time.perf_counter()
    plan_facilities, measures = synthetic_instance(facilities)
    generated = time.perf_counter() - started
    everything = everything_cost(plan_facilities, measures)
    budget = everything // 10
    print(
        f"{facilities:,} facilities x {MEASURES} measures (made in {generated:.1f} s), budget PKR {budget:,} "
        f"(10 % of PKR {everything:,})",
        flush=True,
    )
    if "gap" in which:
        plan_once(plan_facilities, measures, budget, gap=GAP, label="0.01 %")
    if "exact" in which:
        plan_once(plan_facilities, measures, budget, gap=0.0, label="optimal")
    if "curve" in which:
        step = everything // 50
        started = time.perf_counter()
        curve = marginal_curve(plan_facilities, measures, step_pkr=step, max_budget_pkr=10 * step, mip_rel_gap=GAP)
        seconds = time.perf_counter() - started
        for point in curve:
            print(
                f"  PKR {point.budget_pkr / 1e6:9,.1f} M: risk left {point.risk_after:12,.1f}, "
                f"removed by the step {point.removed_per_step:10,.1f} ({point.status})"
            )
        save(
            Result(
                name=f"marginal curve of {len(curve)} plans (0.01 %), {facilities:,} facilities x {MEASURES} measures",
                seconds=seconds,
                target_seconds=None,
                command=f"python -m benchmarks.bench_plan {facilities} curve",
                rows=facilities,
                notes=f"budgets 0 to 20 % of the cost of everything in steps of PKR {step:,}, mip_rel_gap={GAP:g}",
            )
        )


if __name__ == "__main__":
    main(sys.argv[1:])
