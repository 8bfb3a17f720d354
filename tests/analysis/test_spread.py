"""A group's spread: new districts, centre, standard distance and ellipse."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from nigehban import IncidentFilter, Nigehban
from nigehban.analysis.spread import EARTH_RADIUS_KM, compute_spread, dispersion
from nigehban.errors import EmptySelection, UnknownGroup

KM_PER_DEGREE = math.radians(1) * EARTH_RADIUS_KM


def test_dispersion_of_a_cross_is_computed_by_hand() -> None:
    # four points 1 degree north/south and 2 degrees east/west of (30, 70), plus one at the centre
    lat = np.array([31.0, 29.0, 30.0, 30.0, 30.0])
    lon = np.array([70.0, 70.0, 72.0, 68.0, 70.0])
    result = dispersion(lat, lon)
    assert (result.centre_lat, result.centre_lon) == pytest.approx((30.0, 70.0))
    east = 2 * KM_PER_DEGREE * math.cos(math.radians(30))
    north = KM_PER_DEGREE
    assert result.standard_distance_km == pytest.approx(math.sqrt((2 * east**2 + 2 * north**2) / 5))
    # axes: one standard deviation along east (major here) and north
    assert result.ellipse_major_km == pytest.approx(math.sqrt(2 * east**2 / 5))
    assert result.ellipse_minor_km == pytest.approx(math.sqrt(2 * north**2 / 5))
    assert result.ellipse_bearing_deg == pytest.approx(90.0)


def test_a_diagonal_spread_has_a_north_east_bearing() -> None:
    lat = np.array([30.0, 30.1, 30.2, 30.3])
    lon = lat + 40.0
    result = dispersion(lat, lon)
    expected = math.degrees(math.atan2(math.cos(math.radians(30.15)), 1.0))  # east shrinks by cos(lat)
    assert result.ellipse_bearing_deg == pytest.approx(expected, abs=0.01)
    assert result.ellipse_minor_km == pytest.approx(0.0, abs=1e-6)
    assert dispersion(lat[:2], lon[:2]).ellipse_major_km != dispersion(lat[:2], lon[:2]).ellipse_major_km  # NaN


def test_new_districts_are_listed_once_with_their_first_incident() -> None:
    events = pd.DataFrame(
        {
            "id": [10, 11, 12, 13, 14],
            "date": pd.to_datetime(["2007-03-01", "2007-01-01", "2009-02-01", "2009-02-01", "2009-05-01"]),
            "district_pcode": ["A", "A", "B", None, "A"],
            "district": ["Alpha", "Alpha", "Beta", None, "Alpha"],
            "latitude": [30.0, 30.0, 31.0, 33.0, 30.0],
            "longitude": [70.0, 70.0, 71.0, 72.0, 70.0],
            "geo_precision": ["town", "town", "district", "province", "town"],
        }
    )
    result = compute_spread(events, group="Example")
    assert result.new_districts[["district_pcode", "first_date", "first_incident_id"]].values.tolist() == [
        ["A", pd.Timestamp("2007-01-01").date(), 11],
        ["B", pd.Timestamp("2009-02-01").date(), 12],
    ]
    years = result.to_frame().set_index("year")
    assert list(years.index) == [2007, 2008, 2009]
    assert years.loc[2008, "incidents"] == 0
    assert years.loc[2009, "placed"] == 2  # the province-level place is left out
    assert years.loc[2009, "centre_lat"] == pytest.approx(30.5)
    assert result.active_districts[2009] == ["A", "B"]
    document = result.as_json_dict()
    assert document["years"][2]["new"][0]["district"] == "Beta"
    with pytest.raises(EmptySelection):
        compute_spread(events.iloc[:0], group="Example")


def test_spread_of_a_group_in_the_synthetic_store(synthetic_app: Nigehban) -> None:
    result = synthetic_app.spread("TTP")
    assert result.group == "Tehrik-i-Taliban Pakistan"
    assert list(result.new_districts["district"]) == ["Synthetic West", "Synthetic East", "Synthetic North"]
    assert list(result.to_frame()["cumulative_districts"]) == [2, 3, 3]
    with pytest.raises(UnknownGroup, match="no incident names the group 'Nobody Front'"):
        synthetic_app.spread("Nobody Front")
    with pytest.raises(EmptySelection):
        synthetic_app.spread("TTP", filter=IncidentFilter(province="Sindh"))


@pytest.mark.data
def test_gtd_ttp_spreads_from_the_tribal_areas_after_2007(gtd_app: Nigehban) -> None:
    result = gtd_app.spread("TTP")
    years = result.to_frame().set_index("year")
    # GTD attributes a handful of attacks before the TTP's founding (December 2007) to it
    assert years.index[0] < 2007
    assert years.loc[:2006, "incidents"].sum() < 20
    first = result.new_districts.iloc[0]
    assert first["district"] in {"North Waziristan", "South Waziristan"}
    # it reaches most of its districts between 2007 and 2012, many more than it had before
    assert years.loc[2012, "cumulative_districts"] > 3 * years.loc[2006, "cumulative_districts"]
    assert years.loc[2007:2012, "new_districts"].sum() > 30
    assert "Peshawar" in set(result.new_districts.loc[result.new_districts["year"] <= 2008, "district"])
    # its centre stays in Khyber Pakhtunkhwa / the former FATA
    assert years.loc[2007:2012, "centre_lon"].between(69.5, 72.5).all()
