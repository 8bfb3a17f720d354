"""The budgeted hardening plan: optimal against brute force, overlaps counted once, the curve, the errors."""

from __future__ import annotations

import itertools
import json
import math
import pickle
from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nigehban.errors import NigehbanError
from nigehban.security.plan import (
    BudgetTooSmall,
    InvalidPlanInput,
    Plan,
    PlanFacility,
    PlanMeasure,
    UnknownMeasure,
    marginal_curve,
    optimise_plan,
)

ITEMS = ("wall", "gate", "lights", "search", "tower")
TOP = {"wall": 4.0, "gate": 2.0, "lights": 1.0, "search": 2.0, "tower": 1.0}


def random_instance(seed: int) -> tuple[list[PlanFacility], list[PlanMeasure]]:
    """3 facilities x 4 measures; measures overlap on items, levels are partly fractional, some slopes 0."""
    rng = np.random.default_rng(seed)
    measures = []
    for j in range(4):
        raised = rng.choice(len(ITEMS), size=int(rng.integers(1, 4)), replace=False)
        measures.append(
            PlanMeasure(
                id=f"m{j}",
                name=f"measure {j}",
                cost_pkr=int(rng.integers(1, 21)) * 50_000,
                raises={ITEMS[i]: float(rng.integers(1, int(TOP[ITEMS[i]]) + 1)) for i in raised},
            )
        )
    facilities = []
    for f in range(3):
        current = {item: float(rng.integers(0, int(TOP[item]) + 1)) for item in ITEMS}
        current[ITEMS[int(rng.integers(len(ITEMS)))]] = 0.5  # an unanswered yes/no item's point estimate
        slopes = {item: float(rng.uniform(0, 20)) if rng.random() < 0.85 else 0.0 for item in ITEMS}
        applicable = None if rng.random() < 0.5 else tuple(m.id for m in measures if rng.random() < 0.8)
        overrides = {"m0": 70_000} if rng.random() < 0.3 else {}
        facilities.append(
            PlanFacility(
                id=10 + f,
                name=f"station {f}",
                risk_before=float(rng.uniform(200, 600)),
                current=current,
                slopes=slopes,
                measures=applicable,
                cost_overrides=overrides,
            )
        )
    return facilities, measures


def pairs_of(facilities: Sequence[PlanFacility], measures: Sequence[PlanMeasure]) -> list[tuple[int, PlanMeasure, int]]:
    """Every (facility index, measure, cost there) that can be bought."""
    out = []
    for f, facility in enumerate(facilities):
        for measure in measures:
            if facility.measures is None or measure.id in facility.measures:
                out.append((f, measure, int(facility.cost_overrides.get(measure.id, measure.cost_pkr))))
    return out


def removed_by(facilities: Sequence[PlanFacility], bought: Sequence[tuple[int, PlanMeasure, int]]) -> float:
    """Risk removed: each item rises to the highest level any bought measure gives it, never down."""
    total = 0.0
    for f, facility in enumerate(facilities):
        level: dict[str, float] = dict(facility.current)
        for g, measure, _ in bought:
            if g == f:
                for item, target in measure.raises.items():
                    if item in level:
                        level[item] = max(level[item], target)
        total += sum(slope * (level[item] - facility.current[item]) for item, slope in facility.slopes.items())
    return total


def brute_force(facilities: Sequence[PlanFacility], measures: Sequence[PlanMeasure]) -> list[tuple[int, float]]:
    """(cost, risk removed) of every subset of the pairs (facilities are independent but for the budget)."""
    pairs = pairs_of(facilities, measures)
    per_facility = []
    for f in range(len(facilities)):
        here = [pair for pair in pairs if pair[0] == f]
        per_facility.append(
            [
                (sum(cost for _, _, cost in subset), removed_by(facilities, subset))
                for size in range(len(here) + 1)
                for subset in itertools.combinations(here, size)
            ]
        )
    return [
        (sum(cost for cost, _ in combination), sum(removed for _, removed in combination))
        for combination in itertools.product(*per_facility)
    ]


def check_consistent(plan: Plan, facilities: Sequence[PlanFacility], measures: Sequence[PlanMeasure]) -> None:
    """Cost within budget, the chosen measures' removal is what the plan says, credits add up per facility."""
    by_id = {m.id: m for m in measures}
    position = {facility.id: f for f, facility in enumerate(facilities)}
    bought = [(position[c.facility_id], by_id[c.measure_id], c.cost_pkr) for c in plan.chosen]
    assert plan.total_cost == sum(c.cost_pkr for c in plan.chosen) <= plan.budget_pkr
    assert plan.risk_before == pytest.approx(sum(f.risk_before for f in facilities), abs=1e-9)
    assert plan.risk_before - plan.risk_after == pytest.approx(removed_by(facilities, bought), abs=1e-9)
    for outcome in plan.facilities:
        credited = sum(c.risk_removed for c in plan.chosen if c.facility_id == outcome.facility_id)
        assert outcome.risk_removed == pytest.approx(credited, abs=1e-9)
        assert outcome.cost_pkr == sum(c.cost_pkr for c in plan.chosen if c.facility_id == outcome.facility_id)
    assert all(c.risk_removed > 0 for c in plan.chosen)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), fractions=st.lists(st.floats(0.0, 1.1), min_size=3, max_size=3))
def test_the_plan_is_the_brute_force_optimum(seed: int, fractions: list[float]) -> None:
    facilities, measures = random_instance(seed)
    subsets = brute_force(facilities, measures)
    everything = max(cost for cost, _ in subsets)
    useful = [cost for f, m, cost in pairs_of(facilities, measures) if removed_by(facilities, [(f, m, cost)]) > 0]
    for fraction in fractions:
        budget = int(fraction * everything)
        if not useful:
            plan = optimise_plan(facilities, measures, budget_pkr=budget)
            assert plan.chosen == ()
            assert plan.risk_after == plan.risk_before
        elif budget < min(useful):
            with pytest.raises(BudgetTooSmall):
                optimise_plan(facilities, measures, budget_pkr=budget)
        else:
            plan = optimise_plan(facilities, measures, budget_pkr=budget)
            best = max(removed for cost, removed in subsets if cost <= budget)
            assert plan.status == "optimal"
            assert plan.risk_after == pytest.approx(plan.risk_before - best, abs=1e-9)
            check_consistent(plan, facilities, measures)


@pytest.mark.parametrize("seed", range(20))
def test_a_gap_is_honoured_and_the_bound_holds(seed: int) -> None:
    facilities, measures = random_instance(seed)
    subsets = brute_force(facilities, measures)
    budget = max(cost for cost, _ in subsets) // 3
    best = max(removed for cost, removed in subsets if cost <= budget)
    try:
        plan = optimise_plan(facilities, measures, budget_pkr=budget, mip_rel_gap=0.05)
    except BudgetTooSmall:
        return
    check_consistent(plan, facilities, measures)
    assert plan.gap <= 0.05
    assert plan.dual_bound >= best - 1e-9
    assert plan.risk_removed >= best * (1 - 0.05) - 1e-9
    assert plan.risk_removed == pytest.approx(plan.objective, abs=1e-9)


def test_beats_greedy_by_ratio() -> None:
    # Greedy by risk removed per rupee buys "cameras" first (7 for 6) and then nothing else fits;
    # the two cheaper measures together remove 10 for the same budget.
    measures = [
        PlanMeasure(id="cameras", name="CCTV", cost_pkr=600_000, raises={"a": 1}),
        PlanMeasure(id="lights", name="lights", cost_pkr=500_000, raises={"b": 1}),
        PlanMeasure(id="wire", name="razor wire", cost_pkr=500_000, raises={"c": 1}),
    ]
    station = PlanFacility(
        id=1, name="PS", risk_before=100.0, current={"a": 0, "b": 0, "c": 0}, slopes={"a": 7.0, "b": 5.0, "c": 5.0}
    )
    budget = 1_000_000
    spent, greedy = 0, 0.0
    for measure in sorted(measures, key=lambda m: -station.slopes[next(iter(m.raises))] / m.cost_pkr):
        if spent + measure.cost_pkr <= budget:
            spent += measure.cost_pkr
            greedy += station.slopes[next(iter(measure.raises))]
    assert greedy == 7.0

    plan = optimise_plan([station], measures, budget_pkr=budget)
    assert sorted(c.measure_id for c in plan.chosen) == ["lights", "wire"]
    assert plan.risk_after == 90.0
    assert plan.total_cost == 1_000_000


def test_measures_raising_the_same_item_are_not_counted_twice() -> None:
    wall = {"wall": 2.0}
    measures = [
        PlanMeasure(id="a_wall", name="wall A", cost_pkr=100_000, raises=wall),
        PlanMeasure(id="b_wall", name="wall B", cost_pkr=100_000, raises=wall),
        PlanMeasure(id="lights", name="lights", cost_pkr=100_000, raises={"lights": 1.0}),
    ]
    station = PlanFacility(
        id=1, name="PS", risk_before=100.0, current={"wall": 0.0, "lights": 0.0}, slopes={"wall": 10.0, "lights": 5.0}
    )
    plan = optimise_plan([station], measures, budget_pkr=200_000)
    ids = sorted(c.measure_id for c in plan.chosen)
    # counted twice, the two walls would look worth 40; together they are worth 20, less than wall + lights
    assert ids in (["a_wall", "lights"], ["b_wall", "lights"])
    assert plan.risk_after == 75.0


def test_a_measure_made_useless_by_a_better_one_is_not_bought() -> None:
    measures = [
        PlanMeasure(id="low", name="wall to 1", cost_pkr=100_000, raises={"wall": 1.0}),
        PlanMeasure(id="high", name="wall to 2", cost_pkr=150_000, raises={"wall": 2.0}),
    ]
    station = PlanFacility(id=1, name="PS", risk_before=100.0, current={"wall": 0.0}, slopes={"wall": 10.0})
    plan = optimise_plan([station], measures, budget_pkr=250_000)
    assert [(c.measure_id, c.risk_removed) for c in plan.chosen] == [("high", 20.0)]
    assert plan.total_cost == 150_000
    assert plan.risk_after == 80.0


def test_shared_item_steps_go_to_the_cheapest_measure_reaching_them() -> None:
    measures = [
        PlanMeasure(id="gate", name="gate and lights", cost_pkr=100_000, raises={"gate": 1.0, "lights": 1.0}),
        PlanMeasure(id="bay", name="search bay", cost_pkr=150_000, raises={"gate": 2.0}),
    ]
    station = PlanFacility(
        id=1, name="PS", risk_before=100.0, current={"gate": 0.5, "lights": 0.0}, slopes={"gate": 10.0, "lights": 4.0}
    )
    plan = optimise_plan([station], measures, budget_pkr=250_000)
    credit = {c.measure_id: c.risk_removed for c in plan.chosen}
    # gate 0.5 -> 1 (5) and lights 0 -> 1 (4) to the cheaper "gate"; gate 1 -> 2 (10) to "bay", the only one
    assert credit == {"bay": 10.0, "gate": 9.0}
    assert [c.measure_id for c in plan.chosen] == ["bay", "gate"]  # most risk removed first
    assert plan.risk_after == 81.0
    assert plan.facilities[0].risk_after == 81.0


def test_chosen_are_ordered_by_facility_then_measure() -> None:
    measures = [PlanMeasure(id="wall", name="wall", cost_pkr=100_000, raises={"wall": 1.0})]
    low = PlanFacility(id=1, name="small post", risk_before=50.0, current={"wall": 0.0}, slopes={"wall": 3.0})
    high = PlanFacility(id=2, name="police lines", risk_before=500.0, current={"wall": 0.0}, slopes={"wall": 30.0})
    plan = optimise_plan([low, high], measures, budget_pkr=200_000)
    assert [c.facility_id for c in plan.chosen] == [2, 1]
    rows = plan.rows()
    assert [row["cumulative_cost_pkr"] for row in rows] == [100_000, 200_000]
    assert rows[0] == {
        "facility_id": 2,
        "facility": "police lines",
        "measure_id": "wall",
        "measure": "wall",
        "cost_pkr": 100_000,
        "risk_removed": 30.0,
        "cumulative_cost_pkr": 100_000,
    }


def test_as_dict_is_json() -> None:
    facilities, measures = random_instance(3)
    plan = optimise_plan(facilities, measures, budget_pkr=2_000_000)
    data = json.loads(json.dumps(plan.as_dict(), allow_nan=False))
    assert data["budget_pkr"] == 2_000_000
    assert data["total_cost"] == plan.total_cost
    assert data["risk_after"] == plan.risk_after
    assert [c["cost_pkr"] for c in data["chosen"]] == [c.cost_pkr for c in plan.chosen]
    assert data["status"] == "optimal"
    assert data["model"]["binary_variables"] == plan.binary_variables > 0
    assert len(data["facilities"]) == 3


def test_measures_that_remove_nothing_are_left_out_of_the_model() -> None:
    measures = [
        PlanMeasure(id="wall", name="wall", cost_pkr=100_000, raises={"wall": 2.0}),
        PlanMeasure(id="done", name="already met", cost_pkr=10_000, raises={"gate": 1.0}),
        PlanMeasure(id="moot", name="worth nothing here", cost_pkr=20_000, raises={"tower": 1.0}),
    ]
    station = PlanFacility(
        id=1,
        name="PS",
        risk_before=100.0,
        current={"wall": 0.0, "gate": 1.0, "tower": 0.0},
        slopes={"wall": 1.0, "gate": 5.0, "tower": 0.0},
    )
    plan = optimise_plan([station], measures, budget_pkr=100_000)
    assert plan.skipped_pairs == 2
    assert plan.binary_variables == 1
    assert [c.measure_id for c in plan.chosen] == ["wall"]
    # the budget is checked against the cheapest measure that removes something, not the cheapest one
    with pytest.raises(BudgetTooSmall, match=r"'wall' at facility 1 \(PS\), PKR 100,000"):
        optimise_plan([station], measures, budget_pkr=50_000)


def test_nothing_to_remove_gives_an_empty_plan() -> None:
    measures = [PlanMeasure(id="gate", name="gate", cost_pkr=10_000, raises={"gate": 1.0})]
    station = PlanFacility(id=1, name="PS", risk_before=80.0, current={"gate": 1.0}, slopes={"gate": 5.0})
    plan = optimise_plan([station], measures, budget_pkr=0)
    assert (plan.chosen, plan.total_cost, plan.risk_after, plan.skipped_pairs) == ((), 0, 80.0, 1)


def test_a_time_limit_still_gives_a_feasible_plan() -> None:
    facilities, measures = random_instance(11)
    plan = optimise_plan(facilities, measures, budget_pkr=1_000_000, time_limit=0.0)
    assert plan.status in ("optimal", "time limit")
    check_consistent(plan, facilities, measures)
    assert plan.risk_removed <= plan.dual_bound + 1e-9


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_marginal_curve_is_monotone_and_each_point_optimal(seed: int) -> None:
    facilities, measures = random_instance(seed)
    subsets = brute_force(facilities, measures)
    everything = max(cost for cost, _ in subsets)
    step = max(50_000, everything // 8 // 50_000 * 50_000)
    curve = marginal_curve(facilities, measures, step_pkr=step, max_budget_pkr=everything + step)
    assert curve[0].budget_pkr == 0
    assert curve[0].risk_after == sum(f.risk_before for f in facilities)
    assert curve[0].total_cost == 0
    largest = everything + step
    steps = list(range(0, largest + 1, step))
    assert [p.budget_pkr for p in curve] == (steps if steps[-1] == largest else [*steps, largest])
    for before, after in itertools.pairwise(curve):
        assert after.risk_after <= before.risk_after
        assert after.removed_per_step == pytest.approx(before.risk_after - after.risk_after, abs=1e-9)
    for point in curve:
        best = max(removed for cost, removed in subsets if cost <= point.budget_pkr)
        assert point.risk_removed == pytest.approx(best, abs=1e-9)
        assert point.total_cost <= point.budget_pkr
    assert curve[-1].risk_removed == pytest.approx(max(removed for _, removed in subsets), abs=1e-9)


def test_marginal_curve_ends_at_the_largest_budget() -> None:
    facilities, measures = random_instance(4)
    curve = marginal_curve(facilities, measures, step_pkr=400_000, max_budget_pkr=1_000_000)
    assert [p.budget_pkr for p in curve] == [0, 400_000, 800_000, 1_000_000]


def _station(**changes: object) -> PlanFacility:
    fields: dict[str, object] = {
        "id": 1,
        "name": "PS Saddar",
        "risk_before": 100.0,
        "current": {"wall": 0.0},
        "slopes": {"wall": 10.0},
    }
    fields.update(changes)
    return PlanFacility(**fields)  # type: ignore[arg-type]


WALL = PlanMeasure(id="wall", name="wall", cost_pkr=300_000, raises={"wall": 2.0})


def test_budget_too_small_names_the_budget_and_the_cheapest_measure() -> None:
    cheap = PlanMeasure(id="lights", name="lights", cost_pkr=120_000, raises={"wall": 1.0})
    with pytest.raises(BudgetTooSmall) as caught:
        optimise_plan([_station()], [WALL, cheap], budget_pkr=100_000)
    error = caught.value
    assert str(error) == (
        "a budget of PKR 100,000 buys nothing: the cheapest measure that would remove any risk is "
        "'lights' at facility 1 (PS Saddar), PKR 120,000"
    )
    assert (error.budget_pkr, error.measure_id, error.cost_pkr) == (100_000, "lights", 120_000)
    assert isinstance(error, NigehbanError)
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def test_a_cost_override_counts_for_the_cheapest_measure() -> None:
    with pytest.raises(BudgetTooSmall, match=r"PKR 250,000$"):
        optimise_plan([_station(cost_overrides={"wall": 250_000})], [WALL], budget_pkr=200_000)
    plan = optimise_plan([_station(cost_overrides={"wall": 250_000})], [WALL], budget_pkr=260_000)
    assert plan.total_cost == 250_000


@pytest.mark.parametrize(
    ("facilities", "measures", "budget", "error", "message"),
    [
        ([_station()], [WALL], -1, InvalidPlanInput, "cannot be negative"),
        ([_station()], [WALL], 1.5, InvalidPlanInput, "whole number"),
        ([], [WALL], 1_000_000, InvalidPlanInput, "no facilities"),
        ([_station()], [], 1_000_000, InvalidPlanInput, "no measures"),
        ([_station(measures=("wall", "moat"))], [WALL], 1_000_000, UnknownMeasure, "no measure 'moat'"),
        ([_station(cost_overrides={"moat": 5})], [WALL], 1_000_000, UnknownMeasure, "facility 1 .PS Saddar."),
        ([_station(slopes={"wall": -2.0})], [WALL], 1_000_000, InvalidPlanInput, "slope of item 'wall' is -2.0"),
        ([_station(slopes={"wall": math.nan})], [WALL], 1_000_000, InvalidPlanInput, "slope"),
        ([_station(current={})], [WALL], 1_000_000, InvalidPlanInput, "no current level"),
        ([_station(current={"wall": -1.0})], [WALL], 1_000_000, InvalidPlanInput, "current level"),
        ([_station(), _station()], [WALL], 1_000_000, InvalidPlanInput, "appears twice"),
        ([_station()], [WALL, WALL], 1_000_000, InvalidPlanInput, "appears twice"),
        ([_station()], [PlanMeasure("x", "x", 0, {"wall": 1.0})], 1_000_000, InvalidPlanInput, "above 0"),
        ([_station()], [PlanMeasure("x", "x", 5, {"wall": -1.0})], 1_000_000, InvalidPlanInput, "raised to"),
        ([_station(cost_overrides={"wall": 0})], [WALL], 1_000_000, InvalidPlanInput, "above 0"),
    ],
)
def test_invalid_input_is_refused(
    facilities: list[PlanFacility],
    measures: list[PlanMeasure],
    budget: int,
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        optimise_plan(facilities, measures, budget_pkr=budget)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"step_pkr": 0}, "step"),
        ({"max_budget_pkr": -5}, "cannot be negative"),
        ({"mip_rel_gap": -0.1}, "mip_rel_gap"),
    ],
)
def test_invalid_curve_is_refused(changes: Mapping[str, object], message: str) -> None:
    arguments: dict[str, object] = {"step_pkr": 100_000, "max_budget_pkr": 1_000_000}
    arguments.update(changes)
    with pytest.raises(InvalidPlanInput, match=message):
        marginal_curve([_station()], [WALL], **arguments)  # type: ignore[arg-type]
