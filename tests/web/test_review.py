"""The review queue through the web app: list, one candidate with its evidence, and decisions.

The demo world has no review candidates: each test queues its own through the real extractor
(``Nigehban.extract(..., into_review=True)``) from news-style reports written here, with document
ids of its own, so that tests sharing the session's world do not decide each other's candidates.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from nigehban import Nigehban
from nigehban.store.queries import IncidentFilter
from nigehban.store.schema import CHANGE_LOG, REVIEW_CANDIDATES

Client = Callable[[str], TestClient]

PESHAWAR = (
    "PESHAWAR: Three policemen were killed and seven others injured when militants attacked a police check "
    "post in Peshawar on Monday night. Tehrik-i-Taliban Pakistan claimed responsibility."
)
QUETTA = (
    "QUETTA: A suicide bomber blew himself up near a police van in Quetta on Friday, killing four people and "
    "wounding twelve, officials said."
)
MARKUP = (
    'QUETTA: Two policemen were killed when a bomb exploded near a <script>alert("x")</script> police van in '
    "Quetta on Friday."
)


def queue(world: Nigehban, tmp_path: Path, *texts: tuple[str, str]) -> list[int]:
    """Queue reports (text, published) through the extractor; the candidate id of each, in order."""
    tag = uuid.uuid4().hex[:8]
    feed = tmp_path / f"reports-{tag}.jsonl"
    ids = [f"web-review-{tag}-{number}" for number in range(len(texts))]
    lines = [
        {"id": doc_id, "text": text, "published": published}
        for doc_id, (text, published) in zip(ids, texts, strict=True)
    ]
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    report = world.extract([feed], into_review=True)
    assert report.incidents == len(texts), report
    by_document = {item.document_id: item.id for item in world.review_list(status=None, limit=None)}
    return [by_document[doc_id] for doc_id in ids]


def _log_count(world: Nigehban) -> int:
    with world.engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(CHANGE_LOG)).scalar_one())


def test_the_queue_lists_candidates_in_the_library_order_with_counts(
    world: Nigehban, client: Client, tmp_path: Path
) -> None:
    first, second = queue(world, tmp_path, (PESHAWAR, "2023-06-13"), (QUETTA, "2023-09-16"))
    viewer = client("viewer")
    response = viewer.get("/api/review", params={"status": "pending", "per_page": 200})
    assert response.status_code == 200, response.text
    data = response.json()
    library = world.review_list(status="pending", limit=200)
    assert [item["id"] for item in data["items"]] == [item.id for item in library]
    with world.engine.connect() as connection:
        pending = connection.execute(
            sa.select(sa.func.count()).select_from(REVIEW_CANDIDATES).where(REVIEW_CANDIDATES.c.status == "pending")
        ).scalar_one()
    assert data["total"] == data["counts"]["pending"] == pending
    shown = {item["id"]: item for item in data["items"]}
    assert shown[first]["values"]["killed"] == world.review_show(first).value("killed") == 3
    assert shown[second]["values"]["suicide"] is True
    assert "document_text" not in shown[first]

    # paging walks the same order
    second_page = viewer.get("/api/review", params={"status": "pending", "per_page": 1, "page": 2}).json()
    assert [item["id"] for item in second_page["items"]] == [library[1].id]
    assert second_page["pages"] == pending

    page = viewer.get("/review", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'data-testid="review-list"' in page.text
    assert f'href="/review/{first}"' in page.text


def test_a_candidate_shows_the_report_with_its_evidence_marked(world: Nigehban, client: Client, tmp_path: Path) -> None:
    (candidate_id,) = queue(world, tmp_path, (PESHAWAR, "2023-06-13"))
    viewer = client("viewer")
    data = viewer.get(f"/api/review/{candidate_id}").json()
    item = world.review_show(candidate_id)
    assert data["document_text"] == item.document_text == PESHAWAR
    assert [match["incident_id"] for match in data["matches"]] == [match.incident_id for match in item.matches]
    spans = {span["field"]: span for span in data["evidence"]}
    assert spans["killed"]["text"] == "Three policemen were killed"
    for span in data["evidence"]:
        assert PESHAWAR[span["start"] : span["end"]] == span["text"]
        assert span["text"] == item.fields[span["field"]]["evidence"]["text"]

    page = viewer.get(f"/review/{candidate_id}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    document = page.text.split('data-testid="evidence">', 1)[1].split("</div>", 1)[0]
    # the two fields read from the same words share one mark
    assert re.search(
        r'<mark class="ev ev-toll" data-fields="killed killed_security"[^>]*>Three policemen were killed</mark>',
        document,
    )
    assert '<mark class="ev ev-who" data-fields="perpetrator perpetrator_claimed"' in document
    assert re.sub(r"<[^>]+>", "", document) == PESHAWAR
    assert " style=" not in page.text
    # a viewer reads; the decision buttons are for roles that may decide
    assert 'data-testid="review-accept"' not in page.text
    assert 'data-testid="review-accept"' in client("analyst").get(f"/review/{candidate_id}").text


def test_markup_in_a_report_is_shown_as_text(world: Nigehban, client: Client, tmp_path: Path) -> None:
    (candidate_id,) = queue(world, tmp_path, (MARKUP, "2023-09-16"))
    page = client("viewer").get(f"/review/{candidate_id}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text


def test_accepting_as_new_makes_an_incident_with_the_report_as_its_source(
    world: Nigehban, client: Client, tmp_path: Path
) -> None:
    (candidate_id,) = queue(world, tmp_path, (PESHAWAR, "2023-06-13"))
    document_id = world.review_show(candidate_id).document_id
    response = client("analyst").post(
        f"/api/review/{candidate_id}/accept", json={"new": True, "note": "checked against the CTD daily report"}
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["status"], data["decided_by"], data["note"]) == (
        "accepted",
        "analyst",
        "checked against the CTD daily report",
    )
    incident = world.incident(data["incident_id"]).as_json_dict(detail=True)
    assert (incident["killed"], incident["wounded"], incident["province"]) == (3, 7, "Khyber Pakhtunkhwa")
    assert incident["perpetrator"] == "Tehrik-i-Taliban Pakistan"
    sources = incident["source_records"]
    assert [(source["dataset"], source["key"]) for source in sources] == [("reports", document_id)]
    assert world.review_show(candidate_id).status == "accepted"
    # a decision is made once
    again = client("analyst").post(f"/api/review/{candidate_id}/accept", json={})
    assert again.status_code == 409
    assert "already accepted" in again.json()["detail"]


def test_accepting_into_the_best_match_merges_into_that_stored_incident(
    world: Nigehban, client: Client, tmp_path: Path
) -> None:
    # a report of an attack the demo world holds: a police bombing with its district and toll
    stored = next(
        incident
        for incident in world.incidents(IncidentFilter(attack_type="bombing", target_type="police"))
        if incident.record.district and (incident.record.killed or 0) >= 2
    )
    record, district = stored.record, str(stored.record.district)
    assert record.date is not None
    text = (
        f"{district.upper()}: A bomb exploded near a police station in {district} on "
        f"{record.date:%B} {record.date.day}, {record.date.year}, killing {record.killed} people, police said."
    )
    (candidate_id,) = queue(world, tmp_path, (text, (record.date + dt.timedelta(days=1)).isoformat()))
    matches = world.review_show(candidate_id).matches
    assert stored.id in [match.incident_id for match in matches]
    response = client("analyst").post(f"/api/review/{candidate_id}/accept", json={"match": "best"})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["incident_id"] == matches[0].incident_id
    assert data["merge_id"] in [merge.id for merge in world.merges(incident_id=matches[0].incident_id)]


def test_corrections_then_the_accept_form_use_the_corrected_values(
    world: Nigehban, client: Client, tmp_path: Path
) -> None:
    (candidate_id,) = queue(world, tmp_path, (PESHAWAR, "2023-06-13"))
    analyst = client("analyst")
    edited = analyst.patch(
        f"/api/review/{candidate_id}", json={"changes": {"killed": 4, "district": "Peshawar"}, "note": "FIR says four"}
    )
    assert edited.status_code == 200, edited.text
    fields = edited.json()["fields"]
    assert (fields["killed"]["value"], fields["killed"]["confidence"], fields["killed"]["edited"]) == (
        4,
        1.0,
        "analyst",
    )

    refused = analyst.patch(f"/api/review/{candidate_id}", json={"changes": {"attack_type": "laser"}})
    assert refused.status_code == 422
    assert "attack_type" in refused.json()["detail"]

    # the page's own form, as a browser without JavaScript posts it
    page = analyst.get(f"/review/{candidate_id}", headers={"Accept": "text/html"})
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    del analyst.headers["X-CSRF-Token"]
    response = analyst.post(
        f"/review/{candidate_id}/accept",
        data={"csrf_token": token, "target": "new", "note": "edited and accepted"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/review/{candidate_id}?decided=accepted"
    shown = analyst.get(response.headers["location"], headers={"Accept": "text/html"})
    assert 'data-testid="review-result"' in shown.text
    incident_id = world.review_show(candidate_id).incident_id
    assert incident_id is not None
    assert f'href="/incidents/{incident_id}"' in shown.text
    assert world.incident(incident_id).record.killed == 4


def test_rejecting_keeps_the_candidate_with_the_reason(world: Nigehban, client: Client, tmp_path: Path) -> None:
    (candidate_id,) = queue(world, tmp_path, (QUETTA, "2023-09-16"))
    analyst = client("analyst")
    response = analyst.post(f"/api/review/{candidate_id}/reject", json={"note": "a wire copy of an earlier report"})
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["note"]) == ("rejected", "a wire copy of an earlier report")
    listed = analyst.get("/api/review", params={"status": "rejected", "per_page": 200}).json()
    assert candidate_id in [item["id"] for item in listed["items"]]
    before = _log_count(world)
    assert analyst.patch(f"/api/review/{candidate_id}", json={"changes": {"killed": 1}}).status_code == 409
    assert analyst.post(f"/api/review/{candidate_id}/accept", json={}).status_code == 409
    assert _log_count(world) == before


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_roles_without_review_are_refused_and_nothing_changes(
    role: str, world: Nigehban, client: Client, tmp_path: Path
) -> None:
    (candidate_id,) = queue(world, tmp_path, (PESHAWAR, "2023-06-13"))
    signed_in = client(role)
    before = (_log_count(world), world.review_show(candidate_id).fields)
    for method, path, body in [
        ("POST", f"/api/review/{candidate_id}/accept", {"new": True}),
        ("PATCH", f"/api/review/{candidate_id}", {"changes": {"killed": 9}}),
        ("POST", f"/api/review/{candidate_id}/reject", {"note": "no"}),
    ]:
        response = signed_in.request(method, path, json=body)
        assert response.status_code == 403, (method, path, response.text)
        assert "review" in response.json()["detail"]
    assert signed_in.get(f"/api/review/{candidate_id}").status_code == 200
    assert world.review_show(candidate_id).status == "pending"
    assert (_log_count(world), world.review_show(candidate_id).fields) == before


def test_unknown_candidates_and_bad_requests_are_clear_4xx(client: Client) -> None:
    analyst = client("analyst")
    missing = 2_000_000_000
    assert analyst.get(f"/api/review/{missing}").status_code == 404
    assert "no review candidate" in analyst.get(f"/api/review/{missing}").json()["detail"]
    assert analyst.post(f"/api/review/{missing}/accept", json={}).status_code == 404
    assert analyst.post(f"/api/review/{missing}/reject", json={}).status_code == 404
    assert analyst.get(f"/review/{missing}", headers={"Accept": "text/html"}).status_code == 404
    assert analyst.get("/api/review/0").status_code == 422
    assert analyst.get("/api/review", params={"status": "maybe"}).status_code == 422
    assert analyst.get("/api/review", params={"per_page": 0}).status_code == 422
    both = analyst.post(f"/api/review/{missing}/accept", json={"incident_id": 5, "match": "best"})
    assert both.status_code == 422
    assert "incident_id" in both.json()["detail"]
