"""Consequence: what losing a facility costs, from an ISC-style facility security level.

The Interagency Security Committee's facility security level (FSL) scores five factors 1–4 and adds
them (5–20): **mission criticality** and **symbolism** (from the registry; defaults by type),
**facility population** (staff plus daily visitors: ≤100 → 1, ≤250 → 2, ≤750 → 3, more → 4),
**facility size** (floor area: ≤929 m² (10,000 ft²) → 1, ≤9,290 m² → 2, ≤23,225 m² → 3, more → 4)
and **threat to tenants** (police, CTD, FC and Levies tenants are the militants' declared targets:
3 unless the registry says; courts and others 2). FSL I is 5–7 points, II 8–12, III 13–17, IV
18–20; FSL V is an agency's own determination for the most critical facilities (``security_level``
in the registry overrides the score).

Consequence on FEMA 426's 1–10 scale follows the points: ``C = 1 + 8 × (points − 5) / 15`` (1 at the
lowest, 9 at FSL IV's top) and 10 for FSL V. Missing staff or area take the type's typical value
(listed in the reasons as "assumed"), so an incomplete registry row is visible, not silently low.

Example:
    >>> score = consequence_score(
    ...     facility_type="police_lines", staff=600, daily_visitors=300, area_m2=40_000,
    ...     mission_criticality=3, symbolism=3, tenant_threat=None, security_level=None,
    ... )
    >>> score.points, score.level, score.value
    (17, 3, 7.4)
"""

from __future__ import annotations

import dataclasses
from typing import Any, Final

__all__ = ["ConsequenceScore", "consequence_score"]

_TYPICAL_STAFF: Final[dict[str, int]] = {
    "police_station": 50,
    "police_post": 15,
    "check_post": 8,
    "police_lines": 500,
    "district_police_office": 120,
    "police_hq": 400,
    "ctd_office": 150,
    "fc_post": 40,
    "levies_post": 15,
    "court": 150,
    "other": 30,
}
_TYPICAL_AREA_M2: Final[dict[str, float]] = {
    "police_station": 800,
    "police_post": 200,
    "check_post": 50,
    "police_lines": 40_000,
    "district_police_office": 3_000,
    "police_hq": 10_000,
    "ctd_office": 3_000,
    "fc_post": 1_000,
    "levies_post": 300,
    "court": 5_000,
    "other": 500,
}
_LEVEL_NAMES: Final = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}


@dataclasses.dataclass(frozen=True, slots=True)
class ConsequenceScore:
    """Consequence 1–10 with the FSL points, level (1–5) and the reasons."""

    value: float
    points: int
    level: int
    factors: dict[str, int]
    reasons: tuple[str, ...]

    @property
    def level_name(self) -> str:
        return _LEVEL_NAMES[self.level]

    def as_dict(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        values["reasons"] = list(self.reasons)
        values["level_name"] = self.level_name
        return values


def _population_points(population: int) -> int:
    return 1 if population <= 100 else 2 if population <= 250 else 3 if population <= 750 else 4


def _size_points(area_m2: float) -> int:
    return 1 if area_m2 <= 929 else 2 if area_m2 <= 9_290 else 3 if area_m2 <= 23_225 else 4


def _level(points: int) -> int:
    return 1 if points <= 7 else 2 if points <= 12 else 3 if points <= 17 else 4


def consequence_score(
    *,
    facility_type: str,
    staff: int | None,
    daily_visitors: int | None,
    area_m2: float | None,
    mission_criticality: int,
    symbolism: int,
    tenant_threat: int | None,
    security_level: int | None,
) -> ConsequenceScore:
    """The consequence of a successful attack on a facility (see the module doc for the scale)."""
    reasons: list[str] = []
    if staff is None:
        staff = _TYPICAL_STAFF[facility_type]
        reasons.append(f"staff assumed {staff} (typical for the type)")
    population = staff + (daily_visitors or 0)
    if area_m2 is None:
        area_m2 = _TYPICAL_AREA_M2[facility_type]
        reasons.append(f"area assumed {area_m2:,.0f} m² (typical for the type)")
    if tenant_threat is None:
        tenant_threat = 2 if facility_type in {"court", "other"} else 3
    factors = {
        "mission_criticality": mission_criticality,
        "symbolism": symbolism,
        "population": _population_points(population),
        "size": _size_points(area_m2),
        "tenant_threat": tenant_threat,
    }
    points = sum(factors.values())
    level = _level(points)
    reasons.insert(
        0,
        "FSL points " + " + ".join(f"{name} {value}" for name, value in factors.items()) + f" = {points}"
        f" (population {population})",
    )
    if security_level is not None:
        level = security_level
        reasons.append(f"security level {_LEVEL_NAMES[level]} set by the agency")
    value = 10.0 if level == 5 else round(1.0 + 8.0 * (points - 5) / 15.0, 1)
    if security_level is not None and level < 5:
        # the agency's level bounds the score to that level's band of points
        band = {1: (5, 7), 2: (8, 12), 3: (13, 17), 4: (18, 20)}[level]
        clipped = min(max(points, band[0]), band[1])
        value = round(1.0 + 8.0 * (clipped - 5) / 15.0, 1)
    reasons.append(f"FSL {_LEVEL_NAMES[level]} → consequence {value:g}")
    return ConsequenceScore(value=value, points=points, level=level, factors=factors, reasons=tuple(reasons))
