"""``nigehban extract``: one JSON line per document, problems on stderr, exit 0 when the batch completes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import FIXTURES, RunCli


def test_extract_json_lines_text_and_html(run_cli: RunCli, database_url: str, tmp_path: Path) -> None:
    assert (
        run_cli(
            "--db",
            database_url,
            "geo",
            "import-boundaries",
            str(FIXTURES / "geo" / "districts_synthetic.geojson"),
            "--level",
            "district",
        ).exit_code
        == 0
    )
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "feed.jsonl").write_text(
        json.dumps(
            {
                "id": "f1",
                "text": "Militants killed three FC soldiers in Synthetic West, Pakistan.",
                "published": "2015-01-02",
            }
        )
        + "\n{oops\n",
        encoding="utf-8",
    )
    (reports / "note.txt").write_bytes("Blast in Synthetic East \u2013 five injured".encode("cp1252"))
    (reports / "page.html").write_text(
        "<html><body><nav>Menu</nav><article><p>Gunmen shot dead a policeman yesterday.</p></article></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run_cli("--db", database_url, "extract", str(reports), "--output", str(out))
    assert result.exit_code == 0, result
    lines = {row["id"]: row for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(lines) == {"f1", "feed.jsonl:2", "note", "page"}
    assert lines["f1"]["incidents"][0]["district_pcode"] == "PK901"
    assert lines["f1"]["incidents"][0]["killed"] == 3
    assert lines["note"]["incidents"][0]["wounded"] == 5
    assert lines["feed.jsonl:2"]["incidents"] == []
    assert "problem: feed.jsonl:2: not a JSON object" in result.stderr
    assert "problem: note.txt: not valid UTF-8" in result.stderr
    assert "4 documents" in result.stderr
    assert "warning" not in result.stderr


def test_a_store_without_district_boundaries_is_warned_of_before_the_run(run_cli: RunCli, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'n.db'}"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "q1", "text": "A bomb killed two policemen in Quetta."}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("--db", database, "extract", str(feed), "--output", str(out))
    assert result.exit_code == 0, result
    assert "warning: the store has no district boundaries" in result.stderr
    assert "nigehban geo import-boundaries PATH --level district" in result.stderr
    assert result.stderr.index("warning") < result.stderr.index("1 documents")
    (incident,) = json.loads(out.read_text(encoding="utf-8"))["incidents"]
    assert (incident["province"], incident["district"], incident["killed"]) == ("Balochistan", None, 2)


def test_missing_input_and_review_queue(run_cli: RunCli, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'n.db'}"
    missing = run_cli("--db", database, "extract", str(tmp_path / "nope.jsonl"), "--output", str(tmp_path / "o.jsonl"))
    assert missing.exit_code == 1
    assert "nope.jsonl: no such file or directory" in missing.stderr
    review = run_cli("--db", database, "extract", str(tmp_path / "nope.jsonl"), "--into-review")
    assert review.exit_code == 1  # the queue is tested in tests/cli/test_review_cli.py
    assert "nope.jsonl: no such file or directory" in review.stderr
    no_output = run_cli("--db", database, "extract", str(tmp_path))
    assert no_output.exit_code == 2
