"""Places learned from geocoded incidents: where the record itself has placed a reported name.

A name that sources report together with coordinates ("Badaber", with a point near Peshawar) is a
place, even when no gazetteer lists it: villages, bazaars and suburbs where attacks happen are
exactly what GeoNames' towns of 500+ people leave out. Grouping the store's geocoded incidents by
(name as reported, province) gives, for each name, the districts its incidents fall in; the name
becomes a ``locality`` of the gazetteer at the most frequent point of its most frequent district.

For a city that spans several districts (Karachi), a report naming only the city cannot be placed
in one of them. The resolver then uses the district where most geocoded incidents named so lie,
and says so in a flag, rather than the district of a gazetteer's city-centre point.

Caveats:

- Only names reported together with coordinates by the source count (a name resolved by our own
  gazetteer is not evidence, and would only repeat it).
- A learned place stands for what the sources did: if a source geocodes every report of "Karachi"
  to one point, that point's district is what is learned. The flag names the share behind it.
- Names need ``min_incidents`` geocoded incidents (default 2) and a district holding at least half
  of them; a name spread across districts without a majority is not learned.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable

from sqlalchemy import and_, exists, func, select
from sqlalchemy.engine import Connection

from nigehban.geo.boundaryset import BoundarySet
from nigehban.geo.places import LEARNED_SOURCE, Place
from nigehban.store.schema import INCIDENTS, SOURCES

__all__ = ["LEARNED_SOURCE", "GeocodedReport", "learn_places", "store_reports"]


@dataclasses.dataclass(frozen=True, slots=True)
class GeocodedReport:
    """A place name as a source reported it, with the source's coordinates; ``count`` reports alike."""

    name: str
    province: str | None
    latitude: float
    longitude: float
    count: int = 1


def learn_places(reports: Iterable[GeocodedReport], *, boundaries: BoundarySet, min_incidents: int = 2) -> list[Place]:
    """The places ``reports`` establish (see the module notes), one per (name, province).

    >>> from shapely import box
    >>> from nigehban.geo.boundaries import BoundaryUnit
    >>> units = [BoundaryUnit("district", "PK1", "East", "PK7", "PK7", box(0, 0, 1, 1)),
    ...          BoundaryUnit("district", "PK2", "West", "PK7", "PK7", box(-1, 0, 0, 1))]
    >>> reports = [GeocodedReport("Badaber", "Sindh", 0.5, 0.5, count=3),
    ...            GeocodedReport("BADABER", "Sindh", 0.5, 0.5),
    ...            GeocodedReport("Badaber", "Sindh", 0.4, -0.5),
    ...            GeocodedReport("Shalozan", "Sindh", 0.5, 0.5)]
    >>> [(p.name, p.kind, p.latitude, p.longitude, p.population) for p in
    ...  learn_places(reports, boundaries=BoundarySet(districts=units))]
    [('Badaber', 'locality', 0.5, 0.5, 5)]
    """
    # Grouped by the name casefolded ("Karachi" and "karachi" are one place), shown as most often spelt.
    grouped: dict[tuple[str, str | None], list[GeocodedReport]] = defaultdict(list)
    spellings: dict[tuple[str, str | None], Counter[str]] = defaultdict(Counter)
    for report in reports:
        name = " ".join(report.name.split())
        if name and name.casefold() not in _NOT_NAMES:
            key = (name.casefold(), report.province)
            grouped[key].append(report)
            spellings[key][name] += report.count
    pairs = [(key, report) for key, group in grouped.items() for report in group]
    if not pairs:
        return []
    found = boundaries.locate(
        "district", [report.longitude for _, report in pairs], [report.latitude for _, report in pairs]
    )
    by_district: dict[tuple[str, str | None], Counter[str]] = defaultdict(Counter)
    by_point: dict[tuple[str, str | None, str], Counter[tuple[float, float]]] = defaultdict(Counter)
    totals: Counter[tuple[str, str | None]] = Counter()
    for (key, report), unit in zip(pairs, found, strict=True):
        totals[key] += report.count
        if unit is not None:
            by_district[key][unit.pcode] += report.count
            by_point[(*key, unit.pcode)][(report.latitude, report.longitude)] += report.count
    places = []
    for key, districts in by_district.items():
        total = totals[key]
        (district, inside), *_ = sorted(districts.items(), key=lambda item: (-item[1], item[0]))
        if total < min_incidents or 2 * inside < total:
            continue
        (latitude, longitude), _ = max(by_point[(*key, district)].items(), key=lambda item: (item[1], item[0]))
        places.append(
            Place(
                name=max(spellings[key].items(), key=lambda item: (item[1], item[0]))[0],
                kind="locality",
                latitude=latitude,
                longitude=longitude,
                province=key[1],
                population=total,  # not people: the number of geocoded incidents behind the place
                source=LEARNED_SOURCE,
            )
        )
    places.sort(key=lambda place: (place.name, place.province or ""))
    return places


_NOT_NAMES = frozenset({"unknown", "n/a", "na", "none", "nan", "-", "pakistan"})


def store_reports(connection: Connection) -> list[GeocodedReport]:
    """The store's geocoded reports: active incidents' reported place, province and the source's coordinates.

    Only incidents with a source record whose reported place carried coordinates count (see the
    module notes); identical reports come back as one with a ``count``.
    """
    with_coordinates = exists().where(
        and_(SOURCES.c.incident_id == INCIDENTS.c.id, SOURCES.c.place_query.like('%"latitude":%'))
    )
    query = (
        select(INCIDENTS.c.place, INCIDENTS.c.province, INCIDENTS.c.latitude, INCIDENTS.c.longitude, func.count())
        .where(
            INCIDENTS.c.merged_into_id.is_(None),
            INCIDENTS.c.place.is_not(None),
            INCIDENTS.c.latitude.is_not(None),
            INCIDENTS.c.longitude.is_not(None),
            with_coordinates,
        )
        .group_by(INCIDENTS.c.place, INCIDENTS.c.province, INCIDENTS.c.latitude, INCIDENTS.c.longitude)
    )
    return [
        GeocodedReport(place, province, float(latitude), float(longitude), int(count))
        for place, province, latitude, longitude, count in connection.execute(query)
    ]
