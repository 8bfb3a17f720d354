"""Backtests and stored forecasts through the app, on SQLite and PostgreSQL (a small synthetic store)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nigehban import Nigehban
from nigehban.errors import ForecastError
from tests.forecast.store_world import DISTRICTS, fill

BASELINES = ["climatology", "ewma"]


def test_backtest_covers_every_district_of_the_boundaries(app: Nigehban, tmp_path: Path) -> None:
    fill(app, tmp_path)
    result = app.forecast_backtest(freq="month", start="2010-01", end="2011-12", models=BASELINES)
    frame = result.frame
    assert set(frame["unit_id"]) == {"PK901", "PK902", "PK903", "PK904", "PK905"}  # PK904/905: never attacked
    assert len(frame) == 2 * 5 * 24
    observed = frame[frame["model"] == "ewma"].groupby("unit_id")["observed_attacks"].sum()
    assert observed["PK904"] == 0
    assert observed.sum() == sum(1 for e in app.incidents() if e.record.date.year >= 2010)
    assert result.default_model == "ewma"
    assert any("no attack before the first origin" in note for note in result.notes)


def test_weekly_backtest_on_mondays(app: Nigehban, tmp_path: Path) -> None:
    fill(app, tmp_path)
    result = app.forecast_backtest(freq="week", start="2011-03", end="2011-03-31", models=BASELINES)
    assert sorted(set(result.frame["period"])) == ["2011-03-07", "2011-03-14", "2011-03-21", "2011-03-28"]


def test_h3_cells_are_the_cells_that_had_an_incident(app: Nigehban, tmp_path: Path) -> None:
    fill(app, tmp_path)
    result = app.forecast_backtest(unit="h3", resolution=6, start="2011-01", end="2011-02", models=BASELINES)
    assert result.units == 3  # three attack sites
    assert all(len(cell) == 15 for cell in result.frame["unit_id"])


def test_clear_errors_for_an_empty_store_missing_boundaries_and_ranges(app: Nigehban, tmp_path: Path) -> None:
    with pytest.raises(ForecastError, match="no incidents in the store — import some first"):
        app.forecast_backtest(start="2010-01", end="2010-02")
    from tests.forecast.store_world import write_world

    app.import_gtd(write_world(tmp_path / "world.csv"))
    with pytest.raises(ForecastError, match="no district boundaries in the store"):
        app.forecast_backtest(start="2010-01", end="2010-02", models=BASELINES)
    app.import_boundaries(DISTRICTS, level="district")
    app.backfill_geography()
    with pytest.raises(ForecastError, match=r"2015-01 is after the last incident \(2011-12\)"):
        app.forecast_backtest(start="2015-01", end="2015-02", models=BASELINES)
    with pytest.raises(ForecastError, match="not after the first incident"):
        app.forecast_backtest(start="2001-01", end="2009-02", models=BASELINES)
    with pytest.raises(ForecastError, match="unknown model"):
        app.forecast_backtest(start="2010-01", end="2010-02", models=["nope"])


def test_a_stored_run_keeps_its_values_and_data_version(app: Nigehban, tmp_path: Path) -> None:
    fill(app, tmp_path)
    run = app.forecast_run(as_of=dt.date(2011, 6, 15), horizon=3, models=BASELINES)
    assert run.id is not None
    assert run.origin_period == "2011-06"
    assert sorted(set(run.values["period"])) == ["2011-06", "2011-07", "2011-08"]
    assert len(run.values) == 2 * 5 * 3
    version = run.data_version
    assert version["incidents"] == app.summary().incidents
    assert version["boundary_versions"]["district"] == app.boundary_versions(level="district")[-1].id
    assert len(version["incidents_sha256"]) == 64
    assert run.models["ewma"]["chosen_decay"] is not None
    assert [stored.id for stored in app.forecast_runs()] == [run.id]
    again = app.forecast(run.id)
    assert again.values["p_attack"].tolist() == pytest.approx(run.values["p_attack"].tolist())
    with pytest.raises(ForecastError, match="no forecast run 99"):
        app.forecast(99)


def test_a_run_uses_nothing_from_its_own_period(app: Nigehban, tmp_path: Path) -> None:
    fill(app, tmp_path)
    full = app.forecast_run(as_of=dt.date(2010, 6, 1), models=BASELINES, save=False)
    backtest = app.forecast_backtest(start="2010-06", end="2010-06", models=BASELINES).frame
    for model in BASELINES:
        live = full.values[full.values["model"] == model].set_index("unit_id")["p_attack"]
        past = backtest[backtest["model"] == model].set_index("unit_id")["p_attack"]
        assert live.sort_index().tolist() == pytest.approx(past.sort_index().tolist())


def test_alerts_from_stored_runs(app: Nigehban, tmp_path: Path) -> None:
    fill(app, tmp_path)
    app.forecast_run(as_of=dt.date(2011, 1, 1), models=BASELINES)
    app.forecast_run(as_of=dt.date(2012, 1, 1), models=BASELINES)
    alerts = app.alerts(threshold=0.5, jump=0.05)
    kinds = {(alert.kind, alert.unit_id) for alert in alerts}
    assert ("threshold", "PK901") in kinds  # attacked nearly every month
    assert ("new_group", "PK903") in kinds  # the invented Lashkar-e-Jhangvi arrival
    new = next(alert for alert in alerts if alert.kind == "new_group")
    assert new.group == "Lashkar-e-Jhangvi"
    assert new.unit_name == "Synthetic North"
    with pytest.raises(ForecastError, match="threshold"):
        app.alerts(threshold=1.5)
