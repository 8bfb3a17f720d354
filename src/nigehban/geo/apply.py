"""Giving incident records their geography: province, district, tehsil, coordinates, H3 cells.

Importers (and the extractor) map a source row to an :class:`~nigehban.record.IncidentRecord` and a
:class:`~nigehban.geo.resolution.PlaceQuery` — the place as the source reported it. The store keeps
the query with the source record, so the geography can be worked out again whenever the boundaries
or the gazetteer change (``nigehban geo backfill``) and always comes out the same for the same query.

Rules (what :func:`with_geography` writes into the record):

- ``province``, ``district``, ``district_pcode``, ``tehsil_pcode`` come from the resolution; where it
  found no district, the district the source named stays as text with no pcode.
- Coordinates from the source stay (unless the resolver found them swapped, which is flagged);
  without them — or when they lie outside the country, which is flagged with the coordinates — the
  record takes the resolved place's coordinates, and ``geo_precision`` says how coarse they are.
  A source's own ``geo_precision`` is kept for its coordinates.
- ``geo_confidence`` and ``geo_flags`` come from the resolution; flags are never dropped.
- ``h3_res5`` … ``h3_res8`` are the cells of the final coordinates, except for coordinates that
  stand for a whole province or the country.

Example:
    >>> import datetime as dt
    >>> from nigehban.record import IncidentRecord
    >>> record = IncidentRecord(date=dt.date(2023, 1, 30), latitude=34.008, longitude=71.578)
    >>> located, = locate_records([record], [place_query(record)], resolver=None)
    >>> located.h3_res5, located.geo_precision
    ('85426d8bfffffff', 'exact')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson

from nigehban.geo.grid import h3_cells_many
from nigehban.geo.resolution import PlaceQuery, Resolution
from nigehban.record import IncidentRecord

if TYPE_CHECKING:
    from nigehban.geo.resolver import Resolver

__all__ = ["GEO_FIELDS", "locate_records", "place_query", "query_from_json", "query_to_json", "with_geography"]

GEO_FIELDS = (
    "province",
    "district",
    "district_pcode",
    "tehsil_pcode",
    "latitude",
    "longitude",
    "geo_precision",
    "geo_confidence",
    "geo_flags",
    "h3_res5",
    "h3_res6",
    "h3_res7",
    "h3_res8",
)
"""The record fields the geography layer writes."""

COARSE_PRECISIONS = frozenset({"province", "country"})


def place_query(record: IncidentRecord, *, detail: str | None = None) -> PlaceQuery:
    """The place as a mapped record reports it (``detail``: extra free text such as GTD's ``location``)."""
    return PlaceQuery(
        place=record.place,
        district=record.district,
        province=record.province,
        detail=detail,
        latitude=record.latitude,
        longitude=record.longitude,
    )


_QUERY_FIELDS = tuple(field.name for field in dataclasses.fields(PlaceQuery))


def query_to_json(query: PlaceQuery, precision: str | None) -> str:
    """The query (and the source's own ``geo_precision``) as stored with a source record."""
    values: dict[str, Any] = {}
    for name in _QUERY_FIELDS:  # not dataclasses.asdict: this runs for every imported row
        value = getattr(query, name)
        if value is not None:
            values[name] = value
    if precision is not None:
        values["precision"] = precision
    return orjson.dumps(values).decode()


def query_from_json(text: str) -> tuple[PlaceQuery, str | None]:
    """Inverse of :func:`query_to_json`."""
    values = orjson.loads(text)
    precision = values.pop("precision", None)
    return PlaceQuery(**values), precision


def locate_records(
    records: Sequence[IncidentRecord],
    queries: Sequence[PlaceQuery],
    *,
    resolver: Resolver | None,
    precisions: Sequence[str | None] | None = None,
) -> list[IncidentRecord]:
    """``records`` with their geography resolved from ``queries`` (all at once: point-in-polygon is vectorised).

    ``precisions`` are the sources' own ``geo_precision`` values (default: each record's). Without a
    resolver only the H3 cells are filled in.
    """
    resolutions: Sequence[Resolution | None] = (
        resolver.resolve_many(queries) if resolver is not None else [None] * len(records)
    )
    own = precisions if precisions is not None else [record.geo_precision for record in records]
    located = [
        with_geography(record, query, resolution, precision)
        for record, query, resolution, precision in zip(records, queries, resolutions, own, strict=True)
    ]
    latitudes = [None if r.geo_precision in COARSE_PRECISIONS else r.latitude for r in located]
    longitudes = [None if r.geo_precision in COARSE_PRECISIONS else r.longitude for r in located]
    for record, cells in zip(located, h3_cells_many(latitudes, longitudes), strict=True):
        record.h3_res5, record.h3_res6, record.h3_res7, record.h3_res8 = cells
    return located


def with_geography(
    record: IncidentRecord, query: PlaceQuery, resolution: Resolution | None, precision: str | None
) -> IncidentRecord:
    """A copy of ``record`` with the geography of ``resolution`` (see the module's rules); H3 cells cleared."""
    located = IncidentRecord(*record.as_tuple())  # a copy; dataclasses.replace is several times slower
    located.h3_res5 = located.h3_res6 = located.h3_res7 = located.h3_res8 = None
    source_coordinates = query.latitude is not None and query.longitude is not None
    if resolution is None or resolution.method == "none":
        located.latitude, located.longitude = query.latitude, query.longitude
        located.geo_precision = (precision or "exact") if source_coordinates else precision
        located.district_pcode = located.tehsil_pcode = None
        located.district = query.district
        located.geo_confidence = None
        located.geo_flags = _flags(resolution.flags) if resolution else None
        return located
    located.province = resolution.province or query.province
    if resolution.district_pcode is not None:
        located.district, located.district_pcode = resolution.district, resolution.district_pcode
    else:
        located.district, located.district_pcode = query.district, None
    located.tehsil_pcode = resolution.tehsil_pcode
    if source_coordinates and resolution.method == "coordinates":
        located.latitude = resolution.latitude if resolution.latitude is not None else query.latitude
        located.longitude = resolution.longitude if resolution.longitude is not None else query.longitude
        located.geo_precision = precision or "exact"
    else:  # no coordinates, or coordinates outside the country (the flag keeps them; the raw row too)
        located.latitude, located.longitude = resolution.latitude, resolution.longitude
        located.geo_precision = resolution.precision
    located.geo_confidence = round(resolution.confidence, 3)
    located.geo_flags = _flags(resolution.flags)
    return located


def _flags(flags: Sequence[str]) -> str | None:
    return "; ".join(flags) if flags else None
