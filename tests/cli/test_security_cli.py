"""``nigehban facilities|audit|risk|plan|patrol``: the JSON contract, the audit workflow and one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.analysis.conftest import SYNTHETIC_DISTRICTS, write_gtd
from tests.helpers import RunCli


@pytest.fixture
def store(run_cli: RunCli, database_url: str, tmp_path: Path) -> str:
    """SYNTHETIC districts and incidents (tests/analysis/conftest.py) and three SYNTHETIC facilities."""
    db = ("--db", database_url)
    assert run_cli(*db, "geo", "import-boundaries", str(SYNTHETIC_DISTRICTS), "--level", "district").exit_code == 0
    assert run_cli(*db, "import", "gtd", str(write_gtd(tmp_path / "synthetic.csv"))).exit_code == 0
    register = tmp_path / "facilities.csv"
    register.write_text(
        "code,name,type,latitude,longitude,staff\n"
        "PS-1,SYNTHETIC West PS,police station,30.5,70.5,60\n"
        "PS-2,SYNTHETIC East PS,police station,30.5,71.5,40\n"
        "CP-1,SYNTHETIC North check-post,check post,31.5,71.5,8\n"
    )
    imported = run_cli(*db, "facilities", "import", str(register))
    assert imported.exit_code == 0, imported
    assert "3 added" in imported.stderr
    return database_url


def _audit(run_cli: RunCli, db: str, facility: str, level: int) -> None:
    started = run_cli("--db", db, "audit", "start", facility, "--auditor", "SYNTHETIC auditor", "--gps", "30.5,70.5")
    assert started.exit_code == 0, started
    audit_id = started.stdout.strip()
    checklist = json.loads(run_cli("--db", db, "audit", "checklist", "--format", "json").stdout)
    pairs = [f"{item['id']}={min(level, max(map(int, item['scale'])))}" for item in checklist["items"]]
    answered = run_cli("--db", db, "audit", "answer", audit_id, *pairs)
    assert answered.exit_code == 0, answered
    completed = run_cli("--db", db, "audit", "complete", audit_id, "--allow-unanswered")
    assert completed.exit_code == 0, completed


def test_audit_risk_plan_and_patrol(run_cli: RunCli, store: str) -> None:
    _audit(run_cli, store, "PS-1", 0)
    _audit(run_cli, store, "PS-2", 2)

    risks = json.loads(run_cli("--db", store, "risk", "--format", "json").stdout)
    assert {item["facility"]["code"] for item in risks} == {"PS-1", "PS-2", "CP-1"}
    west = next(item for item in risks if item["facility"]["code"] == "PS-1")
    assert west["band"] in {"Low", "Medium", "High"}
    assert set(west["scenarios"]) == {"armed_assault", "suicide_bomber", "vbied", "insider"}
    explained = run_cli("--db", store, "risk", "--facility", "PS-1")
    assert explained.exit_code == 0, explained
    assert re.search(
        r"armed_assault: risk \d+ .* = threat [\d.]+ x vulnerability [\d.]+ x consequence", explained.stdout
    )

    plan = run_cli("--db", store, "plan", "--budget", "5m", "--format", "json")
    assert plan.exit_code == 0, plan
    document = json.loads(plan.stdout)
    assert document["total_cost"] <= 5_000_000
    assert document["total_cost"] == sum(choice["cost_pkr"] for choice in document["chosen"])
    assert document["risk_after"] < document["risk_before"]
    assert {choice["facility_code"] for choice in document["chosen"]} <= {"PS-1", "PS-2"}
    assert document["left_out"] == ["CP-1 SYNTHETIC North check-post"]

    rows = run_cli("--db", store, "plan", "--budget", "5m", "--format", "csv").stdout.splitlines()
    assert rows[0].startswith("facility_code,district,facility_id,facility,measure_id,measure,cost_pkr")
    assert len(rows) == len(document["chosen"]) + 1
    risk_rows = run_cli("--db", store, "risk", "--format", "csv").stdout.splitlines()
    assert risk_rows[0].startswith("id,code,name,type,district")
    assert len(risk_rows) == 4

    patrol = run_cli("--db", store, "patrol", "--units", "2", "--format", "json")
    assert patrol.exit_code == 0, patrol
    coverage = json.loads(patrol.stdout)["coverage"]
    assert sum(entry["coverage"] for entry in coverage) == pytest.approx(2.0)


def test_errors_are_one_line_with_exit_1(run_cli: RunCli, store: str, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("code,name,type,latitude,longitude\nX-1,SYNTHETIC lost,police station,25.0,62.0\n")
    refused = run_cli("--db", store, "facilities", "import", str(outside))
    assert refused.exit_code == 1
    assert "row 1, latitude" in refused.stderr
    assert "outside every district" in refused.stderr
    assert "Traceback" not in refused.stderr

    started = run_cli("--db", store, "audit", "start", "PS-1", "--auditor", "SYNTHETIC auditor")
    audit_id = started.stdout.strip()
    bad = run_cli("--db", store, "audit", "answer", audit_id, "perimeter.wall_height=9")
    assert bad.exit_code == 1
    assert "perimeter.wall_height" in bad.stderr
    assert "9" in bad.stderr

    no_audits = run_cli("--db", store, "plan", "--budget", "10m")
    assert no_audits.exit_code == 1
    assert "audit facilities first" in no_audits.stderr
    assert run_cli("--db", store, "plan", "--budget", "lots").exit_code != 0
    assert run_cli("--db", store, "patrol", "--units", "0").exit_code == 1


def test_a_checklist_with_a_wrong_weight_is_refused_by_name(
    run_cli: RunCli, store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nigehban.security.checklist import load_checklist

    packaged = load_checklist().path
    assert packaged is not None
    text = Path(packaged).read_text(encoding="utf-8")
    assert "armed_assault = 5" in text
    broken = tmp_path / "checklist.toml"
    broken.write_text(text.replace("armed_assault = 5", "armed_assault = 50", 1), encoding="utf-8")
    monkeypatch.setenv("NIGEHBAN_CHECKLIST", str(broken))
    result = run_cli("--db", store, "audit", "checklist")
    assert result.exit_code == 1
    assert str(broken) in result.stderr
    assert "armed_assault" in result.stderr


def test_the_catalogue_shows_effects_and_copies_for_editing(run_cli: RunCli, store: str, tmp_path: Path) -> None:
    measures = json.loads(run_cli("--db", store, "plan", "catalogue", "--format", "json").stdout)
    assert len(measures) >= 30
    search = next(measure for measure in measures if measure["id"] == "search_everyone_protocol")
    assert search["effect"]["suicide_bomber"] > search["effect"]["vbied"] >= 0
    copy = tmp_path / "my-catalogue.toml"
    assert run_cli("--db", store, "plan", "catalogue", "--write", str(copy)).exit_code == 0
    assert "search_everyone_protocol" in copy.read_text(encoding="utf-8")
    again = run_cli("--db", store, "plan", "catalogue", "--write", str(copy))
    assert again.exit_code == 1
