"""The review queue: incidents extracted from reports wait for an analyst to accept, edit or reject.

``/review`` and ``/api/review`` list the queue; ``/review/{id}`` and ``/api/review/{id}`` show one
candidate: the report's text with the evidence of each field highlighted (``<mark>`` elements built
here from escaped text, so a report's own markup is shown as text, never run), and the stored
incidents it may be a report of, ranked. Every decision goes through the library
(:mod:`nigehban.extract.review`): accepting makes the report a source record of a new incident or of
the chosen stored one (a recorded merge), editing corrects fields before deciding, rejecting keeps
the candidate with the reason; each is logged under the signed-in user.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from nigehban.auth.sessions import Principal
from nigehban.errors import InvalidFieldValue
from nigehban.extract.candidate import CANDIDATE_FIELDS
from nigehban.extract.review import STATUSES, CandidateAlreadyDecided
from nigehban.store.schema import REVIEW_CANDIDATES
from nigehban.web.pages import render
from nigehban.web.params import MAX_ID, RowId
from nigehban.web.responses import JSON
from nigehban.web.routes.facilities import posted_form
from nigehban.web.security import nigehban_of, require

if TYPE_CHECKING:
    from nigehban.app import Nigehban
    from nigehban.extract.review import ReviewItem

__all__ = ["FIELD_KINDS", "evidence_spans", "highlight", "router"]

router = APIRouter()

ReadPrincipal = Annotated[Principal, Depends(require("read"))]
ReviewPrincipal = Annotated[Principal, Depends(require("review"))]
Page = Annotated[int, Query(ge=1, le=100_000, description="page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=200, description="candidates per page")]
Status = Literal["pending", "accepted", "rejected", "all"]

FIELD_KINDS: dict[str, str] = {
    "date": "when",
    "province": "where",
    "district_pcode": "where",
    "district": "where",
    "place": "where",
    "latitude": "where",
    "longitude": "where",
    "attack_type": "what",
    "target_type": "what",
    "weapon_type": "what",
    "suicide": "what",
    "duration_hours": "what",
    "perpetrator": "who",
    "perpetrator_claimed": "who",
    "killed": "toll",
    "killed_perpetrators": "toll",
    "wounded": "toll",
    "wounded_perpetrators": "toll",
    "killed_security": "toll",
}
"""Each candidate field's kind, which colours its evidence (``review.css``): when, where, what, who, toll."""


# evidence -------------------------------------------------------------------------------------------


def evidence_spans(text: str, fields: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each field's evidence span that lies in ``text`` (by start, then field order).

    Spans outside the text, or whose recorded text differs from the text there (a document edited
    since), are left out rather than highlighting the wrong words.
    """
    spans = []
    for order, (name, field) in enumerate(fields.items()):
        evidence = field.get("evidence")
        if not evidence:
            continue
        start, end = evidence.get("start"), evidence.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            continue
        if evidence.get("text") is not None and text[start:end] != evidence["text"]:
            continue
        spans.append(
            {
                "field": name,
                "kind": FIELD_KINDS.get(name, "what"),
                "value": field.get("value"),
                "confidence": field.get("confidence"),
                "start": start,
                "end": end,
                "text": text[start:end],
                "order": order,
            }
        )
    spans.sort(key=lambda span: (span["start"], span["order"]))
    for span in spans:
        del span["order"]
    return spans


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "–" if value is None else str(value)


def highlight(text: str, spans: list[dict[str, Any]]) -> Markup:
    """``text`` as HTML with each evidence span in a ``<mark>``; overlapping spans are cut where
    they start and end, each piece marked with every field it is evidence of (its colour from the
    narrowest span's kind). Everything is escaped; no inline style.

    >>> str(highlight("Two <b>police</b> killed", [{"field": "killed", "kind": "toll", "value": 2,
    ...     "start": 0, "end": 3, "text": "Two"}]))
    '<mark class="ev ev-toll" data-fields="killed" title="killed: 2">Two</mark> &lt;b&gt;police&lt;/b&gt; killed'
    """
    bounds = sorted({0, len(text), *(s["start"] for s in spans), *(s["end"] for s in spans)})
    out: list[str] = []
    for start, end in itertools.pairwise(bounds):
        piece = escape(text[start:end])
        covering = [span for span in spans if span["start"] <= start and end <= span["end"]]
        if not covering:
            out.append(str(piece))
            continue
        narrowest = min(covering, key=lambda span: span["end"] - span["start"])
        names = " ".join(span["field"] for span in covering)
        title = "; ".join(f"{span['field']}: {_shown(span['value'])}" for span in covering)
        out.append(
            f'<mark class="ev ev-{escape(narrowest["kind"])}" data-fields="{escape(names)}" '
            f'title="{escape(title)}">{piece}</mark>'
        )
    return Markup("".join(out))


# reading --------------------------------------------------------------------------------------------


def _counts(app: Nigehban) -> dict[str, int]:
    """Candidates per status (one grouped count)."""
    table = REVIEW_CANDIDATES
    with app.ready().connect() as connection:
        rows = connection.execute(select(table.c.status, func.count()).group_by(table.c.status)).all()
    found = {str(status): int(count) for status, count in rows}
    counts = {status: found.get(status, 0) for status in STATUSES}
    counts["all"] = sum(found.values())
    return counts


def _summary(item: ReviewItem) -> dict[str, Any]:
    out = item.as_json_dict()
    out.pop("document_text", None)
    out.pop("matches", None)
    out["values"] = {name: field.get("value") for name, field in item.fields.items()}
    return out


def _list_data(app: Nigehban, status: Status, page: int, per_page: int) -> dict[str, Any]:
    counts = _counts(app)
    total = counts[status]
    # the queue is ordered by the library (most confident first, then oldest): read up to this page
    items = app.review_list(status=None if status == "all" else status, limit=page * per_page)
    shown = items[(page - 1) * per_page : page * per_page]
    return {
        "items": [_summary(item) for item in shown],
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": max(1, math.ceil(total / per_page)),
        "status": status,
        "counts": counts,
    }


@router.get("/api/review", tags=["review"], summary="The review queue")
def api_review(
    request: Request,
    principal: ReadPrincipal,
    status: Status = "pending",
    page: Page = 1,
    per_page: PerPage = 50,
) -> Response:
    """Candidates with this status (``all``: any), most confident first, with their fields and the
    count per status."""
    return JSON(_list_data(nigehban_of(request), status, page, per_page))


@router.get("/review", include_in_schema=False)
def review_page(
    request: Request,
    principal: ReadPrincipal,
    status: Status = "pending",
    page: Page = 1,
    per_page: PerPage = 50,
) -> Response:
    data = _list_data(nigehban_of(request), status, page, per_page)
    return render(request, "review/list.html", active="review", data=data)


def _candidate_data(app: Nigehban, candidate_id: int) -> dict[str, Any]:
    item = app.review_show(candidate_id)
    data = item.as_json_dict()
    data["evidence"] = evidence_spans(item.document_text or "", item.fields)
    data["values"] = {name: field.get("value") for name, field in item.fields.items()}
    return data


@router.get("/api/review/{candidate_id}", tags=["review"], summary="One review candidate")
def api_candidate(request: Request, principal: ReadPrincipal, candidate_id: RowId) -> Response:
    """The candidate's fields (value, confidence, evidence span), the report's text, the evidence
    spans in reading order, and (while pending) the stored incidents it may report, best first."""
    return JSON(_candidate_data(nigehban_of(request), candidate_id))


def _next_pending(app: Nigehban, after: int) -> int | None:
    for item in app.review_list(status="pending", limit=2):
        if item.id != after:
            return item.id
    return None


@router.get("/review/{candidate_id}", include_in_schema=False)
def candidate_page(request: Request, principal: ReadPrincipal, candidate_id: RowId) -> Response:
    app = nigehban_of(request)
    data = _candidate_data(app, candidate_id)
    return render(
        request,
        "review/detail.html",
        active="review",
        item=data,
        document=highlight(data["document_text"] or "", data["evidence"]),
        fields=CANDIDATE_FIELDS,
        kinds=FIELD_KINDS,
        next_id=_next_pending(app, candidate_id),
    )


# deciding -------------------------------------------------------------------------------------------

FieldName = Annotated[str, StringConstraints(min_length=1, max_length=40)]
FieldValue = int | float | str | bool | None
Note = Annotated[str, StringConstraints(max_length=2000)]


class ReviewEdit(BaseModel):
    """Corrections to a pending candidate: field -> value (``null`` or ``""`` clears), and why."""

    model_config = ConfigDict(extra="forbid")

    changes: dict[FieldName, FieldValue] = Field(min_length=1, max_length=40)
    note: Note | None = None


class ReviewAccept(BaseModel):
    """Accept a candidate: as a new incident (the default, or ``new: true``), as a report of stored
    incident ``incident_id``, or of the best-ranked match (``match: "best"``); with corrections."""

    model_config = ConfigDict(extra="forbid")

    changes: dict[FieldName, FieldValue] = Field(default_factory=dict, max_length=40)
    incident_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    match: Literal["best"] | None = None
    new: bool = False
    note: Note | None = None

    @model_validator(mode="after")
    def _one_target(self) -> ReviewAccept:
        chosen = [name for name in ("incident_id", "match") if getattr(self, name) is not None]
        if self.new:
            chosen.append("new")
        if len(chosen) > 1:
            raise ValueError(f"give one of incident_id, match or new, not {' and '.join(chosen)}")
        return self


class ReviewReject(BaseModel):
    """Reject a candidate, saying why (kept with the candidate)."""

    model_config = ConfigDict(extra="forbid")

    note: Note | None = None


def _decided(error: CandidateAlreadyDecided) -> HTTPException:
    return HTTPException(409, str(error))


def _accept(app: Nigehban, principal: Principal, candidate_id: int, body: ReviewAccept) -> dict[str, Any]:
    try:
        with app.acting_as(principal.name):
            app.review_accept(
                candidate_id,
                changes=body.changes or None,
                incident_id=body.incident_id,
                match=body.match,
                note=body.note or None,
            )
    except CandidateAlreadyDecided as error:
        raise _decided(error) from None
    return _candidate_data(app, candidate_id)


def _edit(app: Nigehban, principal: Principal, candidate_id: int, body: ReviewEdit) -> dict[str, Any]:
    try:
        with app.acting_as(principal.name):
            app.review_edit(candidate_id, body.changes, note=body.note or None)
    except CandidateAlreadyDecided as error:
        raise _decided(error) from None
    return _candidate_data(app, candidate_id)


def _reject(app: Nigehban, principal: Principal, candidate_id: int, body: ReviewReject) -> dict[str, Any]:
    try:
        with app.acting_as(principal.name):
            app.review_reject(candidate_id, note=body.note or None)
    except CandidateAlreadyDecided as error:
        raise _decided(error) from None
    return _candidate_data(app, candidate_id)


@router.post("/api/review/{candidate_id}/accept", tags=["review"], summary="Accept a candidate")
def api_accept(request: Request, principal: ReviewPrincipal, candidate_id: RowId, body: ReviewAccept) -> Response:
    """The report becomes a source record (dataset ``reports``) of a new incident, or of the stored
    incident chosen (a recorded merge that fills only its empty fields; undo with
    ``POST /api/merges/{id}/undo``). A candidate decided before: 409. Answers with the candidate,
    whose ``incident_id`` is the incident it now reports."""
    return JSON(_accept(nigehban_of(request), principal, candidate_id, body))


@router.patch("/api/review/{candidate_id}", tags=["review"], summary="Correct a candidate's fields")
def api_edit(request: Request, principal: ReviewPrincipal, candidate_id: RowId, body: ReviewEdit) -> Response:
    """Correct fields of a pending candidate (checked against the record's vocabularies: 422 naming
    the field otherwise); an edited field has confidence 1 and no evidence."""
    return JSON(_edit(nigehban_of(request), principal, candidate_id, body))


@router.post("/api/review/{candidate_id}/reject", tags=["review"], summary="Reject a candidate")
def api_reject(
    request: Request, principal: ReviewPrincipal, candidate_id: RowId, body: ReviewReject | None = None
) -> Response:
    """Reject the candidate; it stays in the queue as rejected, with the note."""
    return JSON(_reject(nigehban_of(request), principal, candidate_id, body or ReviewReject()))


# the page's forms -----------------------------------------------------------------------------------


def _text(form: Mapping[str, Any], name: str, limit: int = 2000) -> str | None:
    value = form.get(name)
    return (str(value).strip()[:limit] or None) if value is not None else None


@router.post("/review/{candidate_id}/accept", include_in_schema=False)
async def accept_form(request: Request, principal: ReviewPrincipal, candidate_id: RowId) -> Response:
    """``target``: ``new``, ``best`` or a stored incident's id."""
    async with posted_form(request) as form:
        target = _text(form, "target", 20) or "new"
        body: dict[str, Any] = {"note": _text(form, "note")}
    if target == "best":
        body["match"] = "best"
    elif target.isdecimal():
        body["incident_id"] = int(target)
    elif target != "new":
        raise InvalidFieldValue("target", target, "accept as 'new', 'best' or a stored incident's id")
    if body.get("incident_id", 1) > MAX_ID:
        raise InvalidFieldValue("target", target, "no such incident")
    await run_in_threadpool(_accept, nigehban_of(request), principal, candidate_id, ReviewAccept(**body))
    return RedirectResponse(f"/review/{candidate_id}?decided=accepted", status_code=303)


@router.post("/review/{candidate_id}/edit", include_in_schema=False)
async def edit_form(request: Request, principal: ReviewPrincipal, candidate_id: RowId) -> Response:
    """The edit form: only fields whose text changed are sent on; an empty field clears it."""
    app = nigehban_of(request)
    async with posted_form(request) as form:
        given = {name: str(form[name]).strip() for name in CANDIDATE_FIELDS if name in form}
        note = _text(form, "note")
    current = (await run_in_threadpool(app.review_show, candidate_id)).fields
    changes: dict[str, Any] = {}
    for name, text in given.items():
        old = current.get(name, {}).get("value")
        old_text = "" if old is None else str(old).lower() if isinstance(old, bool) else str(old)
        if text != old_text:
            changes[name] = text or None
    if changes:
        body = ReviewEdit(changes=changes, note=note)
        await run_in_threadpool(_edit, app, principal, candidate_id, body)
    return RedirectResponse(f"/review/{candidate_id}?edited={len(changes)}", status_code=303)


@router.post("/review/{candidate_id}/reject", include_in_schema=False)
async def reject_form(request: Request, principal: ReviewPrincipal, candidate_id: RowId) -> Response:
    async with posted_form(request) as form:
        body = ReviewReject(note=_text(form, "note"))
    await run_in_threadpool(_reject, nigehban_of(request), principal, candidate_id, body)
    return RedirectResponse(f"/review/{candidate_id}?decided=rejected", status_code=303)
