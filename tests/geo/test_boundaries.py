"""Reading boundary files: the real province, district and tehsil files, a synthetic file, and broken input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shapely

from nigehban.errors import BoundaryFileError
from nigehban.geo.boundaries import PROVINCE_PCODES, BoundaryFile, read_boundaries
from tests.helpers import FIXTURES, shared_data

SYNTHETIC = FIXTURES / "geo" / "districts_synthetic.geojson"
SQUARE = {"type": "Polygon", "coordinates": [[[70, 30], [71, 30], [71, 31], [70, 31], [70, 30]]]}


def _feature(geometry: Any, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "boundaries.geojson"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def _collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def _assert_clean(boundaries: BoundaryFile) -> None:
    pcodes = [unit.pcode for unit in boundaries.units]
    assert len(set(pcodes)) == len(pcodes)
    for unit in boundaries.units:
        assert unit.geometry.is_valid, unit.name
        assert unit.geometry.geom_type in {"Polygon", "MultiPolygon"}, unit.name
        assert unit.geometry.area > 0, unit.name


# ---------------------------------------------------------------- real files


@pytest.mark.data
def test_real_province_file() -> None:
    boundaries = read_boundaries(shared_data("geo/pak_adm1_provinces.geojson"), level="province")
    assert sorted(unit.pcode for unit in boundaries.units) == sorted(PROVINCE_PCODES.values())
    assert [(skip.feature, skip.name) for skip in boundaries.skipped] == [(8, "Jammu & Kashmir (Disputed Territory)")]
    # a province file has no codes: they come from the names, and a province is its own province
    assert all(unit.province_pcode == unit.pcode and unit.parent_pcode is None for unit in boundaries.units)
    # Sindh's outline crosses itself once in the file; it is repaired and said so
    assert len(boundaries.repaired) == 1
    assert boundaries.repaired[0].startswith("Sindh (PK7): Self-intersection")
    _assert_clean(boundaries)
    assert len(boundaries.sha256) == 64


@pytest.mark.data
def test_real_district_file() -> None:
    boundaries = read_boundaries(shared_data("geo/pak_adm2_districts.geojson"), level="district")
    assert len(boundaries.units) == 158
    assert [(skip.name, skip.reason) for skip in boundaries.skipped] == [
        ("Ladakh Region", "no adm2_pcode"),
        ("Jammu and Kashmir Region", "no adm2_pcode"),
    ]
    assert boundaries.repaired == []
    _assert_clean(boundaries)
    provinces = set(PROVINCE_PCODES.values())
    for unit in boundaries.units:
        assert unit.parent_pcode == unit.province_pcode, unit
        assert unit.province_pcode in provinces, unit
        assert unit.pcode.startswith(unit.province_pcode), unit  # COD-AB: PK528 is in PK5
    by_pcode = {unit.pcode: unit.name for unit in boundaries.units}
    assert by_pcode["PK528"] == "Peshawar"


@pytest.mark.data
def test_real_tehsil_file() -> None:
    tehsils = read_boundaries(shared_data("geo/pak_adm3_tehsils.geojson"), level="tehsil")
    districts = read_boundaries(shared_data("geo/pak_adm2_districts.geojson"), level="district")
    assert len(tehsils.units) == 554
    assert [skip.name for skip in tehsils.skipped] == ["Ladakh", "Jammu And Kashmir"]
    assert tehsils.valid_on == "2022-09-09"
    _assert_clean(tehsils)
    # eight outlines in the file are invalid (self-intersections, slivers of too few points); each is listed
    assert len(tehsils.repaired) == 8
    assert any(note.startswith("FR Kohat (") for note in tehsils.repaired)
    # every tehsil names its district and province, and they agree with the district file
    district_province = {unit.pcode: unit.province_pcode for unit in districts.units}
    for unit in tehsils.units:
        assert unit.parent_pcode in district_province, unit.name
        assert unit.province_pcode == district_province[unit.parent_pcode], unit.name
    # geoBoundaries' capitals become names ("FR KOHAT" -> "FR Kohat"); short words stay as they are
    assert not [unit.name for unit in tehsils.units if unit.name.isupper() and len(unit.name) > 2]


# ---------------------------------------------------------------- a synthetic file


def test_synthetic_file_skips_repairs_and_keeps_multipolygons() -> None:
    boundaries = read_boundaries(SYNTHETIC, level="district")
    assert [(unit.pcode, unit.name, unit.parent_pcode) for unit in boundaries.units] == [
        ("PK901", "Synthetic West", "PK6"),
        ("PK902", "Synthetic East", "PK5"),
        ("PK903", "Synthetic North", "PK5"),
        ("PK904", "Synthetic Islands", "PK7"),
        ("PK905", "Synthetic Bow-tie", "PK2"),
    ]
    assert [(skip.feature, skip.name, skip.reason) for skip in boundaries.skipped] == [
        (5, "Synthetic Disputed", "no adm2_pcode")
    ]
    units = {unit.pcode: unit for unit in boundaries.units}
    assert units["PK904"].geometry.geom_type == "MultiPolygon"
    assert units["PK904"].geometry.area == pytest.approx(0.08)
    # the bow-tie becomes its two triangles: the area of the figure as drawn, not zero or a square
    assert boundaries.repaired == ["Synthetic Bow-tie (PK905): Self-intersection[74.5 30.5]"]
    bow_tie = units["PK905"].geometry
    assert bow_tie.is_valid
    assert bow_tie.area == pytest.approx(0.5)
    assert bow_tie.contains(shapely.Point(74.1, 30.5))
    assert not bow_tie.contains(shapely.Point(74.5, 30.9))
    _assert_clean(boundaries)


def test_property_names_can_be_given(tmp_path: Path) -> None:
    path = _write(tmp_path, _collection(_feature(SQUARE, code="X1", label="Somewhere")))
    boundaries = read_boundaries(path, level="district", pcode_property="code", name_property="label")
    assert [(unit.pcode, unit.name) for unit in boundaries.units] == [("X1", "Somewhere")]


def test_geoboundaries_names_and_ids(tmp_path: Path) -> None:
    path = _write(tmp_path, _collection(_feature(SQUARE, shapeName="FR D I KHAN", shapeID="123B")))
    boundaries = read_boundaries(path, level="tehsil")
    assert [(unit.pcode, unit.name, unit.parent_pcode) for unit in boundaries.units] == [("123B", "FR D I Khan", None)]


# ---------------------------------------------------------------- broken input

BROKEN: list[tuple[str, Any, int | None, str]] = [
    ("not JSON", '{"type": "FeatureCollection", ', None, "not valid JSON"),
    ("empty file", "", None, "not valid JSON"),
    ("a single Feature", _feature(SQUARE, adm2_pcode="PK999", adm2_name="A"), None, "not a GeoJSON FeatureCollection"),
    ("a JSON list", [], None, "not a GeoJSON FeatureCollection"),
    ("no features", _collection(), None, "the FeatureCollection has no features"),
    (
        "no pcode property",
        _collection(_feature(SQUARE, adm2_name="A")),
        None,
        "no adm2_pcode or ADM2_PCODE or shapeID property: every district needs a code",
    ),
    (
        "no name property",
        _collection(_feature(SQUARE, adm2_pcode="PK999")),
        None,
        "no adm2_name or ADM2_EN or NAME_2 or shapeName property: is this a district (ADM2) boundary file?",
    ),
    (
        "an empty name",
        _collection(_feature(SQUARE, adm2_pcode="PK998", adm2_name="A"), _feature(SQUARE, adm2_pcode="PK999")),
        2,
        "empty adm2_name",
    ),
    (
        "a Point",
        _collection(
            _feature(SQUARE, adm2_pcode="PK998", adm2_name="A"),
            _feature({"type": "Point", "coordinates": [70.5, 30.5]}, adm2_pcode="PK999", adm2_name="Dot"),
        ),
        2,
        "'Dot': geometry is 'Point', not a (Multi)Polygon",
    ),
    ("no geometry", _collection(_feature(None, adm2_pcode="PK999", adm2_name="Void")), 1, "'Void': no geometry"),
    (
        "projected coordinates (UTM metres)",
        _collection(
            _feature(
                {
                    "type": "Polygon",
                    "coordinates": [[[500000, 3300000], [510000, 3300000], [510000, 3310000], [500000, 3300000]]],
                },
                adm2_pcode="PK999",
                adm2_name="Metres",
            )
        ),
        1,
        "'Metres': coordinates outside longitude/latitude; GeoJSON must be in EPSG:4326",
    ),
    (
        "a repeated pcode",
        _collection(
            _feature(SQUARE, adm2_pcode="PK999", adm2_name="First"),
            _feature(SQUARE, adm2_pcode="PK999", adm2_name="Second"),
        ),
        2,
        "adm2_name 'Second': pcode PK999 repeats feature 1",
    ),
    (
        "a zero-area polygon",
        _collection(
            _feature(SQUARE, adm2_pcode="PK998", adm2_name="A"),
            _feature(
                {"type": "Polygon", "coordinates": [[[70, 30], [71, 30], [72, 30], [70, 30]]]},
                adm2_pcode="PK999",
                adm2_name="Flat",
            ),
        ),
        2,
        "'Flat' (PK999): invalid polygon (Self-intersection[71 30]) that cannot be repaired into an area",
    ),
    (
        "a ring of two points",
        _collection(
            _feature({"type": "Polygon", "coordinates": [[[70, 30], [71, 30]]]}, adm2_pcode="PK999", adm2_name="Bad")
        ),
        1,
        "'Bad': malformed geometry",
    ),
    (
        "a feature that is not a Feature",
        _collection(_feature(SQUARE, adm2_pcode="PK998", adm2_name="A"), SQUARE),
        2,
        "not a GeoJSON Feature",
    ),
]


@pytest.mark.parametrize(("document", "feature", "message"), [case[1:] for case in BROKEN], ids=[c[0] for c in BROKEN])
def test_broken_files_are_refused_naming_file_and_feature(
    tmp_path: Path, document: Any, feature: int | None, message: str
) -> None:
    path = _write(tmp_path, document)
    with pytest.raises(BoundaryFileError) as caught:
        read_boundaries(path, level="district")
    error = caught.value
    assert error.path == str(path)
    assert error.feature == feature
    assert str(error).startswith(f"{path}: " + (f"feature {feature}: " if feature else ""))
    assert message in str(error)


def test_missing_file_and_unknown_level(tmp_path: Path) -> None:
    with pytest.raises(BoundaryFileError, match=r"missing\.geojson: cannot read the file \(No such file"):
        read_boundaries(tmp_path / "missing.geojson", level="district")
    with pytest.raises(BoundaryFileError, match="unknown level 'county'; use one of province, district, tehsil"):
        read_boundaries(SYNTHETIC, level="county")  # type: ignore[arg-type]


def test_a_file_where_no_feature_has_a_pcode_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, _collection(_feature(SQUARE, adm2_pcode=None, adm2_name="Disputed")))
    with pytest.raises(BoundaryFileError, match="no feature has a adm2_pcode code"):
        read_boundaries(path, level="district")


def test_a_province_file_with_unknown_names_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, _collection(_feature(SQUARE, adm1_name="Atlantis")))
    with pytest.raises(BoundaryFileError, match="no feature has a known province code"):
        read_boundaries(path, level="province")
