"""Hotspots: Getis-Ord Gi* on district counts per period, and how hotspots emerge and cool over time.

For each period, the count of incidents in every district (zeros included) is tested with the local
Getis-Ord Gi* statistic (esda's ``G_Local`` with the district itself among its neighbours, binary
contiguity weights from the store's boundaries). ``z`` is Gi*'s analytical z-score; ``p`` is the
pseudo p-value of a conditional permutation test (esda's "directed" alternative: the share of
permutations at least as extreme on the side the observed value lies, with a fixed ``seed``). A
district is *hot* in a period when ``z > 0`` and ``p < alpha``, *cold* when ``z < 0`` and ``p < alpha``.

Over the periods (the classification of :func:`classify`):

* ``persistent`` — hot in the last period and in at least 90% of the periods;
* ``new`` — hot in the last period and in no earlier one;
* ``emerging`` — hot in the last period, hot before in under 90% of periods, and its z rising
  (Mann-Kendall trend, i.e. Kendall's tau of z against time, p < 0.05);
* ``intermittent`` — hot in the last period otherwise;
* ``cooling`` — hot in some earlier period but not in the last;
* ``not_hot`` — never hot.

Caveats: counts follow where the sources place incidents (district centroids for vague places); a
period where every district has the same count (e.g. none) has no Gi* (``z`` and ``p`` missing);
districts without neighbours (islands) get no Gi* either. With 158 districts and alpha 0.05 about 8
districts per period are "significant" by chance alone: read the map, not single districts. The
p-values are not corrected for multiple testing.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from nigehban.analysis.trends import describe_filter, jsonable_records, period_index, require_events
from nigehban.store.queries import IncidentFilter

__all__ = ["CATEGORIES", "HotspotResult", "classify", "compute_hotspots", "gi_star"]

CATEGORIES = ("persistent", "new", "emerging", "intermittent", "cooling", "not_hot")
PERSISTENT_SHARE = 0.9
TREND_ALPHA = 0.05


@dataclasses.dataclass(frozen=True)
class GiStar:
    """Gi* of one period: z-scores, permutation p-values and normal p-values, per unit (NaN: undefined)."""

    z: np.ndarray
    p: np.ndarray
    p_normal: np.ndarray


def gi_star(
    values: np.ndarray,
    *,
    units: Sequence[str],
    neighbours: Mapping[str, Sequence[str]],
    permutations: int = 999,
    seed: int = 12345,
) -> GiStar:
    """Local Getis-Ord Gi* of ``values`` (one per unit, in the order of ``units``) with binary contiguity.

    >>> line = {"a": ["b"], "b": ["a", "c"], "c": ["b", "d"], "d": ["c", "e"], "e": ["d"]}
    >>> result = gi_star(np.array([0.0, 1, 9, 8, 0]), units=list("abcde"), neighbours=line, permutations=99)
    >>> [round(float(z), 2) for z in result.z]
    [-1.26, -0.16, 1.46, 1.26, 0.16]
    """
    from esda.getisord import G_Local
    from libpysal.weights import W

    size = len(units)
    nan = np.full(size, np.nan)
    values = np.asarray(values, dtype=np.float64)
    if size < 3 or np.allclose(values, values[0]):
        return GiStar(nan, nan.copy(), nan.copy())  # no variance: Gi* is not defined
    known = set(units)
    # each unit is its own neighbour (the "star"), so esda needs not fill the diagonal itself (which warns on islands)
    structure = {
        unit: sorted({unit, *(other for other in neighbours.get(unit, ()) if other in known)}) for unit in units
    }
    islands = np.array([len(structure[unit]) == 1 for unit in units])
    # silence_warnings: libpysal warns that the graph has several components or islands; both are expected
    # (islands are reported as undefined below)
    weights = W(structure, id_order=list(units), silence_warnings=True)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        # esda announces a future change of its default alternative; we rely on the "directed" p (documented)
        warnings.filterwarnings("ignore", message="The alternative hypothesis", category=DeprecationWarning)
        # islands have no permutation spread (their z_sim divides by zero); their results are discarded
        local = G_Local(values, weights, transform="B", star=None, permutations=permutations, seed=seed, n_jobs=1)
    z = np.where(islands, np.nan, np.asarray(local.Zs, dtype=np.float64))
    p = np.where(islands, np.nan, np.asarray(local.p_sim, dtype=np.float64)) if permutations else nan.copy()
    p_normal = np.where(islands, np.nan, 2 * stats.norm.sf(np.abs(z)))
    return GiStar(z, p, p_normal)


def classify(hot: np.ndarray, z: np.ndarray) -> tuple[str, float, float]:
    """The category of one district from its hot flags and z-scores over periods (oldest first),
    with the Mann-Kendall tau and p of z against time (NaN with fewer than 4 defined z).

    >>> classify(np.array([False, False, True]), np.array([0.1, 0.2, 3.0]))[0]
    'new'
    >>> classify(np.array([True, True, False]), np.array([3.0, 2.5, 0.1]))[0]
    'cooling'
    """
    defined = ~np.isnan(z)
    tau = p_trend = float("nan")
    if defined.sum() >= 4 and np.ptp(z[defined]) > 0:
        trend = stats.kendalltau(np.arange(len(z))[defined], z[defined])
        tau, p_trend = float(trend.statistic), float(trend.pvalue)
    if not hot.any():
        return "not_hot", tau, p_trend
    if not hot[-1]:
        return "cooling", tau, p_trend
    if hot.mean() >= PERSISTENT_SHARE:
        return "persistent", tau, p_trend
    if not hot[:-1].any():
        return "new", tau, p_trend
    if tau > 0 and p_trend < TREND_ALPHA:
        return "emerging", tau, p_trend
    return "intermittent", tau, p_trend


@dataclasses.dataclass(frozen=True)
class HotspotResult:
    """Gi* per district and period (``cells``) and each district's category over the periods (``districts``)."""

    freq: str
    filter: str
    alpha: float
    permutations: int
    seed: int
    periods: list[str]
    cells: pd.DataFrame
    districts: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row per district and period: ``period``, ``district_pcode``, ``district``, ``count``,
        ``z``, ``p``, ``p_normal``, ``hot``, ``cold``."""
        return self.cells.copy()

    def hot(self, period: str) -> list[str]:
        """Names of the districts hot in ``period`` (by z, highest first)."""
        rows = self.cells[(self.cells["period"] == period) & self.cells["hot"]]
        return list(rows.sort_values("z", ascending=False)["district"])

    def as_json_dict(self) -> dict[str, Any]:
        return {
            "analysis": "hotspots",
            "freq": self.freq,
            "filter": self.filter,
            "alpha": self.alpha,
            "permutations": self.permutations,
            "seed": self.seed,
            "periods": [{"period": period, "hot": self.hot(period)} for period in self.periods],
            "districts": jsonable_records(self.districts[self.districts["category"] != "not_hot"]),
            "cells": jsonable_records(self.cells[self.cells["hot"] | self.cells["cold"]]),
        }


def compute_hotspots(
    events: pd.DataFrame,
    *,
    units: Mapping[str, str],
    neighbours: Mapping[str, Sequence[str]],
    freq: str = "year",
    alpha: float = 0.05,
    permutations: int = 999,
    seed: int = 12345,
    filter: IncidentFilter | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> HotspotResult:
    """Gi* hotspots of ``events`` per period over the districts ``units`` (pcode -> name).

    Incidents without a district are left out. Every period from the first event's to the last
    event's is tested. Raises :class:`~nigehban.errors.EmptySelection` when no incident has a district.
    """
    require_events(events, filter)
    placed = events[events["district_pcode"].isin(set(units))]
    require_events(placed, filter, what="incidents placed in a district")
    index, positions = period_index(placed["date"], freq=freq)
    codes = sorted(units)
    column = {pcode: position for position, pcode in enumerate(codes)}
    unit_positions = placed["district_pcode"].map(column).to_numpy(dtype=np.int64)
    counts = np.zeros((len(index), len(codes)), dtype=np.int64)
    np.add.at(counts, (positions, unit_positions), 1)
    z = np.full(counts.shape, np.nan)
    p = np.full(counts.shape, np.nan)
    p_normal = np.full(counts.shape, np.nan)
    for t in range(len(index)):
        local = gi_star(
            counts[t].astype(np.float64), units=codes, neighbours=neighbours, permutations=permutations, seed=seed + t
        )
        z[t], p[t], p_normal[t] = local.z, local.p, local.p_normal
        if progress is not None:
            progress(t + 1, len(index))
    significant = (p < alpha) & ~np.isnan(z)
    hot = significant & (z > 0)
    cold = significant & (z < 0)
    labels = [str(period) for period in index]
    cells = pd.DataFrame(
        {
            "period": np.repeat(labels, len(codes)),
            "district_pcode": np.tile(codes, len(index)),
            "district": np.tile([units[pcode] for pcode in codes], len(index)),
            "count": counts.ravel(),
            "z": z.ravel(),
            "p": p.ravel(),
            "p_normal": p_normal.ravel(),
            "hot": hot.ravel(),
            "cold": cold.ravel(),
        }
    )
    rows = []
    for u, pcode in enumerate(codes):
        category, tau, p_trend = classify(hot[:, u], z[:, u])
        hot_periods = [labels[t] for t in np.flatnonzero(hot[:, u])]
        rows.append(
            {
                "district_pcode": pcode,
                "district": units[pcode],
                "category": category,
                "hot_periods": len(hot_periods),
                "first_hot": hot_periods[0] if hot_periods else None,
                "last_hot": hot_periods[-1] if hot_periods else None,
                "incidents": int(counts[:, u].sum()),
                "mk_tau": tau,
                "mk_p": p_trend,
            }
        )
    districts = pd.DataFrame(rows)
    order = {category: rank for rank, category in enumerate(CATEGORIES)}
    districts = districts.sort_values(
        ["category", "hot_periods", "incidents"],
        key=lambda column: column.map(order) if column.name == "category" else -column,
    ).reset_index(drop=True)
    return HotspotResult(
        freq=freq,
        filter=describe_filter(filter),
        alpha=alpha,
        permutations=permutations,
        seed=seed,
        periods=labels,
        cells=cells,
        districts=districts,
    )
