"""The store's plans and patrols, end to end on the synthetic demo world: a plan's promised risk is the risk
the same audits score after its measures, and patrol coverage spends exactly the units."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from nigehban import Nigehban, Settings
from nigehban.security.audits import latest_completed_audits
from nigehban.security.patrol import sample_rosters
from nigehban.security.plan import BudgetTooSmall
from nigehban.security.risk import assess_facility


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nigehban]:
    path: Path = tmp_path_factory.mktemp("demo") / "demo.db"
    app = Nigehban(Settings(database_url=f"sqlite:///{path}", actor="test-analyst"))
    app.init()
    app.demo(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    yield app
    app.close()


def test_the_demo_facilities_are_synthetic_and_audited(demo: Nigehban) -> None:
    facilities = demo.facilities()
    assert len(facilities) > 150
    assert all(facility.synthetic and facility.name.startswith("SYNTHETIC") for facility in facilities)
    audits = demo.audits()
    assert {audit.status for audit in audits} == {"completed", "in_progress"}
    audited = {audit.facility_id for audit in audits if audit.status == "completed"}
    assert 0.7 * len(facilities) < len(audited) < len(facilities)
    # the demo loads once: again, it changes nothing
    assert demo.demo_facilities().added == 0


def test_a_plan_removes_the_risk_it_promises(demo: Nigehban) -> None:
    district = "Peshawar"
    result = demo.hardening_plan(budget_pkr=30_000_000, district=district)
    plan = result.plan
    assert plan.status == "optimal"
    assert 0 < plan.total_cost <= 30_000_000
    assert sum(choice.cost_pkr for choice in plan.chosen) == plan.total_cost
    assert plan.risk_after < plan.risk_before

    # score the same audits again with the chosen measures' levels applied
    checklist, catalogue = demo.checklist(), demo.catalogue()
    threat = demo.threat_model()
    with demo.engine.connect() as connection:
        audits = latest_completed_audits(connection)
    chosen: dict[int, list[str]] = {}
    for choice in plan.chosen:
        chosen.setdefault(choice.facility_id, []).append(choice.measure_id)
    risks = {risk.facility.id: risk for risk in demo.risk(district=district)}
    assert plan.risk_before == pytest.approx(sum(risk.total for risk in risks.values() if risk.audit_id), rel=1e-3)
    compared = 0
    for outcome in plan.facilities:
        facility = demo.facility(outcome.facility_id)
        audit = audits[facility.id]
        answers = dict(audit.levels())
        if any(item.id not in answers for item in checklist.items_for(facility.facility_type)):
            continue  # unanswered items are planned at half their scale; no answer can say that
        for measure_id in chosen.get(facility.id, []):
            for item, level in catalogue.measure(measure_id).raises.items():
                if isinstance(answers.get(item), int):
                    answers[item] = max(int(answers[item] or 0), level)
        after = assess_facility(facility, audit=audit, checklist=checklist, threat=threat, answers=answers)
        assert outcome.risk_after == pytest.approx(after.total, abs=0.05), facility.code
        assert outcome.risk_before == pytest.approx(risks[facility.id].total, abs=0.05)
        compared += 1
    assert compared >= 5

    with pytest.raises(BudgetTooSmall, match="buys nothing"):
        demo.hardening_plan(budget_pkr=1_000, district=district)


def test_the_marginal_curve_falls_and_spends_within_each_budget(demo: Nigehban) -> None:
    result = demo.hardening_plan(
        budget_pkr=20_000_000, district="Quetta", curve_step_pkr=5_000_000, curve_max_pkr=20_000_000
    )
    curve = result.curve
    assert [point.budget_pkr for point in curve] == [0, 5_000_000, 10_000_000, 15_000_000, 20_000_000]
    assert curve[0].risk_after == pytest.approx(result.plan.risk_before)
    assert curve[-1].risk_after == pytest.approx(result.plan.risk_after)
    for before, after in itertools.pairwise(curve):
        assert after.risk_after <= before.risk_after + 1e-9
        assert after.total_cost <= after.budget_pkr


def test_patrol_coverage_spends_the_units_on_the_riskiest(demo: Nigehban) -> None:
    coverage = demo.patrol(units=5, province="Balochistan")
    values = coverage.coverage
    assert sum(values.values()) == pytest.approx(5.0)
    assert all(0.0 <= value <= 1.0 for value in values.values())
    risks = {risk.facility.id: risk.total for risk in demo.risk(province="Balochistan")}
    covered = [facility for facility, value in values.items() if value > 0]
    uncovered = [facility for facility, value in values.items() if value == 0]
    assert covered
    assert uncovered
    # nobody left uncovered is riskier than anybody covered
    assert max(risks[facility] for facility in uncovered) <= min(risks[facility] for facility in covered) + 1e-6
    rosters = sample_rosters(coverage, shifts=200, seed=1)
    assert all(len(set(shift)) == 5 for shift in rosters)
