"""The synthetic facility set of the demo world: made-up police facilities and audits over real towns.

**Everything here is made up.** No list of real police facilities is public, and none is used: the
towns are the real district towns of :data:`nigehban.demo.TOWNS`; the facilities, their names
("SYNTHETIC ..."), codes (``DEMO-...``), staff, positions (a few km from the town centre) and every
audit answer are drawn at random. They are stored in dataset ``demo-facilities`` with
``synthetic = True``, and auditors are called "SYNTHETIC auditor ...".

What it looks like: each town has a district police office and one to three police stations; the
big cities have police lines, a headquarters and a CTD office; check-posts and FC posts in KP and
Balochistan, Levies posts in Balochistan. Each facility has a latent "upkeep" that its audit answers
follow (check-posts and Levies posts are weakest, offices and lines strongest); about one in eight
has never been audited, one in five has an earlier audit too (to compare), and a few have an audit
in progress. Deterministic for a seed: loading it again changes nothing.

Example:
    >>> facilities, audits = generate_demo_facilities(seed=1)
    >>> facilities[0].name.startswith("SYNTHETIC"), len(facilities) > 100
    (True, True)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING

from nigehban.demo import BALOCHISTAN, KP, TOWNS, Town
from nigehban.security.audits import AnswerInput
from nigehban.security.checklist import AuditChecklist
from nigehban.security.facilities import FacilityImportReport, FacilityInput

if TYPE_CHECKING:
    from nigehban.app import Nigehban

__all__ = ["DEMO_FACILITY_DATASET", "DemoAudit", "generate_demo_facilities", "load_demo_facilities"]

DEMO_FACILITY_DATASET = "demo-facilities"
_BIG_CITIES = frozenset({"Peshawar", "Quetta", "Karachi", "Islamabad", "Rawalpindi", "Dera Ismail Khan", "Bannu"})
_CTD_CITIES = frozenset({"Peshawar", "Quetta", "Karachi", "Islamabad", "Dera Ismail Khan", "Bannu"})
_STATIONS = ("City", "Saddar", "Cantt", "Civil Lines", "Gulbahar", "Model Town", "Airport", "Railway")
# how well kept each type is, on average (0 = nothing in place, 1 = everything)
_UPKEEP = {
    "police_station": 0.45,
    "police_post": 0.35,
    "check_post": 0.3,
    "police_lines": 0.55,
    "district_police_office": 0.6,
    "police_hq": 0.65,
    "ctd_office": 0.65,
    "fc_post": 0.5,
    "levies_post": 0.25,
    "court": 0.5,
    "other": 0.4,
}
_TYPICAL_STAFF = {
    "police_station": (30, 90),
    "police_post": (8, 25),
    "check_post": (4, 12),
    "police_lines": (300, 1200),
    "district_police_office": (60, 200),
    "police_hq": (200, 700),
    "ctd_office": (80, 250),
    "fc_post": (20, 80),
    "levies_post": (8, 30),
    "court": (60, 200),
    "other": (10, 50),
}


@dataclasses.dataclass(frozen=True)
class DemoAudit:
    """A synthetic audit: the facility's code, when, by whom, its answers, and whether it is finished."""

    facility_code: str
    audit_date: dt.date
    auditor: str
    answers: Mapping[str, AnswerInput]
    completed: bool


def _offset(rng: random.Random, town: Town) -> tuple[float, float]:
    km = rng.uniform(0.3, 2.5)
    bearing = rng.uniform(0, 2 * math.pi)
    latitude = town.latitude + km * math.cos(bearing) / 111.0
    longitude = town.longitude + km * math.sin(bearing) / (111.0 * math.cos(math.radians(town.latitude)))
    return round(latitude, 5), round(longitude, 5)


def _facility(rng: random.Random, town: Town, kind: str, name: str, number: int) -> FacilityInput:
    latitude, longitude = _offset(rng, town)
    low, high = _TYPICAL_STAFF[kind]
    staff = rng.randint(low, high)
    return FacilityInput(
        code=f"DEMO-{number:04d}",
        name=f"SYNTHETIC {name}",
        facility_type=kind,
        latitude=latitude,
        longitude=longitude,
        place=town.name,
        district=town.district,
        province=town.province,
        staff=staff,
        daily_visitors=int(staff * rng.uniform(0.2, 1.5)) if kind not in {"check_post", "fc_post"} else 0,
        notes="Synthetic demo facility: not a real police facility.",
    )


def _facilities(rng: random.Random) -> list[FacilityInput]:
    out: list[FacilityInput] = []

    def add(town: Town, kind: str, name: str) -> None:
        out.append(_facility(rng, town, kind, name, len(out) + 1))

    for town in TOWNS:
        add(town, "district_police_office", f"District Police Office {town.district}")
        for station in rng.sample(_STATIONS, 3 if town.name in _BIG_CITIES else rng.randint(1, 2)):
            add(town, "police_station", f"{station} Police Station, {town.name}")
        if town.name in _BIG_CITIES:
            add(town, "police_lines", f"Police Lines {town.name}")
            add(town, "court", f"District Courts {town.name}")
        if town.name in _CTD_CITIES:
            add(town, "ctd_office", f"CTD Office {town.name}")
        if town.name in {"Peshawar", "Quetta", "Karachi"}:
            add(town, "police_hq", f"Police Headquarters {town.name}")
        if town.province in {KP, BALOCHISTAN}:
            for number in range(rng.randint(1, 2)):
                add(town, "check_post", f"Check-post {number + 1}, {town.name}")
        if town.province == KP and rng.random() < 0.4:
            add(town, "police_post", f"Police Post {town.name} Bazaar")
        if town.province == BALOCHISTAN:
            add(town, "levies_post" if rng.random() < 0.6 else "fc_post", f"{town.name} Post")
        elif town.province == KP and rng.random() < 0.3:
            add(town, "fc_post", f"FC Post {town.name}")
    return out


def _answers(
    rng: random.Random, checklist: AuditChecklist, kind: str, upkeep: float, *, share: float = 1.0
) -> dict[str, AnswerInput]:
    answers: dict[str, AnswerInput] = {}
    for item in checklist.items_for(kind):
        if rng.random() > share:
            continue
        if item.na_allowed and rng.random() < 0.05:
            answers[item.id] = AnswerInput(answer="na")
            continue
        top = item.scale.max_level
        quality = min(1.0, max(0.0, rng.gauss(upkeep, 0.25)))
        level = min(top, max(0, round(quality * top + rng.uniform(-0.5, 0.5))))
        note = "SYNTHETIC: rear side unwatched" if item.id.startswith("perimeter") and level == 0 else None
        answers[item.id] = AnswerInput(answer=level, note=note)
    return answers


def generate_demo_facilities(
    seed: int = 2023, *, checklist: AuditChecklist | None = None, today: dt.date | None = None
) -> tuple[list[FacilityInput], list[DemoAudit]]:
    """The synthetic facilities and their audits (oldest first), without touching a store."""
    from nigehban.security.checklist import load_checklist

    checklist = checklist or load_checklist()
    today = today or dt.date(2024, 6, 30)
    rng = random.Random(seed * 7919 + 11)
    facilities = _facilities(rng)
    audits: list[DemoAudit] = []
    for facility in facilities:
        draw = rng.random()
        if draw < 0.12:
            continue  # never audited
        upkeep = min(0.95, max(0.05, rng.gauss(_UPKEEP[facility.facility_type], 0.15)))
        auditor = f"SYNTHETIC auditor {rng.randint(1, 12)}"
        last = today - dt.timedelta(days=rng.randint(10, 300))
        if draw < 0.32:  # an earlier, worse audit before this one
            earlier = last - dt.timedelta(days=rng.randint(180, 540))
            answers = _answers(rng, checklist, facility.facility_type, max(0.05, upkeep - 0.2))
            audits.append(DemoAudit(facility.code, earlier, auditor, answers, completed=True))
        in_progress = draw > 0.95
        answers = _answers(rng, checklist, facility.facility_type, upkeep, share=0.5 if in_progress else 1.0)
        audits.append(DemoAudit(facility.code, last, auditor, answers, completed=not in_progress))
    audits.sort(key=lambda audit: (audit.audit_date, audit.facility_code))
    return facilities, audits


def load_demo_facilities(app: Nigehban, *, seed: int = 2023) -> FacilityImportReport:
    """Store the synthetic facilities and their audits (facilities already there are left as they are)."""
    checklist = app.checklist()
    facilities, audits = generate_demo_facilities(seed, checklist=checklist)
    report = app._save_facilities(facilities, dataset=DEMO_FACILITY_DATASET, synthetic=True)
    if report.added == 0:
        return report  # loaded before: the audits are there too
    for audit in audits:
        started = app.audit_start(audit.facility_code, auditor=audit.auditor, audit_date=audit.audit_date)
        app.audit_answer(started.id, audit.answers, notes="SYNTHETIC demo audit")
        if audit.completed:
            app.audit_complete(started.id)
    return report
