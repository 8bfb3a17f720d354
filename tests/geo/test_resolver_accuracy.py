"""Accuracy of place resolution on real data, against the targets of issue 3 (docs/geography-accuracy.md).

The figures are measured by benchmarks/geo_accuracy.py (``python -m benchmarks.geo_accuracy`` prints
them with the confusion tables of the misses); these tests assert on the same measurement.

Targets and where they stand:

- GTD 1970-2012, coordinates removed: the district from the names equals the district of the
  coordinates for >= 90 % of specificity-1 rows. NOT MET: 65 % of all rows, 86 % without the rows
  that name only Karachi (a city spanning six districts, resolved to the district of its centre
  while GTD puts most of them on one point in Central Karachi). The misses are places cities500
  does not hold (415 rows resolve only to their province) and a boundary-set quirk (Bara tehsil lies
  in Orakzai district there, GTD's Bara point 0.2 km away in Peshawar). The target test is kept as
  a strict expected failure, and the measured figures are guarded against regressions.
- GTD province from the names >= 98 %: met (99.6 %).
- UCDP-AEC: the file has no coordinates. Substitute: the district of ``location_adm2_name`` equals
  the district of the GeoNames point of ``location_where_name`` (where that is a GeoNames town of the
  stated province) for >= 95 %: met (99.4 %, and 99.2 % without Karachi, where both sides are the
  city's one point). Every adm2 name resolves to a district.
"""

from __future__ import annotations

import pytest
from benchmarks.geo_accuracy import (
    GtdAccuracy,
    UcdpAccuracy,
    gtd_accuracy,
    gtd_reports,
    load_boundaries,
    ucdp_accuracy,
)

from nigehban.geo.boundaryset import BoundarySet
from tests.helpers import DATA, GTD_PAKISTAN, UCDP_AEC, shared_data

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def boundaries() -> BoundarySet:
    shared_data("geo/pak_adm2_districts.geojson")
    return load_boundaries(DATA)


@pytest.fixture(scope="module")
def gtd(boundaries: BoundarySet) -> GtdAccuracy:
    return gtd_accuracy(shared_data(GTD_PAKISTAN), boundaries)


@pytest.fixture(scope="module")
def ucdp(boundaries: BoundarySet) -> UcdpAccuracy:
    return ucdp_accuracy(shared_data(UCDP_AEC), boundaries)


def test_gtd_rows_compared(gtd: GtdAccuracy) -> None:
    assert gtd.rows == 6149  # specificity 1 with coordinates
    assert gtd.compared == 6146  # three fall in no district
    assert gtd.at_gtd_karachi_point == 1408


def test_gtd_province_from_names_meets_the_98_percent_target(gtd: GtdAccuracy) -> None:
    assert gtd.province_rate >= 0.98, gtd.province_rate


@pytest.mark.xfail(
    strict=True,
    reason="target not met: 65 % (85 % without bare-Karachi rows); see docs/geography-accuracy.md",
)
def test_gtd_district_from_names_meets_the_90_percent_target(gtd: GtdAccuracy) -> None:
    assert gtd.district_rate >= 0.90, gtd.district_rate


def test_gtd_district_from_names_does_not_regress(gtd: GtdAccuracy) -> None:
    """The figures measured when this was written (docs/geography-accuracy.md), less half a point."""
    assert gtd.district_rate >= 0.642, gtd.district_rate
    assert gtd.district_rate_without_city_wide >= 0.850, gtd.district_rate_without_city_wide
    # when the names do resolve to a district (not only a province or a multi-district city); 93.9 % before Karachi's
    # listed places refined the city (8 December 2026: more rows resolve, some of them at GTD's one Karachi point)
    assert gtd.district_rate_when_resolved >= 0.930, gtd.district_rate_when_resolved
    assert gtd.unresolved <= 600


def test_gtd_karachi_rows_are_the_city_wide_case(gtd: GtdAccuracy) -> None:
    # bare "Karachi" rows resolve to South Karachi (the city's GeoNames point); GTD's point is in Central
    assert gtd.misses[("Central Karachi", "South Karachi")] >= 1300
    assert gtd.city_wide >= gtd.at_gtd_karachi_point * 0.9


def test_ucdp_every_district_name_resolves(ucdp: UcdpAccuracy) -> None:
    assert (ucdp.rows, ucdp.with_adm2) == (376, 363)
    assert ucdp.adm2_resolved == ucdp.with_adm2
    assert len(ucdp.adm2_names) == 65
    assert ucdp.adm2_names["Dera Ismail Khan district"] == "D. I. Khan"
    assert ucdp.adm2_names["Kurram agency"] == "Kurram"
    assert ucdp.adm2_names["Neelam district"] == "Neelum"
    assert ucdp.adm2_names["Hattian Bala district"] == "Jhelum Valley"
    assert ucdp.adm2_names["FR Tank - Jandola"] == "Tank"


def test_ucdp_district_names_agree_with_the_geocoded_town_for_95_percent(ucdp: UcdpAccuracy) -> None:
    """Substitute for coordinates the file lacks: the GeoNames point of the event's town."""
    assert ucdp.geocoded >= 150
    assert ucdp.agreement >= 0.95, ucdp.misses
    assert ucdp.agreement_without_karachi >= 0.95, ucdp.misses


def test_places_learned_from_earlier_years_place_later_rows_better(boundaries: BoundarySet) -> None:
    """Learning from GTD's geocoded rows before 2008 (never from the rows resolved) gains on 2008-2012."""
    path = shared_data(GTD_PAKISTAN)
    plain = gtd_accuracy(path, boundaries, since_year=2008)
    learned = gtd_accuracy(path, boundaries, since_year=2008, learned_from=gtd_reports(path, before_year=2008))
    assert learned.compared == plain.compared == 3755
    assert learned.district_rate >= plain.district_rate + 0.06, (learned.district_rate, plain.district_rate)
    assert learned.district_rate >= 0.80  # measured 80.9 %, short of the 90 % target
    assert learned.province_rate >= plain.province_rate
