"""Trends: attacks, casualties and lethality per month, quarter or year, and the share of attacks on police.

Every period between the first and the last of the selection is listed, with zeros where nothing
happened (a missing month is a month without attacks, not a gap in the table).

Caveats:

* ``killed`` is the number of victims killed (perpetrators killed are counted apart by the sources and
  left out); a toll the source did not report counts as zero in the sums but is left out of the
  lethality, which is the mean toll over the attacks whose toll *is* reported (``lethality_n``).
* "Attacks on police and security forces" are those whose target type is police or military
  (:data:`~nigehban.analysis.events.SECURITY_TARGETS`; GTD codes FC, Levies and Rangers as military).
* Incidents dated only to the month or year fall in that month or year's period (in the first day's).

>>> import pandas as pd
>>> events = pd.DataFrame({
...     "id": [1, 2, 3], "date": pd.to_datetime(["2010-01-05", "2010-03-01", "2012-06-30"]),
...     "killed": [2.0, float("nan"), 4.0], "wounded": [1.0, 0.0, 3.0],
...     "security_target": [True, False, False]})
>>> result = compute_trends(events, freq="year")
>>> result.to_frame()[["period", "attacks", "killed", "lethality", "lethality_n", "security_share"]]
  period  attacks  killed  lethality  lethality_n  security_share
0   2010        2     2.0        2.0            1             0.5
1   2011        0     0.0        NaN            0             NaN
2   2012        1     4.0        4.0            1             0.0
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any, Literal

import numpy as np
import pandas as pd

from nigehban.errors import EmptySelection, InvalidFieldValue
from nigehban.store.queries import IncidentFilter

__all__ = [
    "FREQS",
    "Freq",
    "TrendResult",
    "compute_trends",
    "describe_filter",
    "jsonable_records",
    "period_index",
    "require_events",
]

Freq = Literal["month", "quarter", "year"]
FREQS: dict[str, str] = {"month": "M", "quarter": "Q", "year": "Y"}
"""The periods an analysis can count by, and their pandas codes."""


def describe_filter(filter: IncidentFilter | None) -> str:
    """The criteria of a filter in words, for messages ("province=Sindh, group=...")."""
    if filter is None:
        return "(no filter)"
    parts = [f"{field.name}={value}" for field in dataclasses.fields(filter) if (value := getattr(filter, field.name))]
    parts += ["suicide=False"] if filter.suicide is False else []
    return ", ".join(parts) or "(no filter)"


def require_events(events: pd.DataFrame, filter: IncidentFilter | None, *, what: str = "incidents") -> None:
    """Raise :class:`~nigehban.errors.EmptySelection` when ``events`` is empty: never a silent empty result."""
    if events.empty:
        raise EmptySelection(
            f"no {what} match the filter {describe_filter(filter)}; widen it (`nigehban incidents list` with "
            "the same options shows what the store holds)"
        )


def _freq_code(freq: str) -> str:
    try:
        return FREQS[freq]
    except KeyError:
        raise InvalidFieldValue("freq", freq, f"not one of: {', '.join(FREQS)}") from None


def period_index(
    dates: pd.Series, *, freq: str, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[pd.PeriodIndex, np.ndarray]:
    """Every period from ``start`` (or the first date) to ``end`` (or the last), and each date's position in it."""
    code = _freq_code(freq)
    periods = pd.PeriodIndex(pd.to_datetime(dates), freq=code)
    first = pd.Period(start, freq=code) if start is not None else periods.min()
    last = pd.Period(end, freq=code) if end is not None else periods.max()
    index = pd.period_range(first, last, freq=code)
    # ordinals count periods since the epoch: the difference is the position in the index
    positions = np.asarray(periods.asi8, dtype=np.int64) - int(first.ordinal)
    return index, positions


def jsonable_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: NaN becomes ``None``, numpy scalars plain Python, dates ISO strings."""
    records: list[dict[str, Any]] = []
    for row in frame.to_dict(orient="records"):
        clean: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, np.generic):
                value = value.item()
            if (isinstance(value, float) and math.isnan(value)) or value is pd.NaT or value is pd.NA:
                value = None
            elif isinstance(value, pd.Timestamp | dt.date):
                value = value.isoformat()[:10]
            elif isinstance(value, pd.Period):
                value = str(value)
            clean[str(key)] = value
        records.append(clean)
    return records


@dataclasses.dataclass(frozen=True)
class TrendResult:
    """Counts per period (see the module's caveats); ``frame`` has one row per period."""

    freq: str
    filter: str
    frame: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The table: ``period``, ``start``, ``attacks``, ``killed``, ``wounded``, ``lethality``,
        ``lethality_n``, ``security_attacks``, ``security_share``, ``security_killed``,
        ``security_lethality``, ``security_lethality_n``."""
        return self.frame.copy()

    def as_json_dict(self) -> dict[str, Any]:
        totals = self.frame[["attacks", "killed", "wounded", "security_attacks"]].sum()
        return {
            "analysis": "trends",
            "freq": self.freq,
            "filter": self.filter,
            "totals": {
                name: float(value) if name in ("killed", "wounded") else int(value) for name, value in totals.items()
            },
            "periods": jsonable_records(self.frame),
        }


def _lethality(killed: np.ndarray, positions: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    reported = ~np.isnan(killed)
    count = np.bincount(positions[reported], minlength=size)
    total = np.bincount(positions[reported], weights=killed[reported], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):  # periods without a reported toll have no lethality
        mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return mean, count


def compute_trends(
    events: pd.DataFrame,
    *,
    freq: str = "year",
    start: dt.date | None = None,
    end: dt.date | None = None,
    filter: IncidentFilter | None = None,
) -> TrendResult:
    """Attacks, killed, wounded, lethality and the police/security share per period of ``events``.

    ``events`` is a frame of :func:`~nigehban.analysis.events.load_events` (columns ``date``,
    ``killed``, ``wounded``, ``security_target`` are used). ``start``/``end`` widen the range of
    periods (default: the first and last event's). ``filter`` only names the selection in messages.
    Raises :class:`~nigehban.errors.EmptySelection` for no events.
    """
    require_events(events, filter)
    index, positions = period_index(events["date"], freq=freq, start=start, end=end)
    inside = (positions >= 0) & (positions < len(index))
    events, positions = events[inside], positions[inside]
    require_events(events, filter)
    size = len(index)
    killed = events["killed"].to_numpy(dtype=np.float64)
    wounded = events["wounded"].to_numpy(dtype=np.float64)
    security = events["security_target"].to_numpy(dtype=bool)
    attacks = np.bincount(positions, minlength=size)
    security_attacks = np.bincount(positions[security], minlength=size)
    lethality, lethality_n = _lethality(killed, positions, size)
    security_lethality, security_lethality_n = _lethality(killed[security], positions[security], size)
    with np.errstate(invalid="ignore", divide="ignore"):  # a period without attacks has no share
        share = np.where(attacks > 0, security_attacks / np.maximum(attacks, 1), np.nan)
    frame = pd.DataFrame(
        {
            "period": [str(period) for period in index],
            "start": [period.start_time.date() for period in index],
            "attacks": attacks,
            "killed": np.bincount(positions, weights=np.nan_to_num(killed), minlength=size),
            "wounded": np.bincount(positions, weights=np.nan_to_num(wounded), minlength=size),
            "lethality": lethality,
            "lethality_n": lethality_n,
            "security_attacks": security_attacks,
            "security_share": share,
            "security_killed": np.bincount(
                positions[security], weights=np.nan_to_num(killed[security]), minlength=size
            ),
            "security_lethality": security_lethality,
            "security_lethality_n": security_lethality_n,
        }
    )
    return TrendResult(freq=freq, filter=describe_filter(filter), frame=frame)
