"""District neighbours: queen contiguity with a tolerance, on synthetic squares and the real districts."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry.base import BaseGeometry

from nigehban.geo.boundaries import BoundaryUnit, read_boundaries
from nigehban.geo.neighbours import district_neighbours
from tests.helpers import FIXTURES, shared_data

SYNTHETIC = FIXTURES / "geo" / "districts_synthetic.geojson"


def _unit(pcode: str, geometry: BaseGeometry) -> BoundaryUnit:
    return BoundaryUnit("district", pcode, pcode, None, None, geometry)


def test_synthetic_file_gap_corner_and_islands() -> None:
    units = read_boundaries(SYNTHETIC, level="district").units
    # West and East are 0.003 degrees apart (0.29 km at 30.5 N); West and North meet at one corner
    assert district_neighbours(units) == {
        "PK901": ("PK902", "PK903"),
        "PK902": ("PK901", "PK903"),
        "PK903": ("PK901", "PK902"),
        "PK904": (),
        "PK905": (),
    }
    strict = district_neighbours(units, tolerance_km=0.2)
    assert strict["PK901"] == ("PK903",)  # the corner still counts; the 0.29 km gap no longer does
    assert strict["PK902"] == ("PK903",)
    assert district_neighbours(units, tolerance_km=0.3)["PK901"] == ("PK902", "PK903")


def test_tolerance_is_measured_in_kilometres_east_west() -> None:
    """At 60 N, 0.008 degrees of longitude are 0.45 km (but 0.89 km if read as degrees of latitude)."""
    west = _unit("A", shapely.box(0, 60, 1, 61))
    east = _unit("B", shapely.box(1.008, 60, 2, 61))
    assert district_neighbours([west, east], tolerance_km=0.5) == {"A": ("B",), "B": ("A",)}
    assert district_neighbours([west, east], tolerance_km=0.4) == {"A": (), "B": ()}
    north = _unit("C", shapely.box(0, 61.004, 1, 62))  # 0.004 degrees of latitude: 0.45 km
    assert district_neighbours([west, north], tolerance_km=0.5)["A"] == ("C",)
    assert district_neighbours([west, north], tolerance_km=0.4)["A"] == ()


def test_overlaps_count_and_small_inputs() -> None:
    overlapping = [_unit("A", shapely.box(0, 0, 1, 1)), _unit("B", shapely.box(0.999, 0, 2, 1))]
    assert district_neighbours(overlapping, tolerance_km=0) == {"A": ("B",), "B": ("A",)}
    assert district_neighbours([]) == {}
    assert district_neighbours(overlapping[:1]) == {"A": ()}


def test_bad_arguments() -> None:
    square = shapely.box(0, 0, 1, 1)
    with pytest.raises(ValueError, match="pcodes repeat: A"):
        district_neighbours([_unit("A", square), _unit("A", square)])
    with pytest.raises(ValueError, match="tolerance_km must be 0 or more"):
        district_neighbours([_unit("A", square)], tolerance_km=-1)


@pytest.mark.data
def test_real_districts() -> None:
    units = read_boundaries(shared_data("geo/pak_adm2_districts.geojson"), level="district").units
    neighbours = district_neighbours(units)
    name = {unit.pcode: unit.name for unit in units}
    pcode = {unit.name: unit.pcode for unit in units}
    assert set(neighbours) == set(name)
    for unit, found in neighbours.items():
        assert unit not in found
        assert list(found) == sorted(set(found))
        for other in found:
            assert unit in neighbours[other], (name[unit], name[other])
    # Pakistan's districts form one land mass: each has a neighbour, and all connect
    assert [name[unit] for unit, found in neighbours.items() if not found] == []
    reached, frontier = {pcode["Peshawar"]}, [pcode["Peshawar"]]
    while frontier:
        for other in neighbours[frontier.pop()]:
            if other not in reached:
                reached.add(other)
                frontier.append(other)
    assert reached == set(name)

    assert [name[other] for other in neighbours[pcode["Peshawar"]]] == [
        "Charsadda",
        "Khyber",
        "Kohat",
        "Mohmand",
        "Nowshera",
        "Orakzai",
    ]
    assert "Quetta" not in {name[other] for other in neighbours[pcode["Peshawar"]]}
    # the Karachi districts border each other; Lahore borders Kasur
    assert pcode["East Karachi"] in neighbours[pcode["Central Karachi"]]
    assert pcode["Kasur"] in neighbours[pcode["Lahore"]]
    # all pairs touch in this file except one 0.8 km gap (Gujranwala-Narowal), joined at 1 km
    pairs = sum(len(found) for found in neighbours.values()) // 2
    assert pairs == 419
    assert sum(len(found) for found in district_neighbours(units, tolerance_km=0).values()) // 2 == 419
    wider = district_neighbours(units, tolerance_km=1.0)
    assert sum(len(found) for found in wider.values()) // 2 == 420
    assert pcode["Narowal"] in wider[pcode["Gujranwala"]]
    assert pcode["Narowal"] not in neighbours[pcode["Gujranwala"]]
