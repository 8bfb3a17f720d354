"""``nigehban init``, ``import``, ``imports``: exit codes and one-line messages naming file, row and column."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from nigehban.store.database import head_revision
from tests.helpers import FIXTURES, RunCli

SAMPLE = FIXTURES / "gtd_synthetic_sample.csv"


def test_init_then_import(run_cli: RunCli, database_url: str) -> None:
    result = run_cli("--db", database_url, "init")
    assert result.exit_code == 0, result
    assert f"schema {head_revision()}" in result.stderr

    result = run_cli("--db", database_url, "import", "gtd", str(SAMPLE))
    assert result.exit_code == 0, result
    assert "5 new" in result.stderr
    assert "0 rejected" in result.stderr

    result = run_cli("--db", database_url, "import", "gtd", str(SAMPLE))
    assert result.exit_code == 0
    assert "0 new" in result.stderr
    assert "5 unchanged" in result.stderr


def test_the_database_comes_from_the_environment_too(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "env.db"
    monkeypatch.setenv("NIGEHBAN_DATABASE_URL", str(path))
    assert run_cli("import", "gtd", str(SAMPLE)).exit_code == 0
    assert path.exists()
    result = run_cli("summary", "--json")
    assert json.loads(result.stdout)["incidents"] == 5


def test_rejected_rows_exit_3_and_are_written(run_cli: RunCli, tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    lines = SAMPLE.read_text().splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace(",34.008,", ",north,"), *lines[2:]]) + "\n")
    rejects = tmp_path / "rejects.csv"
    result = run_cli("--db", db, "import", "gtd", str(bad), "--rejects", str(rejects))
    assert result.exit_code == 3
    assert f"{bad}: row 2, column 'latitude': 'north' is not a number" in result.stderr
    with rejects.open(newline="") as handle:
        assert [row["_row"] for row in csv.DictReader(handle)] == ["2"]

    listing = run_cli("--db", db, "imports", "list", "--json")
    (batch,) = json.loads(listing.stdout)
    assert (batch["rows_inserted"], batch["rows_rejected"], batch["status"]) == (4, 1, "complete")

    later = tmp_path / "later.csv"
    result = run_cli("--db", db, "imports", "rejects", str(batch["id"]), "--output", str(later))
    assert result.exit_code == 0
    assert later.read_text() == rejects.read_text()


def test_strict_exits_1_with_one_line_and_writes_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    lines = SAMPLE.read_text().splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([*lines[:3], lines[3].replace(",2013,3,0,", ",2013,13,0,"), *lines[4:]]) + "\n")
    result = run_cli("--db", db, "import", "gtd", str(bad), "--strict")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {bad}: row 4, column 'imonth': 13 is not a month (1-12, or 0 for unknown)"
    assert json.loads(run_cli("--db", db, "summary", "--json").stdout)["incidents"] == 0


def test_wrong_format_and_missing_file(run_cli: RunCli, tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    other = tmp_path / "acled.csv"
    other.write_text("event_id_cnty,event_date\nPAK1,2023-01-30\n")
    result = run_cli("--db", db, "import", "gtd", str(other))
    assert result.exit_code == 1
    assert f"error: {other}: does not look like a GTD export" in result.stderr
    assert "missing required column(s) eventid, iyear" in result.stderr

    result = run_cli("--db", db, "import", "gtd", str(tmp_path / "absent.csv"))
    assert result.exit_code == 1
    assert "absent.csv: no such file" in result.stderr


def test_import_csv_needs_a_mapping(run_cli: RunCli, tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    result = run_cli("--db", db, "import", "csv", str(FIXTURES / "agency_register_synthetic.csv"))
    assert result.exit_code == 2
    assert "--mapping" in result.stderr
    result = run_cli(
        "--db",
        db,
        "import",
        "csv",
        str(FIXTURES / "agency_register_synthetic.csv"),
        "--mapping",
        str(FIXTURES / "agency_register.toml"),
    )
    assert result.exit_code == 0, result
    assert "4 new" in result.stderr
