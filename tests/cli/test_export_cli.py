"""``nigehban export incidents``: to stdout and atomically to a file, with the filters of ``incidents list``."""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import signal
from pathlib import Path

import pytest

from nigehban import EXPORT_FIELDS, Nigehban
from tests.helpers import FIXTURES, RunCli

SAMPLE = FIXTURES / "gtd_synthetic_sample.csv"  # five SYNTHETIC GTD rows: 3 in KP (under three names)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty directory for the exports (the SQLite store lives in tmp_path itself)."""
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


@pytest.fixture
def store(app: Nigehban) -> str:
    """The database URL of a store holding the synthetic GTD sample."""
    app.import_gtd(SAMPLE)
    return app.settings.database_url


def test_csv_to_stdout(store: str, run_cli: RunCli) -> None:
    result = run_cli("--db", store, "export", "incidents")
    assert result.exit_code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert len(rows) == 5
    assert tuple(rows[0]) == EXPORT_FIELDS
    assert [row["date"] for row in rows] == sorted(row["date"] for row in rows)
    assert all(row["sources"].startswith("gtd:") for row in rows)
    assert "exported 5 incidents (csv) to stdout" in result.stderr


def test_filters_and_dash_for_stdout(store: str, run_cli: RunCli) -> None:
    result = run_cli("--db", store, "export", "incidents", "--format", "jsonl", "--province", "NWFP", "-o", "-")
    assert result.exit_code == 0, result
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == 3
    assert {value["province"] for value in objects} == {"Khyber Pakhtunkhwa"}
    result = run_cli("--db", store, "export", "incidents", "-f", "jsonl", "--group", "BLA", "--until", "2013-12-31")
    assert [json.loads(line)["sources"] for line in result.stdout.splitlines()] == [["gtd:201302150002"]]


def test_geojson_to_a_file(store: str, run_cli: RunCli, out: Path) -> None:
    target = out / "kp.geojson"
    result = run_cli("--db", store, "export", "incidents", "--format", "geojson", "--province", "KP", "-o", str(target))
    assert result.exit_code == 0, result
    assert result.stdout == ""
    assert f"exported 3 incidents (geojson) to {target}" in result.stderr
    collection = json.loads(target.read_text(encoding="utf-8"))
    assert len(collection["features"]) == 3
    for feature in collection["features"]:
        properties = feature["properties"]
        if feature["geometry"] is not None:
            assert feature["geometry"]["coordinates"] == [properties["longitude"], properties["latitude"]]
    assert os.listdir(out) == ["kp.geojson"]  # no temporary file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not the temporary file's private 0600


def test_a_failed_export_leaves_no_file_and_keeps_the_old_one(store: str, run_cli: RunCli, out: Path) -> None:
    target = out / "out.csv"
    target.write_text("previous export\n", encoding="utf-8")
    result = run_cli("--db", store, "export", "incidents", "--format", "xml", "-o", str(target))
    assert result.exit_code == 1
    assert "csv, jsonl, geojson" in result.stderr
    # a bad filter fails after the command started: still nothing half-written
    result = run_cli("--db", store, "export", "incidents", "--province", "Kabul", "-o", str(target))
    assert result.exit_code == 1
    assert "not a province" in result.stderr
    assert target.read_text(encoding="utf-8") == "previous export\n"
    assert os.listdir(out) == ["out.csv"]


def test_a_write_error_half_way_removes_the_temporary_file(store: str, run_cli: RunCli, out: Path) -> None:
    # a real write failure: files may not grow past 600 bytes (EFBIG instead of the SIGXFSZ signal)
    target = out / "out.jsonl"
    previous_signal = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    previous_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (600, previous_limit[1]))
    try:
        result = run_cli("--db", store, "export", "incidents", "-f", "jsonl", "-o", str(target))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, previous_limit)
        signal.signal(signal.SIGXFSZ, previous_signal)
    assert result.exit_code == 1
    assert f"{target}: File too large" in result.stderr
    assert os.listdir(out) == []


def test_missing_directory_is_a_clear_error(store: str, run_cli: RunCli, out: Path) -> None:
    result = run_cli("--db", store, "export", "incidents", "-o", str(out / "nowhere" / "out.csv"))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
