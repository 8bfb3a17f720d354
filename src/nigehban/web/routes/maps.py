"""The map and the district profiles: incidents as H3 cells, districts as a choropleth.

``/map`` draws what ``/api/map/points`` (incidents counted per H3 cell, the resolution following
the zoom) and ``/api/map/districts`` (the simplified district polygons and each district's counts,
or the newest forecast's risk) return; ``/districts/{pcode}`` and ``/api/districts/{pcode}`` are a
district's profile. Everything is counted in SQL (``GROUP BY``) and cached per data version
(:mod:`nigehban.web.queries_map`), and the map needs no tiles from the internet.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from nigehban.analysis import situation
from nigehban.auth.sessions import Principal
from nigehban.errors import InvalidFieldValue
from nigehban.store.queries import IncidentFilter
from nigehban.taxonomy import ATTACK_TYPES, TARGET_TYPES
from nigehban.web.pages import render
from nigehban.web.queries_map import cached, current_boundaries, district_risk, district_shapes
from nigehban.web.responses import JSON
from nigehban.web.routes.incidents import IncidentQuery, incident_filter
from nigehban.web.security import nigehban_of, require

__all__ = ["router"]

router = APIRouter()

ReadPrincipal = Annotated[Principal, Depends(require("read"))]
Metric = Literal["incidents", "killed", "risk"]
METRICS: dict[str, str] = {
    "incidents": "Incidents",
    "killed": "Killed",
    "risk": "Forecast risk: p(attack)",
}
NO_BOUNDARIES = (
    "No district boundaries are stored, so districts cannot be drawn: an administrator imports them with "
    "`nigehban geo import-boundaries FILE --level district` and then runs `nigehban geo backfill`."
)
Zoom = Annotated[int, Query(ge=0, le=20, description="the map's zoom level; picks the H3 resolution")]
Resolution = Annotated[
    int | None, Query(ge=3, le=8, description="H3 resolution (3 to 8); overrides the one the zoom picks")
]
BBox = Annotated[
    str | None,
    Query(
        max_length=120,
        description="west,south,east,north in degrees: only incidents inside",
    ),
]
LATEST_INCIDENTS = 10
DistrictKey = Annotated[
    str, Path(min_length=1, max_length=120, description="a district pcode (e.g. PK224), or its name")
]


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None or not text.strip():
        return None
    message = "must be four numbers west,south,east,north (degrees) with west < east and south < north"
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise InvalidFieldValue("bbox", text, message) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InvalidFieldValue("bbox", text, message)
    return west, south, east, north


def _cells(value: situation.CellTally) -> dict[str, Any]:
    return dataclasses.asdict(value)


def points_data(
    request: Request, query: IncidentQuery, *, zoom: int, resolution: int | None, bbox: str | None
) -> dict[str, Any]:
    """Incidents matching the filters, counted per H3 cell (centre, count, killed, wounded)."""
    filter = incident_filter(query)
    box = _bbox(bbox)
    chosen = resolution if resolution is not None else situation.resolution_for_zoom(zoom)

    def compute() -> situation.CellCounts:
        with nigehban_of(request).ready().connect() as connection:
            return situation.cell_tallies(connection, filter, resolution=chosen, bbox=box)

    counts = cached(request, "cells", (filter, chosen, box), compute)
    drawn = counts.incidents
    return {
        "resolution": chosen,
        "zoom": zoom,
        "bbox": list(box) if box else None,
        "cells": [_cells(cell) for cell in counts.cells],
        "incidents": drawn,
        "killed": sum(cell.killed for cell in counts.cells),
        "unplaced": counts.unplaced,
        "matching": None if counts.unplaced is None else drawn + counts.unplaced,
        "filter": query.model_dump(mode="json", exclude_none=True),
    }


@router.get("/api/map/points", tags=["map"], summary="Incidents per H3 cell")
def api_map_points(
    request: Request,
    principal: ReadPrincipal,
    query: Annotated[IncidentQuery, Query()],
    zoom: Zoom = 6,
    resolution: Resolution = None,
    bbox: BBox = None,
) -> Response:
    """Active incidents matching the filters, counted per H3 cell: the cell, its centre, incidents,
    killed and wounded. The resolution follows ``zoom`` (3 at zoom 5 and below, 8 from zoom 13) unless
    ``resolution`` is given; ``bbox`` keeps the incidents inside it. ``unplaced`` counts the matching
    incidents without a precise location (not drawn; ``null`` with a ``bbox``)."""
    return JSON(points_data(request, query, zoom=zoom, resolution=resolution, bbox=bbox))


def _classes(values: list[float], *, metric: str) -> list[float]:
    """Upper bounds of up to five classes for the choropleth (quantiles of the non-zero values)."""
    if metric == "risk":
        return [0.1, 0.25, 0.5, 0.75, 1.0]
    positive = sorted(value for value in values if value > 0)
    if not positive:
        return []
    bounds: list[float] = []
    for share in (0.2, 0.4, 0.6, 0.8, 1.0):
        value = positive[min(len(positive) - 1, max(0, round(share * len(positive)) - 1))]
        if not bounds or value > bounds[-1]:
            bounds.append(value)
    return bounds


def districts_data(request: Request, query: IncidentQuery, *, metric: str, geometry: bool) -> dict[str, Any]:
    """Each district's counts for the filters (and forecast risk), with the polygons if ``geometry``."""
    filter = incident_filter(query)
    shapes = district_shapes(request)
    risk, risk_note = district_risk(request)

    def compute() -> dict[str, situation.DistrictCounts]:
        with nigehban_of(request).ready().connect() as connection:
            return situation.district_counts(connection, filter)

    counts = cached(request, "district-counts", filter, compute)
    values: dict[str, dict[str, Any]] = {
        pcode: dataclasses.asdict(entry) for pcode, entry in counts.items() if pcode in shapes.names
    }
    elsewhere = sum(entry.incidents for pcode, entry in counts.items() if pcode not in shapes.names)
    if risk is not None:
        for pcode, forecast in risk.values.items():
            if pcode in shapes.names:
                values.setdefault(pcode, {"incidents": 0, "killed": 0, "wounded": 0, "police_attacks": 0})
                values[pcode]["risk"] = forecast.get("p_attack")
    metric_available = metric != "risk" or risk is not None
    chosen_values = [float(entry.get(metric) or 0) for entry in values.values()] if metric_available else []
    data: dict[str, Any] = {
        "boundaries": {
            "available": shapes.version is not None,
            "version": shapes.version,
            "districts": len(shapes.features),
            "note": None if shapes.version is not None else NO_BOUNDARIES,
        },
        "metric": metric,
        "metric_available": metric_available,
        "metrics": [
            {
                "name": name,
                "label": label,
                "available": name != "risk" or risk is not None,
                "note": risk_note if name == "risk" else None,
            }
            for name, label in METRICS.items()
        ],
        "classes": _classes(chosen_values, metric=metric) if metric_available else [],
        "risk": risk.describe() if risk is not None else None,
        "values": values,
        "outside_districts": elsewhere,
        "filter": query.model_dump(mode="json", exclude_none=True),
    }
    if geometry:
        data["geojson"] = {"type": "FeatureCollection", "features": shapes.features}
    return data


@router.get("/api/map/districts", tags=["map"], summary="Districts for the choropleth")
def api_map_districts(
    request: Request,
    principal: ReadPrincipal,
    query: Annotated[IncidentQuery, Query()],
    metric: Metric = "incidents",
    geometry: Annotated[bool, Query(description="include the district polygons (GeoJSON)")] = True,
) -> Response:
    """Each current district's incidents, killed, wounded and attacks on police for the filters, and
    the forecast risk (p(attack) of the newest district forecast) where one is stored; ``classes`` are
    the upper bounds of the colour classes of ``metric``. With ``geometry`` the simplified polygons
    come as GeoJSON (``id`` = pcode). ``outside_districts`` counts matching incidents whose district
    code is not among the current boundaries (from older ones)."""
    return JSON(districts_data(request, query, metric=metric, geometry=geometry))


def profile_data(request: Request, key: str, query: IncidentQuery) -> dict[str, Any]:
    """A district's profile: totals, by year, by target type, groups active, latest incidents, forecast."""
    app = nigehban_of(request)
    boundaries = current_boundaries(request)
    with app.ready().connect() as connection:
        district = situation.find_district(connection, key, boundaries=boundaries)
    filter = dataclasses.replace(incident_filter(query), district=district.filter_value)

    def compute() -> dict[str, Any]:
        with app.ready().connect() as connection:
            counts = {
                "totals": situation.tally(connection, filter).as_json_dict(),
                "by_year": [item.as_json_dict() for item in situation.breakdown(connection, filter, by="year")],
                "by_target_type": [
                    {**item.as_json_dict(), "label": TARGET_TYPES.get(str(item.key), str(item.key))}
                    for item in situation.breakdown(connection, filter, by="target_type")
                ],
                "groups": [item.as_json_dict() for item in situation.breakdown(connection, filter, by="group")],
            }
        latest = app.incident_page(filter, sort="-date", page=1, per_page=LATEST_INCIDENTS)
        neighbours = []
        if district.in_boundaries and district.pcode is not None:
            names = {unit.pcode: unit.name for unit in boundaries.units("district")}
            neighbours = [
                {"pcode": pcode, "name": names.get(pcode, pcode)}
                for pcode in app.neighbours(level="district").get(district.pcode, ())
            ]
        return {**counts, "latest": [incident.as_json_dict() for incident in latest.items], "neighbours": neighbours}

    data = cached(request, "profile", (district, filter), compute)
    risk, risk_note = district_risk(request)
    forecast: dict[str, Any] = {"available": False, "note": risk_note}
    if risk is not None:
        values = risk.values.get(district.pcode or "")
        forecast = (
            {"available": True, "note": None, **risk.describe(), **values}
            if values is not None
            else {
                "available": False,
                "note": f"the newest district forecast (run {risk.run_id}) does not cover this district",
                **risk.describe(),
            }
        )
    return {
        "district": dataclasses.asdict(district),
        **data,
        "forecast": forecast,
        "filter": query.model_dump(mode="json", exclude_none=True, exclude={"district"}),
    }


@router.get("/api/districts/{pcode}", tags=["map"], summary="A district's profile")
def api_district(
    request: Request, principal: ReadPrincipal, pcode: DistrictKey, query: Annotated[IncidentQuery, Query()]
) -> Response:
    """A district (by pcode; by name in a store without boundaries): its name and province, its
    incidents in all and by year, by target type and by group, the ten latest incidents, its
    neighbours and the newest forecast's risk for it. The filters narrow every count (``district`` is
    ignored). An unknown district is 404."""
    return JSON(profile_data(request, pcode, query))


@router.get("/districts/{pcode}", include_in_schema=False)
def district_page(
    request: Request, principal: ReadPrincipal, pcode: DistrictKey, query: Annotated[IncidentQuery, Query()]
) -> Response:
    data = profile_data(request, pcode, query)
    return render(request, "map/district.html", data=data, query=query, active="map")


def _group_names(request: Request) -> list[str]:
    """The groups the record names (for the filter's suggestions), most active first."""

    def compute() -> list[str]:
        with nigehban_of(request).ready().connect() as connection:
            return [str(item.key) for item in situation.breakdown(connection, IncidentFilter(), by="group")]

    return cached(request, "groups", None, compute)[:200]


@router.get("/map", include_in_schema=False)
def map_page(
    request: Request,
    principal: ReadPrincipal,
    query: Annotated[IncidentQuery, Query()],
    metric: Metric = "incidents",
) -> Response:
    districts = districts_data(request, query, metric=metric, geometry=False)
    shapes = district_shapes(request)
    # the accessible list under the map: every district drawn (or named by incidents), most incidents first
    listed: list[dict[str, Any]] = []
    if shapes.version is not None:
        for pcode, name in shapes.names.items():
            counts = districts["values"].get(pcode, {})
            listed.append(
                {
                    "key": pcode,
                    "name": name,
                    "province": shapes.provinces.get(pcode),
                    "incidents": counts.get("incidents", 0),
                    "killed": counts.get("killed", 0),
                    "risk": counts.get("risk"),
                }
            )
    else:
        filter = incident_filter(query)

        def compute() -> list[situation.DistrictTally]:
            with nigehban_of(request).ready().connect() as connection:
                return situation.district_tallies(connection, filter)

        for item in cached(request, "districts", filter, compute):
            if item.key is not None:
                listed.append(
                    {
                        "key": item.key,
                        "name": item.name or item.key,
                        "province": item.province,
                        "incidents": item.tally.incidents,
                        "killed": item.tally.killed,
                        "risk": None,
                    }
                )
    listed.sort(key=lambda entry: (-entry["incidents"], entry["name"]))
    return render(
        request,
        "map/index.html",
        query=query,
        metric=metric,
        districts=districts,
        listed=listed,
        groups=_group_names(request),
        target_types=TARGET_TYPES,
        attack_types=ATTACK_TYPES,
        active="map",
    )
