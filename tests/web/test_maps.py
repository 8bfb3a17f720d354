"""The map and the district profiles: every count the API gives agrees with the incident record.

The store is the demo world with its synthetic district boundaries (:meth:`nigehban.Nigehban.demo_boundaries`)
and one stored district forecast, so that the choropleth, the profiles and the risk layer have
something to show; the payload of the real districts is checked on the real boundary file (read in
place from ``../shared/data/geo``). The expected numbers are computed in the tests from
:meth:`nigehban.Nigehban.incidents`, never written down.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import h3  # type: ignore[import-untyped]
import orjson
import pytest
import shapely
import shapely.geometry
from fastapi.testclient import TestClient

from nigehban import Nigehban
from nigehban.store.queries import Incident, IncidentFilter
from nigehban.web.queries_map import NO_FORECAST, simplified_features
from tests.helpers import BACKENDS, shared_data
from tests.web.conftest import PASSWORD, demo_store, make_app, sign_in

FORECAST_AS_OF = dt.date(2024, 12, 1)


@pytest.fixture(scope="session", params=BACKENDS)
def geo_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nigehban]:
    """The demo world with its synthetic districts, one district forecast (climatology, for speed), a
    viewer and an analyst."""
    with demo_store(request, tmp_path_factory, actor="test-setup") as nigehban:
        nigehban.forecast_run(as_of=FORECAST_AS_OF, models=["climatology"])
        for role in ("viewer", "analyst"):
            nigehban.create_user(role, role=role, password=PASSWORD, agency="Test CTD")
        yield nigehban


@pytest.fixture
def viewer(geo_world: Nigehban) -> TestClient:
    return sign_in(make_app(geo_world), "viewer")


@pytest.fixture
def empty_viewer(app: Nigehban) -> TestClient:
    """A viewer of an initialised store holding nothing: no incidents, boundaries or forecasts."""
    app.create_user("viewer", role="viewer", password=PASSWORD)
    return sign_in(make_app(app), "viewer")


def _placed(incident: Incident) -> bool:
    return incident.record.h3_res5 is not None


def _killed(incidents: list[Incident]) -> float:
    return sum(incident.record.killed or 0 for incident in incidents)


# /api/map/points ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("zoom", "resolution"), [(5, 3), (6, 4), (8, 5), (10, 6), (12, 7), (14, 8)])
def test_cells_hold_every_located_incident_once(
    viewer: TestClient, geo_world: Nigehban, zoom: int, resolution: int
) -> None:
    response = viewer.get("/api/map/points", params={"zoom": zoom})
    assert response.status_code == 200, response.text
    data = response.json()
    incidents = geo_world.incidents()
    placed = [incident for incident in incidents if _placed(incident)]
    assert data["resolution"] == resolution
    assert sum(cell["incidents"] for cell in data["cells"]) == data["incidents"] == len(placed)
    assert data["unplaced"] == len(incidents) - len(placed)
    assert data["matching"] == len(incidents)
    assert sum(cell["killed"] for cell in data["cells"]) == pytest.approx(_killed(placed))
    # each cell's count is the incidents whose cell (or its parent) it is
    expected = Counter(
        h3.cell_to_parent(incident.record.h3_res5, resolution)
        if resolution < 5
        else getattr(incident.record, f"h3_res{resolution}")
        for incident in placed
    )
    assert {cell["cell"]: cell["incidents"] for cell in data["cells"]} == dict(expected)
    first = data["cells"][0]
    assert h3.get_resolution(first["cell"]) == resolution
    assert (first["latitude"], first["longitude"]) == pytest.approx(h3.cell_to_latlng(first["cell"]), abs=1e-5)
    assert [cell["incidents"] for cell in data["cells"]] == sorted(
        (cell["incidents"] for cell in data["cells"]), reverse=True
    )


@pytest.mark.parametrize(
    "params",
    [
        {"group": "TTP"},
        {"target_type": "police", "since": "2023-01-01", "until": "2023-12-31"},
        {"attack_type": "bombing", "group": "Baloch Liberation Army"},
        {"since": "2030-01-01"},
    ],
)
def test_cells_follow_the_filters(viewer: TestClient, geo_world: Nigehban, params: dict[str, str]) -> None:
    data = viewer.get("/api/map/points", params={**params, "zoom": 8}).json()
    filter = IncidentFilter(
        group=params.get("group"),
        target_type=params.get("target_type"),
        attack_type=params.get("attack_type"),
        since=dt.date.fromisoformat(params["since"]) if "since" in params else None,
        until=dt.date.fromisoformat(params["until"]) if "until" in params else None,
    )
    matching = geo_world.incidents(filter)
    assert sum(cell["incidents"] for cell in data["cells"]) == len([i for i in matching if _placed(i)])
    assert data["matching"] == len(matching)
    assert data["filter"] == params


def test_a_bounding_box_keeps_the_incidents_inside_it(viewer: TestClient, geo_world: Nigehban) -> None:
    west, south, east, north = 70.0, 32.0, 72.0, 34.5
    data = viewer.get("/api/map/points", params={"zoom": 11, "bbox": f"{west},{south},{east},{north}"}).json()
    inside = [
        incident
        for incident in geo_world.incidents()
        if _placed(incident)
        and west <= (incident.record.longitude or 0) <= east
        and south <= (incident.record.latitude or 0) <= north
    ]
    assert inside
    assert data["incidents"] == len(inside)
    assert data["unplaced"] is None  # not counted within a box
    assert data["bbox"] == [west, south, east, north]


def test_an_explicit_resolution_overrides_the_zoom(viewer: TestClient) -> None:
    data = viewer.get("/api/map/points", params={"zoom": 5, "resolution": 7}).json()
    assert data["resolution"] == 7
    assert {h3.get_resolution(cell["cell"]) for cell in data["cells"]} == {7}


# /api/map/districts ------------------------------------------------------------------------------


def test_district_counts_are_the_incidents_with_that_pcode(viewer: TestClient, geo_world: Nigehban) -> None:
    response = viewer.get("/api/map/districts")
    assert response.status_code == 200
    data = response.json()
    districts = {unit.pcode for unit in geo_world.boundary_set().units("district")}
    incidents = geo_world.incidents()
    expected = Counter(i.record.district_pcode for i in incidents if i.record.district_pcode in districts)
    counted = {pcode: values["incidents"] for pcode, values in data["values"].items() if values["incidents"]}
    assert counted == dict(expected)
    for pcode in list(expected)[:5]:
        in_district = [i for i in incidents if i.record.district_pcode == pcode]
        assert data["values"][pcode]["killed"] == pytest.approx(_killed(in_district))
        assert data["values"][pcode]["police_attacks"] == sum(i.record.target_type == "police" for i in in_district)
    elsewhere = [i for i in incidents if i.record.district_pcode and i.record.district_pcode not in districts]
    assert data["outside_districts"] == len(elsewhere)
    # the polygons: every current district once, simplified, small enough to send to a phone
    assert data["boundaries"]["available"] is True
    features = data["geojson"]["features"]
    assert sorted(feature["id"] for feature in features) == sorted(districts)
    assert all(feature["properties"]["pcode"] == feature["id"] for feature in features)
    assert len(response.content) < 1_000_000
    assert data["classes"] == sorted(data["classes"])
    assert data["classes"][-1] == max(expected.values())


def test_district_values_follow_the_filters_and_can_leave_out_the_polygons(
    viewer: TestClient, geo_world: Nigehban
) -> None:
    data = viewer.get(
        "/api/map/districts", params={"target_type": "police", "since": "2022-01-01", "geometry": "false"}
    ).json()
    assert "geojson" not in data
    matching = geo_world.incidents(IncidentFilter(target_type="police", since=dt.date(2022, 1, 1)))
    expected = Counter(i.record.district_pcode for i in matching if i.record.district_pcode)
    counted = {pcode: values["incidents"] for pcode, values in data["values"].items() if values["incidents"]}
    assert counted == dict(expected)


def test_the_risk_metric_is_the_newest_district_forecast(viewer: TestClient, geo_world: Nigehban) -> None:
    data = viewer.get("/api/map/districts", params={"metric": "risk", "geometry": "false"}).json()
    run = geo_world.forecast()
    first = run.values[(run.values["model"] == run.default_model) & (run.values["horizon"] == 1)]
    expected = {str(row.unit_id): round(float(row.p_attack), 4) for row in first.itertuples()}
    assert data["metric_available"] is True
    assert data["risk"]["run_id"] == run.id
    assert data["risk"]["period"] == "2024-12"
    risks = {pcode: values["risk"] for pcode, values in data["values"].items() if "risk" in values}
    assert risks == expected
    assert {item["name"]: item["available"] for item in data["metrics"]} == {
        "incidents": True,
        "killed": True,
        "risk": True,
    }


# /api/districts/{pcode} --------------------------------------------------------------------------


def _busiest_district(world: Nigehban) -> str:
    counts = Counter(i.record.district_pcode for i in world.incidents() if i.record.district_pcode)
    return counts.most_common(1)[0][0]


def test_a_district_profile_agrees_with_its_incidents(viewer: TestClient, geo_world: Nigehban) -> None:
    pcode = _busiest_district(geo_world)
    response = viewer.get(f"/api/districts/{pcode}")
    assert response.status_code == 200, response.text
    data = response.json()
    unit = geo_world.boundary_set().unit("district", pcode)
    assert unit is not None
    assert data["district"] == {
        "key": pcode,
        "pcode": pcode,
        "name": unit.name,
        "province": data["district"]["province"],
        "in_boundaries": True,
    }
    assert data["district"]["province"] in {"Khyber Pakhtunkhwa", "Balochistan"}
    incidents = [i for i in geo_world.incidents() if i.record.district_pcode == pcode]
    totals = data["totals"]
    assert totals["incidents"] == len(incidents)
    assert totals["killed"] == pytest.approx(_killed(incidents))
    assert totals["police_attacks"] == sum(i.record.target_type == "police" for i in incidents)
    assert totals["first_date"] == min(i.record.date for i in incidents).isoformat()
    assert {row["key"]: row["incidents"] for row in data["by_year"]} == dict(
        Counter(i.record.date.year for i in incidents if i.record.date)
    )
    assert {row["key"]: row["incidents"] for row in data["by_target_type"]} == dict(
        Counter(i.record.target_type for i in incidents)
    )
    assert {row["key"]: row["incidents"] for row in data["groups"]} == dict(
        Counter(i.record.perpetrator for i in incidents)
    )
    latest = data["latest"]
    assert len(latest) == min(10, len(incidents))
    assert all(item["district_pcode"] == pcode for item in latest)
    assert latest[0]["date"] == max(i.record.date for i in incidents if i.record.date).isoformat()
    run = geo_world.forecast()
    assert data["forecast"]["available"] is True
    assert data["forecast"]["run_id"] == run.id
    first = run.values[(run.values["model"] == run.default_model) & (run.values["horizon"] == 1)]
    assert data["forecast"]["p_attack"] == pytest.approx(
        float(first.set_index("unit_id").loc[pcode, "p_attack"]), abs=1e-4
    )
    assert {n["pcode"] for n in data["neighbours"]} == set(geo_world.neighbours()[pcode])


def test_a_district_profile_follows_the_filters(viewer: TestClient, geo_world: Nigehban) -> None:
    pcode = _busiest_district(geo_world)
    data = viewer.get(f"/api/districts/{pcode}", params={"since": "2024-01-01", "target_type": "police"}).json()
    expected = geo_world.incidents(IncidentFilter(district=pcode, since=dt.date(2024, 1, 1), target_type="police"))
    assert data["totals"]["incidents"] == len(expected)
    assert all(item["target_type"] == "police" for item in data["latest"])


def test_a_district_is_found_by_its_name_too(viewer: TestClient, geo_world: Nigehban) -> None:
    pcode = _busiest_district(geo_world)
    unit = geo_world.boundary_set().unit("district", pcode)
    assert unit is not None
    data = viewer.get(f"/api/districts/{unit.name.upper()}").json()
    assert data["district"]["pcode"] == pcode


def test_an_unknown_district_is_404_with_a_message(viewer: TestClient) -> None:
    response = viewer.get("/api/districts/PK99999")
    assert response.status_code == 404
    assert "no district 'PK99999'" in response.json()["detail"]
    page = viewer.get("/districts/PK99999", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "no district" in page.text


# bad input, permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/map/points?zoom=21",
        "/api/map/points?zoom=five",
        "/api/map/points?resolution=9",
        "/api/map/points?bbox=70,30,75",
        "/api/map/points?bbox=75,30,70,35",
        "/api/map/points?bbox=a,b,c,d",
        "/api/map/points?since=2024-02-30",
        "/api/map/points?since=2024-05-01&until=2024-01-01",
        "/api/map/points?target_type=policemen",
        "/api/map/points?attack_type=nuclear",
        "/api/map/districts?metric=population",
        "/api/map/districts?geometry=maybe",
        "/api/districts/PK224?since=yesterday",
        "/api/districts/" + "x" * 200,
    ],
)
def test_bad_parameters_are_422_with_a_message(viewer: TestClient, url: str) -> None:
    response = viewer.get(url)
    assert response.status_code == 422, (url, response.text)
    assert response.json()["detail"]


@pytest.mark.parametrize("url", ["/api/map/points", "/api/map/districts", "/api/districts/PK224"])
def test_the_map_api_needs_a_session(web: TestClient, url: str) -> None:
    assert web.get(url).status_code == 401


def test_the_map_page_sends_a_stranger_to_sign_in(web: TestClient) -> None:
    response = web.get("/map", headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_the_cache_sees_an_edit_at_once(geo_world: Nigehban, client: Callable[[str], TestClient]) -> None:
    analyst = sign_in(make_app(geo_world), "analyst")
    pcode = _busiest_district(geo_world)
    before = analyst.get("/api/map/districts", params={"geometry": "false", "target_type": "police"}).json()
    target = next(i for i in geo_world.incidents(IncidentFilter(district=pcode)) if i.record.target_type != "police")
    response = analyst.patch(
        f"/api/incidents/{target.id}", json={"changes": {"target_type": "police"}, "note": "test: it was a police post"}
    )
    assert response.status_code == 200, response.text
    try:
        after = analyst.get("/api/map/districts", params={"geometry": "false", "target_type": "police"}).json()
        assert after["values"][pcode]["incidents"] == before["values"].get(pcode, {"incidents": 0})["incidents"] + 1
    finally:
        geo_world.update_incident(target.id, {"target_type": target.record.target_type}, note="test: undo")


# pages -------------------------------------------------------------------------------------------------


def _no_inline_code(html: str) -> None:
    """What the content security policy would refuse: inline scripts, style attributes, handlers."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\sstyle\s*=", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert "<style" not in html


def test_the_map_page_has_its_hooks(viewer: TestClient, geo_world: Nigehban) -> None:
    response = viewer.get("/map", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.text
    for hook in ("map", "map-filters", "map-status", "district-panel", "district-list", "map-legend"):
        assert f'data-testid="{hook}"' in html, hook
    for name in ("since", "until", "group", "target_type", "attack_type"):
        assert f'name="{name}"' in html, name
    assert 'type="submit"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet/leaflet.css" in html
    links = re.findall(r'href="/districts/([^"]+)" data-testid="district-link"', html)
    assert len(links) == len(geo_world.boundary_set().units("district"))
    assert links[0] == _busiest_district(geo_world)  # most incidents first
    assert 'data-has-boundaries="true"' in html
    assert "map-no-boundaries" not in html
    _no_inline_code(html)


def test_the_map_page_keeps_the_filters(viewer: TestClient) -> None:
    html = viewer.get(
        "/map", params={"target_type": "police", "group": "TTP", "metric": "risk"}, headers={"Accept": "text/html"}
    ).text
    assert '<option value="police" selected>' in html
    assert 'value="Tehrik-i-Taliban Pakistan"' in html
    assert 'data-metric="risk"' in html


def test_a_district_page_renders_its_profile(viewer: TestClient, geo_world: Nigehban) -> None:
    pcode = _busiest_district(geo_world)
    response = viewer.get(f"/districts/{pcode}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.text
    assert 'data-testid="district-profile"' in html
    assert f'data-pcode="{pcode}"' in html
    unit = geo_world.boundary_set().unit("district", pcode)
    assert unit is not None
    assert unit.name in html
    total = len(geo_world.incidents(IncidentFilter(district=pcode)))
    assert f"{total:,}" in html
    _no_inline_code(html)


def test_static_files_of_the_map_are_served(viewer: TestClient) -> None:
    for path in ("/static/js/map.js", "/static/css/map.css", "/static/vendor/leaflet/leaflet.js"):
        assert viewer.get(path).status_code == 200, path


# an empty store -------------------------------------------------------------------------------------------


def test_the_map_of_an_empty_store_says_what_is_missing(empty_viewer: TestClient) -> None:
    points = empty_viewer.get("/api/map/points").json()
    assert points["cells"] == []
    assert points["matching"] == 0
    districts = empty_viewer.get("/api/map/districts", params={"metric": "risk"}).json()
    assert districts["boundaries"]["available"] is False
    assert "geo import-boundaries" in districts["boundaries"]["note"]
    assert districts["geojson"]["features"] == []
    assert districts["metric_available"] is False
    risk = next(item for item in districts["metrics"] if item["name"] == "risk")
    assert risk == {"name": "risk", "label": risk["label"], "available": False, "note": NO_FORECAST}
    html = empty_viewer.get("/map", headers={"Accept": "text/html"}).text
    assert 'data-testid="map-no-boundaries"' in html
    assert 'data-testid="map"' in html
    assert "no forecast stored yet" in html
    assert re.search(r'<option value="risk"[^>]*disabled', html)
    assert empty_viewer.get("/api/districts/PK224").status_code == 404


def test_without_boundaries_districts_are_named_by_their_incidents(app: Nigehban) -> None:
    """A store without boundaries (the demo's incidents before `demo_boundaries`): incidents carry
    district names only; the list under the map and the profiles use those names."""
    app.demo(start=dt.date(2024, 10, 1), end=dt.date(2024, 12, 31))
    app.create_user("viewer", role="viewer", password=PASSWORD)
    viewer = sign_in(make_app(app), "viewer")
    names = Counter(i.record.district for i in app.incidents() if i.record.district)
    assert all(i.record.district_pcode is None for i in app.incidents())
    top = names.most_common(1)[0][0]
    html = viewer.get("/map", headers={"Accept": "text/html"}).text
    assert re.search(rf'data-testid="district-link" data-pcode="{re.escape(top)}"', html)
    assert 'data-testid="map-no-boundaries"' in html
    data: dict[str, Any] = viewer.get(f"/api/districts/{top}").json()
    assert data["district"] == {
        "key": top,
        "pcode": None,
        "name": top,
        "province": data["district"]["province"],
        "in_boundaries": False,
    }
    assert data["totals"]["incidents"] == names[top]
    assert viewer.get(f"/districts/{top}", headers={"Accept": "text/html"}).status_code == 200


# the real districts ---------------------------------------------------------------------------------------


def test_the_real_districts_simplify_to_a_small_payload() -> None:
    from nigehban.geo.boundaryset import BoundarySet

    boundaries = BoundarySet.from_files(
        province=shared_data("geo/pak_adm1_provinces.geojson"), district=shared_data("geo/pak_adm2_districts.geojson")
    )
    features = simplified_features(boundaries)
    assert [feature["id"] for feature in features] == [unit.pcode for unit in boundaries.districts]
    size = len(orjson.dumps({"type": "FeatureCollection", "features": features}))
    assert size < 400_000  # about 190 kB; the original file is several MB
    original = sum(shapely.get_num_coordinates(unit.geometry) for unit in boundaries.districts)
    kept = sum(shapely.get_num_coordinates(shapely.geometry.shape(feature["geometry"])) for feature in features)
    assert kept < original / 5
    assert all(shapely.geometry.shape(feature["geometry"]).is_valid for feature in features)
    peshawar = next(feature for feature in features if feature["properties"]["name"] == "Peshawar")
    assert peshawar["properties"]["province"] == "Khyber Pakhtunkhwa"
