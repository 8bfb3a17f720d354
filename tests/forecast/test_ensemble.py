"""The calibrated ensemble on synthetic panels with a known generating process (nothing here is real)."""

from __future__ import annotations

import numpy as np
import pytest

from nigehban.forecast.backtest import check_no_leakage
from nigehban.forecast.baselines import Ewma
from nigehban.forecast.models.base import ForecastModel
from nigehban.forecast.models.boosted import BoostedModel, BoostedSettings
from nigehban.forecast.models.ensemble import CalibratedEnsemble, default_components
from nigehban.forecast.models.glm import GlmModel, GlmSettings
from tests.forecast.test_features import poisson_events, poisson_panel

SMALL = BoostedSettings(n_estimators=30, min_child_samples=10, refit_every=12)


def components() -> list[ForecastModel]:
    return [BoostedModel(settings=SMALL), Ewma()]


def ece(p: np.ndarray, y: np.ndarray) -> float:
    """The scorer's calibration error: ten equal-width bins, weighted by their share of rows."""
    bins = np.minimum((p * 10).astype(int), 9)
    return float(sum(abs(p[bins == b].mean() - y[bins == b].mean()) * (bins == b).mean() for b in np.unique(bins)))


def logit(p: np.ndarray) -> np.ndarray:
    """The ensemble's logit: probabilities clipped to 1e-4..1 - 1e-4."""
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.asarray(np.log(p) - np.log1p(-p))


def test_calibrated_and_sharper_than_a_constant_on_a_known_process() -> None:
    panel = poisson_panel(poisson_events(seed=3, units=30, months=144), units=30, months=144)
    model = CalibratedEnsemble(components=components(), calibration_periods=36)
    lead = BoostedModel(settings=SMALL)
    p, raw, y = [], [], []
    for origin in range(96, 144):
        model.fit(panel, origin=origin)
        p.append(model.predict(panel, origin=origin).p_attack)
        raw.append(lead.predict(panel, origin=origin).p_attack)
        y.append(panel.attacks[origin] > 0)
    p_all, raw_all, y_all = np.concatenate(p), np.concatenate(raw), np.concatenate(y).astype(float)
    brier = float(((p_all - y_all) ** 2).mean())
    constant = float(((y_all.mean() - y_all) ** 2).mean())
    assert brier < 0.85 * constant
    assert brier < float(((raw_all - y_all) ** 2).mean())  # better than its lead component alone
    assert ece(p_all, y_all) < 0.035
    assert ece(p_all, y_all) < 0.5 * ece(raw_all, y_all)  # here: 0.017 against 0.061
    assert abs(p_all.mean() - y_all.mean()) < 0.03


def test_no_look_ahead() -> None:
    panel = poisson_panel(poisson_events())
    make = lambda: CalibratedEnsemble(components=components(), calibration_periods=12)  # noqa: E731
    assert check_no_leakage(make, panel, origins=[70, 85]) == []
    assert check_no_leakage(make, panel, origins=[80], horizon=2) == []


def test_fit_is_idempotent_and_the_inner_backtest_is_extended_not_redone() -> None:
    panel = poisson_panel(poisson_events())
    model = CalibratedEnsemble(components=components(), calibration_periods=12)
    model.fit(panel, origin=70)
    calibration = model._calibrations[panel][(1, 70)]
    stored = dict(model._forecasts[panel])
    model.fit(panel, origin=70)
    assert model._calibrations[panel][(1, 70)] is calibration
    model.fit(panel, origin=71)
    new = set(model._forecasts[panel]) - set(stored)
    assert new == {(1, 71)}  # one more period: only the new origin's component forecasts are computed
    assert all(model._forecasts[panel][key] is stored[key] for key in stored if key in model._forecasts[panel])


def test_too_little_history_returns_the_lead_component_uncalibrated() -> None:
    panel = poisson_panel(poisson_events())
    lead = BoostedModel(settings=SMALL)
    model = CalibratedEnsemble(components=[lead], min_calibration_periods=6)
    # origin 16: the boosted model needs 14 periods, so only 2 out-of-sample periods exist
    forecast = model.predict(panel, origin=16)
    np.testing.assert_array_equal(forecast.p_attack, lead.predict(panel, origin=16).p_attack)


def test_default_components_include_the_baseline_and_bad_input_is_refused() -> None:
    names = [component.name for component in default_components()]
    assert names[:2] == ["lightgbm", "ewma"]
    assert "glm" in names
    with pytest.raises(ValueError, match="at least one component"):
        CalibratedEnsemble(components=[])
    panel = poisson_panel(poisson_events())
    with pytest.raises(ValueError, match="outside the panel"):
        CalibratedEnsemble(components=components()).fit(panel, origin=-1)
    with pytest.raises(ValueError, match="horizon"):
        CalibratedEnsemble(components=components()).predict(panel, origin=60, horizon=0)


def test_average_stacking_ranks_by_the_mean_logit_of_the_averaged_components() -> None:
    panel = poisson_panel(poisson_events(seed=5, units=30, months=120), units=30, months=120)
    model = CalibratedEnsemble(components=components(), calibration_periods=24, averaged=("lightgbm", "ewma"))
    origin = 100
    forecast = model.predict(panel, origin=origin)
    calibration = model._calibrations[panel][(1, origin)]
    assert calibration.averaged == (0, 1)
    logits = [logit(component.predict(panel, origin=origin).p_attack) for component in model.components]
    mean = (logits[0] + logits[1]) / 2
    # Platt scaling of the mean logit: a strictly increasing map, so the ranking is the mean's
    assert calibration.attack is not None
    assert calibration.attack.coef_.ravel()[0] > 0
    np.testing.assert_allclose(
        logit(forecast.p_attack), calibration.attack.intercept_[0] + calibration.attack.coef_[0, 0] * mean, atol=1e-9
    )
    # neither component alone orders the units like the average
    assert not np.array_equal(np.argsort(mean), np.argsort(logits[0]))
    # fitted weights (the former default) give a different forecast
    logistic = CalibratedEnsemble(components=components(), calibration_periods=24, stacking="logistic")
    assert model._calibrations[panel][(1, origin)].averaged == (0, 1)
    assert not np.allclose(logistic.predict(panel, origin=origin).p_attack, forecast.p_attack)
    assert logistic._calibrations[panel][(1, origin)].averaged == ()


def test_average_stacking_falls_back_to_every_component_and_does_not_look_ahead() -> None:
    panel = poisson_panel(poisson_events())
    # no default averaged name ("lightgbm", "etas", "glm") is a component here: the average is over all
    model = CalibratedEnsemble(components=[Ewma(), Ewma(decay=0.5)], calibration_periods=12)
    model.fit(panel, origin=70)
    assert model._calibrations[panel][(1, 70)].averaged == (0, 1)
    make = lambda: CalibratedEnsemble(  # noqa: E731
        components=components(), calibration_periods=12, averaged=("lightgbm", "ewma")
    )
    assert check_no_leakage(make, panel, origins=[70, 85]) == []
    with pytest.raises(ValueError, match="stacking"):
        CalibratedEnsemble(components=components(), stacking="mean")


def test_the_default_average_takes_the_trees_etas_and_the_logistic_regression_not_the_ewma() -> None:
    panel = poisson_panel(poisson_events(seed=5, units=30, months=120), units=30, months=120)
    trees, ewma, glm = BoostedModel(settings=SMALL), Ewma(), GlmModel(settings=GlmSettings(refit_every=12))
    model = CalibratedEnsemble(components=[trees, ewma, glm], calibration_periods=24)
    origin = 100
    forecast = model.predict(panel, origin=origin)
    calibration = model._calibrations[panel][(1, origin)]
    assert calibration.averaged == (0, 2)  # etas is not among these components; the ewma is not averaged
    mean = (logit(trees.predict(panel, origin=origin).p_attack) + logit(glm.predict(panel, origin=origin).p_attack)) / 2
    assert calibration.attack is not None
    np.testing.assert_allclose(
        logit(forecast.p_attack), calibration.attack.intercept_[0] + calibration.attack.coef_[0, 0] * mean, atol=1e-9
    )
    without = CalibratedEnsemble(components=[trees, ewma], calibration_periods=24)
    assert not np.allclose(without.predict(panel, origin=origin).p_attack, forecast.p_attack)
