"""The geography layer through the app, on SQLite and PostgreSQL: boundary versions and crosswalk,
neighbours, bad files, backfill, indicators, and a fresh install without boundaries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nigehban import Nigehban
from nigehban.errors import BoundaryFileError
from tests.helpers import FIXTURES, GTD_PAKISTAN, shared_data

SYNTHETIC_DISTRICTS = FIXTURES / "geo" / "districts_synthetic.geojson"
GTD_SAMPLE = FIXTURES / "gtd_synthetic_sample.csv"


def _features(path: Path) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads(path.read_text())["features"]
    return features


def _write(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


# boundary versions ----------------------------------------------------------------------------------


def test_importing_boundaries_makes_a_current_version_with_neighbours(app: Nigehban) -> None:
    version = app.import_boundaries(SYNTHETIC_DISTRICTS, level="district")

    assert version.current
    assert version.level == "district"
    assert version.unit_count == len(app.boundary_set().districts) > 0
    assert [skipped["reason"] for skipped in version.skipped] == ["no adm2_pcode"]
    assert len(version.repaired) == 1  # the bow-tie
    neighbours = app.neighbours()
    assert set(neighbours) == {unit.pcode for unit in app.boundary_set().districts}
    for pcode, others in neighbours.items():  # contiguity is symmetric
        assert all(pcode in neighbours[other] for other in others)


def test_a_new_version_replaces_the_old_one_with_a_crosswalk(app: Nigehban, tmp_path: Path) -> None:
    first = app.import_boundaries(SYNTHETIC_DISTRICTS, level="district")
    old_units = {unit.pcode: unit for unit in app.boundary_set().districts}
    # The next edition merges the first two districts into one with a new code (as FATA's agencies
    # became districts, or Keamari was carved out of Karachi West, the other way round).
    features = [feature for feature in _features(SYNTHETIC_DISTRICTS) if feature["properties"].get("adm2_pcode")]
    merged_pcodes = [features[0]["properties"]["adm2_pcode"], features[1]["properties"]["adm2_pcode"]]
    features[0]["properties"]["adm2_pcode"] = "PK990"
    features[1]["properties"]["adm2_pcode"] = "PK990"
    features[1]["properties"]["adm2_name"] = features[0]["properties"]["adm2_name"] = "SYNTHETIC Merged"
    with pytest.raises(BoundaryFileError, match="PK990 repeats feature 1"):  # the same code twice: refused whole
        app.import_boundaries(_write(tmp_path / "twice.geojson", features), level="district")
    assert [version.id for version in app.boundary_versions()] == [first.id]

    assert [feature["geometry"]["type"] for feature in features[:2]] == ["Polygon", "Polygon"]
    union = {
        "type": "Feature",
        "properties": {"adm2_pcode": "PK990", "adm2_name": "SYNTHETIC Merged", "adm1_pcode": "PK6"},
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [features[0]["geometry"]["coordinates"], features[1]["geometry"]["coordinates"]],
        },
    }
    second = app.import_boundaries(_write(tmp_path / "next.geojson", [union, *features[2:]]), level="district")

    versions = app.boundary_versions(level="district")
    assert [(version.id, version.current) for version in versions] == [(first.id, False), (second.id, True)]
    assert "PK990" in {unit.pcode for unit in app.boundary_set().districts}
    crosswalk = {(entry.from_pcode, entry.to_pcode): entry.share for entry in app.boundary_crosswalk()}
    for pcode in merged_pcodes:
        assert crosswalk[(pcode, "PK990")] == pytest.approx(1.0, abs=0.01)
    for pcode in set(old_units) - set(merged_pcodes):
        assert crosswalk[(pcode, pcode)] == pytest.approx(1.0, abs=0.01)


def test_a_bad_boundary_file_writes_nothing(app: Nigehban, tmp_path: Path) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(BoundaryFileError, match=r"broken\.geojson: not valid JSON"):
        app.import_boundaries(broken, level="district")
    features = _features(SYNTHETIC_DISTRICTS)
    features[2]["geometry"] = {"type": "Point", "coordinates": [70.5, 30.5]}
    with pytest.raises(BoundaryFileError, match=r"feature 3: .*not a \(Multi\)Polygon"):
        app.import_boundaries(_write(tmp_path / "point.geojson", features), level="district")
    assert app.boundary_versions() == []
    assert app.boundary_set().districts == []


# a fresh install --------------------------------------------------------------------------------------


def test_without_boundaries_incidents_get_provinces_towns_and_h3_cells(app: Nigehban) -> None:
    app.import_gtd(GTD_SAMPLE)

    incidents = app.incidents()
    assert incidents
    for incident in incidents:
        record = incident.record
        assert record.district_pcode is None  # no boundaries yet
        if record.latitude is not None and record.geo_precision not in {"province", "country"}:
            assert record.h3_res8 is not None
    resolution = app.resolve_place("Peshawar")
    assert (resolution.province, resolution.precision, resolution.district_pcode) == (
        "Khyber Pakhtunkhwa",
        "town",
        None,
    )


# real boundaries ----------------------------------------------------------------------------------------


def _import_real_boundaries(app: Nigehban) -> None:
    geo = shared_data("geo")
    app.import_boundaries(geo / "pak_adm1_provinces.geojson", level="province")
    app.import_boundaries(geo / "pak_adm2_districts.geojson", level="district")
    app.import_boundaries(geo / "pak_adm3_tehsils.geojson", level="tehsil")


@pytest.mark.data
def test_backfill_gives_stored_incidents_their_districts_and_keeps_analyst_edits(app: Nigehban) -> None:
    gtd = shared_data(GTD_PAKISTAN)
    app.import_gtd(gtd)
    before = app.incidents()
    assert all(incident.record.district_pcode is None for incident in before)
    edited = next(incident for incident in before if incident.record.latitude is not None)
    app.update_incident(edited.id, {"district": "SYNTHETIC analyst district"}, note="test")

    _import_real_boundaries(app)
    report = app.backfill_geography()

    assert report.source_records == len(before)
    after = {incident.id: incident.record for incident in app.incidents()}
    with_coordinates = [record for record in after.values() if record.latitude is not None]
    in_district = [record for record in with_coordinates if record.district_pcode is not None]
    assert len(in_district) / len(with_coordinates) > 0.99
    assert after[edited.id].district == "SYNTHETIC analyst district"  # the analyst's value stays
    assert report.kept >= 1
    assert report.incidents_changed >= len(in_district) - 1
    # the same as an import on boundaries already there would have given
    assert app.backfill_geography().records_changed == 0


@pytest.mark.data
def test_importing_after_boundaries_places_every_incident(app: Nigehban) -> None:
    _import_real_boundaries(app)
    report = app.import_gtd(shared_data(GTD_PAKISTAN))
    assert report.inserted == 7173

    records = [incident.record for incident in app.incidents()]
    pcodes = {unit.pcode for unit in app.boundary_set().districts}
    placed = [record for record in records if record.district_pcode in pcodes]
    assert len(placed) / len(records) > 0.98
    assert all(record.province is not None for record in placed)
    # The backfill's gazetteer has learned the places GTD geocoded (geo.learned), the import's had
    # not; rows with coordinates are still checked against independent places only, and GTD's rows
    # without coordinates name nothing learned in another district: import and backfill agree.
    assert app.backfill_geography().records_changed == 0


@pytest.mark.data
def test_census_indicators_match_districts_including_newer_ones(app: Nigehban) -> None:
    _import_real_boundaries(app)
    indicators = app.import_indicators(shared_data("pak_census2023_district_indicators.csv"))

    assert len(indicators.rows) == 136
    by_district = {row.district: row for row in indicators.rows}
    west_karachi = next(unit.pcode for unit in app.boundary_set().districts if unit.name == "West Karachi")
    assert by_district["KEAMARI"].pcode == west_karachi  # carved out of Karachi West in 2020
    combined = app.district_indicators()
    assert combined[west_karachi]["pop_2023"] == pytest.approx(
        sum(row.values["pop_2023"] or 0 for row in indicators.rows if row.pcode == west_karachi)
    )
    assert 0 < combined[west_karachi]["literacy_rate_all"] < 1
    # re-importing replaces, never doubles
    app.import_indicators(shared_data("pak_census2023_district_indicators.csv"))
    assert app.district_indicators() == combined
