"""The rolling-origin backtest: coverage, observed values, the CSV, horizons, and the leakage check."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nigehban.errors import ForecastError
from nigehban.forecast.backtest import BACKTEST_COLUMNS, check_no_leakage, parse_period, run_backtest
from nigehban.forecast.baselines import Climatology, Ewma
from nigehban.forecast.models.base import Forecast
from nigehban.forecast.panel import Panel
from nigehban.forecast.registry import available_models, default_model_name, select_models
from tests.forecast.synthetic import UNITS, random_panel


class Peeking:
    """A deliberately leaky model: it predicts the period it is asked about from that period's counts."""

    name = "peeking"

    def fit(self, panel: Panel, *, origin: int) -> None:
        self._seen = panel.attacks[origin] if origin < len(panel.periods) else np.zeros(len(panel.units))

    def predict(self, panel: Panel, *, origin: int, horizon: int = 1) -> Forecast:
        self.fit(panel, origin=origin)
        p = (self._seen > 0).astype(float)
        return Forecast(p, p, p, p, p, p)


def test_every_model_covers_every_unit_and_period_with_the_same_observations() -> None:
    _, panel = random_panel()
    result = run_backtest(panel, [Climatology(), Ewma()], start="2009-01", end="2010-12")
    frame = result.frame
    assert list(frame.columns) == list(BACKTEST_COLUMNS)
    assert len(frame) == 2 * len(UNITS) * 24
    pairs = {model: set(zip(rows["unit_id"], rows["period"], strict=True)) for model, rows in frame.groupby("model")}
    assert pairs["climatology"] == pairs["ewma"]
    assert len(pairs["ewma"]) == len(UNITS) * 24
    by_model = {model: rows.set_index(["unit_id", "period"]).sort_index() for model, rows in frame.groupby("model")}
    assert by_model["ewma"]["observed_attacks"].equals(by_model["climatology"]["observed_attacks"])
    # observed values are the panel's
    t = panel.index_of("2010-06")
    june = by_model["ewma"].xs("2010-06", level="period")
    assert june.loc[list(UNITS), "observed_attacks"].tolist() == panel.attacks[t].tolist()
    assert frame.loc[frame["model"] == "ewma", "default"].all()
    assert not frame.loc[frame["model"] == "climatology", "default"].any()


def test_the_csv_follows_the_evaluation_contract(tmp_path: Path) -> None:
    _, panel = random_panel(freq="week")
    result = run_backtest(panel, [Climatology(), Ewma()], start="2009-01", end="2009-02", horizon=2)
    path = result.to_csv(tmp_path / "backtest.csv")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(BACKTEST_COLUMNS)
    assert {row["default"] for row in rows} == {"true", "false"}
    periods = sorted({row["period"] for row in rows})
    assert periods[0] == "2009-01-05"  # the first Monday of January 2009
    assert all(pd.Timestamp(period).weekday() == 0 for period in periods)
    assert all(0 < float(row["p_attack"]) < 1 for row in rows)


def test_horizon_moves_the_origin_back() -> None:
    _, panel = random_panel()
    one = run_backtest(panel, [Ewma()], start="2009-06", end="2009-06", horizon=1).frame
    three = run_backtest(panel, [Ewma()], start="2009-08", end="2009-08", horizon=3).frame
    # predicting August three months ahead uses the same origin (June) as predicting June one ahead
    assert one["p_attack"].tolist() == three["p_attack"].tolist()
    with pytest.raises(ForecastError, match="horizon"):
        run_backtest(panel, [Ewma()], start="2009-06", end="2009-06", horizon=4)


def test_progress_is_reported_per_model_fit() -> None:
    _, panel = random_panel()
    calls: list[tuple[int, int]] = []
    run_backtest(
        panel, [Climatology(), Ewma()], start="2009-01", end="2009-03", progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (6, 6)
    assert len(calls) == 6


def test_a_range_outside_the_panel_is_a_clear_error() -> None:
    _, panel = random_panel()
    with pytest.raises(ForecastError, match=r"2015-01 is after the last incident \(2010-12\)"):
        run_backtest(panel, [Ewma()], start="2015-01", end="2015-02")
    with pytest.raises(ForecastError, match="no history before 2005-01"):
        run_backtest(panel, [Ewma()], start="2005-01", end="2005-02")
    with pytest.raises(ForecastError, match="not a period"):
        parse_period("January", "month")


def test_the_leakage_check_catches_a_model_that_reads_the_future() -> None:
    _, panel = random_panel()
    problems = check_no_leakage(Peeking, panel, origins=[30, 50])
    assert problems
    assert "peeking at origin 30" in problems[0]


@pytest.mark.parametrize("name", [model.name for model in available_models()])
def test_no_available_model_reads_at_or_after_the_origin(name: str) -> None:
    _, panel = random_panel(months=84, seed=5)
    origins = [40, 61, len(panel.periods) - 1]
    problems = check_no_leakage(lambda: select_models([name])[0], panel, origins=origins)
    assert problems == []


def test_the_registry_lists_baselines_and_picks_a_default() -> None:
    names = [model.name for model in available_models()]
    assert names[:2] == ["climatology", "ewma"]
    assert default_model_name(names) == ("ensemble" if "ensemble" in names else "ewma")
    assert default_model_name(["climatology", "ewma"]) == "ewma"
    fresh = select_models(["ewma"])[0]
    assert fresh is not select_models(["ewma"])[0]
    with pytest.raises(ForecastError, match="unknown model"):
        select_models(["prophet"])
