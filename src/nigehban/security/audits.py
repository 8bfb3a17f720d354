"""Security audits of facilities: answers to a versioned checklist, with notes, evidence and GPS.

An audit is started for a facility against the current checklist (its id and version are recorded,
so that a later checklist version does not change the meaning of an old audit), answered in any
order and over as many sittings as the auditor needs (every call saves; the audit stays
``in_progress``), then completed. Only completed audits count for risk. Every answer is checked
against its item's scale before anything is written (:func:`nigehban.security.checklist.check_answer`):
a batch of answers with one bad answer writes none.

Evidence is a file (a photograph) on the auditor's machine: the audit keeps its path, size and
SHA-256, so a copy moved elsewhere can still be matched to the audit; the file itself stays where it
is. GPS is where the auditor stood (latitude, longitude), per audit.

:func:`compare_audits` sets an audit beside the facility's previous completed one: which answers
improved or worsened, and the vulnerability per scenario then and now.

Example:
    >>> from nigehban import Nigehban
    >>> from nigehban.security.facilities import FacilityInput
    >>> app = Nigehban(database_url="sqlite:///:memory:")
    >>> _ = app.init()
    >>> _ = app.add_facility(FacilityInput(code="PS-1", name="Saddar PS", facility_type="police_station",
    ...                                    district="Peshawar", province="Khyber Pakhtunkhwa"))
    >>> audit = app.audit_start("PS-1", auditor="Inspector Khan")
    >>> audit = app.audit_answer(audit.id, {"perimeter.wall_height": AnswerInput(answer=1, note="2 m, crumbling")})
    >>> audit.status, audit.answers["perimeter.wall_height"]["answer"]
    ('in_progress', 1)
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, insert, select, update

from nigehban.errors import NigehbanError
from nigehban.security.checklist import AuditChecklist, VulnerabilityScore, check_answer, vulnerability
from nigehban.security.facilities import get_facility
from nigehban.store.changelog import ChangeLogWriter
from nigehban.store.schema import AUDITS, utcnow

__all__ = [
    "Answer",
    "AnswerInput",
    "Audit",
    "AuditComparison",
    "AuditError",
    "AuditNotFound",
    "ItemChange",
    "answer_audit",
    "answer_levels",
    "compare_audits",
    "complete_audit",
    "get_audit",
    "latest_completed_audits",
    "list_audits",
    "progress",
    "read_answers_csv",
    "start_audit",
    "unanswered",
]

IN_PROGRESS: Final = "in_progress"
COMPLETED: Final = "completed"

Answer = int | str | None


class AuditNotFound(NigehbanError, LookupError):
    """No audit has this id."""


class AuditError(NigehbanError):
    """An audit operation that cannot be done (one in progress already, completed, unanswered items, ...)."""


@dataclasses.dataclass(frozen=True, slots=True)
class AnswerInput:
    """One answer as an auditor gives it: a level on the item's scale, or ``"na"`` where allowed.

    ``evidence``: paths of files (photographs) that show it; they must exist.
    """

    answer: Answer
    note: str | None = None
    evidence: tuple[str | Path, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Audit:
    """A stored audit. ``answers``: {item id: {"answer", "note", "evidence", "at"}}."""

    id: int
    facility_id: int
    checklist_id: str
    checklist_version: str
    auditor: str
    status: str
    audit_date: dt.date
    answers: dict[str, dict[str, Any]]
    notes: str | None
    latitude: float | None
    longitude: float | None
    started_at: dt.datetime
    updated_at: dt.datetime
    completed_at: dt.datetime | None

    def levels(self) -> dict[str, Answer]:
        """{item id: answer} of the answered items."""
        return answer_levels(self.answers)

    def as_dict(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        for key in ("audit_date", "started_at", "updated_at", "completed_at"):
            values[key] = values[key].isoformat() if values[key] is not None else None
        return values


def answer_levels(answers: Mapping[str, Mapping[str, Any]]) -> dict[str, Answer]:
    """{item id: answer} from stored answers."""
    return {item: entry.get("answer") for item, entry in answers.items()}


def _from_row(row: Any) -> Audit:
    return Audit(
        id=row.id,
        facility_id=row.facility_id,
        checklist_id=row.checklist_id,
        checklist_version=row.checklist_version,
        auditor=row.auditor,
        status=row.status,
        audit_date=row.audit_date,
        answers=dict(row.answers or {}),
        notes=row.notes,
        latitude=row.latitude,
        longitude=row.longitude,
        started_at=row.started_at,
        updated_at=row.updated_at,
        completed_at=row.completed_at,
    )


def get_audit(connection: Connection, audit_id: int) -> Audit:
    """The audit with this id."""
    row = connection.execute(select(AUDITS).where(AUDITS.c.id == audit_id)).first()
    if row is None:
        raise AuditNotFound(f"no audit with id {audit_id}")
    return _from_row(row)


def list_audits(connection: Connection, *, facility_id: int | None = None, status: str | None = None) -> list[Audit]:
    """Audits, newest first."""
    query = select(AUDITS).order_by(AUDITS.c.audit_date.desc(), AUDITS.c.id.desc())
    if facility_id is not None:
        query = query.where(AUDITS.c.facility_id == facility_id)
    if status is not None:
        query = query.where(AUDITS.c.status == status)
    return [_from_row(row) for row in connection.execute(query)]


def latest_completed_audits(connection: Connection) -> dict[int, Audit]:
    """{facility id: its latest completed audit} (by audit date, then id)."""
    latest: dict[int, Audit] = {}
    query = select(AUDITS).where(AUDITS.c.status == COMPLETED).order_by(AUDITS.c.audit_date, AUDITS.c.id)
    for row in connection.execute(query):
        latest[row.facility_id] = _from_row(row)
    return latest


def _check_gps(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise AuditError("GPS needs both latitude and longitude")
    if latitude is not None and not (math.isfinite(latitude) and -90 <= latitude <= 90):
        raise AuditError(f"GPS latitude {latitude} is not between -90 and 90")
    if longitude is not None and not (math.isfinite(longitude) and -180 <= longitude <= 180):
        raise AuditError(f"GPS longitude {longitude} is not between -180 and 180")


def start_audit(
    connection: Connection,
    facility: int | str,
    *,
    checklist: AuditChecklist,
    auditor: str,
    actor: str,
    audit_date: dt.date | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    notes: str | None = None,
) -> Audit:
    """Start an audit of ``facility`` (id or code). One audit of a facility may be in progress at a time."""
    target = get_facility(connection, facility)
    if not auditor.strip():
        raise AuditError("the auditor's name is empty")
    _check_gps(latitude, longitude)
    open_ = list_audits(connection, facility_id=target.id, status=IN_PROGRESS)
    if open_:
        raise AuditError(
            f"audit {open_[0].id} of {target.code} ({target.name}) is in progress since "
            f"{open_[0].started_at:%Y-%m-%d}: continue it (nigehban audit answer {open_[0].id} ...) or complete it"
        )
    now = utcnow()
    values = {
        "facility_id": target.id,
        "checklist_id": checklist.id,
        "checklist_version": checklist.version,
        "auditor": auditor.strip(),
        "status": IN_PROGRESS,
        "audit_date": audit_date or now.date(),
        "answers": {},
        "notes": notes,
        "latitude": latitude,
        "longitude": longitude,
        "started_at": now,
        "updated_at": now,
    }
    key = connection.execute(insert(AUDITS).values(**values)).inserted_primary_key
    assert key is not None
    audit_id = int(key[0])
    log = ChangeLogWriter(connection, actor=actor)
    log.add("audit", audit_id, "start", after={**values, "facility": target.code})
    log.flush()
    return get_audit(connection, audit_id)


def _checklist_for(audit: Audit, checklist: AuditChecklist) -> None:
    if (audit.checklist_id, audit.checklist_version) != (checklist.id, checklist.version):
        raise AuditError(
            f"audit {audit.id} was made with checklist {audit.checklist_id} {audit.checklist_version}, "
            f"not {checklist.id} {checklist.version}: load that version to change it"
        )


def _evidence(path: str | Path, item: str) -> dict[str, Any]:
    file = Path(path).expanduser()
    try:
        data = file.read_bytes()
    except OSError as error:
        raise AuditError(f"{item}: evidence file {str(file)!r} cannot be read: {error.strerror}") from None
    return {"file": str(file.resolve()), "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def answer_audit(
    connection: Connection,
    audit_id: int,
    answers: Mapping[str, AnswerInput],
    *,
    checklist: AuditChecklist,
    actor: str,
    latitude: float | None = None,
    longitude: float | None = None,
    notes: str | None = None,
) -> Audit:
    """Record answers (all checked first: one bad answer writes none); the audit stays in progress.

    An answer of ``None`` clears an item. Items that do not apply to the facility's type are refused.
    """
    audit = get_audit(connection, audit_id)
    if audit.status != IN_PROGRESS:
        raise AuditError(f"audit {audit_id} is {audit.status}; start a new audit to record new answers")
    facility = get_facility(connection, audit.facility_id)
    _checklist_for(audit, checklist)
    _check_gps(latitude, longitude)
    applicable = {item.id for item in checklist.items_for(facility.facility_type)}
    stored = {item: dict(entry) for item, entry in audit.answers.items()}
    changed: dict[str, Any] = {}
    now = utcnow().isoformat(timespec="seconds")
    for item_id, given in answers.items():
        value = check_answer(checklist, item_id, given.answer)
        if item_id not in applicable:
            raise AuditError(f"{item_id} does not apply to a {facility.type_label}")
        if value is None and not given.note and not given.evidence:
            if item_id in stored:
                changed[item_id] = None
                del stored[item_id]
            continue
        entry = {
            "answer": value,
            "note": given.note,
            "evidence": [_evidence(path, item_id) for path in given.evidence],
            "at": now,
        }
        old = stored.get(item_id)
        if old is not None and not given.evidence:
            entry["evidence"] = old.get("evidence", [])  # a changed answer keeps its photographs
        if old != entry:
            stored[item_id] = entry
            changed[item_id] = entry
    updates: dict[str, Any] = {}
    if changed:
        updates["answers"] = stored
    if latitude is not None:
        updates.update(latitude=latitude, longitude=longitude)
    if notes is not None:
        updates["notes"] = notes
    if updates:
        connection.execute(update(AUDITS).where(AUDITS.c.id == audit_id).values(**updates, updated_at=utcnow()))
        log = ChangeLogWriter(connection, actor=actor)
        before = {item: audit.answers.get(item) for item in changed}
        log.add("audit", audit_id, "answer", before=before, after={**changed, **_without(updates, "answers")})
        log.flush()
    return get_audit(connection, audit_id)


def _without(values: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name != key}


def complete_audit(
    connection: Connection,
    audit_id: int,
    *,
    checklist: AuditChecklist,
    actor: str,
    allow_unanswered: bool = False,
) -> Audit:
    """Complete an audit; refused while applicable items are unanswered unless ``allow_unanswered``
    (they then widen the vulnerability interval: :func:`~nigehban.security.checklist.vulnerability`)."""
    audit = get_audit(connection, audit_id)
    if audit.status != IN_PROGRESS:
        raise AuditError(f"audit {audit_id} is already {audit.status}")
    _checklist_for(audit, checklist)
    facility = get_facility(connection, audit.facility_id)
    missing = [item.id for item in checklist.items_for(facility.facility_type) if item.id not in audit.answers]
    if missing and not allow_unanswered:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        raise AuditError(
            f"audit {audit_id} has {len(missing)} unanswered item(s): {shown}; answer them or complete with "
            "--allow-unanswered (they then count as unknown)"
        )
    now = utcnow()
    connection.execute(
        update(AUDITS).where(AUDITS.c.id == audit_id).values(status=COMPLETED, completed_at=now, updated_at=now)
    )
    log = ChangeLogWriter(connection, actor=actor)
    log.add("audit", audit_id, "complete", before={"status": IN_PROGRESS}, after={"status": COMPLETED})
    log.flush()
    return get_audit(connection, audit_id)


@dataclasses.dataclass(frozen=True, slots=True)
class ItemChange:
    """One item answered differently in two audits (``direction``: better, worse, changed, new, dropped)."""

    item_id: str
    question: str
    before: Answer
    after: Answer
    direction: str


@dataclasses.dataclass(frozen=True, slots=True)
class AuditComparison:
    """An audit beside the facility's previous completed audit (``previous`` None for a first audit)."""

    audit_id: int
    previous_id: int | None
    vulnerability: dict[str, VulnerabilityScore]
    previous_vulnerability: dict[str, VulnerabilityScore] | None
    changes: tuple[ItemChange, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "audit_id": self.audit_id,
            "previous_id": self.previous_id,
            "vulnerability": {s: _score_dict(v) for s, v in self.vulnerability.items()},
            "previous_vulnerability": (
                {s: _score_dict(v) for s, v in self.previous_vulnerability.items()}
                if self.previous_vulnerability is not None
                else None
            ),
            "changes": [dataclasses.asdict(change) for change in self.changes],
        }


def _score_dict(score: VulnerabilityScore) -> dict[str, Any]:
    return {"value": score.value, "low": score.low, "high": score.high}


def compare_audits(connection: Connection, audit_id: int, *, checklist: AuditChecklist) -> AuditComparison:
    """The audit against the facility's latest completed audit before it (by date, then id)."""
    audit = get_audit(connection, audit_id)
    facility = get_facility(connection, audit.facility_id)
    earlier = [
        other
        for other in list_audits(connection, facility_id=audit.facility_id, status=COMPLETED)
        if other.id != audit.id and (other.audit_date, other.id) < (audit.audit_date, audit.id)
    ]
    previous = earlier[0] if earlier else None
    now_levels = audit.levels()
    scores = vulnerability(checklist, now_levels, facility_type=facility.facility_type)
    if previous is None:
        return AuditComparison(audit.id, None, scores, None, ())
    then_levels = previous.levels()
    changes: list[ItemChange] = []
    for item in checklist.items_for(facility.facility_type):
        before, after = then_levels.get(item.id), now_levels.get(item.id)
        if before == after:
            continue
        if before is None:
            direction = "new"
        elif after is None:
            direction = "dropped"
        elif isinstance(before, int) and isinstance(after, int):
            direction = "better" if after > before else "worse"
        else:
            direction = "changed"
        changes.append(ItemChange(item.id, item.question, before, after, direction))
    return AuditComparison(
        audit.id,
        previous.id,
        scores,
        vulnerability(checklist, then_levels, facility_type=facility.facility_type),
        tuple(changes),
    )


def read_answers_csv(path: str | Path, *, checklist: AuditChecklist) -> dict[str, AnswerInput]:
    """Answers from a CSV with columns ``item``, ``answer`` and optional ``note``, ``evidence``
    (file paths separated by ``;``, relative to the CSV's folder). Every row is checked; the first
    bad one raises :class:`AuditError` naming the file, row and field.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise AuditError(f"{path}: cannot be read as UTF-8 text ({error})") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = set(reader.fieldnames or ())
    if not {"item", "answer"} <= columns:
        raise AuditError(f"{path}: needs the columns item and answer (has: {', '.join(sorted(columns)) or 'none'})")
    answers: dict[str, AnswerInput] = {}
    for number, row in enumerate(reader, start=1):
        item = (row.get("item") or "").strip()
        raw = (row.get("answer") or "").strip()
        value: Answer
        if raw.lower() in {"na", "n/a"}:
            value = "na"
        elif raw == "":
            value = None
        else:
            try:
                value = int(raw)
            except ValueError:
                raise AuditError(f"{path}: row {number}, answer: {raw!r} is not a level or 'na'") from None
        try:
            check_answer(checklist, item, value)
        except NigehbanError as error:
            raise AuditError(
                f"{path}: row {number}, {'item' if 'unknown' in str(error) else 'answer'}: {error}"
            ) from None
        if item in answers:
            raise AuditError(f"{path}: row {number}, item: {item} is answered twice")
        evidence = tuple(path.parent / part.strip() for part in (row.get("evidence") or "").split(";") if part.strip())
        answers[item] = AnswerInput(answer=value, note=(row.get("note") or "").strip() or None, evidence=evidence)
    return answers


def progress(audit: Audit, *, checklist: AuditChecklist, facility_type: str) -> tuple[int, int]:
    """(answered, applicable) items of an audit."""
    applicable = [item.id for item in checklist.items_for(facility_type)]
    return sum(1 for item in applicable if item in audit.answers), len(applicable)


def unanswered(audit: Audit, *, checklist: AuditChecklist, facility_type: str) -> Sequence[str]:
    """The applicable items not yet answered, in checklist order (where to resume)."""
    return [item.id for item in checklist.items_for(facility_type) if item.id not in audit.answers]
