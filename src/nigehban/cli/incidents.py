"""``nigehban incidents list|show|edit``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.table import Table

from nigehban.cli.common import err_console, get_app, out_console, print_json
from nigehban.errors import InvalidFieldValue
from nigehban.store.queries import Incident, IncidentFilter

__all__ = ["FilterOptions", "build_filter", "register"]

incidents_app = typer.Typer(help="List, show and correct incidents.")


def register(app: typer.Typer) -> None:
    app.add_typer(incidents_app, name="incidents")


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidFieldValue(option, value, "not a date (YYYY-MM-DD)") from None


class FilterOptions:
    """The filter options shared by ``incidents list`` and ``export incidents``."""

    Since = Annotated[str | None, typer.Option("--since", help="From this date (YYYY-MM-DD), inclusive.")]
    Until = Annotated[str | None, typer.Option("--until", help="Up to this date (YYYY-MM-DD), inclusive.")]
    Province = Annotated[str | None, typer.Option("--province", help='Province (any spelling: "KP", "NWFP").')]
    District = Annotated[str | None, typer.Option("--district", help="District name or pcode.")]
    Group = Annotated[str | None, typer.Option("--group", help='Perpetrator group (any alias: "TTP").')]
    Target = Annotated[str | None, typer.Option("--target", help="Target type (e.g. police).")]
    AttackType = Annotated[str | None, typer.Option("--attack-type", help="Attack type (e.g. bombing).")]
    Dataset = Annotated[str | None, typer.Option("--dataset", help="Only incidents with a source from this dataset.")]


def build_filter(
    since: str | None,
    until: str | None,
    province: str | None,
    district: str | None,
    group: str | None,
    target: str | None,
    attack_type: str | None,
    dataset: str | None,
) -> IncidentFilter:
    return IncidentFilter(
        since=_date(since, "--since"),
        until=_date(until, "--until"),
        province=province,
        district=district,
        group=group,
        target_type=target,
        attack_type=attack_type,
        dataset=dataset,
    )


def _count(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


@incidents_app.command("list")
def list_incidents(
    ctx: typer.Context,
    since: FilterOptions.Since = None,
    until: FilterOptions.Until = None,
    province: FilterOptions.Province = None,
    district: FilterOptions.District = None,
    group: FilterOptions.Group = None,
    target: FilterOptions.Target = None,
    attack_type: FilterOptions.AttackType = None,
    dataset: FilterOptions.Dataset = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many (0: all).")] = 50,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Incidents matching the filters, oldest first."""
    filter = build_filter(since, until, province, district, group, target, attack_type, dataset)
    found = get_app(ctx).incidents(filter, limit=limit or None)
    if json_output:
        for incident in found:
            print(json.dumps(incident.as_json_dict(), ensure_ascii=False))
        return
    table = Table(title=f"{len(found):,} incidents")
    for name in ("id", "date"):
        table.add_column(name, no_wrap=True)
    for name in ("province", "place", "attack", "target", "perpetrator"):
        table.add_column(name, overflow="fold")
    for name in ("killed", "wounded"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("sources", overflow="fold")
    for incident in found:
        record = incident.record
        table.add_row(
            str(incident.id),
            record.date.isoformat(),
            record.province or "",
            record.place or "",
            record.attack_type,
            record.target_type,
            record.perpetrator,
            _count(record.killed),
            _count(record.wounded),
            " ".join(incident.sources),
        )
    out_console().print(table)
    if limit and len(found) == limit:
        err_console().print(f"showing the first {limit}; --limit 0 shows all")


@incidents_app.command("show")
def show_incident(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(help="Incident id.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One incident: every field, its source records, merges and change history."""
    incident = get_app(ctx).incident(incident_id)
    if json_output:
        print_json(incident.as_json_dict(detail=True))
        return
    _print_incident(incident)


def _print_incident(incident: Incident) -> None:
    console = out_console()
    title = f"Incident {incident.id}"
    if incident.merged_into is not None:
        title += f" (merged into {incident.merged_into})"
    fields = Table("field", "value", title=title, show_header=False)
    for name, value in incident.record.as_json_dict().items():
        fields.add_row(name, "" if value is None else str(value))
    console.print(fields)
    sources = Table("source", "first batch", "last batch", "content hash", title="Source records")
    for source in incident.source_records:
        sources.add_row(source.label, str(source.first_batch_id), str(source.last_batch_id), source.content_hash[:12])
    console.print(sources)
    if incident.merges:
        merges = Table("merge", "kept", "merged", "score", "method", "when", "undone", title="Merges")
        for merge in incident.merges:
            merges.add_row(
                str(merge["id"]),
                str(merge["kept_incident_id"]),
                str(merge["merged_incident_id"]),
                f"{merge['score']:.2f}",
                merge["method"],
                merge["created_at"][:16],
                (merge["undone_at"] or "")[:16],
            )
        console.print(merges)
    if incident.history:
        changes = Table("when (UTC)", "who", "action", "before", "after", "note", title="History")
        for entry in incident.history:
            changes.add_row(
                entry["at"][:19],
                entry["actor"],
                entry["action"],
                json.dumps(entry["before"], ensure_ascii=False),
                json.dumps(entry["after"], ensure_ascii=False),
                entry["note"] or "",
            )
        console.print(changes)


@incidents_app.command("edit")
def edit_incident(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(help="Incident id.")],
    set_: Annotated[
        list[str],
        typer.Option("--set", help="FIELD=VALUE, repeatable (an empty VALUE clears the field).", show_default=False),
    ],
    note: Annotated[str | None, typer.Option("--note", help="Why (kept in the change log).")] = None,
) -> None:
    """Correct canonical fields of an incident; the change log keeps who, when, before and after."""
    changes: dict[str, str] = {}
    for assignment in set_:
        name, sep, value = assignment.partition("=")
        if not sep:
            raise InvalidFieldValue(assignment, assignment, "expected FIELD=VALUE")
        changes[name.strip()] = value
    incident = get_app(ctx).update_incident(incident_id, changes, note=note)
    err_console().print(f"incident {incident.id} updated", markup=False)
