"""Place-name speed: building the gazetteer, and resolving names with and without the cache.

    python -m benchmarks.bench_geo_names [build] [names]

Targets (issue 3): the gazetteer built from the real boundaries (provinces, 158 districts, 556
tehsils), GeoNames cities500 and 11,844 user places (the GeoNames postal gazetteer) well under 2 s;
name resolution at 5,000 strings per second or more with the cache.

``build`` times :meth:`Gazetteer.build` on a fresh :class:`BoundarySet` (so building the
point-in-polygon indexes the build uses is counted), median of five, the GeoNames file already read
once (it is read once per process). ``names`` resolves the "city, provstate" text of every row of
GTD Pakistan 1970-2012 (7,173 strings, 1,090 distinct) with
:meth:`Resolver.resolve_text`: cached (a second pass over the same strings), and uncached (each
distinct string once on a fresh resolver with the normalisation caches cleared: every string a miss).
"""

from __future__ import annotations

import csv
import gzip
import statistics
import sys
import time

from benchmarks.common import SHARED_DATA, Result, save
from benchmarks.geo_accuracy import load_boundaries
from nigehban.geo.gazetteer import Gazetteer, clear_name_caches, geonames_towns
from nigehban.geo.places import read_places_csv
from nigehban.geo.resolver import Resolver

STRINGS_PER_SECOND = 5000.0
GTD = SHARED_DATA / "incidents" / "gtd_pakistan_1970_2012.csv.gz"
POSTAL = SHARED_DATA / "pak_geonames_postal_places.csv"


def _need(*paths: object) -> None:
    for path in paths:
        if not getattr(path, "exists", lambda: False)():
            raise SystemExit(f"needs the real data at {path}")


def build() -> Result:
    """Gazetteer build time with the real boundaries and 11,844 user places."""
    _need(GTD, POSTAL)
    places = read_places_csv(POSTAL, source="geonames postal")
    geonames_towns()  # read once per process; counted separately below
    timings = []
    for _ in range(5):
        boundaries = load_boundaries(SHARED_DATA)
        started = time.perf_counter()
        gazetteer = Gazetteer.build(boundaries=boundaries, places=places)
        timings.append(time.perf_counter() - started)
    geonames_towns.cache_clear()
    started = time.perf_counter()
    geonames_towns()
    geonames_seconds = time.perf_counter() - started
    return save(
        Result(
            name="build the gazetteer (real boundaries, cities500, 11,844 user places)",
            seconds=statistics.median(timings),
            target_seconds=2.0,
            command="python -m benchmarks.bench_geo_names build",
            rows=len(gazetteer),
            notes=(
                f"median of 5 (best {min(timings):.2f} s), point-in-polygon indexes included; reading GeoNames"
                f" cities500 for Pakistan once per process adds {geonames_seconds:.2f} s"
            ),
        )
    )


def _gtd_strings() -> list[str]:
    with gzip.open(GTD, "rt", encoding="latin-1", newline="") as handle:
        return [f"{row['city']}, {row['provstate']}" for row in csv.DictReader(handle)]


def names() -> list[Result]:
    """Strings per second through :meth:`Resolver.resolve_text`, cached and uncached."""
    _need(GTD)
    boundaries = load_boundaries(SHARED_DATA)
    gazetteer = Gazetteer.build(boundaries=boundaries)
    strings = _gtd_strings()
    warm = Resolver(boundaries=boundaries, gazetteer=gazetteer)
    for text in strings:
        warm.resolve_text(text)
    cached_timings = []
    for _ in range(5):
        started = time.perf_counter()
        for text in strings:
            warm.resolve_text(text)
        cached_timings.append(time.perf_counter() - started)
    cached = statistics.median(cached_timings)

    distinct = list(dict.fromkeys(strings))
    uncached_timings = []
    for _ in range(3):
        cold = Resolver(boundaries=boundaries, gazetteer=gazetteer)
        clear_name_caches()  # the normalisation caches too: every string really new
        started = time.perf_counter()
        for text in distinct:
            cold.resolve_text(text)
        uncached_timings.append(time.perf_counter() - started)
    uncached = statistics.median(uncached_timings)
    results = [
        Result(
            name=f"resolve {len(strings):,} place strings, cached",
            seconds=cached,
            target_seconds=len(strings) / STRINGS_PER_SECOND,
            command="python -m benchmarks.bench_geo_names names",
            rows=len(strings),
            notes=(
                f"{len(strings) / cached:,.0f} strings/s (target {STRINGS_PER_SECOND:,.0f}/s); GTD Pakistan"
                f" 'city, provstate' texts, {warm.cache_size():,} distinct name combinations, median of 5"
            ),
        ),
        Result(
            name=f"resolve {len(distinct):,} distinct place strings, uncached",
            seconds=uncached,
            target_seconds=None,
            command="python -m benchmarks.bench_geo_names names",
            rows=len(distinct),
            notes=(
                f"{len(distinct) / uncached:,.0f} strings/s, every string a cache miss on a fresh resolver with"
                " the normalisation caches cleared (exact, piecewise and fuzzy lookups), median of 3"
            ),
        ),
    ]
    return [save(result) for result in results]


def main(which: list[str]) -> None:
    which = which or ["build", "names"]
    if "build" in which:
        build()
    if "names" in which:
        names()


if __name__ == "__main__":
    main(sys.argv[1:])
