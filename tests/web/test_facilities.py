"""Facility protection through the web app: the registry ranked by risk, one facility, corrections,
audits (the API and the phone form, with and without JavaScript), evidence, and hardening plans.

Every number is checked against the library on the same store (``world.risk``,
``world.hardening_plan``). The world is shared by the session: tests start audits of their own on
facilities with no audit in progress, and put back what they change in the registry.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from nigehban import Nigehban
from nigehban.security.facilities import Facility
from nigehban.store.schema import CHANGE_LOG
from nigehban.web import WebConfig
from nigehban.web.routes.facilities import risk_fingerprint
from tests.web.conftest import CONFIG, make_app, sign_in

Client = Callable[[str], TestClient]


def _codes(items: list[dict[str, Any]]) -> list[str]:
    return [item["facility"]["code"] for item in items]


def _log_count(world: Nigehban) -> int:
    with world.engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(CHANGE_LOG)).scalar_one())


def _free_facility(world: Nigehban, facility_type: str) -> Facility:
    """A facility of this type with no audit in progress (so a test can start one)."""
    busy = {audit.facility_id for audit in world.audits(status="in_progress")}
    return next(f for f in world.facilities(facility_type=facility_type) if f.id not in busy)


def _best_answers(world: Nigehban, facility: Facility) -> dict[str, int]:
    return {item.id: item.scale.max_level for item in world.checklist().items_for(facility.facility_type)}


def _csrf(page: str) -> str:
    return page.split('name="csrf-token" content="')[1].split('"')[0]


# the ranked list --------------------------------------------------------------------------------------


def test_the_list_ranks_facilities_as_the_library_does(world: Nigehban, client: Client) -> None:
    viewer = client("viewer")
    response = viewer.get("/api/facilities", params={"per_page": 500})
    assert response.status_code == 200, response.text
    data = response.json()
    risks = world.risk()
    assert data["total"] == data["facilities_in_store"] == len(risks) == len(world.facilities())
    assert _codes(data["items"]) == [risk.facility.code for risk in risks]
    assert [item["total"] for item in data["items"]] == [risk.total for risk in risks]
    assert [item["band"] for item in data["items"]] == [risk.band for risk in risks]
    assert [item["rank"] for item in data["items"]] == list(range(1, len(risks) + 1))
    first = data["items"][0]
    assert first["scenarios"] == {name: s.risk for name, s in risks[0].scenarios.items()}
    assert data["bands"] == {band: sum(1 for r in risks if r.band == band) for band in ("High", "Medium", "Low")}

    # pages cut the same order
    second = viewer.get("/api/facilities", params={"per_page": 10, "page": 2}).json()
    assert _codes(second["items"]) == [risk.facility.code for risk in risks[10:20]]
    assert second["pages"] == -(-len(risks) // 10)


def test_filters_match_the_library(world: Nigehban, client: Client) -> None:
    viewer = client("viewer")
    district = world.risk()[0].facility.district
    assert district is not None
    by_district = viewer.get("/api/facilities", params={"district": district, "per_page": 500}).json()
    assert _codes(by_district["items"]) == [r.facility.code for r in world.risk(district=district)]
    assert {item["facility"]["district"] for item in by_district["items"]} == {district}

    # a type by its label, as the library understands it
    checkposts = viewer.get("/api/facilities", params={"facility_type": "check-post", "per_page": 500}).json()
    assert _codes(checkposts["items"]) == [r.facility.code for r in world.risk(facility_type="check_post")]
    assert checkposts["total"] > 0

    high = viewer.get("/api/facilities", params={"band": "High", "per_page": 500}).json()
    assert _codes(high["items"]) == [r.facility.code for r in world.risk() if r.band == "High"]

    never = viewer.get("/api/facilities", params={"audited": "false", "per_page": 500}).json()
    assert _codes(never["items"]) == [r.facility.code for r in world.risk() if r.audit_id is None]
    assert all(item["audit_id"] is None for item in never["items"])

    both = viewer.get("/api/facilities", params={"district": district, "band": "High", "per_page": 500}).json()
    assert _codes(both["items"]) == [r.facility.code for r in world.risk(district=district) if r.band == "High"]


def test_bad_list_parameters_are_422(client: Client) -> None:
    viewer = client("viewer")
    assert viewer.get("/api/facilities", params={"band": "Extreme"}).status_code == 422
    assert viewer.get("/api/facilities", params={"per_page": 0}).status_code == 422
    assert viewer.get("/api/facilities", params={"page": "two"}).status_code == 422
    unknown_type = viewer.get("/api/facilities", params={"facility_type": "spaceport"})
    assert unknown_type.status_code == 422
    assert "unknown facility type" in unknown_type.json()["detail"]


def test_the_list_page(world: Nigehban, client: Client) -> None:
    page = client("viewer").get("/facilities", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'data-testid="facility-table"' in page.text
    top = world.risk()[0].facility
    assert f'href="/facilities/{top.code}"' in page.text
    assert " style=" not in page.text
    # htmx asks for the rows alone
    rows = client("viewer").get("/facilities", params={"band": "Low"}, headers={"HX-Request": "true"})
    assert rows.status_code == 200
    assert "<html" not in rows.text
    assert 'data-testid="facility-table"' in rows.text


# one facility -------------------------------------------------------------------------------------------


def test_one_facility_with_risk_per_scenario_and_its_audits(world: Nigehban, client: Client) -> None:
    audited = next(r for r in world.risk() if r.audit_id is not None)
    code = audited.facility.code
    response = client("viewer").get(f"/api/facilities/{code}")
    assert response.status_code == 200, response.text
    data = response.json()
    (expected,) = world.risk(facility=code)
    assert data["risk"]["total"] == expected.total
    assert data["rank"] == [r.facility.code for r in world.risk()].index(code) + 1
    for name, scenario in expected.scenarios.items():
        shown = data["risk"]["scenarios"][name]
        assert (shown["threat"]["value"], shown["vulnerability"]["value"], shown["risk"]) == (
            scenario.threat.value,
            scenario.vulnerability.value,
            scenario.risk,
        )
        assert shown["threat"]["reasons"] == list(scenario.threat.reasons)
    assert data["latest_audit"]["id"] == expected.audit_id
    assert [audit["id"] for audit in data["audits"]] == [audit.id for audit in world.audits(facility=code)]
    assert data["comparison"]["audit_id"] == expected.audit_id
    # the same facility by its numeric id
    assert client("viewer").get(f"/api/facilities/{audited.facility.id}").json()["facility"]["code"] == code

    page = client("viewer").get(f"/facilities/{code}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'data-testid="scenario-table"' in page.text
    assert f"{expected.total:,.0f}" in page.text
    assert " style=" not in page.text


def test_unknown_facilities_and_audits_are_404(client: Client) -> None:
    viewer = client("viewer")
    assert viewer.get("/api/facilities/NO-SUCH-CODE").status_code == 404
    assert "NO-SUCH-CODE" in viewer.get("/api/facilities/NO-SUCH-CODE").json()["detail"]
    assert viewer.get("/facilities/NO-SUCH-CODE", headers={"Accept": "text/html"}).status_code == 404
    assert viewer.get("/api/facilities/NO-SUCH-CODE/audits").status_code == 404
    assert viewer.get("/api/audits/2000000000").status_code == 404
    assert viewer.get("/audits/2000000000", headers={"Accept": "text/html"}).status_code == 404
    assert viewer.get("/api/audits/0").status_code == 422
    auditor = client("auditor")
    assert auditor.post("/api/facilities/NO-SUCH-CODE/audits", json={}).status_code == 404
    assert auditor.post("/api/audits/2000000000/answers", json={"answers": {"x": 1}}).status_code == 404
    assert auditor.post("/api/audits/2000000000/complete", json={}).status_code == 404
    assert (
        auditor.patch("/api/facilities/NO-SUCH-CODE", json={"changes": {"staff": 3}, "note": "why"}).status_code == 404
    )


def test_corrections_change_the_registry_and_the_risk(world: Nigehban, client: Client) -> None:
    facility = world.facilities(facility_type="police_station")[-1]
    code, staff = facility.code, facility.staff
    auditor = client("auditor")  # the auditor role may edit facilities
    try:
        response = auditor.patch(
            f"/api/facilities/{code}", json={"changes": {"staff": 900, "daily_visitors": 700}, "note": "head count"}
        )
        assert response.status_code == 200, response.text
        assert (response.json()["facility"]["staff"], world.facility(code).staff) == (900, 900)
        # the risk shown is the library's for the corrected registry (the cache noticed the change)
        (expected,) = world.risk(facility=code)
        assert response.json()["risk"]["total"] == expected.total
        listed = auditor.get("/api/facilities", params={"q": code, "per_page": 500}).json()
        assert [item["total"] for item in listed["items"]] == [expected.total]
        assert [item["rank"] for item in listed["items"]] == [[r.facility.code for r in world.risk()].index(code) + 1]

        for changes, field in [({"staff": -1}, "staff"), ({"code": "X"}, "code"), ({"latitude": 95}, "latitude")]:
            refused = auditor.patch(f"/api/facilities/{code}", json={"changes": changes, "note": "bad value"})
            assert refused.status_code == 422, refused.text
            assert field in refused.json()["detail"]
        assert auditor.patch(f"/api/facilities/{code}", json={"changes": {"staff": 5}}).status_code == 422  # no note

        before = (_log_count(world), world.facility(code))
        for role in ("viewer", "analyst"):
            denied = client(role).patch(f"/api/facilities/{code}", json={"changes": {"staff": 1}, "note": "try"})
            assert denied.status_code == 403
            assert "edit_facilities" in denied.json()["detail"]
        assert (_log_count(world), world.facility(code)) == before
    finally:
        world.update_facility(code, {"staff": staff, "daily_visitors": facility.daily_visitors}, note="test restores")


# audits through the API -----------------------------------------------------------------------------------


def test_an_audit_through_the_api(world: Nigehban, client: Client) -> None:
    facility = _free_facility(world, "check_post")
    answers = _best_answers(world, facility)
    items = list(answers)
    auditor = client("auditor")

    started = auditor.post(f"/api/facilities/{facility.code}/audits", json={"notes": "API test audit"})
    assert started.status_code == 201, started.text
    audit = started.json()
    audit_id = audit["id"]
    assert (audit["status"], audit["auditor"], audit["answered"], audit["applicable"]) == (
        "in_progress",
        "auditor",
        0,
        len(items),
    )
    assert sum(len(section["items"]) for section in audit["sections"]) == len(items)
    # one audit at a time per facility
    assert auditor.post(f"/api/facilities/{facility.code}/audits", json={}).status_code == 400

    # an answer off its item's scale saves nothing, and the message names the item
    batch = {item: answers[item] for item in items[:5]}
    bad = {**batch, items[5]: 9}
    refused = auditor.post(f"/api/audits/{audit_id}/answers", json={"answers": bad})
    assert refused.status_code == 422, refused.text
    assert items[5] in refused.json()["detail"]
    assert world.audit(audit_id).answers == {}
    unknown = auditor.post(f"/api/audits/{audit_id}/answers", json={"answers": {"perimeter.moat": 1}})
    assert unknown.status_code == 422
    assert "perimeter.moat" in unknown.json()["detail"]
    assert auditor.post(f"/api/audits/{audit_id}/answers", json={"answers": {items[0]: True}}).status_code == 422

    # many at once, then one with a note (PUT), then a bare level keeps the note; answers to an audit
    # in progress do not change any risk, so the list's cached risk stays valid
    fingerprint = risk_fingerprint(world)
    saved = auditor.post(f"/api/audits/{audit_id}/answers", json={"answers": batch})
    assert saved.status_code == 200, saved.text
    assert saved.json()["answered"] == 5
    one = auditor.put(
        f"/api/audits/{audit_id}/answers", json={"answers": {items[5]: {"answer": 0, "note": "no wall at the back"}}}
    )
    assert one.status_code == 200
    auditor.post(f"/api/audits/{audit_id}/answers", json={"answers": {items[5]: answers[items[5]]}})
    stored = world.audit(audit_id).answers
    assert (stored[items[5]]["answer"], stored[items[5]]["note"]) == (answers[items[5]], "no wall at the back")
    assert risk_fingerprint(world) == fingerprint

    # roles without "audit" change nothing
    before = (_log_count(world), world.audit(audit_id))
    for role in ("viewer", "analyst"):
        signed_in = client(role)
        assert signed_in.post(f"/api/audits/{audit_id}/answers", json={"answers": {items[6]: 1}}).status_code == 403
        assert signed_in.post(f"/api/audits/{audit_id}/complete", json={}).status_code == 403
        assert signed_in.post(f"/api/facilities/{facility.code}/audits", json={}).status_code == 403
        assert signed_in.get(f"/api/audits/{audit_id}").status_code == 200
    assert (_log_count(world), world.audit(audit_id)) == before

    # not complete while items are unanswered (unless asked), then complete
    early = auditor.post(f"/api/audits/{audit_id}/complete", json={})
    assert early.status_code == 400
    assert "unanswered" in early.json()["detail"]
    rest = {item: answers[item] for item in items[6:]}
    assert auditor.post(f"/api/audits/{audit_id}/answers", json={"answers": rest}).status_code == 200
    done = auditor.post(f"/api/audits/{audit_id}/complete")
    assert done.status_code == 200, done.text
    assert (done.json()["status"], world.audit(audit_id).status) == ("completed", "completed")
    assert risk_fingerprint(world) != fingerprint
    assert done.json()["comparison"]["audit_id"] == audit_id
    assert auditor.post(f"/api/audits/{audit_id}/answers", json={"answers": {items[0]: 0}}).status_code == 400

    # the facility's risk now uses this audit, in the list and on its page, as the library says
    (expected,) = world.risk(facility=facility.code)
    assert expected.audit_id == audit_id
    shown = auditor.get(f"/api/facilities/{facility.code}").json()
    assert (shown["risk"]["audit_id"], shown["risk"]["total"]) == (audit_id, expected.total)
    assert shown["latest_audit"]["id"] == audit_id
    listed = auditor.get("/api/facilities", params={"q": facility.code}).json()["items"]
    assert [(item["audit_id"], item["total"]) for item in listed] == [(audit_id, expected.total)]


# the phone form -------------------------------------------------------------------------------------------


@pytest.fixture
def evidence_dir(world: Nigehban, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Uploads go to this test's folder (the setting is put back afterwards)."""
    folder = tmp_path / "evidence"
    monkeypatch.setattr(world.settings, "evidence_dir", folder)
    return folder


def test_the_audit_form_with_and_without_javascript(world: Nigehban, client: Client, evidence_dir: Path) -> None:
    facility = _free_facility(world, "police_post")
    answers = _best_answers(world, facility)
    items = list(answers)
    browser = client("auditor")
    del browser.headers["X-CSRF-Token"]  # a plain form sends its token as a field
    page = browser.get(f"/facilities/{facility.code}", headers={"Accept": "text/html"})
    token = _csrf(page.text)
    started = browser.post(
        f"/facilities/{facility.code}/audits",
        data={"csrf_token": token, "auditor": "Inspector Test"},
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    audit_id = int(started.headers["location"].rsplit("/", 1)[1])
    assert world.audit(audit_id).auditor == "Inspector Test"

    form = browser.get(f"/audits/{audit_id}", headers={"Accept": "text/html"})
    assert form.status_code == 200
    for hook in ("audit-form", "audit-progress", "audit-complete"):
        assert f'data-testid="{hook}"' in form.text
    assert f"0</strong> of {len(items)} answered" in form.text
    assert f'hx-post="/audits/{audit_id}"' in form.text
    assert 'hx-trigger="change"' in form.text
    assert form.text.count('type="radio"') >= 2 * len(items)
    assert " style=" not in form.text
    assert "<script>" not in form.text

    # without JavaScript: the whole form posts; only what differs is saved
    first = {f"answer:{item}": str(answers[item]) for item in items[:2]}
    posted = browser.post(
        f"/audits/{audit_id}",
        data={"csrf_token": token, **first, f"note:{items[0]}": "new gate", f"note:{items[3]}": ""},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert posted.headers["location"] == f"/audits/{audit_id}?saved=2"
    stored = world.audit(audit_id).answers
    assert set(stored) == set(items[:2])
    assert stored[items[0]]["note"] == "new gate"
    log_before = _log_count(world)
    again = browser.post(f"/audits/{audit_id}", data={"csrf_token": token, **first}, follow_redirects=False)
    assert again.headers["location"] == f"/audits/{audit_id}?saved=0"
    assert _log_count(world) == log_before

    # with htmx: one item as it is chosen, a photograph with it; the answer is a fragment with the progress
    photo = b"\xff\xd8\xff\xe0 a photograph of the gate"
    fragment = browser.post(
        f"/audits/{audit_id}",
        data={f"answer:{items[2]}": str(answers[items[2]])},
        files={f"evidence:{items[2]}": ("gate.JPG", photo, "image/jpeg")},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert fragment.status_code == 200, fragment.text
    assert fragment.text.startswith("Saved")
    assert 'hx-swap-oob="true"' in fragment.text
    assert f"3</strong> of {len(items)} answered" in fragment.text
    evidence = world.audit(audit_id).answers[items[2]]["evidence"]
    assert [(entry["sha256"], entry["bytes"]) for entry in evidence] == [
        (hashlib.sha256(photo).hexdigest(), len(photo))
    ]
    assert Path(evidence[0]["file"]).parent == (evidence_dir / f"audit-{audit_id}").resolve()
    served = browser.get(f"/api/audits/{audit_id}/evidence", params={"item": items[2], "index": 0})
    assert (served.status_code, served.content, served.headers["content-type"]) == (200, photo, "image/jpeg")

    # an answer off the scale from the form: 422 naming the item, nothing saved
    off = browser.post(
        f"/audits/{audit_id}", data={f"answer:{items[4]}": "7"}, headers={"HX-Request": "true", "X-CSRF-Token": token}
    )
    assert off.status_code == 422
    assert items[4] in off.json()["detail"]
    assert items[4] not in world.audit(audit_id).answers

    # completing too early shows the form again with the reason; the answers sent with it are kept
    rest = {f"answer:{item}": str(answers[item]) for item in items[3:]}
    last = items[-1]
    partial = {key: value for key, value in rest.items() if key != f"answer:{last}"}
    early = browser.post(f"/audits/{audit_id}/complete", data={"csrf_token": token, **partial})
    assert early.status_code == 400
    assert last in early.text
    assert 'data-testid="audit-form"' in early.text
    assert len(world.audit(audit_id).answers) == len(items) - 1
    done = browser.post(
        f"/audits/{audit_id}/complete",
        data={"csrf_token": token, f"answer:{last}": str(answers[last])},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/audits/{audit_id}?completed=1"
    assert world.audit(audit_id).status == "completed"
    shown = browser.get(done.headers["location"], headers={"Accept": "text/html"})
    assert 'data-testid="audit-completed"' in shown.text
    assert 'data-testid="audit-complete"' not in shown.text  # read-only now


def test_evidence_uploads_through_the_api(world: Nigehban, client: Client, evidence_dir: Path) -> None:
    facility = _free_facility(world, "police_station")
    item = next(iter(_best_answers(world, facility)))
    auditor = client("auditor")
    audit_id = auditor.post(f"/api/facilities/{facility.code}/audits", json={}).json()["id"]
    photo = b"\x89PNG\r\n\x1a\n a picture of the wall"
    response = auditor.post(
        f"/api/audits/{audit_id}/evidence", data={"item": item}, files={"file": ("wall.png", photo, "image/png")}
    )
    assert response.status_code == 200, response.text
    (entry,) = world.audit(audit_id).answers[item]["evidence"]
    assert entry["sha256"] == hashlib.sha256(photo).hexdigest()
    # the same photograph again adds nothing; another one is added beside it
    auditor.post(
        f"/api/audits/{audit_id}/evidence", data={"item": item}, files={"file": ("wall.png", photo, "image/png")}
    )
    assert len(world.audit(audit_id).answers[item]["evidence"]) == 1
    auditor.post(
        f"/api/audits/{audit_id}/evidence", data={"item": item}, files={"file": ("b.jpg", b"\xff\xd8 2", "image/jpeg")}
    )
    assert len(world.audit(audit_id).answers[item]["evidence"]) == 2

    script = auditor.post(
        f"/api/audits/{audit_id}/evidence", data={"item": item}, files={"file": ("x.html", b"<script>", "text/html")}
    )
    assert script.status_code == 422
    assert "photograph" in script.json()["detail"]
    empty = auditor.post(
        f"/api/audits/{audit_id}/evidence", data={"item": item}, files={"file": ("e.jpg", b"", "image/jpeg")}
    )
    assert empty.status_code == 422
    unknown = auditor.post(
        f"/api/audits/{audit_id}/evidence",
        data={"item": "perimeter.moat"},
        files={"file": ("m.jpg", b"1", "image/jpeg")},
    )
    assert unknown.status_code == 422
    assert (
        client("viewer")
        .post(f"/api/audits/{audit_id}/evidence", data={"item": item}, files={"file": ("v.jpg", b"1", "image/jpeg")})
        .status_code
        == 403
    )
    assert (
        client("viewer").get(f"/api/audits/{audit_id}/evidence", params={"item": item, "index": 5}).status_code == 404
    )

    # larger than the body limit: 413 before anything is read or stored
    small = sign_in(make_app(world, WebConfig(throttle=CONFIG.throttle, max_body_bytes=4096)), "auditor")
    big = small.post(
        f"/api/audits/{audit_id}/evidence",
        data={"item": item},
        files={"file": ("big.jpg", b"\xff" * 10_000, "image/jpeg")},
    )
    assert big.status_code == 413
    assert "limit" in big.json()["detail"]
    assert len(world.audit(audit_id).answers[item]["evidence"]) == 2
    world.audit_complete(audit_id, allow_unanswered=True)


# hardening plans -------------------------------------------------------------------------------------------


def _choices(plan: dict[str, Any]) -> list[tuple[int, str]]:
    return [(choice["facility_id"], choice["measure_id"]) for choice in plan["chosen"]]


def test_a_plan_is_the_library_plan(world: Nigehban, client: Client) -> None:
    auditor = client("auditor")  # the auditor role may plan
    response = auditor.post("/api/plans", json={"budget_pkr": 50_000_000, "curve_points": 5})
    assert response.status_code == 200, response.text
    data = response.json()
    expected = world.hardening_plan(budget_pkr=50_000_000, mip_rel_gap=1e-4, curve_step_pkr=10_000_000)
    plan = expected.plan
    assert data["total_cost"] == plan.total_cost <= 50_000_000
    assert data["risk_before"] == pytest.approx(plan.risk_before)
    assert data["risk_after"] == pytest.approx(plan.risk_after)
    assert _choices(data) == [(choice.facility_id, choice.measure_id) for choice in plan.chosen]
    assert data["left_out"] == list(expected.left_out)
    assert [point["budget_pkr"] for point in data["marginal_curve"]] == [
        0,
        10_000_000,
        20_000_000,
        30_000_000,
        40_000_000,
        50_000_000,
    ]
    assert [point["risk_after"] for point in data["marginal_curve"]] == pytest.approx(
        [p.risk_after for p in expected.curve]
    )
    assert data["rows"][-1]["cumulative_cost_pkr"] == plan.total_cost

    district = world.risk()[0].facility.district
    assert district is not None
    narrow = auditor.post("/api/plans", json={"budget_pkr": 5_000_000, "district": district}).json()
    local = world.hardening_plan(budget_pkr=5_000_000, district=district, mip_rel_gap=1e-4).plan
    assert (narrow["total_cost"], _choices(narrow)) == (
        local.total_cost,
        [(c.facility_id, c.measure_id) for c in local.chosen],
    )
    assert {choice["district"] for choice in narrow["chosen"]} <= {district}


def test_plan_requests_that_cannot_be_met_are_4xx(client: Client) -> None:
    auditor = client("auditor")
    tiny = auditor.post("/api/plans", json={"budget_pkr": 1})
    assert tiny.status_code == 422
    assert "cheapest measure" in tiny.json()["detail"]
    assert auditor.post("/api/plans", json={"budget_pkr": -5}).status_code == 422
    assert auditor.post("/api/plans", json={"budget_pkr": "lots"}).status_code == 422
    assert auditor.post("/api/plans", json={}).status_code == 422
    nowhere = auditor.post("/api/plans", json={"budget_pkr": 10_000_000, "district": "Atlantis"})
    assert nowhere.status_code == 422
    assert "no audited facility" in nowhere.json()["detail"]
    for role in ("viewer", "analyst"):
        denied = client(role).post("/api/plans", json={"budget_pkr": 10_000_000})
        assert denied.status_code == 403
        assert client(role).get("/plans", headers={"Accept": "text/html"}).status_code == 403


def test_the_plan_page(world: Nigehban, client: Client) -> None:
    auditor = client("auditor")
    page = auditor.get("/plans", headers={"Accept": "text/html"})
    assert page.status_code == 200
    for hook in ("plan-budget", "plan-result"):
        assert f'data-testid="{hook}"' in page.text
    assert 'type="range"' in page.text
    assert "/static/js/plan.js" in page.text
    assert " style=" not in page.text

    # the slider's post (htmx): the result alone; the numbers are the library's
    fragment = auditor.post("/plans", data={"budget_pkr": "20,000,000"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200, fragment.text
    assert "<html" not in fragment.text
    assert 'data-testid="plan-table"' in fragment.text
    plan = world.hardening_plan(budget_pkr=20_000_000, mip_rel_gap=1e-4).plan
    assert f"{plan.total_cost:,}" in fragment.text
    assert f"{plan.risk_after:,.0f}" in fragment.text
    assert re.search(r"<polyline class=\"line\" points=\"[\d., ]+\">", fragment.text)
    # a budget that buys nothing is explained where the plan would be
    nothing = auditor.post("/plans", data={"budget_pkr": "0"}, headers={"HX-Request": "true"})
    assert nothing.status_code == 200
    assert "buys nothing" in nothing.text
    # without JavaScript: the whole page with the plan
    whole = auditor.post("/plans", data={"budget_pkr": "20000000", "csrf_token": _csrf(page.text)})
    assert whole.status_code == 200
    assert "<html" in whole.text
    assert 'data-testid="plan-table"' in whole.text
