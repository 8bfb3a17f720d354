"""Background jobs: what was asked for, how far it got, and what came of it.

``/jobs`` and ``/api/jobs`` list the newest jobs; ``/jobs/{id}`` and ``/api/jobs/{id}`` show one. The
page of a queued or running job asks again every two seconds (htmx swaps the job's card) and, when
the job is done, links to what it made (the forecast run, the stored backtest). Jobs are submitted
where their work belongs (``POST /api/forecasts/runs``, ``POST /api/forecasts/backtests``) and done
by the server's worker (:class:`nigehban.jobs.JobRunner`) or ``nigehban jobs work``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from nigehban.app import Nigehban
from nigehban.auth.sessions import Principal
from nigehban.web.pages import render
from nigehban.web.params import RowId
from nigehban.web.responses import JSON
from nigehban.web.security import nigehban_of, require

__all__ = ["job_data", "jobs_data", "router"]

router = APIRouter()

ReadPrincipal = Annotated[Principal, Depends(require("read"))]
Status = Literal["queued", "running", "done", "failed"]
Limit = Annotated[int, Query(ge=1, le=500, description="at most this many, newest first")]


def jobs_data(app: Nigehban, *, status: str | None = None, limit: int = 50) -> dict[str, Any]:
    """The newest jobs (of one status when given)."""
    return {"status": status, "jobs": [job.to_dict() for job in app.jobs(status=status, limit=limit)]}


def job_data(app: Nigehban, job_id: int) -> dict[str, Any]:
    """One job (404 when unknown)."""
    return app.job(job_id).to_dict()


@router.get("/api/jobs", tags=["jobs"], summary="Background jobs")
async def api_jobs(
    request: Request, principal: ReadPrincipal, status: Status | None = None, limit: Limit = 50
) -> Response:
    """The newest background jobs (forecast runs and backtests asked for from the web), with their
    status, progress and result or error."""
    return JSON(await run_in_threadpool(jobs_data, nigehban_of(request), status=status, limit=limit))


@router.get("/api/jobs/{job_id}", tags=["jobs"], summary="One background job")
async def api_job(request: Request, principal: ReadPrincipal, job_id: RowId) -> Response:
    """A job: ``status`` queued, running, done or failed; ``done``/``total`` and ``message`` while it
    runs; ``result`` (what it made, with its ``url``) or ``error`` when it ended."""
    return JSON(await run_in_threadpool(job_data, nigehban_of(request), job_id))


@router.get("/jobs", include_in_schema=False)
async def jobs_page(
    request: Request, principal: ReadPrincipal, status: Status | None = None, limit: Limit = 50
) -> Response:
    data = await run_in_threadpool(jobs_data, nigehban_of(request), status=status, limit=limit)
    return render(request, "jobs/list.html", active="forecasts", data=data)


@router.get("/jobs/{job_id}", include_in_schema=False)
async def job_page(request: Request, principal: ReadPrincipal, job_id: RowId) -> Response:
    """The whole page, or (for htmx's polling) the job's card alone."""
    job = await run_in_threadpool(job_data, nigehban_of(request), job_id)
    template = "jobs/_job.html" if request.headers.get("hx-request") else "jobs/detail.html"
    return render(request, template, active="forecasts", job=job)
