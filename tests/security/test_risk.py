"""Risk = Threat × Vulnerability × Consequence: FEMA 426 bands, ISC security levels, threat from the record."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from nigehban import Nigehban
from nigehban.security.checklist import load_checklist
from nigehban.security.consequence import consequence_score
from nigehban.security.facilities import Facility
from nigehban.security.risk import assess_facility, risk_band
from nigehban.security.threat import ThreatModel, threat_score


def _facility(**changes: object) -> Facility:
    values: dict[str, object] = {
        "id": 1,
        "code": "PS-1",
        "name": "SYNTHETIC PS",
        "facility_type": "police_station",
        "place": None,
        "latitude": None,
        "longitude": None,
        "province": "Khyber Pakhtunkhwa",
        "district": "Bannu",
        "district_pcode": "PK1",
        "staff": 60,
        "daily_visitors": 40,
        "area_m2": 800.0,
        "mission_criticality": 2,
        "symbolism": 2,
        "tenant_threat": None,
        "security_level": None,
        "notes": None,
        "dataset": "test",
        "synthetic": True,
    }
    values.update(changes)
    return Facility(**values)  # type: ignore[arg-type]


def _incidents(rows: list[tuple[str, str, str, str, str, str, bool, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=["date", "province", "district_pcode", "district", "attack_type", "target_type", "suicide", "summary"],
    )
    frame["date"] = pd.to_datetime(frame["date"])
    frame["weapon_type"] = ["explosives" if kind == "bombing" else "firearms" for kind in frame["attack_type"]]
    frame["target_detail"] = ""
    return frame


def test_fema_bands() -> None:
    # FEMA 426: Low 1-60, Medium 61-175, High 176 and above (of 1-1000)
    assert [risk_band(score) for score in (1, 60, 61, 175, 176, 1000)] == [
        "Low",
        "Low",
        "Medium",
        "Medium",
        "High",
        "High",
    ]


def test_isc_security_levels_by_hand() -> None:
    # a police station: criticality 2 + symbolism 2 + population 100 (1) + 800 m² (1) + tenants 3 = 9 -> FSL II
    station = consequence_score(
        facility_type="police_station",
        staff=60,
        daily_visitors=40,
        area_m2=800,
        mission_criticality=2,
        symbolism=2,
        tenant_threat=None,
        security_level=None,
    )
    assert (station.points, station.level, station.value) == (9, 2, round(1 + 8 * 4 / 15, 1))
    # a headquarters: 4 + 4 + 1,200 people (4) + 30,000 m² (4) + 3 = 19 -> FSL IV, consequence 8.5
    hq = consequence_score(
        facility_type="police_hq",
        staff=900,
        daily_visitors=300,
        area_m2=30_000,
        mission_criticality=4,
        symbolism=4,
        tenant_threat=3,
        security_level=None,
    )
    assert (hq.points, hq.level, hq.value) == (19, 4, 8.5)
    # an agency's FSL V overrides the points
    assert consequence_score(
        facility_type="check_post",
        staff=None,
        daily_visitors=None,
        area_m2=None,
        mission_criticality=1,
        symbolism=1,
        tenant_threat=None,
        security_level=5,
    ).value == pytest.approx(10.0)


def test_threat_scale() -> None:
    assert threat_score(0.0) == 1.0
    assert threat_score(0.01) == 1.0
    assert threat_score(10.0) == 10.0
    assert threat_score(100.0) == 10.0
    assert threat_score(1.0) == pytest.approx(1 + 9 * 2 / 3)


def test_threat_follows_the_district_record_and_the_forecast() -> None:
    kp = "Khyber Pakhtunkhwa"
    stormed, bomber = "Gunmen stormed the police station", "A suicide bomber blew himself up at the police station"
    car = "An explosives-laden car rammed a police checkpost"
    rows = [
        # Bannu: six attacks on police in 2022, four of them on police stations, two by suicide bombers
        *[(f"2022-0{month}-10", kp, "PK1", "Bannu", "armed_assault", "police", False, stormed) for month in (1, 2)],
        *[(f"2022-0{month}-10", kp, "PK1", "Bannu", "bombing", "police", True, bomber) for month in (3, 4)],
        *[(f"2022-0{month}-10", kp, "PK1", "Bannu", "bombing", "police", False, car) for month in (5, 6)],
        # a quiet district of the same province
        ("2022-06-01", kp, "PK2", "Swabi", "armed_assault", "police", False, "Gunmen shot a constable"),
    ]
    model = ThreatModel(_incidents(rows), as_of=dt.date(2022, 12, 31))
    bannu = model.scores(_facility())
    swabi = model.scores(_facility(district="Swabi", district_pcode="PK2"))
    for scenario in bannu:
        assert bannu[scenario].value >= swabi[scenario].value
        assert bannu[scenario].low <= bannu[scenario].value <= bannu[scenario].high
    assert bannu["armed_assault"].value > swabi["armed_assault"].value
    shares, _ = model.scenario_shares("police_station")
    assert shares["suicide_bomber"] > shares["vbied"]  # the car bombs hit a check-post, not a station
    check_post_shares, _ = model.scenario_shares("check_post")
    assert check_post_shares["vbied"] > shares["vbied"]
    assert any("history (no district forecast stored)" in reason for reason in bannu["armed_assault"].reasons)

    # a stored forecast (P(attack on police) next month) replaces the history's rate
    forecast = ThreatModel(
        _incidents(rows), as_of=dt.date(2022, 12, 31), forecast={"PK2": 0.9}, forecast_source="forecast run 7"
    ).scores(_facility(district="Swabi", district_pcode="PK2"))
    assert forecast["armed_assault"].value > swabi["armed_assault"].value
    assert "forecast run 7" in forecast["armed_assault"].reasons[0]


def test_risk_multiplies_the_three_factors() -> None:
    checklist = load_checklist()
    rows = [("2022-01-10", "Khyber Pakhtunkhwa", "PK1", "Bannu", "armed_assault", "police", False, "Gunmen")]
    model = ThreatModel(_incidents(rows), as_of=dt.date(2022, 12, 31))
    facility = _facility()
    weak = {item.id: 0 for item in checklist.items_for("police_station")}
    strong = {item.id: item.scale.max_level for item in checklist.items_for("police_station")}
    weak_risk = assess_facility(facility, audit=None, checklist=checklist, threat=model, answers=weak)
    strong_risk = assess_facility(facility, audit=None, checklist=checklist, threat=model, answers=strong)
    for scenario, score in weak_risk.scenarios.items():
        assert score.vulnerability.value == pytest.approx(10.0)
        assert strong_risk.scenarios[scenario].vulnerability.value == pytest.approx(1.0)
        assert score.risk == pytest.approx(score.threat.value * 10.0 * score.consequence, abs=0.01)
    assert weak_risk.total == pytest.approx(10 * strong_risk.total, rel=1e-3)
    unaudited = assess_facility(facility, audit=None, checklist=checklist, threat=model)
    assert unaudited.notes
    assert "not audited" in unaudited.notes[0]
    assert all(score.vulnerability.value == pytest.approx(5.5) for score in unaudited.scenarios.values())
    assert unaudited.total_low < unaudited.total < unaudited.total_high


def test_a_stored_district_forecast_sets_the_threat(app: Nigehban) -> None:
    """The newest district forecast run's default model (horizon 1) replaces the history's rate."""
    from nigehban.forecast.live import ForecastRun, save_run
    from nigehban.security.threat import ThreatModel as Model

    quiet = Model.from_store(app.engine, as_of=dt.date(2024, 1, 1)).scores(_facility())
    values = pd.DataFrame(
        [
            {
                "model": model,
                "unit_id": "PK1",
                "period": "2024-01",
                "horizon": 1,
                "p_attack": 0.95,
                "p_security_attack": p,
                "expected_attacks": 3.0,
                "expected_fatalities": 5.0,
                "fatalities_low": 0.0,
                "fatalities_high": 12.0,
            }
            for model, p in (("ensemble", 0.9), ("climatology", 0.01))
        ]
    )
    run = ForecastRun(
        as_of=dt.date(2024, 1, 1),
        unit="district",
        freq="month",
        horizon=1,
        origin_period="2023-12",
        default_model="ensemble",
        models={},
        data_version={},
        values=values,
    )
    run_id = save_run(app.engine, run, actor="test-analyst")
    model = Model.from_store(app.engine, as_of=dt.date(2024, 1, 1))
    scores = model.scores(_facility())
    assert scores["armed_assault"].value > quiet["armed_assault"].value
    assert f"forecast run {run_id} (ensemble" in scores["armed_assault"].reasons[0]
    # -ln(1 - 0.9) attacks a month on police in the district
    assert model.district_rate(_facility()).mean == pytest.approx(-math.log(0.1))
