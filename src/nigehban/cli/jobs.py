"""``nigehban jobs ...``: background jobs (forecast runs and backtests asked for from the web)."""

from __future__ import annotations

import json
import time
from typing import Annotated, Literal

import typer
from rich.table import Table

from nigehban.cli.common import err_console, get_app, out_console, print_json

__all__ = ["register"]

jobs_app = typer.Typer(
    help="Background jobs: forecast runs and backtests asked for from the web, done by a worker.",
    no_args_is_help=True,
)

OutputFormat = Literal["table", "json"]


def register(app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")


@jobs_app.command("list")
def list_jobs(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option("--status", help="queued, running, done or failed.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, newest first.")] = 50,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List background jobs, newest first."""
    found = get_app(ctx).jobs(status=status, limit=limit)
    if output_format == "json":
        print_json([job.to_dict() for job in found])
        return
    table = Table(title=f"Jobs ({len(found)})")
    for column in ("id", "kind", "status", "asked by", "created", "progress", "result or error"):
        table.add_column(column)
    for job in found:
        progress = f"{job.done}/{job.total}" if job.total else (job.message or "")
        outcome = job.error or (json.dumps(job.result) if job.result else "")
        table.add_row(
            str(job.id), job.kind, job.status, job.actor, f"{job.created_at:%Y-%m-%d %H:%M}", progress, outcome[:80]
        )
    out_console().print(table)


@jobs_app.command("show")
def show(
    ctx: typer.Context,
    job_id: Annotated[int, typer.Argument(help="The job's id.")],
) -> None:
    """Show one job: its parameters, progress and result (JSON)."""
    print_json(get_app(ctx).job(job_id).to_dict())


@jobs_app.command("run")
def run(
    ctx: typer.Context,
    job_id: Annotated[int, typer.Argument(help="A queued job's id.")],
    worker: Annotated[
        str | None,
        typer.Option("--worker", help="Run a job this worker already claimed (how a worker hands a job to a child)."),
    ] = None,
) -> None:
    """Do one queued job now, in this process; exit status 1 if it failed."""
    job = get_app(ctx).run_job(job_id, worker=worker)
    if job.status == "failed":
        err_console().print(f"[bold red]job {job.id} failed:[/] {job.error}", highlight=False)
        raise typer.Exit(1)
    err_console().print(f"job {job.id} ({job.kind}) done: {json.dumps(job.result)}", highlight=False)


@jobs_app.command("work")
def work(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Do the queued jobs, then stop.")] = False,
    poll: Annotated[float, typer.Option("--poll", min=0.1, help="Seconds between looks at the queue.")] = 2.0,
    in_process: Annotated[
        bool, typer.Option("--in-process", help="Run jobs in this process, not each in a child process.")
    ] = False,
) -> None:
    """Be a worker: do queued jobs as they come (Ctrl-C stops). `nigehban serve` has its own worker;
    this one is for a machine that only does jobs, or a server started with --no-jobs."""
    from nigehban.jobs import JobRunner

    runner = JobRunner(get_app(ctx), poll_seconds=poll, isolate=not in_process)
    console = err_console()
    if once:
        console.print(f"{runner.run_pending()} job(s) done", highlight=False)
        return
    console.print("working on the job queue (Ctrl-C stops)", highlight=False)
    runner.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        runner.stop()
