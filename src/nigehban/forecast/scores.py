"""How well a backtest's forecasts scored: the definitions of the evaluation's ``score_forecast.py``.

:func:`score_backtest` takes the rows of a backtest (:data:`~nigehban.forecast.backtest.BACKTEST_COLUMNS`)
and scores each model on whether a unit had at least one attack in a period:

- ``aupr``: average precision with tied probabilities grouped (the main ranking score);
- ``auroc``: the area under the ROC curve (ties share their mean rank);
- ``brier`` and ``brier_skill`` (against a constant forecast of the base rate);
- ``log_loss`` with probabilities clipped to [1e-6, 1 - 1e-6];
- ``top10_capture``: the share of a period's attacked units found in its 10 % of units of highest
  risk, averaged over the periods that had an attack;
- ``ece``: calibration error over ten equal-width probability bins;
- ``fatalities_msle``: the squared log error of the expected fatalities.

Caveat: a range in which no unit had an attack has no AUPR or AUROC (``None``), and every score is
over the units and periods of that one backtest: compare models only within the same backtest.

>>> import pandas as pd
>>> rows = pd.DataFrame({"model": ["a"] * 4, "unit_id": ["x", "y", "x", "y"], "period": ["1", "1", "2", "2"],
...     "p_attack": [0.9, 0.1, 0.8, 0.3], "expected_fatalities": [1.0, 0.0, 1.0, 0.0],
...     "observed_attacks": [1, 0, 1, 0], "observed_fatalities": [2.0, 0.0, 0.0, 0.0], "default": [True] * 4})
>>> score = score_backtest(rows)[0]
>>> score["model"], score["aupr"], score["auroc"], round(score["brier"], 4)
('a', 1.0, 1.0, 0.0375)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SCORE_NAMES", "auroc", "average_precision", "score_backtest"]

SCORE_NAMES = ("aupr", "auroc", "brier", "brier_skill", "log_loss", "top10_capture", "ece", "fatalities_msle")
"""The scores :func:`score_backtest` gives each model, in the order the scorer prints them."""


def average_precision(y: np.ndarray, p: np.ndarray) -> float | None:
    """Average precision of ``p`` for the 0/1 outcomes ``y``, tied probabilities grouped; ``None`` without
    a positive."""
    if not y.any():
        return None
    order = np.argsort(-p, kind="mergesort")
    y, p = y[order], p[order]
    ends = np.r_[np.nonzero(np.diff(p))[0], len(p) - 1]
    hits = np.cumsum(y)[ends]
    precision = hits / (ends + 1)
    recall_gain = np.diff(np.r_[0, hits]) / y.sum()
    return float((precision * recall_gain).sum())


def auroc(y: np.ndarray, p: np.ndarray) -> float | None:
    """Area under the ROC curve (ties share their mean rank); ``None`` unless both outcomes occur."""
    from scipy.stats import rankdata

    positives = int(y.sum())
    negatives = len(y) - positives
    if not positives or not negatives:
        return None
    ranks = rankdata(p)
    return float((ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _top10_capture(y: np.ndarray, p: np.ndarray, periods: np.ndarray) -> float | None:
    captured = []
    for period in np.unique(periods):
        rows = np.nonzero(periods == period)[0]
        attacked = y[rows].sum()
        if attacked == 0:
            continue
        top = rows[np.argsort(-p[rows], kind="mergesort")][: max(1, round(0.1 * len(rows)))]
        captured.append(y[top].sum() / attacked)
    return float(np.mean(captured)) if captured else None


def _calibration_error(y: np.ndarray, p: np.ndarray) -> float:
    bins = np.minimum((p * 10).astype(int), 9)
    error = 0.0
    for b in range(10):
        chosen = bins == b
        if chosen.any():
            error += abs(p[chosen].mean() - y[chosen].mean()) * chosen.mean()
    return float(error)


def score_backtest(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Scores per model (in the order the models first appear) of backtest rows; see the module doc.

    Each dict has ``model``, ``default`` (the product's default model), the :data:`SCORE_NAMES`, and
    ``cells``, ``attack_cells`` and ``base_rate`` of the rows scored.
    """
    scores = []
    for model, rows in frame.groupby("model", sort=False):
        rows = rows.sort_values(["unit_id", "period"], kind="stable")
        y = (rows["observed_attacks"].to_numpy(dtype=float) > 0).astype(int)
        p = np.clip(rows["p_attack"].to_numpy(dtype=float), 1e-6, 1 - 1e-6)
        expected = np.maximum(rows["expected_fatalities"].to_numpy(dtype=float), 0)
        observed = rows["observed_fatalities"].to_numpy(dtype=float)
        base_rate = float(y.mean())
        brier = float(((p - y) ** 2).mean())
        constant = float(((base_rate - y) ** 2).mean())
        scores.append(
            {
                "model": str(model),
                "default": bool(rows["default"].iloc[0]),
                "aupr": average_precision(y, p),
                "auroc": auroc(y, p),
                "brier": brier,
                "brier_skill": 1 - brier / constant if constant else None,
                "log_loss": float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean()),
                "top10_capture": _top10_capture(y, p, rows["period"].astype(str).to_numpy()),
                "ece": _calibration_error(y, p),
                "fatalities_msle": float(((np.log1p(expected) - np.log1p(observed)) ** 2).mean()),
                "cells": len(rows),
                "attack_cells": int(y.sum()),
                "base_rate": base_rate,
            }
        )
    return scores
