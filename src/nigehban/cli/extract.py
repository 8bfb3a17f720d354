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
        bool, typer.Option("--into-review", help="Put the candidates into the review queue (not built yet).")
    ] = False,
) -> None:
    """Extract candidate incidents from reports: one JSON line per document, problems on stderr.

    Exit status 0 when the batch completes, even if some documents had problems (each is listed);
    1 when INPUT cannot be used (a missing file).
    """
    console = err_console()
    if into_review:
        console.print("the review queue is not built yet: use --output")
        raise typer.Exit(2)
    if output is None:
        console.print("[bold red]error:[/] --output is required")
        raise typer.Exit(2)
    app = get_app(ctx)
    with progress_bar("extracting", unit_bytes=False) as progress:
        report = app.extract(inputs, output=output, progress=progress)
    for problem in report.problems:
        console.print(f"problem: {problem}")
    console.print(
        f"{report.documents:,} documents, {report.attacks:,} attack reports, {report.incidents:,} incidents, "
        f"{report.mentions:,} earlier attacks mentioned, {len(report.problems):,} with problems -> {report.output} "
        f"({report.documents_per_second:,.0f} documents/s)"
    )
