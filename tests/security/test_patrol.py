"""The patrol game: hand-solved equilibria, an exact reference on random games, and the rosters."""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from collections.abc import Sequence
from typing import get_args

import numpy as np
import pytest
from scipy.optimize import linprog

from nigehban.errors import NigehbanError
from nigehban.security.patrol import (
    Coverage,
    DuplicateTargetId,
    GameTarget,
    InvalidPayoffs,
    InvalidUnits,
    Method,
    NoTargets,
    PatrolError,
    PatrolSolverError,
    sample_rosters,
    solve_coverage,
    targets_from_risk,
)

METHODS: tuple[Method, ...] = get_args(Method)


def target(target_id: int, attacker: tuple[float, float], defender: tuple[float, float] | None = None) -> GameTarget:
    """A facility with (uncovered, covered) payoffs; zero-sum when ``defender`` is not given."""
    uncovered, covered = attacker
    d_uncovered, d_covered = defender if defender is not None else (-uncovered, -covered)
    return GameTarget(target_id, f"F{target_id}", uncovered, covered, d_uncovered, d_covered)


def sse_reference(targets: Sequence[GameTarget], units: int) -> float:
    """The defender's SSE value by Conitzer–Sandholm: one LP per attacked facility t, the best feasible one.

    For each t: maximise Ud_t(c_t) subject to Ua_j(c_j) ≤ Ua_t(c_t) for every j, Σ c ≤ K, 0 ≤ c ≤ 1.
    """
    n = len(targets)
    best = -math.inf
    for t, attacked in enumerate(targets):
        cost = np.zeros(n)
        cost[t] = -(attacked.defender_covered - attacked.defender_uncovered)
        rows, bounds = [], []
        for j, other in enumerate(targets):
            if j == t:
                continue
            # u_j − d_j·c_j ≤ u_t − d_t·c_t
            row = np.zeros(n)
            row[j] = -(other.attacker_uncovered - other.attacker_covered)
            row[t] = attacked.attacker_uncovered - attacked.attacker_covered
            rows.append(row)
            bounds.append(attacked.attacker_uncovered - other.attacker_uncovered)
        rows.append(np.ones(n))
        bounds.append(float(units))
        solved = linprog(cost, A_ub=np.array(rows), b_ub=np.array(bounds), bounds=[(0.0, 1.0)] * n, method="highs")
        if solved.status == 0:
            best = max(best, attacked.defender_uncovered - float(solved.fun or 0.0))
    return best


def random_game(rng: np.random.Generator, n: int, *, zero_sum: bool) -> list[GameTarget]:
    targets = []
    for i in range(n):
        uncovered = float(rng.uniform(0, 10))
        covered = uncovered - float(rng.uniform(0.1, 10))
        if zero_sum:
            targets.append(target(i, (uncovered, covered)))
        else:
            d_covered = float(rng.uniform(-5, 10))
            targets.append(target(i, (uncovered, covered), (d_covered - float(rng.uniform(0.1, 10)), d_covered)))
    return targets


def check_equilibrium(result: Coverage, targets: Sequence[GameTarget]) -> None:
    """Feasible coverage, the attacker best-responds, and the reported values are the payoffs."""
    c = result.coverage
    assert all(0.0 <= c[t.id] <= 1.0 for t in targets)
    assert sum(c.values()) <= min(result.units, len(targets)) + 1e-9
    payoffs = {t.id: t.attacker_payoff(c[t.id]) for t in targets}
    assert result.attacker_value == pytest.approx(max(payoffs.values()))
    assert payoffs[result.attacked] == pytest.approx(result.attacker_value)
    assert result.attacked in result.attack_set
    by_id = {t.id: t for t in targets}
    assert result.defender_value == pytest.approx(by_id[result.attacked].defender_payoff(c[result.attacked]))


# --- hand-solved games ---


@pytest.mark.parametrize("method", METHODS)
def test_two_targets_one_unit_attacker_indifferent(method: Method) -> None:
    # c1·0 + (1 − c1)·5 = (1 − c2)·3 and c1 + c2 = 1  →  c1 = 5/8, c2 = 3/8, value 15/8
    game = [target(1, (5, 0)), target(2, (3, 0))]
    result = solve_coverage(game, units=1, method=method)
    assert result.coverage[1] == pytest.approx(5 / 8, abs=1e-9)
    assert result.coverage[2] == pytest.approx(3 / 8, abs=1e-9)
    assert result.attacker_value == pytest.approx(15 / 8, abs=1e-9)
    assert result.defender_value == pytest.approx(-15 / 8, abs=1e-9)
    assert result.attack_set == (1, 2)
    assert result.method == method
    check_equilibrium(result, game)


@pytest.mark.parametrize("method", METHODS)
def test_a_target_outside_the_attack_set_is_not_covered(method: Method) -> None:
    # facility 3 is worth 1 to the attacker, below the value 15/8 the other two are held to
    game = [target(1, (5, 0)), target(2, (3, 0)), target(3, (1, 0))]
    result = solve_coverage(game, units=1, method=method)
    assert [result.coverage[i] for i in (1, 2, 3)] == pytest.approx([5 / 8, 3 / 8, 0.0], abs=1e-9)
    assert result.attack_set == (1, 2)
    assert result.attacker_value == pytest.approx(15 / 8, abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_leftover_units_lower_the_attackers_next_best_choices(method: Method) -> None:
    # A still gives the attacker 6 when covered on every shift, so 6 is his value and ORIGAMI stops at
    # (1, 0, 0) with a unit to spare. The spare lowers B and C to one level w:
    # (5 − w)/5 + (4 − w)/4 = 1  →  w = 20/9, c_B = 5/9, c_C = 4/9.
    game = [target(1, (10, 6)), target(2, (5, 0)), target(3, (4, 0))]
    result = solve_coverage(game, units=2, method=method)
    assert [result.coverage[i] for i in (1, 2, 3)] == pytest.approx([1.0, 5 / 9, 4 / 9], abs=1e-9)
    assert result.attacker_value == pytest.approx(6.0, abs=1e-9)
    assert result.attack_set == (1,)
    assert game[1].attacker_payoff(result.coverage[2]) == pytest.approx(20 / 9, abs=1e-9)
    assert game[2].attacker_payoff(result.coverage[3]) == pytest.approx(20 / 9, abs=1e-9)
    assert sum(result.coverage.values()) == pytest.approx(2.0, abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_risk_payoffs_hand_solved(method: Method) -> None:
    # attacker: 100 / 30 and 50 / 15; (100 − 70·c1) = (50 − 35·c2), c1 + c2 = 1  →  c1 = 17/21, v = 130/3
    game = targets_from_risk([10, 20], ["Police Lines", "Check-post"], [100.0, 50.0], effectiveness=0.7)
    assert game[0].attacker_covered == pytest.approx(30.0)
    assert game[0].defender_uncovered == -100.0
    result = solve_coverage(game, units=1, method=method)
    assert result.coverage[10] == pytest.approx(17 / 21, abs=1e-9)
    assert result.coverage[20] == pytest.approx(4 / 21, abs=1e-9)
    assert result.attacker_value == pytest.approx(130 / 3, abs=1e-7)
    assert result.defender_value == pytest.approx(-130 / 3, abs=1e-7)


@pytest.mark.parametrize("method", METHODS)
def test_general_sum_attacker_breaks_the_tie_for_the_defender(method: Method) -> None:
    # the attacker's game is the 5/8, 3/8 one; the defender loses 1 at facility 1 and 10 at facility 2
    # when they are uncovered, so of the two the attacker is indifferent between he attacks facility 1:
    # defender value −1·(1 − 5/8) = −3/8 (facility 2 would give −10·5/8)
    game = [target(1, (5, 0), (-1, 0)), target(2, (3, 0), (-10, 0))]
    result = solve_coverage(game, units=1, method=method)
    assert result.coverage[1] == pytest.approx(5 / 8, abs=1e-9)
    assert result.attacked == 1
    assert result.defender_value == pytest.approx(-3 / 8, abs=1e-9)
    assert result.defender_value == pytest.approx(sse_reference(game, 1), abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_general_sum_keeps_the_attacked_facility_when_the_leftover_would_hurt(method: Method) -> None:
    # With both covered always the attacker gets 1 at A and 2 at B and attacks B (defender −100).
    # The SSE covers A only 3/4 of the time: A then gives him 5 − 4·3/4 = 2 too, he attacks A
    # (defender −1 + 3/4 = −1/4); the last quarter unit would turn him back to B, so it stays unused.
    game = [target(1, (5, 1), (-1, 0)), target(2, (3, 2), (-200, -100))]
    result = solve_coverage(game, units=2, method=method)
    assert result.coverage[1] == pytest.approx(0.75, abs=1e-9)
    assert result.coverage[2] == pytest.approx(1.0, abs=1e-9)
    assert result.attacked == 1
    assert result.defender_value == pytest.approx(-0.25, abs=1e-9)
    assert result.defender_value == pytest.approx(sse_reference(game, 2), abs=1e-9)
    assert any("left unused" in note for note in result.notes)


@pytest.mark.parametrize("method", METHODS)
def test_more_units_than_facilities_cover_everything(method: Method) -> None:
    game = targets_from_risk([1, 2, 3], ["A", "B", "C"], [300.0, 20.0, 5.0])
    result = solve_coverage(game, units=5, method=method)
    assert result.coverage == {1: 1.0, 2: 1.0, 3: 1.0}
    assert result.attacker_value == pytest.approx(90.0)
    assert result.attack_set == (1,)
    assert result.notes[0] == "5 units for 3 facilities: every facility has a unit on every shift"


# --- random games against the exact reference ---


@pytest.mark.parametrize("method", METHODS)
def test_general_sum_games_match_the_multiple_lp_sse(method: Method) -> None:
    rng = np.random.default_rng(20240601)
    for _ in range(60):
        n = int(rng.integers(1, 7))
        units = int(rng.integers(1, n + 2))
        game = random_game(rng, n, zero_sum=False)
        result = solve_coverage(game, units=units, method=method)
        assert result.defender_value == pytest.approx(sse_reference(game, units), abs=1e-7)
        check_equilibrium(result, game)


def test_lp_and_combinatorial_origami_agree_and_spend_every_unit() -> None:
    rng = np.random.default_rng(7)
    for n, units in [(1, 1), (5, 2), (40, 1), (40, 13), (200, 50), (200, 199), (200, 250)]:
        game = random_game(rng, n, zero_sum=True)
        exact = solve_coverage(game, units=units, method="origami")
        lp = solve_coverage(game, units=units, method="origami-lp")
        assert lp.attacker_value == pytest.approx(exact.attacker_value, abs=1e-9)
        assert np.allclose([lp.coverage[t.id] for t in game], [exact.coverage[t.id] for t in game], atol=1e-8)
        assert sum(exact.coverage.values()) == pytest.approx(min(units, n), abs=1e-9)
        # zero-sum: the defender's value is the negative of the attacker's (the SSE is the minimax)
        assert exact.defender_value == pytest.approx(-exact.attacker_value)
        check_equilibrium(exact, game)


def test_eraser_agrees_with_origami_on_a_zero_sum_risk_game() -> None:
    rng = np.random.default_rng(11)
    risks = rng.uniform(4, 4000, 60).tolist()
    game = targets_from_risk(list(range(60)), [f"F{i}" for i in range(60)], risks)
    exact = solve_coverage(game, units=9)
    eraser = solve_coverage(game, units=9, method="eraser")
    assert eraser.attacker_value == pytest.approx(exact.attacker_value, rel=1e-9)
    assert eraser.defender_value == pytest.approx(exact.defender_value, rel=1e-9)
    assert sum(eraser.coverage.values()) == pytest.approx(9.0, abs=1e-9)
    # the attack set is the riskiest facilities; the units all go to it (no leftover in this game)
    riskiest = {int(i) for i in np.argsort(risks)[::-1][: len(exact.attack_set)]}
    assert set(exact.attack_set) == riskiest
    assert 1 < len(riskiest) < 60
    assert all(exact.coverage[i] == 0.0 for i in range(60) if i not in riskiest)


def test_as_dict_is_json_ready() -> None:
    game = targets_from_risk([4, 9], ["PS Saddar", "Police Lines"], [50.0, 100.0])
    data = solve_coverage(game, units=1).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert [row["id"] for row in data["coverage"]] == [4, 9]
    row = data["coverage"][1]
    assert row["name"] == "Police Lines"
    assert row["coverage"] == pytest.approx(17 / 21)
    assert row["attacker_payoff"] == pytest.approx(130 / 3)
    assert row["defender_payoff"] == pytest.approx(-130 / 3)
    assert data["expected_units"] == pytest.approx(1.0)
    assert data["attack_set"] == [4, 9]


# --- errors ---


def test_eraser_time_limit_is_a_named_error() -> None:
    rng = np.random.default_rng(1)
    game = targets_from_risk(list(range(400)), [f"F{i}" for i in range(400)], rng.uniform(4, 4000, 400).tolist())
    with pytest.raises(PatrolSolverError, match="time limit"):
        solve_coverage(game, units=40, method="eraser", time_limit=0.001)


def test_invalid_games_raise_named_errors() -> None:
    game = [target(1, (5, 0))]
    with pytest.raises(InvalidUnits, match="at least 1"):
        solve_coverage(game, units=0)
    with pytest.raises(InvalidUnits):
        solve_coverage(game, units=True)
    with pytest.raises(NoTargets):
        solve_coverage([], units=1)
    with pytest.raises(DuplicateTargetId, match="id 1"):
        solve_coverage([target(1, (5, 0)), target(1, (3, 0))], units=1)
    with pytest.raises(InvalidPayoffs, match="attacker's payoff when the facility is covered"):
        target(1, (3, 3))
    with pytest.raises(InvalidPayoffs, match="defender's payoff when the facility is covered"):
        target(1, (5, 0), (0, -1))
    with pytest.raises(InvalidPayoffs, match="finite"):
        target(1, (math.nan, 0))
    with pytest.raises(InvalidPayoffs, match="positive"):
        targets_from_risk([1], ["A"], [0.0])
    with pytest.raises(InvalidPayoffs, match="effectiveness"):
        targets_from_risk([1], ["A"], [10.0], effectiveness=0.0)
    with pytest.raises(PatrolError, match="differ in length"):
        targets_from_risk([1, 2], ["A"], [10.0, 20.0])
    assert issubclass(PatrolError, NigehbanError)


# --- rosters ---


def binomial_ok(count: int, shifts: int, p: float) -> bool:
    """``count`` of ``shifts`` is within 4.5 standard deviations of ``p`` (exact at p = 0 and 1)."""
    return abs(count / shifts - p) <= 4.5 * math.sqrt(p * (1 - p) / shifts) + 1e-12


def test_rosters_realise_the_coverage() -> None:
    risks = [400.0, 380.0, 300.0, 250.0, 220.0, 180.0, 60.0, 8.0]
    game = targets_from_risk(list(range(1, 9)), [f"F{i}" for i in range(1, 9)], risks)
    result = solve_coverage(game, units=3)
    # fractional coverages from 0.81 down to 0.06, and two facilities outside the attack set
    assert result.coverage[1] == pytest.approx(0.8113, abs=1e-4)
    assert result.coverage[6] == pytest.approx(0.0569, abs=1e-4)
    assert result.coverage[7] == result.coverage[8] == 0.0
    shifts = 20_000
    rosters = sample_rosters(result, shifts=shifts, seed=5)
    assert len(rosters) == shifts
    assert all(len(roster) == 3 == len(set(roster)) and list(roster) == sorted(roster) for roster in rosters)
    counts = Counter(i for roster in rosters for i in roster)
    assert counts[8] == 0
    for facility_id, p in result.coverage.items():
        assert binomial_ok(counts[facility_id], shifts, p), (facility_id, counts[facility_id] / shifts, p)


def test_rosters_lay_the_facilities_in_a_fresh_order_every_shift() -> None:
    # four equal facilities at 1/2 each, two units: in a fixed order comb sampling would only ever pair
    # 1 with 3 and 2 with 4, so one unit seen would give the other away; every pair occurs instead
    game = [target(i, (10, 0)) for i in (1, 2, 3, 4)]
    result = solve_coverage(game, units=2)
    assert list(result.coverage.values()) == pytest.approx([0.5] * 4)
    pairs = Counter(sample_rosters(result, shifts=3_000, seed=2))
    assert set(pairs) == set(itertools.combinations((1, 2, 3, 4), 2))
    assert all(binomial_ok(count, 3_000, 1 / 6) for count in pairs.values())


def test_rosters_with_a_fractional_coverage_sum() -> None:
    # the general-sum game above: coverage 3/4 and 1, so a roster has one or two facilities
    game = [target(1, (5, 1), (-1, 0)), target(2, (3, 2), (-200, -100))]
    result = solve_coverage(game, units=2)
    rosters = sample_rosters(result, shifts=20_000, seed=9)
    assert {len(roster) for roster in rosters} == {1, 2}
    counts = Counter(i for roster in rosters for i in roster)
    assert counts[2] == 20_000
    assert binomial_ok(counts[1], 20_000, 0.75)


def test_rosters_seeded_repeat_and_unseeded_use_fresh_entropy() -> None:
    game = targets_from_risk(list(range(20)), [f"F{i}" for i in range(20)], [float(10 + 7 * i) for i in range(20)])
    result = solve_coverage(game, units=6)
    assert sample_rosters(result, shifts=50, seed=3) == sample_rosters(result, shifts=50, seed=3)
    first, second = sample_rosters(result, shifts=50), sample_rosters(result, shifts=50)
    assert all(len(roster) == 6 == len(set(roster)) for roster in first + second)
    assert first != second  # two runs of 50 shifts from fresh entropy alike: below 1e-15 by chance
    assert sample_rosters(result, shifts=0) == []
    with pytest.raises(PatrolError, match="shifts"):
        sample_rosters(result, shifts=-1)


def test_rosters_with_every_facility_covered() -> None:
    game = [target(1, (5, 0)), target(2, (3, 0))]
    result = solve_coverage(game, units=4)
    assert sample_rosters(result, shifts=5, seed=1) == [(1, 2)] * 5
