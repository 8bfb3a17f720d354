"""Point-in-polygon: borders, missing coordinates, snapping, and agreement with a naive shapely loop."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry.base import BaseGeometry

from nigehban.geo.locate import KM_PER_DEGREE, PolygonIndex

WEST = shapely.box(70, 30, 71, 31)
EAST = shapely.box(71, 30, 72, 31)


def _km_per_degree_east(latitude: float) -> float:
    return KM_PER_DEGREE * math.cos(math.radians(latitude))


def test_inside_outside_and_borders_go_to_the_first_listed_unit() -> None:
    index = PolygonIndex([WEST, EAST], snap_km=0)
    found = index.locate([70.5, 71.5, 71.0, 71.0, 75.0], [30.5, 30.5, 30.5, 31.0, 30.5])
    assert found.unit.tolist() == [0, 1, 0, 0, -1]
    assert not found.snapped.any()
    # the same border points in the other order go to the other unit: the order decides, nothing else
    flipped = PolygonIndex([EAST, WEST], snap_km=0).locate([71.0, 71.0], [30.5, 31.0])
    assert flipped.unit.tolist() == [0, 0]


def test_overlapping_units_give_the_first_listed() -> None:
    big, small = shapely.box(70, 30, 72, 32), shapely.box(70.5, 30.5, 71, 31)
    assert PolygonIndex([big, small]).locate([70.7], [30.7]).unit.tolist() == [0]
    assert PolygonIndex([small, big]).locate([70.7], [30.7]).unit.tolist() == [0]


def test_holes_are_outside() -> None:
    ring = shapely.box(70, 30, 72, 32).difference(shapely.box(70.5, 30.5, 71.5, 31.5))
    hole_filler = shapely.box(70.5, 30.5, 71.5, 31.5)
    found = PolygonIndex([ring, hole_filler], snap_km=0).locate([71.0, 70.2], [31.0, 30.2])
    assert found.unit.tolist() == [1, 0]


def test_missing_coordinates_give_minus_one() -> None:
    index = PolygonIndex([WEST, EAST])
    found = index.locate([np.nan, 70.5, 70.5, np.inf, 71.5], [30.5, np.nan, 30.5, 30.5, -np.inf])
    assert found.unit.tolist() == [-1, -1, 0, -1, -1]
    assert not found.snapped.any()
    all_missing = index.locate([np.nan, np.nan], [np.nan, np.nan])
    assert all_missing.unit.tolist() == [-1, -1]
    empty = index.locate([], [])
    assert empty.unit.shape == (0,)
    assert empty.unit.dtype == np.int64


def test_an_empty_index_finds_nothing() -> None:
    index = PolygonIndex([])
    assert len(index) == 0
    assert index.locate([70.5], [30.5]).unit.tolist() == [-1]


def test_snapping_within_snap_km_and_not_beyond() -> None:
    """5 km at latitude 30.5: 0.0449 degrees north-south, but 0.0522 degrees east-west."""
    index = PolygonIndex([WEST], snap_km=5)
    east_degrees = 5 / _km_per_degree_east(30.5)
    north_degrees = 5 / KM_PER_DEGREE
    longitudes = [71 + 0.95 * east_degrees, 71 + 1.05 * east_degrees, 70.5, 70.5, 70 - 0.95 * east_degrees]
    latitudes = [30.5, 30.5, 31 + 0.95 * north_degrees, 31 + 1.05 * north_degrees, 30.5]
    found = index.locate(longitudes, latitudes)
    # 4.75 km east, west and north snap; 5.25 km do not
    assert found.unit.tolist() == [0, -1, 0, -1, 0]
    assert found.snapped.tolist() == [True, False, True, False, True]
    # a point 4.75 km east is further than snap_km *in degrees of latitude*: the search must allow for that
    assert 0.95 * east_degrees > north_degrees


def test_snapping_goes_to_the_nearest_unit_on_the_ground() -> None:
    """At 60° N a degree of longitude is half a degree of latitude: nearer in degrees is not nearer in km."""
    east_of_point = shapely.box(0.08, 59.5, 1, 60.5)  # 0.08 degrees of longitude away: 4.5 km
    north_of_point = shapely.box(-0.5, 60.05, 0.05, 61)  # 0.05 degrees of latitude away: 5.6 km
    found = PolygonIndex([north_of_point, east_of_point], snap_km=10).locate([0.0], [60.0])
    assert found.unit.tolist() == [1]
    assert found.snapped.tolist() == [True]


def test_snap_km_zero_turns_snapping_off() -> None:
    found = PolygonIndex([WEST], snap_km=0).locate([71.001], [30.5])
    assert found.unit.tolist() == [-1]
    assert not found.snapped.any()


def test_a_point_midway_between_two_units_snaps_to_the_first_listed() -> None:
    far_east = shapely.box(71.5, 30, 72, 31)
    points = ([70.999, 71.25], [30.5, 30.5])  # inside WEST; 0.25 degrees (24 km) from both (exact in binary)
    found = PolygonIndex([WEST, far_east], snap_km=30).locate(*points)
    assert found.unit.tolist() == [0, 0]
    assert found.snapped.tolist() == [False, True]
    assert PolygonIndex([far_east, WEST], snap_km=30).locate(*points).unit.tolist() == [1, 0]


# ---------------------------------------------------------------- property: agreement with a naive loop

_coordinate = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@st.composite
def _polygon(draw: st.DrawFn) -> BaseGeometry:
    """A box, a disc or a convex hull of a few points, inside a 1-degree square at 70-71 E, 30-31 N."""
    kind = draw(st.sampled_from(["box", "disc", "hull"]))
    if kind == "box":
        x0, x1 = sorted(draw(st.tuples(_coordinate, _coordinate)))
        y0, y1 = sorted(draw(st.tuples(_coordinate, _coordinate)))
        shape: BaseGeometry = shapely.box(70 + x0, 30 + y0, 70 + x1 + 0.01, 30 + y1 + 0.01)
    elif kind == "disc":
        x, y = draw(_coordinate), draw(_coordinate)
        shape = shapely.Point(70 + x, 30 + y).buffer(draw(st.floats(0.01, 0.5)), quad_segs=4)
    else:
        corners = draw(st.lists(st.tuples(_coordinate, _coordinate), min_size=3, max_size=8))
        shape = shapely.MultiPoint([(70 + x, 30 + y) for x, y in corners]).convex_hull
        if shape.geom_type != "Polygon" or shape.area < 1e-4:
            shape = shapely.box(70 + corners[0][0], 30 + corners[0][1], 70.05 + corners[0][0], 30.05 + corners[0][1])
    return shape


@st.composite
def _layout(draw: st.DrawFn) -> tuple[list[BaseGeometry], list[tuple[float, float]]]:
    """Polygons (they may overlap) and points: random ones near the square, and the polygons' own vertices."""
    polygons = draw(st.lists(_polygon(), min_size=1, max_size=5))
    points = draw(
        st.lists(
            st.tuples(st.floats(69.9, 71.1, allow_nan=False), st.floats(29.9, 31.1, allow_nan=False)),
            min_size=1,
            max_size=60,
        )
    )
    vertices = [tuple(xy) for polygon in polygons for xy in shapely.get_coordinates(polygon)[:3].tolist()]
    return polygons, points + vertices


def _naive_unit(polygons: list[BaseGeometry], x: float, y: float) -> int:
    point = shapely.Point(x, y)
    return next((number for number, polygon in enumerate(polygons) if polygon.intersects(point)), -1)


def _naive_distance_km(polygon: BaseGeometry, x: float, y: float) -> float:
    """Distance on a plane scaled to kilometres at the point's latitude."""
    scale = np.array([_km_per_degree_east(y), KM_PER_DEGREE])
    return float(
        shapely.distance(shapely.transform(polygon, lambda xy: xy * scale), shapely.Point(x * scale[0], y * scale[1]))
    )


@settings(max_examples=150, deadline=None)
@given(_layout())
def test_locate_agrees_with_a_naive_intersects_loop(
    layout: tuple[list[BaseGeometry], list[tuple[float, float]]],
) -> None:
    polygons, points = layout
    x, y = np.array(points).T
    found = PolygonIndex(polygons, snap_km=0).locate(x, y)
    assert found.unit.tolist() == [_naive_unit(polygons, px, py) for px, py in points]
    assert not found.snapped.any()


@settings(max_examples=150, deadline=None)
@given(_layout())
def test_snapping_agrees_with_naive_distances(layout: tuple[list[BaseGeometry], list[tuple[float, float]]]) -> None:
    snap_km = 3.0
    polygons, points = layout
    x, y = np.array(points).T
    found = PolygonIndex(polygons, snap_km=snap_km).locate(x, y)
    for (px, py), unit, snapped in zip(points, found.unit.tolist(), found.snapped.tolist(), strict=True):
        inside = _naive_unit(polygons, px, py)
        if inside >= 0:
            assert (unit, snapped) == (inside, False)
            continue
        distances = [_naive_distance_km(polygon, px, py) for polygon in polygons]
        nearest = min(distances)
        # the index measures kilometres at the mid-latitude of the gap, the naive check at the point: allow 1 %
        if nearest <= snap_km * 0.99:
            assert snapped, (px, py, nearest)
            assert distances[unit] <= nearest * 1.01 + 1e-6, (px, py, distances)
        elif nearest > snap_km * 1.01:
            assert (unit, snapped) == (-1, False), (px, py, nearest)


@pytest.mark.parametrize("snap_km", [0.0, 5.0])
def test_many_points_in_one_call(snap_km: float) -> None:
    rng = np.random.default_rng(7)
    x, y = rng.uniform(69.9, 72.1, 20_000), rng.uniform(29.9, 31.1, 20_000)
    found = PolygonIndex([WEST, EAST], snap_km=snap_km).locate(x, y)
    inside = (x >= 70) & (x <= 72) & (y >= 30) & (y <= 31)
    assert (found.unit >= 0)[inside].all()
    assert (found.unit[inside] == np.where(x[inside] <= 71, 0, 1)).all()
    if snap_km == 0:
        assert (found.unit[~inside] == -1).all()
    else:
        assert found.snapped[~inside].sum() > 0
        assert not found.snapped[inside].any()
