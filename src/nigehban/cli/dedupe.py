"""``nigehban dedupe``, ``nigehban dedupe list`` and ``nigehban dedupe undo ID``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from nigehban.cli.common import err_console, get_app, out_console, print_json, progress_bar
from nigehban.ingest.dedupe import DedupeConfig, DedupeReport, MergeInfo

__all__ = ["register"]

dedupe_app = typer.Typer(
    help="Merge incidents that several sources report (run without a sub-command), list merges, undo one."
)

_DEFAULTS = DedupeConfig()


def register(app: typer.Typer) -> None:
    app.add_typer(dedupe_app, name="dedupe")


@dedupe_app.callback(invoke_without_command=True)
def dedupe(
    ctx: typer.Context,
    window_days: Annotated[
        int, typer.Option("--window-days", min=0, help="Largest difference between the two dates, in days.")
    ] = _DEFAULTS.window_days,
    max_km: Annotated[
        float, typer.Option("--max-km", min=0.001, help="Largest distance between incidents with coordinates.")
    ] = _DEFAULTS.max_km,
    threshold: Annotated[
        float, typer.Option("--threshold", min=0.0, max=1.0, help="Smallest score (0-1) at which a pair is merged.")
    ] = _DEFAULTS.threshold,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be merged; write nothing.")] = False,
    show: Annotated[
        int, typer.Option("--show", min=0, help="Print at most this many merges (0: all); `dedupe list` has them all.")
    ] = 20,
    json_output: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Merge incidents that several sources report: same day (or within --window-days), within --max-km
    (or the same place where coordinates cannot decide), compatible attack type, similar tolls; only
    across datasets. Every merge is recorded with its score and can be undone (`nigehban dedupe undo ID`).
    """
    if ctx.invoked_subcommand is not None:
        return
    config = DedupeConfig(window_days=window_days, max_km=max_km, threshold=threshold)
    with progress_bar("dedupe", unit_bytes=False) as progress:
        report = get_app(ctx).dedupe(config, dry_run=dry_run, progress=progress)
    if json_output:
        print_json(report.as_json_dict())
        return
    if report.merges:
        title = "Merges that would be made (dry run)" if dry_run else "Merges made"
        shown = report.merges[:show] if show else report.merges
        if len(shown) < len(report.merges):
            title += f" (the first {len(shown):,} of {len(report.merges):,}; --show 0 prints all)"
        out_console().print(_merges_table(shown, title=title))
    _print_summary(report)


def _print_summary(report: DedupeReport) -> None:
    verb = "would be made (dry run: nothing written)" if report.dry_run else "made"
    err_console().print(
        f"{len(report.merges):,} merges {verb}: {report.candidates:,} incidents with a day-precision date "
        f"({report.imprecise:,} dated to a month or year left out), {report.pairs_considered:,} pairs within "
        f"{report.config.window_days} day(s), {report.pairs_compatible:,} compatible, "
        f"{report.pairs_above_threshold:,} scoring at least {report.config.threshold:g}"
        + (f", {report.pairs_refused_before:,} unmerged before by an analyst" if report.pairs_refused_before else "")
        + f"; {report.seconds:.1f} s",
        markup=False,
    )


def _merges_table(merges: list[MergeInfo], *, title: str, show_undone: bool = False) -> Table:
    columns = ["merge", "kept", "merged", "sources (kept <- merged)", "score", "days", "km", "filled"]
    if show_undone:
        columns.append("undone")
    table = Table(*columns, title=title)
    for merge in merges:
        components = merge.components
        km = components.get("km")
        place = f"{km:g}" if km is not None else f"same {components.get('location_basis', 'place')}"
        row = [
            "" if merge.id is None else str(merge.id),
            str(merge.kept_incident_id),
            str(merge.merged_incident_id),
            f"{' '.join(merge.kept_sources)} <- {' '.join(merge.merged_sources)}",
            f"{merge.score:.2f}",
            str(components.get("days", "")),
            place if components.get("location_basis") == "distance" else f"{place} (by name)",
            ", ".join(merge.filled_fields),
        ]
        if show_undone:
            row.append("" if merge.undone_at is None else f"{merge.undone_at:%Y-%m-%d %H:%M} by {merge.undone_by}")
        table.add_row(*row)
    return table


@dedupe_app.command("list")
def list_merges(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include merges that were undone.")] = False,
    incident: Annotated[
        int | None, typer.Option("--incident", help="Only merges that kept or merged this incident.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Merges, newest first, with their scores and what they moved and filled."""
    merges = get_app(ctx).merges(include_undone=all_, incident_id=incident)
    if json_output:
        print_json([merge.as_json_dict() for merge in merges])
        return
    if not merges:
        err_console().print("no merges" + ("" if all_ else " (--all shows undone ones)"), markup=False)
        return
    out_console().print(_merges_table(merges, title="Merges", show_undone=all_))


@dedupe_app.command("undo")
def undo(
    ctx: typer.Context,
    merge_id: Annotated[int, typer.Argument(help="The merge to undo (see `nigehban dedupe list`).")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the undone merge as JSON.")] = False,
) -> None:
    """Undo a merge: the merged incident and its source records come back; the pair is not proposed again."""
    merge = get_app(ctx).undo_merge(merge_id)
    if json_output:
        print_json(merge.as_json_dict())
        return
    filled = ", ".join(merge.filled_fields) or "none"
    err_console().print(
        f"merge {merge.id} undone: incident {merge.merged_incident_id} is back with "
        f"{' '.join(merge.merged_sources)}; the fields the merge filled into incident {merge.kept_incident_id} "
        f"({filled}) are restored where nobody changed them since",
        markup=False,
    )
