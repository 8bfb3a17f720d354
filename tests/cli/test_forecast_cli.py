"""``nigehban forecast ...`` and ``nigehban alerts`` on a small synthetic store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from nigehban import Nigehban, Settings
from tests.forecast.store_world import fill
from tests.helpers import RunCli


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with Nigehban(Settings(database_url=url, actor="test")) as app:
        app.init()
        fill(app, tmp_path)
    return url


def test_backtest_writes_the_contract_csv(run_cli: RunCli, tmp_path: Path) -> None:
    url = _store(tmp_path)
    out = tmp_path / "bt.csv"
    args = ["--unit", "district", "--freq", "month", "--start", "2011-01", "--end", "2011-06"]
    args += ["--models", "climatology,ewma", "--horizon", "2", "--output", str(out)]
    result = run_cli("--db", url, "forecast", "backtest", *args)
    assert result.exit_code == 0, result
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 * 5 * 6
    assert {row["model"] for row in rows if row["default"] == "true"} == {"ewma"}
    assert "default ewma" in result.stderr


def test_bad_input_is_one_line_and_non_zero(run_cli: RunCli, tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    result = run_cli(
        "--db", empty, "forecast", "backtest", "--start", "2011-01", "--end", "2011-02", "--output", "x.csv"
    )
    assert result.exit_code == 1
    assert "no incidents in the store — import some first" in result.stderr
    url = _store(tmp_path)
    result = run_cli("--db", url, "forecast", "backtest", "--start", "2015-01", "--end", "2015-02", "--output", "x.csv")
    assert result.exit_code == 1
    assert "2015-01 is after the last incident (2011-12)" in result.stderr
    result = run_cli("--db", url, "forecast", "run", "--as-of", "June")
    assert result.exit_code == 1
    assert "is not a date" in result.stderr


def test_run_runs_show_and_alerts(run_cli: RunCli, tmp_path: Path) -> None:
    url = _store(tmp_path)
    first = run_cli("--db", url, "forecast", "run", "--as-of", "2011-01-01", "--models", "climatology,ewma")
    assert first.exit_code == 0, first
    second = run_cli("--db", url, "forecast", "run", "--as-of", "2012-01-01", "--freq", "month", "--horizon", "1",
                     "--unit", "district", "--resolution", "7", "--models", "climatology,ewma")  # fmt: skip
    run_id = second.stdout.strip()
    listed = json.loads(run_cli("--db", url, "forecast", "runs", "--format", "json").stdout)
    assert [item["id"] for item in listed] == [int(run_id), int(first.stdout.strip())]
    shown = json.loads(run_cli("--db", url, "forecast", "show", run_id, "--format", "json", "--model", "ewma").stdout)
    with Nigehban(Settings(database_url=url)) as app:
        assert shown["data_version"]["incidents"] == app.summary().incidents
    assert {value["model"] for value in shown["values"]} == {"ewma"}
    table = run_cli("--db", url, "forecast", "show", run_id, "--top", "2")
    assert "PK901" in table.stdout
    assert "unit_id" in run_cli("--db", url, "forecast", "show", run_id, "--format", "csv").stdout
    assert "2012-01" in run_cli("--db", url, "forecast", "runs", "--format", "csv").stdout
    assert "ewma" in run_cli("--db", url, "forecast", "runs").stdout
    alerts = run_cli("--db", url, "alerts", "--run", run_id, "--threshold", "0.5", "--jump", "0.05", "--recent", "6",
                     "--new-group-periods", "3", "--format", "json")  # fmt: skip
    kinds = {(alert["kind"], alert["unit_id"]) for alert in json.loads(alerts.stdout)}
    assert ("new_group", "PK903") in kinds
    assert "kind" in run_cli("--db", url, "alerts", "--format", "csv").stdout
    assert "Alerts" in run_cli("--db", url, "alerts").stdout
