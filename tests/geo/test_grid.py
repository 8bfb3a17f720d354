"""H3 cells of incidents: nesting, a known point, missing and impossible coordinates, the array version."""

from __future__ import annotations

import math

import h3  # type: ignore[import-untyped]
import numpy as np
import pytest

from nigehban.geo.grid import H3_RESOLUTIONS, h3_cells, h3_cells_many

PESHAWAR = (34.0151, 71.5249)  # latitude, longitude


def test_known_peshawar_cells() -> None:
    cells = h3_cells(*PESHAWAR)
    assert cells == ("85426d9bfffffff", "86426d99fffffff", "87426d99cffffff", "88426d99c3fffff")
    assert [h3.get_resolution(cell) for cell in cells] == list(H3_RESOLUTIONS)
    assert cells[-1] == h3.latlng_to_cell(*PESHAWAR, 8)
    # the point lies inside its resolution-8 hexagon (about 0.5 km across)
    centre = h3.cell_to_latlng(cells[-1])
    assert h3.great_circle_distance(centre, PESHAWAR, unit="km") < 0.5


def test_cells_nest() -> None:
    rng = np.random.default_rng(5)
    latitudes, longitudes = rng.uniform(24, 37, 2000), rng.uniform(61, 77, 2000)
    for cells in h3_cells_many(latitudes, longitudes):
        finest = cells[-1]
        assert [h3.cell_to_parent(finest, resolution) for resolution in H3_RESOLUTIONS[:-1]] == list(cells[:-1])
        assert all(
            h3.get_resolution(cell) == resolution for cell, resolution in zip(cells, H3_RESOLUTIONS, strict=True)
        )


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(None, 71.5), (34.0, None), (None, None), (math.nan, 71.5), (34.0, math.nan)]
)
def test_missing_coordinates_give_no_cells(latitude: float | None, longitude: float | None) -> None:
    assert h3_cells(latitude, longitude) == (None, None, None, None)
    assert h3_cells_many([latitude], [longitude]) == [(None, None, None, None)]


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        (95.0, 71.5, "latitude 95.0 is outside -90..90"),
        (34.0, 191.5, "longitude 191.5 is outside -180..180"),
        (math.inf, 71.5, "latitude inf is outside -90..90"),
    ],
)
def test_impossible_coordinates_are_refused(latitude: float, longitude: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        h3_cells(latitude, longitude)
    with pytest.raises(ValueError, match=message.replace(" is", " at position 1 is")):
        h3_cells_many([PESHAWAR[0], latitude], [PESHAWAR[1], longitude])


def test_many_agrees_with_one_at_a_time_and_keeps_order() -> None:
    rng = np.random.default_rng(6)
    latitudes: list[float | None] = rng.uniform(24, 37, 500).tolist()
    longitudes: list[float | None] = rng.uniform(61, 77, 500).tolist()
    latitudes[3] = None
    longitudes[7] = math.nan
    latitudes[10], longitudes[10] = latitudes[11], longitudes[11]  # two points in one cell
    many = h3_cells_many(latitudes, longitudes)
    assert many == [h3_cells(lat, lon) for lat, lon in zip(latitudes, longitudes, strict=True)]
    assert many[3] == many[7] == (None, None, None, None)
    assert many[10] == many[11]
    # numpy arrays, generators and empty input work too
    assert h3_cells_many(np.array([PESHAWAR[0]]), np.array([PESHAWAR[1]])) == [h3_cells(*PESHAWAR)]
    assert h3_cells_many((lat for lat in [PESHAWAR[0]]), (lon for lon in [PESHAWAR[1]])) == [h3_cells(*PESHAWAR)]
    assert h3_cells_many([], []) == []


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="two sequences of one length"):
        h3_cells_many([34.0, 35.0], [71.5])
