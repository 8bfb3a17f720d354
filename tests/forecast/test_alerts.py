"""Alert rules on hand-made forecast values and a synthetic panel."""

from __future__ import annotations

import pandas as pd

from nigehban.forecast.alerts import jump_alerts, level_alerts, new_group_alerts, threshold_alerts
from nigehban.forecast.panel import build_panel
from tests.forecast.synthetic import events


def _values(p: list[float], period: str = "2012-03") -> pd.DataFrame:
    return pd.DataFrame(
        {"model": "ewma", "unit_id": ["PK1", "PK2", "PK3"], "period": period, "horizon": 1, "p_attack": p}
    )


def test_threshold_marks_crossings_against_the_previous_run() -> None:
    alerts = threshold_alerts(
        _values([0.9, 0.6, 0.1]), default_model="ewma", threshold=0.5, previous=_values([0.8, 0.3, 0.0])
    )
    assert [(a.unit_id, "crossed" in a.message) for a in alerts] == [("PK1", False), ("PK2", True)]


def test_jumps_since_the_previous_run_and_above_the_recent_level() -> None:
    rises = jump_alerts(_values([0.9, 0.6, 0.1]), _values([0.85, 0.3, 0.0]), default_model="ewma", jump=0.2)
    assert [(a.unit_id, a.previous) for a in rises] == [("PK2", 0.3)]
    frame = events([("2012-01-05", "PK1", 0.0), ("2012-02-05", "PK1", 0.0)])
    panel = build_panel(frame, units=["PK1", "PK2", "PK3"])
    above = level_alerts(_values([0.9, 0.6, 0.1]), panel, default_model="ewma", jump=0.3, recent_periods=2)
    assert [a.unit_id for a in above] == ["PK2"]  # PK1 was attacked in both recent months: 0.9 is its usual


def test_a_group_new_to_a_district_is_an_alert_an_old_one_is_not() -> None:
    frame = events([("2011-01-05", "PK1", 0.0), ("2012-02-05", "PK1", 0.0), ("2012-02-06", "PK2", 0.0)])
    frame["perpetrator"] = ["Group A", "Group A", "Group B"]
    panel = build_panel(frame, units=["PK1", "PK2"])
    alerts = new_group_alerts(panel, period="2012-03", new_group_periods=3)
    assert [(a.unit_id, a.group) for a in alerts] == [("PK2", "Group B")]
