"""``nigehban extract INPUT... --output OUT.jsonl``: candidate incidents from reports (:mod:`nigehban.extract`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nigehban.cli.common import err_console, get_app, progress_bar

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)


def extract(
    ctx: typer.Context,
    inputs: Annotated[
        list[Path], typer.Argument(help="JSON lines, text or HTML files, or directories of them.", show_default=False)
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write one JSON line per document.")
    ] = None,
    into_review: Annotated[
        bool, typer.Option("--into-review", help="Put the candidates into the review queue instead of a file.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Partition the batch over a local Dask cluster of N processes (large batches)."),
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Partition the batch over the Dask scheduler at ADDRESS.")
    ] = None,
    partition_size: Annotated[
        int | None, typer.Option("--partition-size", help="Documents per partition with --workers/--scheduler.")
    ] = None,
) -> None:
    """Extract candidate incidents from reports: one JSON line per document, problems on stderr.

    Exit status 0 when the batch completes, even if some documents had problems (each is listed);
    1 when INPUT cannot be used (a missing file).
    """
    console = err_console()
    if into_review and (workers is not None or scheduler is not None):
        console.print(
            "[bold red]error:[/] --workers/--scheduler write a file: use them with --output, not --into-review"
        )
        raise typer.Exit(2)
    if output is None and not into_review:
        console.print("[bold red]error:[/] --output is required")
        raise typer.Exit(2)
    for warning in get_app(ctx).extraction_warnings():  # before a long run, not after it
        console.print(f"[bold yellow]warning:[/] {warning}")
    if into_review:
        with progress_bar("extracting", unit_bytes=False) as progress:
            queued = get_app(ctx).extract(inputs, into_review=True, progress=progress)
        for problem in queued.problems:
            console.print(f"problem: {problem}")
        console.print(
            f"{queued.documents:,} documents, {queued.attacks:,} attack reports: {queued.incidents:,} incidents and "
            f"{queued.mentions:,} earlier attacks queued for review; {queued.documents - queued.attacks:,} "
            f"documents report no attack (not queued), {len(queued.problems):,} with problems"
        )
        return
    assert output is not None  # checked above, before the warnings
    app = get_app(ctx)
    with progress_bar("extracting", unit_bytes=False) as progress:
        if workers is not None or scheduler is not None:
            report = app.extract_partitioned(
                inputs,
                output=output,
                workers=workers or 2,
                scheduler=scheduler,
                partition_size=partition_size,
                progress=progress,
            )
        else:
            report = app.extract(inputs, output=output, progress=progress)
    for problem in report.problems:
        console.print(f"problem: {problem}")
    console.print(
        f"{report.documents:,} documents, {report.attacks:,} attack reports, {report.incidents:,} incidents, "
        f"{report.mentions:,} earlier attacks mentioned, {len(report.problems):,} with problems -> {report.output} "
        f"({report.documents_per_second:,.0f} documents/s)"
    )
