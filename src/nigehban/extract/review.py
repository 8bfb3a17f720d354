"""The review queue: candidate incidents from reports wait here for an analyst to accept, edit or reject them.

Extraction (:mod:`nigehban.extract.extractor`) proposes; an analyst decides. :func:`add_extractions`
queues every candidate of the documents that report an attack (new incidents, kind ``incident``, and
the earlier attacks a report only recalls, kind ``mention``) with the document and each field's
evidence span; documents that report no attack are counted and left out.

Decisions, each in one transaction with its change-log entries (who, when, before, after):

- :func:`edit_candidate`: correct fields of a pending candidate. Values are checked against the
  incident record's vocabularies (:func:`nigehban.record.coerce_field`, provinces and groups by any
  spelling); an edited field has confidence 1 and no evidence.
- :func:`accept_candidate`: the document becomes a source record (dataset ``reports``, key the
  document id, ``#2``, ``#3`` ... for its further candidates; raw payload the document and the
  candidate JSON; content hash), written by the importers' writer
  (:class:`~nigehban.ingest.writer.ChunkWriter`) with its own import batch and the geography
  resolved from the candidate's place as an import would. Without ``incident_id`` that makes a new
  incident. With one (or the best match), the new incident is at once merged into the stored one
  as deduplication merges (:func:`~nigehban.ingest.dedupe.merge_incident`): only the stored
  incident's empty fields are filled, the merge is recorded with the match score and can be undone
  with ``app.undo_merge``.
- :func:`reject_candidate`: the candidate stays in the queue, rejected, with the note.

A decided candidate cannot be decided again (:class:`CandidateAlreadyDecided`).

Caveats: ``duration_hours`` has no column in the incident record; it stays in the candidate JSON of
the source record's payload. A candidate without a date cannot be accepted until one is set.

Example:
    >>> import datetime as dt
    >>> from nigehban import Nigehban
    >>> from nigehban.extract.candidate import Candidate, Document, Extraction, FieldValue
    >>> app = Nigehban(database_url="sqlite:///:memory:")
    >>> _ = app.init()
    >>> document = Document(id="r1", text="Two policemen were killed in Quetta.", published=dt.date(2013, 5, 2))
    >>> found = Candidate({"date": FieldValue(dt.date(2013, 5, 1), 0.8), "killed": FieldValue(2, 0.9)}, 0.8)
    >>> report = app.review_add([(document, Extraction("r1", True, 0.9, incidents=[found]))])
    >>> report.queued, [item.status for item in app.review_list()]
    (1, ['pending'])
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import orjson
from sqlalchemy import Connection, Engine, func, insert, select, update

from nigehban.errors import IncidentNotFound, InvalidFieldValue, NigehbanError
from nigehban.extract.candidate import CANDIDATE_FIELDS, Candidate, Document, Extraction
from nigehban.extract.matching import Match, MatchConfig, find_matches
from nigehban.geo.apply import locate_records, query_to_json
from nigehban.geo.resolution import PlaceQuery
from nigehban.ingest.rowreader import Chunk, PreparedRow, record_json
from nigehban.ingest.writer import ChunkWriter
from nigehban.record import RECORD_FIELDS, IncidentRecord, coerce_field
from nigehban.store.changelog import ChangeLogWriter, jsonable
from nigehban.store.schema import BATCHES, INCIDENTS, REVIEW_CANDIDATES, SOURCES, utcnow
from nigehban.taxonomy import canonical_group, canonical_province

if TYPE_CHECKING:
    from nigehban.extract.extractor import Extractor, ExtractReport
    from nigehban.geo.resolver import Resolver
    from nigehban.ingest.dedupe import MergeInfo

__all__ = [
    "DATASET",
    "STATUSES",
    "CandidateAlreadyDecided",
    "ReviewAddReport",
    "ReviewError",
    "ReviewItem",
    "ReviewNotFound",
    "accept_candidate",
    "add_extractions",
    "candidate_json",
    "edit_candidate",
    "get_candidate",
    "list_candidates",
    "queue_files",
    "reject_candidate",
]

DATASET = "reports"
"""The dataset of the source records accepted candidates become."""
STATUSES = ("pending", "accepted", "rejected")
PAYLOAD_COLUMNS = ["id", "text", "published", "source", "candidate"]
"""The columns of an accepted report's raw payload (the header of its import batch)."""
METHOD = "review-accept"
"""``merges.method`` of a merge an analyst made by accepting a candidate into a stored incident."""
EDITABLE_FIELDS = tuple(dict.fromkeys((*CANDIDATE_FIELDS, *RECORD_FIELDS)))
_QUEUE_CHUNK = 256


class ReviewError(NigehbanError):
    """A review decision cannot be made as asked (no date to accept, a document already accepted ...)."""


class ReviewNotFound(ReviewError, LookupError):
    """No review candidate has the given id."""

    def __init__(self, candidate_id: int) -> None:
        self._arguments = (candidate_id,)
        self.candidate_id = candidate_id
        super().__init__(f"no review candidate with id {candidate_id}")


class CandidateAlreadyDecided(ReviewError):
    """The candidate was accepted or rejected before: a decision is not made twice."""

    def __init__(self, candidate_id: int, status: str, by: str | None, at: dt.datetime | None) -> None:
        self._arguments = (candidate_id, status, by, at)
        self.candidate_id = candidate_id
        self.status = status
        when = f" on {at:%Y-%m-%d %H:%M} UTC" if at is not None else ""
        super().__init__(
            f"review candidate {candidate_id} was already {status} by {by}{when}; "
            "decisions are final here (undo an accepted merge with `nigehban dedupe undo`, or edit the incident)"
        )


# candidates as JSON ---------------------------------------------------------------------------------


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    """A candidate as the queue stores it: each field's value, confidence and evidence span.

    >>> from nigehban.extract.candidate import Evidence, FieldValue
    >>> found = Candidate({"killed": FieldValue(2, 0.9, Evidence(0, 3, "two"))}, 0.8)
    >>> candidate_json(found)["fields"]["killed"]
    {'value': 2, 'confidence': 0.9, 'evidence': {'start': 0, 'end': 3, 'text': 'two'}}
    """
    return {
        "fields": {
            name: {
                "value": jsonable(field.value),
                "confidence": field.confidence,
                "evidence": None if field.evidence is None else dataclasses.asdict(field.evidence),
            }
            for name, field in candidate.fields.items()
        },
        "confidence": candidate.confidence,
    }


def _value(name: str, value: Any) -> Any:
    """A stored JSON value back as the field's Python value (dates)."""
    if name == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


@dataclasses.dataclass
class ReviewItem:
    """One candidate in the queue (``document_text`` and ``matches`` only from :func:`get_candidate`)."""

    id: int
    document_id: str
    position: int
    kind: str
    status: str
    confidence: float
    fields: dict[str, dict[str, Any]]
    published: dt.date | None
    source: str | None
    created_at: dt.datetime
    incident_id: int | None = None
    merge_id: int | None = None
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    note: str | None = None
    document_text: str | None = None
    matches: list[Match] = dataclasses.field(default_factory=list)

    def value(self, name: str) -> Any:
        found = self.fields.get(name)
        return None if found is None else _value(name, found["value"])

    def values(self) -> dict[str, Any]:
        """The field values (dates as dates)."""
        return {name: _value(name, field["value"]) for name, field in self.fields.items()}

    def as_json_dict(self) -> dict[str, Any]:
        out = jsonable({field.name: getattr(self, field.name) for field in dataclasses.fields(self)})
        out["matches"] = [match.as_json_dict() for match in self.matches]
        return out  # type: ignore[no-any-return]


def _item(row: Any, *, with_text: bool = False) -> ReviewItem:
    return ReviewItem(
        id=row.id,
        document_id=row.document_id,
        position=row.position,
        kind=row.kind,
        status=row.status,
        confidence=row.confidence,
        fields=dict(row.candidate["fields"]),
        published=row.published,
        source=row.source,
        created_at=row.created_at,
        incident_id=row.incident_id,
        merge_id=row.merge_id,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        note=row.note,
        document_text=row.document_text if with_text else None,
    )


# queueing -------------------------------------------------------------------------------------------


@dataclasses.dataclass
class ReviewAddReport:
    """What was queued: ``queued`` candidates (``mentions`` of them recalled attacks) from ``attacks``
    of ``documents``; ``not_attacks`` documents reported no attack and were not queued."""

    documents: int = 0
    attacks: int = 0
    not_attacks: int = 0
    queued: int = 0
    mentions: int = 0
    ids: list[int] = dataclasses.field(default_factory=list)


def add_extractions(
    connection: Connection, pairs: Iterable[tuple[Document, Extraction]], *, actor: str
) -> ReviewAddReport:
    """Queue the candidates of each (document, extraction) that reports an attack."""
    report = ReviewAddReport()
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for document, extraction in pairs:
        if document.id != extraction.document_id:
            raise ReviewError(f"extraction {extraction.document_id!r} does not belong to document {document.id!r}")
        report.documents += 1
        if not extraction.is_attack or not (extraction.incidents or extraction.mentions):
            report.not_attacks += 1
            continue
        report.attacks += 1
        numbered = [("incident", c) for c in extraction.incidents] + [("mention", c) for c in extraction.mentions]
        for position, (kind, candidate) in enumerate(numbered):
            rows.append(
                {
                    "document_id": document.id,
                    "document_text": document.text,
                    "published": document.published,
                    "source": document.source,
                    "position": position,
                    "kind": kind,
                    "candidate": candidate_json(candidate),
                    "confidence": candidate.confidence,
                    "status": "pending",
                    "created_at": now,
                }
            )
            report.mentions += kind == "mention"
    if rows:
        ids = [
            int(
                connection.execute(
                    insert(REVIEW_CANDIDATES).values(**row).returning(REVIEW_CANDIDATES.c.id)
                ).scalar_one()
            )
            for row in rows
        ]
        report.ids.extend(ids)
        report.queued += len(ids)
        log = ChangeLogWriter(connection, actor=actor)
        for candidate_id, row in zip(ids, rows, strict=True):
            log.add(
                "review_candidate",
                candidate_id,
                "queue",
                after={"document_id": row["document_id"], "kind": row["kind"]},
            )
        log.flush()
    return report


def queue_files(
    paths: Sequence[str | Path],
    *,
    engine: Engine,
    extractor: Extractor,
    actor: str,
    progress: Callable[[int, int], None] | None = None,
) -> ExtractReport:
    """Extract every document of ``paths`` into the review queue (one transaction per 256 documents).

    The report's ``output`` is ``"review queue"``; documents that report no attack are counted in
    ``documents - attacks`` and not queued. Problems are reported per document as for a file output.
    """
    from nigehban.extract.documents import count_documents, input_files, read_documents
    from nigehban.extract.extractor import ExtractReport

    files = input_files(paths)
    total = count_documents(files)
    report = ExtractReport(output="review queue")
    problems: dict[str, list[str]] = {}
    loaded: dict[str, Document] = {}
    started = time.perf_counter()

    def documents() -> Iterator[Document]:
        for item in read_documents(files):
            if item.problems:
                problems[item.document.id] = item.problems
            loaded[item.document.id] = item.document
            yield item.document

    pending: list[tuple[Document, Extraction]] = []

    def flush() -> None:
        if pending:
            with engine.begin() as connection:
                added = add_extractions(connection, pending, actor=actor)
            report.incidents += added.queued - added.mentions
            report.mentions += added.mentions
            pending.clear()

    for extraction in extractor.extract_many(documents(), progress=progress, total=total):
        extraction.problems.extend(problems.pop(extraction.document_id, []))
        report.documents += 1
        report.attacks += extraction.is_attack
        if extraction.problems:
            report.problems.append("; ".join(extraction.problems))
        pending.append((loaded.pop(extraction.document_id), extraction))
        if len(pending) >= _QUEUE_CHUNK:
            flush()
    flush()
    report.seconds = time.perf_counter() - started
    return report


# reading --------------------------------------------------------------------------------------------


def list_candidates(
    connection: Connection, *, status: str | None = "pending", limit: int | None = 50
) -> list[ReviewItem]:
    """Candidates with ``status`` (``None``: all), most confident first, then oldest."""
    if status is not None and status not in STATUSES:
        raise InvalidFieldValue("status", status, f"not one of: {', '.join(STATUSES)}")
    table = REVIEW_CANDIDATES
    query = select(*(c for c in table.c if c.name != "document_text")).order_by(table.c.confidence.desc(), table.c.id)
    if status is not None:
        query = query.where(table.c.status == status)
    if limit:
        query = query.limit(limit)
    return [_item(row) for row in connection.execute(query)]


def _row(connection: Connection, candidate_id: int) -> Any:
    row = connection.execute(select(REVIEW_CANDIDATES).where(REVIEW_CANDIDATES.c.id == candidate_id)).first()
    if row is None:
        raise ReviewNotFound(candidate_id)
    return row


def _date_confidence(fields: Mapping[str, Any]) -> float:
    date = fields.get("date")
    if date is None:
        return 0.0
    return float(date["confidence"]) if date.get("evidence") is not None or date.get("edited") else 0.0


def get_candidate(
    connection: Connection, candidate_id: int, *, matches: bool = True, config: MatchConfig | None = None
) -> ReviewItem:
    """One candidate with its document's text and (for a pending one) its ranked matches."""
    item = _item(_row(connection, candidate_id), with_text=True)
    if matches and item.status == "pending":
        item.matches = find_matches(
            connection, item.values(), date_confidence=_date_confidence(item.fields), config=config
        )
    return item


# deciding -------------------------------------------------------------------------------------------


def _pending(connection: Connection, candidate_id: int) -> Any:
    row = _row(connection, candidate_id)
    if row.status != "pending":
        raise CandidateAlreadyDecided(candidate_id, row.status, row.decided_by, row.decided_at)
    return row


def _coerce(changes: Mapping[str, Any]) -> dict[str, Any]:
    """An analyst's values checked against the record's vocabularies (province and group by any spelling)."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise InvalidFieldValue(name, value, f"not a field of a candidate ({', '.join(EDITABLE_FIELDS)})")
        if name == "duration_hours":
            try:
                out[name] = None if value in (None, "") else float(value)
            except (TypeError, ValueError):
                raise InvalidFieldValue(name, value, "not a number of hours") from None
            continue
        coerced = coerce_field(name, value)
        if name == "province" and coerced is not None:
            try:
                coerced = canonical_province(coerced)
            except KeyError:
                raise InvalidFieldValue(name, coerced, "not a province or territory of Pakistan") from None
        if name == "perpetrator":
            coerced = canonical_group(coerced)
        out[name] = coerced
    # the vocabularies (attack, target, weapon types ...) are checked on a record holding the values
    probe = IncidentRecord(date=dt.date(2000, 1, 1))
    for name, value in out.items():
        if name in RECORD_FIELDS and value is not None:
            setattr(probe, name, value)
    probe.validate()
    return out


def _edited(
    fields: Mapping[str, Any], changes: Mapping[str, Any], actor: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The fields with ``changes`` applied, and the (before, after) values of what changed."""
    updated = dict(fields)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in changes.items():
        old = fields.get(name)
        old_value = None if old is None else old["value"]
        new_value = jsonable(value)
        if old_value == new_value:
            continue
        before[name], after[name] = old_value, new_value
        if value is None:
            updated.pop(name, None)
        else:
            updated[name] = {"value": new_value, "confidence": 1.0, "evidence": None, "edited": actor}
    return updated, before, after


def edit_candidate(
    connection: Connection, candidate_id: int, changes: Mapping[str, Any], *, actor: str, note: str | None = None
) -> ReviewItem:
    """Correct fields of a pending candidate (an empty value clears a field); logged with before and after."""
    row = _pending(connection, candidate_id)
    coerced = _coerce(changes)
    fields, before, after = _edited(row.candidate["fields"], coerced, actor)
    if after:
        connection.execute(
            update(REVIEW_CANDIDATES)
            .where(REVIEW_CANDIDATES.c.id == candidate_id)
            .values(candidate={**row.candidate, "fields": fields})
        )
        log = ChangeLogWriter(connection, actor=actor)
        log.add("review_candidate", candidate_id, "edit", before=before, after=after, note=note)
        log.flush()
    return get_candidate(connection, candidate_id, matches=False)


def _decide(
    connection: Connection, candidate_id: int, values: dict[str, Any], *, actor: str, note: str | None
) -> dt.datetime:
    now = utcnow()
    done = connection.execute(
        update(REVIEW_CANDIDATES)
        .where(REVIEW_CANDIDATES.c.id == candidate_id, REVIEW_CANDIDATES.c.status == "pending")
        .values(**values, decided_by=actor, decided_at=now, note=note)
    )
    if done.rowcount != 1:  # decided by someone else meanwhile
        row = _row(connection, candidate_id)
        raise CandidateAlreadyDecided(candidate_id, row.status, row.decided_by, row.decided_at)
    return now


def reject_candidate(connection: Connection, candidate_id: int, *, actor: str, note: str | None = None) -> ReviewItem:
    """Reject a pending candidate (it stays in the queue as rejected, with the note)."""
    _pending(connection, candidate_id)
    _decide(connection, candidate_id, {"status": "rejected"}, actor=actor, note=note)
    log = ChangeLogWriter(connection, actor=actor)
    log.add(
        "review_candidate",
        candidate_id,
        "reject",
        before={"status": "pending"},
        after={"status": "rejected"},
        note=note,
    )
    log.flush()
    return get_candidate(connection, candidate_id, matches=False)


def _record(
    values: Mapping[str, Any], candidate_id: int, *, edited_coordinates: bool
) -> tuple[IncidentRecord, PlaceQuery]:
    date = values.get("date")
    if not isinstance(date, dt.date):
        raise ReviewError(f"review candidate {candidate_id} has no date: set one first (`--set date=YYYY-MM-DD`)")
    known = {name: value for name, value in values.items() if name in RECORD_FIELDS and value is not None}
    # The extractor's coordinates are the gazetteer point of the place it read: the geography is
    # resolved again from the place as an import would. Coordinates an analyst typed are kept.
    coordinates = (known.pop("latitude", None), known.pop("longitude", None))
    if not edited_coordinates:
        coordinates = (None, None)
    record = IncidentRecord(**known, latitude=coordinates[0], longitude=coordinates[1])
    record.validate()
    query = PlaceQuery(
        place=record.place,
        district=record.district or record.district_pcode,
        province=record.province,
        latitude=record.latitude,
        longitude=record.longitude,
    )
    return record, query


def _source_key(row: Any) -> str:
    return row.document_id if row.position == 0 else f"{row.document_id}#{row.position + 1}"


def accept_candidate(
    connection: Connection,
    candidate_id: int,
    *,
    actor: str,
    resolver: Resolver | None,
    changes: Mapping[str, Any] | None = None,
    incident_id: int | None = None,
    match: Literal["best"] | None = None,
    note: str | None = None,
    config: MatchConfig | None = None,
) -> ReviewItem:
    """Accept a pending candidate: a new incident, or (``incident_id``, or ``match="best"``) a report of a stored one.

    See the module notes. Raises :class:`ReviewNotFound`, :class:`CandidateAlreadyDecided`,
    :class:`ReviewError` (no date; the document already a source record; no match for ``"best"``),
    :class:`~nigehban.errors.IncidentNotFound` and :class:`~nigehban.errors.InvalidFieldValue`.
    """
    if incident_id is not None and match is not None:
        raise ReviewError("give either an incident id or match='best', not both")
    if match is not None and match != "best":
        raise InvalidFieldValue("match", match, "only 'best' (the top-ranked stored incident) is understood")
    row = _pending(connection, candidate_id)
    coerced = _coerce(changes or {})
    fields, before, after = _edited(row.candidate["fields"], coerced, actor)
    values = {name: _value(name, field["value"]) for name, field in fields.items()}
    record, query = _record(
        values,
        candidate_id,
        edited_coordinates=any("edited" in fields.get(name, {}) for name in ("latitude", "longitude")),
    )

    chosen: Match | None = None
    if match == "best":
        found = find_matches(connection, values, date_confidence=_date_confidence(fields), config=config)
        if not found:
            raise ReviewError(f"no stored incident matches review candidate {candidate_id}: accept it as new")
        chosen = found[0]
        incident_id = chosen.incident_id
    if incident_id is not None:
        target = connection.execute(
            select(INCIDENTS.c.id, INCIDENTS.c.merged_into_id).where(INCIDENTS.c.id == incident_id)
        ).first()
        if target is None:
            raise IncidentNotFound(incident_id)
        if target.merged_into_id is not None:
            raise ReviewError(
                f"incident {incident_id} was merged into incident {target.merged_into_id}: accept into that one"
            )
        if chosen is None:
            scored = find_matches(
                connection,
                values,
                date_confidence=_date_confidence(fields),
                config=dataclasses.replace(config or MatchConfig(), min_score=0.0, limit=1000),
            )
            chosen = next((m for m in scored if m.incident_id == incident_id), None)

    key = _source_key(row)
    existing = connection.execute(
        select(SOURCES.c.incident_id).where(SOURCES.c.dataset == DATASET, SOURCES.c.key == key)
    ).first()
    if existing is not None:
        raise ReviewError(
            f"document {key!r} is already the source record of incident {existing.incident_id} (dataset {DATASET})"
        )

    (located,) = locate_records([record], [query], resolver=resolver)
    stored_candidate = {**row.candidate, "fields": fields}
    cells = [
        row.document_id,
        row.document_text,
        row.published.isoformat() if row.published else "",
        row.source or "",
        json.dumps(stored_candidate, ensure_ascii=False, sort_keys=True),
    ]
    payload = orjson.dumps(cells)
    now = utcnow()
    batch_id = int(
        connection.execute(
            insert(BATCHES)
            .values(
                dataset=DATASET,
                importer="review",
                source_path=row.source or row.document_id,
                file_sha256=None,
                file_size=None,
                header=PAYLOAD_COLUMNS,
                options={"review_candidate": candidate_id},
                status="complete",
                actor=actor,
                started_at=now,
                finished_at=now,
                rows_read=1,
                rows_inserted=1,
            )
            .returning(BATCHES.c.id)
        ).scalar_one()
    )
    writer = ChunkWriter(
        dataset=DATASET, batch_id=batch_id, columns=PAYLOAD_COLUMNS, actor=actor, new_dataset=True, rejects_file=None
    )
    writer.write(
        connection,
        Chunk(
            rows=[
                PreparedRow(
                    row_number=1,
                    key=key,
                    payload=payload.decode("utf-8"),
                    content_hash=hashlib.sha1(payload).hexdigest(),
                    values=located.as_tuple(),
                    record_json=record_json(located),
                    place_query=query_to_json(query, None),
                )
            ],
            refused=[],
            rows_read=1,
            position=1,
        ),
    )
    new_id = int(
        connection.execute(
            select(SOURCES.c.incident_id).where(SOURCES.c.dataset == DATASET, SOURCES.c.key == key)
        ).scalar_one()
    )
    log = ChangeLogWriter(connection, actor=actor, batch_id=batch_id)
    log.add(
        "incident",
        new_id,
        "review-accept",
        after=located.as_json_dict(),
        note=f"from review candidate {candidate_id} (document {row.document_id})",
    )
    log.flush()

    merge: MergeInfo | None = None
    if incident_id is not None:
        from nigehban.ingest.dedupe import merge_incident

        merge = merge_incident(
            connection,
            kept_incident_id=incident_id,
            merged_incident_id=new_id,
            score=chosen.score if chosen is not None else 0.0,
            components={
                **(chosen.components if chosen is not None else {}),
                "reasons": chosen.reasons if chosen is not None else ["chosen by the analyst; no field match"],
                "review_candidate": candidate_id,
            },
            method=METHOD,
            actor=actor,
            note=note,
        )
    final_id = incident_id if incident_id is not None else new_id
    _decide(
        connection,
        candidate_id,
        {
            "status": "accepted",
            "incident_id": final_id,
            "merge_id": None if merge is None else merge.id,
            "candidate": stored_candidate,
        },
        actor=actor,
        note=note,
    )
    decision = ChangeLogWriter(connection, actor=actor, merge_id=None if merge is None else merge.id)
    decision.add(
        "review_candidate",
        candidate_id,
        "accept",
        before={"status": "pending", **({"fields": before} if before else {})},
        after={
            "status": "accepted",
            "incident_id": final_id,
            "created_incident_id": new_id,
            **({"fields": after} if after else {}),
        },
        note=note,
    )
    decision.flush()
    return get_candidate(connection, candidate_id, matches=False)


def pending_count(connection: Connection) -> int:
    """How many candidates wait for a decision."""
    return int(
        connection.execute(
            select(func.count()).select_from(REVIEW_CANDIDATES).where(REVIEW_CANDIDATES.c.status == "pending")
        ).scalar_one()
    )
