"""Background jobs on SQLite and PostgreSQL: checked when submitted, claimed by one worker only, run as
the user who asked, ended as done or failed with the reason, and never left looking busy when their
worker dies. Jobs run in this process and, as the server's worker runs them, in child processes."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from nigehban import Nigehban
from nigehban.errors import JobError, JobNotFound
from nigehban.jobs import JobRunner, claim_job, fail_stale_jobs
from nigehban.store.schema import JOBS, utcnow
from tests.forecast.store_world import fill
from tests.helpers import RunCli

BASELINES = ["climatology", "ewma"]


@pytest.fixture
def world(app: Nigehban, tmp_path: Path) -> Nigehban:
    """Synthetic monthly attacks 2008-2011 in five synthetic districts."""
    fill(app, tmp_path)
    return app


def _wait_for(app: Nigehban, job_id: int, statuses: set[str], *, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while (status := app.job(job_id).status) not in statuses:
        assert time.monotonic() < deadline, f"job {job_id} still {status}"
        time.sleep(0.2)
    return status


def test_parameters_are_checked_when_submitted(app: Nigehban) -> None:
    with pytest.raises(JobError, match="unknown job kind 'nope'; the kinds are forecast_run, forecast_backtest"):
        app.submit_job("nope", {})
    with pytest.raises(JobError, match=r"forecast_run: as_of: Field required"):
        app.submit_job("forecast_run", {"freq": "month"})
    with pytest.raises(JobError, match=r"horizon: Input should be less than or equal to 3"):
        app.submit_job("forecast_run", {"as_of": "2012-01-01", "horizon": 4})
    with pytest.raises(JobError, match=r"start: String should match pattern"):
        app.submit_job("forecast_backtest", {"start": "January", "end": "2011-12"})
    with pytest.raises(JobError, match=r"colour: Extra inputs are not permitted"):
        app.submit_job("forecast_backtest", {"start": "2011-01", "end": "2011-12", "colour": "red"})
    assert app.jobs() == []  # nothing queued by a refused submission
    with pytest.raises(JobNotFound, match="no job 3"):
        app.job(3)


def test_the_same_job_twice_is_one_job_and_the_queue_has_a_limit(
    app: Nigehban, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = app.submit_job("forecast_run", {"as_of": "2012-01-01"})
    with app.acting_as("another analyst"):
        again = app.submit_job("forecast_run", {"as_of": "2012-01-01", "freq": "month"})  # the same, defaults given
    assert again.id == first.id
    other = app.submit_job("forecast_run", {"as_of": "2012-01-01", "horizon": 2})
    assert other.id != first.id
    monkeypatch.setattr("nigehban.jobs.MAX_WAITING", 2)
    with pytest.raises(JobError, match="2 jobs are already queued or running: wait until some are done"):
        app.submit_job("forecast_run", {"as_of": "2012-03-01"})
    assert app.submit_job("forecast_run", {"as_of": "2012-01-01"}).id == first.id  # asking again is no new job
    assert len(app.jobs()) == 2


def test_a_job_is_claimed_by_one_worker_only(app: Nigehban) -> None:
    first = app.submit_job("forecast_run", {"as_of": "2012-01-01"})
    second = app.submit_job("forecast_run", {"as_of": "2012-02-01"})
    taken = claim_job(app.engine, worker="a")
    assert taken is not None
    assert (taken.id, taken.status, taken.worker) == (first.id, "running", "a")
    assert claim_job(app.engine, worker="b", job_id=first.id) is None  # already taken
    other = claim_job(app.engine, worker="b")
    assert other is not None
    assert other.id == second.id
    assert claim_job(app.engine, worker="c") is None


def test_a_forecast_job_stores_the_run_as_the_user_who_asked(world: Nigehban) -> None:
    with world.acting_as("ayesha"):
        job = world.submit_job("forecast_run", {"as_of": "2012-01-15", "models": BASELINES, "horizon": 2})
    assert (job.status, job.actor, job.params["as_of"], job.params["freq"]) == (
        "queued",
        "ayesha",
        "2012-01-15",
        "month",
    )
    ended = world.run_job(job.id)
    assert ended.status == "done", ended.error
    assert ended.result is not None
    run = world.forecast(ended.result["run_id"])
    assert (run.actor, run.origin_period, run.horizon, set(run.models)) == ("ayesha", "2012-01", 2, set(BASELINES))
    assert ended.result["url"] == f"/forecasts?run={run.id}"
    assert ended.started_at is not None
    assert ended.finished_at is not None
    assert ended.finished_at >= ended.started_at
    with pytest.raises(JobError, match=f"job {job.id} is done, not queued: it is not run again"):
        world.run_job(job.id)


def test_a_backtest_job_stores_its_scores_and_reports_progress(world: Nigehban) -> None:
    job = world.submit_job("forecast_backtest", {"start": "2011-07", "end": "2011-12", "models": BASELINES})
    ended = world.run_job(job.id)
    assert ended.status == "done", ended.error
    assert ended.result is not None
    stored = world.backtest(ended.result["backtest_id"])
    assert (stored.start, stored.end, stored.periods) == ("2011-07", "2011-12", 6)
    assert {score["model"] for score in stored.scores} == set(BASELINES)
    assert (ended.done, ended.total) == (12, 12)  # 6 periods x 2 models, the last write always made


def test_a_job_that_cannot_be_done_fails_with_the_reason(world: Nigehban) -> None:
    job = world.submit_job("forecast_run", {"as_of": "2015-06-01", "models": BASELINES})
    ended = world.run_job(job.id)
    assert ended.status == "failed"
    assert ended.error is not None
    assert "2015-06-01 is 41 month(s) after the last incident's period (2011-12)" in ended.error
    assert ended.result is None
    assert world.forecast_runs() == []


def test_a_job_whose_worker_died_is_marked_failed(app: Nigehban) -> None:
    job = app.submit_job("forecast_run", {"as_of": "2012-01-01"})
    assert claim_job(app.engine, worker="gone") is not None
    assert fail_stale_jobs(app.engine) == 0  # its heartbeat is fresh
    with app.engine.begin() as connection:
        connection.execute(
            update(JOBS).where(JOBS.c.id == job.id).values(heartbeat_at=utcnow() - dt.timedelta(minutes=5))
        )
    assert fail_stale_jobs(app.engine) == 1
    failed = app.job(job.id)
    assert failed.status == "failed"
    assert failed.error is not None
    assert failed.error.startswith("interrupted: its worker stopped")


def test_the_runner_does_each_job_in_a_child_process(world: Nigehban) -> None:
    job = world.submit_job("forecast_run", {"as_of": "2012-01-01", "models": BASELINES})
    failing = world.submit_job("forecast_run", {"as_of": "2013-06-01", "models": BASELINES})
    assert JobRunner(world).run_pending() == 2
    ended = world.job(job.id)
    assert ended.status == "done", ended.error
    assert ended.worker is not None
    assert ended.result is not None
    assert world.forecast(ended.result["run_id"]).as_of == dt.date(2012, 1, 1)
    assert world.job(failing.id).status == "failed"
    assert "after the last incident's period" in (world.job(failing.id).error or "")


def test_the_runner_thread_picks_up_jobs_and_a_stopped_job_is_marked_failed(world: Nigehban) -> None:
    runner = JobRunner(world, poll_seconds=0.2)
    runner.start()
    try:
        quick = world.submit_job("forecast_run", {"as_of": "2012-01-01", "models": BASELINES})
        assert _wait_for(world, quick.id, {"done", "failed"}) == "done"
        # a long backtest (every model, every week of three years), stopped while it runs; its range lies
        # within the data (the last week of December 2011 would not, and the job would fail by itself
        # if it got that far before the stop)
        long = world.submit_job("forecast_backtest", {"start": "2009-01", "end": "2011-11", "freq": "week"})
        _wait_for(world, long.id, {"running"})
    finally:
        runner.stop()
    stopped = world.job(long.id)
    assert stopped.status == "failed"
    assert stopped.error is not None
    assert "ended (it was stopped) before finishing" in stopped.error
    assert world.backtests() == []


def test_jobs_from_the_command_line(run_cli: RunCli, database_url: str, tmp_path: Path) -> None:
    app = Nigehban(database_url=database_url)
    app.init()
    fill(app, tmp_path)
    done = app.submit_job("forecast_run", {"as_of": "2012-01-01", "models": BASELINES})
    queued = app.submit_job("forecast_backtest", {"start": "2011-11", "end": "2011-12", "models": ["ewma"]})
    ran = run_cli("--db", database_url, "jobs", "run", str(done.id))
    assert ran.exit_code == 0, ran.stderr
    assert f"job {done.id} (forecast_run) done" in ran.stderr
    again = run_cli("--db", database_url, "jobs", "run", str(done.id))
    assert again.exit_code == 1
    assert "is done, not queued" in again.stderr
    worked = run_cli("--db", database_url, "jobs", "work", "--once", "--in-process")
    assert worked.exit_code == 0, worked.stderr
    assert "1 job(s) done" in worked.stderr
    listed = json.loads(run_cli("--db", database_url, "jobs", "list", "--format", "json").stdout)
    assert [(job["id"], job["status"]) for job in listed] == [(queued.id, "done"), (done.id, "done")]
    shown = json.loads(run_cli("--db", database_url, "jobs", "show", str(queued.id)).stdout)
    assert shown["result"]["backtest_id"] == app.backtests()[0].id
    assert run_cli("--db", database_url, "jobs", "list", "--status", "waiting").exit_code == 1
    app.close()
