"""``nigehban forecast ...`` (backtest, run, runs, show) and ``nigehban alerts``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from nigehban.cli.common import err_console, get_app, out_console, print_json, progress_bar
from nigehban.errors import ForecastError
from nigehban.forecast.alerts import Alert
from nigehban.forecast.evaluations import StoredBacktest

__all__ = ["register"]

forecast_app = typer.Typer(
    help="Early warning: backtest the forecasting models, make and store forecasts.", no_args_is_help=True
)

UnitName = Literal["district", "h3"]
FreqName = Literal["month", "week"]
OutputFormat = Literal["table", "json", "csv"]


def register(app: typer.Typer) -> None:
    app.add_typer(forecast_app, name="forecast")
    app.command("alerts")(alerts)


def _models(text: str | None) -> list[str] | None:
    return None if text is None else [name.strip() for name in text.split(",") if name.strip()]


def _print_notes(notes: tuple[str, ...]) -> None:
    console = err_console()
    for note in notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)


@forecast_app.command("backtest")
def backtest(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--start", help="First period: YYYY-MM (weeks: YYYY-MM or YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--end", help="Last period: YYYY-MM (weeks: YYYY-MM or YYYY-MM-DD).")],
    output: Annotated[Path, typer.Option("--output", help="The CSV to write (one row per model, unit, period).")],
    unit: Annotated[UnitName, typer.Option("--unit", help="district (current boundaries) or h3 cells.")] = "district",
    freq: Annotated[FreqName, typer.Option("--freq", help="month, or week (Monday to Sunday).")] = "month",
    horizon: Annotated[int, typer.Option("--horizon", help="Periods ahead, 1 to 3.", min=1, max=3)] = 1,
    models: Annotated[
        str | None, typer.Option("--models", help="Comma-separated model names (default: every available model).")
    ] = None,
    resolution: Annotated[int, typer.Option("--resolution", help="H3 resolution for --unit h3 (5 to 8).")] = 7,
    store: Annotated[
        bool,
        typer.Option(
            "--store/--no-store", help="Keep every model's scores in the store (`forecast backtests`, the web page)."
        ),
    ] = True,
) -> None:
    """Rolling-origin backtest: for each period from --start to --end, every model is fitted only on the
    incidents before it and predicts it. Writes the CSV the evaluation scorer reads, and keeps each
    model's scores in the store."""
    app = get_app(ctx)
    with progress_bar("backtest", unit_bytes=False) as progress:
        result = app.forecast_backtest(
            unit=unit,
            freq=freq,
            start=start,
            end=end,
            horizon=horizon,
            models=_models(models),
            resolution=resolution,
            progress=progress,
            save=store,
        )
    result.to_csv(output)
    _print_notes(result.notes)
    err_console().print(
        f"backtest {result.start} to {result.end} ({freq}, horizon {horizon}): {len(result.models)} models "
        f"({', '.join(result.models)}; default {result.default_model}) x {result.units:,} units -> "
        f"{len(result.frame):,} rows in {output}"
        + (f"; scores stored as backtest {result.stored.id}" if result.stored else ""),
        highlight=False,
    )
    if result.stored is not None:
        out_console().print(_scores_table(result.stored))


def _scores_table(stored: StoredBacktest) -> Table:
    table = Table(
        title=f"Backtest {stored.id}: {stored.unit} x {stored.freq}, {stored.start} to {stored.end}, "
        f"horizon {stored.horizon} ({stored.units:,} units, {stored.periods} periods)"
    )
    for column in ("model", "AUPR", "AUROC", "Brier", "BSS", "log loss", "top 10%", "ECE", "MSLE"):
        table.add_column(column, justify="left" if column == "model" else "right")

    def number(value: float | None, digits: int = 4) -> str:
        return "–" if value is None else f"{value:.{digits}f}"

    for score in stored.scores:
        name = score["model"] + (" (default)" if score["model"] == stored.default_model else "")
        table.add_row(
            name,
            number(score["aupr"]),
            number(score["auroc"]),
            number(score["brier"], 5),
            number(score["brier_skill"]),
            number(score["log_loss"]),
            number(score["top10_capture"]),
            number(score["ece"]),
            number(score["fatalities_msle"]),
        )
    comparison = stored.to_dict()["comparison"]
    if comparison and comparison["aupr_gain"] is not None and comparison["brier_gain"] is not None:
        table.caption = (
            f"{comparison['default']} against the better baseline ({comparison['baseline']}): "
            f"AUPR {comparison['aupr_gain']:+.1%}, Brier {comparison['brier_gain']:+.1%} (positive = better)"
        )
    return table


@forecast_app.command("backtests")
def backtests(
    ctx: typer.Context,
    backtest_id: Annotated[int | None, typer.Argument(help="One stored backtest (default: list them all).")] = None,
    freq: Annotated[FreqName | None, typer.Option("--freq", help="Only backtests of months or weeks.")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="table, json or csv.")] = "table",
) -> None:
    """Stored backtests (made by `forecast backtest`) with every model's scores, newest first."""
    app = get_app(ctx)
    stored = [app.backtest(backtest_id)] if backtest_id is not None else app.backtests(freq=freq)
    if output_format == "json":
        print_json([item.to_dict() for item in stored])
        return
    if output_format == "csv":
        records: list[dict[str, object]] = [
            {
                "backtest_id": item.id,
                "created_at": str(item.created_at),
                "unit": item.unit,
                "freq": item.freq,
                "start": item.start,
                "end": item.end,
                "horizon": item.horizon,
                **score,
            }
            for item in stored
            for score in item.scores
        ]
        _write_csv(records)
        return
    for item in stored:
        out_console().print(_scores_table(item))
        _print_notes(item.notes)
    if not stored:
        err_console().print(
            "no backtest stored yet — run `nigehban forecast backtest --start ... --end ... --output F`"
        )


@forecast_app.command("run")
def run(
    ctx: typer.Context,
    as_of: Annotated[
        str, typer.Option("--as-of", help="YYYY-MM-DD: forecast the period containing it, from incidents before it.")
    ],
    freq: Annotated[FreqName, typer.Option("--freq", help="month, or week (Monday to Sunday).")] = "month",
    horizon: Annotated[int, typer.Option("--horizon", help="Periods ahead to forecast, 1 to 3.", min=1, max=3)] = 1,
    unit: Annotated[UnitName, typer.Option("--unit", help="district or h3.")] = "district",
    resolution: Annotated[int, typer.Option("--resolution", help="H3 resolution for --unit h3 (5 to 8).")] = 7,
    models: Annotated[
        str | None, typer.Option("--models", help="Comma-separated model names (default: the default and baselines).")
    ] = None,
) -> None:
    """Fit the default model and the baselines on the incidents before the period containing --as-of,
    forecast it (and --horizon - 1 periods after) and store the forecast with the data version it read."""
    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        raise ForecastError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None
    result = get_app(ctx).forecast_run(
        as_of=day, freq=freq, horizon=horizon, unit=unit, resolution=resolution, models=_models(models)
    )
    _print_notes(result.notes)
    err_console().print(
        f"forecast run {result.id}: {result.unit} x {result.freq} from {result.origin_period}, "
        f"horizon {result.horizon}, "
        f"models {', '.join(result.models)} (default {result.default_model}), "
        f"{result.data_version.get('incidents', 0):,} incidents read",
        highlight=False,
    )
    out_console().print(str(result.id))


@forecast_app.command("runs")
def runs(
    ctx: typer.Context,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="table, json or csv.")] = "table",
) -> None:
    """List the stored forecast runs, newest first."""
    stored = get_app(ctx).forecast_runs()
    records = [
        {
            "id": item.id,
            "created_at": str(item.created_at),
            "as_of": item.as_of.isoformat(),
            "unit": item.unit,
            "freq": item.freq,
            "origin_period": item.origin_period,
            "horizon": item.horizon,
            "default_model": item.default_model,
            "models": ",".join(item.models),
            "incidents": item.data_version.get("incidents"),
        }
        for item in stored
    ]
    if output_format == "json":
        print_json(records)
    elif output_format == "csv":
        _write_csv(records)
    else:
        table = Table(title="Forecast runs")
        for column in ("id", "created", "as of", "unit", "freq", "from", "horizon", "default", "models", "incidents"):
            table.add_column(column)
        for record in records:
            table.add_row(*(str(value) for value in record.values()))
        out_console().print(table)
        if not records:
            err_console().print("no forecast stored yet — run `nigehban forecast run --as-of DATE`")


@forecast_app.command("show")
def show(
    ctx: typer.Context,
    run_id: Annotated[int, typer.Argument(help="The run's id (`nigehban forecast runs`).")],
    output_format: Annotated[OutputFormat, typer.Option("--format", help="table, json or csv.")] = "table",
    model: Annotated[str | None, typer.Option("--model", help="Only this model (default: every model).")] = None,
    top: Annotated[int, typer.Option("--top", help="Table: the N units of highest risk per model and period.")] = 20,
) -> None:
    """Show a stored forecast run: its data version and the forecast of every unit."""
    stored = get_app(ctx).forecast(run_id)
    values = stored.values if model is None else stored.values[stored.values["model"] == model]
    if model is not None and values.empty:
        raise ForecastError(f"run {run_id} has no model {model!r}; it has {', '.join(stored.models)}")
    if output_format == "csv":
        values.to_csv(sys.stdout, index=False, float_format="%.6g")
        return
    header = {
        "id": stored.id,
        "created_at": str(stored.created_at),
        "actor": stored.actor,
        "as_of": stored.as_of.isoformat(),
        "unit": stored.unit,
        "freq": stored.freq,
        "origin_period": stored.origin_period,
        "horizon": stored.horizon,
        "default_model": stored.default_model,
        "models": stored.models,
        "data_version": stored.data_version,
        "notes": list(stored.notes),
    }
    if output_format == "json":
        print_json(header | {"values": values.to_dict(orient="records")})
        return
    console = out_console()
    console.print(
        f"run {stored.id} ({stored.created_at:%Y-%m-%d %H:%M}, {stored.actor}): {stored.unit} x {stored.freq} from "
        f"{stored.origin_period}; default {stored.default_model}; data: {stored.data_version}",
        highlight=False,
    )
    for (name, period), rows in values.groupby(["model", "period"], sort=False):
        table = Table(title=f"{name} — {period} (top {top})")
        for column in ("unit", "p(attack)", "p(security)", "attacks", "fatalities", "80% interval"):
            table.add_column(column)
        for _, row in rows.sort_values("p_attack", ascending=False).head(top).iterrows():
            table.add_row(
                str(row["unit_id"]),
                f"{row['p_attack']:.3f}",
                f"{row['p_security_attack']:.3f}",
                f"{row['expected_attacks']:.2f}",
                f"{row['expected_fatalities']:.1f}",
                f"{row['fatalities_low']:.0f}–{row['fatalities_high']:.0f}",
            )
        console.print(table)


def alerts(
    ctx: typer.Context,
    run_id: Annotated[int | None, typer.Option("--run", help="A stored run's id (default: the newest).")] = None,
    threshold: Annotated[float, typer.Option("--threshold", help="Alert where p(attack) is at least this.")] = 0.5,
    jump: Annotated[
        float,
        typer.Option(
            "--jump",
            help="Alert where p(attack) rose this much since the previous run or above the unit's recent level.",
        ),
    ] = 0.25,
    recent: Annotated[int, typer.Option("--recent", help="Periods that make a unit's recent level.")] = 12,
    new_group_periods: Annotated[
        int, typer.Option("--new-group-periods", help="A group's first incident in a unit this recent is an alert.")
    ] = 3,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="table, json or csv.")] = "table",
) -> None:
    """Alerts of a stored forecast run: districts over a risk threshold, risk jumps, and groups appearing
    in a district for the first time."""
    found = get_app(ctx).alerts(
        run_id=run_id, threshold=threshold, jump=jump, recent_periods=recent, new_group_periods=new_group_periods
    )
    records = [dataclasses.asdict(alert) for alert in found]
    if output_format == "json":
        print_json(records)
        return
    if output_format == "csv":
        _write_csv(records, columns=[field.name for field in dataclasses.fields(Alert)])
        return
    table = Table(title=f"Alerts ({len(found)})")
    for column in ("kind", "unit", "name", "period", "p(attack)", "why"):
        table.add_column(column)
    for alert in found:
        table.add_row(
            alert.kind,
            alert.unit_id,
            alert.unit_name or "",
            alert.period,
            "" if alert.p_attack is None else f"{alert.p_attack:.2f}",
            alert.message,
        )
    out_console().print(table)
    if not found:
        err_console().print("no alerts for this run at these settings")


def _write_csv(records: list[dict[str, object]], *, columns: list[str] | None = None) -> None:
    import csv

    names = columns or (list(records[0]) if records else [])
    writer = csv.DictWriter(sys.stdout, fieldnames=names)
    writer.writeheader()
    writer.writerows(records)
