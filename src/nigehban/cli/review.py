"""``nigehban review ...``: the queue of candidate incidents from reports (:mod:`nigehban.extract.review`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from nigehban.cli.common import err_console, get_app, out_console, print_json
from nigehban.errors import InvalidFieldValue
from nigehban.extract.review import ReviewItem

__all__ = ["register"]

review_app = typer.Typer(help="The review queue: accept, edit or reject incidents proposed from reports.")


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")


SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="FIELD=VALUE, repeatable (an empty VALUE clears the field).", show_default=False),
]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why (kept with the decision and in the change log).")]


def _changes(assignments: list[str] | None) -> dict[str, str]:
    changes: dict[str, str] = {}
    for assignment in assignments or []:
        name, sep, value = assignment.partition("=")
        if not sep:
            raise InvalidFieldValue(assignment, assignment, "expected FIELD=VALUE")
        changes[name.strip()] = value
    return changes


def _short(value: Any) -> str:
    return "" if value is None else str(value)


@review_app.command("list")
def list_review(
    ctx: typer.Context,
    status: Annotated[
        str, typer.Option("--status", help="pending, accepted, rejected, or all.", show_default=True)
    ] = "pending",
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many (0: all).")] = 50,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Candidates in the queue, most confident first."""
    if format not in ("table", "json"):
        raise InvalidFieldValue("--format", format, "use table or json")
    items = get_app(ctx).review_list(status=None if status == "all" else status, limit=limit or None)
    if format == "json":
        print_json([item.as_json_dict() for item in items])
        return
    table = Table(title=f"{len(items):,} candidates ({status})")
    for column in ("id", "document", "kind", "conf.", "date", "province", "district", "type", "killed", "wounded"):
        table.add_column(column)
    table.add_column("status")
    for item in items:
        table.add_row(
            str(item.id),
            item.document_id,
            item.kind,
            f"{item.confidence:.2f}",
            *(
                _short(item.value(name))
                for name in ("date", "province", "district", "attack_type", "killed", "wounded")
            ),
            item.status if item.incident_id is None else f"{item.status} -> {item.incident_id}",
        )
    out_console().print(table)


@review_app.command("show")
def show_review(
    ctx: typer.Context,
    candidate_id: Annotated[int, typer.Argument(help="Review candidate id.")],
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """One candidate: each field with its confidence and evidence, the document, and the stored incidents it may be."""
    if format not in ("table", "json"):
        raise InvalidFieldValue("--format", format, "use table or json")
    item = get_app(ctx).review_show(candidate_id)
    if format == "json":
        print_json(item.as_json_dict())
        return
    _print(item)


def _print(item: ReviewItem) -> None:
    console = out_console()
    title = f"candidate {item.id} ({item.kind}, {item.status}) from {item.document_id}"
    fields = Table("field", "value", "confidence", "evidence", title=title)
    for name, field in item.fields.items():
        evidence = field.get("evidence")
        fields.add_row(
            name,
            _short(field["value"]),
            f"{field['confidence']:.2f}",
            "(edited)" if field.get("edited") else "" if evidence is None else repr(evidence["text"]),
        )
    console.print(fields)
    published = f", published {item.published}" if item.published else ""
    console.print(f"document {item.document_id}{published}:", markup=False)
    console.print(item.document_text or "", markup=False)
    if item.status != "pending":
        console.print(
            f"{item.status} by {item.decided_by} at {item.decided_at:%Y-%m-%d %H:%M} UTC"
            + (f" -> incident {item.incident_id}" if item.incident_id else "")
            + (f" (merge {item.merge_id})" if item.merge_id else "")
            + (f": {item.note}" if item.note else ""),
            markup=False,
        )
        return
    matches = Table("incident", "score", "date", "district", "type", "killed", "reasons", title="Matches")
    for match in item.matches:
        stored = match.incident
        matches.add_row(
            str(match.incident_id),
            f"{match.score:.2f}",
            _short(stored["date"]),
            _short(stored["district"] or stored["province"]),
            _short(stored["attack_type"]),
            _short(stored["killed"]),
            "; ".join(match.reasons),
        )
    console.print(matches if item.matches else "no stored incident matches")


@review_app.command("accept")
def accept_review(
    ctx: typer.Context,
    candidate_id: Annotated[int, typer.Argument(help="Review candidate id.")],
    incident: Annotated[
        int | None, typer.Option("--incident", help="Attach the report to this stored incident (a recorded merge).")
    ] = None,
    best: Annotated[
        bool, typer.Option("--best", help="Attach the report to the best-matching stored incident.")
    ] = False,
    new: Annotated[bool, typer.Option("--new", help="Create a new incident (the default).")] = False,
    set_: SetOption = None,
    note: NoteOption = None,
) -> None:
    """Accept a candidate: a new incident, or a further report of a stored one, with the document as source record."""
    if sum((incident is not None, best, new)) > 1:
        raise InvalidFieldValue("--incident/--best/--new", None, "give at most one of them")
    item = get_app(ctx).review_accept(
        candidate_id, changes=_changes(set_), incident_id=incident, match="best" if best else None, note=note
    )
    how = (
        f"merged into incident {item.incident_id} (merge {item.merge_id})"
        if item.merge_id
        else f"new incident {item.incident_id}"
    )
    err_console().print(f"candidate {item.id} accepted: {how}", markup=False)


@review_app.command("edit")
def edit_review(
    ctx: typer.Context,
    candidate_id: Annotated[int, typer.Argument(help="Review candidate id.")],
    set_: SetOption = None,
    note: NoteOption = None,
) -> None:
    """Correct fields of a pending candidate (checked against the incident record's vocabularies)."""
    changes = _changes(set_)
    if not changes:
        raise InvalidFieldValue("--set", None, "give at least one FIELD=VALUE")
    item = get_app(ctx).review_edit(candidate_id, changes, note=note)
    values = json.dumps({name: item.fields.get(name, {}).get("value") for name in changes}, ensure_ascii=False)
    err_console().print(f"candidate {item.id} edited: {values}", markup=False)


@review_app.command("reject")
def reject_review(
    ctx: typer.Context,
    candidate_id: Annotated[int, typer.Argument(help="Review candidate id.")],
    note: NoteOption = None,
) -> None:
    """Reject a candidate (it stays in the queue as rejected)."""
    item = get_app(ctx).review_reject(candidate_id, note=note)
    err_console().print(f"candidate {item.id} rejected", markup=False)
