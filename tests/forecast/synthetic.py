"""Hand-made (synthetic) event frames for the forecasting tests: nothing here is real."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nigehban.forecast.panel import Panel, build_panel

UNITS = ("PK1", "PK2", "PK3", "PK4")


def events(rows: list[tuple[str, str | None, float]], *, perpetrator: str = "Unknown") -> pd.DataFrame:
    """A load_events-like frame from ``(date, district_pcode, killed)`` rows."""
    return pd.DataFrame(
        {
            "id": range(1, len(rows) + 1),
            "date": pd.to_datetime([row[0] for row in rows]),
            "date_precision": "day",
            "district_pcode": [row[1] for row in rows],
            "killed": [row[2] for row in rows],
            "killed_perpetrators": 0.0,
            "security_target": [index % 2 == 0 for index in range(len(rows))],
            "perpetrator": perpetrator,
        }
    )


def random_panel(*, seed: int = 1, months: int = 72, freq: str = "month") -> tuple[pd.DataFrame, Panel]:
    """A few years of random attacks in four units of different intensity (PK4: none at all)."""
    rng = np.random.default_rng(seed)
    rates = {"PK1": 3.0, "PK2": 0.6, "PK3": 0.1}
    start = pd.Timestamp("2005-01-01")
    days = months * 30  # a little short of the span: the last weeks may be quiet
    rows: list[tuple[str, str | None, float]] = []
    for unit, rate in rates.items():
        count = rng.poisson(rate * months)
        offsets = np.sort(rng.integers(0, days, size=count))
        rows += [((start + pd.Timedelta(days=int(d))).date().isoformat(), unit, float(rng.poisson(2))) for d in offsets]
    rows.sort()
    frame = events(rows)
    frame["perpetrator"] = np.where(np.arange(len(frame)) % 3 == 0, "Group A", "Unknown")
    last_day = (start + pd.DateOffset(months=months) - pd.Timedelta(days=1)).date().isoformat()
    end = pd.Period(last_day, freq="M" if freq == "month" else "W-SUN")
    return frame, build_panel(frame, units=UNITS, freq=freq, end=end)  # type: ignore[arg-type]
