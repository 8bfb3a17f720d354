"""The product's default forecast on real data: GTD 2012, district-month, against the EWMA baseline.

The full 2009-2012 backtest (all models, 66 s) is in docs/forecasting.md and BENCHMARKS.md; this
runs the default and the EWMA over the twelve months of 2012 only, so that the suite notices when
the default stops beating the baseline or loses its calibration.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nigehban import Nigehban, Settings
from tests.helpers import GTD_PAKISTAN, eval_scorer, shared_data

pytestmark = pytest.mark.data


def test_the_default_beats_the_ewma_and_stays_calibrated_on_gtd_2012(tmp_path: Path) -> None:
    scorer = eval_scorer("score_forecast")
    districts, gtd = shared_data("geo/pak_adm2_districts.geojson"), shared_data(GTD_PAKISTAN)
    with Nigehban(Settings(database_url=f"sqlite:///{tmp_path / 'gtd.db'}", actor="test")) as app:
        app.init()
        app.import_boundaries(districts, level="district")
        app.import_gtd(gtd)
        result = app.forecast_backtest(freq="month", start="2012-01", end="2012-12", models=["ewma", "ensemble"])
    with result.to_csv(tmp_path / "backtest.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["model"] for row in rows if row["default"] == "true"} == {"ensemble"}
    scores = scorer.score(rows)
    assert (scores["units"], scores["periods"]) == (158, 12)
    default, ewma = scores["models"]["ensemble"], scores["models"]["ewma"]
    assert default["brier"] < ewma["brier"], (default, ewma)
    assert default["log_loss"] < ewma["log_loss"]
    assert default["aupr"] > 0.7
    assert default["ece"] < 0.05
