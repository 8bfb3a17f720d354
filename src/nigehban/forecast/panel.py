"""The unit x period panel every forecasting model reads.

A panel holds, for consecutive periods (months or weeks starting Monday) and a fixed set of units
(district pcodes or H3 cells), the number of attacks, attacks on police and security forces, and
fatalities; the events themselves (for self-exciting models that need times within a period); the
units' contiguity; and the units' covariates (census indicators).

Caveats:

- Incidents whose unit is unknown (no district resolved) are not in ``attacks``; they are counted in
  ``unplaced`` so that a report can say how many attacks the panel could not place.
- Incidents dated only to the month or year (``date_precision``) sit on the first day of that month
  or year in the store; for weekly panels they fall in the first week. ``imprecise`` counts them.
- ``fatalities`` are all deaths: victims plus attackers (``killed + killed_perpetrators``, GTD's
  ``nkill``), with a missing count taken as zero.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = ["Freq", "Panel", "build_panel", "period_of"]

Freq = Literal["month", "week"]
_PANDAS_FREQ: dict[str, str] = {"month": "M", "week": "W-SUN"}  # W-SUN: weeks Monday..Sunday


def period_of(dates: pd.Series | pd.DatetimeIndex, freq: Freq) -> pd.PeriodIndex:
    """The period (month, or ISO week starting Monday) of each date."""
    return pd.PeriodIndex(pd.DatetimeIndex(dates).to_period(_PANDAS_FREQ[freq]))


@dataclasses.dataclass(frozen=True, eq=False)
class Panel:
    """Counts per unit and period, with the events, contiguity and covariates behind them.

    Arrays are indexed ``[t, u]``: ``t`` the position in ``periods``, ``u`` in ``units``.
    """

    freq: Freq
    units: tuple[str, ...]
    periods: pd.PeriodIndex
    """Consecutive periods, oldest first."""
    attacks: np.ndarray
    """int64 (T, U): incidents per period and unit."""
    security_attacks: np.ndarray
    """int64 (T, U): incidents whose target was police or military."""
    fatalities: np.ndarray
    """float64 (T, U): all deaths (victims and attackers; missing counts as zero)."""
    events: pd.DataFrame
    """One row per placed incident: ``t`` (period position), ``u`` (unit position), ``time`` (in periods
    from the start of the panel, fractional within the period), ``fatalities``, ``security_target``,
    ``perpetrator``, ``id``; sorted by ``time``."""
    neighbours: sparse.csr_matrix
    """(U, U) 0/1 contiguity; the diagonal is zero."""
    covariates: pd.DataFrame
    """Indexed by unit id (every unit, NaN where unknown); numeric columns, possibly none."""
    unplaced: int = 0
    """Incidents in the period range whose unit is unknown or not among ``units``."""
    imprecise: int = 0
    """Placed incidents dated only to the month or year."""

    @property
    def shape(self) -> tuple[int, int]:
        periods, units = self.attacks.shape
        return int(periods), int(units)

    def index_of(self, period: pd.Period | str) -> int:
        """Position of a period (``"2009-01"``, or any date inside a week) in ``periods``."""
        wanted = pd.Period(period, freq=self.periods.freq)
        position = self.periods.get_indexer([wanted])[0]
        if position < 0:
            raise KeyError(f"period {wanted} is outside the panel ({self.periods[0]} to {self.periods[-1]})")
        return int(position)

    def period_label(self, t: int) -> str:
        """``YYYY-MM`` for months; the ISO date of the Monday for weeks (the backtest CSV's ``period``)."""
        period = self.periods[t]
        return str(period) if self.freq == "month" else period.start_time.date().isoformat()


def build_panel(
    events: pd.DataFrame,
    *,
    units: Sequence[str],
    freq: Freq = "month",
    unit_column: str = "district_pcode",
    start: pd.Period | str | None = None,
    end: pd.Period | str | None = None,
    neighbours: Mapping[str, Sequence[str]] | None = None,
    covariates: Mapping[str, Mapping[str, float]] | None = None,
) -> Panel:
    """Count ``events`` (a :func:`nigehban.analysis.load_events` frame) per unit and period.

    ``start``/``end`` default to the periods of the first and last event; periods without events are
    kept (all zeros). ``neighbours`` maps a unit to its contiguous units (unknown units ignored);
    ``covariates`` maps a unit to ``{indicator: value}``.

    >>> frame = pd.DataFrame({"date": pd.to_datetime(["2009-01-05", "2009-03-02"]),
    ...     "district_pcode": ["PK1", "PK2"], "killed": [2.0, None], "killed_perpetrators": [1.0, 0.0],
    ...     "security_target": [True, False], "perpetrator": ["Unknown", "Unknown"], "id": [1, 2],
    ...     "date_precision": ["day", "day"]})
    >>> panel = build_panel(frame, units=["PK1", "PK2"], neighbours={"PK1": ["PK2"]})
    >>> panel.attacks.tolist(), panel.fatalities[0].tolist(), panel.neighbours.toarray().astype(int).tolist()
    ([[1, 0], [0, 0], [0, 1]], [3.0, 0.0], [[0, 1], [1, 0]])
    """
    unit_ids = tuple(dict.fromkeys(units))
    if not unit_ids:
        raise ValueError("a panel needs at least one unit (import boundaries first)")
    position = {unit: u for u, unit in enumerate(unit_ids)}
    pandas_freq = _PANDAS_FREQ[freq]
    dated = events[events["date"].notna()]
    event_periods = period_of(dated["date"], freq)
    first = pd.Period(start, freq=pandas_freq) if start is not None else None
    last = pd.Period(end, freq=pandas_freq) if end is not None else None
    if first is None or last is None:
        if len(dated) == 0:
            raise ValueError("no dated incidents to build a panel from, and no start and end given")
        first = first if first is not None else event_periods.min()
        last = last if last is not None else event_periods.max()
    if last < first:
        raise ValueError(f"the panel's end {last} is before its start {first}")
    periods = pd.period_range(first, last, freq=pandas_freq)
    in_range = np.asarray((event_periods >= first) & (event_periods <= last))
    dated = dated[in_range]
    event_periods = event_periods[in_range]
    unit_index = dated[unit_column].map(position)
    placed = np.asarray(unit_index.notna())
    unplaced = int((~placed).sum())
    dated = dated[placed]
    t = np.asarray((event_periods[placed] - first).map(lambda offset: offset.n), dtype=np.int64)
    u = np.asarray(unit_index[placed], dtype=np.int64)
    shape = (len(periods), len(unit_ids))
    deaths = dated["killed"].fillna(0).to_numpy(float) + dated["killed_perpetrators"].fillna(0).to_numpy(float)
    security = dated["security_target"].to_numpy(bool)
    attacks = np.zeros(shape, dtype=np.int64)
    np.add.at(attacks, (t, u), 1)
    security_attacks = np.zeros(shape, dtype=np.int64)
    np.add.at(security_attacks, (t[security], u[security]), 1)
    fatalities = np.zeros(shape, dtype=np.float64)
    np.add.at(fatalities, (t, u), deaths)
    # time within the panel in periods: period start + elapsed share of the period
    starts = periods.start_time[t]
    lengths = (periods.end_time[t] - starts) / pd.Timedelta(days=1) + 1 / 86400
    elapsed = (pd.DatetimeIndex(dated["date"]) - starts) / pd.Timedelta(days=1)
    time = t + np.clip(np.asarray(elapsed, float) / np.asarray(lengths, float), 0.0, 0.999999)
    event_frame = pd.DataFrame(
        {
            "t": t,
            "u": u,
            "time": time,
            "fatalities": deaths,
            "security_target": security,
            "perpetrator": dated["perpetrator"].to_numpy(object),
            "id": dated["id"].to_numpy(),
        }
    ).sort_values("time", kind="stable", ignore_index=True)
    imprecise = int((dated["date_precision"].fillna("day") != "day").sum()) if "date_precision" in dated else 0
    return Panel(
        freq=freq,
        units=unit_ids,
        periods=periods,
        attacks=attacks,
        security_attacks=security_attacks,
        fatalities=fatalities,
        events=event_frame,
        neighbours=_contiguity(unit_ids, position, neighbours or {}),
        covariates=_covariates(unit_ids, covariates or {}),
        unplaced=unplaced,
        imprecise=imprecise,
    )


def _contiguity(
    units: tuple[str, ...], position: Mapping[str, int], neighbours: Mapping[str, Sequence[str]]
) -> sparse.csr_matrix:
    rows: list[int] = []
    cols: list[int] = []
    for unit, others in neighbours.items():
        if unit not in position:
            continue
        for other in others:
            if other in position and other != unit:
                rows += [position[unit], position[other]]
                cols += [position[other], position[unit]]
    where = (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))
    matrix = sparse.coo_matrix((np.ones(len(rows)), where), shape=(len(units), len(units))).tocsr()
    matrix.data[:] = 1.0  # duplicates (a pair listed from both sides) summed to 2
    return matrix


def _covariates(units: tuple[str, ...], covariates: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict({unit: dict(values) for unit, values in covariates.items()}, orient="index")
    return frame.reindex(list(units)).astype("float64")
