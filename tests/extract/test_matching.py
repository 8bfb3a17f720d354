"""Matching a report's candidate to stored incidents on fields (date window, district, type, casualties).

The stored incidents come from the synthetic agency register in tests/fixtures.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nigehban import Nigehban
from nigehban.errors import InvalidFieldValue
from nigehban.extract.matching import MatchConfig, find_matches
from tests.helpers import FIXTURES


@pytest.fixture
def stored(app: Nigehban) -> dict[str, int]:
    """The register's incidents by key (KP-001/2024: 2024-01-03, Peshawar, police station bombed, 4 killed)."""
    report = app.import_csv(FIXTURES / "agency_register_synthetic.csv", mapping=FIXTURES / "agency_register.toml")
    assert report.inserted >= 4
    return {incident.sources[0].removeprefix("ctd-register:"): incident.id for incident in app.incidents()}


def _peshawar_report(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "date": dt.date(2024, 1, 4),  # a day later than the register's date
        "province": "Khyber Pakhtunkhwa",
        "district": "Peshawar",
        "attack_type": "bombing",
        "target_type": "police",
        "killed": 5,  # off by one
        "wounded": 11,  # off by one
    }
    values.update(changes)
    return values


def test_an_independent_report_matches_the_stored_attack_first(app: Nigehban, stored: dict[str, int]) -> None:
    with app.engine.connect() as connection:
        matches = find_matches(connection, _peshawar_report(), date_confidence=0.95)
    assert matches, "the Peshawar police-station bombing was not found"
    best = matches[0]
    assert best.incident_id == stored["KP-001/2024"]
    assert 0.8 <= best.score <= 1.0
    assert best.components["type"] == pytest.approx(0.8)  # same type and target; suicide not reported
    assert "1 day apart" in best.reasons
    assert "killed 5 / 4" in best.reasons
    # every other incident of the register is elsewhere or weeks away
    assert [match.incident_id for match in matches] == [stored["KP-001/2024"]]


def test_an_attack_the_same_day_in_another_district_does_not_match(app: Nigehban, stored: dict[str, int]) -> None:
    with app.engine.connect() as connection:
        other_district = find_matches(
            connection, _peshawar_report(date=dt.date(2024, 1, 3), district="Bannu"), date_confidence=0.95
        )
        other_province = find_matches(
            connection,
            _peshawar_report(date=dt.date(2024, 1, 3), district=None, province="Balochistan"),
            date_confidence=0.95,
        )
        a_kidnapping = find_matches(connection, _peshawar_report(attack_type="kidnapping"), date_confidence=0.95)
    assert other_district == []
    assert other_province == []
    assert a_kidnapping == []  # never the same attack as a bombing


def test_a_report_without_a_place_is_listed_with_a_low_place_score(app: Nigehban, stored: dict[str, int]) -> None:
    no_place = _peshawar_report(province=None, district=None)
    with app.engine.connect() as connection:
        matches = find_matches(connection, no_place, date_confidence=0.95)
        (with_place,) = find_matches(connection, _peshawar_report(), date_confidence=0.95)
    assert [match.incident_id for match in matches] == [stored["KP-001/2024"]]
    assert matches[0].components["location"] == pytest.approx(0.2)
    assert "no place read from the report" in matches[0].reasons
    assert matches[0].score < with_place.score


def test_the_date_window_widens_for_an_imprecise_date(app: Nigehban, stored: dict[str, int]) -> None:
    eight_days_later = _peshawar_report(date=dt.date(2024, 1, 11))
    with app.engine.connect() as connection:
        precise = find_matches(connection, eight_days_later, date_confidence=0.95)
        imprecise = find_matches(connection, eight_days_later, date_confidence=0.3)
        no_date = find_matches(connection, _peshawar_report(date=None))
    assert precise == []
    assert [match.incident_id for match in imprecise] == [stored["KP-001/2024"]]
    assert "candidate date imprecise: window of 10 days" in imprecise[0].reasons
    assert no_date == []


def test_casualties_rank_two_attacks_in_one_district(app: Nigehban, stored: dict[str, int]) -> None:
    # a second Peshawar bombing two days later with a very different toll ranks below the close one
    app.update_incident(
        stored["KP-002/2024"],
        {
            "date": "2024-01-05",
            "district": "Peshawar",
            "attack_type": "bombing",
            "target_type": "police",
            "killed": 40,
            "wounded": 90,
        },
    )
    with app.engine.connect() as connection:
        matches = find_matches(connection, _peshawar_report(), date_confidence=0.95)
    assert [match.incident_id for match in matches] == [stored["KP-001/2024"], stored["KP-002/2024"]]
    assert matches[0].score > matches[1].score
    assert matches[1].components["casualties"] < 0.3


def test_bad_settings_are_refused() -> None:
    with pytest.raises(InvalidFieldValue, match="window_days"):
        MatchConfig(window_days=-1)
    with pytest.raises(InvalidFieldValue, match="min_score"):
        MatchConfig(min_score=2)
