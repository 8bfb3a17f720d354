"""Early warning: district (or H3 cell) forecasts of attacks and their toll, backtests, alerts.

- :mod:`~nigehban.forecast.panel`: the unit x period panel the models read;
- :mod:`~nigehban.forecast.baselines`: ``climatology`` and ``ewma``;
- :mod:`~nigehban.forecast.registry`: the available models and the default;
- :mod:`~nigehban.forecast.backtest`: the rolling-origin backtest and its leakage check;
- :mod:`~nigehban.forecast.live`: forecasts from the store, stored runs;
- :mod:`~nigehban.forecast.alerts`: alerts from a stored run.
"""

from nigehban.forecast.backtest import BACKTEST_COLUMNS, BacktestResult, check_no_leakage, parse_period, run_backtest
from nigehban.forecast.baselines import Climatology, Ewma
from nigehban.forecast.panel import Freq, Panel, build_panel, period_of
from nigehban.forecast.registry import available_models, default_model_name, select_models

__all__ = [
    "BACKTEST_COLUMNS",
    "BacktestResult",
    "Climatology",
    "Ewma",
    "Freq",
    "Panel",
    "available_models",
    "build_panel",
    "check_no_leakage",
    "default_model_name",
    "parse_period",
    "period_of",
    "run_backtest",
    "select_models",
]
