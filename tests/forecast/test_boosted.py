"""The LightGBM model on synthetic panels: honest (no look-ahead), deterministic, cached, and it learns."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nigehban.forecast.backtest import check_no_leakage, truncated_panel
from nigehban.forecast.models.base import InsufficientHistory
from nigehban.forecast.models.boosted import BoostedModel, BoostedSettings
from nigehban.forecast.models.features import monotone_direction, panel_features
from tests.forecast.test_features import poisson_events, poisson_panel

SMALL = BoostedSettings(n_estimators=30, min_child_samples=10)


def auroc(y: np.ndarray, p: np.ndarray) -> float:
    positives, negatives = p[y], p[~y]
    return float((positives[:, None] > negatives[None, :]).mean() + 0.5 * (positives[:, None] == negatives).mean())


def test_forecasts_do_not_read_the_origin_or_later() -> None:
    panel = poisson_panel(poisson_events())
    assert check_no_leakage(lambda: BoostedModel(settings=SMALL), panel, origins=[61, 80]) == []
    assert check_no_leakage(lambda: BoostedModel(settings=SMALL), panel, origins=[70], horizon=2) == []


def test_altering_the_future_changes_nothing_but_altering_the_past_does() -> None:
    panel = poisson_panel(poisson_events())
    origin = 75
    future = panel.attacks.copy()
    future[origin:] = future[origin:][::-1]  # scramble everything at or after the origin
    changed = dataclasses.replace(panel, attacks=future)
    base = BoostedModel(settings=SMALL).predict(panel, origin=origin).p_attack
    np.testing.assert_array_equal(BoostedModel(settings=SMALL).predict(changed, origin=origin).p_attack, base)
    past = panel.attacks.copy()
    past[origin - 1] += 3
    moved = BoostedModel(settings=SMALL).predict(dataclasses.replace(panel, attacks=past), origin=origin)
    assert not np.array_equal(moved.p_attack, base)


def test_runs_are_deterministic() -> None:
    frame = poisson_events()
    first = BoostedModel(settings=SMALL).predict(poisson_panel(frame), origin=70)
    second = BoostedModel(settings=SMALL).predict(poisson_panel(frame), origin=70)  # another panel: no cache
    for field in ("p_attack", "p_security_attack", "expected_attacks", "expected_fatalities", "fatalities_high"):
        np.testing.assert_array_equal(getattr(first, field), getattr(second, field))


def test_fit_is_idempotent_and_boosters_are_reused_between_refits() -> None:
    panel = poisson_panel(poisson_events())
    model = BoostedModel(settings=dataclasses.replace(SMALL, refit_every=6))
    model.fit(panel, origin=60)
    fitted = model._fitted(panel, 60, 1)
    model.fit(panel, origin=60)
    model.fit(panel, origin=65)  # same grid block (60..65): the same boosters
    assert model._fitted(panel, 65, 1) is fitted
    assert model.fit_origin(panel, origin=65) == 60
    model.fit(panel, origin=66)  # the next grid point: a new fit
    assert model._fitted(panel, 66, 1) is not fitted
    # a second instance with the same settings on the same panel shares the cache
    assert BoostedModel(settings=dataclasses.replace(SMALL, refit_every=6))._fitted(panel, 63, 1) is fitted


def test_attack_probability_never_falls_with_recent_attacks_nor_rises_with_time_since() -> None:
    panel = poisson_panel(poisson_events())
    features = panel_features(panel, covariates=SMALL.covariates)
    booster = BoostedModel(settings=SMALL)._fitted(panel, 70, 1).attack
    rows = np.nan_to_num(features.values[70], nan=0.0)
    constrained = [(f, monotone_direction(name)) for f, name in enumerate(features.names) if monotone_direction(name)]
    assert {direction for _, direction in constrained} == {-1, 1}
    for f, direction in constrained:
        for step in (0.5, 3.0, 20.0):
            higher = rows.copy()
            higher[:, f] += step
            change = np.asarray(booster.predict(higher)) - np.asarray(booster.predict(rows))
            assert np.all(direction * change >= -1e-12), features.names[f]


def test_monotone_constraints_can_be_switched_off() -> None:
    panel = poisson_panel(poisson_events())
    constrained = BoostedModel(settings=SMALL).predict(panel, origin=70).p_attack
    free = BoostedModel(settings=dataclasses.replace(SMALL, monotone=False)).predict(panel, origin=70).p_attack
    assert not np.array_equal(constrained, free)
    assert auroc(panel.attacks[70] > 0, free) > 0.5
    assert auroc(panel.attacks[70] > 0, constrained) > 0.5


def test_it_learns_the_unit_and_lag_effects() -> None:
    panel = poisson_panel(poisson_events(units=20, months=120), units=20, months=120)
    model = BoostedModel(settings=BoostedSettings(n_estimators=60, min_child_samples=10, refit_every=12))
    p, y, expected, observed = [], [], [], []
    for origin in range(84, 120):
        forecast = model.predict(panel, origin=origin)
        p.append(forecast.p_attack)
        expected.append(forecast.expected_attacks)
        y.append(panel.attacks[origin] > 0)
        observed.append(panel.attacks[origin])
        assert np.all(forecast.fatalities_low <= forecast.expected_fatalities)
        assert np.all(forecast.expected_fatalities <= forecast.fatalities_high)
        assert np.all(forecast.p_security_attack <= forecast.p_attack)
    p_all, y_all = np.concatenate(p), np.concatenate(y)
    assert auroc(y_all, p_all) > 0.75
    brier = float(((p_all - y_all) ** 2).mean())
    assert brier < float(((y_all.mean() - y_all) ** 2).mean())  # better than the best constant
    assert np.concatenate(expected).sum() == pytest.approx(np.concatenate(observed).sum(), rel=0.3)


def test_live_origin_after_the_last_period_matches_the_backtest() -> None:
    panel = poisson_panel(poisson_events())
    origin = 90
    cut = truncated_panel(panel, origin=origin)  # origin == len(cut.periods): a live forecast
    live = BoostedModel(settings=SMALL).predict(cut, origin=origin, horizon=2)
    np.testing.assert_array_equal(
        live.p_attack, BoostedModel(settings=SMALL).predict(panel, origin=90, horizon=2).p_attack
    )


def test_bad_arguments_get_clear_errors() -> None:
    panel = poisson_panel(poisson_events())
    model = BoostedModel(settings=SMALL)
    with pytest.raises(InsufficientHistory, match="burn-in"):
        model.fit(panel, origin=5)
    with pytest.raises(ValueError, match="outside the panel"):
        model.fit(panel, origin=500)
    with pytest.raises(ValueError, match="horizon"):
        model.predict(panel, origin=60, horizon=0)
    with pytest.raises(ValueError, match="refit_every"):
        BoostedModel(settings=BoostedSettings(refit_every=0)).fit(panel, origin=60)
