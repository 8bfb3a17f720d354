"""``nigehban incidents list|show|edit`` and ``nigehban summary``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import FIXTURES, RunCli


def _store(run_cli: RunCli, tmp_path: Path) -> str:
    db = str(tmp_path / "n.db")
    assert run_cli("--db", db, "import", "gtd", str(FIXTURES / "gtd_synthetic_sample.csv")).exit_code == 0
    return db


def test_list_with_filters(run_cli: RunCli, tmp_path: Path) -> None:
    db = _store(run_cli, tmp_path)
    result = run_cli("--db", db, "incidents", "list", "--json")
    assert len(result.stdout.splitlines()) == 5
    result = run_cli("--db", db, "incidents", "list", "--json", "--province", "KP", "--group", "TTP")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["sources"] for row in rows] == [["gtd:201301010001"], ["gtd:201304100004"]]
    result = run_cli("--db", db, "incidents", "list", "--json", "--since", "2013-02-01", "--until", "2013-04-30")
    assert [json.loads(line)["date"] for line in result.stdout.splitlines()] == [
        "2013-02-15",
        "2013-03-01",
        "2013-04-10",
    ]
    result = run_cli("--db", db, "incidents", "list", "--target", "police", "--attack-type", "bombing")
    assert result.exit_code == 0
    assert "Peshawar" in result.stdout
    assert "Quetta" not in result.stdout


def test_bad_filters_say_what_is_allowed(run_cli: RunCli, tmp_path: Path) -> None:
    db = _store(run_cli, tmp_path)
    result = run_cli("--db", db, "incidents", "list", "--target", "cops")
    assert result.exit_code == 1
    assert "target_type='cops': not one of: police, military" in result.stderr
    result = run_cli("--db", db, "incidents", "list", "--since", "last week")
    assert result.exit_code == 1
    assert "--since='last week': not a date (YYYY-MM-DD)" in result.stderr


def test_show_and_edit(run_cli: RunCli, tmp_path: Path) -> None:
    db = _store(run_cli, tmp_path)
    first = json.loads(run_cli("--db", db, "incidents", "list", "--json", "-n", "1").stdout)
    incident_id = str(first["id"])

    result = run_cli("--db", db, "incidents", "edit", incident_id, "--set", "killed=6", "--set", "place=Peshawar Cantt")
    assert result.exit_code == 0, result
    shown = json.loads(run_cli("--db", db, "incidents", "show", incident_id, "--json").stdout)
    assert (shown["killed"], shown["place"]) == (6, "Peshawar Cantt")
    assert shown["source_records"][0]["label"] == "gtd:201301010001"
    assert shown["source_records"][0]["payload"]["city"] == "Peshawar"  # the source stays untouched
    (change,) = shown["history"]
    assert (change["action"], change["before"], change["after"]) == (
        "edit",
        {"killed": 4, "place": "Peshawar"},
        {"killed": 6, "place": "Peshawar Cantt"},
    )

    table = run_cli("--db", db, "incidents", "show", incident_id)
    assert "gtd:201301010001" in table.stdout
    assert "History" in table.stdout

    result = run_cli("--db", db, "incidents", "edit", incident_id, "--set", "killed")
    assert result.exit_code == 1
    assert "expected FIELD=VALUE" in result.stderr
    result = run_cli("--db", db, "incidents", "show", "999")
    assert result.exit_code == 1
    assert "no incident with id 999" in result.stderr


def test_summary(run_cli: RunCli, tmp_path: Path) -> None:
    db = _store(run_cli, tmp_path)
    summary = json.loads(run_cli("--db", db, "summary", "--json").stdout)
    assert summary["incidents"] == 5
    assert summary["source_records"] == {"gtd": 5}
    assert summary["by_province"] == {"Khyber Pakhtunkhwa": 3, "Balochistan": 1, "Sindh": 1}
    assert summary["killed"] == 4 + 3 + 1 + 0 + 0.25
    text = run_cli("--db", db, "summary").stdout
    assert "5 incidents" in text


def test_version_and_help(run_cli: RunCli) -> None:
    assert run_cli("--version").stdout.strip() == "nigehban 0.1.0"
    result = run_cli("--help")
    assert result.exit_code == 0
    for command in ("init", "import", "incidents", "summary", "demo"):
        assert command in result.stdout
