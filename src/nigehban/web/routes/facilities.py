"""Facility protection: the registry ranked by risk, one facility with its risk per scenario and
audits, and analysts' corrections. ``/facilities`` and ``/api/facilities`` render the same data.

Risk (:meth:`nigehban.app.Nigehban.risk`) costs about a second for 250 facilities (the threat model
reads the incident record; every facility is scored per scenario), too slow to run on every page.
It is kept per process and per store (:func:`assessed_risks`) and computed again as soon as anything
it depends on may have changed: the store's fingerprint (:func:`risk_fingerprint`) is the newest
incident and incident change, forecast run and boundary version, the newest change and count of
facilities, and the newest and count of completed audits. Every write that changes risk (an import,
an edit or merge of incidents, a forecast, a registry change, a completed audit) moves one of them,
in this process or another worker's; answers to an audit in progress do not.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import threading
import weakref
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError
from sqlalchemy import func, select
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from nigehban.auth.sessions import Principal
from nigehban.errors import InvalidFieldValue
from nigehban.security.facilities import EDITABLE_FIELDS, FacilityValueError
from nigehban.security.vocabulary import FACILITY_TYPES, SCENARIO_LABELS, SCENARIOS
from nigehban.store.queries import newest, store_generation
from nigehban.store.schema import AUDITS, BOUNDARY_VERSIONS, FACILITIES, FORECAST_RUNS
from nigehban.taxonomy import canonical_province
from nigehban.web.pages import render
from nigehban.web.responses import JSON
from nigehban.web.security import nigehban_of, require

if TYPE_CHECKING:
    from nigehban.app import Nigehban
    from nigehban.security.audits import Audit
    from nigehban.security.risk import FacilityRisk

__all__ = [
    "FacilityQuery",
    "assessed_risks",
    "audit_summary",
    "known_province",
    "posted_form",
    "risk_fingerprint",
    "router",
]

router = APIRouter()

ReadPrincipal = Annotated[Principal, Depends(require("read"))]
EditPrincipal = Annotated[Principal, Depends(require("edit_facilities"))]
AuditPrincipal = Annotated[Principal, Depends(require("audit"))]
FacilityCode = Annotated[
    str, Path(min_length=1, max_length=64, description="the facility's code (e.g. PS-1) or its numeric id")
]
Page = Annotated[int, Query(ge=1, le=100_000, description="page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=500, description="facilities per page")]
Band = Literal["Low", "Medium", "High"]


@contextlib.asynccontextmanager
async def posted_form(request: Request) -> AsyncIterator[FormData]:
    """The request's form, closed afterwards (uploaded files are spooled to temporary files)."""
    form = await request.form()
    try:
        yield form
    finally:
        await form.close()


# the risk of every facility, kept per store ----------------------------------------------------------


@dataclasses.dataclass
class _Cached:
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    fingerprint: tuple[Any, ...] | None = None
    risks: list[FacilityRisk] = dataclasses.field(default_factory=list)
    ranks: dict[int, int] = dataclasses.field(default_factory=dict)


_CACHE: weakref.WeakKeyDictionary[Nigehban, _Cached] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def risk_fingerprint(app: Nigehban) -> tuple[Any, ...]:
    """What the risk of every facility depends on, read in one query of indexed maxima and small counts.

    The incident record (its generation: :func:`~nigehban.store.queries.store_generation`), forecasts
    and boundaries (a new run or version), the registry (a new or changed facility) and completed
    audits (only those count for risk; an audit in progress changes nothing, so auditors answering
    do not make the list compute again).
    """
    completed = AUDITS.c.status == "completed"
    with app.ready().connect() as connection:
        return store_generation(
            connection,
            newest(FORECAST_RUNS.c.id),
            newest(BOUNDARY_VERSIONS.c.id),
            newest(FACILITIES.c.updated_at),
            select(func.count()).select_from(FACILITIES).scalar_subquery(),
            select(func.max(AUDITS.c.completed_at)).where(completed).scalar_subquery(),
            select(func.count()).select_from(AUDITS).where(completed).scalar_subquery(),
        )


def assessed_risks(app: Nigehban) -> tuple[list[FacilityRisk], dict[int, int]]:
    """Every facility's risk, highest first (exactly :meth:`Nigehban.risk` with no filter), and each
    facility id's rank (1 = highest); computed again only when the store's fingerprint moved."""
    with _CACHE_LOCK:
        cached = _CACHE.get(app)
        if cached is None:
            cached = _CACHE[app] = _Cached()
    with cached.lock:  # one computation at a time per store: a second request waits for the first's result
        fingerprint = risk_fingerprint(app)
        if cached.fingerprint != fingerprint:
            risks = app.risk()
            cached.risks = risks
            cached.ranks = {risk.facility.id: rank for rank, risk in enumerate(risks, start=1)}
            cached.fingerprint = fingerprint
        return cached.risks, cached.ranks


# the list -------------------------------------------------------------------------------------------


class FacilityQuery(BaseModel):
    """Filters of the facility list (the same as ``nigehban risk``'s, and the risk band)."""

    district: str | None = Field(default=None, max_length=120, description="district name or pcode")
    province: str | None = Field(default=None, max_length=64, description="e.g. KP, Balochistan")
    facility_type: str | None = Field(default=None, max_length=40, description="e.g. police_station, check-post")
    band: Band | None = Field(default=None, description="the facility's risk band (its worst scenario's)")
    audited: bool | None = Field(default=None, description="only facilities with (true) or without (false) an audit")
    q: str | None = Field(default=None, max_length=100, description="words in the code or name")


def _given(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


def known_province(value: str | None) -> str | None:
    """A province filter checked first: an unknown name is the request's fault (422), which the
    registry's filter would otherwise raise as a bare ``KeyError``."""
    value = _given(value)
    if value is None:
        return None
    try:
        return canonical_province(value) or value
    except KeyError:
        raise InvalidFieldValue("province", value, "not a province or territory of Pakistan") from None


def _risk_row(rank: int, risk: FacilityRisk) -> dict[str, Any]:
    facility = risk.facility
    worst = risk.worst
    return {
        "rank": rank,
        "facility": {
            "id": facility.id,
            "code": facility.code,
            "name": facility.name,
            "facility_type": facility.facility_type,
            "type_label": facility.type_label,
            "district": facility.district,
            "district_pcode": facility.district_pcode,
            "province": facility.province,
            "synthetic": facility.synthetic,
        },
        "total": risk.total,
        "total_low": risk.total_low,
        "total_high": risk.total_high,
        "band": risk.band,
        "worst": {"scenario": worst.scenario, "risk": worst.risk, "band": worst.band},
        "scenarios": {name: risk.scenarios[name].risk for name in SCENARIOS},
        "audit_id": risk.audit_id,
        "audit_date": risk.audit_date,
        "notes": list(risk.notes),
    }


def _list_data(app: Nigehban, query: FacilityQuery, page: int, per_page: int) -> dict[str, Any]:
    risks, ranks = assessed_risks(app)
    district, province, kind = _given(query.district), known_province(query.province), _given(query.facility_type)
    wanted: set[int] | None = None
    if district or province or kind:
        # the registry's own filters (district by pcode or name, province by any spelling, type by alias)
        wanted = {f.id for f in app.facilities(district=district, province=province, facility_type=kind)}
    words = (_given(query.q) or "").casefold().split()
    rows = []
    for risk in risks:
        facility = risk.facility
        if wanted is not None and facility.id not in wanted:
            continue
        if query.band is not None and risk.band != query.band:
            continue
        if query.audited is not None and (risk.audit_id is not None) != query.audited:
            continue
        if words:
            text = f"{facility.code} {facility.name}".casefold()
            if not all(word in text for word in words):
                continue
        rows.append(risk)
    total = len(rows)
    pages = max(1, math.ceil(total / per_page))
    shown = rows[(page - 1) * per_page : page * per_page]
    bands = {band: sum(1 for risk in rows if risk.band == band) for band in ("High", "Medium", "Low")}
    return {
        "items": [_risk_row(ranks[risk.facility.id], risk) for risk in shown],
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": pages,
        "bands": bands,
        "facilities_in_store": len(risks),
        "filter": query.model_dump(mode="json", exclude_none=True),
    }


@router.get("/api/facilities", tags=["facilities"], summary="Facilities ranked by risk")
def api_facilities(
    request: Request,
    principal: ReadPrincipal,
    query: Annotated[FacilityQuery, Query()],
    page: Page = 1,
    per_page: PerPage = 50,
) -> Response:
    """Facilities matching the filters, highest total risk first (Threat × Vulnerability × Consequence,
    summed over the four scenarios), with their rank among all facilities and the risk of each scenario."""
    return JSON(_list_data(nigehban_of(request), query, page, per_page))


@router.get("/facilities", include_in_schema=False)
def facilities_page(
    request: Request,
    principal: ReadPrincipal,
    query: Annotated[FacilityQuery, Query()],
    page: Page = 1,
    per_page: PerPage = 50,
) -> Response:
    data = _list_data(nigehban_of(request), query, page, per_page)
    template = "facilities/rows.html" if request.headers.get("hx-request") else "facilities/list.html"
    return render(
        request,
        template,
        active="facilities",
        data=data,
        query=query,
        types=FACILITY_TYPES,
        scenarios=SCENARIO_LABELS,
    )


# one facility ---------------------------------------------------------------------------------------


def audit_summary(audit: Audit, *, app: Nigehban, facility_type: str) -> dict[str, Any]:
    """An audit without its answers: who, when, status, and how many of its items are answered."""
    from nigehban.security.audits import progress

    answered, applicable = progress(audit, checklist=app.checklist(), facility_type=facility_type)
    return {
        "id": audit.id,
        "status": audit.status,
        "audit_date": audit.audit_date.isoformat(),
        "auditor": audit.auditor,
        "checklist": f"{audit.checklist_id} {audit.checklist_version}",
        "answered": answered,
        "applicable": applicable,
        "started_at": audit.started_at.isoformat(),
        "completed_at": audit.completed_at.isoformat() if audit.completed_at else None,
    }


def _facility_data(app: Nigehban, code: str) -> dict[str, Any]:
    facility = app.facility(code)
    risks, ranks = assessed_risks(app)
    risk = next((item for item in risks if item.facility.id == facility.id), None)
    if risk is None:  # added since the fingerprint was read: score it alone
        (risk,) = app.risk(facility=facility.id)
    checklist = app.checklist()
    audits = app.audits(facility=facility.id)
    history = [audit_summary(audit, app=app, facility_type=facility.facility_type) for audit in audits]
    comparison = app.audit_compare(risk.audit_id).as_dict() if risk.audit_id is not None else None
    if comparison is not None:
        for change in comparison["changes"]:
            change["section"] = checklist.item(change["item_id"]).section
    assessed = risk.as_dict()
    for scenario, values in assessed["scenarios"].items():
        values["label"] = SCENARIO_LABELS.get(scenario, scenario)
    for entry in assessed["top_items"]:
        entry["question"] = _question(app, entry["item"])
    return {
        "facility": {**facility.as_dict(), "type_label": facility.type_label},
        "rank": ranks.get(facility.id),
        "ranked": len(risks),
        "risk": assessed,
        "latest_audit": next((item for item in history if item["id"] == risk.audit_id), None),
        "in_progress": next((item for item in history if item["status"] == "in_progress"), None),
        "audits": history,
        "comparison": comparison,
        "checklist": f"{checklist.id} {checklist.version}",
    }


def _question(app: Nigehban, item_id: str) -> str | None:
    try:
        return app.checklist().item(item_id).question
    except LookupError:
        return None


@router.get("/api/facilities/{code}", tags=["facilities"], summary="One facility with its risk and audits")
def api_facility(request: Request, principal: ReadPrincipal, code: FacilityCode) -> Response:
    """The facility's registry fields, its rank, risk per scenario with the reasons for each factor,
    its latest completed audit beside the one before, and every audit of it (newest first)."""
    return JSON(_facility_data(nigehban_of(request), code))


@router.get("/facilities/{code}", include_in_schema=False)
def facility_page(request: Request, principal: ReadPrincipal, code: FacilityCode) -> Response:
    data = _facility_data(nigehban_of(request), code)
    return render(
        request,
        "facilities/detail.html",
        active="facilities",
        data=data,
        fields=EDITABLE_FIELDS,
        types=FACILITY_TYPES,
    )


# corrections ----------------------------------------------------------------------------------------

Level4 = Annotated[StrictInt, Field(ge=1, le=4)]


class FacilityChanges(BaseModel):
    """The registry fields that may change (any subset; ``null`` clears a field that may be empty)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    facility_type: str | None = Field(default=None, max_length=40, description="a type id or label (check-post, PS)")
    place: str | None = Field(default=None, max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    district: str | None = Field(default=None, max_length=120)
    province: str | None = Field(default=None, max_length=64)
    staff: Annotated[StrictInt, Field(ge=0, le=1_000_000)] | None = None
    daily_visitors: Annotated[StrictInt, Field(ge=0, le=10_000_000)] | None = None
    area_m2: float | None = Field(default=None, ge=0, le=1e9, allow_inf_nan=False)
    mission_criticality: Level4 | None = None
    symbolism: Level4 | None = None
    tenant_threat: Level4 | None = None
    security_level: Annotated[StrictInt, Field(ge=1, le=5)] | None = None
    notes: str | None = Field(default=None, max_length=2000)


class FacilityEdit(BaseModel):
    """A correction of the registry: the fields to change and why (the reason goes into the change log)."""

    changes: FacilityChanges
    note: str = Field(min_length=3, max_length=2000, description="why the fields change (required)")


def _edit(app: Nigehban, principal: Principal, code: str, changes: dict[str, Any], note: str) -> dict[str, Any]:
    if not changes:
        raise FacilityValueError("no field to change: give at least one in 'changes'", field="changes")
    with app.acting_as(principal.name):
        facility = app.update_facility(code, changes, note=note)
    return _facility_data(app, str(facility.id))


@router.patch("/api/facilities/{code}", tags=["facilities"], summary="Correct a facility")
def api_edit_facility(request: Request, principal: EditPrincipal, code: FacilityCode, edit: FacilityEdit) -> Response:
    """Change registry fields (a moved facility is placed in its district again); the change log keeps
    who, when, before, after and the reason. Answers with the facility as ``GET`` does, risk included."""
    changes = edit.changes.model_dump(exclude_unset=True)
    return JSON(_edit(nigehban_of(request), principal, code, changes, edit.note))


_INT_FIELDS = frozenset(
    {"staff", "daily_visitors", "mission_criticality", "symbolism", "tenant_threat", "security_level"}
)
_FLOAT_FIELDS = frozenset({"latitude", "longitude", "area_m2"})


def _form_value(name: str, text: str) -> Any:
    """A form field's text as the registry's value (numbers checked; empty clears)."""
    text = text.strip()
    if text == "":
        return None
    if name in _INT_FIELDS or name in _FLOAT_FIELDS:
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise FacilityValueError(f"{name}: {text!r} is not a number", field=name) from None
        if not math.isfinite(number):
            raise FacilityValueError(f"{name}: {text!r} is not a number", field=name)
        if name in _INT_FIELDS:
            if not number.is_integer():
                raise FacilityValueError(f"{name}: {text!r} is not a whole number", field=name)
            return int(number)
        return number
    return text


@router.post("/facilities/{code}/edit", include_in_schema=False)
async def facility_edit_form(request: Request, principal: EditPrincipal, code: FacilityCode) -> Response:
    """The edit form: only fields whose value changed are sent on."""
    from starlette.concurrency import run_in_threadpool

    app = nigehban_of(request)
    async with posted_form(request) as form:
        fields = {name: str(form[name]) for name in EDITABLE_FIELDS if name in form}
        note = str(form.get("note", "")).strip()
    current = (await run_in_threadpool(app.facility, code)).as_dict()
    changes: dict[str, Any] = {}
    for name, text in fields.items():
        value = _form_value(name, text)
        if value != current.get(name):
            changes[name] = value
    if len(note) < 3:
        raise FacilityValueError("say why the facility changes (at least 3 characters)", field="note")
    if not changes:
        return RedirectResponse(f"/facilities/{current['code']}", status_code=303)
    try:
        validated = FacilityChanges.model_validate(changes).model_dump(exclude_unset=True)
    except ValidationError as error:
        problem = error.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise FacilityValueError(f"{field}: {problem['msg']}", field=field) from None
    await run_in_threadpool(_edit, app, principal, code, validated, note)
    return RedirectResponse(f"/facilities/{current['code']}?saved=1", status_code=303)
