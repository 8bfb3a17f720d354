"""Risk per facility and scenario: Threat × Vulnerability × Consequence (FEMA 426).

Each factor is on the 1–10 scale, so risk runs from 1 to 1000, in FEMA 426's bands: **Low** 1–60,
**Medium** 61–175, **High** 176 and above. Threat comes from the district forecast and the history of
attacks on the facility's type (:mod:`~nigehban.security.threat`), vulnerability from the facility's
latest completed audit (:func:`~nigehban.security.checklist.vulnerability`), consequence from its
security level (:mod:`~nigehban.security.consequence`). A facility never audited gets the
vulnerability of an audit with every item unanswered (5.5, interval 1–10) and says so.

Uncertainty: ``low`` and ``high`` multiply the factors' own bounds (threat: the 10th–90th percentile
of the district rate; vulnerability: unanswered items at worst and best; consequence: exact), so
they are wide on purpose where the audit is incomplete or the district's record thin. ``reasons``
say why each score is what it is; ``top_items`` are the audit answers that add most vulnerability.

The facility's total is the sum over the four scenarios (what a plan reduces); its band is the
highest of its scenarios' bands.

Example:
    >>> risk_band(240.0), risk_band(60.0), risk_band(61.0)
    ('High', 'Low', 'Medium')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any, Final

from nigehban.security.audits import Audit
from nigehban.security.checklist import AuditChecklist, VulnerabilityScore, vulnerability
from nigehban.security.consequence import ConsequenceScore, consequence_score
from nigehban.security.facilities import Facility
from nigehban.security.threat import ThreatModel, ThreatScore
from nigehban.security.vocabulary import SCENARIOS

__all__ = ["BANDS", "FacilityRisk", "ScenarioRisk", "assess_facilities", "assess_facility", "risk_band"]

BANDS: Final[tuple[tuple[str, float, float], ...]] = (("Low", 1, 60), ("Medium", 61, 175), ("High", 176, 1000))
_BAND_ORDER: Final = {"Low": 0, "Medium": 1, "High": 2}


def risk_band(risk: float) -> str:
    """FEMA 426's band of a risk score (Low ≤ 60 < Medium ≤ 175 < High)."""
    return "Low" if risk <= 60.5 else "Medium" if risk < 175.5 else "High"


@dataclasses.dataclass(frozen=True, slots=True)
class ScenarioRisk:
    """Risk of one scenario at one facility, with its three factors."""

    scenario: str
    threat: ThreatScore
    vulnerability: VulnerabilityScore
    consequence: float
    risk: float
    low: float
    high: float
    band: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "threat": self.threat.as_dict(),
            "vulnerability": {
                "value": self.vulnerability.value,
                "low": self.vulnerability.low,
                "high": self.vulnerability.high,
                "answered": self.vulnerability.answered,
                "applicable": self.vulnerability.applicable,
            },
            "consequence": self.consequence,
            "risk": self.risk,
            "low": self.low,
            "high": self.high,
            "band": self.band,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class FacilityRisk:
    """Risk of every scenario at one facility."""

    facility: Facility
    audit_id: int | None
    audit_date: str | None
    consequence: ConsequenceScore
    scenarios: dict[str, ScenarioRisk]
    total: float
    total_low: float
    total_high: float
    band: str
    top_items: tuple[tuple[str, float], ...]
    notes: tuple[str, ...]
    # the answers scored (the audit's, or a what-if's), for plans built on this assessment
    answers: Mapping[str, int | str | None] = dataclasses.field(default_factory=dict)

    @property
    def worst(self) -> ScenarioRisk:
        """The scenario with the highest risk."""
        return max(self.scenarios.values(), key=lambda item: item.risk)

    def as_dict(self) -> dict[str, Any]:
        return {
            "facility": {
                key: getattr(self.facility, key)
                for key in (
                    "id",
                    "code",
                    "name",
                    "facility_type",
                    "district",
                    "district_pcode",
                    "province",
                    "synthetic",
                )
            },
            "audit_id": self.audit_id,
            "audit_date": self.audit_date,
            "consequence": self.consequence.as_dict(),
            "scenarios": {name: item.as_dict() for name, item in self.scenarios.items()},
            "total": self.total,
            "total_low": self.total_low,
            "total_high": self.total_high,
            "band": self.band,
            "top_items": [{"item": item, "share": share} for item, share in self.top_items],
            "notes": list(self.notes),
        }


def facility_consequence(facility: Facility) -> ConsequenceScore:
    """The facility's consequence score from its registry fields."""
    return consequence_score(
        facility_type=facility.facility_type,
        staff=facility.staff,
        daily_visitors=facility.daily_visitors,
        area_m2=facility.area_m2,
        mission_criticality=facility.mission_criticality,
        symbolism=facility.symbolism,
        tenant_threat=facility.tenant_threat,
        security_level=facility.security_level,
    )


def assess_facility(
    facility: Facility,
    *,
    audit: Audit | None,
    checklist: AuditChecklist,
    threat: ThreatModel,
    answers: Mapping[str, int | str | None] | None = None,
) -> FacilityRisk:
    """Risk of each scenario at ``facility`` from its latest completed ``audit`` (None: not audited).

    ``answers`` replaces the audit's answers (what-if: the answers after a plan's measures).
    """
    notes: list[str] = []
    if answers is None:
        answers = audit.levels() if audit is not None else {}
    if audit is None:
        notes.append("not audited: vulnerability unknown (every item counted as unanswered)")
    elif (audit.checklist_id, audit.checklist_version) != (checklist.id, checklist.version):
        notes.append(
            f"audited with checklist {audit.checklist_version}, scored with {checklist.version} (items matched by id)"
        )
        answers = {item: value for item, value in answers.items() if _has(checklist, item)}
    consequence = facility_consequence(facility)
    threats = threat.scores(facility)
    vulnerabilities = vulnerability(checklist, answers, facility_type=facility.facility_type)
    scenarios: dict[str, ScenarioRisk] = {}
    for scenario in SCENARIOS:
        t, v, c = threats[scenario], vulnerabilities[scenario], consequence.value
        risk = t.value * v.value * c
        scenarios[scenario] = ScenarioRisk(
            scenario=scenario,
            threat=t,
            vulnerability=v,
            consequence=c,
            risk=round(risk, 2),
            low=round(t.low * v.low * c, 2),
            high=round(t.high * v.high * c, 2),
            band=risk_band(risk),
        )
    contributions: dict[str, float] = {}
    for scenario in SCENARIOS:
        weight = scenarios[scenario].risk
        for item, share in vulnerabilities[scenario].contributions:
            contributions[item] = contributions.get(item, 0.0) + weight * share
    total_weight = sum(contributions.values()) or 1.0
    top = sorted(contributions.items(), key=lambda pair: (-pair[1], pair[0]))[:5]
    band = max((item.band for item in scenarios.values()), key=_BAND_ORDER.__getitem__)
    return FacilityRisk(
        facility=facility,
        audit_id=audit.id if audit is not None else None,
        audit_date=audit.audit_date.isoformat() if audit is not None else None,
        consequence=consequence,
        scenarios=scenarios,
        total=round(sum(item.risk for item in scenarios.values()), 2),
        total_low=round(sum(item.low for item in scenarios.values()), 2),
        total_high=round(sum(item.high for item in scenarios.values()), 2),
        band=band,
        top_items=tuple((item, round(value / total_weight, 3)) for item, value in top if value > 0),
        notes=tuple(notes),
        answers=dict(answers),
    )


def _has(checklist: AuditChecklist, item: str) -> bool:
    try:
        checklist.item(item)
    except (KeyError, LookupError):
        return False
    return True


def assess_facilities(
    facilities: Iterable[Facility],
    *,
    audits: Mapping[int, Audit],
    checklist: AuditChecklist,
    threat: ThreatModel,
) -> list[FacilityRisk]:
    """Risk of every facility, highest total first (ties by code)."""
    assessed = [
        assess_facility(facility, audit=audits.get(facility.id), checklist=checklist, threat=threat)
        for facility in facilities
    ]
    return sorted(assessed, key=lambda item: (-item.total, item.facility.code))
