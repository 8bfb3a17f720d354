"""``nigehban dedupe``, ``nigehban dedupe list`` and ``nigehban dedupe undo``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.helpers import RunCli
from tests.ingest.test_dedupe import DAY, PESHAWAR, Event, write_events


def _store(run_cli: RunCli, tmp_path: Path) -> str:
    """Two SYNTHETIC attacks, each reported by GTD and by the press (the second pair 5 km apart)."""
    db = str(tmp_path / "n.db")
    later = DAY + dt.timedelta(days=3)
    gtd = write_events(tmp_path / "gtd.csv", [Event("g1"), Event("g2", day=later, killed=4)])
    press = write_events(
        tmp_path / "press.csv",
        [Event("p1"), Event("p2", day=later, killed=4, point=(PESHAWAR[0], PESHAWAR[1] + 0.054))],
    )
    assert run_cli("--db", db, "import", "gtd", str(gtd)).exit_code == 0
    assert run_cli("--db", db, "import", "gtd", str(press), "--dataset", "press").exit_code == 0
    return db


def test_dry_run_shows_the_merges_and_writes_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    db = _store(run_cli, tmp_path)

    result = run_cli("--db", db, "dedupe", "--dry-run")

    assert result.exit_code == 0, result
    assert "Merges that would be made (dry run)" in result.stdout
    assert "gtd:g1 <- press:p1" in result.stdout
    assert "2 merges would be made (dry run: nothing written)" in result.stderr
    assert len(run_cli("--db", db, "incidents", "list", "--json").stdout.splitlines()) == 4
    assert "no merges" in run_cli("--db", db, "dedupe", "list").stderr


def test_dedupe_list_and_undo(run_cli: RunCli, tmp_path: Path) -> None:
    db = _store(run_cli, tmp_path)

    result = run_cli("--db", db, "dedupe", "--json")

    assert result.exit_code == 0, result
    report = json.loads(result.stdout)
    assert len(report["merges"]) == 2
    assert report["config"]["max_km"] == 30.0
    assert {(merge["kept_sources"][0], merge["merged_sources"][0]) for merge in report["merges"]} == {
        ("gtd:g1", "press:p1"),
        ("gtd:g2", "press:p2"),
    }
    assert len(run_cli("--db", db, "incidents", "list", "--json").stdout.splitlines()) == 2

    listed = json.loads(run_cli("--db", db, "dedupe", "list", "--json").stdout)
    assert [merge["id"] for merge in listed] == [2, 1]
    table = run_cli("--db", db, "dedupe", "list").stdout
    assert "gtd:g2 <- press:p2" in table
    assert "0.9" in table  # the scores

    result = run_cli("--db", db, "dedupe", "undo", "1")
    assert result.exit_code == 0, result
    assert "merge 1 undone: incident" in result.stderr
    assert len(run_cli("--db", db, "incidents", "list", "--json").stdout.splitlines()) == 3
    assert [merge["id"] for merge in json.loads(run_cli("--db", db, "dedupe", "list", "--json").stdout)] == [2]
    everything = run_cli("--db", db, "dedupe", "list", "--all", "--json").stdout
    assert [merge["undone_by"] is not None for merge in json.loads(everything)] == [False, True]

    again = run_cli("--db", db, "dedupe", "undo", "1")
    assert again.exit_code == 1
    assert "error: merge 1 was already undone" in again.stderr
    unknown = run_cli("--db", db, "dedupe", "undo", "42")
    assert (unknown.exit_code, unknown.stderr.strip()) == (1, "error: no merge with id 42")

    rerun = run_cli("--db", db, "dedupe")
    assert rerun.exit_code == 0
    assert "0 merges made" in rerun.stderr
    assert "1 unmerged before by an analyst" in rerun.stderr


def test_the_knobs_reach_the_matching(run_cli: RunCli, tmp_path: Path) -> None:
    db = _store(run_cli, tmp_path)

    close_only = json.loads(run_cli("--db", db, "dedupe", "--dry-run", "--json", "--max-km", "3").stdout)
    assert [merge["merged_sources"] for merge in close_only["merges"]] == [["press:p1"]]  # p2 is 5 km away
    strict = json.loads(run_cli("--db", db, "dedupe", "--dry-run", "--json", "--threshold", "0.99").stdout)
    assert [merge["merged_sources"] for merge in strict["merges"]] == [["press:p1"]]  # identical: score 1
    assert strict["config"]["threshold"] == 0.99
    wide = json.loads(run_cli("--db", db, "dedupe", "--dry-run", "--json", "--window-days", "3").stdout)
    assert wide["pairs_considered"] > close_only["pairs_considered"]

    bad = run_cli("--db", db, "dedupe", "--threshold", "2")
    assert bad.exit_code == 2  # a usage error, from the option's range


def test_show_limits_the_merges_printed(run_cli: RunCli, tmp_path: Path) -> None:
    db = _store(run_cli, tmp_path)

    result = run_cli("--db", db, "dedupe", "--show", "1")

    assert result.exit_code == 0, result
    assert "(the first 1 of 2; --show 0 prints all)" in result.stdout
    assert result.stdout.count(" <- press:") == 1
    assert "2 merges made" in result.stderr
