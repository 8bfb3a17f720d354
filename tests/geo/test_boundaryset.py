"""BoundarySet: levels together, parents by location, and point-in-polygon on real incidents against geopandas."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import shapely

from nigehban.geo.boundaries import BoundaryUnit, Level
from nigehban.geo.boundaryset import BoundarySet
from tests.helpers import FIXTURES, GTD_PAKISTAN, shared_data, unavailable

SYNTHETIC = FIXTURES / "geo" / "districts_synthetic.geojson"
PROVINCES = "geo/pak_adm1_provinces.geojson"
DISTRICTS = "geo/pak_adm2_districts.geojson"
TEHSILS = "geo/pak_adm3_tehsils.geojson"


def _tehsil(pcode: str, west: float, south: float) -> dict[str, Any]:
    square = [[[west, south], [west + 0.5, south], [west + 0.5, south + 0.5], [west, south + 0.5], [west, south]]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": square},
        "properties": {"shapeID": pcode, "shapeName": f"SYNTHETIC {pcode}"},
    }


def test_units_lookup_and_locate_on_the_synthetic_file(tmp_path: Path) -> None:
    # geoBoundaries-style tehsils (no parent codes): a quarter of West, a quarter of North, one in no district
    tehsils = tmp_path / "tehsils.geojson"
    features = [_tehsil("T1", 70, 30), _tehsil("T2", 71.5, 31.5), _tehsil("T3", 80, 30)]
    tehsils.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    boundaries = BoundarySet.from_files(district=SYNTHETIC, tehsil=tehsils)
    assert boundaries.summary() == {"province": 0, "district": 5, "tehsil": 3}
    assert not boundaries.has("province")
    assert [(unit.pcode, unit.parent_pcode, unit.province_pcode) for unit in boundaries.units("tehsil")] == [
        ("T1", "PK901", "PK6"),
        ("T2", "PK903", "PK5"),
        ("T3", None, None),
    ]
    # the parents filled in are what lookups by pcode return too
    t2 = boundaries.unit("tehsil", "T2")
    assert t2 is not None
    assert t2.parent_pcode == "PK903"
    assert boundaries.unit("district", "PK999") is None

    located = boundaries.locate(
        "district", [70.5, 71.5, 73.1, 73.6, 74.1, 76.0, np.nan], [30.5, 31.5, 30.1, 30.1, 30.5, 30.5, 30]
    )
    assert [unit.pcode if unit else None for unit in located] == [
        "PK901",
        "PK903",
        "PK904",
        "PK904",
        "PK905",
        None,
        None,
    ]
    # a level that is not held locates nothing, whatever the points
    assert boundaries.locate("province", [70.5, 71.5], [30.5, 30.5]) == [None, None]
    assert BoundarySet().locate("district", 70.5, 30.5) == [None]


def test_locate_indices_reports_snapping() -> None:
    boundaries = BoundarySet.from_files(district=SYNTHETIC)
    # the 0.3 km gap between West (up to 71.0 E) and East (from 71.003 E) is in neither; its points snap to the nearer
    found = boundaries.locate_indices("district", [71.001, 71.002], [30.5, 30.5])
    assert found.unit.tolist() == [0, 1]
    assert found.snapped.tolist() == [True, True]


def _unit_pcodes(units: list[BoundaryUnit | None]) -> list[str | None]:
    return [unit.pcode if unit else None for unit in units]


@pytest.mark.data
def test_real_levels_together_and_tehsil_parents_by_location(tmp_path: Path) -> None:
    boundaries = BoundarySet.from_files(
        province=shared_data(PROVINCES), district=shared_data(DISTRICTS), tehsil=shared_data(TEHSILS)
    )
    assert boundaries.summary() == {"province": 7, "district": 158, "tehsil": 554}
    peshawar = boundaries.unit("district", "PK528")
    assert peshawar is not None
    assert (peshawar.name, peshawar.province_pcode) == ("Peshawar", "PK5")
    # Peshawar's Qissa Khwani bazaar, Quetta, Karachi's Saddar, Gilgit
    towns = ([71.5675, 66.9750, 67.0300, 74.3080], [34.0080, 30.1920, 24.8600, 35.9200])
    assert [unit.province_pcode if unit else None for unit in boundaries.locate("province", *towns)] == [
        "PK5",
        "PK2",
        "PK7",
        "PK3",
    ]
    assert [unit.name if unit else None for unit in boundaries.locate("district", *towns)] == [
        "Peshawar",
        "Quetta",
        "South Karachi",
        "Gilgit",
    ]

    # Every tehsil lies in the district the file names as its parent, and every district in its province.
    pairs: tuple[tuple[Level, Level], ...] = (("tehsil", "district"), ("district", "province"))
    for level, parent_level in pairs:
        units = boundaries.units(level)
        inner = shapely.point_on_surface([unit.geometry for unit in units])
        parents = boundaries.locate(parent_level, shapely.get_x(inner), shapely.get_y(inner))
        expected = [unit.parent_pcode if level == "tehsil" else unit.province_pcode for unit in units]
        assert _unit_pcodes(parents) == expected, level

    # A tehsil file without parent codes (geoBoundaries' own form) gets the same parents by location.
    document = json.loads(shared_data(TEHSILS).read_text())
    for feature in document["features"]:
        for key in ("adm2_pcode", "adm2_name", "adm1_pcode", "adm1_name"):
            feature["properties"].pop(key, None)
    bare = tmp_path / "tehsils_without_parents.geojson"
    bare.write_text(json.dumps(document))
    located = BoundarySet.from_files(province=shared_data(PROVINCES), district=shared_data(DISTRICTS), tehsil=bare)
    assert all(unit.parent_pcode is not None for unit in located.tehsils)
    assert [(unit.pcode, unit.parent_pcode, unit.province_pcode) for unit in located.tehsils] == [
        (unit.pcode, unit.parent_pcode, unit.province_pcode) for unit in boundaries.tehsils
    ]


# ---------------------------------------------------------------- GTD against an independent geopandas sjoin


def _gtd_coordinates() -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    with gzip.open(shared_data(GTD_PAKISTAN), "rt", encoding="latin-1", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 7173

    def number(text: str) -> float:
        return float(text) if text.strip() else np.nan

    return np.array([number(row["longitude"]) for row in rows]), np.array([number(row["latitude"]) for row in rows])


def _reference_districts(path: Path) -> Any:
    """The district file as a GeoDataFrame, read by geopandas itself (or by json + shapely without pyogrio)."""
    import geopandas  # type: ignore[import-untyped]

    if importlib.util.find_spec("pyogrio") is not None:
        frame = geopandas.read_file(path)
    else:
        features = json.loads(path.read_text())["features"]
        frame = geopandas.GeoDataFrame(
            {"adm2_pcode": [feature["properties"].get("adm2_pcode") for feature in features]},
            geometry=[shapely.geometry.shape(feature["geometry"]) for feature in features],
            crs="EPSG:4326",
        )
    return frame[frame["adm2_pcode"].notna()][["adm2_pcode", "geometry"]]


@pytest.mark.data
def test_gtd_districts_agree_with_geopandas_sjoin(record_property: Any) -> None:
    """Every GTD 1970-2012 incident inside a district gets the district geopandas finds, all 7,141 of them."""
    if importlib.util.find_spec("geopandas") is None:
        unavailable("geopandas (a dev dependency) is not installed")
    import geopandas

    longitude, latitude = _gtd_coordinates()
    district_file = shared_data(DISTRICTS)
    boundaries = BoundarySet.from_files(district=district_file)
    found = boundaries.locate_indices("district", longitude, latitude)
    ours = [boundaries.districts[i].pcode if i >= 0 else None for i in found.unit.tolist()]

    located = np.flatnonzero(np.isfinite(longitude) & np.isfinite(latitude))
    points = geopandas.GeoDataFrame(
        {"row": located}, geometry=geopandas.points_from_xy(longitude[located], latitude[located]), crs="EPSG:4326"
    )
    joined = geopandas.sjoin(points, _reference_districts(district_file), how="inner", predicate="intersects")
    reference: dict[int, set[str]] = {}
    for row, pcode in zip(joined["row"].tolist(), joined["adm2_pcode"].tolist(), strict=True):
        reference.setdefault(row, set()).add(pcode)

    # a point on a border shared by two districts is in both for sjoin; either answer agrees
    disagree = {row: (ours[row], pcodes) for row, pcodes in reference.items() if ours[row] not in pcodes}
    assert disagree == {}
    compared = len(reference)
    outside = [row for row in located.tolist() if row not in reference]
    snapped = int(found.snapped.sum())
    record_property("compared", compared)
    record_property("outside", len(outside))
    record_property("snapped", snapped)

    # the figures of the data as it stands: 28 incidents without coordinates, 4 outside every district
    # polygon (one within 5 km of Chitral Lower and snapped to it, three more than 5 km outside)
    assert len(located) == 7145
    assert compared == 7141
    assert len(outside) == 4
    assert snapped == 1
    assert [ours[row] for row in outside].count(None) == 3
    assert all(found.snapped[row] for row in outside if ours[row] is not None)
