"""Features of the learned forecasting models: values, and that row ``t`` reads only periods before ``t``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nigehban.forecast.models.features import build_features, monotone_direction, panel_features
from nigehban.forecast.panel import Panel, build_panel


def poisson_events(*, seed: int = 0, units: int = 12, months: int = 96) -> pd.DataFrame:
    """Synthetic attacks (nothing here is real): Poisson counts per unit-month whose rate has a unit
    effect and grows with the unit's attacks of the month before (a lag effect), on a line of units."""
    rng = np.random.default_rng(seed)
    base = rng.lognormal(mean=-1.6, sigma=1.0, size=units)
    start = pd.Period("2000-01", freq="M")
    previous = np.zeros(units)
    rows: list[tuple[pd.Timestamp, str, float, str]] = []
    for t in range(months):
        rate = base * (1.0 + 0.8 * np.minimum(previous, 3))
        counts = rng.poisson(rate)
        period = start + t
        for u in np.nonzero(counts)[0]:
            for _ in range(counts[u]):
                day = period.start_time + pd.Timedelta(days=int(rng.integers(0, 28)))
                rows.append((day, f"U{u:02d}", float(rng.poisson(1.5)), str(rng.choice(["G1", "G2", "Unknown"]))))
        previous = counts.astype(float)
    frame = pd.DataFrame(rows, columns=["date", "district_pcode", "killed", "perpetrator"])
    frame["killed_perpetrators"] = 0.0
    frame["security_target"] = np.arange(len(frame)) % 3 == 0
    frame["id"] = np.arange(len(frame))
    frame["date_precision"] = "day"
    return frame


def poisson_panel(frame: pd.DataFrame, *, units: int = 12, months: int = 96) -> Panel:
    names = [f"U{u:02d}" for u in range(units)]
    line = {names[u]: [names[u + 1]] for u in range(units - 1)}
    covariates = {name: {"pop_2023": 1000.0 * (u + 1), "urban_share": 0.1} for u, name in enumerate(names[:-1])}
    end = pd.Period("2000-01", freq="M") + months - 1
    return build_panel(frame, units=names, start="2000-01", end=end, neighbours=line, covariates=covariates)


def test_features_match_the_counts_they_summarise() -> None:
    panel = poisson_panel(poisson_events())
    features = build_features(panel)
    attacks = panel.attacks.astype(float)
    t, u = 40, 3
    assert features.values.shape == (97, 12, len(features.names))
    assert features.column("attacks_lag1")[t, u] == attacks[t - 1, u]
    assert features.column("attacks_lag12")[t, u] == attacks[t - 12, u]
    assert features.column("attacks_sum6")[t, u] == attacks[t - 6 : t, u].sum()
    assert features.column("active_periods12")[t, u] == (attacks[t - 12 : t, u] > 0).sum()
    neighbours = attacks[t - 3 : t, u - 1].sum() + attacks[t - 3 : t, u + 1].sum()
    assert features.column("neighbour_attacks_sum3")[t, u] == neighbours
    assert features.column("log_fatalities_lag2")[t, u] == np.float32(np.log1p(panel.fatalities[t - 2, u]))
    assert features.column("national_lag1")[t, u] == attacks[t - 1].sum()
    assert features.column("longrun_rate")[t, u] == np.float32(attacks[:t, u].mean())
    last = max(s for s in range(t) if attacks[s, u] > 0)
    assert features.column("since_attack")[t, u] == t - last
    assert features.column("season")[t, u] == 5  # 2003-05
    assert features.column("cov_pop_2023")[t, u] == 4000.0
    assert np.isnan(features.column("cov_pop_2023")[t, 11])  # a unit without census data: NaN, kept
    assert "cov_area_sqkm" not in features.names  # indicators the panel lacks are skipped


def test_group_presence_counts_named_groups_of_the_last_twelve_periods() -> None:
    panel = poisson_panel(poisson_events())
    features = build_features(panel)
    events = panel.events
    t, u = 50, 2
    recent = events[(events["t"] >= t - 12) & (events["t"] < t)]
    own = set(recent.loc[recent["u"] == u, "perpetrator"]) - {"Unknown"}
    near = set(recent.loc[recent["u"].isin([u - 1, u + 1]), "perpetrator"]) - {"Unknown"}
    assert features.column("groups_12")[t, u] == len(own)
    assert features.column("neighbour_groups_12")[t, u] == len(near)


def test_decayed_sums_follow_the_exact_event_times() -> None:
    panel = poisson_panel(poisson_events())
    features = build_features(panel)
    times = panel.events.loc[panel.events["u"] == 5, "time"].to_numpy()
    t = 60
    expected = np.exp(-(t - times[times < t]) / 2.0).sum()
    assert features.column("decayed_attacks_2")[t, 5] == np.float32(expected)
    assert features.column("since_attack_exact")[t, 5] == np.float32(t - times[times < t].max())


def test_rows_up_to_t_ignore_everything_at_or_after_t() -> None:
    frame = poisson_events()
    panel = poisson_panel(frame)
    cut = 55
    cut_date = panel.periods[cut].start_time
    # move every later attack to another unit, add a burst, and drop others: rows <= cut must not move
    later = frame["date"] >= cut_date
    altered = frame.copy()
    altered.loc[later, "district_pcode"] = "U00"
    altered.loc[later, "perpetrator"] = "G9"
    burst = altered[later].head(5).assign(date=cut_date, district_pcode="U04", id=lambda f: f["id"] + 10_000)
    altered = pd.concat([altered[~later | (np.arange(len(altered)) % 2 == 0)], burst], ignore_index=True)
    changed = poisson_panel(altered)
    assert not np.array_equal(panel.attacks[cut:], changed.attacks[cut:])
    before = build_features(panel).values[: cut + 1]
    after = build_features(changed).values[: cut + 1]
    np.testing.assert_array_equal(before, after)
    # and the rows after the cut do see the change (the test could fail)
    assert not np.array_equal(build_features(panel).values[cut + 2], build_features(changed).values[cut + 2])


def test_weekly_features_use_week_of_year_and_longer_windows() -> None:
    frame = poisson_events(months=30)
    names = [f"U{u:02d}" for u in range(12)]
    panel = build_panel(frame, units=names, freq="week", start="2000-01-03", end="2002-06-24")
    features = build_features(panel)
    assert "attacks_sum104" in features.names
    weeks = features.column("season")[:, 0]
    assert weeks[0] == 1
    assert weeks.max() == 52


def test_features_are_computed_once_per_panel() -> None:
    panel = poisson_panel(poisson_events())
    assert panel_features(panel) is panel_features(panel)
    assert panel_features(panel, covariates=None) is not panel_features(panel)
    assert "cov_urban_share" in panel_features(panel, covariates=None).names


def test_monotone_directions_follow_what_the_features_count() -> None:
    names = build_features(poisson_panel(poisson_events())).names
    directions = {name: monotone_direction(name) for name in names}
    rising = [
        "attacks_lag1",
        "attacks_sum12",
        "active_periods24",
        "decayed_attacks_2",
        "neighbour_attacks_sum3",
        "neighbour_decayed_attacks_24",
        "neighbours_active_lag1",
        "longrun_rate",
    ]
    # counts of the unit's and its neighbours' attacks never lower the risk; time since the last never raises it
    assert [directions[name] for name in rising] == [1] * len(rising)
    assert [directions[name] for name in ("since_attack", "since_attack_exact", "since_neighbour_attack")] == [-1] * 3
    # national totals, season, security and fatality counts, groups and covariates stay free
    free_prefixes = ("national_", "season", "security_", "log_fatalities", "groups", "neighbour_groups", "cov_")
    free = [name for name in names if name.startswith(free_prefixes) or name == "neighbour_count"]
    assert len(free) > 10
    assert {directions[name] for name in free} == {0}
