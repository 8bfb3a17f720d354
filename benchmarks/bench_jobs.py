"""Background jobs on the demo world: what running a forecast as a job costs over running it directly.

    python -m benchmarks.bench_jobs

The store (benchmarks/out/jobs_demo.db): `nigehban demo` with its synthetic district shapes. Three
figures, for the default forecast (the ensemble and the baselines) as of 1 December 2024:

- the command `nigehban forecast run --as-of 2024-12-01`, start to end (a process of its own);
- the same as a job done by a worker (:class:`nigehban.jobs.JobRunner`, the job in a child process
  as `nigehban serve` runs it): from submission to ``done``, and the time inside the job;
- a worker thread polling every second, as the server's: from submission until the job is taken.

No target in the issue; the figures say what a user waits for after pressing *Forecast now*.
"""

from __future__ import annotations

import statistics
import subprocess
import time

from benchmarks.common import NIGEHBAN, OUT, Result, run_measured, save

STORE = OUT / "jobs_demo.db"
URL = f"sqlite:///{STORE}"
AS_OF = "2024-12-01"
REPEATS = 3


def build_store() -> None:
    """The demo world with its synthetic district shapes (kept and reused once built)."""
    if STORE.exists():
        return
    OUT.mkdir(exist_ok=True)
    for command in (["init"], ["demo"]):
        subprocess.run([*NIGEHBAN, "--db", URL, *command], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    from nigehban import Nigehban
    from nigehban.jobs import JobRunner

    build_store()
    direct = [run_measured([*NIGEHBAN, "--db", URL, "forecast", "run", "--as-of", AS_OF]) for _ in range(REPEATS)]
    save(
        Result(
            name="forecast run, the command (demo world, default models)",
            seconds=statistics.median(seconds for seconds, _ in direct),
            target_seconds=None,
            peak_rss_mb=max(memory for _, memory in direct),
            command="python -m benchmarks.bench_jobs",
            notes=f"median of {REPEATS}",
        )
    )

    app = Nigehban(database_url=URL)
    walls, inside = [], []
    for _ in range(REPEATS):
        job = app.submit_job("forecast_run", {"as_of": AS_OF})
        started = time.perf_counter()
        JobRunner(app).run_pending()
        walls.append(time.perf_counter() - started)
        ended = app.job(job.id)
        assert ended.status == "done", ended.error
        assert ended.started_at is not None
        assert ended.finished_at is not None
        inside.append((ended.finished_at - ended.started_at).total_seconds())
    save(
        Result(
            name="forecast run as a job in a child process, submitted to done",
            seconds=statistics.median(walls),
            target_seconds=None,
            command="python -m benchmarks.bench_jobs",
            notes=f"median of {REPEATS}; inside the job (claimed to finished) {statistics.median(inside):.1f} s",
        )
    )

    runner = JobRunner(app, poll_seconds=1.0)
    runner.start()
    waits = []
    try:
        for _ in range(REPEATS):
            time.sleep(0.37)  # submit at an arbitrary point of the worker's poll
            job = app.submit_job("forecast_run", {"as_of": AS_OF, "models": ["climatology", "ewma"]})
            submitted = time.perf_counter()
            while app.job(job.id).status == "queued":
                time.sleep(0.02)
            waits.append(time.perf_counter() - submitted)
            while app.job(job.id).active:
                time.sleep(0.1)
    finally:
        runner.stop()
    save(
        Result(
            name="job taken by a worker polling every second, after submission",
            seconds=max(waits),
            target_seconds=None,
            command="python -m benchmarks.bench_jobs",
            notes=f"worst of {REPEATS}; median {statistics.median(waits):.2f} s",
        )
    )
    app.close()


if __name__ == "__main__":
    main()
