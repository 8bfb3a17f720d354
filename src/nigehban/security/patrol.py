"""Patrols and quick-reaction teams: where K units should be, as a Stackelberg security game.

K identical units (patrols, quick-reaction teams) protect N facilities, one facility per unit and shift.
The defender commits to a randomised coverage ``c`` (``c_i`` = the probability that facility i has a
unit on a shift, Σ c_i ≤ K); the attacker watches long enough to learn ``c`` and attacks the facility
that is best for him. His payoff at facility i is ``c_i·Ua^c_i + (1 − c_i)·Ua^u_i`` (covered,
uncovered), the defender's ``c_i·Ud^c_i + (1 − c_i)·Ud^u_i``. The strong Stackelberg equilibrium (SSE)
is the coverage best for the defender when the attacker best-responds and breaks ties in the
defender's favour.

Methods (:func:`solve_coverage`):

- ``origami`` (Kiekintveld et al. 2009, "Computing optimal randomized resource allocations for massive
  security games", AAMAS): the coverage that holds the attacker to his minimax value ``v*``, found
  exactly in O(N log N) by lowering a "water level" over the facilities sorted by the attacker's
  payoff (the attack set grows as the level falls). In games like these (a unit covers any one
  facility, no schedules) that coverage is also the SSE for general-sum payoffs: inducing an attack on
  facility t is best done at the attacker's value ``v*`` for every t, so the SSE is the ``v*`` coverage
  with the attack on the facility of the attack set best for the defender (as in Kiekintveld et al. 2009).
- ``origami-lp``: the same minimax, solved as one linear programme with HiGHS (minimise v subject to
  ``c_i·Ua^c_i + (1 − c_i)·Ua^u_i ≤ v``, ``Σ c_i ≤ K``, ``0 ≤ c_i ≤ 1``); the form to extend with
  constraints the closed form cannot take.
- ``eraser`` (same paper): the SSE as a mixed-integer programme with a binary attack vector and
  big-M constraints, solved with HiGHS. Slower (seconds at 1,000 facilities); an independent check of
  ``origami`` on general-sum payoffs and the base for scheduling constraints. Its attacker value and
  attacked facility go through the same canonical step, so its coverage equals ``origami``'s up to
  the solver's tolerance.

Each method's answer is made canonical in the same way (linear programmes have many optima):

1. the *minimal* coverage that holds the attacker to the value found: ``c_i = clip((Ua^u_i − v)/(Ua^u_i −
   Ua^c_i), 0, 1)``, every facility of the attack set at exactly ``v``, none outside it covered (a
   solver's value a hair below the optimum, within its tolerance, is raised to the level that spends
   exactly the units);
2. when that uses fewer than ``min(K, N)`` units (ORIGAMI stops when a facility of the attack set is
   covered on every shift and the attacker still gets ``v`` there), the leftover is not wasted: the
   water level is lowered further over the other facilities, which lowers the attacker's best
   payoffs elsewhere one after the other (the lexicographic minimax: the second-best facility becomes
   as poor for him as it can be, then the third, ...). His value stays the same (the facility covered
   on every shift still gives him ``v``), so does the defender's in a zero-sum game, and Σ coverage =
   ``min(K, N)``; the attack set shrinks to the facilities that give him ``v`` even when covered, so
   an error in the payoffs of the others no longer tips him towards them. With general-sum payoffs
   this could move the attack from the facility the defender prefers to a worse one; then the
   attacked facility's coverage is kept at its equilibrium value and only the others receive the
   leftover (Σ coverage is then still ``min(K, N)`` unless every other facility is already covered
   on every shift; a note says how much is left unused).

Randomised rosters that realise a coverage: :func:`sample_rosters`.

>>> targets = [
...     GameTarget(id=1, name="A", attacker_uncovered=5, attacker_covered=0, defender_uncovered=-5, defender_covered=0),
...     GameTarget(id=2, name="B", attacker_uncovered=3, attacker_covered=0, defender_uncovered=-3, defender_covered=0),
... ]
>>> result = solve_coverage(targets, units=1)
>>> {i: round(c, 4) for i, c in result.coverage.items()}, round(result.attacker_value, 4)
({1: 0.625, 2: 0.375}, 1.875)
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import highspy
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from nigehban.errors import NigehbanError

__all__ = [
    "Coverage",
    "DuplicateTargetId",
    "GameTarget",
    "InvalidPayoffs",
    "InvalidUnits",
    "Method",
    "NoTargets",
    "PatrolError",
    "PatrolSolverError",
    "sample_rosters",
    "solve_coverage",
    "targets_from_risk",
]

Method = Literal["origami", "origami-lp", "eraser"]
FloatArray = npt.NDArray[np.float64]

# Payoffs closer than this share of the largest payoff are ties: the solvers' own tolerances are about
# 1e-7 of the payoffs, and a risk difference of a millionth of the largest risk means nothing.
_TIE = 1e-6
# A coverage sum this close to a whole number of units is that number (floating error in the solvers).
_WHOLE = 1e-6


class PatrolError(NigehbanError):
    """A patrol game or roster cannot be built or solved as asked."""


class NoTargets(PatrolError, ValueError):
    """A game needs at least one facility to protect."""


class InvalidUnits(PatrolError, ValueError):
    """The number of units is not a whole number of at least 1."""


class InvalidPayoffs(PatrolError, ValueError):
    """A facility's payoffs break the security-game assumptions (or are not finite numbers)."""


class DuplicateTargetId(PatrolError, ValueError):
    """Two facilities of one game have the same id."""


class PatrolSolverError(PatrolError):
    """HiGHS did not solve the programme (a time limit reached, or a numerical failure)."""


@dataclass(frozen=True)
class GameTarget:
    """One facility of the game with its four payoffs.

    The security-game assumptions hold: a unit on the spot makes an attack worse for the attacker
    (``attacker_covered < attacker_uncovered``) and better for the defender (``defender_covered >
    defender_uncovered``); :class:`InvalidPayoffs` otherwise.

    >>> GameTarget(id=7, name="Police Lines", attacker_uncovered=300, attacker_covered=90,
    ...            defender_uncovered=-300, defender_covered=-90).attacker_uncovered
    300
    """

    id: int
    name: str
    attacker_uncovered: float
    attacker_covered: float
    defender_uncovered: float
    defender_covered: float

    def __post_init__(self) -> None:
        payoffs = (self.attacker_uncovered, self.attacker_covered, self.defender_uncovered, self.defender_covered)
        if not all(isinstance(p, int | float) and not isinstance(p, bool) and math.isfinite(p) for p in payoffs):
            raise InvalidPayoffs(f"facility {self.id} ({self.name}): payoffs must be finite numbers, got {payoffs}")
        if not self.attacker_covered < self.attacker_uncovered:
            raise InvalidPayoffs(
                f"facility {self.id} ({self.name}): the attacker's payoff when the facility is covered "
                f"({self.attacker_covered:g}) must be below his payoff when it is not ({self.attacker_uncovered:g})"
            )
        if not self.defender_covered > self.defender_uncovered:
            raise InvalidPayoffs(
                f"facility {self.id} ({self.name}): the defender's payoff when the facility is covered "
                f"({self.defender_covered:g}) must be above her payoff when it is not ({self.defender_uncovered:g})"
            )

    def attacker_payoff(self, coverage: float) -> float:
        """The attacker's expected payoff for attacking this facility at ``coverage``."""
        return coverage * self.attacker_covered + (1.0 - coverage) * self.attacker_uncovered

    def defender_payoff(self, coverage: float) -> float:
        """The defender's expected payoff when this facility is attacked at ``coverage``."""
        return coverage * self.defender_covered + (1.0 - coverage) * self.defender_uncovered


def targets_from_risk(
    ids: Sequence[int], names: Sequence[str], risks: Sequence[float], *, effectiveness: float = 0.7
) -> list[GameTarget]:
    """The game Nigehban plays: a facility's risk is what an attack on it gains the attacker.

    An attack on an uncovered facility gains the attacker its ``risk`` (a facility's total risk, the sum
    of Threat × Vulnerability × Consequence over the four scenarios, or one scenario's); with a unit
    on the spot it gains ``risk × (1 − effectiveness)``. The defender loses what the attacker gains
    (zero-sum: ``defender = −attacker``), so the equilibrium minimises the largest expected risk any
    facility is left with. Caveat: ``effectiveness`` (the share of the harm a unit on the spot prevents)
    is a judgement, not a measured figure; the coverage shifts with it, so try the range you believe.

    >>> [(t.attacker_uncovered, t.attacker_covered, t.defender_covered)
    ...  for t in targets_from_risk([1], ["PS Saddar"], [200.0], effectiveness=0.75)]
    [(200.0, 50.0, -50.0)]
    """
    if not len(ids) == len(names) == len(risks):
        raise PatrolError(f"ids, names and risks differ in length ({len(ids)}, {len(names)}, {len(risks)})")
    if not 0.0 < effectiveness <= 1.0:
        raise InvalidPayoffs(f"effectiveness must be in (0, 1], got {effectiveness!r}")
    targets = []
    for target_id, name, risk in zip(ids, names, risks, strict=True):
        if not (math.isfinite(risk) and risk > 0):
            raise InvalidPayoffs(f"facility {target_id} ({name}): risk must be a positive number, got {risk!r}")
        covered = float(risk) * (1.0 - effectiveness)
        targets.append(GameTarget(target_id, name, float(risk), covered, -float(risk), -covered))
    return targets


@dataclass(frozen=True)
class Coverage:
    """The equilibrium coverage of a game: per facility the probability that a unit is there on a shift."""

    targets: tuple[GameTarget, ...]
    coverage: Mapping[int, float]
    """Facility id → probability of a unit on a shift, in [0, 1]; the values sum to ``min(units, N)``."""
    units: int
    attacker_value: float
    """The attacker's best expected payoff (the largest expected risk left at any facility)."""
    defender_value: float
    """The defender's expected payoff when the attacker attacks :attr:`attacked`."""
    attack_set: tuple[int, ...]
    """Ids of the facilities where the attacker gets :attr:`attacker_value` (he is indifferent among them)."""
    attacked: int
    """Id of the facility the attacker attacks in the equilibrium (ties broken in the defender's favour)."""
    method: Method
    seconds: float
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """The coverage as JSON-ready data, facilities in the order of the game."""
        return {
            "method": self.method,
            "units": self.units,
            "expected_units": float(sum(self.coverage.values())),
            "attacker_value": self.attacker_value,
            "defender_value": self.defender_value,
            "attack_set": list(self.attack_set),
            "attacked": self.attacked,
            "seconds": self.seconds,
            "notes": list(self.notes),
            "coverage": [
                {
                    "id": target.id,
                    "name": target.name,
                    "coverage": self.coverage[target.id],
                    "attacker_payoff": target.attacker_payoff(self.coverage[target.id]),
                    "defender_payoff": target.defender_payoff(self.coverage[target.id]),
                }
                for target in self.targets
            ],
        }


@dataclass(frozen=True)
class _Game:
    """The payoffs as arrays: ``u`` the attacker's uncovered payoff, ``d`` what coverage takes off it."""

    u: FloatArray
    d: FloatArray
    defender_uncovered: FloatArray
    defender_gain: FloatArray
    tie_attacker: float
    tie_defender: float

    @classmethod
    def of(cls, targets: Sequence[GameTarget]) -> _Game:
        u = np.array([t.attacker_uncovered for t in targets], dtype=np.float64)
        covered = np.array([t.attacker_covered for t in targets], dtype=np.float64)
        du = np.array([t.defender_uncovered for t in targets], dtype=np.float64)
        dc = np.array([t.defender_covered for t in targets], dtype=np.float64)
        return cls(
            u=u,
            d=u - covered,
            defender_uncovered=du,
            defender_gain=dc - du,
            tie_attacker=_TIE * max(1.0, float(np.abs(u).max()), float(np.abs(covered).max())),
            tie_defender=_TIE * max(1.0, float(np.abs(du).max()), float(np.abs(dc).max())),
        )

    def attacker(self, c: FloatArray) -> FloatArray:
        return self.u - self.d * c

    def defender(self, c: FloatArray) -> FloatArray:
        return self.defender_uncovered + self.defender_gain * c

    def response(self, c: FloatArray, *, prefer: int | None = None) -> tuple[npt.NDArray[np.intp], int]:
        """The attack set and the attacked facility (the defender's favourite; ``prefer`` among equals)."""
        payoff = self.attacker(c)
        attack_set = np.flatnonzero(payoff >= payoff.max() - self.tie_attacker)
        defender = self.defender(c)[attack_set]
        best = attack_set[defender >= defender.max() - self.tie_defender]
        if prefer is not None and prefer in best:
            return attack_set, prefer
        return attack_set, int(best[0])


def _fill(u: FloatArray, d: FloatArray, lower: FloatArray, budget: float) -> tuple[FloatArray, float]:
    """The coverage ``clip((u − w)/d, lower, 1)`` at the water level ``w`` where it sums to ``budget``, and ``w``.

    The sum falls as ``w`` rises and is linear between the breakpoints ``u − d·lower`` (above: the
    facility stays at ``lower``) and ``u − d`` (below: covered on every shift); a binary search over the
    sorted breakpoints finds the bracket and the level follows by interpolation. O(N log N).
    """
    n = u.size
    levels = np.unique(np.concatenate((u - d * lower, u - d)))
    if budget >= n - _WHOLE:
        return np.ones(n), float(levels[0])
    if budget <= float(lower.sum()):
        return lower.copy(), float(levels[-1])

    def total(level: float) -> float:
        return float(np.clip((u - level) / d, lower, 1.0).sum())

    # total(levels[0]) = n > budget; total(levels[-1]) = Σ lower < budget
    low, high = 0, levels.size - 1
    while high - low > 1:
        middle = (low + high) // 2
        if total(float(levels[middle])) >= budget:
            low = middle
        else:
            high = middle
    a, b = float(levels[low]), float(levels[high])
    at_a, at_b = total(a), total(b)
    level = a + (at_a - budget) / (at_a - at_b) * (b - a)
    return np.clip((u - level) / d, lower, 1.0), level


def _canonical(game: _Game, budget: float, level: float, *, prefer: int | None) -> tuple[FloatArray, list[str]]:
    """The canonical equilibrium coverage at the attacker's value ``level`` (see the module's steps 1–2)."""
    notes: list[str] = []
    nothing = np.zeros(game.u.size)
    minimal = np.clip((game.u - level) / game.d, 0.0, 1.0)
    if float(minimal.sum()) > budget:
        # a solver's value a hair below the optimum (its feasibility tolerance, ~1e-7) would spend more
        # than the units: raise it to the level that spends exactly the units
        level = max(level, _fill(game.u, game.d, nothing, budget)[1])
        minimal = np.clip((game.u - level) / game.d, 0.0, 1.0)
    _, attacked = game.response(minimal, prefer=prefer)
    if prefer is not None and attacked != prefer:
        notes.append("the solver's attacked facility is not the defender's best in the attack set; the best is used")
    value = float(game.defender(minimal)[attacked])
    full, _ = _fill(game.u, game.d, minimal, budget)
    _, attacked_full = game.response(full, prefer=attacked)
    if float(game.defender(full)[attacked_full]) >= value - game.tie_defender:
        return full, notes
    # general-sum: spending the leftover everywhere would move the attack to a facility worse for the
    # defender, so the attacked facility keeps its equilibrium coverage and only the others get more
    others = np.arange(game.u.size) != attacked
    coverage = minimal.copy()
    coverage[others], _ = _fill(game.u[others], game.d[others], minimal[others], budget - float(minimal[attacked]))
    if float(coverage.sum()) < budget - _WHOLE:
        notes.append(
            f"{budget - float(coverage.sum()):.3g} unit(s) left unused: covering the attacked facility more "
            "would turn the attack to one worse for the defender, and every other facility is covered on every shift"
        )
    return coverage, notes


def _origami_level(game: _Game, budget: float) -> float:
    """The attacker's minimax value: his best payoff under the water-level coverage that spends ``budget``."""
    coverage, _ = _fill(game.u, game.d, np.zeros(game.u.size), budget)
    return float(game.attacker(coverage).max())


def _highs_solve(
    *,
    cost: FloatArray,
    col_lower: FloatArray,
    col_upper: FloatArray,
    matrix: sp.csr_array,
    row_lower: FloatArray,
    row_upper: FloatArray,
    integer: npt.NDArray[np.int32],
    mip_rel_gap: float = 0.0,
    time_limit: float | None = None,
) -> FloatArray:
    """Minimise ``cost·x`` with HiGHS; the optimal ``x`` or :class:`PatrolSolverError`."""
    highs = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy's Python wrapper has no annotations
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", mip_rel_gap)
    if time_limit is not None:
        highs.setOptionValue("time_limit", float(time_limit))
    status = highs.passModel(
        int(matrix.shape[1]),
        int(matrix.shape[0]),
        int(matrix.nnz),
        int(highspy.MatrixFormat.kRowwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        cost,
        col_lower,
        col_upper,
        row_lower,
        row_upper,
        matrix.indptr[:-1].astype(np.int32),
        matrix.indices.astype(np.int32),
        matrix.data.astype(np.float64),
        integer,
    )
    if status != highspy.HighsStatus.kOk:
        raise PatrolSolverError(f"HiGHS did not accept the programme ({status})")
    highs.run()
    model_status = highs.getModelStatus()
    if model_status == highspy.HighsModelStatus.kTimeLimit:
        raise PatrolSolverError(
            f"HiGHS reached the time limit ({time_limit} s) before proving the equilibrium; allow more time "
            "or use method='origami', which finds the same equilibrium exactly in milliseconds"
        )
    if model_status != highspy.HighsModelStatus.kOptimal:
        raise PatrolSolverError(f"HiGHS stopped with status {highs.modelStatusToString(model_status)!r}")
    return np.asarray(highs.getSolution().col_value, dtype=np.float64)


def _minimax_lp(game: _Game, units: int) -> float:
    """The attacker's minimax value from one LP: columns c_0..c_{N−1}, v; minimise v."""
    n = game.u.size
    rows = np.arange(n)
    # v + d_i·c_i ≥ u_i (his payoff at i is at most v), then Σ c_i ≤ K
    matrix = sp.csr_array(
        (
            np.concatenate([game.d, np.ones(n), np.ones(n)]),
            (np.concatenate([rows, rows, np.full(n, n)]), np.concatenate([rows, np.full(n, n), rows])),
        ),
        shape=(n + 1, n + 1),
    )
    x = _highs_solve(
        cost=np.concatenate([np.zeros(n), [1.0]]),
        col_lower=np.concatenate([np.zeros(n), [float((game.u - game.d).max())]]),
        col_upper=np.concatenate([np.ones(n), [float(game.u.max())]]),
        matrix=matrix,
        row_lower=np.concatenate([game.u, [-highspy.kHighsInf]]),
        row_upper=np.concatenate([np.full(n, highspy.kHighsInf), [float(units)]]),
        integer=np.zeros(n + 1, dtype=np.int32),
    )
    return float(x[n])


def _eraser(game: _Game, units: int, *, time_limit: float | None) -> tuple[float, int]:
    """ERASER: the SSE as a MILP; returns the attacker's value and the attacked facility's index.

    Columns: c (coverage), a (binary attack vector), dv (defender value), kv (attacker value). Rows:
    Σ c ≤ K; Σ a = 1; dv − Ud_i(c_i) ≤ M^d_i (1 − a_i); 0 ≤ kv − Ua_i(c_i) ≤ M^a_i (1 − a_i), with the
    tightest big-M each row allows (M^d_i = max Ud^c − Ud^u_i, M^a_i = max Ua^u − Ua^c_i).
    """
    n = game.u.size
    covered = game.u - game.d
    defender_covered = game.defender_uncovered + game.defender_gain
    big_d = float(defender_covered.max()) - game.defender_uncovered
    big_a = float(game.u.max()) - covered
    c_col, a_col, dv, kv = np.arange(n), n + np.arange(n), 2 * n, 2 * n + 1
    r_defender, r_low, r_high = 2 + np.arange(n), 2 + n + np.arange(n), 2 + 2 * n + np.arange(n)
    entries = [
        (np.zeros(n, dtype=np.intp), c_col, np.ones(n)),  # Σ c ≤ K
        (np.ones(n, dtype=np.intp), a_col, np.ones(n)),  # Σ a = 1
        # dv − gain_i·c_i + M^d_i·a_i ≤ M^d_i + Ud^u_i
        (r_defender, np.full(n, dv), np.ones(n)),
        (r_defender, c_col, -game.defender_gain),
        (r_defender, a_col, big_d),
        # kv + d_i·c_i ≥ u_i
        (r_low, np.full(n, kv), np.ones(n)),
        (r_low, c_col, game.d),
        # kv + d_i·c_i + M^a_i·a_i ≤ u_i + M^a_i
        (r_high, np.full(n, kv), np.ones(n)),
        (r_high, c_col, game.d),
        (r_high, a_col, big_a),
    ]
    matrix = sp.csr_array(
        (
            np.concatenate([e[2] for e in entries]),
            (np.concatenate([e[0] for e in entries]), np.concatenate([e[1] for e in entries])),
        ),
        shape=(2 + 3 * n, 2 * n + 2),
    )
    infinity = highspy.kHighsInf
    x = _highs_solve(
        cost=np.concatenate([np.zeros(2 * n), [-1.0, 0.0]]),  # maximise dv
        col_lower=np.concatenate([np.zeros(2 * n), [float(game.defender_uncovered.min()), float(covered.max())]]),
        col_upper=np.concatenate([np.ones(2 * n), [float(defender_covered.max()), float(game.u.max())]]),
        matrix=matrix,
        row_lower=np.concatenate([[-infinity, 1.0], np.full(n, -infinity), game.u, np.full(n, -infinity)]),
        row_upper=np.concatenate(
            [[float(units), 1.0], big_d + game.defender_uncovered, np.full(n, infinity), game.u + big_a]
        ),
        integer=np.concatenate([np.zeros(n, dtype=np.int32), np.ones(n, dtype=np.int32), np.zeros(2, dtype=np.int32)]),
        mip_rel_gap=1e-9,
        time_limit=time_limit,
    )
    return float(x[kv]), int(np.argmax(x[a_col]))


def solve_coverage(
    targets: Sequence[GameTarget],
    *,
    units: int,
    method: Method = "origami",
    time_limit: float | None = None,
) -> Coverage:
    """The equilibrium coverage of ``units`` identical units over ``targets`` (the module explains the game).

    ``method``: ``origami`` (exact, O(N log N), the default), ``origami-lp`` (the same minimax as one
    HiGHS LP) or ``eraser`` (the SSE as a HiGHS MILP; ``time_limit`` in seconds bounds it, and
    :class:`PatrolSolverError` says when it was reached). All three return the canonical coverage
    described in the module: the attack set at the attacker's value, nothing spent outside it until
    it is held, the leftover spent lowering his next-best choices; Σ coverage = ``min(units, N)``.

    Caveats: the equilibrium assumes the attacker learns the coverage and that the payoffs are right;
    it says nothing about facilities left out of ``targets``. ``units ≥ N`` is allowed: every
    facility is then covered on every shift (a note says so). With general-sum payoffs ``origami``
    and ``eraser`` agree on the defender's value (up to the solver's tolerance) but may attack a
    different facility when two are equally good for the defender.

    >>> game = targets_from_risk([1, 2, 3], ["PS A", "PS B", "Post C"], [100.0, 50.0, 10.0])
    >>> result = solve_coverage(game, units=1)
    >>> result.attack_set, round(result.attacker_value, 2), round(sum(result.coverage.values()), 6)
    ((1, 2), 43.33, 1.0)
    """
    started = time.perf_counter()
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise InvalidUnits(f"units must be a whole number of at least 1, got {units!r}")
    if not targets:
        raise NoTargets("the game has no facilities to protect")
    seen: set[int] = set()
    for target in targets:
        if target.id in seen:
            raise DuplicateTargetId(f"facility id {target.id} appears more than once")
        seen.add(target.id)
    if method not in ("origami", "origami-lp", "eraser"):
        raise PatrolError(f"unknown method {method!r}: origami, origami-lp or eraser")
    game = _Game.of(targets)
    n = len(targets)
    budget = float(min(units, n))
    prefer: int | None = None
    if method == "origami":
        level = _origami_level(game, budget)
    elif method == "origami-lp":
        level = _minimax_lp(game, units)
    else:
        level, prefer = _eraser(game, units, time_limit=time_limit)
    coverage, notes = _canonical(game, budget, level, prefer=prefer)
    if units >= n:
        everywhere = bool((coverage >= 1.0).all())
        spent = "every facility has a unit on every shift" if everywhere else "not every facility is covered"
        notes.insert(0, f"{units} units for {n} facilities: {spent}")
    attack_set, attacked = game.response(coverage, prefer=prefer)
    return Coverage(
        targets=tuple(targets),
        coverage={t.id: float(c) for t, c in zip(targets, coverage, strict=True)},
        units=units,
        attacker_value=float(game.attacker(coverage).max()),
        defender_value=float(game.defender(coverage)[attacked]),
        attack_set=tuple(targets[i].id for i in attack_set.tolist()),
        attacked=targets[attacked].id,
        method=method,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )


def sample_rosters(coverage: Coverage, *, shifts: int, seed: int | None = None) -> list[tuple[int, ...]]:
    """``shifts`` duty rosters, each the ids (ascending) of the facilities that get a unit on that shift.

    Every roster names ``min(units, N)`` distinct facilities, and facility i is on a roster with
    probability exactly ``coverage[i]`` (comb or systematic sampling: the coverages are laid end to end
    on ``[0, Σ c)`` and the facilities under ``u, u + 1, ..., u + K − 1`` are taken, ``u ~ U[0, 1)``;
    no facility is taken twice since no coverage exceeds 1). The facilities are laid in a fresh random
    order every shift: in a fixed order the facilities covered together would be fixed too, and seeing
    one unit would give away where the others are. Consecutive shifts are independent, so watching
    past shifts does not predict the next.

    ``seed=None`` (real rosters) draws every shift from operating-system entropy (:mod:`secrets`), so
    an adversary cannot reproduce them; a ``seed`` makes them reproducible and is for tests only. If
    the coverage sums to a fraction of a unit less than a whole number (a general-sum game where
    spending the last of it would hurt the defender), a roster has that number or one fewer.

    >>> game = targets_from_risk([1, 2, 3], ["A", "B", "C"], [100.0, 50.0, 10.0])
    >>> rosters = sample_rosters(solve_coverage(game, units=2), shifts=3, seed=1)
    >>> [len(roster) for roster in rosters]
    [2, 2, 2]
    """
    if isinstance(shifts, bool) or not isinstance(shifts, int) or shifts < 0:
        raise PatrolError(f"shifts must be a whole number of at least 0, got {shifts!r}")
    ids = np.array([t.id for t in coverage.targets], dtype=np.int64)
    c = np.clip(np.array([coverage.coverage[t.id] for t in coverage.targets], dtype=np.float64), 0.0, 1.0)
    keep = c > 0
    ids, c = ids[keep], c[keep]
    total = float(c.sum())
    whole = round(total)
    if abs(total - whole) <= _WHOLE * max(1.0, total):
        if whole > 0:
            c = np.minimum(c * (whole / total), 1.0)  # floating error off Σ c: make it whole
    else:
        # a sum short of a whole number: an empty slot takes up the rest and is dropped from the roster
        whole = math.ceil(total)
        ids = np.append(ids, -1)
        c = np.append(c, whole - total)
    if whole == 0:
        return [() for _ in range(shifts)]
    rng = None if seed is None else np.random.default_rng(seed)
    offsets = np.arange(whole, dtype=np.float64)
    last = ids.size - 1
    rosters: list[tuple[int, ...]] = []
    for _ in range(shifts):
        # a shift's own generator from 128 bits of OS entropy: no state links one shift to the next
        draw = rng if rng is not None else np.random.default_rng(secrets.randbits(128))
        order = draw.permutation(ids.size)
        edges = np.cumsum(c[order])
        edges[-1] = whole  # the last point u + K − 1 < K always falls inside
        picked = np.searchsorted(edges, draw.random() + offsets, side="right")
        # rounding can make an interval a hair longer than 1 and catch two points; move the second on
        if picked.size > 1 and bool((np.diff(picked) <= 0).any()):
            for j in range(1, picked.size):
                if picked[j] <= picked[j - 1]:
                    picked[j] = min(picked[j - 1] + 1, last)
        chosen = ids[order[picked]]
        rosters.append(tuple(sorted(int(i) for i in chosen if i != -1)))
    return rosters
