"""``nigehban init``, ``nigehban summary`` and ``nigehban demo``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from nigehban.cli.common import err_console, get_app, out_console, print_json, print_report
from nigehban.store.queries import StoreSummary

__all__ = ["print_summary", "register"]


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("summary")(summary)
    app.command("demo")(demo)


def init(ctx: typer.Context) -> None:
    """Create the database schema, or upgrade it to this version's (safe to run again)."""
    nigehban = get_app(ctx)
    revision = nigehban.init()
    url = nigehban.engine.url.render_as_string(hide_password=True)
    err_console().print(f"database ready: {url} (schema {revision})", markup=False)


def summary(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """What the store holds: incidents, sources, years, provinces, targets."""
    result = get_app(ctx).summary()
    if json_output:
        print_json(result.as_json_dict())
    else:
        print_summary(result)


def print_summary(result: StoreSummary) -> None:
    console = out_console()
    if result.incidents == 0:
        console.print("The store is empty. Import data (`nigehban import gtd FILE`) or try `nigehban demo`.")
        return
    sources = ", ".join(f"{dataset} {count:,}" for dataset, count in result.source_records.items())
    console.print(
        f"[bold]{result.incidents:,} incidents[/] from {result.first_date} to {result.last_date} "
        f"({result.merged_away:,} more merged into others by {result.merges:,} merges); "
        f"source records: {sources}; {result.batches:,} import runs."
    )
    console.print(f"Killed (victims): {result.killed:,.0f}; wounded: {result.wounded:,.0f}.")
    years = Table("year", "incidents", title="Recent years")
    for year, count in list(result.by_year.items())[-10:]:
        years.add_row(str(year), f"{count:,}")
    provinces = Table("province", "incidents", title="By province")
    for province, count in result.by_province.items():
        provinces.add_row(province, f"{count:,}")
    targets = Table("target", "incidents", "share", title="By target (top 8)")
    for target, count in list(result.by_target.items())[:8]:
        targets.add_row(target, f"{count:,}", f"{count / result.incidents:.0%}")
    console.print(years, provinces, targets)


def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed makes the same world.")] = 2023,
) -> None:
    """Load the SYNTHETIC demo world (made-up incidents over real places) and show a summary.

    Without district boundaries in the store, synthetic ones are imported too (Voronoi cells around
    the demo towns), so that district maps and profiles work; real boundaries are never replaced.
    """
    nigehban = get_app(ctx)
    console = err_console()
    console.print(
        "[bold yellow]Loading the synthetic demo world[/]: invented incidents over real districts, labelled "
        "dataset 'demo-*'. Not real data."
    )
    for report in nigehban.demo(seed=seed):
        print_report(report, console=console)
    shapes = nigehban.demo_boundaries()
    if shapes.imported:
        placed = shapes.backfill.with_district if shapes.backfill else 0
        console.print(
            f"[bold yellow]District shapes are SYNTHETIC[/]: {shapes.districts} Voronoi cells around the demo "
            f"towns, not real boundaries ({placed:,} source records and {shapes.facilities_moved:,} facilities "
            "placed in them).",
        )
    else:
        console.print(f"District shapes: {shapes.message}.", markup=False)
    print_summary(nigehban.summary())
