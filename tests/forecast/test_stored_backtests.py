"""Backtests kept in the store: every model's scores with the data they read, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nigehban import Nigehban
from nigehban.errors import BacktestNotFound
from nigehban.forecast.scores import score_backtest
from tests.forecast.store_world import fill
from tests.helpers import RunCli

MODELS = ["climatology", "ewma", "ensemble"]


def test_a_saved_backtest_keeps_every_models_scores_and_its_data(app: Nigehban, tmp_path: Path) -> None:
    fill(app, tmp_path)
    result = app.forecast_backtest(start="2011-01", end="2011-12", models=MODELS, save=True)
    stored = result.stored
    assert stored is not None
    assert (stored.freq, stored.unit, stored.start, stored.end, stored.horizon) == (
        "month",
        "district",
        "2011-01",
        "2011-12",
        1,
    )
    assert (stored.units, stored.periods) == (5, 12)
    assert stored.default_model == result.default_model == "ensemble"
    assert stored.actor == "test-analyst"
    assert set(stored.models) == set(MODELS)
    assert stored.data_version["incidents"] == len(app.incidents())
    assert stored.seconds > 0
    # the scores are those of the rows, best AUPR first
    expected = {score["model"]: score for score in score_backtest(result.frame)}
    assert [score["model"] for score in stored.scores] == sorted(
        expected, key=lambda name: -(expected[name]["aupr"] or 0)
    )
    for score in stored.scores:
        for name, value in expected[score["model"]].items():
            assert score[name] == (pytest.approx(value) if isinstance(value, float) else value), name
    # read back the same from the store
    again = app.backtest(stored.id)
    assert again == stored
    assert [item.id for item in app.backtests()] == [stored.id]
    assert app.backtests(freq="week") == []


def test_the_comparison_is_the_default_against_the_better_baseline(app: Nigehban, tmp_path: Path) -> None:
    fill(app, tmp_path)
    stored = app.forecast_backtest(start="2011-01", end="2011-06", models=MODELS, save=True).stored
    assert stored is not None
    comparison = stored.to_dict()["comparison"]
    baselines = [score for score in stored.scores if score["model"] in {"climatology", "ewma"}]
    best = max(baselines, key=lambda score: score["aupr"])
    default = stored.score_of("ensemble")
    assert default is not None
    assert comparison["baseline"] == best["model"]
    assert comparison["aupr_gain"] == pytest.approx(default["aupr"] / best["aupr"] - 1)
    assert comparison["brier_gain"] == pytest.approx(1 - default["brier"] / min(s["brier"] for s in baselines))
    # a backtest of the baselines alone has nothing to compare
    only_baselines = app.forecast_backtest(start="2011-01", end="2011-06", models=["climatology", "ewma"], save=True)
    assert only_baselines.stored is not None
    assert only_baselines.stored.to_dict()["comparison"] is None
    assert [item.id for item in app.backtests()] == [only_baselines.stored.id, stored.id]


def test_not_saved_unless_asked_and_unknown_ids_are_named(app: Nigehban, tmp_path: Path) -> None:
    fill(app, tmp_path)
    assert app.forecast_backtest(start="2011-01", end="2011-02", models=["ewma"]).stored is None
    assert app.backtests() == []
    with pytest.raises(BacktestNotFound, match="no stored backtest 7"):
        app.backtest(7)


def test_cli_stores_the_scores_and_lists_them(run_cli: RunCli, database_url: str, tmp_path: Path) -> None:
    app = Nigehban(database_url=database_url)
    app.init()
    fill(app, tmp_path)
    output = tmp_path / "backtest.csv"
    common = ("--db", database_url, "forecast", "backtest", "--start", "2011-01", "--end", "2011-03")
    made = run_cli(*common, "--models", "climatology,ewma", "--output", str(output))
    assert made.exit_code == 0, made.stderr
    assert "scores stored as backtest 1" in made.stderr
    assert "Backtest 1" in made.stdout
    skipped = run_cli(*common, "--models", "ewma", "--output", str(output), "--no-store")
    assert skipped.exit_code == 0, skipped.stderr
    assert "stored" not in skipped.stderr
    listed = run_cli("--db", database_url, "forecast", "backtests", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert [item["id"] for item in data] == [1]
    assert {score["model"] for score in data[0]["scores"]} == {"climatology", "ewma"}
    assert data[0]["end"] == "2011-03"
    csv_rows = run_cli("--db", database_url, "forecast", "backtests", "1", "--format", "csv").stdout.splitlines()
    assert csv_rows[0].startswith("backtest_id,created_at,unit,freq,start,end,horizon,model,")
    assert len(csv_rows) == 3
    missing = run_cli("--db", database_url, "forecast", "backtests", "9")
    assert missing.exit_code == 1
    assert "no stored backtest 9" in missing.stderr
    app.close()


def test_a_store_that_refuses_the_scores_still_gives_the_backtest(sqlite_app: Nigehban, tmp_path: Path) -> None:
    fill(sqlite_app, tmp_path)
    with sqlite_app.engine.begin() as connection:  # the scores cannot be written; the incidents can be read
        connection.exec_driver_sql("DROP TABLE backtests")
    result = sqlite_app.forecast_backtest(start="2011-01", end="2011-03", models=["ewma"], save=True)
    assert result.stored is None
    assert len(result.frame) == 5 * 3
    assert any(note.startswith("the scores were not stored: no such table: backtests") for note in result.notes)
