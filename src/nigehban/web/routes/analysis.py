"""Analysis pages and their JSON twins: trends, the spread of a group, and Gi* hotspots.

Each analysis has three routes over one data function: the page (``/analysis``,
``/analysis/spread``, ``/analysis/hotspots``), its JSON twin (``/api/analysis/...``) and the
Vega-Lite spec of its chart (``/api/analysis/.../chart``), which the page's script fetches and draws
with vega-embed. The charts are those of :mod:`nigehban.analysis.charts` (the CLI's ``--chart``),
with a few panels the web adds (lethality, the path of a group's centre); their data are inline, so
a chart never loads anything but its spec.

Every route takes the incident filters of ``/api/incidents`` (:class:`IncidentQuery`). A filter
that matches nothing, a group no incident names and a store without district boundaries are
answered with a 4xx and a message saying what to do; a page shows the same message above its form.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

import altair as alt
import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.responses import Response

from nigehban.analysis.charts import chart_for
from nigehban.analysis.hotspots import CATEGORIES, HotspotResult
from nigehban.analysis.spread import SpreadResult
from nigehban.analysis.trends import FREQS, TrendResult, jsonable_records
from nigehban.app import Nigehban
from nigehban.auth.sessions import Principal
from nigehban.errors import InvalidFieldValue, NigehbanError, UnknownGroup
from nigehban.store.queries import IncidentFilter
from nigehban.taxonomy import ATTACK_TYPES, GROUPS, TARGET_TYPES
from nigehban.web.pages import render
from nigehban.web.responses import JSON
from nigehban.web.routes.incidents import IncidentQuery, incident_filter
from nigehban.web.security import nigehban_of, require

__all__ = [
    "AnalysisFreq",
    "analysis_filter",
    "cached",
    "chart_spec",
    "hotspots_chart",
    "hotspots_data",
    "incomplete_note",
    "router",
    "spread_chart",
    "spread_data",
    "status_of",
    "store_dates",
    "trends_chart",
    "trends_data",
]

router = APIRouter()

AnalysisFreq = Literal["month", "quarter", "year"]
ReadPrincipal = Annotated[Principal, Depends(require("read"))]
Filters = Annotated[IncidentQuery, Query()]
Freq = Annotated[AnalysisFreq, Query(description="count per month, quarter or year")]
Alpha = Annotated[float, Query(gt=0, le=0.2, description="significance level of a hot or cold district")]
Permutations = Annotated[int, Query(ge=99, le=999, description="permutations of the Gi* pseudo p-value")]

WIDTH = 560
"""Chart width in pixels: fits a laptop column; the container scrolls on a phone."""
TIME_UNITS = {"month": "yearmonth", "quarter": "yearquarter", "year": "year"}
"""Vega-Lite time units of the periods: bars as wide as their period, ticks labelled by period."""


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2099, 12, 31)
"""The dates an analysis may be asked to start or end on: trends list every period between them, so
``since=0001-01-01`` would be two thousand empty years."""


def analysis_filter(query: IncidentQuery) -> IncidentFilter:
    """The store's filter for ``query``, refusing (422) dates outside :data:`EARLIEST`..:data:`LATEST`."""
    for name in ("since", "until"):
        value: dt.date | None = getattr(query, name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise InvalidFieldValue(name, value.isoformat(), f"outside {EARLIEST.year} to {LATEST.year}")
    return incident_filter(query)


T = TypeVar("T")
CACHE_SIZE = 16
"""Analysis results kept per process (a page and its chart ask for the same one within a second)."""
_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_cache_lock = threading.Lock()


def _generation(app: Nigehban) -> tuple[Any, ...]:
    """Changes whenever an analysis could come out differently: the store's generation (incidents
    added, changed, merged; source records added) or new boundaries (hotspots read the districts)."""
    from nigehban.store.queries import newest, store_generation
    from nigehban.store.schema import BOUNDARY_VERSIONS

    with app.ready().connect() as connection:
        return store_generation(connection, newest(BOUNDARY_VERSIONS.c.id))


def cached(app: Nigehban, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or its result from an earlier request on the same store and data generation.

    Analyses read every matching incident (about 2 s at 100,000); the generation costs four index
    seeks, so a page and its chart, or a second look, compute once. Errors are not kept.
    """
    full = (str(app.engine.url), _generation(app), *key)
    with _cache_lock:
        if full in _cache:
            _cache.move_to_end(full)
            value: T = _cache[full]
            return value
    value = compute()
    with _cache_lock:
        _cache[full] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def status_of(error: NigehbanError) -> int:
    """The HTTP status the API gives ``error`` (the rule of :mod:`nigehban.web.errors`), for pages that
    show the message themselves."""
    return 404 if isinstance(error, LookupError) else 422 if isinstance(error, ValueError) else 400


def chart_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite spec of an altair chart, data inline (the rows are few: periods x measures or districts)."""
    with alt.data_transformers.disable_max_rows():
        spec: dict[str, Any] = chart.to_dict()
    return spec


def _filter_form(query: IncidentQuery) -> dict[str, Any]:
    """What the filter form needs: the values given, and the choices of the select boxes."""
    return {
        "query": query,
        "target_types": list(TARGET_TYPES),
        "attack_types": list(ATTACK_TYPES),
        "groups": [group.name for group in GROUPS if group.kind == "group"],
    }


def store_dates(app: Nigehban) -> tuple[dt.date | None, dt.date | None]:
    """The dates of the store's first and last active incidents: two seeks on the (merged_into_id, date)
    index, where :meth:`~nigehban.Nigehban.summary` counts everything (most of a second at 100,000
    incidents)."""
    from sqlalchemy import func, select

    from nigehban.store.schema import INCIDENTS

    with app.ready().connect() as connection:
        first, last = connection.execute(
            select(func.min(INCIDENTS.c.date), func.max(INCIDENTS.c.date)).where(INCIDENTS.c.merged_into_id.is_(None))
        ).one()
    return first, last


def incomplete_note(app: Nigehban, *, period: str, freq: str) -> str | None:
    """A note when the store's incidents end before ``period`` is 90% over: its counts are low because the
    data stop, not the attacks (the demo world, for one, ends on the first day of a year)."""
    _, last = store_dates(app)
    if last is None:
        return None
    current = pd.Period(period, freq=FREQS[freq])
    start, end = current.start_time.date(), current.end_time.date()
    covered, length = (last - start).days + 1, (end - start).days + 1
    if last >= end or covered >= 0.9 * length:
        return None
    previous = (current - 1).end_time.date().isoformat()
    return (
        f"the store's incidents end on {last.isoformat()}, day {covered} of the {length} of the last {freq} "
        f"({period}): its counts are low because the data stop; set To to {previous} to leave it out"
    )


# trends ------------------------------------------------------------------------------------------


def _trends(app: Nigehban, query: IncidentQuery, freq: str) -> TrendResult:
    filter = analysis_filter(query)
    return cached(app, ("trends", filter, freq), lambda: app.trends(filter, freq=freq))


def _weighted(frame: pd.DataFrame, value: str, weight: str) -> float | None:
    weights = frame[weight].to_numpy(dtype=float)
    values = frame[value].fillna(0).to_numpy(dtype=float)
    total = float(weights.sum())
    return float((values * weights).sum() / total) if total else None


def trends_data(app: Nigehban, query: IncidentQuery, *, freq: str) -> dict[str, Any]:
    """Attacks, killed, wounded and lethality per period; the share and lethality of attacks on police
    and security forces (:meth:`nigehban.Nigehban.trends`), with totals over the whole selection."""
    result = _trends(app, query, freq)
    data = result.as_json_dict()
    frame = result.frame
    attacks = int(frame["attacks"].sum())
    data["totals"].update(
        {
            "lethality": _weighted(frame, "lethality", "lethality_n"),
            "security_share": float(frame["security_attacks"].sum()) / attacks if attacks else None,
            "security_lethality": _weighted(frame, "security_lethality", "security_lethality_n"),
        }
    )
    note = incomplete_note(app, period=str(frame["period"].iloc[-1]), freq=freq)
    data["notes"] = [note] if note else []
    data["query"] = query.model_dump(mode="json", exclude_none=True)
    return data


def trends_chart(result: TrendResult) -> dict[str, Any]:
    """The trend chart of :mod:`nigehban.analysis.charts` with a lethality panel (all attacks and attacks on
    police and security forces)."""
    base = chart_for(result)
    x = alt.X(f"{TIME_UNITS[result.freq]}(start):T", title=result.freq)
    frame = result.frame.assign(start=pd.to_datetime(result.frame["start"]))
    long = frame.melt(
        id_vars=["start", "period"], value_vars=["lethality", "security_lethality"], var_name="measure"
    ).replace({"measure": {"lethality": "all attacks", "security_lethality": "attacks on police/security"}})
    lethality = (
        alt.Chart(long, title="Lethality: mean killed per attack whose toll is reported")
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("value:Q", title="killed per attack"),
            color=alt.Color("measure:N", title=None),
            tooltip=["period:N", "measure:N", alt.Tooltip("value:Q", format=".2f")],
        )
        .properties(width=WIDTH, height=160)
    )
    panels = [panel.encode(x=x).properties(width=WIDTH) for panel in base.vconcat]
    return chart_spec(alt.vconcat(*panels, lethality).resolve_scale(color="independent"))


# spread ------------------------------------------------------------------------------------------


def _spread(app: Nigehban, query: IncidentQuery) -> SpreadResult:
    group = (query.group or "").strip()
    if not group:
        raise HTTPException(422, "query parameter 'group': name the group whose spread to show (e.g. TTP)")
    others = dataclasses.replace(analysis_filter(query), group=None)
    try:
        return cached(app, ("spread", group, others), lambda: app.spread(group, filter=others))
    except UnknownGroup as error:  # a query parameter naming nothing: the request is wrong, not the URL
        raise HTTPException(422, str(error)) from None


def spread_data(app: Nigehban, query: IncidentQuery) -> dict[str, Any]:
    """A group's spread year by year (:meth:`nigehban.Nigehban.spread`) and every district it reached:
    the year of its first incident there and the years it was active there."""
    result = _spread(app, query)
    data = result.as_json_dict()
    active_years: dict[str, list[int]] = {}
    for year, pcodes in sorted(result.active_districts.items()):
        for pcode in pcodes:
            active_years.setdefault(pcode, []).append(int(year))
    districts = jsonable_records(result.new_districts)
    for row in districts:
        row["active_years"] = active_years.get(row["district_pcode"], [])
    years = [int(row["year"]) for row in data["years"]]
    data.update(
        {
            "districts": districts,
            "first_year": min(years),
            "last_year": max(years),
            "query": query.model_dump(mode="json", exclude_none=True),
        }
    )
    return data


def spread_chart(result: SpreadResult) -> dict[str, Any]:
    """The spread chart of :mod:`nigehban.analysis.charts` with the path of the group's mean centre."""
    base = chart_for(result)
    placed = result.years.dropna(subset=["centre_lat", "centre_lon"])
    points = alt.Chart(placed, title="Mean centre of placed incidents, year by year").encode(
        x=alt.X("centre_lon:Q", title="longitude", scale=alt.Scale(zero=False)),
        y=alt.Y("centre_lat:Q", title="latitude", scale=alt.Scale(zero=False)),
        order=alt.Order("year:O"),
        tooltip=[
            "year:O",
            "incidents:Q",
            "placed:Q",
            alt.Tooltip("standard_distance_km:Q", format=".0f", title="standard distance (km)"),
        ],
    )
    path = alt.layer(
        points.mark_line(point=True), points.mark_text(dx=6, dy=-6, align="left").encode(text="year:O")
    ).properties(width=WIDTH, height=260)
    panels = [panel.properties(width=WIDTH) for panel in base.vconcat]
    return chart_spec(alt.vconcat(*panels, path))


# hotspots ----------------------------------------------------------------------------------------


def _hotspots(app: Nigehban, query: IncidentQuery, freq: str, alpha: float, permutations: int) -> HotspotResult:
    filter = analysis_filter(query)
    return cached(
        app,
        ("hotspots", filter, freq, alpha, permutations),
        lambda: app.hotspots(filter, freq=freq, alpha=alpha, permutations=permutations),
    )


def hotspots_data(app: Nigehban, result: HotspotResult, query: IncidentQuery) -> dict[str, Any]:
    """Gi* per district (:meth:`nigehban.Nigehban.hotspots`): each district that was ever hot with its
    category (persistent, new, emerging, intermittent, cooling) and its z, p and count in the last period."""
    data = result.as_json_dict()
    latest = result.periods[-1]
    last = result.cells[result.cells["period"] == latest].set_index("district_pcode")
    for row in data["districts"]:
        cell = last.loc[row["district_pcode"]]
        row.update(
            {
                "latest_count": int(cell["count"]),
                "latest_z": None if pd.isna(cell["z"]) else float(cell["z"]),
                "latest_p": None if pd.isna(cell["p"]) else float(cell["p"]),
                "latest_hot": bool(cell["hot"]),
                "latest_cold": bool(cell["cold"]),
            }
        )
    counts = result.districts["category"].value_counts()
    note = incomplete_note(app, period=latest, freq=result.freq)
    data.update(
        {
            "notes": [note] if note else [],
            "latest_period": latest,
            "categories": {category: int(counts.get(category, 0)) for category in CATEGORIES},
            "query": query.model_dump(mode="json", exclude_none=True),
        }
    )
    return data


def hotspots_chart(result: HotspotResult) -> dict[str, Any]:
    """The Gi* heat map of :mod:`nigehban.analysis.charts` (districts ever hot x periods)."""
    return chart_spec(chart_for(result))


def hotspots_map(result: HotspotResult, features: list[dict[str, Any]]) -> dict[str, Any]:
    """A Vega-Lite map of the districts (``features``: simplified GeoJSON polygons) coloured by hotspot
    category, with the last period's Gi* z and p in the tooltip. Districts never hot are drawn grey."""
    categories = dict(zip(result.districts["district_pcode"], result.districts["category"], strict=True))
    latest = result.cells[result.cells["period"] == result.periods[-1]] if result.periods else result.cells.iloc[0:0]
    z = dict(zip(latest["district_pcode"], latest["z"], strict=True))
    p = dict(zip(latest["district_pcode"], latest["p"], strict=True))
    values = []
    for feature in features:
        pcode = feature["id"]
        z_value, p_value = z.get(pcode), p.get(pcode)
        values.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "pcode": pcode,
                    "district": feature["properties"]["name"],
                    "category": str(categories.get(pcode, "not_hot")).replace("_", " "),
                    "z": None if z_value is None or pd.isna(z_value) else round(float(z_value), 2),
                    "p": None if p_value is None or pd.isna(p_value) else round(float(p_value), 3),
                },
            }
        )
    shown = [category.replace("_", " ") for category in CATEGORIES]
    palette = ["#b2182b", "#ef8a62", "#fddbc7", "#f4a582", "#67a9cf", "#e7e7e7"][: len(shown)]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": "container",
        "height": 420,
        "data": {"values": values, "format": {"type": "json"}},
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "#555", "strokeWidth": 0.4},
        "encoding": {
            "color": {
                "field": "properties.category",
                "type": "nominal",
                "title": f"hotspot ({result.periods[-1] if result.periods else 'no periods'})",
                "scale": {"domain": shown, "range": palette},
            },
            "tooltip": [
                {"field": "properties.district", "title": "district"},
                {"field": "properties.category", "title": "category"},
                {"field": "properties.z", "title": "Gi* z (last period)"},
                {"field": "properties.p", "title": "p (last period)"},
            ],
        },
    }


# routes ------------------------------------------------------------------------------------------


@router.get("/api/analysis/trends", tags=["analysis"], summary="Trends per period")
def api_trends(request: Request, principal: ReadPrincipal, query: Filters, freq: Freq = "year") -> Response:
    """Attacks, killed, wounded and lethality per month, quarter or year, and the share and lethality of
    attacks on police and security forces, for the incidents matching the filters."""
    return JSON(trends_data(nigehban_of(request), query, freq=freq))


@router.get("/api/analysis/trends/chart", tags=["analysis"], summary="Trend chart (Vega-Lite)")
def api_trends_chart(request: Request, principal: ReadPrincipal, query: Filters, freq: Freq = "year") -> Response:
    """The Vega-Lite spec of the trend chart (draw it with vega-embed)."""
    return JSON(trends_chart(_trends(nigehban_of(request), query, freq)))


def _analysis_page(
    request: Request, section: str, query: IncidentQuery, compute: Callable[[], dict[str, Any]] | None, **context: Any
) -> Response:
    """An analysis page: ``compute()`` gives its data; a problem with the request is shown above the
    form with the error's status instead (``compute`` ``None``: nothing asked yet)."""
    data: dict[str, Any] | None = None
    error, status = None, 200
    if compute is not None:
        try:
            data = compute()
        except NigehbanError as problem:
            error, status = str(problem), status_of(problem)
        except HTTPException as problem:
            error, status = str(problem.detail), problem.status_code
    return render(
        request,
        f"analysis/{section}.html",
        status_code=status,
        active="analysis",
        section=section,
        data=data,
        error=error,
        **context,
        **_filter_form(query),
    )


@router.get("/analysis", include_in_schema=False)
def trends_page(request: Request, principal: ReadPrincipal, query: Filters, freq: Freq = "year") -> Response:
    return _analysis_page(
        request, "trends", query, lambda: trends_data(nigehban_of(request), query, freq=freq), freq=freq
    )


@router.get("/api/analysis/spread", tags=["analysis"], summary="Spread of a group")
def api_spread(request: Request, principal: ReadPrincipal, query: Filters) -> Response:
    """Where a group (``group``, any known alias) appears for the first time each year, the districts it is
    active in, the mean centre and standard distance of its placed incidents per year."""
    return JSON(spread_data(nigehban_of(request), query))


@router.get("/api/analysis/spread/chart", tags=["analysis"], summary="Spread chart (Vega-Lite)")
def api_spread_chart(request: Request, principal: ReadPrincipal, query: Filters) -> Response:
    """The Vega-Lite spec of the spread chart (districts per year, standard distance, path of the centre)."""
    return JSON(spread_chart(_spread(nigehban_of(request), query)))


@router.get("/analysis/spread", include_in_schema=False)
def spread_page(request: Request, principal: ReadPrincipal, query: Filters) -> Response:
    asked = bool((query.group or "").strip())
    return _analysis_page(
        request, "spread", query, (lambda: spread_data(nigehban_of(request), query)) if asked else None
    )


@router.get("/api/analysis/hotspots", tags=["analysis"], summary="Gi* hotspots of districts")
def api_hotspots(
    request: Request,
    principal: ReadPrincipal,
    query: Filters,
    freq: Freq = "year",
    alpha: Alpha = 0.05,
    permutations: Permutations = 999,
) -> Response:
    """Getis-Ord Gi* of district counts per period: hot and cold districts per period, and each district's
    category over the periods (persistent, new, emerging, intermittent, cooling). Needs district boundaries."""
    app = nigehban_of(request)
    return JSON(hotspots_data(app, _hotspots(app, query, freq, alpha, permutations), query))


@router.get("/api/analysis/hotspots/chart", tags=["analysis"], summary="Hotspot chart (Vega-Lite)")
def api_hotspots_chart(
    request: Request,
    principal: ReadPrincipal,
    query: Filters,
    freq: Freq = "year",
    alpha: Alpha = 0.05,
    permutations: Permutations = 999,
) -> Response:
    """The Vega-Lite spec of the Gi* heat map (districts ever hot x periods)."""
    return JSON(hotspots_chart(_hotspots(nigehban_of(request), query, freq, alpha, permutations)))


@router.get("/api/analysis/hotspots/map", tags=["analysis"], summary="Hotspot map (Vega-Lite)")
def api_hotspots_map(
    request: Request,
    principal: ReadPrincipal,
    query: Filters,
    freq: Freq = "year",
    alpha: Alpha = 0.05,
    permutations: Permutations = 999,
) -> Response:
    """The Vega-Lite spec of the hotspot map: every district coloured by its category (persistent, new,
    emerging, intermittent, cooling, not hot), with the last period's Gi* z and p."""
    from nigehban.web.queries_map import district_shapes

    result = _hotspots(nigehban_of(request), query, freq, alpha, permutations)
    return JSON(hotspots_map(result, district_shapes(request).features))


@router.get("/analysis/hotspots", include_in_schema=False)
def hotspots_page(
    request: Request,
    principal: ReadPrincipal,
    query: Filters,
    freq: Freq = "year",
    alpha: Alpha = 0.05,
    permutations: Permutations = 999,
) -> Response:
    app = nigehban_of(request)
    return _analysis_page(
        request,
        "hotspots",
        query,
        lambda: hotspots_data(app, _hotspots(app, query, freq, alpha, permutations), query),
        freq=freq,
        alpha=alpha,
        permutations=permutations,
    )
