"""Forecasts and backtests asked for from the web: queued as background jobs (202), followed on the job's
page, and their results shown where they belong — the newest forecast, the stored backtest scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from nigehban import Nigehban
from tests.helpers import BACKENDS
from tests.web.conftest import PASSWORD, demo_store, make_app, sign_in
from tests.web.test_analysis import audit

BASELINES = ["climatology", "ewma"]


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nigehban]:
    """The demo world (incidents to 1 January 2025, synthetic districts), an analyst and a viewer."""
    with demo_store(request, tmp_path_factory, actor="test-setup") as nigehban:
        nigehban.create_user("analyst", role="analyst", password=PASSWORD)
        nigehban.create_user("viewer", role="viewer", password=PASSWORD)
        yield nigehban


def analyst_of(store: Nigehban) -> TestClient:
    return sign_in(make_app(store), "analyst")


def test_an_analyst_queues_a_forecast_and_follows_it_to_the_run(store: Nigehban) -> None:
    client = analyst_of(store)
    response = client.post("/api/forecasts/runs", json={"as_of": "2024-12-10", "models": BASELINES})
    assert response.status_code == 202, response.text
    job = response.json()
    assert (job["kind"], job["status"], job["actor"], job["active"]) == ("forecast_run", "queued", "analyst", True)
    assert job["params"] == {
        "as_of": "2024-12-10",
        "freq": "month",
        "horizon": 1,
        "unit": "district",
        "resolution": 7,
        "models": BASELINES,
    }
    assert response.headers["location"] == f"/api/jobs/{job['id']}"
    waiting = client.get(f"/jobs/{job['id']}", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in waiting.text  # the page asks again while the job waits
    assert 'data-testid="job-waiting"' in waiting.text

    ended = store.run_job(job["id"])  # what the server's worker does
    assert ended.result is not None
    data = client.get(f"/api/jobs/{job['id']}").json()
    assert (data["status"], data["active"]) == ("done", False)
    assert data["result"]["run_id"] == ended.result["run_id"]
    newest = client.get("/api/forecasts").json()["run"]
    assert newest["id"] == data["result"]["run_id"]
    assert (newest["actor"], newest["origin_period"]) == ("analyst", "2024-12")

    page = audit(client, f"/jobs/{job['id']}")
    assert {"job", "job-result", "job-result-link"} <= page.testids
    html = client.get(f"/jobs/{job['id']}").text
    assert f'href="/forecasts?run={newest["id"]}"' in html
    assert "hx-trigger" not in html  # done: no more asking
    listed = client.get("/api/jobs").json()
    assert job["id"] in [item["id"] for item in listed["jobs"]]
    assert "jobs-table" in audit(client, "/jobs").testids


def test_the_page_form_queues_a_job_and_goes_to_its_page(store: Nigehban) -> None:
    client = analyst_of(store)
    page = audit(client, "/forecasts")
    assert {"run-forecast-form", "backtest-all-form"} <= page.testids
    html = client.get("/forecasts").text
    assert 'name="as_of" value="2025-01-02"' in html  # the day after the demo's last incident
    response = client.post(
        "/forecasts/run",
        data={"as_of": "2024-12-01", "freq": "month", "horizon": "2", "csrf_token": client.headers["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    job = store.job(job_id)
    assert (job.kind, job.params["horizon"], job.params["models"], job.actor) == ("forecast_run", 2, None, "analyst")
    bad = client.post(
        "/forecasts/run",
        data={"as_of": "next week", "csrf_token": client.headers["X-CSRF-Token"]},
        headers={"Accept": "text/html"},
    )
    assert bad.status_code == 422
    assert "as_of" in bad.text


def test_a_backtest_job_stores_scores_the_page_shows(store: Nigehban) -> None:
    client = analyst_of(store)
    response = client.post(
        "/api/forecasts/backtests", json={"start": "2024-07", "end": "2024-09", "models": [*BASELINES, "etas"]}
    )
    assert response.status_code == 202, response.text
    ended = store.run_job(response.json()["id"])
    assert ended.status == "done", ended.error
    assert ended.result is not None
    backtest_id = ended.result["backtest_id"]
    assert ended.result["url"] == f"/forecasts/backtests/{backtest_id}"
    stored = store.backtest(backtest_id)

    data = client.get(f"/api/forecasts/backtests/{backtest_id}").json()
    assert (data["start"], data["end"], data["periods"], data["actor"]) == ("2024-07", "2024-09", 3, "analyst")
    assert [score["model"] for score in data["scores"]] == [score["model"] for score in stored.scores]
    for ours, theirs in zip(data["scores"], stored.scores, strict=True):
        assert ours["aupr"] == pytest.approx(theirs["aupr"])
        assert ours["brier"] == pytest.approx(theirs["brier"])
    assert data["comparison"] is None  # the default (ewma among these) is itself a baseline
    assert client.get("/api/forecasts/backtests").json()[0]["id"] == backtest_id

    viewer = sign_in(make_app(store), "viewer")
    page = audit(viewer, "/forecasts")
    assert "stored-backtests" in page.testids
    assert {"run-forecast-form", "backtest-all-form"}.isdisjoint(page.testids)  # a viewer may not run them
    html = viewer.get("/forecasts").text
    assert f"Backtest {backtest_id}: district × month, 2024-07 to 2024-09" in html
    for score in stored.scores:
        assert f"{score['aupr']:.4f}" in html
    assert "stored-backtest-table" in audit(viewer, f"/forecasts/backtests/{backtest_id}").testids


def test_the_comparison_with_the_better_baseline_is_shown(store: Nigehban) -> None:
    with store.acting_as("analyst"):
        result = store.forecast_backtest(start="2024-10", end="2024-12", models=[*BASELINES, "ensemble"], save=True)
    assert result.stored is not None
    comparison = result.stored.to_dict()["comparison"]
    html = sign_in(make_app(store), "viewer").get(f"/forecasts/backtests/{result.stored.id}").text
    assert 'data-testid="backtest-comparison"' in html
    assert f"AUPR {comparison['aupr_gain'] * 100:+.1f} %" in html
    assert f"({comparison['baseline']})" in html or f"<strong>{comparison['baseline']}</strong>" in html


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("/api/forecasts/runs", {}, "field 'as_of'"),
        ("/api/forecasts/runs", {"as_of": "2024-13-01"}, "field 'as_of'"),
        ("/api/forecasts/runs", {"as_of": "2024-12-01", "horizon": 9}, "field 'horizon'"),
        ("/api/forecasts/backtests", {"start": "2024-01"}, "field 'end'"),
        ("/api/forecasts/backtests", {"start": "2024", "end": "2024-06"}, "field 'start'"),
        ("/api/forecasts/backtests", {"start": "2024-01", "end": "2024-02", "freq": "day"}, "field 'freq'"),
    ],
)
def test_bad_job_parameters_are_422_and_queue_nothing(
    store: Nigehban, path: str, body: dict[str, object], words: str
) -> None:
    before = len(store.jobs(limit=None))
    response = analyst_of(store).post(path, json=body)
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]
    assert len(store.jobs(limit=None)) == before


def test_unknown_jobs_and_backtests_are_404_and_a_viewer_may_not_submit(store: Nigehban) -> None:
    viewer = sign_in(make_app(store), "viewer")
    assert viewer.get("/api/jobs/99999").status_code == 404
    assert "no job 99999" in viewer.get("/api/jobs/99999").json()["detail"]
    assert viewer.get("/api/forecasts/backtests/99999").status_code == 404
    before = len(store.jobs(limit=None))
    refused = viewer.post("/api/forecasts/runs", json={"as_of": dt.date(2024, 12, 1).isoformat()})
    assert refused.status_code == 403
    assert len(store.jobs(limit=None)) == before
