"""The facility registry: import from CSV and GeoJSON, placing in districts, edits, and refused files.

Facilities are invented ("SYNTHETIC"); districts are the invented polygons of
tests/fixtures/geo/districts_synthetic.geojson (West: lon 70-71, lat 30-31 in PK6; East: lon 71-72).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nigehban import InvalidFieldValue, Nigehban
from nigehban.security.facilities import (
    FacilityFileError,
    FacilityInput,
    FacilityNotFound,
    FacilityValueError,
    facility_type,
    read_facilities,
)
from nigehban.store.changelog import history
from tests.analysis.conftest import SYNTHETIC_DISTRICTS

HEADER = "code,name,type,latitude,longitude,district,province,staff,daily_visitors,mission_criticality,symbolism"


def _csv(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def placed_app(app: Nigehban) -> Nigehban:
    app.import_boundaries(SYNTHETIC_DISTRICTS, level="district")
    return app


def test_import_places_each_facility_in_its_district_and_reimport_changes_nothing(
    placed_app: Nigehban, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path / "facilities.csv",
        "PS-1,SYNTHETIC City PS,Police Station,30.5,70.5,,,60,40,,",
        "CP-1,SYNTHETIC Check-post 1,checkpost,30.5,71.5,,,8,0,1,1",
        "DPO-1,SYNTHETIC DPO North,DPO,31.5,71.5,,,150,100,3,3",
    )
    report = placed_app.import_facilities(path, dataset="synthetic-register")
    assert (report.added, report.updated, report.unchanged) == (3, 0, 0)
    stored = {facility.code: facility for facility in placed_app.facilities()}
    assert stored["PS-1"].district == "Synthetic West"
    assert stored["PS-1"].district_pcode == "PK901"
    assert stored["CP-1"].district_pcode == "PK902"
    assert stored["DPO-1"].district_pcode == "PK903"
    assert stored["PS-1"].facility_type == "police_station"
    # criticality and symbolism default by type where the file leaves them empty
    assert (stored["PS-1"].mission_criticality, stored["PS-1"].symbolism) == (2, 2)
    assert (stored["DPO-1"].mission_criticality, stored["DPO-1"].symbolism) == (3, 3)

    again = placed_app.import_facilities(path, dataset="synthetic-register")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)

    moved = _csv(tmp_path / "moved.csv", "PS-1,SYNTHETIC City PS,Police Station,30.5,71.6,,,70,40,,")
    assert placed_app.import_facilities(moved, dataset="synthetic-register").updated == 1
    assert placed_app.facility("PS-1").district_pcode == "PK902"
    assert placed_app.facility("PS-1").staff == 70


def test_a_facility_outside_every_district_refuses_the_file_and_writes_nothing(
    placed_app: Nigehban, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path / "facilities.csv",
        "PS-1,SYNTHETIC City PS,police_station,30.5,70.5,,,60,40,,",
        "PS-2,SYNTHETIC Lost PS,police_station,25.0,62.0,,,60,40,,",
    )
    with pytest.raises(FacilityFileError) as raised:
        placed_app.import_facilities(path)
    message = str(raised.value)
    assert str(path) in message
    assert "row 2, latitude" in message
    assert "outside every district" in message
    assert placed_app.facilities() == []


def test_every_bad_row_is_named_with_its_field(sqlite_app: Nigehban, tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "facilities.csv",
        "PS-1,SYNTHETIC PS,police castle,30.5,70.5,,,60,40,,",
        "PS-2,SYNTHETIC PS 2,police_station,30.5,70.5,,,many,40,,",
        "PS-3,SYNTHETIC PS 3,police_station,30.5,70.5,,,60,40,7,",
        "PS-3,SYNTHETIC PS 3 again,police_station,30.5,70.5,,,60,40,,",
        "PS-5,SYNTHETIC PS 5,police_station,95,70.5,,,60,40,,",
    )
    with pytest.raises(FacilityFileError) as raised:
        read_facilities(path)
    problems = {(problem.row, problem.field) for problem in raised.value.problems}
    assert problems == {
        (1, "facility_type"),
        (2, "staff"),
        (3, "mission_criticality"),
        (4, "code"),
        (5, "latitude"),
    }


def test_files_that_are_not_facility_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(FacilityFileError, match="is empty"):
        read_facilities(empty)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\xff\xd8\xff\xe0JFIF\x00\x01")
    with pytest.raises(FacilityFileError, match="not UTF-8"):
        read_facilities(binary)
    columns = tmp_path / "columns.csv"
    columns.write_text("code,name,kind\nA,B,C\n")
    with pytest.raises(FacilityFileError) as raised:
        read_facilities(columns)
    assert {problem.field for problem in raised.value.problems} == {"type", "kind"}


def test_geojson_points(placed_app: Nigehban, tmp_path: Path) -> None:
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [71.5, 30.5]},  # longitude first
                "properties": {"code": "FC-9", "name": "SYNTHETIC FC post", "type": "FC post", "staff": 30},
            }
        ],
    }
    path = tmp_path / "posts.geojson"
    path.write_text(json.dumps(document))
    assert placed_app.import_facilities(path).added == 1
    post = placed_app.facility("FC-9")
    assert (post.latitude, post.longitude, post.district_pcode, post.facility_type) == (30.5, 71.5, "PK902", "fc_post")


def test_without_boundaries_the_district_is_kept_as_named(app: Nigehban) -> None:
    report = app.add_facility(
        FacilityInput(code="PS-1", name="SYNTHETIC PS", facility_type="police_station", district="Peshawar")
    )
    assert report.notes
    assert "no district boundaries" in report.notes[0]
    facility = app.facility("PS-1")
    assert (facility.district, facility.district_pcode, facility.province) == ("Peshawar", None, "Khyber Pakhtunkhwa")
    with pytest.raises(FacilityFileError, match="district must be named"):
        app.add_facility(FacilityInput(code="PS-2", name="SYNTHETIC PS 2", facility_type="police_station"))
    # a province filter is checked: KPK is Khyber Pakhtunkhwa, Gondwana is no province
    assert [item.code for item in app.facilities(province="KPK")] == ["PS-1"]
    with pytest.raises(InvalidFieldValue, match=r"province.*Gondwana.*not a province or territory of Pakistan"):
        app.facilities(province="Gondwana")


def test_relocation_after_boundaries_arrive(app: Nigehban) -> None:
    app.add_facility(
        FacilityInput(
            code="PS-1", name="SYNTHETIC PS", facility_type="police_station", latitude=30.5, longitude=71.5,
            district="Somewhere",
        )
    )  # fmt: skip
    app.add_facility(
        FacilityInput(code="PS-2", name="SYNTHETIC PS 2", facility_type="police_station", district="Nowhere")
    )
    assert app.facility("PS-1").district_pcode is None
    app.import_boundaries(SYNTHETIC_DISTRICTS, level="district")
    moved, failed = app.relocate_facilities()
    assert moved == 1
    assert app.facility("PS-1").district_pcode == "PK902"
    assert len(failed) == 1
    assert failed[0].startswith("PS-2")
    assert app.facility("PS-2").district == "Nowhere"


def test_edits_are_checked_placed_again_and_logged(placed_app: Nigehban) -> None:
    placed_app.add_facility(
        FacilityInput(code="PS-1", name="SYNTHETIC PS", facility_type="police_station", latitude=30.5, longitude=70.5)
    )
    edited = placed_app.update_facility("PS-1", {"longitude": 71.5, "staff": 80}, note="moved to the new building")
    assert (edited.district_pcode, edited.staff) == ("PK902", 80)
    with placed_app.engine.connect() as connection:
        entries = history(connection, "facility", edited.id)
    assert [entry["action"] for entry in entries] == ["create", "edit"]
    assert entries[-1]["note"] == "moved to the new building"
    assert entries[-1]["before"]["district_pcode"] == "PK901"
    with pytest.raises(FacilityValueError, match="symbolism"):
        placed_app.update_facility("PS-1", {"symbolism": 9})
    with pytest.raises(FacilityValueError, match="outside every district"):
        placed_app.update_facility("PS-1", {"latitude": 10.0})
    assert placed_app.facility("PS-1").latitude == 30.5
    with pytest.raises(FacilityNotFound):
        placed_app.facility("NOPE")


def test_type_names_as_registers_write_them() -> None:
    assert facility_type("Police Station") == "police_station"
    assert facility_type("PS") == "police_station"
    assert facility_type("check-post") == "check_post"
    assert facility_type("Levies") == "levies_post"
    with pytest.raises(FacilityValueError, match="unknown facility type"):
        facility_type("castle")
