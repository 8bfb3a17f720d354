"""Forecasts from the store: the panel the store's incidents make, live forecast runs, and their storage.

- :func:`store_panel` builds the unit x period panel from the store: units are the current district
  boundaries (``unit="district"``) or the H3 cells of a resolution that ever held an incident up to
  the panel's end (``unit="h3"``; a cell with no incident has no row to forecast, so the grid is the
  cells known to be exposed -- a caveat: the set of cells is known from the whole range).
- :func:`make_forecast_run` fits the default model and the baselines on the periods before the
  period containing ``as_of`` and forecasts that period and the ``horizon - 1`` after it;
  :func:`save_run` stores it (``forecast_runs`` / ``forecast_values``) with the version of the data
  it read: how many incidents, their largest id, a SHA-256 over their fields, the largest change-log
  id and the current boundary versions, so that a forecast can be traced to exactly what it knew.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select

from nigehban.errors import ForecastError
from nigehban.forecast.backtest import history_notes, parse_period
from nigehban.forecast.models.base import Forecast, ForecastModel
from nigehban.forecast.panel import Freq, Panel, build_panel, period_of
from nigehban.forecast.registry import default_model_name
from nigehban.store.schema import BOUNDARY_VERSIONS, CHANGE_LOG, FORECAST_RUNS, FORECAST_VALUES

if TYPE_CHECKING:
    from nigehban.app import Nigehban
    from nigehban.forecast.alerts import Alert

__all__ = [
    "ForecastRun",
    "Unit",
    "alerts_for_run",
    "check_range",
    "data_version",
    "delete_run",
    "jsonable",
    "list_runs",
    "load_run",
    "make_forecast_run",
    "model_settings",
    "previous_run",
    "save_run",
    "store_panel",
]

Unit = Literal["district", "h3"]

_VALUE_FIELDS = tuple(field.name for field in dataclasses.fields(Forecast))


def store_panel(
    events: pd.DataFrame,
    *,
    unit: Unit,
    freq: Freq,
    districts: Sequence[str],
    neighbours: Mapping[str, Sequence[str]] | None = None,
    covariates: Mapping[str, Mapping[str, float]] | None = None,
    resolution: int = 7,
    end: pd.Period | None = None,
) -> Panel:
    """The panel of the store's ``events`` (a :func:`~nigehban.analysis.events.load_events` frame).

    Raises :class:`~nigehban.errors.ForecastError` for an empty store, and for ``unit="district"``
    without imported district boundaries.
    """
    if events.empty:
        raise ForecastError("no incidents in the store — import some first (e.g. `nigehban import gtd PATH`)")
    if end is not None:
        events = events[np.asarray(period_of(events["date"], freq) <= end)]
    start = period_of(events["date"], freq).min()
    if unit == "district":
        if not districts:
            raise ForecastError(
                "no district boundaries in the store — import them first: "
                "`nigehban geo import-boundaries PATH --level district` (then `nigehban geo backfill`)"
            )
        return build_panel(
            events, units=districts, freq=freq, start=start, end=end, neighbours=neighbours, covariates=covariates
        )
    if unit == "h3":
        if not 5 <= resolution <= 8:
            raise ForecastError(f"H3 resolution must be 5 to 8, not {resolution}")
        column = f"h3_res{resolution}"
        cells = sorted(events[column].dropna().unique())
        if not cells:
            raise ForecastError(f"no incident has an H3 cell at resolution {resolution} (no coordinates)")
        return build_panel(events, units=cells, freq=freq, unit_column=column, start=start, end=end)
    raise ForecastError(f"unknown unit {unit!r}: use district or h3")


def model_settings(model: ForecastModel) -> dict[str, Any]:
    """A model's settings as JSON-ready values (its ``settings()`` if it has one, else its simple attributes)."""
    settings = getattr(model, "settings", None)
    if callable(settings):
        return dict(settings())
    simple = (int, float, str, bool, type(None))
    return {key: value for key, value in vars(model).items() if not key.startswith("_") and isinstance(value, simple)}


def data_version(engine: Engine, events: pd.DataFrame, *, unit: Unit) -> dict[str, Any]:
    """What a forecast read: incidents (count, max id, SHA-256 of their fields), max change-log id, boundaries."""
    digest = hashlib.sha256()
    columns = ["id", "date", "district_pcode", "h3_res7", "killed", "killed_perpetrators", "target_type", "perpetrator"]
    digest.update(events[columns].to_csv(index=False).encode())
    with engine.connect() as connection:
        max_change = connection.execute(select(func.max(CHANGE_LOG.c.id))).scalar()
        boundaries = connection.execute(
            select(BOUNDARY_VERSIONS.c.level, BOUNDARY_VERSIONS.c.id).where(BOUNDARY_VERSIONS.c.current.is_(True))
        ).all()
    return {
        "incidents": len(events),
        "max_incident_id": int(events["id"].max()) if len(events) else None,
        "incidents_sha256": digest.hexdigest(),
        "max_change_log_id": max_change,
        "boundary_versions": dict(boundaries),
        "unit": unit,
    }


@dataclasses.dataclass(frozen=True)
class ForecastRun:
    """A forecast of every unit for the period containing ``as_of`` and the ``horizon - 1`` after it."""

    as_of: dt.date
    unit: str
    freq: Freq
    horizon: int
    origin_period: str
    default_model: str
    models: dict[str, dict[str, Any]]
    data_version: dict[str, Any]
    values: pd.DataFrame
    """Columns: model, unit_id, period, horizon, and the :class:`Forecast` fields."""
    notes: tuple[str, ...] = ()
    id: int | None = None
    created_at: dt.datetime | None = None
    actor: str | None = None


def make_forecast_run(
    panel: Panel,
    models: Sequence[ForecastModel],
    *,
    as_of: dt.date,
    horizon: int = 1,
    unit: str = "district",
    version: dict[str, Any] | None = None,
) -> ForecastRun:
    """Fit ``models`` on the periods of ``panel`` before the one containing ``as_of`` and forecast.

    The panel must end at or after the period before ``as_of``'s; its later periods are ignored
    (the forecast is cut before the origin, exactly like a backtest).
    """
    if not 1 <= horizon <= 3:
        raise ForecastError(f"horizon must be 1, 2 or 3 periods, not {horizon}")
    target = parse_period(as_of.isoformat(), panel.freq)
    if target <= panel.periods[0]:
        raise ForecastError(
            f"{as_of} is not after the first incident's period ({panel.period_label(0)}): nothing to learn from"
        )
    last = panel.periods[-1]
    if target > last + 1:
        gap = (target - (last + 1)).n
        raise ForecastError(
            f"{as_of} is {gap} {panel.freq}(s) after the last incident's period "
            f"({panel.period_label(len(panel.periods) - 1)}): "
            "import newer incidents first, or forecast an earlier date"
        )
    origin = (target - panel.periods[0]).n
    from nigehban.forecast.backtest import truncated_panel

    cut = truncated_panel(panel, origin=origin)  # nothing at or after the origin can reach a model
    names = [model.name for model in models]
    frames = []
    for model in models:
        model.fit(cut, origin=origin)
        for step in range(1, horizon + 1):
            forecast = model.predict(cut, origin=origin, horizon=step)
            period = target + (step - 1)
            label = str(period) if panel.freq == "month" else period.start_time.date().isoformat()
            columns: dict[str, Any] = {"model": model.name, "unit_id": list(panel.units), "period": label}
            columns["horizon"] = step
            for field in _VALUE_FIELDS:
                columns[field] = np.asarray(getattr(forecast, field), dtype=float)
            frames.append(pd.DataFrame(columns))
    return ForecastRun(
        as_of=as_of,
        unit=unit,
        freq=panel.freq,
        horizon=horizon,
        origin_period=str(target) if panel.freq == "month" else target.start_time.date().isoformat(),
        default_model=default_model_name(names),
        models={model.name: model_settings(model) for model in models},
        data_version=version or {},
        values=pd.concat(frames, ignore_index=True),
        notes=tuple(history_notes(cut, origin=origin)),
    )


def save_run(engine: Engine, run: ForecastRun, *, actor: str) -> int:
    """Store ``run``; returns its id."""
    with engine.begin() as connection:
        run_id = connection.execute(
            insert(FORECAST_RUNS)
            .values(
                actor=actor,
                as_of=run.as_of,
                unit=run.unit,
                freq=run.freq,
                horizon=run.horizon,
                origin_period=run.origin_period,
                default_model=run.default_model,
                models=jsonable(run.models),
                data_version=jsonable(run.data_version),
                notes=list(run.notes),
            )
            .returning(FORECAST_RUNS.c.id)
        ).scalar_one()
        rows = [
            {"run_id": run_id, **{str(key): _plain(value) for key, value in row.items()}}
            for row in run.values.to_dict(orient="records")
        ]
        if rows:
            connection.execute(insert(FORECAST_VALUES), rows)
    return int(run_id)


def list_runs(engine: Engine) -> list[ForecastRun]:
    """Every stored run, newest first, without values."""
    with engine.connect() as connection:
        rows = connection.execute(select(FORECAST_RUNS).order_by(FORECAST_RUNS.c.id.desc())).mappings().all()
    return [
        _run_from_row(row, pd.DataFrame(columns=["model", "unit_id", "period", "horizon", *_VALUE_FIELDS]))
        for row in rows
    ]


def load_run(engine: Engine, run_id: int | None = None) -> ForecastRun:
    """A stored run with its values (the newest when ``run_id`` is None)."""
    with engine.connect() as connection:
        query = select(FORECAST_RUNS)
        query = (
            query.where(FORECAST_RUNS.c.id == run_id)
            if run_id is not None
            else query.order_by(FORECAST_RUNS.c.id.desc()).limit(1)
        )
        row = connection.execute(query).mappings().first()
        if row is None:
            raise ForecastError(
                f"no forecast run {run_id}"
                if run_id is not None
                else "no forecast stored yet — run `nigehban forecast run --as-of DATE`"
            )
        values = (
            connection.execute(
                select(FORECAST_VALUES).where(FORECAST_VALUES.c.run_id == row["id"]).order_by(FORECAST_VALUES.c.id)
            )
            .mappings()
            .all()
        )
    frame = pd.DataFrame([dict(value) for value in values]).drop(columns=["id", "run_id"])
    return _run_from_row(row, frame)


def delete_run(engine: Engine, run_id: int) -> None:
    """Remove a stored run and its values."""
    with engine.begin() as connection:
        connection.execute(delete(FORECAST_VALUES).where(FORECAST_VALUES.c.run_id == run_id))
        connection.execute(delete(FORECAST_RUNS).where(FORECAST_RUNS.c.id == run_id))


def _run_from_row(row: Mapping[Any, Any], values: pd.DataFrame) -> ForecastRun:
    return ForecastRun(
        id=row["id"],
        created_at=row["created_at"],
        actor=row["actor"],
        as_of=row["as_of"],
        unit=row["unit"],
        freq=row["freq"],
        horizon=row["horizon"],
        origin_period=row["origin_period"],
        default_model=row["default_model"],
        models=row["models"],
        data_version=row["data_version"],
        notes=tuple(row["notes"]),
        values=values,
    )


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars made plain and tuples made lists, ready for a JSON column."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None  # JSON has no NaN or infinity (PostgreSQL refuses them)
    return value


def check_range(events: pd.DataFrame, *, freq: Freq, start: pd.Period, end: pd.Period) -> None:
    """Raise :class:`~nigehban.errors.ForecastError` when ``start``..``end`` is not covered by the incidents."""
    if events.empty:
        raise ForecastError("no incidents in the store — import some first (e.g. `nigehban import gtd PATH`)")
    periods = period_of(events["date"], freq)
    first, last = periods.min(), periods.max()

    def label(period: pd.Period) -> str:
        return str(period) if freq == "month" else period.start_time.date().isoformat()

    if end < start:
        raise ForecastError(f"the range ends ({label(end)}) before it starts ({label(start)})")
    if start > last:
        raise ForecastError(f"{label(start)} is after the last incident ({label(last)})")
    if end > last:
        raise ForecastError(
            f"{label(end)} is after the last incident ({label(last)}): there is nothing to compare the forecasts with"
        )
    if start <= first:
        raise ForecastError(
            f"{label(start)} is not after the first incident ({label(first)}): the models need history before it"
        )


def previous_run(engine: Engine, run: ForecastRun) -> ForecastRun | None:
    """The newest stored run before ``run`` of the same unit and frequency with an earlier origin."""
    with engine.connect() as connection:
        previous_id = connection.execute(
            select(FORECAST_RUNS.c.id)
            .where(
                FORECAST_RUNS.c.unit == run.unit,
                FORECAST_RUNS.c.freq == run.freq,
                FORECAST_RUNS.c.origin_period < run.origin_period,
            )
            .order_by(FORECAST_RUNS.c.origin_period.desc(), FORECAST_RUNS.c.id.desc())
            .limit(1)
        ).scalar()
    return None if previous_id is None else load_run(engine, int(previous_id))


def alerts_for_run(
    app: Nigehban,
    run: ForecastRun,
    *,
    threshold: float,
    jump: float,
    recent_periods: int,
    new_group_periods: int,
) -> list[Alert]:
    """Every alert of a stored run (see :mod:`nigehban.forecast.alerts`), strongest first within each kind."""
    from nigehban.forecast.alerts import (
        jump_alerts,
        level_alerts,
        name_alerts,
        new_group_alerts,
        threshold_alerts,
    )
    from nigehban.forecast.backtest import truncated_panel

    if not 0 < threshold <= 1:
        raise ForecastError(f"--threshold must be a probability in (0, 1], not {threshold}")
    if not 0 < jump <= 1:
        raise ForecastError(f"--jump must be a rise in probability in (0, 1], not {jump}")
    unit: Unit = "h3" if run.unit == "h3" else "district"
    panel = app.forecast_panel(unit=unit, freq=run.freq)
    target = parse_period(run.origin_period, run.freq)
    origin = max(0, min(len(panel.periods), (target - panel.periods[0]).n))
    before = truncated_panel(panel, origin=origin)
    previous = previous_run(app.engine, run)
    alerts = threshold_alerts(
        run.values,
        default_model=run.default_model,
        threshold=threshold,
        previous=previous.values if previous else None,
    )
    if previous is not None:
        alerts += jump_alerts(run.values, previous.values, default_model=run.default_model, jump=jump)
    alerts += level_alerts(
        run.values, before, default_model=run.default_model, jump=jump, recent_periods=recent_periods
    )
    alerts += new_group_alerts(before, period=run.origin_period, new_group_periods=new_group_periods)
    names = {district.pcode: district.name for district in app.boundary_set().units("district")}
    return name_alerts(alerts, names)
