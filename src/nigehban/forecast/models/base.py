"""What every forecasting model is: fitted on the periods before an origin, predicting one period ahead of it.

The backtest (``nigehban.forecast.backtest``) and the live forecast call, for each origin ``o`` (a
position in ``panel.periods``):

    model.fit(panel, origin=o)                      # may read only periods t < o and events time < o
    forecast = model.predict(panel, origin=o, horizon=h)   # for period o + h - 1, h in 1..3

``fit`` is idempotent: calling it again with the same panel object and origin does nothing (a
model remembers ``(id(panel), origin)`` of its last fit), so that an ensemble can fit its components
and the backtest can fit every model without paying twice. ``origin`` may equal
``len(panel.periods)``: a live forecast predicts the period after the panel's last (the backtest's
leakage check also cuts the panel just before the origin), so a model must not index
``panel.periods[origin]`` -- the target period is ``panel.periods[0] + origin + horizon - 1``.

A model may keep what it learned at an earlier origin and refit only now and then (warm starts,
refitting every few periods) -- as long as nothing it uses lies at or after ``o``. The panel passed
holds data after the origin too (the backtest builds one panel for the whole range); reading it is
the bug the backtest's leakage test catches.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol, runtime_checkable

import numpy as np

from nigehban.forecast.panel import Panel

__all__ = ["Forecast", "ForecastModel", "InsufficientHistory", "refit_interval", "training_window"]


class InsufficientHistory(ValueError):
    """Too few periods before the origin for a model to be fitted."""


@dataclasses.dataclass(frozen=True, eq=False)
class Forecast:
    """One model's forecast for every unit of a panel, for one period. Arrays have shape (U,)."""

    p_attack: np.ndarray
    """Probability of at least one attack."""
    p_security_attack: np.ndarray
    """Probability of at least one attack on police or security forces."""
    expected_attacks: np.ndarray
    expected_fatalities: np.ndarray
    fatalities_low: np.ndarray
    """Lower end of the 80 % interval of fatalities."""
    fatalities_high: np.ndarray
    """Upper end of the 80 % interval of fatalities."""

    def __post_init__(self) -> None:
        shapes = {getattr(self, field.name).shape for field in dataclasses.fields(self)}
        if len(shapes) != 1:
            raise ValueError(f"forecast arrays differ in shape: {sorted(shapes)}")
        if np.any((self.p_attack < 0) | (self.p_attack > 1)) or np.any(np.isnan(self.p_attack)):
            raise ValueError("p_attack must lie in [0, 1]")


@runtime_checkable
class ForecastModel(Protocol):
    """A forecasting model (see the module docstring for the contract)."""

    name: str
    """Name in the backtest CSV's ``model`` column, e.g. ``"ewma"``."""

    def fit(self, panel: Panel, *, origin: int) -> None: ...

    def predict(self, panel: Panel, *, origin: int, horizon: int = 1) -> Forecast: ...


def refit_interval(refit_every: int | None, panel: Panel) -> int:
    """Periods between refits of a model refitted on a grid: ``refit_every``, else 3 months or 13 weeks."""
    if refit_every is not None:
        if refit_every < 1:
            raise ValueError(f"refit_every must be at least 1, not {refit_every}")
        return refit_every
    return 13 if panel.freq == "week" else 3


def training_window(window: int | None, panel: Panel) -> int | None:
    """A training window in periods of ``panel``: the monthly default (240) means ten years of weeks (520)."""
    if window is None or panel.freq == "month":
        return window
    return 520 if window == 240 else window
