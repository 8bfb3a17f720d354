"""The climatology and EWMA baselines on synthetic panels."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from nigehban import Nigehban, Settings
from nigehban.forecast.baselines import Climatology, Ewma
from nigehban.forecast.panel import build_panel
from tests.forecast.synthetic import UNITS, events, random_panel
from tests.helpers import GTD_PAKISTAN, eval_scorer, shared_data


def test_climatology_is_the_shrunk_share_of_the_trailing_window() -> None:
    # PK1 attacked in 2 of the 4 months of the window, PK2 never
    frame = events([("2010-01-05", "PK1", 4.0), ("2010-03-05", "PK1", 0.0), ("2010-03-06", "PK1", 2.0)])
    panel = build_panel(frame, units=["PK1", "PK2"], end="2010-05")
    model = Climatology(window=4)
    forecast = model.predict(panel, origin=4)
    pooled = 2 / 8  # unit-periods with an attack in the window
    assert forecast.p_attack.tolist() == pytest.approx([(2 + pooled) / 5, pooled / 5])
    assert forecast.expected_attacks[0] == pytest.approx((3 + 3 / 8) / 5)
    assert forecast.fatalities_high[0] == pytest.approx(np.quantile([4.0, 0.0, 2.0, 0.0], 0.9))
    assert forecast.p_attack[1] > 0  # the prior: never exactly zero


def test_climatology_window_ignores_older_periods() -> None:
    frame = events([("2010-01-05", "PK1", 0.0), ("2010-06-05", "PK2", 0.0)])
    panel = build_panel(frame, units=["PK1", "PK2"])
    forecast = Climatology(window=3).predict(panel, origin=5)  # months 2..4: nothing anywhere
    assert forecast.p_attack[0] == pytest.approx(forecast.p_attack[1])
    assert forecast.p_attack[0] == pytest.approx(0.01 / 4)  # the prior share when the window is empty


def test_no_history_gives_the_prior_not_an_error() -> None:
    _, panel = random_panel()
    for model in (Climatology(), Ewma()):
        forecast = model.predict(panel, origin=0)
        assert np.all(forecast.p_attack > 0)
        assert np.all(forecast.p_attack < 1)
        assert model.history == 0


def test_ewma_ranks_the_busy_unit_first_and_learns_on_the_training_window_only() -> None:
    _, panel = random_panel()
    model = Ewma()
    forecast = model.predict(panel, origin=60)
    order = [UNITS[u] for u in np.argsort(-forecast.p_attack)]
    assert order[:3] == ["PK1", "PK2", "PK3"]
    assert model.decay in Ewma.DECAYS
    assert 0 < forecast.p_attack[3] < 0.01  # PK4: never attacked


def test_ewma_decay_tuning_prefers_long_memory_for_a_stationary_process() -> None:
    # constant rates: averaging over many periods predicts best, so the longest memory should win
    _, panel = random_panel(months=120, seed=3)
    model = Ewma()
    model.fit(panel, origin=110)
    assert model.decay is not None
    assert model.decay >= 0.85


def test_ewma_fixed_decay_matches_the_textbook_recursion() -> None:
    frame = events([("2010-01-05", "PK1", 1.0), ("2010-03-05", "PK1", 0.0)])
    panel = build_panel(frame, units=["PK1"], end="2010-04")
    forecast = Ewma(decay=0.5, prior_weight=0.0).predict(panel, origin=3)
    # weights 1, 0.5, 0.25 for months 3, 2, 1 (newest first); attacks in months 1 and 3
    assert forecast.p_attack[0] == pytest.approx((1 + 0.25) / (1 + 0.5 + 0.25))


def test_fit_is_idempotent_and_refits_for_another_origin() -> None:
    _, panel = random_panel()
    model = Ewma()
    model.fit(panel, origin=40)
    first = model.predict(panel, origin=40)
    assert model.predict(panel, origin=40) is first  # cached, not refitted
    assert model.predict(panel, origin=41) is not first


def test_bad_arguments_are_named() -> None:
    _, panel = random_panel()
    with pytest.raises(ValueError, match="between 0 and 1"):
        Ewma(decay=1.5)
    with pytest.raises(ValueError, match="outside the panel"):
        Climatology().fit(panel, origin=len(panel.periods) + 1)


@pytest.mark.data
def test_baselines_score_near_the_reference_on_gtd_2009_2012(tmp_path: Path) -> None:
    """The evaluation's reference: EWMA (decay 0.7) AUPR 0.717, Brier 0.0946; climatology AUPR 0.697."""
    scorer = eval_scorer("score_forecast")
    districts, gtd = shared_data("geo/pak_adm2_districts.geojson"), shared_data(GTD_PAKISTAN)
    with Nigehban(Settings(database_url=f"sqlite:///{tmp_path / 'gtd.db'}", actor="test")) as app:
        app.init()
        app.import_boundaries(districts, level="district")
        app.import_gtd(gtd)
        result = app.forecast_backtest(freq="month", start="2009-01", end="2012-12", models=["climatology", "ewma"])
    path = result.to_csv(tmp_path / "backtest.csv")
    with path.open(newline="") as handle:
        scores = scorer.score(list(csv.DictReader(handle)))
    assert scores["units"] == 158
    assert scores["periods"] == 48
    ewma, climatology = scores["models"]["ewma"], scores["models"]["climatology"]
    assert 0.69 <= ewma["aupr"] <= 0.76
    assert ewma["brier"] <= 0.0946
    assert 0.67 <= climatology["aupr"] <= 0.72
    assert ewma["aupr"] > climatology["aupr"]
