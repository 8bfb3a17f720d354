"""Gi* hotspots: esda against the textbook formula, the classification over periods, the app and real GTD."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nigehban import IncidentFilter, Nigehban
from nigehban.analysis.hotspots import classify, compute_hotspots, gi_star
from nigehban.errors import EmptySelection, GeoDataError
from tests.analysis.conftest import write_gtd


def _line(n: int) -> dict[str, list[str]]:
    names = [f"d{i:02d}" for i in range(n)]
    return {name: [names[j] for j in (i - 1, i + 1) if 0 <= j < n] for i, name in enumerate(names)}


def _gi_star_formula(values: np.ndarray, neighbours: dict[str, list[str]]) -> np.ndarray:
    """Getis & Ord (1995) Gi* z with binary weights, the unit itself included."""
    units = sorted(neighbours)
    n = len(units)
    weights = np.eye(n)
    for i, unit in enumerate(units):
        for other in neighbours[unit]:
            weights[i, units.index(other)] = 1.0
    mean = values.mean()
    s = np.sqrt((values**2).mean() - mean**2)
    w_sum = weights.sum(axis=1)
    w_sq = (weights**2).sum(axis=1)
    return np.asarray((weights @ values - mean * w_sum) / (s * np.sqrt((n * w_sq - w_sum**2) / (n - 1))))


def test_gi_star_matches_the_formula_on_a_line_of_districts() -> None:
    neighbours = _line(12)
    values = np.array([0, 0, 1, 0, 2, 9, 12, 8, 1, 0, 0, 1], dtype=float)
    result = gi_star(values, units=sorted(neighbours), neighbours=neighbours, permutations=199, seed=3)
    np.testing.assert_allclose(result.z, _gi_star_formula(values, neighbours), rtol=1e-10)
    assert np.argmax(result.z) == 6  # the centre of the cluster
    assert result.p[6] < 0.05
    # the p-value is "directed": for d00, far from the cluster, it measures how low (cold) its z is
    assert result.z[0] < 0
    again = gi_star(values, units=sorted(neighbours), neighbours=neighbours, permutations=199, seed=3)
    np.testing.assert_array_equal(result.p, again.p)  # a fixed seed gives the same p-values


def test_gi_star_is_undefined_without_variance_and_for_islands() -> None:
    neighbours = _line(5) | {"island": []}
    units = sorted(neighbours)
    flat = gi_star(np.ones(6), units=units, neighbours=neighbours)
    assert np.isnan(flat.z).all()
    assert np.isnan(flat.p).all()
    values = np.array([0, 3, 5, 1, 0, 7], dtype=float)
    result = gi_star(values, units=units, neighbours=neighbours, permutations=99)
    assert np.isnan(result.z[units.index("island")])
    assert np.isfinite(result.z[: units.index("island")]).all()


@pytest.mark.parametrize(
    ("hot", "z", "category"),
    [
        ([True] * 10, [3.0] * 10, "persistent"),
        ([False] * 9 + [True], [0.0] * 9 + [3.0], "new"),
        ([False] * 6 + [True, False, True, True], [float(i) for i in range(10)], "emerging"),
        ([True, False, False, True, False, True], [3.0, 0.0, 0.1, 3.0, 0.0, 2.5], "intermittent"),
        ([True, True, True, False], [3.0, 2.0, 2.5, 0.5], "cooling"),
        ([False] * 5, [0.1, -0.2, 0.3, 0.0, 0.2], "not_hot"),
    ],
)
def test_classification_over_periods(hot: list[bool], z: list[float], category: str) -> None:
    assert classify(np.array(hot), np.array(z))[0] == category


def test_mann_kendall_trend_of_z() -> None:
    _, tau, p = classify(np.zeros(8, dtype=bool), np.arange(8, dtype=float))
    assert tau == pytest.approx(1.0)
    assert p < 0.01
    _, tau, p = classify(np.zeros(3, dtype=bool), np.arange(3, dtype=float))
    assert np.isnan(tau)  # too few periods for a trend


def _rows(year: str, counts: list[int]) -> list[tuple[str, str]]:
    return [(f"{year}-06-01", f"d{unit:02d}") for unit, count in enumerate(counts) for _ in range(count)]


def test_hotspots_per_year_from_events() -> None:
    neighbours = _line(20)
    units = {pcode: pcode.upper() for pcode in neighbours}
    counts_2010 = [0, 1, 0, 0, 1, 0, 5, 8, 10, 9, 6, 0, 1, 0, 0, 1, 0, 0, 1, 0]  # a cluster around d08
    counts_2011 = [7, 9, 8, 5, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]  # it moves to d00-d03
    rows = _rows("2010", counts_2010) + _rows("2011", counts_2011)
    events = pd.DataFrame(
        {"id": range(len(rows)), "date": pd.to_datetime([d for d, _ in rows]), "district_pcode": [u for _, u in rows]}
    )
    result = compute_hotspots(events, units=units, neighbours=neighbours, permutations=199, seed=1)
    assert result.periods == ["2010", "2011"]
    cells = result.to_frame()
    assert cells.loc[cells["period"] == "2010", "count"].tolist() == counts_2010
    np.testing.assert_allclose(
        cells.loc[cells["period"] == "2010", "z"], _gi_star_formula(np.array(counts_2010, dtype=float), neighbours)
    )
    assert set(result.hot("2010")) == {"D07", "D08", "D09"}
    assert {"D01", "D02"} <= set(result.hot("2011"))
    categories = result.districts.set_index("district_pcode")["category"]
    assert categories["d01"] == "new"
    assert categories["d08"] == "cooling"
    assert categories["d15"] == "not_hot"
    with pytest.raises(EmptySelection, match="placed in a district"):
        compute_hotspots(events.assign(district_pcode=None), units=units, neighbours=neighbours)


def test_hotspots_of_the_synthetic_store(synthetic_app: Nigehban) -> None:
    result = synthetic_app.hotspots(permutations=99)
    cells = result.to_frame()
    assert result.periods == ["2010", "2011", "2012"]
    counts = cells.pivot(index="period", columns="district_pcode", values="count")
    assert counts.loc["2010"].to_dict() == {"PK901": 3, "PK902": 1, "PK903": 0, "PK904": 0, "PK905": 0}
    # PK904 and PK905 touch nothing: no Gi* for them
    assert cells.loc[cells["district_pcode"].isin(["PK904", "PK905"]), "z"].isna().all()
    assert len(result.as_json_dict()["periods"]) == 3
    police = synthetic_app.hotspots(IncidentFilter(target_type="police", until=dt.date(2010, 12, 31)), permutations=9)
    assert police.periods == ["2010"]


def test_hotspots_need_district_boundaries(app: Nigehban, tmp_path: Path) -> None:
    app.import_gtd(write_gtd(tmp_path / "synthetic.csv"))
    with pytest.raises(GeoDataError, match="nigehban geo import-boundaries"):
        app.hotspots()


@pytest.mark.data
def test_gtd_peshawar_and_the_tribal_districts_are_hotspots_in_2009(gtd_app: Nigehban) -> None:
    result = gtd_app.hotspots(IncidentFilter(since=dt.date(2007, 1, 1)), permutations=199)
    hot_2009 = result.hot("2009")
    assert "Peshawar" in hot_2009
    assert {"Khyber", "Mohmand", "Orakzai"} <= set(hot_2009)
    # Karachi's districts are not hot in 2009 but are in 2011 or 2012 (the MQM/TTP violence of those years)
    assert not any("Karachi" in name for name in hot_2009)
    assert any("Karachi" in name for name in result.hot("2012"))
    categories = result.districts.set_index("district")["category"]
    assert categories["Khyber"] == "persistent"
    assert categories["Lahore"] in {"not_hot", "cooling"}
