"""Backtest scores are the evaluation scorer's, score for score."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nigehban.forecast.scores import SCORE_NAMES, auroc, average_precision, score_backtest
from tests.helpers import eval_scorer

# our name -> the scorer's
SCORER_NAMES = {
    "aupr": "aupr",
    "auroc": "auroc",
    "brier": "brier",
    "brier_skill": "brier_skill_vs_constant",
    "log_loss": "log_loss",
    "top10_capture": "top10pct_capture",
    "ece": "ece",
    "fatalities_msle": "fatalities_msle",
}


def _backtest_rows(seed: int) -> pd.DataFrame:
    """Two models over 30 units x 12 periods; probabilities with ties (rounded), some periods quiet."""
    rng = np.random.default_rng(seed)
    units, periods = [f"U{i:02d}" for i in range(30)], [f"2011-{m:02d}" for m in range(1, 13)]
    risk = rng.uniform(0, 0.6, size=(len(periods), len(units)))
    risk[3] = 0.0  # a period without any attack
    attacks = rng.poisson(risk)
    fatalities = attacks * rng.integers(0, 6, size=attacks.shape)
    frames = []
    for model, noise in (("good", 0.05), ("poor", 0.4)):
        p = np.clip(risk + rng.normal(0, noise, size=risk.shape), 0, 1).round(2)
        frames.append(
            pd.DataFrame(
                {
                    "model": model,
                    "unit_id": np.tile(units, len(periods)),
                    "period": np.repeat(periods, len(units)),
                    "p_attack": p.ravel(),
                    "expected_fatalities": (p * 2).ravel(),
                    "observed_attacks": attacks.ravel(),
                    "observed_fatalities": fatalities.ravel().astype(float),
                    "default": model == "good",
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_score_is_the_evaluation_scorers(seed: int) -> None:
    scorer = eval_scorer("score_forecast")
    rows = _backtest_rows(seed)
    official = scorer.score(rows.astype({"default": str}).to_dict(orient="records"))
    ours = {score["model"]: score for score in score_backtest(rows)}
    assert set(ours) == set(official["models"]) == {"good", "poor"}
    for model, theirs in official["models"].items():
        for name in SCORE_NAMES:
            assert ours[model][name] == pytest.approx(theirs[SCORER_NAMES[name]], rel=1e-9, abs=1e-12), (model, name)
        assert ours[model]["cells"] == official["cells"]
        assert ours[model]["attack_cells"] == official["attack_cells"]
    assert ours["good"]["default"] is True
    assert ours["poor"]["default"] is False
    assert ours["good"]["aupr"] > ours["poor"]["aupr"]


def test_ranking_scores_by_hand() -> None:
    y = np.array([1, 0, 1, 0])
    # ties grouped: the two 0.5s are ranked together (precision 1/2 at the block's end)
    assert average_precision(y, np.array([0.9, 0.5, 0.5, 0.1])) == pytest.approx(0.5 * 1 + 0.5 * (2 / 3))
    assert auroc(y, np.array([0.9, 0.5, 0.5, 0.1])) == pytest.approx(0.875)
    assert average_precision(np.zeros(3, dtype=int), np.array([0.1, 0.2, 0.3])) is None
    assert auroc(np.ones(3, dtype=int), np.array([0.1, 0.2, 0.3])) is None
