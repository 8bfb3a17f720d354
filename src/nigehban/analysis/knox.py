"""Knox test of space-time clustering (e.g. the near-repeat pattern of attacks on police).

The Knox statistic is the number of pairs of events that are close both in space (within
``distance_km``, great-circle) and in time (within ``days``). Under the null hypothesis of no
space-time interaction, the times are exchangeable among the events: the Monte Carlo p-value is
``(1 + #{permuted >= observed}) / (1 + permutations)`` over random permutations of the times among
the events (fixed ``seed``). ``expected`` is the analytical mean under that null,
``space_pairs * time_pairs / all_pairs``; ``ratio = observed / expected`` (>1: more close pairs
than chance, e.g. 1.5 = 50% more).

Caveats:

* Only incidents dated to the day and placed to a town or better (``exact``/``town``) are used by
  default: district or province centroids would make distant events "close". GTD places most
  incidents at the town's coordinates, so at 2 km "close in space" mostly means "in the same town".
* The test says *whether* close-in-space events cluster in time, not why (retaliation, a campaign,
  reporting bursts); it is sensitive to changes in the population at risk over the period.
* Pairs are computed in blocks (memory stays bounded: about ``block_size x n`` floats at a time,
  plus the close pairs themselves); the smaller of the space-close and time-close pair lists is
  kept and the other relation is checked for each permutation.

>>> import pandas as pd
>>> events = pd.DataFrame({
...     "id": range(6), "date": pd.to_datetime(["2010-01-01", "2010-01-03", "2010-01-05",
...                                              "2010-06-01", "2010-09-01", "2010-12-01"]),
...     "latitude": [34.0, 34.001, 34.002, 31.0, 25.0, 30.0],
...     "longitude": [71.5, 71.5, 71.5, 74.3, 67.0, 67.0],
...     "geo_precision": ["town"] * 6, "date_precision": ["day"] * 6})
>>> result = knox_test(events, distance_km=2, days=14, permutations=99, seed=1)
>>> result.observed, result.space_pairs, result.time_pairs
(3, 3, 3)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from nigehban.analysis.spread import EARTH_RADIUS_KM
from nigehban.analysis.trends import describe_filter, require_events
from nigehban.errors import InvalidFieldValue
from nigehban.store.queries import IncidentFilter

__all__ = ["KNOX_PRECISIONS", "KnoxResult", "knox_test"]

KNOX_PRECISIONS = ("exact", "town")
"""Geographic precisions used by default: a centroid of a district is not a place."""


@dataclasses.dataclass(frozen=True)
class KnoxResult:
    """The outcome of a Knox test (see the module's docstring)."""

    filter: str
    distance_km: float
    days: int
    events: int
    left_out: int
    all_pairs: int
    space_pairs: int
    time_pairs: int
    observed: int
    expected: float
    ratio: float
    permutations: int
    seed: int
    p_value: float
    permuted_mean: float
    permuted: np.ndarray = dataclasses.field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row with every number of the test."""
        return pd.DataFrame([{key: value for key, value in self.as_json_dict().items() if key != "analysis"}])

    def as_json_dict(self) -> dict[str, Any]:
        return {
            "analysis": "knox",
            "filter": self.filter,
            "distance_km": self.distance_km,
            "days": self.days,
            "events": self.events,
            "left_out": self.left_out,
            "all_pairs": self.all_pairs,
            "space_pairs": self.space_pairs,
            "time_pairs": self.time_pairs,
            "observed": self.observed,
            "expected": self.expected,
            "ratio": self.ratio if math.isfinite(self.ratio) else None,
            "permutations": self.permutations,
            "seed": self.seed,
            "p_value": self.p_value,
            "permuted_mean": self.permuted_mean,
        }


def _haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distances (inputs in radians)."""
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=np.float64)


def _space_pairs(
    lat: np.ndarray, lon: np.ndarray, distance_km: float, *, block_size: int, limit: int
) -> tuple[int, tuple[np.ndarray, np.ndarray] | None]:
    """How many pairs i<j are within ``distance_km``, and the pairs themselves unless more than ``limit``."""
    n = len(lat)
    total = 0
    firsts: list[np.ndarray] = []
    seconds: list[np.ndarray] = []
    keep = True
    for start in range(0, n, block_size):
        stop = min(start + block_size, n)
        rows = np.arange(start, stop)
        distances = _haversine_km(lat[rows, None], lon[rows, None], lat[None, start:], lon[None, start:])
        close = distances <= distance_km
        close &= np.arange(start, n)[None, :] > rows[:, None]  # each pair once (i < j)
        i, j = np.nonzero(close)
        total += len(i)
        if keep and total <= limit:
            firsts.append((i + start).astype(np.int32))
            seconds.append((j + start).astype(np.int32))
        else:
            keep, firsts, seconds = False, [], []
    if not keep:
        return total, None
    return total, (
        np.concatenate(firsts or [np.empty(0, np.int32)]),
        np.concatenate(seconds or [np.empty(0, np.int32)]),
    )


def _time_pairs(days_of: np.ndarray, days: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (into ``days_of``) of events within ``days`` of each other, each pair once."""
    order = np.argsort(days_of, kind="stable")
    ordered = days_of[order]
    upto = np.searchsorted(ordered, ordered + days, side="right")
    counts = upto - np.arange(len(ordered)) - 1
    first = np.repeat(np.arange(len(ordered)), counts)
    offsets = np.arange(len(first)) - np.repeat(np.cumsum(counts) - counts, counts)
    second = first + 1 + offsets
    return order[first].astype(np.int32), order[second].astype(np.int32)


def knox_test(
    events: pd.DataFrame,
    *,
    distance_km: float,
    days: int,
    permutations: int = 999,
    seed: int = 0,
    precisions: Iterable[str] = KNOX_PRECISIONS,
    block_size: int = 1024,
    filter: IncidentFilter | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> KnoxResult:
    """Knox test of ``events`` (a :func:`~nigehban.analysis.events.load_events` frame) for closeness
    within ``distance_km`` and ``days``. Raises :class:`~nigehban.errors.EmptySelection` when fewer
    than two events are usable (dated to the day, placed at one of ``precisions``)."""
    if not distance_km > 0:
        raise InvalidFieldValue("distance_km", distance_km, "must be a positive distance in km")
    if days < 0:
        raise InvalidFieldValue("days", days, "must be 0 or more")
    if permutations < 1:
        raise InvalidFieldValue("permutations", permutations, "must be at least 1")
    require_events(events, filter)
    usable = (
        events["latitude"].notna()
        & events["longitude"].notna()
        & events["geo_precision"].isin(set(precisions))
        & (events["date_precision"] == "day")
    )
    used = events[usable]
    # a single event has no pair: as empty as none
    require_events(used if len(used) >= 2 else used.iloc[:0], filter, what="incidents dated to the day and placed")
    n = len(used)
    lat = np.radians(used["latitude"].to_numpy(dtype=np.float64))
    lon = np.radians(used["longitude"].to_numpy(dtype=np.float64))
    day = used["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    time_first, time_second = _time_pairs(day, days)
    space_total, space = _space_pairs(lat, lon, distance_km, block_size=block_size, limit=len(time_first))
    all_pairs = n * (n - 1) // 2
    rng = np.random.default_rng(seed)

    def count(permutation: np.ndarray | None) -> int:
        # permuting times among events, with the space pairs fixed, or equivalently permuting places
        # (the inverse permutation) with the time pairs fixed: the same null distribution
        if space is not None:
            first, second = space
            times = day if permutation is None else day[permutation]
            return int(np.count_nonzero(np.abs(times[first] - times[second]) <= days))
        lat_p = lat if permutation is None else lat[permutation]
        lon_p = lon if permutation is None else lon[permutation]
        close = 0
        for start in range(0, len(time_first), block_size * 1024):
            a, b = time_first[start : start + block_size * 1024], time_second[start : start + block_size * 1024]
            close += int(np.count_nonzero(_haversine_km(lat_p[a], lon_p[a], lat_p[b], lon_p[b]) <= distance_km))
        return close

    observed = count(None)
    permuted = np.empty(permutations, dtype=np.int64)
    for k in range(permutations):
        permuted[k] = count(rng.permutation(n))
        if progress is not None:
            progress(k + 1, permutations)
    expected = space_total * len(time_first) / all_pairs
    return KnoxResult(
        filter=describe_filter(filter),
        distance_km=float(distance_km),
        days=int(days),
        events=n,
        left_out=len(events) - n,
        all_pairs=all_pairs,
        space_pairs=space_total,
        time_pairs=len(time_first),
        observed=observed,
        expected=expected,
        ratio=observed / expected if expected > 0 else float("nan"),
        permutations=permutations,
        seed=seed,
        p_value=(1 + int(np.count_nonzero(permuted >= observed))) / (1 + permutations),
        permuted_mean=float(permuted.mean()),
        permuted=permuted,
    )
