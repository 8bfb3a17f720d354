"""Knox test: brute-force pair counts, a planted space-time cluster against a uniform pattern, the app, real GTD."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nigehban import IncidentFilter, Nigehban
from nigehban.analysis.knox import _haversine_km, knox_test
from nigehban.errors import EmptySelection, InvalidFieldValue


def _events(lat: np.ndarray, lon: np.ndarray, days: np.ndarray) -> pd.DataFrame:
    n = len(lat)
    return pd.DataFrame(
        {
            "id": np.arange(n),
            "date": pd.Timestamp("2010-01-01") + pd.to_timedelta(days, unit="D"),
            "latitude": lat,
            "longitude": lon,
            "geo_precision": ["town"] * n,
            "date_precision": ["day"] * n,
        }
    )


def _uniform(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # a 1 x 1 degree square (about 96 x 111 km) over two years
    return _events(30 + rng.random(n), 70 + rng.random(n), rng.integers(0, 730, n))


def _brute_force(events: pd.DataFrame, distance_km: float, days: int) -> tuple[int, int, int]:
    lat = np.radians(events["latitude"].to_numpy())
    lon = np.radians(events["longitude"].to_numpy())
    t = events["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    i, j = np.triu_indices(len(events), k=1)
    space = _haversine_km(lat[i], lon[i], lat[j], lon[j]) <= distance_km
    time = np.abs(t[i] - t[j]) <= days
    return int(space.sum()), int(time.sum()), int((space & time).sum())


def test_pair_counts_match_a_brute_force_count() -> None:
    events = _uniform(400, seed=5)
    space, time, both = _brute_force(events, 5.0, 10)
    for block_size in (7, 1024):
        result = knox_test(events, distance_km=5.0, days=10, permutations=19, block_size=block_size)
        assert (result.space_pairs, result.time_pairs, result.observed) == (space, time, both)
        assert result.expected == pytest.approx(space * time / (400 * 399 / 2))
    # a large distance makes the time pairs the shorter list: the other branch counts the same
    space, time, both = _brute_force(events, 60.0, 3)
    assert time < space
    result = knox_test(events, distance_km=60.0, days=3, permutations=19)
    assert (result.space_pairs, result.time_pairs, result.observed) == (space, time, both)


def test_a_uniform_pattern_shows_no_space_time_clustering() -> None:
    result = knox_test(_uniform(600, seed=11), distance_km=5.0, days=14, permutations=199, seed=2)
    assert result.ratio == pytest.approx(1.0, abs=0.25)
    assert result.p_value > 0.05
    assert result.permuted_mean == pytest.approx(result.expected, rel=0.1)


def test_a_planted_near_repeat_cluster_is_found() -> None:
    background = _uniform(500, seed=11)
    rng = np.random.default_rng(4)
    # 15 bursts: 4 events each within ~1 km and 5 days of a seed event
    seeds = rng.integers(0, 500, 15)
    lat = np.repeat(background["latitude"].to_numpy()[seeds], 4) + rng.normal(0, 0.003, 60)
    lon = np.repeat(background["longitude"].to_numpy()[seeds], 4) + rng.normal(0, 0.003, 60)
    start = (background["date"].to_numpy()[seeds] - np.datetime64("2010-01-01")).astype("timedelta64[D]").astype(int)
    days = np.repeat(start, 4) + rng.integers(0, 6, 60)
    events = pd.concat([background, _events(lat, lon, days)], ignore_index=True)
    result = knox_test(events, distance_km=2.0, days=7, permutations=199, seed=3)
    assert result.observed > 2 * result.expected
    assert result.p_value == pytest.approx(1 / 200)  # no permutation reaches the observed count
    again = knox_test(events, distance_km=2.0, days=7, permutations=199, seed=3)
    np.testing.assert_array_equal(result.permuted, again.permuted)


def test_imprecise_events_are_left_out_and_bad_input_is_refused() -> None:
    events = _uniform(10, seed=1)
    events.loc[0, "geo_precision"] = "district"
    events.loc[1, "date_precision"] = "month"
    result = knox_test(events, distance_km=5.0, days=10, permutations=9)
    assert (result.events, result.left_out) == (8, 2)
    assert result.as_json_dict()["events"] == 8
    with pytest.raises(InvalidFieldValue, match="distance_km"):
        knox_test(events, distance_km=0, days=10)
    with pytest.raises(EmptySelection, match="dated to the day and placed"):
        knox_test(events.iloc[:1], distance_km=5.0, days=10)


def test_knox_on_the_synthetic_store(synthetic_app: Nigehban) -> None:
    result = synthetic_app.knox(distance_km=2.0, days=40, permutations=99, seed=1)
    # same place: West 4 events (6 pairs), East 2, North 2 -> 8 pairs; within 40 days: (Jan 10, Feb 11 2010)
    # and (Mar 1, Mar 5 2011), both also in the same place
    assert (result.events, result.space_pairs, result.time_pairs, result.observed) == (8, 8, 2, 2)
    assert result.expected == pytest.approx(8 * 2 / 28)
    assert result.to_frame().loc[0, "observed"] == 2
    with pytest.raises(EmptySelection):
        synthetic_app.knox(IncidentFilter(province="Sindh"))


@pytest.mark.data
def test_gtd_attacks_on_police_repeat_near_in_space_and_time(gtd_app: Nigehban) -> None:
    result = gtd_app.knox(IncidentFilter(target_type="police"), distance_km=2.0, days=14, permutations=199, seed=0)
    assert result.events > 500
    assert result.ratio > 2
    assert result.p_value <= 0.01
