"""The overview: the last 30 days at a glance, two years of monthly trend, alerts, top districts.

``/`` and ``/api/overview`` render the same data. "The last 30 days" end today when the store holds
incidents from that window; a store whose newest incident is older (an archive, the demo world)
is shown up to its newest incident instead, and the page says so, so that it never shows a wall of
zeros for a month nobody has recorded yet.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from markupsafe import Markup
from starlette.responses import Response

from nigehban.analysis import situation
from nigehban.auth.sessions import Principal
from nigehban.errors import NigehbanError
from nigehban.store.queries import IncidentFilter
from nigehban.web.pages import render
from nigehban.web.queries_map import NO_FORECAST, cached
from nigehban.web.responses import JSON
from nigehban.web.security import nigehban_of, require

__all__ = ["router", "sparkline_svg"]

router = APIRouter()

ReadPrincipal = Annotated[Principal, Depends(require("read"))]
Days = Annotated[int, Query(ge=1, le=366, description="length of the window in days")]
AsOf = Annotated[
    dt.date | None,
    Query(
        ge=dt.date(1900, 1, 1),
        le=dt.date(2199, 12, 31),
        description="the window's last day (default: today, or the newest incident; see 'as_of_basis')",
    ),
]
TREND_MONTHS = 24
TOP_DISTRICTS = 10
MAX_ALERTS = 50


def _as_of(latest: dt.date | None, *, today: dt.date, days: int, requested: dt.date | None) -> tuple[dt.date, str, str]:
    """The window's last day, why that day, and a sentence saying so."""
    if requested is not None:
        return requested, "requested", f"the {days} days up to {requested.isoformat()} (as asked)"
    if latest is None:
        return today, "today", "the store holds no incidents yet"
    if latest >= today - dt.timedelta(days=days - 1):
        return today, "today", f"the {days} days up to today, {today.isoformat()}"
    return (
        latest,
        "latest_incident",
        f"no incident is recorded in the {days} days up to today ({today.isoformat()}): these are the "
        f"{days} days up to the newest incident in the store, {latest.isoformat()}",
    )


def _alerts(request: Request) -> dict[str, Any]:
    """The newest forecast's alerts, or why there are none."""
    app = nigehban_of(request)
    runs = app.forecast_runs()
    if not runs:
        return {"available": False, "note": NO_FORECAST, "run": None, "items": [], "total": 0}
    newest = runs[0]
    run = {
        "run_id": newest.id,
        "as_of": newest.as_of,
        "unit": newest.unit,
        "freq": newest.freq,
        "origin_period": newest.origin_period,
        "model": newest.default_model,
    }
    try:
        alerts = cached(request, "alerts", newest.id, app.alerts)
    except NigehbanError as error:
        return {"available": False, "note": f"the alerts could not be computed: {error}", "run": run, "items": []}
    items = [dataclasses.asdict(alert) for alert in alerts]
    return {
        "available": True,
        "note": None if items else "the newest forecast raises no alert",
        "run": run,
        "items": items[:MAX_ALERTS],
        "total": len(items),
    }


def overview_data(request: Request, *, days: int = 30, as_of: dt.date | None = None) -> dict[str, Any]:
    """The overview's numbers: the window, the one before it, the monthly trend, alerts, top districts."""
    app = nigehban_of(request)
    today = dt.date.today()

    def compute() -> dict[str, Any]:
        with app.ready().connect() as connection:
            latest = situation.latest_incident_date(connection)
            end, basis, note = _as_of(latest, today=today, days=days, requested=as_of)
            since = end - dt.timedelta(days=days - 1)
            window = IncidentFilter(since=since, until=end)
            before = IncidentFilter(since=since - dt.timedelta(days=days), until=since - dt.timedelta(days=1))
            store = situation.tally(connection, IncidentFilter())
            return {
                "as_of": end,
                "as_of_basis": basis,
                "as_of_note": note,
                "today": today,
                "window": {"since": since, "until": end, "days": days},
                "current": situation.tally(connection, window).as_json_dict(),
                "previous": {
                    "since": before.since,
                    "until": before.until,
                    **situation.tally(connection, before).as_json_dict(),
                },
                "monthly": situation.monthly_series(
                    connection, IncidentFilter(), end=end, months=TREND_MONTHS
                ).as_json_dict(),
                "top_districts": [
                    {**item.as_json_dict(), "key": item.key}
                    for item in situation.district_tallies(connection, window, limit=TOP_DISTRICTS)
                ],
                "store": {
                    "incidents": store.incidents,
                    "first_date": store.first_date,
                    "last_date": store.last_date,
                },
            }

    data = cached(request, "overview", (days, as_of, today), compute)
    return {**data, "alerts": _alerts(request)}


@router.get("/api/overview", tags=["overview"], summary="The situation at a glance")
def api_overview(request: Request, principal: ReadPrincipal, days: Days = 30, as_of: AsOf = None) -> Response:
    """Incidents, killed, wounded and attacks on police in the last ``days`` days (and the ``days``
    before), incidents per month over two years, the districts with most incidents in the window,
    and the alerts of the newest stored forecast.

    The window ends today when the store holds incidents in it; otherwise it ends at the newest
    incident in the store (``as_of_basis`` says which: ``today``, ``latest_incident`` or
    ``requested``, and ``as_of_note`` says it in words)."""
    return JSON(overview_data(request, days=days, as_of=as_of))


def sparkline_svg(values: list[float], *, label: str, width: int = 240, height: int = 48) -> Markup:
    """A line of ``values`` as inline SVG markup (no script, no style attribute: allowed by the CSP).

    Only numbers are written into the markup; ``label`` is escaped.

    >>> str(sparkline_svg([0, 2, 1], label="x", width=20, height=10)).count("<polyline")
    1
    """
    pad = 2
    top = max(values) if values and max(values) > 0 else 1
    step = (width - 2 * pad) / max(1, len(values) - 1)
    points = " ".join(
        f"{pad + i * step:.1f},{height - pad - (value / top) * (height - 2 * pad):.1f}"
        for i, value in enumerate(values)
    )
    last = ""
    if values:
        x, y = points.split(" ")[-1].split(",")
        last = f'<circle class="spark-last" cx="{x}" cy="{y}" r="2.5"/>'
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{Markup.escape(label)}"><title>{Markup.escape(label)}</title>'
        f'<polyline class="spark-line" points="{points}"/>{last}</svg>'
    )


@router.get("/", include_in_schema=False)
def overview_page(request: Request, principal: ReadPrincipal, days: Days = 30, as_of: AsOf = None) -> Response:
    data = overview_data(request, days=days, as_of=as_of)
    monthly = data["monthly"]
    months = monthly["months"]
    span = f"{months[0]} to {months[-1]}" if months else ""
    sparklines = {
        name: sparkline_svg(
            [float(value) for value in monthly[name]],
            label=f"{title} per month, {span}: " + ", ".join(str(value) for value in monthly[name]),
        )
        for name, title in (("incidents", "Incidents"), ("killed", "Killed"), ("police_attacks", "Attacks on police"))
    }
    as_of = data["as_of"]
    month_partial = (as_of + dt.timedelta(days=1)).month == as_of.month  # the last month is not over
    return render(
        request, "overview.html", data=data, sparklines=sparklines, month_partial=month_partial, active="overview"
    )
