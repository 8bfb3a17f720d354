"""``nigehban analyze trends|spread|hotspots|knox``: the analyses of :mod:`nigehban.analysis`."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import typer
from rich.table import Table

from nigehban.cli.common import err_console, get_app, out_console, print_json, progress_bar
from nigehban.cli.incidents import FilterOptions, build_filter

__all__ = ["register"]

analyze_app = typer.Typer(
    help="Analyses: trends, a group's spread, district hotspots (Gi*), space-time clustering (Knox).",
    no_args_is_help=True,
)

OutputFormat = Literal["table", "json", "csv"]
FreqName = Literal["month", "quarter", "year"]
Format = Annotated[OutputFormat, typer.Option("--format", help="table (default), json or csv on stdout.")]
Chart = Annotated[Path | None, typer.Option("--chart", help="Also write a chart: PATH ending in .svg or .png.")]
Freq = Annotated[FreqName, typer.Option("--freq", help="Period: month, quarter or year.")]
Permutations = Annotated[int, typer.Option("--permutations", min=1, help="Random permutations for the p-values.")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the permutations (same seed, same p-values).")]


def register(app: typer.Typer) -> None:
    app.add_typer(analyze_app, name="analyze")


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _table(frame: pd.DataFrame, title: str) -> Table:
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(value.item() if hasattr(value, "item") else value) for value in row))
    return table


def _emit(result: Any, output: OutputFormat, chart: Path | None, tables: list[tuple[pd.DataFrame, str]]) -> None:
    if chart is not None:
        from nigehban.analysis.charts import save_chart

        save_chart(result, chart)
        err_console().print(f"chart written to {chart}", markup=False)
    if output == "json":
        print_json(result.as_json_dict())
    elif output == "csv":
        result.to_frame().to_csv(sys.stdout, index=False)
    else:
        for frame, title in tables:
            out_console().print(_table(frame, title))


@analyze_app.command("trends")
def trends(
    ctx: typer.Context,
    since: FilterOptions.Since = None,
    until: FilterOptions.Until = None,
    province: FilterOptions.Province = None,
    district: FilterOptions.District = None,
    group: FilterOptions.Group = None,
    target: FilterOptions.Target = None,
    attack_type: FilterOptions.AttackType = None,
    dataset: FilterOptions.Dataset = None,
    freq: Freq = "year",
    output: Format = "table",
    chart: Chart = None,
) -> None:
    """Attacks, killed, wounded, lethality and the share of attacks on police per period."""
    filter = build_filter(since, until, province, district, group, target, attack_type, dataset)
    result = get_app(ctx).trends(filter, freq=freq)
    _emit(result, output, chart, [(result.to_frame().drop(columns=["start"]), f"Trends per {freq} — {result.filter}")])


@analyze_app.command("spread")
def spread(
    ctx: typer.Context,
    group: Annotated[str, typer.Option("--group", help='The group (any alias: "TTP").')],
    since: FilterOptions.Since = None,
    until: FilterOptions.Until = None,
    province: FilterOptions.Province = None,
    district: FilterOptions.District = None,
    target: FilterOptions.Target = None,
    attack_type: FilterOptions.AttackType = None,
    dataset: FilterOptions.Dataset = None,
    output: Format = "table",
    chart: Chart = None,
) -> None:
    """A group's new districts per year, its centre, standard distance and deviational ellipse."""
    filter = build_filter(since, until, province, district, None, target, attack_type, dataset)
    result = get_app(ctx).spread(group, filter=filter)
    _emit(
        result,
        output,
        chart,
        [
            (result.to_frame(), f"Spread of {result.group} per year"),
            (result.new_districts, f"Districts where {result.group} appears for the first time"),
        ],
    )


@analyze_app.command("hotspots")
def hotspots(
    ctx: typer.Context,
    since: FilterOptions.Since = None,
    until: FilterOptions.Until = None,
    province: FilterOptions.Province = None,
    district: FilterOptions.District = None,
    group: FilterOptions.Group = None,
    target: FilterOptions.Target = None,
    attack_type: FilterOptions.AttackType = None,
    dataset: FilterOptions.Dataset = None,
    freq: Freq = "year",
    alpha: Annotated[float, typer.Option("--alpha", min=0.0, max=1.0, help="Significance level of a hotspot.")] = 0.05,
    permutations: Permutations = 999,
    seed: Seed = 12345,
    output: Format = "table",
    chart: Chart = None,
) -> None:
    """Getis-Ord Gi* hotspots of districts per period; persistent, new, emerging and cooling hotspots."""
    filter = build_filter(since, until, province, district, group, target, attack_type, dataset)
    with progress_bar("Gi* per period", unit_bytes=False) as progress:
        result = get_app(ctx).hotspots(
            filter, freq=freq, alpha=alpha, permutations=permutations, seed=seed, progress=progress
        )
    periods = pd.DataFrame(
        {"period": result.periods, "hot districts (highest z first)": [result.hot(p) for p in result.periods]}
    )
    districts = result.districts[result.districts["category"] != "not_hot"]
    _emit(
        result,
        output,
        chart,
        [
            (periods, f"Gi* hotspots per {freq} (z > 0, p < {alpha}) — {result.filter}"),
            (districts, "Hotspot districts over the periods"),
        ],
    )


@analyze_app.command("knox")
def knox(
    ctx: typer.Context,
    since: FilterOptions.Since = None,
    until: FilterOptions.Until = None,
    province: FilterOptions.Province = None,
    district: FilterOptions.District = None,
    group: FilterOptions.Group = None,
    target: FilterOptions.Target = None,
    attack_type: FilterOptions.AttackType = None,
    dataset: FilterOptions.Dataset = None,
    distance_km: Annotated[
        float, typer.Option("--distance-km", min=0.0, help="Close in space: within this many km.")
    ] = 2.0,
    days: Annotated[int, typer.Option("--days", min=0, help="Close in time: within this many days.")] = 14,
    permutations: Permutations = 999,
    seed: Seed = 0,
    output: Format = "table",
    chart: Chart = None,
) -> None:
    """Knox test of space-time clustering (near repeats): close pairs observed, expected, ratio, p-value."""
    filter = build_filter(since, until, province, district, group, target, attack_type, dataset)
    with progress_bar("permutations", unit_bytes=False) as progress:
        result = get_app(ctx).knox(
            filter, distance_km=distance_km, days=days, permutations=permutations, seed=seed, progress=progress
        )
    frame = result.to_frame().drop(columns=["filter"]).T.reset_index()
    frame.columns = pd.Index(["measure", "value"])
    _emit(result, output, chart, [(frame, f"Knox test — {result.filter}")])
