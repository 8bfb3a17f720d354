"""``nigehban geo ...``: exit codes, one-line errors naming file and feature, JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, RunCli, shared_data

DISTRICTS = FIXTURES / "geo" / "districts_synthetic.geojson"
INDICATORS = FIXTURES / "geo" / "indicators_synthetic.csv"


def test_import_boundaries_reports_units_skipped_and_repaired(run_cli: RunCli, database_url: str) -> None:
    result = run_cli("--db", database_url, "geo", "import-boundaries", str(DISTRICTS), "--level", "district")
    assert result.exit_code == 0, result
    assert "units imported as version 1" in result.stderr
    assert "skipped feature" in result.stderr
    assert "repaired:" in result.stderr

    listed = run_cli("--db", database_url, "geo", "boundaries", "--json")
    (version,) = json.loads(listed.stdout)
    assert (version["level"], version["current"]) == ("district", True)
    neighbours = json.loads(run_cli("--db", database_url, "geo", "neighbours", "--json").stdout)
    assert neighbours
    assert all(isinstance(others, list) for others in neighbours.values())
    assert run_cli("--db", database_url, "geo", "crosswalk", "--json").stdout.strip() == "[]"


def test_a_bad_boundary_file_is_one_line_naming_the_feature(run_cli: RunCli, database_url: str, tmp_path: Path) -> None:
    features = json.loads(DISTRICTS.read_text())["features"]
    features[1]["properties"].pop("adm2_name")
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": features}))

    result = run_cli("--db", database_url, "geo", "import-boundaries", str(bad), "--level", "district")

    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert f"{bad}: feature 2: empty adm2_name" in result.stderr
    assert json.loads(run_cli("--db", database_url, "geo", "boundaries", "--json").stdout) == []


def test_an_unknown_level_is_a_usage_error(run_cli: RunCli, database_url: str) -> None:
    result = run_cli("--db", database_url, "geo", "import-boundaries", str(DISTRICTS), "--level", "county")
    assert result.exit_code == 2


def test_resolve_prints_the_resolution_and_exits_3_for_nothing(run_cli: RunCli, database_url: str) -> None:
    result = run_cli("--db", database_url, "geo", "resolve", "Peshawar", "--json")
    assert result.exit_code == 0, result
    resolution = json.loads(result.stdout)
    assert (resolution["province"], resolution["precision"]) == ("Khyber Pakhtunkhwa", "town")

    nothing = run_cli("--db", database_url, "geo", "resolve", "Qqqzzx Vvvwq")
    assert nothing.exit_code == 3
    assert "none" in nothing.stdout


def test_import_places_adds_to_the_gazetteer(run_cli: RunCli, database_url: str, tmp_path: Path) -> None:
    places = tmp_path / "posts.csv"
    places.write_text("name,latitude,longitude,province\nSYNTHETIC Checkpost Zulfiqar,33.9,71.2,KP\n")
    result = run_cli("--db", database_url, "geo", "import-places", str(places), "--source", "posts")
    assert result.exit_code == 0, result
    assert "1 places imported" in result.stderr

    resolution = json.loads(
        run_cli("--db", database_url, "geo", "resolve", "SYNTHETIC Checkpost Zulfiqar", "--json").stdout
    )
    assert (resolution["latitude"], resolution["longitude"]) == (33.9, 71.2)

    places.write_text("name,latitude,longitude\nSYNTHETIC Post,north,71.2\n")
    bad = run_cli("--db", database_url, "geo", "import-places", str(places))
    assert bad.exit_code == 1
    assert f"{places}: row 2" in bad.stderr
    assert "latitude" in bad.stderr


def test_import_indicators_lists_rows_without_a_district(run_cli: RunCli, database_url: str) -> None:
    assert (
        run_cli("--db", database_url, "geo", "import-boundaries", str(DISTRICTS), "--level", "district").exit_code == 0
    )
    result = run_cli("--db", database_url, "geo", "import-indicators", str(INDICATORS), "--dataset", "synthetic")
    assert result.exit_code == 0, result
    assert "rows match no current district" in result.stderr
    assert "SYNTHETIC LOST" in result.stderr


@pytest.mark.data
def test_resolve_and_backfill_with_real_boundaries(run_cli: RunCli, database_url: str) -> None:
    geo = shared_data("geo")
    assert run_cli("--db", database_url, "import", "gtd", str(FIXTURES / "gtd_synthetic_sample.csv")).exit_code == 0
    for level, name in (("district", "pak_adm2_districts"), ("tehsil", "pak_adm3_tehsils")):
        result = run_cli(
            "--db", database_url, "geo", "import-boundaries", str(geo / f"{name}.geojson"), "--level", level
        )
        assert result.exit_code == 0, result
    assert "until `nigehban geo backfill`" in result.stderr

    resolution = json.loads(run_cli("--db", database_url, "geo", "resolve", "Jamrud, Khyber", "--json").stdout)
    assert (resolution["district"], resolution["province"]) == ("Khyber", "Khyber Pakhtunkhwa")

    backfill = run_cli("--db", database_url, "geo", "backfill")
    assert backfill.exit_code == 0, backfill
    assert "5 source records" in backfill.stderr
    again = run_cli("--db", database_url, "geo", "backfill")
    assert "0 changed" in again.stderr
