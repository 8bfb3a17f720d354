"""``nigehban facilities ...``, ``nigehban audit ...`` and ``nigehban risk``: the registry, audits and risk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from nigehban.cli.common import err_console, get_app, out_console, print_json, write_csv_rows
from nigehban.errors import InvalidFieldValue
from nigehban.security.audits import AnswerInput, Audit
from nigehban.security.facilities import EDITABLE_FIELDS, Facility, FacilityImportReport, FacilityInput
from nigehban.security.risk import FacilityRisk
from nigehban.security.vocabulary import SCENARIOS

__all__ = ["register"]

facilities_app = typer.Typer(help="The facility registry: police stations, posts, lines, offices, courts.")
audit_app = typer.Typer(help="Security audits of facilities against the versioned checklist.")

FormatOption = Annotated[str, typer.Option("--format", help="table, json or csv.")]


def register(app: typer.Typer) -> None:
    app.add_typer(facilities_app, name="facilities")
    app.add_typer(audit_app, name="audit")
    app.command("risk")(risk)


def _format(value: str, allowed: tuple[str, ...] = ("table", "json", "csv")) -> str:
    if value not in allowed:
        raise InvalidFieldValue("--format", value, f"use {', '.join(allowed)}")
    return value


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _print_import(report: FacilityImportReport) -> None:
    console = err_console()
    console.print(
        f"[bold]{report.dataset}[/]: {report.added:,} added, {report.updated:,} updated, {report.unchanged:,} unchanged"
    )
    for note in report.notes:
        console.print(f"[yellow]note:[/] {note}")


# facilities ----------------------------------------------------------------------------------------


@facilities_app.command("import")
def import_facilities(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="CSV or GeoJSON file of facilities (see docs/security/facilities.md).")],
    dataset: Annotated[str, typer.Option(help="Name of this registry (e.g. the owning agency).")] = "facilities",
) -> None:
    """Add or update (by code) facilities from a file; a file with any bad row is refused whole."""
    _print_import(get_app(ctx).import_facilities(path, dataset=dataset))


@facilities_app.command("add")
def add_facility(
    ctx: typer.Context,
    code: Annotated[str, typer.Option(help="Your own unique identifier.")],
    name: Annotated[str, typer.Option(help="Name.")],
    type: Annotated[str, typer.Option("--type", help="Facility type (e.g. police_station, check_post).")],
    latitude: Annotated[float | None, typer.Option(help="WGS84 latitude.")] = None,
    longitude: Annotated[float | None, typer.Option(help="WGS84 longitude.")] = None,
    district: Annotated[str | None, typer.Option(help="District name.")] = None,
    province: Annotated[str | None, typer.Option(help="Province.")] = None,
    place: Annotated[str | None, typer.Option(help="Town or locality.")] = None,
    staff: Annotated[int | None, typer.Option(help="Staff strength.")] = None,
    daily_visitors: Annotated[int | None, typer.Option(help="Visitors a day.")] = None,
    mission_criticality: Annotated[int | None, typer.Option(help="1-4 (default by type).")] = None,
    symbolism: Annotated[int | None, typer.Option(help="1-4 (default by type).")] = None,
    dataset: Annotated[str, typer.Option(help="Registry name.")] = "facilities",
) -> None:
    """Add (or update, by code) one facility."""
    from nigehban.security.facilities import FacilityValueError, facility_type

    try:
        facility = FacilityInput(
            code=code,
            name=name,
            facility_type=facility_type(type),
            latitude=latitude,
            longitude=longitude,
            district=district,
            province=province,
            place=place,
            staff=staff,
            daily_visitors=daily_visitors,
            mission_criticality=mission_criticality,
            symbolism=symbolism,
        )
    except FacilityValueError as error:
        raise InvalidFieldValue(f"--{(error.field or 'value').replace('_', '-')}", "", str(error)) from None
    _print_import(get_app(ctx).add_facility(facility, dataset=dataset))


@facilities_app.command("relocate")
def relocate(ctx: typer.Context) -> None:
    """Place every facility in the current district boundaries again (after importing boundaries)."""
    moved, failed = get_app(ctx).relocate_facilities()
    console = err_console()
    console.print(f"{moved:,} facilities placed in a new district")
    for problem in failed:
        console.print(f"[yellow]not placed:[/] {problem}")


@facilities_app.command("list")
def list_facilities(
    ctx: typer.Context,
    district: Annotated[str | None, typer.Option(help="District pcode or name.")] = None,
    province: Annotated[str | None, typer.Option(help="Province.")] = None,
    type: Annotated[str | None, typer.Option("--type", help="Facility type.")] = None,
    format: FormatOption = "table",
) -> None:
    """Facilities in the registry."""
    _format(format)
    facilities = get_app(ctx).facilities(district=district, province=province, facility_type=type)
    if format == "json":
        print_json([facility.as_dict() for facility in facilities])
        return
    if format == "csv":
        write_csv_rows([facility.as_dict() for facility in facilities], None)
        return
    table = Table(title=f"{len(facilities):,} facilities")
    for column in ("id", "code", "name", "type", "district", "province", "staff"):
        table.add_column(column)
    for facility in facilities:
        table.add_row(
            str(facility.id),
            facility.code,
            facility.name,
            facility.type_label,
            _text(facility.district),
            _text(facility.province),
            _text(facility.staff),
        )
    out_console().print(table)


def _show_facility(facility: Facility) -> None:
    table = Table(show_header=False, title=f"{facility.code}: {facility.name}")
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in facility.as_dict().items():
        table.add_row(key, _text(value))
    out_console().print(table)


@facilities_app.command("show")
def show_facility(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Facility id or code.")],
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """One facility, with its audits."""
    _format(format, ("table", "json"))
    app = get_app(ctx)
    facility = app.facility(key)
    audits = app.audits(facility=facility.id)
    if format == "json":
        print_json({**facility.as_dict(), "audits": [_audit_line(audit) for audit in audits]})
        return
    _show_facility(facility)
    for audit in audits:
        line = _audit_line(audit)
        out_console().print(f"audit {line['id']}: {line['audit_date']} {line['status']} by {line['auditor']}")


@facilities_app.command("edit")
def edit_facility(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Facility id or code.")],
    set_: Annotated[
        list[str],
        typer.Option("--set", help=f"FIELD=VALUE, repeatable; fields: {', '.join(EDITABLE_FIELDS)}."),
    ],
    note: Annotated[str | None, typer.Option("--note", help="Why (kept in the change log).")] = None,
) -> None:
    """Change fields of a facility (a moved facility is placed in its district again)."""
    changes: dict[str, Any] = {}
    numbers = {"latitude", "longitude", "area_m2"}
    integers = {"staff", "daily_visitors", "mission_criticality", "symbolism", "tenant_threat", "security_level"}
    for assignment in set_:
        name, sep, value = assignment.partition("=")
        name = name.strip()
        if not sep:
            raise InvalidFieldValue("--set", assignment, "expected FIELD=VALUE")
        if value == "":
            changes[name] = None
        elif name in numbers or name in integers:
            try:
                changes[name] = float(value) if name in numbers else int(value)
            except ValueError:
                raise InvalidFieldValue(name, value, "not a number") from None
        else:
            changes[name] = value
    _show_facility(get_app(ctx).update_facility(key, changes, note=note))


# audits ----------------------------------------------------------------------------------------------


def _audit_line(audit: Audit) -> dict[str, Any]:
    return {
        "id": audit.id,
        "facility_id": audit.facility_id,
        "audit_date": audit.audit_date.isoformat(),
        "status": audit.status,
        "auditor": audit.auditor,
        "answered": len(audit.answers),
        "checklist": f"{audit.checklist_id} {audit.checklist_version}",
    }


@audit_app.command("checklist")
def show_checklist(
    ctx: typer.Context,
    type: Annotated[str | None, typer.Option("--type", help="Only the items for this facility type.")] = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """The checklist in use: sections, items, answer scales and weights per scenario."""
    from nigehban.security.facilities import facility_type

    _format(format, ("table", "json"))
    checklist = get_app(ctx).checklist()
    items = checklist.items_for(facility_type(type)) if type else checklist.items
    if format == "json":
        print_json(
            {
                "id": checklist.id,
                "version": checklist.version,
                "title": checklist.title,
                "items": [
                    {
                        "id": item.id,
                        "section": item.section,
                        "question": item.question,
                        "guidance": item.guidance,
                        "scale": {level.value: level.label for level in item.scale.levels},
                        "na_allowed": item.na_allowed,
                        "weights": dict(item.weights),
                        "applies_to": list(item.applies_to) if item.applies_to else None,
                    }
                    for item in items
                ],
            }
        )
        return
    table = Table(title=f"{checklist.title} (version {checklist.version}): {len(items)} items")
    table.add_column("item")
    table.add_column("question")
    table.add_column("answers")
    table.add_column("weights " + "/".join(name[:4] for name in SCENARIOS))
    for item in items:
        scale = ", ".join(f"{level.value}={level.label}" for level in item.scale.levels)
        weights = "/".join(f"{item.weights.get(name, 0):g}" for name in SCENARIOS)
        table.add_row(item.id, item.question, scale + (", na" if item.na_allowed else ""), weights)
    out_console().print(table)


@audit_app.command("start")
def start_audit(
    ctx: typer.Context,
    facility: Annotated[str, typer.Argument(help="Facility id or code.")],
    auditor: Annotated[str, typer.Option(help="Who audits.")],
    date: Annotated[str | None, typer.Option(help="Audit date YYYY-MM-DD (default today).")] = None,
    gps: Annotated[str | None, typer.Option(help="Where the auditor stands: LAT,LON.")] = None,
    notes: Annotated[str | None, typer.Option(help="Notes on the audit.")] = None,
) -> None:
    """Start an audit; prints its id (answer with `audit answer ID ...`, resume any time)."""
    latitude, longitude = _gps(gps)
    audit = get_app(ctx).audit_start(
        facility,
        auditor=auditor,
        audit_date=_date(date),
        latitude=latitude,
        longitude=longitude,
        notes=notes,
    )
    err_console().print(f"audit [bold]{audit.id}[/] started")
    out_console().print(str(audit.id))


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidFieldValue("--date", text, "use YYYY-MM-DD") from None


def _gps(text: str | None) -> tuple[float | None, float | None]:
    if not text:
        return None, None
    parts = text.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise InvalidFieldValue("--gps", text, "use LAT,LON, e.g. 34.008,71.578") from None


@audit_app.command("answer")
def answer_audit(
    ctx: typer.Context,
    audit_id: Annotated[int, typer.Argument(help="Audit id.")],
    answers: Annotated[
        list[str] | None, typer.Argument(help="ITEM=LEVEL pairs (LEVEL a number on the item's scale, or na).")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", help="CSV of answers: item, answer, note, evidence.")] = None,
    note: Annotated[str | None, typer.Option(help="A note for the answer (with one ITEM=LEVEL).")] = None,
    photo: Annotated[
        list[Path] | None, typer.Option(help="Evidence file(s) for the answer (with one ITEM=LEVEL).")
    ] = None,
    gps: Annotated[str | None, typer.Option(help="Where the auditor stands: LAT,LON.")] = None,
) -> None:
    """Save answers to an audit in progress (all checked first; one bad answer saves none)."""
    from nigehban.security.audits import read_answers_csv

    app = get_app(ctx)
    given: dict[str, AnswerInput] = {}
    if file is not None:
        given.update(read_answers_csv(file, checklist=app.checklist()))
    pairs = answers or []
    if (note or photo) and len(pairs) != 1:
        raise InvalidFieldValue("--note/--photo", "", "give exactly one ITEM=LEVEL with a note or photo")
    for pair in pairs:
        item, sep, value = pair.partition("=")
        if not sep:
            raise InvalidFieldValue("answer", pair, "expected ITEM=LEVEL")
        level: int | str | None
        value = value.strip()
        if value.lower() == "na":
            level = "na"
        elif value == "":
            level = None
        else:
            try:
                level = int(value)
            except ValueError:
                raise InvalidFieldValue(item, value, "a level is a whole number on the item's scale, or na") from None
        given[item.strip()] = AnswerInput(answer=level, note=note, evidence=tuple(photo or ()))
    latitude, longitude = _gps(gps)
    if not given and latitude is None:
        raise InvalidFieldValue("answers", "", "nothing to save: give ITEM=LEVEL pairs or --file")
    audit = app.audit_answer(audit_id, given, latitude=latitude, longitude=longitude)
    _print_progress(ctx, audit)


def _print_progress(ctx: typer.Context, audit: Audit) -> None:
    from nigehban.security.audits import progress, unanswered

    app = get_app(ctx)
    facility = app.facility(audit.facility_id)
    checklist = app.checklist()
    done, total = progress(audit, checklist=checklist, facility_type=facility.facility_type)
    left = unanswered(audit, checklist=checklist, facility_type=facility.facility_type)
    message = f"audit {audit.id} ({facility.code}): {done}/{total} answered, {audit.status}"
    if left and audit.status == "in_progress":
        message += f"; next: {left[0]}"
    err_console().print(message)


@audit_app.command("complete")
def complete_audit(
    ctx: typer.Context,
    audit_id: Annotated[int, typer.Argument(help="Audit id.")],
    allow_unanswered: Annotated[
        bool, typer.Option("--allow-unanswered", help="Complete with unanswered items (counted as unknown).")
    ] = False,
) -> None:
    """Complete an audit (then it counts for risk)."""
    _print_progress(ctx, get_app(ctx).audit_complete(audit_id, allow_unanswered=allow_unanswered))


@audit_app.command("list")
def list_audits(
    ctx: typer.Context,
    facility: Annotated[str | None, typer.Option(help="Facility id or code.")] = None,
    status: Annotated[str | None, typer.Option(help="in_progress or completed.")] = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Audits, newest first."""
    _format(format, ("table", "json"))
    audits = get_app(ctx).audits(facility=facility, status=status)
    lines = [_audit_line(audit) for audit in audits]
    if format == "json":
        print_json(lines)
        return
    table = Table(title=f"{len(lines):,} audits")
    for column in ("id", "facility_id", "audit_date", "status", "auditor", "answered"):
        table.add_column(column)
    for line in lines:
        table.add_row(
            *(_text(line[column]) for column in ("id", "facility_id", "audit_date", "status", "auditor", "answered"))
        )
    out_console().print(table)


@audit_app.command("show")
def show_audit(
    ctx: typer.Context,
    audit_id: Annotated[int, typer.Argument(help="Audit id.")],
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """An audit's answers, and how it compares with the facility's previous completed audit."""
    _format(format, ("table", "json"))
    app = get_app(ctx)
    audit = app.audit(audit_id)
    comparison = app.audit_compare(audit_id)
    if format == "json":
        print_json({**audit.as_dict(), "comparison": comparison.as_dict()})
        return
    facility = app.facility(audit.facility_id)
    checklist = app.checklist()
    table = Table(title=f"audit {audit.id} of {facility.code} {facility.name}: {audit.audit_date} ({audit.status})")
    for column in ("item", "answer", "note", "evidence"):
        table.add_column(column)
    for item in checklist.items_for(facility.facility_type):
        entry = audit.answers.get(item.id)
        if entry is None:
            table.add_row(item.id, "[dim]unanswered[/]", "", "")
            continue
        label = next(
            (level.label for level in item.scale.levels if level.value == entry["answer"]), str(entry["answer"])
        )
        table.add_row(
            item.id, f"{entry['answer']} {label}", _text(entry.get("note")), str(len(entry.get("evidence", [])))
        )
    console = out_console()
    console.print(table)
    scores = Table(
        title="vulnerability (1-10)" + (f", against audit {comparison.previous_id}" if comparison.previous_id else "")
    )
    scores.add_column("scenario")
    scores.add_column("now")
    if comparison.previous_vulnerability is not None:
        scores.add_column("before")
    for scenario, score in comparison.vulnerability.items():
        row = [scenario, f"{score.value:.1f} ({score.low:.1f}-{score.high:.1f})"]
        if comparison.previous_vulnerability is not None:
            row.append(f"{comparison.previous_vulnerability[scenario].value:.1f}")
        scores.add_row(*row)
    console.print(scores)
    for change in comparison.changes:
        console.print(f"{change.direction:>8}: {change.item_id} {change.before} -> {change.after}")


# risk ------------------------------------------------------------------------------------------------


def _risk_row(item: FacilityRisk) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": item.facility.id,
        "code": item.facility.code,
        "name": item.facility.name,
        "type": item.facility.facility_type,
        "district": item.facility.district,
        "audit_id": item.audit_id,
        "consequence": item.consequence.value,
        "fsl": item.consequence.level_name,
    }
    for scenario, score in item.scenarios.items():
        row[f"{scenario}_threat"] = score.threat.value
        row[f"{scenario}_vulnerability"] = score.vulnerability.value
        row[f"{scenario}_risk"] = score.risk
    row.update(total=item.total, total_low=item.total_low, total_high=item.total_high, band=item.band)
    return row


def risk(
    ctx: typer.Context,
    facility: Annotated[str | None, typer.Option(help="One facility (id or code), with every reason.")] = None,
    district: Annotated[str | None, typer.Option(help="District pcode or name.")] = None,
    province: Annotated[str | None, typer.Option(help="Province.")] = None,
    type: Annotated[str | None, typer.Option("--type", help="Facility type.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="End of the threat history (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many in the table (0: all).")] = 30,
    format: FormatOption = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write CSV/JSON here.")] = None,
) -> None:
    """Threat x Vulnerability x Consequence per facility and scenario (FEMA 426 bands), highest first."""
    _format(format)
    results = get_app(ctx).risk(
        facility=facility, district=district, province=province, facility_type=type, as_of=_date(as_of)
    )
    if format == "json":
        if output:
            import json

            output.write_text(json.dumps([item.as_dict() for item in results], indent=2, default=str))
        else:
            print_json([item.as_dict() for item in results])
        return
    if format == "csv":
        write_csv_rows([_risk_row(item) for item in results], output)
        return
    console = out_console()
    if facility is not None and results:
        _explain(results[0])
        return
    shown = results[:limit] if limit else results
    table = Table(title=f"risk of {len(results):,} facilities (1-1000 per scenario; Low <=60, Medium <=175, High)")
    table.add_column("code", no_wrap=True)
    table.add_column("name", max_width=32, overflow="ellipsis", no_wrap=True)
    for column in ("district", "C", *[name[:7] for name in SCENARIOS], "total", "band"):
        table.add_column(column)
    for item in shown:
        table.add_row(
            item.facility.code,
            item.facility.name,
            _text(item.facility.district),
            f"{item.consequence.value:g}",
            *(f"{item.scenarios[name].risk:.0f}" for name in SCENARIOS),
            f"{item.total:.0f} ({item.total_low:.0f}-{item.total_high:.0f})",
            item.band,
        )
    console.print(table)


def _explain(item: FacilityRisk) -> None:
    console = out_console()
    facility = item.facility
    console.print(
        f"[bold]{facility.code} {facility.name}[/] ({facility.type_label}, {facility.district}, {facility.province})"
    )
    console.print(
        f"audit: {item.audit_id} of {item.audit_date}" if item.audit_id else "audit: none", *item.notes, sep="\n"
    )
    console.print("consequence " + f"{item.consequence.value:g}: " + "; ".join(item.consequence.reasons))
    for scenario, score in item.scenarios.items():
        console.print(
            f"\n[bold]{scenario}[/]: risk {score.risk:.0f} ({score.low:.0f}-{score.high:.0f}) {score.band} = "
            f"threat {score.threat.value:g} x vulnerability {score.vulnerability.value:.1f} x consequence "
            f"{score.consequence:g}"
        )
        for reason in score.threat.reasons:
            console.print(f"  threat: {reason}")
        console.print(
            f"  vulnerability: {score.vulnerability.answered}/{score.vulnerability.applicable} items answered; "
            f"interval {score.vulnerability.low:.1f}-{score.vulnerability.high:.1f}"
        )
    if item.top_items:
        console.print(
            "\nanswers adding most risk: " + ", ".join(f"{name} ({share:.0%})" for name, share in item.top_items)
        )
