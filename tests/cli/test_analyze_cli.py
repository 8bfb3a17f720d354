"""``nigehban analyze ...``: table, JSON and CSV output, charts, and one-line errors with exit 1."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.analysis.conftest import SYNTHETIC_DISTRICTS, write_gtd
from tests.helpers import RunCli


@pytest.fixture
def store(run_cli: RunCli, database_url: str, tmp_path: Path) -> str:
    """The SYNTHETIC analysis store of tests/analysis/conftest.py, built through the CLI."""
    assert run_cli("--db", database_url, "geo", "import-boundaries", str(SYNTHETIC_DISTRICTS), "--level", "district")
    imported = run_cli("--db", database_url, "import", "gtd", str(write_gtd(tmp_path / "synthetic.csv")))
    assert imported.exit_code == 0, imported
    return database_url


def test_trends_as_table_json_and_csv_with_a_chart(run_cli: RunCli, store: str, tmp_path: Path) -> None:
    table = run_cli("--db", store, "analyze", "trends", "--target", "police")
    assert table.exit_code == 0, table
    assert "Trends per year" in table.stdout
    assert "2010" in table.stdout

    document = json.loads(run_cli("--db", store, "analyze", "trends", "--format", "json").stdout)
    assert [row["attacks"] for row in document["periods"]] == [4, 3, 1]

    chart = tmp_path / "quarters.svg"
    result = run_cli(
        "--db", store, "analyze", "trends", "--freq", "quarter", "--since", "2010-01-01", "--until", "2010-12-31",
        "--format", "csv", "--chart", str(chart),
    )  # fmt: skip
    assert result.exit_code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["attacks"] for row in rows] == ["2", "1", "0", "1"]
    assert chart.read_text().lstrip().startswith("<svg")


def test_spread_hotspots_and_knox(run_cli: RunCli, store: str, tmp_path: Path) -> None:
    spread = json.loads(run_cli("--db", store, "analyze", "spread", "--group", "TTP", "--format", "json").stdout)
    assert spread["group"] == "Tehrik-i-Taliban Pakistan"
    assert spread["years"][0]["new"][0]["district"] == "Synthetic West"

    hotspots = run_cli(
        "--db", store, "analyze", "hotspots", "--permutations", "9", "--seed", "1", "--alpha", "0.1",
        "--district", "Synthetic West", "--dataset", "gtd", "--attack-type", "bombing",
        "--format", "csv", "--chart", str(tmp_path / "hot.png"),
    )  # fmt: skip
    assert hotspots.exit_code == 0, hotspots
    assert hotspots.stdout.splitlines()[0].startswith("period,district_pcode,district,count,z,p")
    assert (tmp_path / "hot.png").read_bytes()[:4] == b"\x89PNG"

    knox = run_cli(
        "--db", store, "analyze", "knox", "--distance-km", "2", "--days", "40", "--permutations", "19",
        "--seed", "3", "--group", "TTP", "--format", "json",
    )  # fmt: skip
    assert knox.exit_code == 0, knox
    assert json.loads(knox.stdout)["events"] == 5
    table = run_cli("--db", store, "analyze", "knox", "--days", "40", "--permutations", "9")
    assert "observed" in table.stdout


def test_errors_are_one_line_with_exit_1(run_cli: RunCli, store: str, database_url: str) -> None:
    empty = run_cli("--db", store, "analyze", "trends", "--province", "Sindh", "--since", "2020-01-01")
    assert empty.exit_code == 1
    assert "no incidents match the filter since=2020-01-01, province=Sindh" in empty.stderr
    unknown = run_cli("--db", store, "analyze", "spread", "--group", "Nobody Front")
    assert unknown.exit_code == 1
    assert "no incident names the group 'Nobody Front'" in unknown.stderr
    bad_chart = run_cli("--db", store, "analyze", "trends", "--chart", "out.pdf")
    assert bad_chart.exit_code == 1
    assert ".svg or .png" in bad_chart.stderr
    assert run_cli("--db", store, "analyze", "trends", "--freq", "week").exit_code == 2


def test_hotspots_without_boundaries_say_what_to_run(run_cli: RunCli, database_url: str, tmp_path: Path) -> None:
    assert run_cli("--db", database_url, "import", "gtd", str(write_gtd(tmp_path / "s.csv"))).exit_code == 0
    result = run_cli("--db", database_url, "analyze", "hotspots")
    assert result.exit_code == 1
    assert "nigehban geo import-boundaries" in result.stderr
