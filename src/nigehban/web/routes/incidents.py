"""The incident record: list (filter, page, sort), export, one incident with its sources, merges and
history, analyst edits with a reason, and merges (list, undo). ``/incidents`` and ``/api/incidents``
render the same data."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, model_validator
from starlette.responses import Response

from nigehban.auth.sessions import Principal
from nigehban.record import RECORD_FIELDS
from nigehban.store.queries import IncidentFilter
from nigehban.taxonomy import TARGET_TYPES
from nigehban.web.pages import render
from nigehban.web.params import OptionalRowIdQuery, RowId
from nigehban.web.responses import JSON
from nigehban.web.security import nigehban_of, require

__all__ = ["IncidentQuery", "incident_filter", "router"]

router = APIRouter()

Sort = Literal["-date", "date", "-killed", "killed", "-wounded", "wounded", "-id", "id"]


class IncidentQuery(BaseModel):
    """Filters every incident list, map and export endpoint shares."""

    since: dt.date | None = Field(default=None, description="on or after this date")
    until: dt.date | None = Field(default=None, description="on or before this date")
    province: str | None = Field(default=None, max_length=64, description="e.g. KP, Balochistan")
    district: str | None = Field(default=None, max_length=120, description="district name or pcode")
    group: str | None = Field(default=None, max_length=200, description="perpetrator (any known alias, e.g. TTP)")
    target_type: str | None = Field(default=None, max_length=40, description="e.g. police")
    attack_type: str | None = Field(default=None, max_length=40, description="e.g. bombing")
    dataset: str | None = Field(default=None, max_length=64, description="incidents with a source from it")
    suicide: bool | None = None
    q: str | None = Field(default=None, max_length=200, description="words in the place, summary or target")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, values: Any) -> Any:
        # an HTML form sends every field, the empty ones as "": those are filters not given
        if isinstance(values, dict):
            return {key: value for key, value in values.items() if not (isinstance(value, str) and not value.strip())}
        return values


def incident_filter(query: IncidentQuery) -> IncidentFilter:
    """The store's filter for the query's parameters (empty strings mean 'not given')."""

    def given(value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    return IncidentFilter(
        since=query.since,
        until=query.until,
        province=given(query.province),
        district=given(query.district),
        group=given(query.group),
        target_type=given(query.target_type),
        attack_type=given(query.attack_type),
        dataset=given(query.dataset),
        suicide=query.suicide,
        text=given(query.q),
    )


def _list_data(request: Request, query: IncidentQuery, sort: str, page: int, per_page: int) -> dict[str, Any]:
    result = nigehban_of(request).incident_page(incident_filter(query), sort=sort, page=page, per_page=per_page)
    return {
        "items": [incident.as_json_dict() for incident in result.items],
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "sort": result.sort,
        "filter": query.model_dump(mode="json", exclude_none=True),
    }


ReadPrincipal = Annotated[Principal, Depends(require("read"))]
Page = Annotated[int, Query(ge=1, le=1_000_000, description="page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=500, description="incidents per page")]


@router.get("/api/incidents", tags=["incidents"], summary="List incidents")
async def api_incidents(
    request: Request,
    principal: ReadPrincipal,
    query: Annotated[IncidentQuery, Query()],
    sort: Sort = "-date",
    page: Page = 1,
    per_page: PerPage = 50,
) -> Response:
    """A page of active incidents matching the filters, with the total."""
    # run on the event loop: a page is a few indexed reads (counts are cached), cheaper than a thread hop
    return JSON(_list_data(request, query, sort, page, per_page))


@router.get("/incidents", include_in_schema=False)
def incidents_page(
    request: Request,
    principal: ReadPrincipal,
    query: Annotated[IncidentQuery, Query()],
    sort: Sort = "-date",
    page: Page = 1,
    per_page: PerPage = 50,
) -> Response:
    data = _list_data(request, query, sort, page, per_page)
    if request.headers.get("hx-request"):
        response = render(request, "incidents/rows.html", data=data, query=query)
        # the address bar follows the filters, so that a reload or a shared link shows the same list
        given = urlencode([(key, value) for key, value in request.query_params.multi_items() if value.strip()])
        response.headers["HX-Push-Url"] = f"/incidents?{given}" if given else "/incidents"
        return response
    return render(request, "incidents/list.html", data=data, query=query, target_types=TARGET_TYPES)


ExportFormat = Literal["csv", "jsonl", "geojson"]
_EXPORT_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson", "geojson": "application/geo+json"}


@router.get("/api/incidents/export", tags=["incidents"], summary="Export incidents")
def api_export(
    request: Request,
    principal: ReadPrincipal,
    query: Annotated[IncidentQuery, Query()],
    format: ExportFormat = "csv",
) -> Response:
    """Every incident matching the filters as CSV, JSON lines or GeoJSON (a file download)."""
    buffer = io.StringIO()
    nigehban_of(request).export_incidents(buffer, format=format, filter=incident_filter(query))
    filename = f"incidents-{dt.date.today().isoformat()}.{format}"
    return Response(
        buffer.getvalue(),
        media_type=_EXPORT_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _incident_data(request: Request, incident_id: int) -> dict[str, Any]:
    return nigehban_of(request).incident(incident_id).as_json_dict(detail=True)


@router.get("/api/incidents/{incident_id}", tags=["incidents"], summary="One incident")
def api_incident(request: Request, principal: ReadPrincipal, incident_id: RowId) -> Response:
    """The incident's fields, its source records as read, merges and change history."""
    return JSON(_incident_data(request, incident_id))


@router.get("/incidents/{incident_id}", include_in_schema=False)
def incident_page(request: Request, principal: ReadPrincipal, incident_id: RowId) -> Response:
    data = _incident_data(request, incident_id)
    editable = [name for name in RECORD_FIELDS if name not in {"h3_res5", "h3_res6", "h3_res7", "h3_res8"}]
    return render(request, "incidents/detail.html", incident=data, fields=editable)


class IncidentEdit(BaseModel):
    """An analyst's correction: the fields to change and why (the reason goes into the change log)."""

    changes: dict[str, Any] = Field(min_length=1, description="field name -> new value (null clears)")
    note: str = Field(min_length=3, max_length=2000, description="why the fields change (required)")


EditPrincipal = Annotated[Principal, Depends(require("edit_incidents"))]


def _edit(request: Request, principal: Principal, incident_id: int, edit: IncidentEdit) -> dict[str, Any]:
    from nigehban.errors import InvalidFieldValue

    unknown = sorted(set(edit.changes) - set(RECORD_FIELDS))
    if unknown:
        raise InvalidFieldValue("changes", unknown[0], f"not a field of the incident record ({', '.join(unknown)})")
    app = nigehban_of(request)
    with app.acting_as(principal.name):
        app.update_incident(incident_id, edit.changes, note=edit.note)
    return _incident_data(request, incident_id)


@router.patch("/api/incidents/{incident_id}", tags=["incidents"], summary="Edit an incident")
def api_edit_incident(request: Request, principal: EditPrincipal, incident_id: RowId, edit: IncidentEdit) -> Response:
    """Change fields of an incident; the change log keeps who, when, before, after and the reason."""
    return JSON(_edit(request, principal, incident_id, edit))


@router.post("/incidents/{incident_id}/edit", include_in_schema=False)
async def incident_edit_form(request: Request, principal: EditPrincipal, incident_id: RowId) -> Response:
    """The edit form: only fields whose value changed are sent on; an empty field clears it."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import RedirectResponse

    form = await request.form()
    current = await run_in_threadpool(_incident_data, request, incident_id)
    changes: dict[str, Any] = {}
    for name in RECORD_FIELDS:
        if name not in form:
            continue
        value = str(form[name]).strip()
        old = current.get(name)
        old_text = "" if old is None else str(old).lower() if isinstance(old, bool) else str(old)
        if value != old_text:
            changes[name] = value if value != "" else None
    note = str(form.get("note", "")).strip()
    if len(note) < 3:
        from nigehban.errors import InvalidFieldValue

        raise InvalidFieldValue("note", note, "say why the incident changes (at least 3 characters)")
    if not changes:
        return RedirectResponse(f"/incidents/{incident_id}", status_code=303)
    await run_in_threadpool(_edit, request, principal, incident_id, IncidentEdit(changes=changes, note=note))
    return RedirectResponse(f"/incidents/{incident_id}?saved=1", status_code=303)


@router.get("/api/merges", tags=["incidents"], summary="Merges of duplicate reports")
def api_merges(
    request: Request,
    principal: ReadPrincipal,
    incident_id: OptionalRowIdQuery = None,
    include_undone: bool = False,
) -> Response:
    """Merges made by deduplication, with scores (optionally those touching one incident)."""
    merges = nigehban_of(request).merges(include_undone=include_undone, incident_id=incident_id)
    return JSON([merge.as_json_dict() for merge in merges])


@router.post("/api/merges/{merge_id}/undo", tags=["incidents"], summary="Undo a merge")
def api_undo_merge(request: Request, principal: EditPrincipal, merge_id: RowId) -> Response:
    """Split a merged incident back into its parts (logged; never proposed again)."""
    app = nigehban_of(request)
    with app.acting_as(principal.name):
        merge = app.undo_merge(merge_id)
    return JSON(merge.as_json_dict())
