"""Trends per period: hand-built frames, the synthetic store on both backends, and real GTD."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from nigehban import IncidentFilter, Nigehban
from nigehban.analysis.trends import compute_trends
from nigehban.errors import EmptySelection, InvalidFieldValue, UnknownGroup


def _events(dates: list[str], killed: list[float], security: list[bool]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": range(1, len(dates) + 1),
            "date": pd.to_datetime(dates),
            "killed": killed,
            "wounded": [1.0] * len(dates),
            "security_target": security,
        }
    )


def test_every_quarter_is_listed_and_lethality_leaves_out_unreported_tolls() -> None:
    events = _events(
        ["2020-01-15", "2020-02-01", "2020-03-31", "2020-10-01"],
        [3.0, np.nan, 1.0, 10.0],
        [True, True, False, False],
    )
    frame = compute_trends(events, freq="quarter").to_frame()
    assert list(frame["period"]) == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    assert list(frame["attacks"]) == [3, 0, 0, 1]
    assert list(frame["killed"]) == [4.0, 0.0, 0.0, 10.0]  # an unreported toll adds nothing to the sum
    assert frame["lethality"][0] == pytest.approx(2.0)  # (3 + 1) / 2 reported, not / 3 attacks
    assert list(frame["lethality_n"]) == [2, 0, 0, 1]
    assert np.isnan(frame["lethality"][1])
    assert frame["security_share"][0] == pytest.approx(2 / 3)
    assert frame["security_lethality"][0] == pytest.approx(3.0)  # the one security attack with a toll
    assert frame["security_lethality_n"][0] == 1


def test_months_and_a_wider_range() -> None:
    events = _events(["2020-02-10"], [1.0], [False])
    result = compute_trends(events, freq="month", start=dt.date(2020, 1, 1), end=dt.date(2020, 4, 30))
    assert list(result.to_frame()["attacks"]) == [0, 1, 0, 0]
    document = result.as_json_dict()
    assert document["periods"][0]["lethality"] is None  # NaN is null in JSON, not NaN
    assert document["totals"]["attacks"] == 1


def test_no_events_and_a_bad_frequency_are_errors() -> None:
    with pytest.raises(EmptySelection, match="no incidents match the filter province=Sindh"):
        compute_trends(_events([], [], []), filter=IncidentFilter(province="Sindh"))
    with pytest.raises(InvalidFieldValue, match="freq"):
        compute_trends(_events(["2020-01-01"], [1.0], [False]), freq="week")


def test_trends_of_the_synthetic_store(synthetic_app: Nigehban) -> None:
    frame = synthetic_app.trends().to_frame()
    assert list(frame["period"]) == ["2010", "2011", "2012"]
    assert list(frame["attacks"]) == [4, 3, 1]
    assert list(frame["killed"]) == [12.0, 2.0, 3.0]
    assert frame["lethality"][0] == pytest.approx(12 / 3)  # the 2010 attack without a toll is left out
    assert list(frame["security_attacks"]) == [3, 1, 1]
    assert list(frame["security_share"]) == pytest.approx([3 / 4, 1 / 3, 1.0])

    police = synthetic_app.trends(IncidentFilter(target_type="police", since=dt.date(2009, 1, 1)), freq="year")
    assert list(police.to_frame()["attacks"]) == [0, 2, 1, 1]  # 2009 is listed: the filter starts there


def test_empty_selections_and_unknown_groups_are_named(synthetic_app: Nigehban) -> None:
    with pytest.raises(EmptySelection, match="no incidents match"):
        synthetic_app.trends(IncidentFilter(province="Sindh"))
    with pytest.raises(UnknownGroup, match="Tehrik-i-Taliban Pakistan"):
        synthetic_app.trends(IncidentFilter(group="Nobody Front"))


@pytest.mark.data
def test_gtd_attacks_on_police_surge_with_the_ttp(gtd_app: Nigehban) -> None:
    frame = gtd_app.trends(IncidentFilter(since=dt.date(2000, 1, 1))).to_frame().set_index("period")
    # attacks on police and security forces are a real share of every year since 2007, largest at the
    # start of the TTP's campaign (2007) and in 2012
    share = frame.loc["2007":"2012", "security_share"]
    assert (share > 0.05).all()
    assert share.idxmax() == "2007"
    assert share["2012"] > 2 * share["2009"]
    # GTD counts many more incidents in 2012 than in 2006 (reporting and violence both grew)
    assert frame.loc["2012", "attacks"] > 5 * frame.loc["2006", "attacks"]
    assert frame["lethality_n"].sum() <= frame["attacks"].sum()
    assert frame.loc["2012", "lethality_n"] > 0.9 * frame.loc["2012", "attacks"]
