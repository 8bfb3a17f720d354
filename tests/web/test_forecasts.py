"""The forecasts page and its JSON twins: stored runs, risk by district, alerts, backtest scores.

A store without a forecast says so (and how to make one) instead of showing numbers; with stored
runs, the API gives exactly the numbers of ``app.forecast()`` and ``app.alerts()``, and the backtest
scores are those of the evaluation's own scorer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from nigehban import Nigehban
from nigehban.forecast.live import ForecastRun
from nigehban.web.routes.forecasts import NO_FORECAST
from tests.helpers import BACKENDS, eval_scorer
from tests.web.conftest import PASSWORD, demo_store, make_app, sign_in
from tests.web.test_analysis import audit, render_without_eval

BASELINES = ["climatology", "ewma"]


@pytest.fixture(scope="module", params=BACKENDS)
def forecasted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nigehban]:
    """The demo world (with its synthetic districts) and two stored forecasts of the baselines, for
    November and December 2024 (a fraction of a second each; the default ensemble takes seconds)."""
    with demo_store(request, tmp_path_factory, actor="test-analyst") as nigehban:
        nigehban.create_user("viewer", role="viewer", password=PASSWORD)
        for as_of in (dt.date(2024, 11, 1), dt.date(2024, 12, 1)):
            nigehban.forecast_run(as_of=as_of, models=BASELINES)
        yield nigehban


def viewer_of(world: Nigehban) -> TestClient:
    return sign_in(make_app(world), "viewer", PASSWORD)


def expected_risk(run: ForecastRun, model: str, horizon: int = 1) -> list[tuple[str, float, float, float]]:
    values = run.values[(run.values["model"] == model) & (run.values["horizon"] == horizon)]
    values = values.sort_values(["p_attack", "unit_id"], ascending=[False, True], kind="stable")
    return [
        (row.unit_id, row.p_attack, row.p_security_attack, row.expected_fatalities)
        for row in values.itertuples(index=False)
    ]


def assert_same_risk(data: dict[str, object], expected: list[tuple[str, float, float, float]]) -> None:
    """The API's risk rows are ``expected``'s units in the same order, with the same numbers."""
    rows = data["risk"]
    assert isinstance(rows, list)
    assert [row["unit_id"] for row in rows] == [unit for unit, *_ in expected]
    for row, (_, p_attack, p_security, fatalities) in zip(rows, expected, strict=True):
        assert row["p_attack"] == pytest.approx(p_attack, rel=1e-12)
        assert row["p_security_attack"] == pytest.approx(p_security, rel=1e-12)
        assert row["expected_fatalities"] == pytest.approx(fatalities, rel=1e-12)


# no forecast stored ------------------------------------------------------------------------------


def test_a_store_without_forecasts_says_how_to_make_one(app: Nigehban) -> None:
    app.create_user("viewer", role="viewer", password=PASSWORD)
    client = viewer_of(app)
    assert "nigehban forecast run --as-of DATE" in NO_FORECAST
    assert client.get("/api/forecasts").json() == {"run": None, "message": NO_FORECAST, "risk": []}
    alerts = client.get("/api/alerts").json()
    assert alerts["run_id"] is None
    assert alerts["alerts"] == []
    assert alerts["message"] == NO_FORECAST
    assert client.get("/api/forecasts/runs").json() == []
    missing = client.get("/api/forecasts/1")
    assert missing.status_code == 404
    assert "no forecast run 1" in missing.json()["detail"]
    chart = client.get("/api/forecasts/chart")
    assert chart.status_code == 404
    assert chart.json()["detail"] == NO_FORECAST

    page = audit(client, "/forecasts")
    assert {"forecast-empty", "alerts"} <= page.testids
    assert "forecast-table" not in page.testids
    assert "forecast-chart" not in page.chart_sources
    html = client.get("/forecasts").text
    assert "no forecast stored yet; an analyst runs `nigehban forecast run --as-of DATE`" in html
    assert "No incidents to backtest on" in html


# stored forecasts --------------------------------------------------------------------------------


def test_the_newest_forecast_has_the_numbers_of_the_app(forecasted: Nigehban) -> None:
    client = viewer_of(forecasted)
    newest = forecasted.forecast()
    response = client.get("/api/forecasts")
    assert response.status_code == 200, response.text
    data = response.json()
    run = data["run"]
    assert run["id"] == newest.id
    assert run["as_of"] == "2024-12-01"
    assert run["origin_period"] == newest.origin_period == "2024-12"
    assert run["default_model"] == newest.default_model == "ewma"
    assert run["data_version"] == json.loads(json.dumps(newest.data_version))
    assert set(run["models"]) == set(BASELINES)
    assert data["model"] == "ewma"
    assert data["period"] == "2024-12"
    assert data["message"] is None
    expected = expected_risk(newest, "ewma")
    assert_same_risk(data, expected)
    names = {unit.pcode: unit.name for unit in forecasted.boundary_set().units("district")}
    assert all(row["name"] == names[row["unit_id"]] for row in data["risk"])
    assert [row["rank"] for row in data["risk"]] == list(range(1, len(expected) + 1))

    top = client.get("/api/forecasts", params={"model": "climatology", "limit": 5}).json()
    assert_same_risk(top, expected_risk(newest, "climatology")[:5])


def test_runs_are_listed_and_each_can_be_read(forecasted: Nigehban) -> None:
    client = viewer_of(forecasted)
    runs = client.get("/api/forecasts/runs").json()
    stored = forecasted.forecast_runs()
    assert [run["id"] for run in runs] == [run.id for run in stored]
    assert [run["as_of"] for run in runs] == ["2024-12-01", "2024-11-01"]
    assert all(run["models"] == BASELINES and run["incidents"] > 1000 for run in runs)
    older = runs[1]["id"]
    data = client.get(f"/api/forecasts/{older}").json()
    assert data["run"]["origin_period"] == "2024-11"
    assert_same_risk(data, expected_risk(forecasted.forecast(older), "ewma"))
    same = client.get("/api/forecasts", params={"run": older}).json()
    assert same == data


@pytest.mark.parametrize(
    ("path", "params", "status", "words"),
    [
        ("/api/forecasts", {"run": "999999"}, 404, "no forecast run 999999"),
        ("/api/forecasts/999999", {}, 404, "no forecast run 999999"),
        ("/api/forecasts/0", {}, 422, "run_id"),
        ("/api/forecasts/2147483648", {}, 422, "run_id"),
        ("/api/forecasts", {"model": "nope"}, 422, "no model 'nope'"),
        ("/api/forecasts", {"horizon": "2"}, 422, "1 period(s) ahead"),
        ("/api/forecasts", {"horizon": "4"}, 422, "horizon"),
        ("/api/forecasts", {"limit": "0"}, 422, "limit"),
        ("/api/forecasts/chart", {"top": "500"}, 422, "top"),
        ("/api/alerts", {"threshold": "0"}, 422, "threshold"),
        ("/api/alerts", {"jump": "2"}, 422, "jump"),
        ("/api/alerts", {"run": "abc"}, 422, "run"),
    ],
)
def test_bad_forecast_parameters_are_4xx_with_a_message(
    forecasted: Nigehban, path: str, params: dict[str, str], status: int, words: str
) -> None:
    response = viewer_of(forecasted).get(path, params=params)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]


def test_alerts_are_those_of_the_app(forecasted: Nigehban) -> None:
    client = viewer_of(forecasted)
    newest = forecasted.forecast()
    data = client.get("/api/alerts").json()
    assert data["run_id"] == newest.id
    assert data["period"] == "2024-12"
    assert data["alerts"] == json.loads(json.dumps([dataclasses.asdict(alert) for alert in forecasted.alerts()]))
    assert {"threshold", "new_group"} & {alert["kind"] for alert in data["alerts"]}
    older = forecasted.forecast_runs()[1].id
    strict = client.get("/api/alerts", params={"run": older, "threshold": 0.9, "jump": 0.5}).json()
    expected = forecasted.alerts(run_id=older, threshold=0.9, jump=0.5)
    assert [(alert["kind"], alert["unit_id"]) for alert in strict["alerts"]] == [
        (alert.kind, alert.unit_id) for alert in expected
    ]
    assert strict["settings"]["threshold"] == 0.9


def test_forecast_page_shows_the_run_risks_and_alerts(forecasted: Nigehban) -> None:
    client = viewer_of(forecasted)
    newest = forecasted.forecast()
    page = audit(client, "/forecasts")
    assert {"forecast-run", "forecast-table", "forecast-chart", "alerts", "backtest-form"} <= page.testids
    assert page.chart_sources["forecast-chart"] == f"/api/forecasts/chart?run={newest.id}&model=ewma&horizon=1"
    assert "/static/js/forecasts.js" in page.scripts
    html = client.get("/forecasts").text
    expected = expected_risk(newest, "ewma")
    assert html.count('<td class="num">') >= 6 * len(expected)
    names = {unit.pcode: unit.name for unit in forecasted.boundary_set().units("district")}
    top_unit = expected[0][0]
    assert f'<td>{names[top_unit]} <span class="small">{top_unit}</span></td>' in html
    assert f"{expected[0][1]:.3f}" in html
    assert f"{newest.data_version['incidents']:,} incidents" in html
    alerts = forecasted.alerts()
    assert f"Alerts <small>({len(alerts)})</small>" in html

    older = forecasted.forecast_runs()[1].id
    other = client.get("/forecasts", params={"run": older, "model": "climatology"}).text
    assert f"Run {older}: district × month from 2024-11" in other
    missing = client.get("/forecasts", params={"run": 999999}, headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert "no forecast run 999999" in missing.text


def test_forecast_chart_shows_the_units_of_highest_risk(forecasted: Nigehban, tmp_path: Path) -> None:
    client = viewer_of(forecasted)
    spec = client.get("/api/forecasts/chart", params={"top": 10}).json()
    rows = spec["datasets"][spec["data"]["name"]]
    expected = expected_risk(forecasted.forecast(), "ewma")[:10]
    assert [row["unit_id"] for row in rows] == [row[0] for row in expected]
    assert [row["p_attack"] for row in rows] == pytest.approx([row[1] for row in expected])
    rendered = render_without_eval({"forecast": spec}, tmp_path)
    assert rendered["calls"] == []
    assert rendered["results"]["forecast"] > 10


# backtest ----------------------------------------------------------------------------------------


def test_backtest_scores_are_the_evaluation_scorers(forecasted: Nigehban) -> None:
    scorer = eval_scorer("score_forecast")
    client = viewer_of(forecasted)
    response = client.get("/api/forecasts/backtest", params={"start": "2024-01", "end": "2024-06"})
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["start"], data["end"], data["periods"]) == ("2024-01", "2024-06", 6)
    assert data["models"] == BASELINES
    assert "nigehban forecast backtest --freq month --start 2024-01 --end 2024-06" in data["cli"]
    result = forecasted.forecast_backtest(start="2024-01", end="2024-06", models=BASELINES)
    official = scorer.score(result.frame.to_dict(orient="records"))
    assert data["units"] == official["units"]
    for score in data["scores"]:
        theirs = official["models"][score["model"]]
        assert score["aupr"] == pytest.approx(theirs["aupr"], rel=1e-9)
        assert score["auroc"] == pytest.approx(theirs["auroc"], rel=1e-9)
        assert score["brier"] == pytest.approx(theirs["brier"], rel=1e-9)
        assert score["brier_skill"] == pytest.approx(theirs["brier_skill_vs_constant"], rel=1e-9)
        assert score["log_loss"] == pytest.approx(theirs["log_loss"], rel=1e-9)
        assert score["cells"] == official["cells"]
        assert score["base_rate"] == pytest.approx(official["base_rate"])


def test_backtest_defaults_to_the_last_complete_year(forecasted: Nigehban) -> None:
    data = viewer_of(forecasted).get("/api/forecasts/backtest").json()
    last = forecasted.summary().last_date
    assert last is not None
    end = pd.Period(last, freq="M") - 1  # the last month of data is often incomplete: left out
    assert (data["start"], data["end"]) == (str(end - 11), str(end))
    assert data["periods"] == 12


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"models": "ensemble"}, 422, "nigehban forecast backtest"),
        ({"models": "ewma,lightgbm"}, 422, "lightgbm"),
        ({"start": "2020-01", "end": "2024-12"}, 422, "at most 36 months"),
        ({"start": "2030-01", "end": "2030-03"}, 400, "after the last incident"),
        ({"start": "2019-01", "end": "2019-03"}, 400, "first incident"),
        ({"start": "2024-13", "end": "2024-12"}, 400, "2024-13"),
        ({"start": "24-01"}, 422, "start"),
        ({"freq": "day"}, 422, "freq"),
        ({"horizon": "0"}, 422, "horizon"),
    ],
)
def test_bad_backtest_parameters_are_4xx_with_a_message(
    forecasted: Nigehban, params: dict[str, str], status: int, words: str
) -> None:
    response = viewer_of(forecasted).get("/api/forecasts/backtest", params=params)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]


def test_backtest_page_and_htmx_fragment(forecasted: Nigehban) -> None:
    client = viewer_of(forecasted)
    params = {"start": "2024-04", "end": "2024-06", "freq": "month", "horizon": "1"}
    fragment = client.get("/forecasts/backtest", params=params, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert 'data-testid="backtest-table"' in fragment.text
    assert "<html" not in fragment.text
    assert fragment.text.count("<tr>") == 1 + len(BASELINES)
    page = audit(client, "/forecasts/backtest?start=2024-04&end=2024-06")
    assert "backtest-table" in page.testids
    refused = client.get(
        "/forecasts/backtest", params={"start": "2019-01", "end": "2024-06"}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 200  # htmx swaps only 2xx: the fragment carries the message
    assert "at most 36 months" in refused.text
    full = client.get(
        "/forecasts/backtest", params={"start": "2019-01", "end": "2024-06"}, headers={"Accept": "text/html"}
    )
    assert full.status_code == 422


def test_forecasts_need_a_signed_in_reader(forecasted: Nigehban) -> None:
    anonymous = make_app(forecasted)
    for path in ("/api/forecasts", "/api/forecasts/runs", "/api/alerts", "/api/forecasts/backtest"):
        assert anonymous.get(path).status_code == 401
    page = anonymous.get("/forecasts", headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303
