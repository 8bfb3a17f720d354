"""What every command shares: the app from ``--db``, consoles, progress bars, error reporting."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from nigehban.app import Nigehban
from nigehban.ingest.pipeline import ImportReport, ProgressCallback
from nigehban.settings import Settings

__all__ = ["err_console", "get_app", "out_console", "print_json", "print_report", "progress_bar", "write_csv_rows"]


def out_console() -> Console:
    """Where results go (stdout)."""
    return Console(highlight=False)


def err_console() -> Console:
    """Where progress, messages and errors go (stderr), so that stdout stays clean for data.

    Lines are not wrapped: a message naming file, row and column stays one line, whatever the terminal.
    """
    return Console(stderr=True, highlight=False, soft_wrap=True)


def get_app(ctx: typer.Context) -> Nigehban:
    """The application object for this invocation (built once, from ``--db`` or the environment)."""
    root = ctx.find_root()
    if root.obj is None:
        root.obj = {}
    app = root.obj.get("app")
    if app is None:
        database_url = root.obj.get("database_url")
        settings = Settings() if database_url is None else Settings(database_url=database_url)
        app = Nigehban(settings)
        root.obj["app"] = app
        root.call_on_close(app.close)
    assert isinstance(app, Nigehban)
    return app


def print_json(value: Any) -> None:
    """Machine-readable output: one JSON document on stdout."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def write_csv_rows(rows: list[dict[str, Any]], output: Path | None) -> None:
    """Rows as CSV (header from the first row) to ``output``, or to stdout when it is None."""
    import csv

    handle = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    try:
        if rows:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    finally:
        if output:
            handle.close()


@contextmanager
def progress_bar(description: str, *, unit_bytes: bool = True) -> Iterator[ProgressCallback]:
    """A rich progress bar on stderr; yields the callback that long work calls with ``(done, total)``."""
    console = err_console()
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn() if unit_bytes else TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total or None)

        yield update


def print_report(report: ImportReport, *, console: Console | None = None) -> None:
    """The outcome of an import, every row accounted for, with the first rejects."""
    console = console or err_console()
    console.print(
        f"[bold]{report.dataset}[/] {report.path}: read {report.rows_read:,} rows in {report.seconds:.1f} s — "
        f"[green]{report.inserted:,} new[/], {report.updated:,} updated, {report.unchanged:,} unchanged, "
        f"[red]{report.rejected:,} rejected[/], {report.skipped:,} skipped (batch {report.batch_id})"
    )
    if report.conflicts:
        console.print(
            f"[yellow]{report.conflicts:,} field(s) changed in the source were left as an analyst or a merge "
            "had set them (see `nigehban incidents show ID`)"
        )
    if report.first_rejects:
        shown = report.first_rejects[:5]
        for reject in shown:
            label = "skipped" if reject.kind == "skipped" else "rejected"
            console.print(f"  {label}: {report.path}: {reject}", markup=False)
        more = report.rejected + report.skipped - len(shown)
        if more > 0:
            console.print(f"  … and {more:,} more", markup=False)
        if report.rejects_path:
            console.print(f"  every rejected row, with its reason: {report.rejects_path}", markup=False)
        else:
            console.print(
                f"  they are kept with the batch; `--rejects PATH` writes them to a CSV you can fix and re-import "
                f"(`nigehban imports rejects {report.batch_id} --output PATH` does it afterwards)",
                markup=False,
            )
