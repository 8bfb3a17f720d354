"""Alerts from a stored forecast run: what changed that an analyst should look at.

Four kinds, each about one unit (district or cell) and the run's first forecast period:

- ``threshold``: the default model's probability of an attack is at or above ``threshold``
  (``crossed`` when the previous run of the same unit and frequency had it below);
- ``jump_run``: the probability rose by at least ``jump`` since the previous stored run;
- ``jump_level``: the probability is at least ``jump`` above the unit's own recent level (the
  share of its last ``recent_periods`` periods with an attack);
- ``new_group``: a group (not ``Unknown``) had its first incident in the unit within the last
  ``new_group_periods`` periods before the run's origin, after none earlier.

The recent level and the groups come from the incidents before the run's origin (the panel the
caller passes), so an alert never uses what the forecast could not know.

>>> import pandas as pd
>>> values = pd.DataFrame({"model": ["ewma", "ewma"], "unit_id": ["PK1", "PK2"], "period": ["2012-01"] * 2,
...     "horizon": [1, 1], "p_attack": [0.8, 0.1]})
>>> [(a.kind, a.unit_id) for a in threshold_alerts(values, default_model="ewma", threshold=0.5)]
[('threshold', 'PK1')]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

from nigehban.forecast.panel import Panel

__all__ = ["Alert", "jump_alerts", "level_alerts", "new_group_alerts", "threshold_alerts"]


@dataclasses.dataclass(frozen=True)
class Alert:
    kind: str
    """``threshold``, ``jump_run``, ``jump_level`` or ``new_group``."""
    unit_id: str
    period: str
    p_attack: float | None
    message: str
    previous: float | None = None
    """The value compared with: the previous run's probability, or the unit's recent level."""
    group: str | None = None
    unit_name: str | None = None


def _first_horizon(values: pd.DataFrame, model: str) -> pd.DataFrame:
    chosen = values[(values["model"] == model) & (values["horizon"] == 1)]
    return chosen.set_index("unit_id")


def threshold_alerts(
    values: pd.DataFrame, *, default_model: str, threshold: float, previous: pd.DataFrame | None = None
) -> list[Alert]:
    """Units whose ``p_attack`` is at or above ``threshold`` (``previous``: the prior run's values)."""
    current = _first_horizon(values, default_model)
    before = _first_horizon(previous, default_model)["p_attack"] if previous is not None else None
    alerts = []
    for unit_id, row in current[current["p_attack"] >= threshold].sort_values("p_attack", ascending=False).iterrows():
        earlier = None if before is None else before.get(unit_id)
        crossed = earlier is not None and earlier < threshold
        message = f"p(attack) {row['p_attack']:.2f} ≥ {threshold:.2f}" + (
            f" (crossed: {earlier:.2f} in the previous run)" if crossed else ""
        )
        alerts.append(
            Alert(
                "threshold",
                str(unit_id),
                str(row["period"]),
                float(row["p_attack"]),
                message,
                previous=None if earlier is None else float(earlier),
            )
        )
    return alerts


def jump_alerts(values: pd.DataFrame, previous: pd.DataFrame, *, default_model: str, jump: float) -> list[Alert]:
    """Units whose ``p_attack`` rose by at least ``jump`` since the previous run."""
    current = _first_horizon(values, default_model)
    before = _first_horizon(previous, default_model)["p_attack"]
    joined = current.join(before.rename("before"), how="inner")
    rising = joined[joined["p_attack"] - joined["before"] >= jump - 1e-12]
    return [
        Alert(
            "jump_run",
            str(unit_id),
            str(row["period"]),
            float(row["p_attack"]),
            f"p(attack) rose from {row['before']:.2f} to {row['p_attack']:.2f} since the previous run",
            previous=float(row["before"]),
        )
        for unit_id, row in rising.sort_values("p_attack", ascending=False).iterrows()
    ]


def level_alerts(
    values: pd.DataFrame, panel: Panel, *, default_model: str, jump: float, recent_periods: int = 12
) -> list[Alert]:
    """Units whose ``p_attack`` is at least ``jump`` above their share of recent periods with an attack.

    ``panel`` holds the periods before the run's origin (its last ``recent_periods`` are the level).
    """
    current = _first_horizon(values, default_model)
    recent = panel.attacks[-recent_periods:] if len(panel.periods) else np.zeros((0, len(panel.units)))
    level = pd.Series((recent > 0).mean(axis=0) if len(recent) else 0.0, index=list(panel.units))
    alerts = []
    for unit_id, row in current.sort_values("p_attack", ascending=False).iterrows():
        usual = level.get(unit_id)
        if usual is not None and row["p_attack"] - usual >= jump - 1e-12:
            alerts.append(
                Alert(
                    "jump_level",
                    str(unit_id),
                    str(row["period"]),
                    float(row["p_attack"]),
                    f"p(attack) {row['p_attack']:.2f} against {usual:.2f}, "
                    f"its share of the last {len(recent)} periods with an attack",
                    previous=float(usual),
                )
            )
    return alerts


def new_group_alerts(panel: Panel, *, period: str, new_group_periods: int = 3) -> list[Alert]:
    """Groups whose first incident in a unit fell in the last ``new_group_periods`` periods of ``panel``."""
    events = panel.events
    events = events[events["perpetrator"].notna() & (events["perpetrator"] != "Unknown")]
    if events.empty:
        return []
    first = events.groupby(["u", "perpetrator"], sort=False)["t"].min()
    since = len(panel.periods) - new_group_periods
    new = first[first >= since].sort_values(ascending=False)
    found = [(int(u), str(group), int(t)) for u, group, t in zip(*zip(*new.index, strict=True), new, strict=True)]
    return [
        Alert(
            "new_group",
            panel.units[u],
            period,
            None,
            f"first incident of {group} in this unit ({panel.period_label(t)})",
            group=group,
        )
        for u, group, t in found
    ]


def name_alerts(alerts: list[Alert], names: Mapping[str, str]) -> list[Alert]:
    """The alerts with their units' names."""
    return [dataclasses.replace(alert, unit_name=names.get(alert.unit_id)) for alert in alerts]
