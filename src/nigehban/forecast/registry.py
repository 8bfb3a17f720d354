"""The forecasting models Nigehban knows, and which one the product uses by default.

:func:`available_models` returns fresh instances: the baselines ``climatology`` and ``ewma`` always;
``etas``, ``lightgbm`` and the calibrated ``ensemble`` when their modules import (they need more
than numpy; a missing module is skipped, any other error is a bug and is raised). The default is
``ensemble`` when present, else ``ewma``.

>>> names = [model.name for model in available_models()]
>>> names[:2]
['climatology', 'ewma']
>>> default_model_name(names) in names
True
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from nigehban.errors import ForecastError
from nigehban.forecast.baselines import Climatology, Ewma
from nigehban.forecast.models.base import ForecastModel

__all__ = ["MODEL_NAMES", "available_models", "default_model_name", "select_models"]

_OPTIONAL: tuple[tuple[str, str, str], ...] = (
    ("etas", "nigehban.forecast.models.etas", "EtasModel"),
    ("lightgbm", "nigehban.forecast.models.boosted", "BoostedModel"),
    ("ensemble", "nigehban.forecast.models.ensemble", "CalibratedEnsemble"),
)

MODEL_NAMES = ("climatology", "ewma", *(name for name, _, _ in _OPTIONAL))
"""Every model name Nigehban knows (some may be unavailable in an installation)."""


def available_models() -> list[ForecastModel]:
    """Fresh instances of every model that can run here, baselines first."""
    models: list[ForecastModel] = [Climatology(), Ewma()]
    for _name, module_name, class_name in _OPTIONAL:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        models.append(getattr(module, class_name)())
    return models


def default_model_name(names: Sequence[str]) -> str:
    """The model the product uses by default among ``names``: ``ensemble``, else ``ewma``, else the first."""
    for preferred in ("ensemble", "ewma"):
        if preferred in names:
            return preferred
    if not names:
        raise ForecastError("no forecasting model selected")
    return names[0]


def select_models(names: Sequence[str] | None = None) -> list[ForecastModel]:
    """Fresh instances of the models ``names`` (all available when None); an unknown name is an error."""
    models = available_models()
    if names is None:
        return models
    by_name = {model.name: model for model in models}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        missing = [name for name in unknown if name in MODEL_NAMES]
        if missing:
            raise ForecastError(f"model(s) {', '.join(missing)} not available in this installation")
        raise ForecastError(f"unknown model(s) {', '.join(unknown)}; available: {', '.join(by_name)}")
    if not names:
        raise ForecastError("no forecasting model selected")
    return [by_name[name] for name in dict.fromkeys(names)]
