"""The forecasts page and its JSON twins: stored forecast runs, the risk of every district, alerts,
backtest scores of every model, and forecasts and backtests made from the page.

- ``/forecasts`` and ``/api/forecasts``: the newest stored run (or ``?run=ID``): the districts (or
  H3 cells) by probability of an attack in the forecast period, for the run's default model or
  another it holds, with the run's as-of date, models and the version of the data it read.
- ``/api/forecasts/runs``, ``/api/forecasts/{run_id}``, ``/api/alerts``: as ``nigehban forecast runs``,
  ``forecast show`` and ``nigehban alerts``.
- ``/api/forecasts/backtest`` (and the page's form for it): a rolling-origin backtest of the
  baselines (climatology, EWMA) within the request, scored as the evaluation scorer does. The
  baselines take a fraction of a second per year of months; the other models take minutes, so
  they are backtested by a job (below).
- ``POST /api/forecasts/runs`` and ``POST /api/forecasts/backtests`` (and the page's forms, for an
  analyst): a forecast run, or a backtest of every model, as a background job (202 with the job;
  ``/jobs/{id}`` follows it). The default model takes seconds on the demo world and minutes for a
  backtest, longer than a web request should hold a worker: :mod:`nigehban.jobs` does the work.
- ``/api/forecasts/backtests`` and ``/forecasts/backtests/{id}``: stored backtests (made by such a
  job or ``nigehban forecast backtest``) with every model's scores and the default model's gain
  over the better baseline.

A store without a forecast says so plainly; it never shows made-up numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any, Literal

import altair as alt
import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from nigehban.analysis.trends import jsonable_records
from nigehban.app import Nigehban
from nigehban.auth.sessions import Principal
from nigehban.errors import NigehbanError
from nigehban.forecast.live import ForecastRun
from nigehban.forecast.registry import available_models, default_model_name
from nigehban.forecast.scores import score_backtest
from nigehban.jobs import BacktestJob, ForecastRunJob
from nigehban.web.pages import render
from nigehban.web.params import MAX_ID, RowId
from nigehban.web.responses import JSON
from nigehban.web.routes.analysis import WIDTH, chart_spec, status_of, store_dates
from nigehban.web.routes.facilities import posted_form
from nigehban.web.security import nigehban_of, require

__all__ = [
    "NO_FORECAST",
    "WEB_BACKTEST_MODELS",
    "alerts_data",
    "backtest_data",
    "forecast_data",
    "router",
    "run_header",
    "runs_data",
    "stored_backtests_data",
]

router = APIRouter()

NO_FORECAST = "no forecast stored yet; an analyst runs `nigehban forecast run --as-of DATE`"
WEB_BACKTEST_MODELS = ("climatology", "ewma")
"""Models the web backtest may run: fast enough for a request (the others take minutes: use the CLI)."""
MAX_BACKTEST_PERIODS = {"month": 36, "week": 156}
PAGE_ROWS = 500
"""Rows of the page's risk table (every district; the highest-risk H3 cells). The JSON twin has them all."""

ReadPrincipal = Annotated[Principal, Depends(require("read"))]
ForecastPrincipal = Annotated[Principal, Depends(require("run_forecasts"))]
RunId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="a stored run's id (default: the newest)")]
Model = Annotated[str | None, Query(max_length=40, description="a model of the run (default: the run's default)")]
Horizon = Annotated[int, Query(ge=1, le=3, description="periods ahead: 1 is the run's first forecast period")]
Limit = Annotated[int | None, Query(ge=1, le=1_000_000, description="at most this many units (highest risk first)")]
Threshold = Annotated[float, Query(gt=0, le=1, description="alert where p(attack) is at least this")]
Jump = Annotated[float, Query(gt=0, le=1, description="alert where p(attack) rose this much")]
Recent = Annotated[int, Query(ge=1, le=520, description="periods that make a unit's recent level")]
NewGroup = Annotated[int, Query(ge=1, le=520, description="a group's first incident in a unit this recent is an alert")]
PeriodText = Annotated[
    str | None, Query(pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="YYYY-MM (weeks: YYYY-MM or YYYY-MM-DD)")
]

_VALUE_COLUMNS = (
    "p_attack",
    "p_security_attack",
    "expected_attacks",
    "expected_fatalities",
    "fatalities_low",
    "fatalities_high",
)


# runs and their values ---------------------------------------------------------------------------


def run_header(run: ForecastRun) -> dict[str, Any]:
    """What a run is: when and by whom it was made, for which period, with which models, on which data."""
    return {
        "id": run.id,
        "created_at": run.created_at,
        "actor": run.actor,
        "as_of": run.as_of,
        "unit": run.unit,
        "freq": run.freq,
        "horizon": run.horizon,
        "origin_period": run.origin_period,
        "default_model": run.default_model,
        "models": run.models,
        "data_version": run.data_version,
        "notes": list(run.notes),
    }


def runs_data(app: Nigehban) -> list[dict[str, Any]]:
    """The stored runs, newest first (as ``nigehban forecast runs``)."""
    return [
        {**run_header(run), "models": list(run.models), "incidents": run.data_version.get("incidents")}
        for run in app.forecast_runs()
    ]


def _load(app: Nigehban, run_id: int | None) -> ForecastRun | None:
    """The run ``run_id`` (404 if unknown), or the newest (``None`` when none is stored)."""
    ids = [run.id for run in app.forecast_runs()]
    if run_id is None:
        return app.forecast(ids[0]) if ids else None
    if run_id not in ids:
        known = ", ".join(str(known) for known in ids[:10]) or "none is stored"
        raise HTTPException(404, f"no forecast run {run_id} (stored runs, newest first: {known})")
    return app.forecast(run_id)


def _unit_names(app: Nigehban, run: ForecastRun) -> dict[str, str]:
    if run.unit != "district":
        return {}
    return {unit.pcode: unit.name for unit in app.boundary_set().units("district")}


def _risk(
    app: Nigehban, run: ForecastRun, *, model: str | None, horizon: int, limit: int | None
) -> tuple[str, str, list[dict[str, Any]]]:
    chosen = model or run.default_model
    if chosen not in run.models:
        raise HTTPException(422, f"run {run.id} has no model {chosen!r}; it has {', '.join(run.models)}")
    if horizon > run.horizon:
        raise HTTPException(422, f"run {run.id} forecasts {run.horizon} period(s) ahead, not {horizon}")
    values = run.values[(run.values["model"] == chosen) & (run.values["horizon"] == horizon)]
    values = values.sort_values(["p_attack", "unit_id"], ascending=[False, True], kind="stable")
    if limit is not None:
        values = values.head(limit)
    names = _unit_names(app, run)
    rows = jsonable_records(values[["unit_id", *_VALUE_COLUMNS]].reset_index(drop=True))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["name"] = names.get(row["unit_id"])
    period = str(values["period"].iloc[0]) if len(values) else ""
    return chosen, period, rows


def forecast_data(
    app: Nigehban, *, run_id: int | None, model: str | None, horizon: int, limit: int | None
) -> dict[str, Any]:
    """A stored run (the newest by default) and its units by risk, highest first, for one model and
    horizon; ``{"run": None, "message": ...}`` when no forecast is stored."""
    run = _load(app, run_id)
    if run is None:
        return {"run": None, "message": NO_FORECAST, "risk": []}
    chosen, period, risk = _risk(app, run, model=model, horizon=horizon, limit=limit)
    return {
        "run": run_header(run),
        "model": chosen,
        "horizon": horizon,
        "period": period,
        "risk": risk,
        "message": None,
    }


def alerts_data(
    app: Nigehban,
    *,
    run_id: int | None,
    threshold: float = 0.5,
    jump: float = 0.25,
    recent_periods: int = 12,
    new_group_periods: int = 3,
) -> dict[str, Any]:
    """The alerts of a stored run (the newest by default; see :meth:`nigehban.Nigehban.alerts`)."""
    settings = {
        "threshold": threshold,
        "jump": jump,
        "recent_periods": recent_periods,
        "new_group_periods": new_group_periods,
    }
    run = _load(app, run_id)
    if run is None:
        return {"run_id": None, "settings": settings, "alerts": [], "message": NO_FORECAST}
    found = app.alerts(
        run_id=run.id,
        threshold=threshold,
        jump=jump,
        recent_periods=recent_periods,
        new_group_periods=new_group_periods,
    )
    alerts = [dataclasses.asdict(alert) for alert in found]
    return {"run_id": run.id, "period": run.origin_period, "settings": settings, "alerts": alerts, "message": None}


def forecast_chart(run: ForecastRun, risk: list[dict[str, Any]], *, model: str, period: str) -> dict[str, Any]:
    """A bar chart of the units of highest risk: p(attack), and p(attack on police/security) as a tick."""
    frame = pd.DataFrame(risk)
    frame["label"] = [f"{row.get('name') or row['unit_id']}" for row in risk]
    base = alt.Chart(frame, title=f"Highest risk, {period} — {model} (run {run.id}, as of {run.as_of})").encode(
        # rows come highest risk first; an explicit order keeps both layers' domains identical
        y=alt.Y("label:N", sort=list(frame["label"]), title=None),
        tooltip=[
            alt.Tooltip("label:N", title="unit"),
            alt.Tooltip("p_attack:Q", format=".2f", title="p(attack)"),
            alt.Tooltip("p_security_attack:Q", format=".2f", title="p(attack on police/security)"),
            alt.Tooltip("expected_attacks:Q", format=".2f", title="expected attacks"),
            alt.Tooltip("expected_fatalities:Q", format=".1f", title="expected fatalities"),
        ],
    )
    bars = base.mark_bar(color="#0f4c5c").encode(
        x=alt.X("p_attack:Q", title="probability", scale=alt.Scale(domain=[0, 1]))
    )
    ticks = base.mark_tick(color="#b8860b", thickness=3).encode(x="p_security_attack:Q")
    return chart_spec(alt.layer(bars, ticks).properties(width=WIDTH - 160, height=alt.Step(16)))


# backtest ----------------------------------------------------------------------------------------


def _period_label(period: pd.Period, freq: str) -> str:
    return str(period) if freq == "month" else period.start_time.date().isoformat()


def default_backtest_range(app: Nigehban, freq: str) -> tuple[str, str] | None:
    """The last 12 months (52 weeks) before the period of the store's last incident (often incomplete),
    or ``None`` for an empty store."""
    first_date, last_date = store_dates(app)
    if first_date is None or last_date is None:
        return None
    code = "M" if freq == "month" else "W-SUN"
    span = 12 if freq == "month" else 52
    end = pd.Period(last_date, freq=code) - 1
    first = pd.Period(first_date, freq=code) + 1
    start = max(end - (span - 1), first)
    if start > end:
        return None
    return _period_label(start, freq), _period_label(end, freq)


def _cli_command(freq: str, start: str, end: str, horizon: int) -> str:
    return (
        f"nigehban forecast backtest --freq {freq} --start {start} --end {end} --horizon {horizon} "
        "--output backtest.csv"
    )


def backtest_data(
    app: Nigehban,
    *,
    freq: Literal["month", "week"],
    start: str | None,
    end: str | None,
    horizon: int,
    unit: Literal["district", "h3"],
    models: str | None,
) -> dict[str, Any]:
    """Backtest the baselines over ``start``..``end`` (default: the last 12 months or 52 weeks of data) and
    score them; refuses models that take minutes (the CLI runs those) and ranges over 36 months / 156 weeks."""
    from nigehban.forecast.backtest import parse_period

    names = [name.strip() for name in (models or ",".join(WEB_BACKTEST_MODELS)).split(",") if name.strip()]
    slow = [name for name in names if name not in WEB_BACKTEST_MODELS]
    if slow or not names:
        raise HTTPException(
            422,
            f"query parameter 'models': the web backtest runs {', '.join(WEB_BACKTEST_MODELS)} only "
            f"(not {', '.join(slow) or 'none'}); the other models take minutes: run `nigehban forecast backtest`",
        )
    if start is None or end is None:
        default = default_backtest_range(app, freq)
        if default is None:
            raise HTTPException(422, "no incidents to backtest on: import some first (`nigehban import ...`)")
        start, end = start or default[0], end or default[1]
    first, last = parse_period(start, freq, side="start"), parse_period(end, freq, side="end")
    periods = (last - first).n + 1
    if periods > MAX_BACKTEST_PERIODS[freq]:
        raise HTTPException(
            422,
            f"the web backtest scores at most {MAX_BACKTEST_PERIODS[freq]} {freq}s ({start} to {end} is {periods}); "
            f"run `{_cli_command(freq, start, end, horizon)}` for a longer range",
        )
    result = app.forecast_backtest(unit=unit, freq=freq, start=start, end=end, horizon=horizon, models=names)
    available = [model.name for model in available_models()]
    product_default = default_model_name(available)
    return {
        "freq": freq,
        "unit": unit,
        "start": result.start,
        "end": result.end,
        "horizon": horizon,
        "units": result.units,
        "periods": int(result.frame["period"].nunique()),
        "models": list(result.models),
        "scores": score_backtest(result.frame),
        "notes": list(result.notes),
        "product_default_model": product_default,
        "cli": _cli_command(freq, result.start, result.end, horizon),
    }


def stored_backtests_data(app: Nigehban, *, limit: int | None = 20) -> list[dict[str, Any]]:
    """Stored backtests, newest first, each with every model's scores (best AUPR first) and the default
    model's gain over the better baseline."""
    return [backtest.to_dict() for backtest in app.backtests(limit=limit)]


def default_as_of(app: Nigehban) -> str:
    """The day the page offers to forecast from: today, or the day after the last incident when the
    store's data end earlier (a forecast needs the incidents before the period it forecasts)."""
    _, last_date = store_dates(app)
    today = dt.date.today()
    if last_date is None:
        return today.isoformat()
    return min(today, last_date + dt.timedelta(days=1)).isoformat()


def _submit(app: Nigehban, principal: Principal, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    with app.acting_as(principal.name):
        return app.submit_job(kind, params).to_dict()


# routes ------------------------------------------------------------------------------------------


@router.get("/api/forecasts", tags=["forecasts"], summary="The newest forecast")
def api_forecast(
    request: Request,
    principal: ReadPrincipal,
    run: RunId = None,
    model: Model = None,
    horizon: Horizon = 1,
    limit: Limit = None,
) -> Response:
    """The newest stored forecast run (or ``run``): its as-of date, models and data version, and every
    district (or cell) by probability of an attack, highest first. ``run`` is null when none is stored."""
    return JSON(forecast_data(nigehban_of(request), run_id=run, model=model, horizon=horizon, limit=limit))


@router.get("/api/forecasts/runs", tags=["forecasts"], summary="Stored forecast runs")
def api_runs(request: Request, principal: ReadPrincipal) -> Response:
    """Every stored forecast run, newest first, without its values."""
    return JSON(runs_data(nigehban_of(request)))


@router.get("/api/forecasts/chart", tags=["forecasts"], summary="Risk chart (Vega-Lite)")
def api_forecast_chart(
    request: Request,
    principal: ReadPrincipal,
    run: RunId = None,
    model: Model = None,
    horizon: Horizon = 1,
    top: Annotated[int, Query(ge=1, le=200, description="how many units")] = 20,
) -> Response:
    """The Vega-Lite spec of the bar chart of the ``top`` units of highest risk (404 when no forecast is stored)."""
    app = nigehban_of(request)
    stored = _load(app, run)
    if stored is None:
        raise HTTPException(404, NO_FORECAST)
    chosen, period, risk = _risk(app, stored, model=model, horizon=horizon, limit=top)
    return JSON(forecast_chart(stored, risk, model=chosen, period=period))


@router.get("/api/forecasts/backtest", tags=["forecasts"], summary="Backtest scores of the baselines")
def api_backtest(
    request: Request,
    principal: ReadPrincipal,
    start: PeriodText = None,
    end: PeriodText = None,
    freq: Literal["month", "week"] = "month",
    horizon: Horizon = 1,
    unit: Literal["district", "h3"] = "district",
    models: Annotated[str | None, Query(max_length=100, description="comma-separated: climatology, ewma")] = None,
) -> Response:
    """Rolling-origin backtest of the baselines over ``start``..``end`` (default: the last 12 months of data
    before the last, often incomplete, month), scored per model. The other models: ``nigehban forecast backtest``."""
    return JSON(
        backtest_data(nigehban_of(request), freq=freq, start=start, end=end, horizon=horizon, unit=unit, models=models)
    )


@router.post("/api/forecasts/runs", tags=["forecasts"], summary="Make a forecast (a background job)", status_code=202)
def api_submit_run(request: Request, principal: ForecastPrincipal, body: ForecastRunJob) -> Response:
    """Queue a forecast run (the default model and the baselines, fitted on the incidents before the
    period containing ``as_of``); answers 202 with the job (``GET /api/jobs/{id}`` follows it; its
    ``result.run_id`` is the stored run). The run is stored under the user who asked."""
    data = _submit(nigehban_of(request), principal, "forecast_run", body.model_dump(mode="json"))
    return JSON(data, status_code=202, headers={"Location": f"/api/jobs/{data['id']}"})


@router.get("/api/forecasts/backtests", tags=["forecasts"], summary="Stored backtests and their scores")
def api_backtests(
    request: Request,
    principal: ReadPrincipal,
    limit: Annotated[int, Query(ge=1, le=500, description="at most this many, newest first")] = 20,
) -> Response:
    """Stored backtests (``nigehban forecast backtest`` or a backtest job), newest first, with every
    model's scores (AUPR, AUROC, Brier, ...: the evaluation scorer's definitions) and the default
    model's gain over the better baseline."""
    return JSON(stored_backtests_data(nigehban_of(request), limit=limit))


@router.post(
    "/api/forecasts/backtests", tags=["forecasts"], summary="Backtest the models (a background job)", status_code=202
)
def api_submit_backtest(request: Request, principal: ForecastPrincipal, body: BacktestJob) -> Response:
    """Queue a rolling-origin backtest of every model (or ``models``) from ``start`` to ``end``; its
    scores are stored (``result.backtest_id``). Answers 202 with the job."""
    data = _submit(nigehban_of(request), principal, "forecast_backtest", body.model_dump(mode="json"))
    return JSON(data, status_code=202, headers={"Location": f"/api/jobs/{data['id']}"})


@router.get("/api/forecasts/backtests/{backtest_id}", tags=["forecasts"], summary="One stored backtest")
def api_stored_backtest(request: Request, principal: ReadPrincipal, backtest_id: RowId) -> Response:
    """A stored backtest: what ran, on which data, and every model's scores."""
    return JSON(nigehban_of(request).backtest(backtest_id).to_dict())


@router.get("/api/forecasts/{run_id}", tags=["forecasts"], summary="One stored forecast")
def api_forecast_run(
    request: Request,
    principal: ReadPrincipal,
    run_id: RowId,
    model: Model = None,
    horizon: Horizon = 1,
    limit: Limit = None,
) -> Response:
    """A stored forecast run and its units by risk, for one model (default: the run's default) and horizon."""
    return JSON(forecast_data(nigehban_of(request), run_id=run_id, model=model, horizon=horizon, limit=limit))


@router.get("/api/alerts", tags=["forecasts"], summary="Alerts of a forecast")
def api_alerts(
    request: Request,
    principal: ReadPrincipal,
    run: RunId = None,
    threshold: Threshold = 0.5,
    jump: Jump = 0.25,
    recent_periods: Recent = 12,
    new_group_periods: NewGroup = 3,
) -> Response:
    """Alerts of the newest stored run (or ``run``): districts over the threshold, jumps in risk since the
    previous run or above the district's recent level, groups appearing in a district for the first time."""
    return JSON(
        alerts_data(
            nigehban_of(request),
            run_id=run,
            threshold=threshold,
            jump=jump,
            recent_periods=recent_periods,
            new_group_periods=new_group_periods,
        )
    )


@router.get("/forecasts", include_in_schema=False)
def forecasts_page(
    request: Request,
    principal: ReadPrincipal,
    run: RunId = None,
    model: Model = None,
    horizon: Horizon = 1,
) -> Response:
    app = nigehban_of(request)
    error, status = None, 200
    data: dict[str, Any] | None = None
    alerts: dict[str, Any] | None = None
    try:
        data = forecast_data(app, run_id=run, model=model, horizon=horizon, limit=PAGE_ROWS)
        if data["run"] is not None:
            alerts = alerts_data(app, run_id=data["run"]["id"])
    except NigehbanError as problem:
        error, status = str(problem), status_of(problem)
    except HTTPException as problem:
        error, status = str(problem.detail), problem.status_code
    return render(
        request,
        "forecasts/index.html",
        status_code=status,
        active="forecasts",
        data=data,
        alerts=alerts,
        runs=runs_data(app) if data is not None else [],
        error=error,
        no_forecast=NO_FORECAST,
        page_rows=PAGE_ROWS,
        backtest_range=default_backtest_range(app, "month"),
        backtest_models=WEB_BACKTEST_MODELS,
        stored_backtests=stored_backtests_data(app, limit=10),
        as_of=default_as_of(app),
        today=dt.date.today().isoformat(),
    )


@router.get("/forecasts/backtest", include_in_schema=False)
def backtest_page(
    request: Request,
    principal: ReadPrincipal,
    start: PeriodText = None,
    end: PeriodText = None,
    freq: Literal["month", "week"] = "month",
    horizon: Horizon = 1,
) -> Response:
    """The backtest scores: the whole page, or (for htmx) the fragment the forecasts page swaps in."""
    error, status = None, 200
    backtest: dict[str, Any] | None = None
    try:
        backtest = backtest_data(
            nigehban_of(request), freq=freq, start=start, end=end, horizon=horizon, unit="district", models=None
        )
    except NigehbanError as problem:
        error, status = str(problem), status_of(problem)
    except HTTPException as problem:
        error, status = str(problem.detail), problem.status_code
    fragment = bool(request.headers.get("hx-request"))
    template = "forecasts/_backtest.html" if fragment else "forecasts/backtest.html"
    # htmx swaps only 2xx responses by default: the fragment carries its own message instead
    return render(
        request,
        template,
        status_code=200 if fragment else status,
        active="forecasts",
        backtest=backtest,
        error=error,
    )


@router.get("/forecasts/backtests/{backtest_id}", include_in_schema=False)
def stored_backtest_page(request: Request, principal: ReadPrincipal, backtest_id: RowId) -> Response:
    """A stored backtest (the HTML twin of ``/api/forecasts/backtests/{id}``)."""
    stored = nigehban_of(request).backtest(backtest_id).to_dict()
    return render(request, "forecasts/stored_backtest.html", active="forecasts", stored=stored)


def _form_params(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields of a page's form that were filled in (an empty field takes the default)."""
    params: dict[str, Any] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            params[name] = value.strip()
    return params


@router.post("/forecasts/run", include_in_schema=False)
async def submit_run_form(request: Request, principal: ForecastPrincipal) -> Response:
    """The page's "forecast now" form: queue the job, then follow it on its page."""
    async with posted_form(request) as form:
        params = _form_params(form, ("as_of", "freq", "horizon"))
    job = await run_in_threadpool(_submit, nigehban_of(request), principal, "forecast_run", params)
    return RedirectResponse(f"/jobs/{job['id']}", status_code=303)


@router.post("/forecasts/backtests", include_in_schema=False)
async def submit_backtest_form(request: Request, principal: ForecastPrincipal) -> Response:
    """The page's "backtest every model" form: queue the job, then follow it on its page."""
    async with posted_form(request) as form:
        params = _form_params(form, ("start", "end", "freq", "horizon"))
    job = await run_in_threadpool(_submit, nigehban_of(request), principal, "forecast_backtest", params)
    return RedirectResponse(f"/jobs/{job['id']}", status_code=303)
