"""build_panel on hand-made (synthetic) frames: counts, weeks from Monday, unplaced incidents, covariates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nigehban.forecast.panel import build_panel
from tests.forecast.synthetic import events


def test_counts_attacks_security_attacks_and_fatalities_per_month() -> None:
    frame = events([("2010-01-03", "PK1", 2.0), ("2010-01-20", "PK1", float("nan")), ("2010-03-01", "PK2", 1.0)])
    panel = build_panel(frame, units=["PK1", "PK2"])
    assert [str(p) for p in panel.periods] == ["2010-01", "2010-02", "2010-03"]
    assert panel.attacks.tolist() == [[2, 0], [0, 0], [0, 1]]
    assert panel.security_attacks.tolist() == [[1, 0], [0, 0], [0, 1]]  # rows 0 and 2 target security
    assert panel.fatalities.tolist() == [[2.0, 0.0], [0.0, 0.0], [0.0, 1.0]]  # a missing toll counts as 0
    assert panel.period_label(2) == "2010-03"


def test_weeks_start_on_monday() -> None:
    # 2012-01-01 is a Sunday: it belongs to the week of Monday 2011-12-26; 2012-01-02 starts the next
    frame = events([("2012-01-01", "PK1", 0.0), ("2012-01-02", "PK1", 0.0), ("2012-01-08", "PK1", 0.0)])
    panel = build_panel(frame, units=["PK1"], freq="week")
    assert [panel.period_label(t) for t in range(len(panel.periods))] == ["2011-12-26", "2012-01-02"]
    assert panel.attacks[:, 0].tolist() == [1, 2]
    assert all(period.start_time.weekday() == 0 for period in panel.periods)


def test_unplaced_incidents_are_counted_not_dropped_silently() -> None:
    frame = events([("2010-01-03", "PK1", 0.0), ("2010-01-04", None, 0.0), ("2010-01-05", "PK9", 0.0)])
    panel = build_panel(frame, units=["PK1"])
    assert panel.attacks.sum() == 1
    assert panel.unplaced == 2


def test_covariates_and_neighbours_line_up_with_units() -> None:
    frame = events([("2010-01-03", "PK1", 0.0)])
    panel = build_panel(
        frame,
        units=["PK1", "PK2", "PK3"],
        neighbours={"PK1": ["PK3", "PK7"]},
        covariates={"PK3": {"population": 10.0}, "PK1": {"population": 5.0, "literacy": 0.4}},
    )
    assert panel.covariates.loc["PK1", "population"] == 5.0
    assert np.isnan(panel.covariates["population"].to_numpy()[1])
    assert panel.neighbours.toarray().astype(int).tolist() == [[0, 0, 1], [0, 0, 0], [1, 0, 0]]


def test_a_panel_needs_units_and_dated_events() -> None:
    with pytest.raises(ValueError, match="at least one unit"):
        build_panel(events([("2010-01-03", "PK1", 0.0)]), units=[])
    with pytest.raises(ValueError, match="no dated incidents"):
        build_panel(events([]).astype({"date": "datetime64[ns]"}), units=["PK1"])
    empty = build_panel(events([]).astype({"date": "datetime64[ns]"}), units=["PK1"], start="2010-01", end="2010-02")
    assert empty.attacks.tolist() == [[0], [0]]
    assert isinstance(empty.periods, pd.PeriodIndex)
