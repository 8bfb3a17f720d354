"""The logistic-regression component on synthetic panels: honest, deterministic, cached, it learns and extrapolates."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nigehban.forecast.backtest import check_no_leakage, truncated_panel
from nigehban.forecast.models.base import InsufficientHistory
from nigehban.forecast.models.features import panel_features
from nigehban.forecast.models.glm import GlmModel, GlmSettings, glm_columns
from tests.forecast.synthetic import random_panel
from tests.forecast.test_features import poisson_events, poisson_panel


def auroc(y: np.ndarray, p: np.ndarray) -> float:
    positives, negatives = p[y], p[~y]
    return float((positives[:, None] > negatives[None, :]).mean() + 0.5 * (positives[:, None] == negatives).mean())


def test_forecasts_do_not_read_the_origin_or_later() -> None:
    panel = poisson_panel(poisson_events())
    assert check_no_leakage(GlmModel, panel, origins=[61, 80]) == []
    assert check_no_leakage(GlmModel, panel, origins=[70], horizon=2) == []


def test_altering_the_future_changes_nothing_but_altering_the_past_does() -> None:
    panel = poisson_panel(poisson_events())
    origin = 75
    future = panel.attacks.copy()
    future[origin:] = future[origin:][::-1]
    base = GlmModel().predict(panel, origin=origin).p_attack
    changed = dataclasses.replace(panel, attacks=future)
    np.testing.assert_array_equal(GlmModel().predict(changed, origin=origin).p_attack, base)
    past = panel.attacks.copy()
    past[origin - 1] += 3
    moved = GlmModel().predict(dataclasses.replace(panel, attacks=past), origin=origin)
    assert not np.array_equal(moved.p_attack, base)


def test_runs_are_deterministic_and_the_live_origin_matches_the_backtest() -> None:
    frame = poisson_events()
    first = GlmModel().predict(poisson_panel(frame), origin=70)
    second = GlmModel().predict(poisson_panel(frame), origin=70)  # another panel: no cache
    np.testing.assert_array_equal(first.p_attack, second.p_attack)
    panel = poisson_panel(frame)
    live = GlmModel().predict(truncated_panel(panel, origin=90), origin=90, horizon=2)
    np.testing.assert_array_equal(live.p_attack, GlmModel().predict(panel, origin=90, horizon=2).p_attack)


def test_fit_is_idempotent_and_regressions_are_reused_between_refits() -> None:
    panel = poisson_panel(poisson_events())
    model = GlmModel(settings=GlmSettings(refit_every=6))
    model.fit(panel, origin=60)
    fitted = model._fitted(panel, 60, 1)
    model.fit(panel, origin=60)
    assert model._fitted(panel, 65, 1) is fitted  # same grid block (60..65)
    assert model.fit_origin(panel, origin=65) == 60
    assert model._fitted(panel, 66, 1) is not fitted
    assert GlmModel(settings=GlmSettings(refit_every=6))._fitted(panel, 63, 1) is fitted  # shared per panel


def test_it_learns_the_unit_and_lag_effects() -> None:
    panel = poisson_panel(poisson_events(units=20, months=120), units=20, months=120)
    model = GlmModel(settings=GlmSettings(refit_every=12))
    p, y = [], []
    for origin in range(84, 120):
        forecast = model.predict(panel, origin=origin)
        p.append(forecast.p_attack)
        y.append(panel.attacks[origin] > 0)
        assert np.all(forecast.p_security_attack <= forecast.p_attack)
        assert np.all(forecast.fatalities_low <= forecast.expected_fatalities)
        assert np.all(forecast.expected_fatalities <= forecast.fatalities_high)
    p_all, y_all = np.concatenate(p), np.concatenate(y)
    assert auroc(y_all, p_all) > 0.75
    assert float(((p_all - y_all) ** 2).mean()) < float(((y_all.mean() - y_all) ** 2).mean())


def test_a_surge_beyond_the_training_counts_keeps_raising_the_probability() -> None:
    # what the trees cannot do: counts far above anything in training still move the forecast
    panel = poisson_panel(poisson_events(units=20, months=120), units=20, months=120)
    model = GlmModel(settings=GlmSettings(refit_every=12))
    origin = 110  # the regression is fitted at 108; period 109 is not among its training rows
    assert model.fit_origin(panel, origin=origin) == 108
    most = int(panel.attacks[:108].max())
    unit = int(np.argmin(panel.attacks[:109].sum(axis=0)))
    probabilities = []
    for surge in (0, 2 * most, 5 * most, 20 * most):
        attacks = panel.attacks.copy()
        attacks[origin - 1, unit] += surge
        surged = dataclasses.replace(panel, attacks=attacks)
        assert model._fitted(surged, origin, 1).model is not None
        probabilities.append(float(model.predict(surged, origin=origin).p_attack[unit]))
    assert np.all(np.diff(probabilities) > 0), probabilities


def test_weekly_panels_use_their_own_decays() -> None:
    _, panel = random_panel(months=60, freq="week")
    names, values = glm_columns(panel_features(panel), np.array([100, 101]), weekly=True)
    assert "log1p_decayed_attacks_104" in names
    assert "log1p_neighbour_decayed_attacks_2" in names
    assert values.shape == (2, panel.shape[1], len(names))
    assert np.isfinite(values).all()
    forecast = GlmModel().predict(panel, origin=200)
    assert forecast.p_attack.shape == (panel.shape[1],)
    assert forecast.p_attack[0] > forecast.p_attack[3]  # PK1 (busiest) above PK4 (never attacked)


def test_bad_arguments_get_clear_errors() -> None:
    panel = poisson_panel(poisson_events())
    with pytest.raises(InsufficientHistory, match="burn-in"):
        GlmModel().fit(panel, origin=5)
    with pytest.raises(ValueError, match="outside the panel"):
        GlmModel().fit(panel, origin=500)
    with pytest.raises(ValueError, match="horizon"):
        GlmModel().predict(panel, origin=60, horizon=0)
    with pytest.raises(ValueError, match="refit_every"):
        GlmModel(settings=GlmSettings(refit_every=0)).fit(panel, origin=60)
