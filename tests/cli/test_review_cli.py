"""``nigehban extract --into-review`` and ``nigehban review list|show|accept|edit|reject``.

Reports are invented; the stored incidents come from the synthetic agency register in tests/fixtures.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import FIXTURES, RunCli


def _feed(tmp_path: Path) -> Path:
    feed = tmp_path / "feed.jsonl"
    lines = [
        {
            "id": "tribune-7",
            "text": "PESHAWAR: Four policemen were killed and 12 people injured when a bomb went off at the gate "
            "of the Cantt police station in Peshawar on Wednesday.",
            "published": "2024-01-04",
        },
        {
            "id": "wire-9",
            "text": "QUETTA: Gunmen shot dead two Levies personnel in Quetta late last night.",
            "published": "2024-03-10",
        },
        {"id": "sport-1", "text": "Peshawar Zalmi won the match by six wickets.", "published": "2024-01-04"},
    ]
    feed.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return feed


def test_the_review_workflow(run_cli: RunCli, database_url: str, tmp_path: Path) -> None:
    db = ("--db", database_url)
    imported = run_cli(
        *db, "import", "csv", str(FIXTURES / "agency_register_synthetic.csv"), "--mapping",
        str(FIXTURES / "agency_register.toml"),
    )  # fmt: skip
    assert imported.exit_code == 0, imported

    queued = run_cli(*db, "extract", str(_feed(tmp_path)), "--into-review")
    assert queued.exit_code == 0, queued
    assert "3 documents" in queued.stderr
    assert "1 documents report no attack (not queued)" in queued.stderr

    listed = run_cli(*db, "review", "list", "--format", "json")
    assert listed.exit_code == 0, listed
    items = {item["document_id"]: item for item in json.loads(listed.stdout)}
    assert set(items) == {"tribune-7", "wire-9"}
    peshawar, quetta = items["tribune-7"]["id"], items["wire-9"]["id"]

    shown = run_cli(*db, "review", "show", str(peshawar), "--format", "json")
    assert shown.exit_code == 0, shown
    detail = json.loads(shown.stdout)
    assert detail["document_text"].startswith("PESHAWAR:")
    killed = detail["fields"]["killed"]
    assert (
        detail["document_text"][killed["evidence"]["start"] : killed["evidence"]["end"]] == killed["evidence"]["text"]
    )
    stored_id = detail["matches"][0]["incident_id"]
    table = run_cli(*db, "review", "show", str(peshawar))
    assert table.exit_code == 0
    assert "Matches" in table.stdout

    edited = run_cli(*db, "review", "edit", str(peshawar), "--set", "perpetrator=TTP")
    assert edited.exit_code == 0, edited
    bad = run_cli(*db, "review", "edit", str(peshawar), "--set", "attack_type=drone")
    assert bad.exit_code == 1
    assert "attack_type='drone'" in bad.stderr

    accepted = run_cli(*db, "review", "accept", str(peshawar), "--incident", str(stored_id), "--note", "same attack")
    assert accepted.exit_code == 0, accepted
    assert f"merged into incident {stored_id}" in accepted.stderr
    incident = json.loads(run_cli(*db, "incidents", "show", str(stored_id), "--json").stdout)
    assert "reports:tribune-7" in incident["sources"]

    again = run_cli(*db, "review", "accept", str(peshawar), "--new")
    assert again.exit_code == 1
    assert "already accepted" in again.stderr

    rejected = run_cli(*db, "review", "reject", str(quetta), "--note", "not in our area")
    assert rejected.exit_code == 0, rejected
    done = json.loads(run_cli(*db, "review", "list", "--status", "all", "--format", "json").stdout)
    assert {item["status"] for item in done} == {"accepted", "rejected"}
    assert run_cli(*db, "review", "list").exit_code == 0
