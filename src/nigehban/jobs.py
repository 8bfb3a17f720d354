"""Background jobs: long work asked for from the web (a forecast run, a backtest of every model), done
by a worker while the page shows its progress.

The queue is a table of the store (``jobs``), so it works the same on SQLite and PostgreSQL, needs
no broker, and every job says who asked for it, when, how far it got and what came of it:

- :func:`submit_job` checks the parameters at once (a bad date is refused before anything is
  queued) and queues the job (``queued``).
- A worker claims the oldest queued job with one conditional update (``queued`` -> ``running``;
  two workers never take the same job), runs it as the user who asked (so the forecast it stores is
  theirs) and records ``done`` with its result, or ``failed`` with the reason. While it runs, a
  heartbeat moves every few seconds: a job whose worker died (the machine was switched off) is
  found by :func:`fail_stale_jobs` and marked failed, never left looking busy.
- :class:`JobRunner` is the worker: a thread that runs each job in a child process
  (``nigehban jobs run ID``), so a long fit never holds the web server's interpreter and a crash in a
  job cannot take the server down. ``nigehban serve`` starts one in each web worker;
  ``nigehban jobs work`` runs one on its own (on another machine, say).

Kinds (:data:`JOB_KINDS`): ``forecast_run`` (:meth:`nigehban.Nigehban.forecast_run`) and
``forecast_backtest`` (:meth:`nigehban.Nigehban.forecast_backtest`, stored with its scores).

>>> from nigehban import Nigehban
>>> app = Nigehban(database_url="sqlite:///:memory:")
>>> _ = app.init()
>>> job = app.submit_job("forecast_run", {"as_of": "2024-12-01"})
>>> job.status, job.params["freq"], job.params["horizon"]
('queued', 'month', 1)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Engine, insert, select, update

from nigehban.errors import JobError, JobNotFound, NigehbanError
from nigehban.store.schema import JOBS, utcnow

if TYPE_CHECKING:
    from nigehban.app import Nigehban

__all__ = [
    "JOB_KINDS",
    "STATUSES",
    "BacktestJob",
    "ForecastRunJob",
    "Job",
    "JobKind",
    "JobRunner",
    "claim_job",
    "fail_stale_jobs",
    "list_jobs",
    "load_job",
    "run_claimed_job",
    "submit_job",
]

log = logging.getLogger("nigehban.jobs")

STATUSES = ("queued", "running", "done", "failed")
HEARTBEAT_SECONDS = 5.0
"""How often a running job shows it is alive."""
STALE_AFTER = dt.timedelta(minutes=2)
"""A running job whose heartbeat is older than this lost its worker."""
MAX_WAITING = 20
"""Jobs queued or running at most: one worker does a backtest of every model in a minute or more."""

Period = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="YYYY-MM (weeks: YYYY-MM or YYYY-MM-DD)")


class _ForecastJob(BaseModel):
    """What forecast runs and backtests share: the keyword arguments of the app method a job calls."""

    model_config = ConfigDict(extra="forbid")
    freq: Literal["month", "week"] = "month"
    horizon: int = Field(1, ge=1, le=3)
    unit: Literal["district", "h3"] = "district"
    resolution: int = Field(7, ge=5, le=8)


class ForecastRunJob(_ForecastJob):
    """What a ``forecast_run`` job forecasts (the arguments of :meth:`nigehban.Nigehban.forecast_run`)."""

    as_of: dt.date = Field(description="forecast the period containing this day, from the incidents before it")
    models: list[str] | None = Field(None, max_length=10, description="default: the default model and baselines")


class BacktestJob(_ForecastJob):
    """What a ``forecast_backtest`` job backtests (the arguments of :meth:`nigehban.Nigehban.forecast_backtest`)."""

    start: str = Period
    end: str = Period
    models: list[str] | None = Field(None, max_length=10, description="default: every available model")


ProgressReport = Callable[[int, int | None, str | None], None]
"""``(done, total, message)``: how far a running job got."""


def _forecast_run(app: Nigehban, params: BaseModel, progress: ProgressReport) -> dict[str, Any]:
    assert isinstance(params, ForecastRunJob)
    progress(0, None, "fitting the models on the incidents before the forecast period")
    run = app.forecast_run(**params.model_dump())
    return {
        "run_id": run.id,
        "origin_period": run.origin_period,
        "default_model": run.default_model,
        "notes": list(run.notes),
        "url": f"/forecasts?run={run.id}",
    }


def _forecast_backtest(app: Nigehban, params: BaseModel, progress: ProgressReport) -> dict[str, Any]:
    assert isinstance(params, BacktestJob)
    result = app.forecast_backtest(
        **params.model_dump(), progress=lambda done, total: progress(done, total, "fitting and forecasting"), save=True
    )
    assert result.stored is not None
    return {
        "backtest_id": result.stored.id,
        "start": result.start,
        "end": result.end,
        "models": list(result.models),
        "default_model": result.default_model,
        "notes": list(result.notes),
        "url": f"/forecasts/backtests/{result.stored.id}",
    }


@dataclasses.dataclass(frozen=True)
class JobKind:
    """A kind of job: its parameters and the function that does it (returns the job's result)."""

    name: str
    title: str
    params: type[BaseModel]
    run: Callable[[Nigehban, BaseModel, ProgressReport], dict[str, Any]]


JOB_KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in (
        JobKind("forecast_run", "Forecast run", ForecastRunJob, _forecast_run),
        JobKind("forecast_backtest", "Backtest of the forecasting models", BacktestJob, _forecast_backtest),
    )
}


@dataclasses.dataclass(frozen=True)
class Job:
    """A background job as the store has it."""

    id: int
    kind: str
    params: dict[str, Any]
    status: str
    actor: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    heartbeat_at: dt.datetime | None
    worker: str | None
    done: int
    total: int | None
    message: str | None
    result: dict[str, Any] | None
    error: str | None

    @property
    def active(self) -> bool:
        """Queued or running: the page should keep asking."""
        return self.status in {"queued", "running"}

    @property
    def title(self) -> str:
        kind = JOB_KINDS.get(self.kind)
        return kind.title if kind else self.kind

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with ``active``, ``title`` and ``seconds`` (running time so far, or in all)."""
        data = dataclasses.asdict(self)
        end = self.finished_at or utcnow()
        data["seconds"] = round((end - self.started_at).total_seconds(), 1) if self.started_at else None
        data["active"] = self.active
        data["title"] = self.title
        return data


def _from_row(row: Mapping[Any, Any]) -> Job:
    return Job(**{field.name: row[field.name] for field in dataclasses.fields(Job)})


def validate_params(kind: str, params: Mapping[str, Any]) -> BaseModel:
    """The parameters of a job of ``kind``, checked; :class:`~nigehban.errors.JobError` naming the field."""
    found = JOB_KINDS.get(kind)
    if found is None:
        raise JobError(f"unknown job kind {kind!r}; the kinds are {', '.join(JOB_KINDS)}")
    try:
        return found.params.model_validate(dict(params))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'parameters'}: {problem['msg']}"
            for problem in error.errors()[:5]
        )
        raise JobError(f"{kind}: {problems}") from None


def submit_job(engine: Engine, kind: str, params: Mapping[str, Any], *, actor: str) -> Job:
    """Check ``params`` and queue a job of ``kind`` for ``actor``.

    The same job (kind and parameters) already queued or running is returned instead of a second
    one (a double click, two analysts asking at once); a queue already holding :data:`MAX_WAITING`
    jobs refuses more (:class:`~nigehban.errors.JobError`) rather than growing without end.
    """
    checked = validate_params(kind, params).model_dump(mode="json")
    with engine.connect() as connection:
        waiting = connection.execute(
            select(JOBS.c.id, JOBS.c.kind, JOBS.c.params).where(JOBS.c.status.in_(("queued", "running")))
        ).all()
    for job_id, waiting_kind, waiting_params in waiting:
        if waiting_kind == kind and waiting_params == checked:
            return load_job(engine, int(job_id))
    if len(waiting) >= MAX_WAITING:
        raise JobError(
            f"{len(waiting)} jobs are already queued or running: wait until some are done "
            "(`nigehban jobs list` shows them)"
        )
    with engine.begin() as connection:
        job_id = connection.execute(
            insert(JOBS)
            .values(kind=kind, params=checked, status="queued", actor=actor, created_at=utcnow(), done=0)
            .returning(JOBS.c.id)
        ).scalar_one()
    return load_job(engine, int(job_id))


def load_job(engine: Engine, job_id: int) -> Job:
    """One job; :class:`~nigehban.errors.JobNotFound` if there is none with that id."""
    with engine.connect() as connection:
        row = connection.execute(select(JOBS).where(JOBS.c.id == job_id)).mappings().first()
    if row is None:
        raise JobNotFound(f"no job {job_id}")
    return _from_row(row)


def list_jobs(engine: Engine, *, status: str | None = None, limit: int | None = 50) -> list[Job]:
    """Jobs, newest first (of one status when given)."""
    query = select(JOBS).order_by(JOBS.c.id.desc())
    if status is not None:
        if status not in STATUSES:
            raise JobError(f"unknown job status {status!r}; the statuses are {', '.join(STATUSES)}")
        query = query.where(JOBS.c.status == status)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as connection:
        return [_from_row(row) for row in connection.execute(query).mappings()]


def claim_job(engine: Engine, *, worker: str, job_id: int | None = None) -> Job | None:
    """Take the oldest queued job (or job ``job_id`` if it is queued) for ``worker``: ``None`` when there is
    none, or another worker took it first (the update only succeeds on a job still queued)."""
    with engine.connect() as connection:
        query = select(JOBS.c.id).where(JOBS.c.status == "queued")
        if job_id is not None:
            query = query.where(JOBS.c.id == job_id)
        candidate = connection.execute(query.order_by(JOBS.c.id).limit(1)).scalar()
    if candidate is None:
        return None
    now = utcnow()
    with engine.begin() as connection:
        claimed = connection.execute(
            update(JOBS)
            .where(JOBS.c.id == candidate, JOBS.c.status == "queued")
            .values(status="running", worker=worker, started_at=now, heartbeat_at=now, message="started")
        ).rowcount
    return load_job(engine, int(candidate)) if claimed == 1 else None


def _set(engine: Engine, job_id: int, **values: Any) -> None:
    with engine.begin() as connection:
        connection.execute(update(JOBS).where(JOBS.c.id == job_id).values(**values))


def finish_job(engine: Engine, job_id: int, *, result: dict[str, Any] | None = None, error: str | None = None) -> None:
    """Record a running job's end: ``done`` with ``result``, or ``failed`` with ``error``."""
    status = "failed" if error is not None else "done"
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(
            update(JOBS)
            .where(JOBS.c.id == job_id, JOBS.c.status == "running")
            .values(
                status=status,
                finished_at=now,
                heartbeat_at=now,
                result=result,
                error=error,
                message="finished" if error is None else "failed",
            )
        )


class _Heartbeat:
    """Moves a running job's heartbeat every :data:`HEARTBEAT_SECONDS` until stopped."""

    def __init__(self, engine: Engine, job_id: int) -> None:
        self._engine, self._job_id = engine, job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=HEARTBEAT_SECONDS * 2)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                _set(self._engine, self._job_id, heartbeat_at=utcnow())
            except Exception:  # a busy database: the next beat will do
                log.warning("job %s: heartbeat not recorded", self._job_id, exc_info=True)


def run_claimed_job(app: Nigehban, job: Job) -> Job:
    """Do a job that is ``running`` (claimed), as the user who asked for it; record its end.

    A :class:`~nigehban.errors.NigehbanError` (no incidents, a date outside the data, ...) fails the
    job with its message; any other error fails it with the error's type and message (logged in full).
    """
    engine = app.ready()
    kind = JOB_KINDS.get(job.kind)
    last_write = 0.0

    def progress(done: int, total: int | None, message: str | None) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now - last_write < 1.0 and (total is None or done < total):
            return  # at most a write a second
        last_write = now
        _set(engine, job.id, done=done, total=total, message=message, heartbeat_at=utcnow())

    try:
        if kind is None:
            raise JobError(f"unknown job kind {job.kind!r}")
        params = validate_params(job.kind, job.params)
        with _Heartbeat(engine, job.id), app.acting_as(job.actor):
            result = kind.run(app, params, progress)
    except NigehbanError as error:
        finish_job(engine, job.id, error=str(error))
    except Exception as error:
        log.exception("job %s (%s) failed", job.id, job.kind)
        finish_job(engine, job.id, error=f"unexpected error: {type(error).__name__}: {error}")
    else:
        finish_job(engine, job.id, result=result)
    return load_job(engine, job.id)


def fail_stale_jobs(engine: Engine, *, older_than: dt.timedelta = STALE_AFTER) -> int:
    """Mark failed the running jobs whose heartbeat stopped ``older_than`` ago (their worker died)."""
    limit = utcnow() - older_than
    stale = (JOBS.c.status == "running", JOBS.c.heartbeat_at < limit)
    with engine.connect() as connection:
        # read first: a worker looks every second, and an update that finds nothing still takes SQLite's write lock
        if connection.execute(select(JOBS.c.id).where(*stale).limit(1)).first() is None:
            return 0
    with engine.begin() as connection:
        return int(
            connection.execute(
                update(JOBS)
                .where(*stale)
                .values(
                    status="failed",
                    finished_at=utcnow(),
                    message="failed",
                    error="interrupted: its worker stopped (the server was stopped or the machine restarted); "
                    "submit it again",
                )
            ).rowcount
        )


def worker_name() -> str:
    """``host:pid:thread``: who claimed a job."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:120]


class JobRunner:
    """A worker: claims queued jobs one at a time and runs each, in a child process by default.

    Args:
        app: the installation whose jobs to run.
        poll_seconds: how often to look for a queued job.
        isolate: run each job in a child process (``nigehban jobs run ID --worker NAME``); with
            ``False`` in this process (a store in memory cannot be shared with a child).
    """

    def __init__(self, app: Nigehban, *, poll_seconds: float = 1.0, isolate: bool = True) -> None:
        self.app = app
        self.poll_seconds = poll_seconds
        self.isolate = isolate
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._child: subprocess.Popen[str] | None = None

    def start(self) -> None:
        """Work in a background thread until :meth:`stop`."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="nigehban-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread; a job still running in a child process is ended and marked failed."""
        self._stop.set()
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.run_pending():
                    self._stop.wait(self.poll_seconds)
            except Exception:  # the store was unreachable for a moment: try again later
                log.exception("the job runner could not read the queue")
                self._stop.wait(max(self.poll_seconds, 5.0))

    def run_pending(self) -> int:
        """Run queued jobs until none is left (or :meth:`stop`); returns how many this worker ran."""
        engine = self.app.ready()
        fail_stale_jobs(engine)
        ran = 0
        while not self._stop.is_set():
            job = claim_job(engine, worker=worker_name())
            if job is None:
                break
            if self.isolate:
                self._run_in_child(job)
            else:
                run_claimed_job(self.app, job)
            ran += 1
        return ran

    def _run_in_child(self, job: Job) -> None:
        engine = self.app.ready()
        command = [sys.executable, "-m", "nigehban", "jobs", "run", str(job.id), "--worker", str(job.worker)]
        # the store goes by the environment, not the command line (a PostgreSQL URL may hold a password)
        environment = {**os.environ, "NIGEHBAN_DATABASE_URL": self.app.settings.database_url}
        self._child = subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        _, stderr = self._child.communicate()
        code = self._child.returncode
        self._child = None
        if load_job(engine, job.id).status == "running":  # the child ended without recording an end
            tail = " ".join(stderr.strip().splitlines()[-3:])[-400:]
            reason = "it was stopped" if code < 0 or self._stop.is_set() else f"exit status {code}"
            finish_job(engine, job.id, error=f"the job's process ended ({reason}) before finishing: {tail}".strip())
