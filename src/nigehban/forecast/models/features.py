"""Features per (unit, period) for the learned forecasting models, computed once for a whole panel.

Row ``[t, u]`` of the feature tensor (``T + 1`` rows: row ``T`` is the period after the panel, for a
live forecast) describes unit ``u`` as it stood at the *start* of period
``t``: every feature reads only periods ``< t`` (lags, rolling sums, time since the last attack,
groups seen, long-run rates, national totals) or things fixed in advance (the calendar, census
covariates). A model forecasting period ``o + h - 1`` from origin ``o`` therefore uses row ``o``,
and a backtest only slices the tensor, never recomputes it.

Features (windows in periods; weekly panels add a one- and two-year window):

- attacks in the unit: lags 1, 2, 3, 6, 12; rolling sums over 3, 6, 12, 24 (and 52, 104 for weeks)
  periods; the number of periods with an attack in the last 12 and 24 periods;
- attacks on police and security forces: lags 1, 2, 3 and sums over 3 and 12;
- fatalities: ``log1p`` of lags 1, 2, 3 and of the 12-period sum;
- neighbours (``panel.neighbours @ counts``, contiguous units): lags 1, 2, 3, rolling sums; the
  number of neighbours with an attack last period;
- periods since the last attack in the unit and in any neighbour (NaN: never), and the exact time
  since the unit's last event (fractional periods, from the event dates);
- exponentially decayed sums of the unit's and its neighbours' events over their exact times
  (time constants 0.5, 2, 6, 24 months; 2, 8, 26, 104 weeks), the memory a self-exciting model has;
- group presence: distinct named perpetrator groups ("Unknown" and blanks excluded) with an attack
  in the unit, and in the unit's neighbours, in the last 12 periods;
- the unit's long-run rate (attacks per period so far) and share of periods with an attack;
- national totals: lag 1, sums over 3 and 12 periods, and the unit's share of the 12-period total;
- season: month of year (monthly panels) or ISO week of year (weekly panels);
- census covariates of the unit (``panel.covariates``; NaN where unknown -- LightGBM handles it).

Caveats: rows for the first periods of a panel see little or no history (lags before the panel are
zeros, "periods since" is NaN); models should skip a burn-in. Incidents dated only to the month or
year sit in the first period of it (see :mod:`nigehban.forecast.panel`).

>>> import pandas as pd
>>> from nigehban.forecast.panel import build_panel
>>> frame = pd.DataFrame({"date": pd.to_datetime(["2009-01-05", "2009-03-02", "2009-03-09"]),
...     "district_pcode": ["PK1", "PK2", "PK2"], "killed": [2.0, 0.0, 1.0], "killed_perpetrators": [0.0] * 3,
...     "security_target": [True, False, False], "perpetrator": ["TTP", "Unknown", "BLA"], "id": [1, 2, 3]})
>>> panel = build_panel(frame, units=["PK1", "PK2"], end="2009-04", neighbours={"PK1": ["PK2"]})
>>> features = panel_features(panel)
>>> features.values.shape == (5, 2, len(features.names))  # January..April, and May
True
>>> features.column("attacks_lag1")[:, 1].tolist()  # PK2: the two March attacks show in April's row
[0.0, 0.0, 0.0, 2.0, 0.0]
>>> features.column("neighbour_attacks_lag1")[:, 0].tolist()
[0.0, 0.0, 0.0, 2.0, 0.0]
>>> features.column("groups_12")[:, 1].tolist()  # "Unknown" is not a group; BLA stays 12 months
[0.0, 0.0, 0.0, 1.0, 1.0]
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Sequence

import numpy as np
import pandas as pd

from nigehban.forecast.panel import Panel

__all__ = ["DEFAULT_COVARIATES", "FeatureSet", "build_features", "monotone_direction", "panel_features"]

DEFAULT_COVARIATES: tuple[str, ...] = (
    "area_sqkm",
    "pop_2023",
    "pop_density_per_sqkm",
    "urban_share",
    "growth_rate_17_23_pct",
    "literacy_rate_all",
    "literacy_rate_female",
    "out_of_school_5_16",
    "improved_water_share",
    "no_toilet_share",
)
"""Census indicators used when present (a compact set: with ~150 districts, every indicator more is
one more way for the trees to memorise a district rather than learn a pattern)."""

_NOT_A_GROUP = {"", "unknown", "none", "nan"}

_RISING = (
    "attacks_",
    "active_periods",
    "decayed_attacks_",
    "neighbour_decayed_attacks_",
    "neighbour_attacks_",
    "neighbours_active_",
    "longrun_",
)
_FALLING = ("since_attack", "since_attack_exact", "since_neighbour_attack")


def monotone_direction(name: str) -> int:
    """The direction P(attack) may take as feature ``name`` grows, all else equal: 1, -1 or 0 (free).

    More attacks in the unit or its neighbours -- lagged, summed, decayed, active periods, the
    long-run rate -- never lower the risk (1); more time since the unit's or a neighbour's last
    attack never raises it (-1). Everything else (security and fatality counts, group presence,
    national totals, season, covariates) is left free (0). The boosted model's attack classifier
    uses these as monotone constraints (``BoostedSettings.monotone``).

    >>> [monotone_direction(n) for n in ("attacks_lag1", "neighbour_decayed_attacks_2", "since_attack", "season")]
    [1, 1, -1, 0]
    """
    if name in _FALLING:
        return -1
    if name.startswith(_RISING):
        return 1
    return 0


@dataclasses.dataclass(frozen=True, eq=False)
class FeatureSet:
    """The feature tensor of a panel: ``values[t, u, f]`` built from periods ``< t`` only."""

    names: tuple[str, ...]
    values: np.ndarray
    """float32 (T + 1, U, F)."""

    def column(self, name: str) -> np.ndarray:
        """One feature as a (T + 1, U) array."""
        try:
            return self.values[:, :, self.names.index(name)]
        except ValueError:
            raise KeyError(f"no feature {name!r}; features are {', '.join(self.names)}") from None


def _before(cumulative: np.ndarray, window: int) -> np.ndarray:
    """Sums over periods ``t - window .. t - 1`` from ``cumulative`` (T + 1, ...) with row 0 zero."""
    periods = cumulative.shape[0] - 1
    end = np.arange(periods)
    start = np.maximum(end - window, 0)
    return np.asarray(cumulative[end] - cumulative[start])  # cumulative[t] = sum of periods < t


def _cumulative(counts: np.ndarray) -> np.ndarray:
    out = np.zeros((counts.shape[0] + 1, *counts.shape[1:]), dtype=np.float64)
    np.cumsum(counts, axis=0, out=out[1:])
    return out


def _padded(counts: np.ndarray) -> np.ndarray:
    """``counts`` as float with a zero row appended (the period after the panel: never read by a row)."""
    return np.vstack([counts.astype(np.float64), np.zeros((1, counts.shape[1]))])


def _lag(values: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros_like(values, dtype=np.float64)
    if k < values.shape[0]:
        out[k:] = values[:-k]
    return out


def _since_last(active: np.ndarray) -> np.ndarray:
    """Periods since the last active period before ``t`` (1 = last period); NaN if none before."""
    periods = active.shape[0]
    index = np.where(active, np.arange(periods)[:, None], -1)
    last_upto = np.maximum.accumulate(index, axis=0)  # last active period <= s
    last_before = np.full(active.shape, -1, dtype=np.int64)
    last_before[1:] = last_upto[:-1]
    since = (np.arange(periods)[:, None] - last_before).astype(np.float64)
    since[last_before < 0] = np.nan
    return since


def _decayed(panel: Panel, periods: int, tau: float) -> np.ndarray:
    """Row ``t``: sum over the unit's events before ``t`` of ``exp(-(t - time) / tau)``."""
    units = panel.shape[1]
    events = panel.events
    factor = np.exp(-1.0 / tau)
    # each event's weight at the end of its own period; the recursion carries it forward period by period
    arrivals = np.zeros((periods, units))
    t = events["t"].to_numpy(np.int64)
    np.add.at(arrivals, (t, events["u"].to_numpy(np.int64)), np.exp(-(t + 1 - events["time"].to_numpy()) / tau))
    out = np.zeros((periods, units))
    running = np.zeros(units)
    for row in range(1, periods):  # row t reads arrivals of periods < t only
        running = running * factor + arrivals[row - 1]
        out[row] = running
    return out


def _since_exact(panel: Panel, periods: int) -> np.ndarray:
    """Row ``t``: time (in periods, fractional) from the unit's last event before ``t`` to ``t``; NaN if none."""
    units = panel.shape[1]
    out = np.full((periods, units), np.nan)
    starts = np.arange(periods, dtype=np.float64)
    for u, times in panel.events.groupby("u")["time"]:
        ordered = np.sort(times.to_numpy(np.float64))
        before = np.searchsorted(ordered, starts, side="left")  # events with time < t
        seen = before > 0
        out[seen, int(u)] = starts[seen] - ordered[before[seen] - 1]
    return out


def _group_presence(panel: Panel, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct named groups active in each unit, and in its neighbours, in periods ``t-window..t-1``."""
    periods, units = panel.shape[0] + 1, panel.shape[1]
    own = np.zeros((periods, units))
    near = np.zeros((periods, units))
    events = panel.events
    if len(events) == 0:
        return own, near
    names = events["perpetrator"].fillna("").astype(str).str.strip()
    named = ~names.str.lower().isin(_NOT_A_GROUP)
    adjacency = panel.neighbours
    for _, group_events in events[named.to_numpy()].groupby(names[named], sort=True):
        hits = np.zeros((periods, units))
        np.add.at(hits, (group_events["t"].to_numpy(), group_events["u"].to_numpy()), 1.0)
        present = _before(_cumulative(hits), window) > 0
        own += present
        near += (present.astype(np.float64) @ adjacency) > 0
    return own, near


def build_features(panel: Panel, *, covariates: Sequence[str] | None = DEFAULT_COVARIATES) -> FeatureSet:
    """Compute the feature tensor of ``panel`` (see the module docstring for the features).

    ``covariates``: the census indicators to include (those absent from the panel are skipped);
    ``None`` includes every column of ``panel.covariates``.
    """
    # one row more than the panel: row T describes the period after the panel's last (a live forecast)
    periods, units = panel.shape[0] + 1, panel.shape[1]
    weekly = panel.freq == "week"
    sum_windows = (3, 6, 12, 24, 52, 104) if weekly else (3, 6, 12, 24)
    attacks = _padded(panel.attacks)
    security = _padded(panel.security_attacks)
    fatalities = _padded(panel.fatalities)
    adjacency = panel.neighbours
    neighbour_attacks = np.asarray(attacks @ adjacency)
    columns: dict[str, np.ndarray] = {}

    cum_attacks = _cumulative(attacks)
    for k in (1, 2, 3, 6, 12):
        columns[f"attacks_lag{k}"] = _lag(attacks, k)
    for w in sum_windows:
        columns[f"attacks_sum{w}"] = _before(cum_attacks, w)
    cum_active = _cumulative((attacks > 0).astype(np.float64))
    for w in (12, 24):
        columns[f"active_periods{w}"] = _before(cum_active, w)

    cum_security = _cumulative(security)
    for k in (1, 2, 3):
        columns[f"security_lag{k}"] = _lag(security, k)
    for w in (3, 12):
        columns[f"security_sum{w}"] = _before(cum_security, w)

    for k in (1, 2, 3):
        columns[f"log_fatalities_lag{k}"] = np.log1p(_lag(fatalities, k))
    columns["log_fatalities_sum12"] = np.log1p(_before(_cumulative(fatalities), 12))

    cum_neighbour = _cumulative(neighbour_attacks)
    for k in (1, 2, 3):
        columns[f"neighbour_attacks_lag{k}"] = _lag(neighbour_attacks, k)
    for w in sum_windows:
        columns[f"neighbour_attacks_sum{w}"] = _before(cum_neighbour, w)
    columns["neighbours_active_lag1"] = _lag(np.asarray((attacks > 0).astype(np.float64) @ adjacency), 1)
    columns["neighbour_count"] = np.broadcast_to(np.asarray(adjacency.sum(axis=0)).ravel(), (periods, units))

    # exponentially decayed sums over the exact event times (a self-exciting model's "memory")
    decays = (2.0, 8.0, 26.0, 104.0) if weekly else (0.5, 2.0, 6.0, 24.0)
    for tau in decays:
        own_decayed = _decayed(panel, periods, tau)
        columns[f"decayed_attacks_{tau:g}"] = own_decayed
        columns[f"neighbour_decayed_attacks_{tau:g}"] = np.asarray(own_decayed @ adjacency)
    columns["since_attack_exact"] = _since_exact(panel, periods)

    columns["since_attack"] = _since_last(attacks > 0)
    columns["since_neighbour_attack"] = _since_last(neighbour_attacks > 0)
    own_groups, near_groups = _group_presence(panel, 12)
    columns["groups_12"] = own_groups
    columns["neighbour_groups_12"] = near_groups

    elapsed = np.maximum(np.arange(periods, dtype=np.float64), 1.0)[:, None]
    columns["longrun_rate"] = cum_attacks[:-1] / elapsed
    columns["longrun_active_share"] = cum_active[:-1] / elapsed

    national = attacks.sum(axis=1)
    cum_national = _cumulative(national)
    national_12 = _before(cum_national, 12)
    for name, series in (
        ("national_lag1", _lag(national, 1)),
        ("national_sum3", _before(cum_national, 3)),
        ("national_sum12", national_12),
    ):
        columns[name] = np.broadcast_to(series[:, None], (periods, units))
    with np.errstate(divide="ignore", invalid="ignore"):
        columns["national_share12"] = np.where(
            national_12[:, None] > 0, columns["attacks_sum12"] / national_12[:, None], 0.0
        )

    calendar = panel.periods.append(pd.PeriodIndex([panel.periods[-1] + 1])) if len(panel.periods) else panel.periods
    if weekly:
        season = np.asarray(calendar.start_time.isocalendar().week, dtype=np.float64)
    else:
        season = np.asarray(calendar.month, dtype=np.float64)
    columns["season"] = np.broadcast_to(season[:, None], (periods, units))

    available = list(panel.covariates.columns)
    wanted = available if covariates is None else [name for name in covariates if name in available]
    for name in wanted:
        values = panel.covariates[name].to_numpy(np.float64)
        columns[f"cov_{name}"] = np.broadcast_to(values[None, :], (periods, units))

    names = tuple(columns)
    tensor = np.empty((periods, units, len(names)), dtype=np.float32)
    for f, name in enumerate(names):
        tensor[:, :, f] = columns[name]
    return FeatureSet(names=names, values=tensor)


_CACHE: weakref.WeakKeyDictionary[Panel, dict[tuple[str, ...] | None, FeatureSet]] = weakref.WeakKeyDictionary()


def panel_features(panel: Panel, *, covariates: Sequence[str] | None = DEFAULT_COVARIATES) -> FeatureSet:
    """:func:`build_features`, computed once per panel object (models fitted on one panel share it).

    Panels are immutable, so the cache (dropped with the panel) cannot go stale.
    """
    key = None if covariates is None else tuple(covariates)
    per_panel = _CACHE.setdefault(panel, {})
    if key not in per_panel:
        per_panel[key] = build_features(panel, covariates=covariates)
    return per_panel[key]


def period_frame(panel: Panel, features: FeatureSet, t: int) -> pd.DataFrame:
    """The features of period ``t`` as a frame indexed by unit (for inspection and reports)."""
    return pd.DataFrame(features.values[t], index=list(panel.units), columns=list(features.names))
