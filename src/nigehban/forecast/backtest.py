"""Rolling-origin backtest: every model, fitted only on what came before each period, predicts it.

For each target period ``t`` from ``start`` to ``end`` and a horizon ``h`` (1 to 3), the origin is
``o = t - h + 1``: every model is fitted on the periods before ``o`` (``model.fit(panel, origin=o)``)
and predicts ``t``. The output has one row per (model, unit, period) with the columns of the
evaluation contract (``../eval/README.md``): ``model, unit_id, period, p_attack, p_security_attack,
expected_attacks, expected_fatalities, fatalities_low, fatalities_high, observed_attacks,
observed_fatalities, default``. Observed values come from the panel, so they are identical across
models; every model covers every unit and period.

Leakage: the panel passed holds the whole range, so a model *could* read the future.
:func:`check_no_leakage` runs a model on a panel truncated just before the origin and on the full
panel and requires identical forecasts; the tests run it for every available model.

>>> import pandas as pd
>>> from nigehban.forecast.baselines import Climatology, Ewma
>>> from nigehban.forecast.panel import build_panel
>>> frame = pd.DataFrame({"date": pd.to_datetime(["2009-01-05", "2009-02-02", "2009-04-06"]),
...     "district_pcode": ["PK1", "PK2", "PK1"], "killed": [1.0, 0.0, 2.0], "killed_perpetrators": [0.0] * 3,
...     "security_target": [True, False, False], "perpetrator": ["Unknown"] * 3, "id": [1, 2, 3],
...     "date_precision": ["day"] * 3})
>>> panel = build_panel(frame, units=["PK1", "PK2"])
>>> result = run_backtest(panel, [Climatology(), Ewma()], start="2009-03", end="2009-04")
>>> len(result.frame), result.default_model
(8, 'ewma')
>>> result.frame.query("model == 'ewma' and period == '2009-04'")["observed_attacks"].tolist()
[1, 0]
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nigehban.errors import ForecastError
from nigehban.forecast.models.base import Forecast, ForecastModel
from nigehban.forecast.panel import Freq, Panel
from nigehban.forecast.registry import default_model_name

if TYPE_CHECKING:
    from nigehban.forecast.evaluations import StoredBacktest

__all__ = [
    "BACKTEST_COLUMNS",
    "BacktestResult",
    "ProgressCallback",
    "check_no_leakage",
    "parse_period",
    "run_backtest",
    "truncated_panel",
]

ProgressCallback = Callable[[int, int], None]
"""Called with ``(done, total)`` model fits."""

BACKTEST_COLUMNS = (
    "model",
    "unit_id",
    "period",
    "p_attack",
    "p_security_attack",
    "expected_attacks",
    "expected_fatalities",
    "fatalities_low",
    "fatalities_high",
    "observed_attacks",
    "observed_fatalities",
    "default",
)
"""The columns of the backtest CSV, in order."""

_FORECAST_FIELDS = tuple(field.name for field in dataclasses.fields(Forecast))


@dataclasses.dataclass(frozen=True)
class BacktestResult:
    """The rows of a backtest (:data:`BACKTEST_COLUMNS`) and what was run."""

    frame: pd.DataFrame
    models: tuple[str, ...]
    default_model: str
    freq: Freq
    start: str
    end: str
    horizon: int
    units: int
    notes: tuple[str, ...] = ()
    """What the user should know (short history, units without attacks, unplaced incidents)."""
    stored: StoredBacktest | None = None
    """The stored scores, when the backtest was saved (``app.forecast_backtest(save=True)``)."""

    def to_csv(self, path: str | Path) -> Path:
        """Write the rows as the evaluation contract's CSV (``default`` as ``true``/``false``)."""
        path = Path(path)
        frame = self.frame.copy()
        frame["default"] = np.where(frame["default"], "true", "false")
        frame.to_csv(path, index=False, float_format="%.6g")
        return path


def parse_period(text: str, freq: Freq, *, side: str = "start") -> pd.Period:
    """The period a ``--start``/``--end`` value names.

    Months: ``YYYY-MM`` (or any date in the month). Weeks (Monday to Sunday): ``YYYY-MM-DD`` is the
    week containing that day; ``YYYY-MM`` is the first (``side="start"``) or last (``side="end"``)
    week whose Monday falls in that month.

    >>> parse_period("2012-01", "week"), parse_period("2012-01", "week", side="end")
    (Period('2012-01-02/2012-01-08', 'W-SUN'), Period('2012-01-30/2012-02-05', 'W-SUN'))
    >>> parse_period("2012-01-04", "week").start_time.date().isoformat()
    '2012-01-02'
    """
    value = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        raise ForecastError(f"{text!r} is not a period: write YYYY-MM (or YYYY-MM-DD for weeks)")
    try:
        month = pd.Period(value[:7], freq="M")
        day = pd.Timestamp(value) if len(value) == 10 else None
    except ValueError as error:
        raise ForecastError(f"{text!r} is not a valid date: {error}") from None
    if freq == "month":
        return month
    if day is not None:
        return pd.Period(day, freq="W-SUN")
    first_day = month.start_time
    monday = first_day + pd.Timedelta(days=(7 - first_day.weekday()) % 7)
    if side == "end":
        last_day = month.end_time.normalize()
        monday = last_day - pd.Timedelta(days=last_day.weekday())
    return pd.Period(monday, freq="W-SUN")


def run_backtest(
    panel: Panel,
    models: Sequence[ForecastModel],
    *,
    start: pd.Period | str,
    end: pd.Period | str,
    horizon: int = 1,
    default: str | None = None,
    progress: ProgressCallback | None = None,
) -> BacktestResult:
    """Backtest ``models`` on every period from ``start`` to ``end`` of ``panel`` (see the module doc).

    Raises :class:`~nigehban.errors.ForecastError` when the range lies outside the panel, leaves no
    period of history before the first origin, or ``horizon`` is not 1 to 3.
    """
    if not 1 <= horizon <= 3:
        raise ForecastError(f"horizon must be 1, 2 or 3 periods, not {horizon}")
    if not models:
        raise ForecastError("no forecasting model selected")
    names = [model.name for model in models]
    if len(set(names)) != len(names):
        raise ForecastError(f"model names must be unique: {names}")
    default = default or default_model_name(names)
    first = _position(panel, start, "start")
    last = _position(panel, end, "end")
    if last < first:
        raise ForecastError(
            f"the backtest ends ({panel.period_label(last)}) before it starts ({panel.period_label(first)})"
        )
    if first - horizon + 1 < 1:
        raise ForecastError(
            f"no history before {panel.period_label(first)} at horizon {horizon}: the store's data start at "
            f"{panel.period_label(0)}; start the backtest later"
        )
    targets = range(first, last + 1)
    total = len(targets) * len(models)
    done = 0
    frames: list[pd.DataFrame] = []
    units = np.asarray(panel.units, dtype=object)
    for target in targets:
        origin = target - horizon + 1
        label = panel.period_label(target)
        for model in models:
            model.fit(panel, origin=origin)
            forecast = model.predict(panel, origin=origin, horizon=horizon)
            columns: dict[str, object] = {"model": model.name, "unit_id": units, "period": label}
            for field in _FORECAST_FIELDS:
                columns[field] = np.asarray(getattr(forecast, field), dtype=float)
            columns["observed_attacks"] = panel.attacks[target]
            columns["observed_fatalities"] = panel.fatalities[target]
            columns["default"] = model.name == default
            frames.append(pd.DataFrame(columns))
            done += 1
            if progress is not None:
                progress(done, total)
    frame = pd.concat(frames, ignore_index=True)[list(BACKTEST_COLUMNS)]
    return BacktestResult(
        frame=frame,
        models=tuple(names),
        default_model=default,
        freq=panel.freq,
        start=panel.period_label(first),
        end=panel.period_label(last),
        horizon=horizon,
        units=len(panel.units),
        notes=tuple(history_notes(panel, origin=first - horizon + 1)),
    )


def history_notes(panel: Panel, *, origin: int) -> list[str]:
    """Plain-language caveats about the history before ``origin`` (short history, units never attacked)."""
    notes: list[str] = []
    wanted = 24 if panel.freq == "month" else 104
    if origin < wanted:
        notes.append(
            f"only {origin} {panel.freq}(s) of history before "
            f"{panel.period_label(origin) if origin < len(panel.periods) else 'the forecast'}"
            f" (the models want {wanted}); forecasts lean on their priors"
        )
    never = int((panel.attacks[:origin].sum(axis=0) == 0).sum())
    if never:
        notes.append(
            f"{never} of {len(panel.units)} units had no attack before the first origin: "
            "their forecasts come from the prior (the pooled rate of all units)"
        )
    if panel.unplaced:
        notes.append(f"{panel.unplaced:,} incidents in the range could not be placed in a unit and are not counted")
    return notes


def _position(panel: Panel, period: pd.Period | str, side: str) -> int:
    wanted = parse_period(period, panel.freq, side=side) if isinstance(period, str) else period
    label = str(wanted) if panel.freq == "month" else wanted.start_time.date().isoformat()
    if wanted < panel.periods[0]:
        raise ForecastError(f"{label} is before the first incident ({panel.period_label(0)})")
    if wanted > panel.periods[-1]:
        raise ForecastError(f"{label} is after the last incident ({panel.period_label(len(panel.periods) - 1)})")
    return panel.index_of(wanted)


def truncated_panel(panel: Panel, *, origin: int) -> Panel:
    """``panel`` cut just before ``origin``: the periods, counts and events before it, nothing after.

    A model fitted at ``origin`` must forecast the same from it as from the whole panel.
    """
    return dataclasses.replace(
        panel,
        periods=panel.periods[:origin],
        attacks=panel.attacks[:origin].copy(),
        security_attacks=panel.security_attacks[:origin].copy(),
        fatalities=panel.fatalities[:origin].copy(),
        events=panel.events[panel.events["t"] < origin].reset_index(drop=True),
    )


def check_no_leakage(
    make_model: Callable[[], ForecastModel], panel: Panel, *, origins: Sequence[int], horizon: int = 1
) -> list[str]:
    """Differences between forecasts made on ``panel`` and on ``panel`` cut before each origin.

    Empty when the model reads nothing at or after the origin. A fresh model is made for each run,
    so no state carries over between the two.
    """
    problems: list[str] = []
    for origin in origins:
        full_model, cut_model = make_model(), make_model()
        full_model.fit(panel, origin=origin)
        full = full_model.predict(panel, origin=origin, horizon=horizon)
        cut = truncated_panel(panel, origin=origin)
        cut_model.fit(cut, origin=origin)
        truncated = cut_model.predict(cut, origin=origin, horizon=horizon)
        for field in _FORECAST_FIELDS:
            a, b = getattr(full, field), getattr(truncated, field)
            if not np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True):
                worst = int(np.nanargmax(np.abs(a - b)))
                problems.append(
                    f"{full_model.name} at origin {origin} ({panel.period_label(origin)}): {field} differs "
                    f"(unit {panel.units[worst]}: {a[worst]:.6g} with the future, {b[worst]:.6g} without)"
                )
    return problems
