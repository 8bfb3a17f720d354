"""``nigehban import gtd|ucdp|acled|csv`` and ``nigehban imports list|rejects``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from nigehban.cli.common import err_console, get_app, out_console, print_json, print_report, progress_bar
from nigehban.ingest.pipeline import ImportReport

__all__ = ["register"]

import_app = typer.Typer(help="Import incident data: GTD, UCDP, ACLED, or an agency spreadsheet with a mapping.")
imports_app = typer.Typer(help="Past import runs and the rows they refused.")

PathArgument = Annotated[
    Path, typer.Argument(help="The file to import (CSV or XLSX; .gz accepted).", show_default=False)
]
RejectsOption = Annotated[
    Path | None,
    typer.Option(
        "--rejects",
        help="Write refused rows here as CSV (original columns + _row, _column, _reason) to fix and re-import.",
        show_default=False,
    ),
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Stop at the first bad row and write nothing at all.")]
DatasetOption = Annotated[str | None, typer.Option("--dataset", help="Dataset name for the source records.")]


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
    app.add_typer(imports_app, name="imports")


def _finish(report: ImportReport) -> None:
    print_report(report)
    if report.rejected:
        raise typer.Exit(code=3)


@import_app.command("gtd")
def import_gtd(
    ctx: typer.Context,
    path: PathArgument,
    rejects: RejectsOption = None,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
) -> None:
    """Import a Global Terrorism Database export (CSV/XLSX, official column names).

    Exit status: 0 when every row imported, 3 when some rows were rejected (the rest imported),
    1 on an error that imported nothing.
    """
    with progress_bar(f"GTD {path.name}") as progress:
        report = get_app(ctx).import_gtd(
            path, dataset=dataset or "gtd", strict=strict, rejects=rejects, progress=progress
        )
    _finish(report)


@import_app.command("ucdp")
def import_ucdp(
    ctx: typer.Context,
    path: PathArgument,
    rejects: RejectsOption = None,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
) -> None:
    """Import a UCDP GED or Candidate events CSV."""
    with progress_bar(f"UCDP {path.name}") as progress:
        report = get_app(ctx).import_ucdp(
            path, dataset=dataset or "ucdp", strict=strict, rejects=rejects, progress=progress
        )
    _finish(report)


@import_app.command("acled")
def import_acled(
    ctx: typer.Context,
    path: PathArgument,
    rejects: RejectsOption = None,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
) -> None:
    """Import an ACLED export CSV (political violence events; protests and riots are skipped, and counted)."""
    with progress_bar(f"ACLED {path.name}") as progress:
        report = get_app(ctx).import_acled(
            path, dataset=dataset or "acled", strict=strict, rejects=rejects, progress=progress
        )
    _finish(report)


@import_app.command("csv")
def import_csv(
    ctx: typer.Context,
    path: PathArgument,
    mapping: Annotated[Path, typer.Option("--mapping", help="TOML file declaring the column mapping (see examples/).")],
    rejects: RejectsOption = None,
    strict: StrictOption = False,
) -> None:
    """Import an agency spreadsheet (CSV/XLSX) with a declared column mapping and value maps."""
    with progress_bar(f"{path.name}") as progress:
        report = get_app(ctx).import_csv(path, mapping=mapping, strict=strict, rejects=rejects, progress=progress)
    _finish(report)


@imports_app.command("list")
def list_imports(
    ctx: typer.Context,
    dataset: DatasetOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every import run, newest first. A run still "running" that no process runs was interrupted."""
    batches = get_app(ctx).batches(dataset=dataset)
    if json_output:
        print_json([batch.__dict__ for batch in batches])
        return
    table = Table(
        "batch",
        "dataset",
        "status",
        "started (UTC)",
        "read",
        "new",
        "updated",
        "same",
        "rejected",
        "skipped",
        "file",
    )
    for batch in batches:
        table.add_row(
            str(batch.id),
            batch.dataset,
            batch.status,
            batch.started_at.strftime("%Y-%m-%d %H:%M"),
            f"{batch.rows_read:,}",
            f"{batch.rows_inserted:,}",
            f"{batch.rows_updated:,}",
            f"{batch.rows_unchanged:,}",
            f"{batch.rows_rejected:,}",
            f"{batch.rows_skipped:,}",
            batch.source_path,
        )
    out_console().print(table)


@imports_app.command("rejects")
def write_rejects(
    ctx: typer.Context,
    batch_id: Annotated[int, typer.Argument(help="The import batch (see `nigehban imports list`).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV file to write.")],
) -> None:
    """Write the rows an import refused, with reasons, to a CSV you can fix and import again."""
    count = get_app(ctx).write_rejects(batch_id, output)
    err_console().print(f"{count:,} rows written to {output}", markup=False)
