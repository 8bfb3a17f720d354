"""``nigehban plan`` (hardening plan under a budget) and ``nigehban patrol`` (patrol coverage and rosters)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from nigehban.cli.common import err_console, get_app, out_console, print_json, write_csv_rows
from nigehban.errors import InvalidFieldValue

__all__ = ["register"]

plan_app = typer.Typer(
    help="Hardening plans: the countermeasures to buy within a budget (`nigehban plan --budget PKR`).",
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
    app.command("patrol")(patrol)


def _pkr(text: str, option: str) -> int:
    """PKR amounts as people write them: 250000000, 250,000,000, 250m, 25cr (crore), 2.5bn."""
    cleaned = text.strip().lower().replace(",", "").replace("pkr", "").replace("rs", "").strip()
    factors = {"k": 1e3, "m": 1e6, "mn": 1e6, "lakh": 1e5, "cr": 1e7, "crore": 1e7, "bn": 1e9, "b": 1e9}
    factor = 1.0
    for suffix in sorted(factors, key=len, reverse=True):
        if cleaned.endswith(suffix):
            cleaned, factor = cleaned[: -len(suffix)].strip(), factors[suffix]
            break
    try:
        value = float(cleaned) * factor
    except ValueError:
        raise InvalidFieldValue(option, text, "an amount in PKR, e.g. 250000000, 250m or 25cr") from None
    if value < 0 or value != value:
        raise InvalidFieldValue(option, text, "must not be negative")
    return round(value)


@plan_app.callback()
def plan(
    ctx: typer.Context,
    budget: Annotated[
        str | None, typer.Option("--budget", help="Budget in PKR (250000000, 250m, 25cr).", show_default=False)
    ] = None,
    district: Annotated[str | None, typer.Option(help="Only facilities in this district (pcode or name).")] = None,
    province: Annotated[str | None, typer.Option(help="Only facilities in this province.")] = None,
    type: Annotated[str | None, typer.Option("--type", help="Only facilities of this type.")] = None,
    include_unaudited: Annotated[
        bool, typer.Option("--include-unaudited", help="Plan for facilities never audited too (answers assumed).")
    ] = False,
    curve_step: Annotated[
        str | None, typer.Option("--curve-step", help="Also the marginal curve in steps of this many PKR (e.g. 10m).")
    ] = None,
    curve_max: Annotated[
        str | None, typer.Option("--curve-max", help="Largest budget of the curve (default: --budget).")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="End of the threat history (YYYY-MM-DD).")] = None,
    gap: Annotated[
        float,
        typer.Option("--gap", help="Relative optimality gap: 1e-4 (HiGHS's default) or 0 for the proven optimum."),
    ] = 1e-4,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds; the best plan found by then, with its gap.")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the JSON or CSV here.")] = None,
) -> None:
    """Choose countermeasures across facilities to remove the most risk within the budget (exact MILP)."""
    if ctx.invoked_subcommand is not None:
        return
    if budget is None:
        raise InvalidFieldValue("--budget", "", "give the budget in PKR, e.g. --budget 250m")
    if format not in ("table", "json", "csv"):
        raise InvalidFieldValue("--format", format, "use table, json or csv")
    import datetime as dt

    try:
        as_of_date = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise InvalidFieldValue("--as-of", str(as_of), "use YYYY-MM-DD") from None
    console = err_console()
    console.print("[dim]assessing risk and solving the plan ...[/]")
    result = get_app(ctx).hardening_plan(
        budget_pkr=_pkr(budget, "--budget"),
        district=district,
        province=province,
        facility_type=type,
        include_unaudited=include_unaudited,
        curve_step_pkr=_pkr(curve_step, "--curve-step") if curve_step else None,
        curve_max_pkr=_pkr(curve_max, "--curve-max") if curve_max else None,
        as_of=as_of_date,
        mip_rel_gap=gap,
        time_limit=time_limit,
    )
    plan_ = result.plan
    if format == "json":
        document = result.as_dict()
        if output:
            output.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
        else:
            print_json(document)
        return
    if format == "csv":
        write_csv_rows(result.rows(), output)
        return
    out = out_console()
    status = plan_.status if plan_.gap == 0 else f"{plan_.status}, gap {plan_.gap:.1e}"
    table = Table(title=f"hardening plan: PKR {plan_.total_cost:,} of {plan_.budget_pkr:,} ({status})")
    for column in ("facility", "district", "measure", "PKR", "risk removed"):
        table.add_column(column)
    for row in result.rows():
        table.add_row(
            f"{row['facility']}",
            str(row["district"] or ""),
            row["measure"],
            f"{row['cost_pkr']:,}",
            f"{row['risk_removed']:.1f}",
        )
    out.print(table)
    out.print(
        f"total risk {plan_.risk_before:,.0f} -> {plan_.risk_after:,.0f} "
        f"(-{plan_.risk_removed:,.0f}, {plan_.risk_removed / plan_.risk_before:.1%}); "
        f"{len(plan_.chosen)} measures at {len(plan_.facilities)} facilities"
    )
    if result.curve:
        curve = Table(title="marginal curve: risk removed per step of money")
        for column in ("budget PKR", "spent PKR", "risk left", "removed by this step"):
            curve.add_column(column)
        for point in result.curve:
            curve.add_row(
                f"{point.budget_pkr:,}",
                f"{point.total_cost:,}",
                f"{point.risk_after:,.0f}",
                f"{point.removed_per_step:,.1f}",
            )
        out.print(curve)
    if result.left_out:
        console.print(f"[yellow]{len(result.left_out)} facilities never audited were left out[/] (audit them first).")


@plan_app.command("catalogue")
def catalogue(
    ctx: typer.Context,
    write: Annotated[Path | None, typer.Option("--write", help="Copy the packaged catalogue here for editing.")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")] = False,
    type: Annotated[str, typer.Option("--type", help="Facility type the effects are shown for.")] = "police_station",
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """The countermeasure catalogue in use: cost, items raised, and the most each can lower V per scenario."""
    from nigehban.security.catalogue import measure_effect, write_default_catalogue
    from nigehban.security.facilities import facility_type
    from nigehban.security.vocabulary import SCENARIOS

    if write is not None:
        path = write_default_catalogue(write, overwrite=overwrite)
        err_console().print(f"wrote {path}; use it with NIGEHBAN_CATALOGUE={path}")
        return
    app = get_app(ctx)
    kind = facility_type(type)
    checklist = app.checklist()
    measures = app.catalogue().measures
    effects = {m.id: measure_effect(m, checklist, facility_type=kind) for m in measures}
    if format == "json":
        print_json(
            [
                {
                    "id": m.id,
                    "name": m.name,
                    "cost_pkr": m.cost_pkr,
                    "raises": dict(m.raises),
                    "applies_to": list(m.applies_to) if m.applies_to else None,
                    "effect": {"facility_type": kind, **effects[m.id]},
                }
                for m in measures
            ]
        )
        return
    table = Table(title=f"{len(measures)} countermeasures (effect: most V falls, for a {kind.replace('_', ' ')})")
    for column in ("id", "PKR", "raises", "effect " + "/".join(name[:4] for name in SCENARIOS)):
        table.add_column(column)
    for m in measures:
        effect = "/".join(f"{effects[m.id][name]:.2f}" for name in SCENARIOS)
        table.add_row(m.id, f"{m.cost_pkr:,}", ", ".join(f"{k}>={v}" for k, v in m.raises.items()), effect)
    out_console().print(table)


def patrol(
    ctx: typer.Context,
    units: Annotated[int, typer.Option("--units", "-k", help="Patrol or quick-reaction units available per shift.")],
    district: Annotated[str | None, typer.Option(help="Only facilities in this district (pcode or name).")] = None,
    province: Annotated[str | None, typer.Option(help="Only facilities in this province.")] = None,
    type: Annotated[str | None, typer.Option("--type", help="Only facilities of this type.")] = None,
    effectiveness: Annotated[
        float, typer.Option(help="Share of an attack's harm a unit present prevents (0-1].")
    ] = 0.7,
    method: Annotated[str, typer.Option(help="origami (exact, fast), origami-lp or eraser (MILP).")] = "origami",
    shifts: Annotated[int, typer.Option(help="Also draw this many randomised duty rosters.")] = 0,
    roster: Annotated[Path | None, typer.Option("--roster", help="Write the rosters as CSV here.")] = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Coverage of each facility by K units against an adaptive attacker (Stackelberg game), and rosters."""
    from typing import Literal, cast

    from nigehban.security.patrol import sample_rosters

    if format not in ("table", "json"):
        raise InvalidFieldValue("--format", format, "use table or json")
    if method not in ("origami", "origami-lp", "eraser"):
        raise InvalidFieldValue("--method", method, "use origami, origami-lp or eraser")
    if shifts < 0:
        raise InvalidFieldValue("--shifts", str(shifts), "must not be negative")
    chosen = cast(Literal["origami", "origami-lp", "eraser"], method)
    coverage = get_app(ctx).patrol(
        units=units,
        district=district,
        province=province,
        facility_type=type,
        effectiveness=effectiveness,
        method=chosen,
    )
    rosters = sample_rosters(coverage, shifts=shifts) if shifts else []
    if roster is not None and rosters:
        names = {target.id: target.name for target in coverage.targets}
        with roster.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["shift", "unit", "facility_id", "facility"])
            for number, shift in enumerate(rosters, start=1):
                for unit, facility_id in enumerate(shift, start=1):
                    writer.writerow([number, unit, facility_id, names[facility_id]])
    if format == "json":
        document = coverage.as_dict()
        if rosters and roster is None:
            document["rosters"] = [list(shift) for shift in rosters]
        print_json(document)
        return
    table = Table(
        title=f"coverage by {units} units ({coverage.method}); attacker's best expected {coverage.attacker_value:,.1f}"
    )
    for column in ("facility", "coverage", "attacker payoff"):
        table.add_column(column)
    ranked = sorted(coverage.targets, key=lambda target: -coverage.coverage[target.id])
    for target in ranked:
        probability = coverage.coverage[target.id]
        if probability <= 0:
            continue
        table.add_row(target.name, f"{probability:.3f}", f"{target.attacker_payoff(probability):,.1f}")
    out_console().print(table)
    uncovered = sum(1 for value in coverage.coverage.values() if value <= 0)
    err_console().print(f"{uncovered} facilities get no unit: their risk is below what the attacker expects elsewhere")
    for note in coverage.notes:
        err_console().print(f"note: {note}")
    if rosters and roster is None:
        for number, shift in enumerate(rosters[:10], start=1):
            out_console().print(f"shift {number}: " + ", ".join(str(facility) for facility in shift))
