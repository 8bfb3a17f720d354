"""The overview (``/`` and ``/api/overview``): every figure agrees with the incident record.

The store is the demo world with its synthetic districts and one stored forecast (the ``geo_world``
of :mod:`tests.web.test_maps`); an empty store shows what the page says when there is nothing yet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nigehban import Nigehban
from nigehban.store.queries import Incident
from nigehban.web.queries_map import NO_FORECAST
from nigehban.web.routes.overview import _as_of, sparkline_svg
from tests.web.conftest import PASSWORD, make_app, sign_in
from tests.web.test_maps import _no_inline_code, geo_world  # noqa: F401 - the shared world is a fixture


@pytest.fixture
def viewer(geo_world: Nigehban) -> TestClient:  # noqa: F811 - the fixture imported above
    return sign_in(make_app(geo_world), "viewer")


def _tally(incidents: list[Incident]) -> dict[str, Any]:
    police = [i for i in incidents if i.record.target_type == "police"]
    return {
        "incidents": len(incidents),
        "killed": sum(i.record.killed or 0 for i in incidents),
        "wounded": sum(i.record.wounded or 0 for i in incidents),
        "killed_reported": sum(i.record.killed is not None for i in incidents),
        "police_attacks": len(police),
        "police_attacks_killed": sum(i.record.killed or 0 for i in police),
    }


def _window(incidents: list[Incident], since: dt.date, until: dt.date) -> list[Incident]:
    return [i for i in incidents if i.record.date is not None and since <= i.record.date <= until]


def test_the_last_30_days_end_at_the_newest_incident_when_none_is_recent(
    viewer: TestClient,
    geo_world: Nigehban,  # noqa: F811
) -> None:
    response = viewer.get("/api/overview")
    assert response.status_code == 200, response.text
    data = response.json()
    incidents = geo_world.incidents()
    latest = max(i.record.date for i in incidents if i.record.date)
    today = dt.date.today()
    if latest >= today - dt.timedelta(days=29):  # the demo world is older than a month; say so if not
        assert data["as_of_basis"] == "today"
        end = today
    else:
        assert data["as_of_basis"] == "latest_incident"
        assert latest.isoformat() in data["as_of_note"]
        end = latest
    since = end - dt.timedelta(days=29)
    assert data["as_of"] == end.isoformat()
    assert data["window"] == {"since": since.isoformat(), "until": end.isoformat(), "days": 30}
    current = _tally(_window(incidents, since, end))
    assert current["incidents"] > 0
    assert {key: data["current"][key] for key in current} == pytest.approx(current)
    before = _tally(_window(incidents, since - dt.timedelta(days=30), since - dt.timedelta(days=1)))
    assert {key: data["previous"][key] for key in before} == pytest.approx(before)
    assert data["store"]["incidents"] == len(incidents)


def test_the_monthly_trend_covers_24_months(viewer: TestClient, geo_world: Nigehban) -> None:  # noqa: F811
    data = viewer.get("/api/overview").json()
    monthly = data["monthly"]
    assert len(monthly["months"]) == 24
    assert monthly["months"][-1] == data["as_of"][:7]
    by_month = Counter(i.record.date.strftime("%Y-%m") for i in geo_world.incidents() if i.record.date)
    assert monthly["incidents"] == [by_month.get(month, 0) for month in monthly["months"]]
    police = Counter(
        i.record.date.strftime("%Y-%m")
        for i in geo_world.incidents()
        if i.record.date and i.record.target_type == "police"
    )
    assert monthly["police_attacks"] == [police.get(month, 0) for month in monthly["months"]]


def test_the_top_districts_are_those_with_most_incidents_in_the_window(
    viewer: TestClient,
    geo_world: Nigehban,  # noqa: F811
) -> None:
    data = viewer.get("/api/overview").json()
    since, until = dt.date.fromisoformat(data["window"]["since"]), dt.date.fromisoformat(data["window"]["until"])
    counts = Counter(
        i.record.district_pcode for i in _window(geo_world.incidents(), since, until) if i.record.district_pcode
    )
    top = data["top_districts"]
    assert len(top) == min(10, len(counts))
    assert {row["pcode"]: row["incidents"] for row in top} == {
        pcode: counts[pcode] for pcode in (row["pcode"] for row in top)
    }
    assert [row["incidents"] for row in top] == sorted(counts.values(), reverse=True)[: len(top)]
    assert all(row["key"] == row["pcode"] for row in top)


def test_the_alerts_are_those_of_the_newest_forecast(viewer: TestClient, geo_world: Nigehban) -> None:  # noqa: F811
    alerts = viewer.get("/api/overview").json()["alerts"]
    expected = geo_world.alerts()
    assert alerts["available"] is True
    assert alerts["run"]["run_id"] == geo_world.forecast_runs()[0].id
    assert alerts["total"] == len(expected)
    assert [(item["kind"], item["unit_id"]) for item in alerts["items"]] == [
        (alert.kind, alert.unit_id) for alert in expected[:50]
    ]


def test_a_chosen_day_and_window_length(viewer: TestClient, geo_world: Nigehban) -> None:  # noqa: F811
    data = viewer.get("/api/overview", params={"as_of": "2023-06-30", "days": 7}).json()
    assert data["as_of_basis"] == "requested"
    assert data["window"] == {"since": "2023-06-24", "until": "2023-06-30", "days": 7}
    expected = _tally(_window(geo_world.incidents(), dt.date(2023, 6, 24), dt.date(2023, 6, 30)))
    assert data["current"]["incidents"] == expected["incidents"]
    assert data["monthly"]["months"][-1] == "2023-06"


def test_the_window_ends_today_when_the_store_has_recent_incidents() -> None:
    today = dt.date(2026, 11, 23)
    assert _as_of(dt.date(2026, 11, 20), today=today, days=30, requested=None)[:2] == (today, "today")
    assert _as_of(dt.date(2026, 10, 25), today=today, days=30, requested=None)[:2] == (today, "today")
    end, basis, note = _as_of(dt.date(2026, 10, 24), today=today, days=30, requested=None)
    assert (end, basis) == (dt.date(2026, 10, 24), "latest_incident")
    assert "newest incident" in note
    assert _as_of(None, today=today, days=30, requested=None)[:2] == (today, "today")


@pytest.mark.parametrize(
    "query", ["days=0", "days=367", "days=a", "as_of=2024-02-30", "as_of=1800-01-01", "as_of=3000-01-01"]
)
def test_bad_parameters_are_422(viewer: TestClient, query: str) -> None:
    response = viewer.get(f"/api/overview?{query}")
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


def test_the_overview_needs_a_session(web: TestClient) -> None:
    assert web.get("/api/overview").status_code == 401
    page = web.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


def test_the_page_shows_the_figures_trend_alerts_and_districts(viewer: TestClient) -> None:
    data = viewer.get("/api/overview").json()
    response = viewer.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.text
    for hook in ("overview-counts", "overview-trend", "overview-alerts", "overview-top-districts", "overview-as-of"):
        assert f'data-testid="{hook}"' in html, hook
    assert f"{data['current']['incidents']:,}" in html
    assert html.count('<svg class="sparkline"') == 3
    assert html.count('data-testid="alert"') == min(15, data["alerts"]["total"])
    for row in data["top_districts"]:
        assert f'href="/districts/{row["pcode"]}" data-testid="district-link"' in html
    if data["as_of_basis"] == "latest_incident":
        assert "newest incident in the store" in html
    _no_inline_code(html)


def test_an_empty_store_says_there_is_nothing_yet(app: Nigehban) -> None:
    app.create_user("viewer", role="viewer", password=PASSWORD)
    viewer = sign_in(make_app(app), "viewer")
    data = viewer.get("/api/overview").json()
    assert data["as_of_basis"] == "today"
    assert data["as_of"] == dt.date.today().isoformat()
    assert data["current"]["incidents"] == 0
    assert data["monthly"]["incidents"] == [0] * 24
    assert data["top_districts"] == []
    assert data["alerts"] == {"available": False, "note": NO_FORECAST, "run": None, "items": [], "total": 0}
    html = viewer.get("/", headers={"Accept": "text/html"}).text
    alerts = re.search(r'data-testid="overview-alerts".*?</section>', html, re.S)
    assert alerts is not None
    assert "No forecast stored yet" in alerts.group(0)
    assert "nigehban forecast run" in alerts.group(0)
    assert "the store holds no incidents yet" in html.lower()


def test_a_sparkline_is_svg_markup_with_numbers_only() -> None:
    svg = str(sparkline_svg([0, 3, 1.5], label='<b>"x"</b>', width=100, height=20))
    assert svg.startswith('<svg class="sparkline"')
    assert "<b>" not in svg
    assert "&lt;b&gt;" in svg
    points = re.search(r'points="([^"]+)"', svg)
    assert points is not None
    assert points.group(1) == "2.0,18.0 50.0,2.0 98.0,10.0"
    assert "style" not in svg
