"""The budgeted hardening plan: which countermeasures to buy, where, to remove the most risk for the money.

A facility's risk is linear in each checklist item's level (see :mod:`~nigehban.security.risk`): raising
item ``i`` by one level at facility ``f`` removes ``slope_fi`` risk points. A countermeasure raises some
items to at least a given level; two measures raising the same item do not add up, the item reaches the
higher of the two levels. Choosing the set of (facility, measure) pairs that removes the most risk within
a budget is a knapsack with these overlaps, solved here exactly as a mixed-integer linear programme with
HiGHS:

- a binary ``x_fm`` for every facility and applicable measure that could remove any risk there (pairs
  that cannot are left out of the model and counted in :attr:`Plan.skipped_pairs`);
- for each facility ``f`` and item ``i``, the distinct levels ``l_1 < l_2 < ...`` above the current level
  that the measures could bring it to, and a continuous ``z_fik`` in ``[0, 1]`` with
  ``z_fik <= sum of x_fm over the measures raising i to l_k or more``;
- maximise ``sum of slope_fi * (l_k - max(l_{k-1}, current_fi)) * z_fik`` subject to
  ``sum of cost_fm * x_fm <= budget``.

At integral ``x`` the best ``z`` is ``min(1, sum x)``, 0 or 1, so the model is exact: the plan it finds
is an optimal one (to the gap asked for, zero by default). A step that only one pair can reach is folded
into that pair's objective rather than given a ``z`` (half the steps or more). The risk after the plan is
recomputed from the chosen measures and the inputs, not taken from the solver.

How it is solved, and what it costs: HiGHS solves the LP relaxation (0.5 s for 2,000 facilities x 30
measures), which bounds the risk any plan could remove; its plan, rounded down and topped up greedily by
risk removed per rupee, is a plan within the budget, typically within 0.005 % of the bound. If that is
within the gap asked for, it is the answer; otherwise HiGHS's branch and bound starts from it. At 2,000
facilities x 30 measures (40,000 binaries in one budget row) a 0.01 % gap (``mip_rel_gap=1e-4``) takes
about a second, the exact optimum (the default) two to three minutes: it is a knapsack, and proving that
no plan is better by the last fraction of a risk point is combinatorial work. Large inputs should pass a
small gap or a ``time_limit``; the plan reports its ``gap`` and ``dual_bound`` either way.

This module knows nothing of the database or of the checklist file: the caller turns audits, risk and
the catalogue into :class:`PlanFacility` and :class:`PlanMeasure`.

>>> measures = [PlanMeasure(id="wall", name="raise the rear wall", cost_pkr=600_000, raises={"wall": 2}),
...             PlanMeasure(id="gate", name="search bay at the gate", cost_pkr=500_000, raises={"search": 1})]
>>> station = PlanFacility(id=1, name="PS Saddar", risk_before=300.0, current={"wall": 0, "search": 0},
...                        slopes={"wall": 20.0, "search": 30.0})
>>> plan = optimise_plan([station], measures, budget_pkr=1_000_000)
>>> [choice.measure_id for choice in plan.chosen], plan.total_cost, plan.risk_after
(['wall'], 600000, 260.0)
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from nigehban.errors import NigehbanError

__all__ = [
    "BudgetTooSmall",
    "CurvePoint",
    "FacilityOutcome",
    "InvalidPlanInput",
    "Plan",
    "PlanChoice",
    "PlanError",
    "PlanFacility",
    "PlanMeasure",
    "PlanSolverError",
    "UnknownMeasure",
    "marginal_curve",
    "optimise_plan",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The solver's objective and the risk recomputed from the chosen measures must agree to this, relative.
_AGREEMENT = 1e-6
# An x value above this is a measure bought; HiGHS returns integral values to its integrality tolerance.
_CHOSEN = 0.5


class PlanError(NigehbanError):
    """A hardening plan cannot be made as asked."""


class InvalidPlanInput(PlanError, ValueError):
    """The facilities, measures or budget given to the planner are not valid (says which and why)."""


class UnknownMeasure(PlanError, LookupError):
    """A facility lists (or overrides the cost of) a measure the catalogue does not have."""

    def __init__(self, facility: str, measure_id: str) -> None:
        self._arguments = (facility, measure_id)
        self.facility = facility
        self.measure_id = measure_id
        super().__init__(f"facility {facility}: no measure {measure_id!r} in the catalogue")


class BudgetTooSmall(PlanError):
    """The budget does not buy even the cheapest measure that would remove any risk."""

    def __init__(self, budget_pkr: int, measure_id: str, facility: str, cost_pkr: int) -> None:
        self._arguments = (budget_pkr, measure_id, facility, cost_pkr)
        self.budget_pkr = budget_pkr
        self.measure_id = measure_id
        self.facility = facility
        self.cost_pkr = cost_pkr
        super().__init__(
            f"a budget of PKR {budget_pkr:,} buys nothing: the cheapest measure that would remove any risk is "
            f"{measure_id!r} at facility {facility}, PKR {cost_pkr:,}"
        )


class PlanSolverError(PlanError):
    """HiGHS did not return a usable solution, or its answer disagrees with the recomputed risk."""


@dataclass(frozen=True)
class PlanMeasure:
    """A countermeasure: what it costs and which checklist items it raises to which level.

    ``raises`` maps an item id to the level the item is at (at least) after the measure.
    """

    id: str
    name: str
    cost_pkr: int
    raises: Mapping[str, float]


@dataclass(frozen=True)
class PlanFacility:
    """A facility as the planner sees it: its risk now, its item levels and what each level is worth.

    ``current`` maps item ids to the level now (fractional levels are allowed, e.g. 0.5 for an unanswered
    yes/no item's point estimate); ``slopes`` maps item ids to the risk one level of the item removes
    here (an item without a slope is worth nothing here, e.g. it does not apply). ``measures`` lists the
    ids of the measures that can be bought here (``None``: all of them); ``cost_overrides`` gives the
    price of a measure here when it differs from the catalogue's (a large compound needs more wall).
    """

    id: int
    name: str
    risk_before: float
    current: Mapping[str, float]
    slopes: Mapping[str, float]
    measures: tuple[str, ...] | None = None
    cost_overrides: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanChoice:
    """One measure to buy at one facility, with the risk it removes there."""

    facility_id: int
    facility_name: str
    measure_id: str
    measure_name: str
    cost_pkr: int
    risk_removed: float


@dataclass(frozen=True)
class FacilityOutcome:
    """A facility's risk before and after the plan, and what the plan spends there."""

    facility_id: int
    facility_name: str
    risk_before: float
    risk_after: float
    cost_pkr: int
    measures: int

    @property
    def risk_removed(self) -> float:
        return self.risk_before - self.risk_after


@dataclass(frozen=True)
class Plan:
    """The measures to buy within a budget, and the risk left after them.

    ``chosen`` is sorted by the risk the plan removes at the facility (most first), then facility id, then
    by the risk each measure removes (most first) and measure id. When two chosen measures at a facility
    raise the same item, each step of the item (from one reached level to the next) is credited to the
    cheapest chosen measure that reaches it (ties: the smaller measure id), so the risk removed by a
    facility's choices adds up to the facility's risk removed. A measure that the solver chose but that
    adds nothing beside the others at its facility (every level it reaches, another chosen measure reaches
    too) is dropped from the plan, which then costs less and removes the same risk.

    ``status`` is ``"optimal"`` (to ``gap``, which is at most the ``mip_rel_gap`` asked for) or ``"time
    limit"`` (the best plan found in time). ``objective`` is the risk the plan removes by the model,
    ``dual_bound`` the most risk any plan within the budget could remove, and ``gap`` their difference
    relative to ``objective`` (the most the plan can fall short of the optimum, as a fraction).
    ``solve_seconds`` counts the LP relaxation, the rounding and HiGHS's branch and bound if it ran.
    """

    budget_pkr: int
    total_cost: int
    risk_before: float
    risk_after: float
    chosen: tuple[PlanChoice, ...]
    facilities: tuple[FacilityOutcome, ...]
    status: str
    objective: float
    dual_bound: float
    gap: float
    build_seconds: float
    solve_seconds: float
    binary_variables: int
    continuous_variables: int
    constraints: int
    nonzeros: int
    skipped_pairs: int

    @property
    def risk_removed(self) -> float:
        return self.risk_before - self.risk_after

    def as_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data (an infinite gap, when no bound is known, is ``None``)."""
        return {
            "budget_pkr": self.budget_pkr,
            "total_cost": self.total_cost,
            "risk_before": self.risk_before,
            "risk_after": self.risk_after,
            "risk_removed": self.risk_removed,
            "status": self.status,
            "objective": self.objective,
            "dual_bound": _finite_or_none(self.dual_bound),
            "gap": _finite_or_none(self.gap),
            "build_seconds": self.build_seconds,
            "solve_seconds": self.solve_seconds,
            "model": {
                "binary_variables": self.binary_variables,
                "continuous_variables": self.continuous_variables,
                "constraints": self.constraints,
                "nonzeros": self.nonzeros,
                "skipped_pairs": self.skipped_pairs,
            },
            "chosen": [
                {
                    "facility_id": c.facility_id,
                    "facility_name": c.facility_name,
                    "measure_id": c.measure_id,
                    "measure_name": c.measure_name,
                    "cost_pkr": c.cost_pkr,
                    "risk_removed": c.risk_removed,
                }
                for c in self.chosen
            ],
            "facilities": [
                {
                    "facility_id": o.facility_id,
                    "facility_name": o.facility_name,
                    "risk_before": o.risk_before,
                    "risk_after": o.risk_after,
                    "cost_pkr": o.cost_pkr,
                    "measures": o.measures,
                }
                for o in self.facilities
            ],
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per measure to buy, in the plan's order, with the running total of the cost.

        For a CSV a commander reads; the caller adds what the planner does not know (e.g. the district).
        """
        rows: list[dict[str, Any]] = []
        cumulative = 0
        for choice in self.chosen:
            cumulative += choice.cost_pkr
            rows.append(
                {
                    "facility_id": choice.facility_id,
                    "facility": choice.facility_name,
                    "measure_id": choice.measure_id,
                    "measure": choice.measure_name,
                    "cost_pkr": choice.cost_pkr,
                    "risk_removed": round(choice.risk_removed, 3),
                    "cumulative_cost_pkr": cumulative,
                }
            )
        return rows


@dataclass(frozen=True)
class CurvePoint:
    """The best plan at one budget of a marginal curve.

    ``removed_per_step`` is the risk this budget removes beyond the previous point's (0 at the first).
    """

    budget_pkr: int
    total_cost: int
    risk_after: float
    risk_removed: float
    removed_per_step: float
    status: str


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _label(facility: PlanFacility) -> str:
    return f"{facility.id} ({facility.name})"


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _check_budget(budget_pkr: int, what: str = "budget") -> None:
    if not _is_int(budget_pkr):
        raise InvalidPlanInput(f"the {what} must be a whole number of PKR, not {budget_pkr!r}")
    if budget_pkr < 0:
        raise InvalidPlanInput(f"the {what} cannot be negative (PKR {budget_pkr:,})")


@dataclass
class _Model:
    """The MILP's arrays, and what is needed to read a solution back."""

    facilities: tuple[PlanFacility, ...]
    measures: tuple[PlanMeasure, ...]
    pair_facility: IntArray  # per binary column: facility index
    pair_measure: IntArray  # per binary column: measure index
    pair_cost: IntArray  # per binary column: PKR
    x_gain: FloatArray  # per binary column: risk removed by steps no other pair reaches
    z_gain: FloatArray  # per continuous column: risk removed when the step (shared by pairs) is reached
    matrix: sp.csc_matrix  # rows: one per z, then the budget row last
    skipped_pairs: int
    cheapest: tuple[int, str, str] | None  # (cost, measure id, facility label) of the cheapest useful pair
    build_seconds: float

    @property
    def binaries(self) -> int:
        return len(self.pair_cost)

    @property
    def continuous(self) -> int:
        return len(self.z_gain)


def _validate(facilities: Sequence[PlanFacility], measures: Sequence[PlanMeasure]) -> dict[str, int]:
    """Check the inputs; return each measure's index."""
    if not facilities:
        raise InvalidPlanInput("no facilities to plan for")
    if not measures:
        raise InvalidPlanInput("no measures to choose from")
    index: dict[str, int] = {}
    for j, measure in enumerate(measures):
        if measure.id in index:
            raise InvalidPlanInput(f"measure {measure.id!r} appears twice in the catalogue")
        index[measure.id] = j
        if not _is_int(measure.cost_pkr) or measure.cost_pkr <= 0:
            raise InvalidPlanInput(f"measure {measure.id!r}: the cost must be a whole number of PKR above 0")
        for item, level in measure.raises.items():
            if not math.isfinite(level) or level < 0:
                raise InvalidPlanInput(f"measure {measure.id!r}: item {item!r} raised to {level!r}")
    seen: set[int] = set()
    for facility in facilities:
        label = _label(facility)
        if facility.id in seen:
            raise InvalidPlanInput(f"facility {facility.id} appears twice")
        seen.add(facility.id)
        if not math.isfinite(facility.risk_before):
            raise InvalidPlanInput(f"facility {label}: risk before is {facility.risk_before!r}")
        for item, slope in facility.slopes.items():
            if not math.isfinite(slope) or slope < 0:
                raise InvalidPlanInput(
                    f"facility {label}: the slope of item {item!r} is {slope!r}; raising an item cannot add risk"
                )
            if item not in facility.current:
                raise InvalidPlanInput(f"facility {label}: item {item!r} has a slope but no current level")
        for item, level in facility.current.items():
            if not math.isfinite(level) or level < 0:
                raise InvalidPlanInput(f"facility {label}: the current level of item {item!r} is {level!r}")
        for measure_id in facility.measures or ():
            if measure_id not in index:
                raise UnknownMeasure(label, measure_id)
        for measure_id, cost in facility.cost_overrides.items():
            if measure_id not in index:
                raise UnknownMeasure(label, measure_id)
            if not _is_int(cost) or cost <= 0:
                raise InvalidPlanInput(f"facility {label}: the cost of {measure_id!r} must be a whole number above 0")
    return index


def _build(facilities: Sequence[PlanFacility], measures: Sequence[PlanMeasure]) -> _Model:
    started = time.perf_counter()
    index = _validate(facilities, measures)
    facilities = tuple(facilities)
    measures = tuple(measures)

    # Items that some measure raises; the others cannot change and are left out.
    item_index: dict[str, int] = {}
    raise_item: list[int] = []
    raise_level: list[float] = []
    raise_start = np.zeros(len(measures) + 1, dtype=np.int64)
    for j, measure in enumerate(measures):
        for item, level in measure.raises.items():
            raise_item.append(item_index.setdefault(item, len(item_index)))
            raise_level.append(float(level))
        raise_start[j + 1] = len(raise_item)
    items = np.asarray(raise_item, dtype=np.int64)
    levels = np.asarray(raise_level, dtype=np.float64)

    slope = np.zeros((len(facilities), len(item_index)))
    current = np.zeros((len(facilities), len(item_index)))
    pair_f: list[npt.NDArray[np.int64]] = []
    pair_m: list[npt.NDArray[np.int64]] = []
    pair_c: list[npt.NDArray[np.int64]] = []
    base_cost = np.array([m.cost_pkr for m in measures], dtype=np.int64)
    for f, facility in enumerate(facilities):
        for item, value in facility.slopes.items():
            k = item_index.get(item)
            if k is not None:
                slope[f, k] = value
                current[f, k] = facility.current[item]
        applicable = (
            np.arange(len(measures), dtype=np.int64)
            if facility.measures is None
            else np.array(sorted({index[m] for m in facility.measures}), dtype=np.int64)
        )
        costs = base_cost[applicable]
        if facility.cost_overrides:
            where = {int(j): n for n, j in enumerate(applicable)}
            for measure_id, cost in facility.cost_overrides.items():
                # an override for a measure not bought here changes nothing
                if index[measure_id] in where:
                    costs[where[index[measure_id]]] = cost
        pair_f.append(np.full(len(applicable), f, dtype=np.int64))
        pair_m.append(applicable)
        pair_c.append(costs)
    all_f = np.concatenate(pair_f)
    all_m = np.concatenate(pair_m)
    all_c = np.concatenate(pair_c)

    # Every (pair, item raised) as a row of arrays; keep those that raise a worthwhile item above now.
    counts = raise_start[all_m + 1] - raise_start[all_m]
    t_pair = np.repeat(np.arange(len(all_m)), counts)
    t_first = np.repeat(raise_start[all_m] - np.cumsum(counts) + counts, counts)
    t_raise = t_first + np.arange(len(t_pair))
    t_f = all_f[t_pair]
    t_item = items[t_raise]
    t_level = levels[t_raise]
    t_slope = slope[t_f, t_item]
    t_current = current[t_f, t_item]
    useful = (t_slope > 0) & (t_level > t_current)
    gain = np.bincount(t_pair[useful], weights=t_slope[useful] * (t_level - t_current)[useful], minlength=len(all_m))
    keep = gain > 0
    column = np.full(len(all_m), -1, dtype=np.int64)
    column[keep] = np.arange(int(keep.sum()))
    pair_facility, pair_measure, pair_cost = all_f[keep], all_m[keep], all_c[keep]

    t_col = column[t_pair[useful]]
    t_f, t_item, t_level = t_f[useful], t_item[useful], t_level[useful]
    t_slope, t_current = t_slope[useful], t_current[useful]

    # The distinct levels per (facility, item), ascending: one z column per level.
    order = np.lexsort((t_level, t_item, t_f))
    t_col, t_f, t_item, t_level = t_col[order], t_f[order], t_item[order], t_level[order]
    t_slope, t_current = t_slope[order], t_current[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = (t_f[1:] != t_f[:-1]) | (t_item[1:] != t_item[:-1])
    new_level = new_group.copy()
    new_level[1:] |= t_level[1:] != t_level[:-1]
    t_z = np.cumsum(new_level) - 1  # each triplet's own z column
    group_first_z = t_z[new_group]
    t_group = np.cumsum(new_group) - 1
    n_z = int(t_z[-1]) + 1 if len(t_z) else 0
    z_level = t_level[new_level]
    z_slope = t_slope[new_level]
    z_group = t_group[new_level]
    z_below = np.empty(n_z)
    if n_z:
        z_below[1:] = z_level[:-1]
        z_first = np.ones(n_z, dtype=bool)
        z_first[1:] = z_group[1:] != z_group[:-1]
        z_below[z_first] = t_current[new_group]
    z_gain = z_slope * (z_level - z_below)

    # Row z: z - sum of the x reaching its level or above <= 0. A triplet at z column t reaches every
    # level of its group up to its own: rows group_first_z .. t.
    reach = t_z - group_first_z[t_group] + 1
    entry_row = np.repeat(group_first_z[t_group], reach) + (
        np.arange(int(reach.sum())) - np.repeat(np.cumsum(reach) - reach, reach)
    )
    entry_col = np.repeat(t_col, reach)
    n_x = len(pair_cost)
    # A step that only one pair reaches is worth its gain exactly when that pair is bought: its gain goes
    # on the pair and the step leaves the model (most steps are such; the model shrinks by half or more).
    single = np.bincount(entry_row, minlength=n_z) == 1
    on_single = single[entry_row]
    x_gain = np.bincount(entry_col[on_single], weights=z_gain[entry_row[on_single]], minlength=n_x).astype(np.float64)
    renumber = np.cumsum(~single) - 1
    entry_row, entry_col = renumber[entry_row[~on_single]], entry_col[~on_single]
    z_gain = z_gain[~single]
    n_z = len(z_gain)
    rows = np.concatenate([entry_row, np.arange(n_z), np.full(n_x, n_z)])
    cols = np.concatenate([entry_col, n_x + np.arange(n_z), np.arange(n_x)])
    values = np.concatenate([-np.ones(len(entry_row)), np.ones(n_z), pair_cost.astype(np.float64)])
    matrix = sp.csc_matrix((values, (rows, cols)), shape=(n_z + 1, n_x + n_z))

    cheapest = None
    if n_x:
        best = min(range(n_x), key=lambda p: (int(pair_cost[p]), measures[pair_measure[p]].id, int(pair_facility[p])))
        cheapest = (
            int(pair_cost[best]),
            measures[pair_measure[best]].id,
            _label(facilities[pair_facility[best]]),
        )
    return _Model(
        facilities=facilities,
        measures=measures,
        pair_facility=pair_facility,
        pair_measure=pair_measure,
        pair_cost=pair_cost,
        x_gain=x_gain,
        z_gain=z_gain,
        matrix=matrix,
        skipped_pairs=len(all_m) - n_x,
        cheapest=cheapest,
        build_seconds=time.perf_counter() - started,
    )


def _highs(
    model: _Model, budget_pkr: int, *, integral: bool, mip_rel_gap: float, time_limit: float | None
) -> highspy.Highs:
    """A silent HiGHS instance holding the model (or its LP relaxation), with the gap and time limit."""
    highs = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy's Python wrapper has no annotations
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", mip_rel_gap)
    # HiGHS also stops at an absolute gap of 1e-6 by default; at an exact relative gap, stop only when
    # the bound meets the plan (or the search is done), so ties closer than 1e-6 are not settled early.
    highs.setOptionValue("mip_abs_gap", 0.0 if mip_rel_gap == 0 else 1e-6)
    # HiGHS's presolve is slow on this model (the budget row holds every binary): 130 s against 14 s
    # without it for 2,000 facilities x 30 measures at a 1e-4 gap, for the same plan. The model is
    # already reduced here (pairs worth nothing and steps only one pair reaches are gone).
    highs.setOptionValue("presolve", "off")
    if time_limit is not None:
        highs.setOptionValue("time_limit", float(time_limit))
    n_x, n_z = model.binaries, model.continuous
    matrix = model.matrix
    status = highs.passModel(
        n_x + n_z,
        n_z + 1,
        matrix.nnz,
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMaximize),
        0.0,
        np.concatenate([model.x_gain, model.z_gain]),
        np.zeros(n_x + n_z),
        np.ones(n_x + n_z),
        np.full(n_z + 1, -highspy.kHighsInf),
        np.concatenate([np.zeros(n_z), [float(budget_pkr)]]),
        matrix.indptr[:-1].astype(np.int32),
        matrix.indices.astype(np.int32),
        matrix.data,
        np.concatenate([np.full(n_x, int(integral), dtype=np.int32), np.zeros(n_z, dtype=np.int32)]),
    )
    if status != highspy.HighsStatus.kOk:
        raise PlanSolverError(f"HiGHS did not accept the model ({status})")
    return highs


@dataclass
class _Solved:
    chosen: npt.NDArray[np.bool_]
    status: str
    objective: float
    dual_bound: float
    gap: float
    seconds: float


class _Solver:
    """The model's LP relaxation and MILP in HiGHS, solved at one budget after another.

    At each budget: the LP relaxation (fast, and warm from the last budget) bounds the risk removable;
    its plan, rounded down and topped up greedily, is a plan within the budget. When that plan is within
    the gap asked for of the bound, it is the answer; otherwise HiGHS's branch and bound starts from it.
    HiGHS's MILP is slow to start on this model (its root LP alone takes ~10 s for 2,000 facilities, the
    standalone LP 0.5 s), so a gap the rounding already meets costs about a second.
    """

    def __init__(self, model: _Model, *, mip_rel_gap: float, time_limit: float | None) -> None:
        self.model = model
        self.mip_rel_gap = mip_rel_gap
        self.time_limit = time_limit
        self._lp: highspy.Highs | None = None
        self._mip: highspy.Highs | None = None
        n_x = model.binaries
        # steps x pairs: 1 where the pair brings the step's item to the step's level or above
        self._reach = sp.csc_matrix(-model.matrix[:-1, :n_x])
        self._gains = np.concatenate([model.x_gain, model.z_gain])

    def value(self, chosen: npt.NDArray[np.bool_]) -> float:
        """The risk a set of pairs removes, by the model."""
        reached = self._reach @ chosen.astype(np.float64)
        return float(self.model.x_gain @ chosen + self.model.z_gain @ np.minimum(1.0, reached))

    def _set_budget(self, highs: highspy.Highs, budget_pkr: int) -> None:
        highs.changeRowBounds(self.model.continuous, -highspy.kHighsInf, float(budget_pkr))

    def relaxation(self, budget_pkr: int) -> tuple[float, FloatArray]:
        """An upper bound on the risk removable within the budget, and the LP relaxation's pairs."""
        lp = self._lp
        if lp is None:
            lp = self._lp = _highs(self.model, budget_pkr, integral=False, mip_rel_gap=0.0, time_limit=None)
        else:
            self._set_budget(lp, budget_pkr)
        lp.run()
        if lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise PlanSolverError(f"HiGHS could not solve the LP relaxation ({lp.getModelStatus()})")
        solution = lp.getSolution()
        # Any prices y >= 0 on the rows bound the LP, whatever their accuracy: for 0 <= v <= 1 with
        # A v <= b, gains . v <= y . b + sum(max(0, gains - A'y)). The step rows' bounds are 0.
        prices = np.maximum(np.asarray(solution.row_dual), 0.0)
        reduced = self._gains - self.model.matrix.T @ prices
        bound = float(prices[-1] * budget_pkr + np.maximum(reduced, 0.0).sum())
        return bound, np.asarray(solution.col_value[: self.model.binaries])

    def round(self, budget_pkr: int, x: FloatArray) -> npt.NDArray[np.bool_]:
        """A plan within the budget: the pairs the LP buys whole, then the most risk per rupee, lazily.

        Risk removed is submodular in the pairs bought (a step reached stays reached), so a pair's worth
        only falls as others are bought and the lazy greedy recomputes it only when it comes to the top.
        """
        cost = self.model.pair_cost
        chosen = x > 1 - 1e-6
        for p in np.argsort(x, kind="stable").tolist():
            # the LP may exceed the budget by its tolerance; drop its least-bought pairs until it fits
            if int(cost[chosen].sum()) <= budget_pkr:
                break
            chosen[p] = False
        left = budget_pkr - int(cost[chosen].sum())
        reach, x_gain, z_gain = self._reach, self.model.x_gain, self.model.z_gain
        reached = reach @ chosen.astype(np.float64)

        def worth(p: int) -> float:
            steps = reach.indices[reach.indptr[p] : reach.indptr[p + 1]]
            return float(x_gain[p] + z_gain[steps][reached[steps] < 0.5].sum()) / int(cost[p])

        heap = [(-worth(p), p) for p in np.flatnonzero(~chosen & (cost <= left)).tolist()]
        heapq.heapify(heap)
        while heap:
            _, p = heapq.heappop(heap)
            if cost[p] > left:
                continue  # the money left only shrinks
            now = worth(p)
            if heap and now < -heap[0][0]:
                heapq.heappush(heap, (-now, p))
                continue
            if now <= 0:
                break
            chosen[p] = True
            left -= int(cost[p])
            reached[reach.indices[reach.indptr[p] : reach.indptr[p + 1]]] += 1
        return chosen

    def solve(self, budget_pkr: int, start: npt.NDArray[np.bool_] | None) -> _Solved:
        """The best plan at the budget (to the gap), starting from ``start`` if given (it must fit)."""
        started = time.perf_counter()
        bound, x = self.relaxation(budget_pkr)
        chosen = self.round(budget_pkr, x)
        value = self.value(chosen)
        if start is not None and self.value(start) > value:
            chosen, value = start, self.value(start)
        gap = max(0.0, bound - value) / max(1.0, abs(value))
        # at a zero gap, only a plan meeting the bound to rounding (the LP bought whole pairs) is taken
        if gap <= max(self.mip_rel_gap, 1e-12):
            return _Solved(chosen, "optimal", value, bound, gap, time.perf_counter() - started)
        mip = self._mip
        if mip is None:
            mip = self._mip = _highs(
                self.model, budget_pkr, integral=True, mip_rel_gap=self.mip_rel_gap, time_limit=self.time_limit
            )
        else:
            self._set_budget(mip, budget_pkr)
        mip.setSolution(_start(self._reach, chosen))
        mip.run()
        return self._read(mip, bound, time.perf_counter() - started)

    def _read(self, highs: highspy.Highs, bound: float, seconds: float) -> _Solved:
        model_status = highs.getModelStatus()
        if model_status == highspy.HighsModelStatus.kOptimal:
            status = "optimal"
        elif model_status == highspy.HighsModelStatus.kTimeLimit:
            status = "time limit"
        else:
            raise PlanSolverError(f"HiGHS stopped with status {highs.modelStatusToString(model_status)!r}")
        info = highs.getInfo()
        if info.primal_solution_status != int(highspy.SolutionStatus.kSolutionStatusFeasible):
            raise PlanSolverError("HiGHS returned no plan")  # it was given one to start from
        values = np.asarray(highs.getSolution().col_value[: self.model.binaries])
        objective = float(info.objective_function_value)
        dual_bound = min(bound, float(info.mip_dual_bound))
        return _Solved(
            chosen=values > _CHOSEN,
            status=status,
            objective=objective,
            dual_bound=dual_bound,
            gap=max(0.0, dual_bound - objective) / max(1.0, abs(objective)),
            seconds=seconds,
        )


def _start(reach: sp.csc_matrix, x: npt.NDArray[np.bool_]) -> highspy.HighsSolution:
    """A full solution (x and the z it implies) for HiGHS to start from."""
    x_values = x.astype(np.float64)
    solution = highspy.HighsSolution()
    solution.col_value = np.concatenate([x_values, np.minimum(1.0, reach @ x_values)])
    solution.value_valid = True
    return solution


def _useful(facility: PlanFacility, measure: PlanMeasure) -> dict[str, float]:
    """The items the measure raises above their level at the facility, where a level is worth something."""
    return {
        item: float(level)
        for item, level in measure.raises.items()
        if facility.slopes.get(item, 0.0) > 0 and level > facility.current[item]
    }


def _without_redundant(model: _Model, pairs: list[int]) -> list[int]:
    """The chosen pairs less those adding nothing beside the others (every level they reach is reached).

    The solver is indifferent to such a measure when the budget allows it; the plan should not buy it.
    The most expensive redundant measures go first (ties: the larger id), one at a time, as dropping one
    can make another necessary.
    """
    at: dict[int, list[int]] = {}
    for p in pairs:
        at.setdefault(int(model.pair_facility[p]), []).append(p)
    kept: list[int] = []
    for f, chosen in at.items():
        if len(chosen) > 1:
            useful = {p: _useful(model.facilities[f], model.measures[model.pair_measure[p]]) for p in chosen}
            order = sorted(chosen, key=lambda p: (int(model.pair_cost[p]), model.measures[model.pair_measure[p]].id))
            for p in reversed(order):
                others = [q for q in chosen if q != p]
                if all(any(useful[q].get(item, -1.0) >= level for q in others) for item, level in useful[p].items()):
                    chosen = others
        kept.extend(chosen)
    return sorted(kept)


def _plan(model: _Model, budget_pkr: int, solved: _Solved) -> Plan:
    """Read a solution back: recompute the risk removed from the inputs and credit it to the measures."""
    facilities, measures = model.facilities, model.measures
    kept = _without_redundant(model, np.flatnonzero(solved.chosen).tolist())
    # (facility index, item) -> [(level, cost, measure id, pair)]
    reaching: dict[tuple[int, str], list[tuple[float, int, str, int]]] = {}
    for p in kept:
        f, j, cost = int(model.pair_facility[p]), int(model.pair_measure[p]), int(model.pair_cost[p])
        for item, level in _useful(facilities[f], measures[j]).items():
            reaching.setdefault((f, item), []).append((level, cost, measures[j].id, p))
    credit = dict.fromkeys(kept, 0.0)
    removed = np.zeros(len(facilities))
    for (f, item), options in reaching.items():
        facility = facilities[f]
        slope, below = facility.slopes[item], float(facility.current[item])
        for level in sorted({option[0] for option in options}):
            # each step of an item goes to the cheapest chosen measure reaching it (ties: the smaller id)
            owner = min((cost, mid, p) for reached, cost, mid, p in options if reached >= level)[2]
            step = slope * (level - below)
            credit[owner] += step
            removed[f] += step
            below = level
    total_removed = float(removed.sum())
    if abs(total_removed - solved.objective) > _AGREEMENT * max(1.0, abs(total_removed)):
        raise PlanSolverError(
            f"HiGHS's objective {solved.objective!r} disagrees with the risk its plan removes, {total_removed!r}"
        )
    cost_at = np.zeros(len(facilities), dtype=np.int64)
    count_at = np.zeros(len(facilities), dtype=np.int64)
    choices = []
    for p in kept:
        f, j, cost = int(model.pair_facility[p]), int(model.pair_measure[p]), int(model.pair_cost[p])
        cost_at[f] += cost
        count_at[f] += 1
        choices.append(
            PlanChoice(
                facility_id=facilities[f].id,
                facility_name=facilities[f].name,
                measure_id=measures[j].id,
                measure_name=measures[j].name,
                cost_pkr=cost,
                risk_removed=credit[p],
            )
        )
    position = {facility.id: f for f, facility in enumerate(facilities)}
    choices.sort(key=lambda c: (-removed[position[c.facility_id]], c.facility_id, -c.risk_removed, c.measure_id))
    total_cost = int(sum(c.cost_pkr for c in choices))
    if total_cost > budget_pkr:
        raise PlanSolverError(f"HiGHS's plan costs PKR {total_cost:,}, over the budget of PKR {budget_pkr:,}")
    risk_before = float(sum(facility.risk_before for facility in facilities))
    outcomes = tuple(
        FacilityOutcome(
            facility_id=facility.id,
            facility_name=facility.name,
            risk_before=facility.risk_before,
            risk_after=facility.risk_before - float(removed[f]),
            cost_pkr=int(cost_at[f]),
            measures=int(count_at[f]),
        )
        for f, facility in enumerate(facilities)
    )
    return Plan(
        budget_pkr=budget_pkr,
        total_cost=total_cost,
        risk_before=risk_before,
        risk_after=risk_before - total_removed,
        chosen=tuple(choices),
        facilities=outcomes,
        status=solved.status,
        objective=solved.objective,
        dual_bound=solved.dual_bound,
        gap=solved.gap,
        build_seconds=model.build_seconds,
        solve_seconds=solved.seconds,
        binary_variables=model.binaries,
        continuous_variables=model.continuous,
        constraints=model.continuous + 1,
        nonzeros=int(model.matrix.nnz),
        skipped_pairs=model.skipped_pairs,
    )


def _nothing(model: _Model) -> _Solved:
    return _Solved(
        chosen=np.zeros(model.binaries, dtype=bool), status="optimal", objective=0.0, dual_bound=0.0, gap=0.0, seconds=0
    )


def optimise_plan(
    facilities: Sequence[PlanFacility],
    measures: Sequence[PlanMeasure],
    *,
    budget_pkr: int,
    mip_rel_gap: float = 0.0,
    time_limit: float | None = None,
) -> Plan:
    """The measures to buy within ``budget_pkr`` that remove the most risk over all facilities.

    Solved exactly by default (``mip_rel_gap=0``: stop only when no better plan exists). A larger gap, e.g.
    ``1e-4`` (the plan may remove up to 0.01 % less risk than the best one), or a ``time_limit`` in seconds
    for HiGHS's branch and bound trades optimality for time, and the plan says so in its ``status``, ``gap``
    and ``dual_bound``. For 2,000 facilities x 30 measures: about 1 s at ``1e-4``, 2-3 minutes exact.

    Caveats: the plan is as good as the slopes, which come from the audits and the threat and consequence
    scores; among plans removing the same risk it is not necessarily the cheapest (only measures that add
    nothing are dropped). When no measure could remove any risk anywhere the plan is empty.

    Raises :class:`BudgetTooSmall` if the budget does not buy the cheapest measure that would remove any
    risk, :class:`UnknownMeasure` for a facility naming a measure not in ``measures``, and
    :class:`InvalidPlanInput` for a negative budget or slope, no facilities, and the like.

    >>> bay = PlanMeasure(id="bay", name="vehicle search bay", cost_pkr=2_000_000, raises={"standoff": 2})
    >>> post = PlanFacility(id=7, name="FC post", risk_before=500.0, current={"standoff": 0.5},
    ...                     slopes={"standoff": 40.0})
    >>> plan = optimise_plan([post], [bay], budget_pkr=5_000_000)
    >>> plan.status, plan.total_cost, plan.risk_after, plan.chosen[0].risk_removed
    ('optimal', 2000000, 440.0, 60.0)
    >>> optimise_plan([post], [bay], budget_pkr=1_000_000)
    Traceback (most recent call last):
    ...
    nigehban.security.plan.BudgetTooSmall: a budget of PKR 1,000,000 buys nothing: ...
    """
    _check_budget(budget_pkr)
    if not (mip_rel_gap >= 0 and math.isfinite(mip_rel_gap)):
        raise InvalidPlanInput(f"mip_rel_gap must be 0 or more, not {mip_rel_gap!r}")
    model = _build(facilities, measures)
    if model.cheapest is None:
        return _plan(model, budget_pkr, _nothing(model))
    cost, measure_id, facility = model.cheapest
    if budget_pkr < cost:
        raise BudgetTooSmall(budget_pkr, measure_id, facility, cost)
    solver = _Solver(model, mip_rel_gap=mip_rel_gap, time_limit=time_limit)
    return _plan(model, budget_pkr, solver.solve(budget_pkr, None))


def marginal_curve(
    facilities: Sequence[PlanFacility],
    measures: Sequence[PlanMeasure],
    *,
    step_pkr: int = 10_000_000,
    max_budget_pkr: int,
    mip_rel_gap: float = 0.0,
    time_limit: float | None = None,
) -> list[CurvePoint]:
    """The risk left at budgets 0, ``step_pkr``, 2 × ``step_pkr``, ... up to ``max_budget_pkr`` (included).

    Each point is the best plan at its budget; ``removed_per_step`` is what the last step of money bought
    (with the default step, the risk removed per extra PKR 10 million). The model is built once and each
    budget starts from the previous plan, which still fits, so the risk left never rises along the curve,
    even when a ``time_limit`` (per point) stops a solve early.

    Caveats: every point is a plan of its own, so at the default exact gap a curve costs as many exact
    solves as it has points (for 2,000 facilities, pass ``mip_rel_gap=1e-4``: 11 points in ~10 s). With a
    gap above 0 a point may be worse than the optimum by that gap, and the steps then show the solver's
    slack as well as the money's worth.

    >>> lights = PlanMeasure(id="lights", name="perimeter lights", cost_pkr=400_000, raises={"lighting": 1})
    >>> wall = PlanMeasure(id="wall", name="raise the wall", cost_pkr=900_000, raises={"wall": 2})
    >>> station = PlanFacility(id=1, name="PS Kotwali", risk_before=200.0, current={"lighting": 0, "wall": 0},
    ...                        slopes={"lighting": 10.0, "wall": 15.0})
    >>> [(p.budget_pkr, p.risk_after) for p in marginal_curve([station], [lights, wall], step_pkr=500_000,
    ...                                                      max_budget_pkr=1_500_000)]
    [(0, 200.0), (500000, 190.0), (1000000, 170.0), (1500000, 160.0)]
    """
    _check_budget(max_budget_pkr, "largest budget")
    if not _is_int(step_pkr) or step_pkr <= 0:
        raise InvalidPlanInput(f"the step must be a whole number of PKR above 0, not {step_pkr!r}")
    if not (mip_rel_gap >= 0 and math.isfinite(mip_rel_gap)):
        raise InvalidPlanInput(f"mip_rel_gap must be 0 or more, not {mip_rel_gap!r}")
    model = _build(facilities, measures)
    budgets = list(range(0, max_budget_pkr + 1, step_pkr))
    if budgets[-1] != max_budget_pkr:
        budgets.append(max_budget_pkr)
    solver = _Solver(model, mip_rel_gap=mip_rel_gap, time_limit=time_limit)
    previous = _nothing(model)
    points: list[CurvePoint] = []
    last_after: float | None = None
    for budget in budgets:
        if model.cheapest is None or budget < model.cheapest[0]:
            solved = _nothing(model)
        else:
            # the last budget's plan still fits: the risk left can only fall
            solved = solver.solve(budget, previous.chosen)
        plan = _plan(model, budget, solved)
        if last_after is not None and plan.risk_after > last_after + _AGREEMENT * max(1.0, abs(last_after)):
            raise PlanSolverError(
                f"the risk left rose from {last_after!r} to {plan.risk_after!r} at PKR {budget:,}; "
                "a larger budget can always buy the smaller budget's plan"
            )
        points.append(
            CurvePoint(
                budget_pkr=budget,
                total_cost=plan.total_cost,
                risk_after=plan.risk_after,
                risk_removed=plan.risk_removed,
                removed_per_step=0.0 if last_after is None else last_after - plan.risk_after,
                status=plan.status,
            )
        )
        last_after = plan.risk_after
        previous = solved
    return points
