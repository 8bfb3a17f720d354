"""From assessed risk to a hardening plan and a patrol allocation: the store's side of the optimisers.

:func:`plan_inputs` turns each facility's risk (:mod:`~nigehban.security.risk`) and audit into what the
MILP (:mod:`~nigehban.security.plan`) needs: the current level of every checklist item (an answered
level; an unanswered item counts half met, as in the vulnerability's point estimate; "not
applicable" items leave the model), the risk removed per level raised
(:func:`~nigehban.security.checklist.item_slopes` with the facility's threat and consequence), and
the catalogue's measures that apply to its type. Facilities never audited are left out of a plan
unless asked for: money is not spent on a facility whose weaknesses nobody has looked at (the plan
names them, so they can be audited first).

:func:`patrol_targets` turns each facility's total risk into the payoffs of the security game
(:func:`~nigehban.security.patrol.targets_from_risk`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from nigehban.security.catalogue import Catalogue
from nigehban.security.checklist import AuditChecklist, item_slopes
from nigehban.security.patrol import GameTarget, targets_from_risk
from nigehban.security.plan import CurvePoint, Plan, PlanFacility, PlanMeasure
from nigehban.security.risk import FacilityRisk
from nigehban.security.vocabulary import SCENARIOS

__all__ = ["HardeningPlan", "patrol_targets", "plan_inputs", "plan_measures"]


@dataclasses.dataclass(frozen=True)
class HardeningPlan:
    """A plan with the facts a commander reads beside it: districts, facilities left out, the curve."""

    plan: Plan
    districts: dict[int, str | None]
    codes: dict[int, str]
    left_out: tuple[str, ...]
    curve: tuple[CurvePoint, ...] = ()
    catalogue: str = ""

    def as_dict(self) -> dict[str, Any]:
        values = self.plan.as_dict()
        for choice in values["chosen"]:
            choice["facility_code"] = self.codes.get(choice["facility_id"])
            choice["district"] = self.districts.get(choice["facility_id"])
        for outcome in values["facilities"]:
            outcome["facility_code"] = self.codes.get(outcome["facility_id"])
            outcome["district"] = self.districts.get(outcome["facility_id"])
        values["left_out"] = list(self.left_out)
        values["catalogue"] = self.catalogue
        values["marginal_curve"] = [dataclasses.asdict(point) for point in self.curve]
        return values

    def rows(self) -> list[dict[str, Any]]:
        """One row per measure to buy (CSV), with the facility's code and district."""
        rows = []
        for row in self.plan.rows():
            facility_id = row["facility_id"]
            rows.append(
                {
                    "facility_code": self.codes.get(facility_id),
                    "district": self.districts.get(facility_id),
                    **row,
                }
            )
        return rows


def plan_measures(catalogue: Catalogue) -> list[PlanMeasure]:
    """The catalogue as the optimiser's measures."""
    return [
        PlanMeasure(id=measure.id, name=measure.name, cost_pkr=measure.cost_pkr, raises=dict(measure.raises))
        for measure in catalogue.measures
    ]


def plan_inputs(
    risks: Sequence[FacilityRisk],
    *,
    checklist: AuditChecklist,
    catalogue: Catalogue,
    include_unaudited: bool = False,
) -> tuple[list[PlanFacility], list[str]]:
    """The optimiser's facilities, and the facilities left out (not audited) as "CODE name" lines."""
    facilities: list[PlanFacility] = []
    left_out: list[str] = []
    for risk in risks:
        facility = risk.facility
        if risk.audit_id is None and not include_unaudited:
            left_out.append(f"{facility.code} {facility.name}")
            continue
        answers = dict(risk.answers)
        threat = {scenario: risk.scenarios[scenario].threat.value for scenario in SCENARIOS}
        slopes = item_slopes(
            checklist,
            facility_type=facility.facility_type,
            threat=threat,
            consequence=risk.consequence.value,
            answers=answers,
        )
        current: dict[str, float] = {}
        for item_id in slopes:
            item = checklist.item(item_id)
            answer = answers.get(item_id)
            current[item_id] = float(answer) if isinstance(answer, int) else item.scale.max_level / 2
        # risk now = the floor (every item met) + what each item's shortfall adds; V is linear in the levels
        floor = sum(threat[s] * risk.consequence.value for s in SCENARIOS)
        risk_before = floor + sum(
            slopes[item_id] * (checklist.item(item_id).scale.max_level - level) for item_id, level in current.items()
        )
        facilities.append(
            PlanFacility(
                id=facility.id,
                name=f"{facility.code} {facility.name}",
                risk_before=risk_before,
                current=current,
                slopes=slopes,
                measures=tuple(measure.id for measure in catalogue.measures_for(facility.facility_type)),
            )
        )
    return facilities, left_out


def patrol_targets(risks: Sequence[FacilityRisk], *, effectiveness: float = 0.7) -> list[GameTarget]:
    """The game's targets: each facility's total risk as the attacker's prize (see ``targets_from_risk``)."""
    return targets_from_risk(
        [risk.facility.id for risk in risks],
        [f"{risk.facility.code} {risk.facility.name}" for risk in risks],
        [risk.total for risk in risks],
        effectiveness=effectiveness,
    )
