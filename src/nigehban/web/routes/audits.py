"""Security audits in the web app: start one, answer it on a phone item by item, attach photographs,
complete it. ``/audits/{id}`` (the form) and ``/api/audits/{id}`` render the same data.

Every call that saves answers saves them at once (:meth:`nigehban.app.Nigehban.audit_answer`; the
audit stays in progress), so an auditor on a slow connection loses at most the answer being sent:
the form posts each answer as it is chosen (htmx), and the same form posted whole without
JavaScript saves every answer in it. Only answers that differ from the stored ones are written, so
the change log holds what the auditor changed, not every item on every save.

Evidence photographs are written to the ``evidence_dir`` setting's folder (one folder per audit,
named by content hash, so the same photo sent twice is stored once) and recorded on the answer
with their size and SHA-256 (:mod:`nigehban.security.audits`). The app's body limit refuses a
larger upload with 413 before anything is read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import re
from collections.abc import Mapping
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, RedirectResponse, Response

from nigehban.auth.sessions import Principal
from nigehban.errors import InvalidFieldValue
from nigehban.security.audits import AnswerInput, AuditError, progress
from nigehban.security.checklist import UnknownChecklistItem
from nigehban.web.pages import render
from nigehban.web.params import RowId
from nigehban.web.responses import JSON
from nigehban.web.routes.facilities import FacilityCode, audit_summary, posted_form
from nigehban.web.security import nigehban_of, require

if TYPE_CHECKING:
    from nigehban.app import Nigehban
    from nigehban.security.audits import Audit

__all__ = ["EVIDENCE_TYPES", "evidence_root", "router"]

router = APIRouter()

ReadPrincipal = Annotated[Principal, Depends(require("read"))]
AuditPrincipal = Annotated[Principal, Depends(require("audit"))]

EVIDENCE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".gif": "image/gif",
    ".pdf": "application/pdf",
}
"""The evidence files the web app takes (photographs, and scanned documents as PDF), by suffix."""


def evidence_root(app: Nigehban) -> FilePath:
    """The folder uploaded evidence goes to: the ``evidence_dir`` setting, else ``evidence/`` beside a
    SQLite store, else ``nigehban-evidence/`` in the working directory."""
    if app.settings.evidence_dir is not None:
        return FilePath(app.settings.evidence_dir)
    database = app.settings.database_path
    return database.parent / "evidence" if database is not None else FilePath("nigehban-evidence")


# the audit as data ----------------------------------------------------------------------------------


def _audit_data(app: Nigehban, audit_id: int) -> dict[str, Any]:
    audit = app.audit(audit_id)
    facility = app.facility(audit.facility_id)
    checklist = app.checklist()
    same_checklist = (audit.checklist_id, audit.checklist_version) == (checklist.id, checklist.version)
    sections: list[dict[str, Any]] = []
    by_section: dict[str, dict[str, Any]] = {}
    for section in checklist.sections:
        entry: dict[str, Any] = {
            "id": section.id,
            "title": section.title,
            "description": section.description,
            "items": [],
        }
        by_section[section.id] = entry
        sections.append(entry)
    for item in checklist.items_for(facility.facility_type):
        stored = audit.answers.get(item.id, {})
        by_section[item.section]["items"].append(
            {
                "id": item.id,
                "question": item.question,
                "guidance": item.guidance,
                "scale": [
                    {"value": level.value, "label": level.label, "meaning": level.meaning}
                    for level in item.scale.levels
                ],
                "na_allowed": item.na_allowed,
                "answer": stored.get("answer"),
                "note": stored.get("note"),
                "evidence": [
                    {**file, "name": FilePath(file.get("file", "")).name} for file in stored.get("evidence", [])
                ],
                "answered_at": stored.get("at"),
                "answered": item.id in audit.answers,
            }
        )
    for section_data in sections:
        section_data["answered"] = sum(1 for item in section_data["items"] if item["answered"])
    answered, applicable = progress(audit, checklist=checklist, facility_type=facility.facility_type)
    return {
        **audit.as_dict(),
        "facility": {
            "id": facility.id,
            "code": facility.code,
            "name": facility.name,
            "facility_type": facility.facility_type,
            "type_label": facility.type_label,
            "district": facility.district,
            "province": facility.province,
            "synthetic": facility.synthetic,
        },
        "answered": answered,
        "applicable": applicable,
        "unanswered": [item["id"] for entry in sections for item in entry["items"] if not item["answered"]],
        "sections": [entry for entry in sections if entry["items"]],
        "editable": audit.status == "in_progress" and same_checklist,
        "checklist_in_use": f"{checklist.id} {checklist.version}",
    }


@router.get("/api/audits/{audit_id}", tags=["audits"], summary="One audit")
def api_audit(request: Request, principal: ReadPrincipal, audit_id: RowId) -> Response:
    """The audit (status, answers with notes and evidence, GPS), its facility, how many items are
    answered, and the checklist's items for the facility's type, by section, with their answers."""
    return JSON(_audit_data(nigehban_of(request), audit_id))


@router.get("/api/facilities/{code}/audits", tags=["audits"], summary="A facility's audits")
def api_facility_audits(request: Request, principal: ReadPrincipal, code: FacilityCode) -> Response:
    """Every audit of the facility, newest first, without their answers."""
    app = nigehban_of(request)
    facility = app.facility(code)
    return JSON(
        [audit_summary(a, app=app, facility_type=facility.facility_type) for a in app.audits(facility=facility.id)]
    )


# starting -------------------------------------------------------------------------------------------


class AuditStart(BaseModel):
    """A new audit: who carries it out (default: the signed-in user), when, where they stand."""

    model_config = ConfigDict(extra="forbid")

    auditor: str | None = Field(default=None, min_length=1, max_length=200)
    audit_date: dt.date | None = Field(default=None, description="default: today")
    latitude: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    notes: str | None = Field(default=None, max_length=4000)


def _start(app: Nigehban, principal: Principal, code: str, start: AuditStart) -> Audit:
    if start.audit_date is not None and not dt.date(2000, 1, 1) <= start.audit_date <= dt.date(2100, 12, 31):
        raise InvalidFieldValue("audit_date", start.audit_date.isoformat(), "not a date between 2000 and 2100")
    with app.acting_as(principal.name):
        return app.audit_start(
            code,
            auditor=start.auditor or principal.name,
            audit_date=start.audit_date,
            latitude=start.latitude,
            longitude=start.longitude,
            notes=start.notes,
        )


@router.post("/api/facilities/{code}/audits", tags=["audits"], summary="Start an audit", status_code=201)
def api_start_audit(request: Request, principal: AuditPrincipal, code: FacilityCode, start: AuditStart) -> Response:
    """Start an audit of the facility against the checklist in use (one at a time per facility)."""
    app = nigehban_of(request)
    audit = _start(app, principal, code, start)
    return JSON(_audit_data(app, audit.id), status_code=201)


@router.post("/facilities/{code}/audits", include_in_schema=False)
async def start_audit_form(request: Request, principal: AuditPrincipal, code: FacilityCode) -> Response:
    async with posted_form(request) as form:
        auditor = str(form.get("auditor") or "").strip() or None
    start = AuditStart(auditor=auditor[:200] if auditor else None)
    app = nigehban_of(request)
    audit = await run_in_threadpool(_start, app, principal, code, start)
    return RedirectResponse(f"/audits/{audit.id}", status_code=303)


# answering ------------------------------------------------------------------------------------------

ItemId = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Scalar = int | float | str | bool | None


class AnswerEntry(BaseModel):
    """One answer with its note. A note left out keeps the stored note; ``null`` clears it."""

    model_config = ConfigDict(extra="forbid")

    answer: Scalar = Field(default=None, description="a level of the item's scale, 'na' where allowed, null clears")
    note: str | None = Field(default=None, max_length=2000)


class AuditAnswers(BaseModel):
    """Answers by item id: a bare level (``2``, ``"na"``, ``null``) or ``{"answer": 2, "note": "..."}``."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[ItemId, AnswerEntry | Scalar] = Field(min_length=1, max_length=500)
    latitude: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    notes: str | None = Field(default=None, max_length=4000)


def _save(
    app: Nigehban,
    principal: Principal,
    audit_id: int,
    answers: Mapping[str, AnswerInput],
    *,
    latitude: float | None = None,
    longitude: float | None = None,
    notes: str | None = None,
) -> Audit:
    """Save answers; an unknown item is the request's fault (422), not a missing page (404)."""
    try:
        with app.acting_as(principal.name):
            return app.audit_answer(audit_id, answers, latitude=latitude, longitude=longitude, notes=notes)
    except UnknownChecklistItem as error:
        raise InvalidFieldValue("answers", error.item, str(error)) from None


def _api_answers(app: Nigehban, principal: Principal, audit_id: int, body: AuditAnswers) -> dict[str, Any]:
    stored = app.audit(audit_id).answers
    answers: dict[str, AnswerInput] = {}
    for item_id, given in body.answers.items():
        old_note = stored.get(item_id, {}).get("note")
        if isinstance(given, AnswerEntry):
            note = given.note if "note" in given.model_fields_set else old_note
            answers[item_id] = AnswerInput(answer=given.answer, note=note)  # type: ignore[arg-type]
        else:
            answers[item_id] = AnswerInput(answer=given, note=old_note)  # type: ignore[arg-type]
    _save(app, principal, audit_id, answers, latitude=body.latitude, longitude=body.longitude, notes=body.notes)
    return _audit_data(app, audit_id)


@router.post("/api/audits/{audit_id}/answers", tags=["audits"], summary="Save answers")
def api_answer(request: Request, principal: AuditPrincipal, audit_id: RowId, body: AuditAnswers) -> Response:
    """Save one or many answers at once (all checked first: one answer off its item's scale saves
    none, and the 422 names the item). The audit stays in progress; answers may change until it is
    completed. Answers with the audit as ``GET`` does."""
    return JSON(_api_answers(nigehban_of(request), principal, audit_id, body))


@router.put("/api/audits/{audit_id}/answers", tags=["audits"], summary="Save answers (PUT)")
def api_answer_put(request: Request, principal: AuditPrincipal, audit_id: RowId, body: AuditAnswers) -> Response:
    """The same as ``POST``: items not named keep their answers."""
    return JSON(_api_answers(nigehban_of(request), principal, audit_id, body))


class AuditCompletion(BaseModel):
    """Complete an audit; with unanswered items only if ``allow_unanswered`` (they count as unknown)."""

    model_config = ConfigDict(extra="forbid")

    allow_unanswered: bool = False


def _complete(app: Nigehban, principal: Principal, audit_id: int, allow_unanswered: bool) -> dict[str, Any]:
    with app.acting_as(principal.name):
        app.audit_complete(audit_id, allow_unanswered=allow_unanswered)
    data = _audit_data(app, audit_id)
    data["comparison"] = app.audit_compare(audit_id).as_dict()
    return data


@router.post("/api/audits/{audit_id}/complete", tags=["audits"], summary="Complete an audit")
def api_complete(
    request: Request, principal: AuditPrincipal, audit_id: RowId, body: AuditCompletion | None = None
) -> Response:
    """Complete the audit: from now on the facility's risk uses it. Refused (400, naming the items)
    while applicable items are unanswered, unless ``allow_unanswered``. Answers with the audit and
    its comparison with the facility's previous completed audit."""
    allow = body.allow_unanswered if body is not None else False
    return JSON(_complete(nigehban_of(request), principal, audit_id, allow))


# evidence -------------------------------------------------------------------------------------------


def _store_evidence(app: Nigehban, audit_id: int, item_id: str, filename: str, data: bytes) -> FilePath:
    """Write an uploaded file under the evidence folder (named by its hash) and return its path."""
    suffix = FilePath(filename).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise InvalidFieldValue(
            "evidence", filename, "must be a photograph (JPEG, PNG, WebP, HEIC, GIF) or a PDF, by its file name"
        )
    if not data:
        raise InvalidFieldValue("evidence", filename, "the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    safe_item = re.sub(r"[^A-Za-z0-9_.-]", "_", item_id)[:80]
    folder = evidence_root(app) / f"audit-{audit_id}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe_item}-{digest[:20]}{suffix}"
    if not path.exists():
        temporary = path.with_suffix(path.suffix + ".part")
        temporary.write_bytes(data)
        temporary.replace(path)
    return path.resolve()


def _with_evidence(stored: Mapping[str, Any], path: FilePath) -> tuple[str | FilePath, ...]:
    """The answer's evidence files with ``path`` added (files no longer on disk are left out)."""
    kept: list[str | FilePath] = []
    for entry in stored.get("evidence", []):
        file = entry.get("file")
        if file and FilePath(file).exists() and FilePath(file) != path:
            kept.append(file)
    return (*kept, path)


def _attach(app: Nigehban, principal: Principal, audit_id: int, item_id: str, filename: str, data: bytes) -> Audit:
    audit = app.audit(audit_id)
    if audit.status != "in_progress":
        raise AuditError(f"audit {audit_id} is {audit.status}; evidence can only be added to an audit in progress")
    try:
        app.checklist().item(item_id)
    except UnknownChecklistItem as error:
        raise InvalidFieldValue("item", item_id, str(error)) from None
    path = _store_evidence(app, audit_id, item_id, filename, data)
    stored = audit.answers.get(item_id, {})
    answer = AnswerInput(answer=stored.get("answer"), note=stored.get("note"), evidence=_with_evidence(stored, path))
    return _save(app, principal, audit_id, {item_id: answer})


@router.post("/api/audits/{audit_id}/evidence", tags=["audits"], summary="Attach evidence to an answer")
async def api_evidence(
    request: Request,
    principal: AuditPrincipal,
    audit_id: RowId,
    item: Annotated[str, Form(min_length=1, max_length=120, description="the checklist item id")],
    file: Annotated[UploadFile, File(description="a photograph (JPEG, PNG, WebP, HEIC, GIF) or a PDF")],
) -> Response:
    """Attach a photograph to an item's answer (multipart/form-data; larger than the app's body limit:
    413). The file is kept in the evidence folder; the answer records its size and SHA-256."""
    data = await file.read()
    app = nigehban_of(request)
    await run_in_threadpool(_attach, app, principal, audit_id, item, file.filename or "", data)
    return JSON(await run_in_threadpool(_audit_data, app, audit_id))


def _evidence_file(app: Nigehban, audit_id: int, item: str, index: int) -> FilePath:
    entries = app.audit(audit_id).answers.get(item, {}).get("evidence", [])
    if index >= len(entries):
        raise HTTPException(404, f"audit {audit_id} has no evidence number {index} for {item}")
    path = FilePath(entries[index].get("file", "")).resolve()
    root = evidence_root(app).resolve()
    # only files the web app stored (not any path an auditor's CSV named on their own machine)
    if not path.is_relative_to(root) or path.suffix.lower() not in EVIDENCE_TYPES or not path.is_file():
        raise HTTPException(404, f"evidence number {index} of {item} is not in the evidence folder on this server")
    return path


@router.get("/api/audits/{audit_id}/evidence", tags=["audits"], summary="An evidence file")
def api_evidence_file(
    request: Request,
    principal: ReadPrincipal,
    audit_id: RowId,
    item: Annotated[str, Query(min_length=1, max_length=120)],
    index: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> Response:
    """The evidence file number ``index`` of an item's answer (only files uploaded through the web app)."""
    path = _evidence_file(nigehban_of(request), audit_id, item, index)
    media_type = EVIDENCE_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private, no-store"})


# the phone form -------------------------------------------------------------------------------------


def _parse_answer(text: str) -> Any:
    """A form's answer: empty = none, ``na``, or a level; anything else goes to the checklist to be refused."""
    text = text.strip()
    if text == "":
        return None
    if text.casefold() == "na":
        return "na"
    if re.fullmatch(r"-?\d{1,6}", text):
        return int(text)
    return text


async def _form_answers(app: Nigehban, audit: Audit, form: FormData) -> tuple[dict[str, AnswerInput], dict[str, Any]]:
    """The answers in a posted form that differ from the stored ones, and GPS/notes given with them."""
    items: list[str] = []
    for key in form:
        kind, _, item_id = key.partition(":")
        if kind in {"answer", "note", "evidence"} and item_id and item_id not in items:
            items.append(item_id[:120])
    answers: dict[str, AnswerInput] = {}
    for item_id in items:
        stored = audit.answers.get(item_id, {})
        raw_answer, raw_note = form.get(f"answer:{item_id}"), form.get(f"note:{item_id}")
        upload = form.get(f"evidence:{item_id}")
        answer = _parse_answer(raw_answer) if isinstance(raw_answer, str) else stored.get("answer")
        note = (raw_note.strip()[:2000] or None) if isinstance(raw_note, str) else stored.get("note")
        evidence: tuple[str | FilePath, ...] = ()
        if isinstance(upload, StarletteUpload) and upload.filename:
            data = await upload.read()
            if data:
                path = await run_in_threadpool(_store_evidence, app, audit.id, item_id, upload.filename, data)
                # the same photograph again (htmx re-sends a file input with the item's next answer): nothing new
                if not any(FilePath(entry.get("file", "")) == path for entry in stored.get("evidence", [])):
                    evidence = _with_evidence(stored, path)
        unchanged = answer == stored.get("answer") and note == stored.get("note") and not evidence
        if unchanged and (item_id in audit.answers or (answer is None and note is None)):
            continue
        answers[item_id] = AnswerInput(answer=answer, note=note, evidence=evidence)
    extra: dict[str, Any] = {}
    latitude, longitude = str(form.get("latitude") or "").strip(), str(form.get("longitude") or "").strip()
    if latitude and longitude:
        try:
            position = float(latitude), float(longitude)
        except ValueError:
            raise InvalidFieldValue("latitude", f"{latitude}, {longitude}", "not a position in degrees") from None
        if position != (audit.latitude, audit.longitude):
            extra["latitude"], extra["longitude"] = position
    return answers, extra


async def _save_form(request: Request, principal: Principal, audit_id: int, form: FormData) -> int:
    """Save what a posted audit form changed; the number of answers saved."""
    app = nigehban_of(request)
    audit = await run_in_threadpool(app.audit, audit_id)
    answers, extra = await _form_answers(app, audit, form)
    if answers or extra:
        await run_in_threadpool(lambda: _save(app, principal, audit_id, answers, **extra))
    return len(answers)


@router.get("/audits/{audit_id}", include_in_schema=False)
def audit_page(request: Request, principal: ReadPrincipal, audit_id: RowId) -> Response:
    app = nigehban_of(request)
    data = _audit_data(app, audit_id)
    comparison = app.audit_compare(audit_id).as_dict() if data["status"] == "completed" else None
    return render(request, "facilities/audit.html", active="facilities", audit=data, comparison=comparison)


@router.post("/audits/{audit_id}", include_in_schema=False)
async def audit_form(request: Request, principal: AuditPrincipal, audit_id: RowId) -> Response:
    """Save the form's answers: from htmx (one item as it is answered) a fragment with the new
    progress; from a plain form post (no JavaScript) a redirect back to the form."""
    async with posted_form(request) as form:
        saved = await _save_form(request, principal, audit_id, form)
    if request.headers.get("hx-request"):
        app = nigehban_of(request)
        data = await run_in_threadpool(_audit_data, app, audit_id)
        return render(
            request,
            "facilities/audit_saved.html",
            audit=data,
            saved=saved,
            at=dt.datetime.now().strftime("%H:%M:%S"),
        )
    return RedirectResponse(f"/audits/{audit_id}?saved={saved}", status_code=303)


@router.post("/audits/{audit_id}/complete", include_in_schema=False)
async def audit_complete_form(request: Request, principal: AuditPrincipal, audit_id: RowId) -> Response:
    """Save the form's answers, then complete the audit; if it cannot be completed yet (unanswered
    items), the form again with the reason (the answers are saved)."""
    async with posted_form(request) as form:
        await _save_form(request, principal, audit_id, form)
        allow = str(form.get("allow_unanswered", "")) in {"1", "on", "true", "yes"}
    app = nigehban_of(request)
    try:
        await run_in_threadpool(_complete, app, principal, audit_id, allow)
    except AuditError as error:
        data = await run_in_threadpool(_audit_data, app, audit_id)
        return render(
            request,
            "facilities/audit.html",
            status_code=400,
            active="facilities",
            audit=data,
            comparison=None,
            error=str(error),
        )
    return RedirectResponse(f"/audits/{audit_id}?completed=1", status_code=303)
