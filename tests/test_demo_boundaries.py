"""The demo's synthetic districts: one per demo district, holding its towns, not overlapping, labelled,
deterministic, used by the demo's incidents and facilities, and never imported over real boundaries."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import orjson
import pytest
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select

from nigehban import Nigehban
from nigehban.demo import TOWNS, generate_demo
from nigehban.demo_boundaries import (
    DEMO_PCODE_PREFIX,
    SOURCE,
    demo_district_boundaries,
    demo_province_boundaries,
)
from nigehban.geo.boundaries import PROVINCE_PCODES, read_boundaries
from nigehban.store.schema import CHANGE_LOG
from tests.helpers import RunCli

SPAN = {"start": dt.date(2023, 1, 1), "end": dt.date(2023, 12, 31)}
SEED = 2023
# Measured: 99.9% of the geocoded demo incidents fall in the district their source names (5,656 of
# 5,663 for 2019-2024, 1,300 of 1,301 for 2023); the rest are attacks scattered (up to 15 km) across
# a cell border nearby (Islamabad and Rawalpindi are 11 km apart, Peshawar and Jamrud 19 km).
MIN_SHARE_IN_OWN_DISTRICT = 0.99


def _geometries(collection: dict[str, Any], key: str) -> dict[str, BaseGeometry]:
    return {
        feature["properties"][key]: shapely.from_geojson(orjson.dumps(feature["geometry"]))
        for feature in collection["features"]
    }


@pytest.fixture(scope="module")
def districts() -> dict[str, BaseGeometry]:
    """The synthetic district polygons by name."""
    return _geometries(demo_district_boundaries(), "adm2_name")


def _write(tmp_path: Path, name: str, collection: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_bytes(orjson.dumps(collection))
    return path


def _square(pcode: str, name: str, west: float, south: float, size: float, *, level: int = 2) -> dict[str, Any]:
    ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]
    properties = {f"adm{level}_pcode": pcode, f"adm{level}_name": name}
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _change_log_rows(app: Nigehban) -> int:
    with app.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(CHANGE_LOG)).scalar_one())


# the file ------------------------------------------------------------------------------------------


def test_one_district_per_demo_district(districts: dict[str, BaseGeometry]) -> None:
    assert set(districts) == {town.district for town in TOWNS}
    assert all(geometry.is_valid and not geometry.is_empty for geometry in districts.values())


def test_every_town_lies_in_its_own_district(districts: dict[str, BaseGeometry]) -> None:
    outside = [
        town.name
        for town in TOWNS
        if not districts[town.district].contains(shapely.Point(town.longitude, town.latitude))
    ]
    assert outside == []


def test_districts_do_not_overlap(districts: dict[str, BaseGeometry]) -> None:
    overlaps = {
        (first, second): shapely.intersection(districts[first], districts[second]).area
        for first, second in itertools.combinations(districts, 2)
    }
    assert max(overlaps.values()) < 1e-9
    # and they tile one area without gaps between them
    union = shapely.union_all(list(districts.values()))
    assert union.area == pytest.approx(sum(geometry.area for geometry in districts.values()), rel=1e-9)
    assert union.geom_type == "Polygon"


def test_every_feature_says_it_is_synthetic() -> None:
    collection = demo_district_boundaries()
    properties = [feature["properties"] for feature in collection["features"]]
    assert all(item["synthetic"] is True and item["source"] == SOURCE for item in properties)
    assert "not real boundaries" in SOURCE
    pcodes = [item["adm2_pcode"] for item in properties]
    assert len(set(pcodes)) == len(pcodes)
    assert all(pcode.startswith(DEMO_PCODE_PREFIX) and len(pcode) <= 40 for pcode in pcodes)
    provinces = {town.district: town.province for town in TOWNS}
    assert all(item["adm1_pcode"] == PROVINCE_PCODES[provinces[item["adm2_name"]]] for item in properties)
    assert {
        (item["adm2_name"], tuple(item["towns"])) for item in properties if item["adm2_name"] == "North Waziristan"
    } == {("North Waziristan", ("Miranshah", "Mir Ali"))}


def test_the_file_is_deterministic() -> None:
    assert orjson.dumps(demo_district_boundaries()) == orjson.dumps(demo_district_boundaries())
    assert orjson.dumps(demo_province_boundaries()) == orjson.dumps(demo_province_boundaries())


def test_the_boundary_reader_takes_the_files_as_they_are(tmp_path: Path) -> None:
    districts = read_boundaries(_write(tmp_path, "d.geojson", demo_district_boundaries()), level="district")
    provinces = read_boundaries(_write(tmp_path, "p.geojson", demo_province_boundaries()), level="province")
    assert (districts.skipped, districts.repaired, provinces.skipped, provinces.repaired) == ([], [], [], [])
    assert len(districts.units) == len({town.district for town in TOWNS})
    assert {unit.pcode for unit in provinces.units} == {PROVINCE_PCODES[town.province] for town in TOWNS}


def test_provinces_are_the_districts_dissolved(districts: dict[str, BaseGeometry]) -> None:
    provinces = _geometries(demo_province_boundaries(), "adm1_name")
    assert set(provinces) == {town.province for town in TOWNS}
    for province, geometry in provinces.items():
        own = shapely.union_all([districts[town.district] for town in TOWNS if town.province == province])
        assert shapely.symmetric_difference(geometry, own).area < 1e-9, province


# in a store ----------------------------------------------------------------------------------------


def test_demo_incidents_and_facilities_get_their_districts(app: Nigehban) -> None:
    app.demo(seed=SEED, **SPAN)
    report = app.demo_boundaries()
    assert report.imported
    assert report.districts == len({town.district for town in TOWNS})
    assert report.provinces == len({town.province for town in TOWNS})
    assert report.facilities_unplaced == ()

    world = generate_demo(SEED, **SPAN)
    attacks = {attack.number: attack for attack in world.attacks}
    named = {label: attacks[number].town.district for number, labels in world.reports.items() for label in labels}
    units = {unit.pcode: unit.name for unit in app.boundary_set().districts}
    geocoded = [incident for incident in app.incidents() if incident.record.latitude is not None]
    assert len(geocoded) > 500
    in_own = [
        incident
        for incident in geocoded
        if incident.record.district_pcode is not None
        and units[incident.record.district_pcode] == named[incident.sources[0]]
    ]
    assert len(in_own) / len(geocoded) >= MIN_SHARE_IN_OWN_DISTRICT
    # the incident's district name is its unit's name wherever it has one
    assert all(
        units[incident.record.district_pcode] == incident.record.district
        for incident in geocoded
        if incident.record.district_pcode is not None
    )
    facilities = app.facilities()
    assert facilities
    assert all(facility.district_pcode in units for facility in facilities)
    assert report.facilities_moved == len(facilities)  # placed after the facilities were loaded

    # a second call changes nothing, and says so
    before = (
        app.boundary_versions(),
        [(i.id, i.record.district_pcode) for i in app.incidents()],
        _change_log_rows(app),
    )
    again = app.demo_boundaries()
    assert not again.imported
    assert "already imported" in again.message
    after = (app.boundary_versions(), [(i.id, i.record.district_pcode) for i in app.incidents()], _change_log_rows(app))
    assert after == before


def test_real_boundaries_are_never_replaced(app: Nigehban, tmp_path: Path) -> None:
    real = {"type": "FeatureCollection", "features": [_square("PK999", "Example", 70.0, 30.0, 1.0)]}
    app.import_boundaries(_write(tmp_path, "real.geojson", real), level="district")
    versions = app.boundary_versions()
    report = app.demo_boundaries()
    assert not report.imported
    assert "already imported" in report.message
    assert "not loaded over them" in report.message
    assert app.boundary_versions() == versions
    assert [unit.pcode for unit in app.boundary_set().districts] == ["PK999"]
    assert not app.boundary_set().has("province")


def test_real_provinces_are_kept(app: Nigehban, tmp_path: Path) -> None:
    real = {"type": "FeatureCollection", "features": [_square("PK5", "Khyber Pakhtunkhwa", 69.0, 31.0, 5.0, level=1)]}
    app.import_boundaries(_write(tmp_path, "provinces.geojson", real), level="province")
    report = app.demo_boundaries()
    assert report.imported
    assert report.provinces == 0
    assert "kept" in report.message
    assert [unit.pcode for unit in app.boundary_set().provinces] == ["PK5"]
    assert app.boundary_set().has("district")


def test_the_demo_command_says_the_shapes_are_synthetic(run_cli: RunCli, tmp_path: Path) -> None:
    database = str(tmp_path / "demo.db")
    first = run_cli("--db", database, "demo", "--seed", "3")
    assert first.exit_code == 0, first
    assert "District shapes are SYNTHETIC" in first.stderr
    assert "Voronoi" in first.stderr
    second = run_cli("--db", database, "demo", "--seed", "3")
    assert second.exit_code == 0, second
    assert "synthetic demo districts are already imported" in second.stderr
