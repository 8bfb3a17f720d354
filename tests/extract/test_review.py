"""The review queue: queueing extractions, showing evidence and matches, accepting, editing, rejecting.

Documents are invented; the stored incidents come from the synthetic agency register in tests/fixtures.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from nigehban import Nigehban
from nigehban.errors import IncidentNotFound, InvalidFieldValue
from nigehban.extract.candidate import Candidate, Document, Evidence, Extraction, FieldValue
from nigehban.extract.review import CandidateAlreadyDecided, ReviewError, ReviewNotFound
from nigehban.ingest.dedupe import merge_incident
from nigehban.store.changelog import history
from nigehban.store.schema import SOURCES
from tests.helpers import FIXTURES

TEXT = (
    "PESHAWAR: A bomb planted near the gate of the Cantt police station went off on Thursday morning, "
    "killing five policemen and injuring eleven people, officials said."
)


def _field(value: object, phrase: str | None, confidence: float = 0.9) -> FieldValue:
    if phrase is None:
        return FieldValue(value, confidence)
    start = TEXT.index(phrase)
    return FieldValue(value, confidence, Evidence(start, start + len(phrase), phrase))


def _peshawar(document_id: str = "dawn-1") -> tuple[Document, Extraction]:
    """An invented independent report of the register's KP-001/2024 (2024-01-03, 4 killed, 12 wounded)."""
    document = Document(id=document_id, text=TEXT, published=dt.date(2024, 1, 5), source="invented.jsonl:1")
    candidate = Candidate(
        {
            "date": _field(dt.date(2024, 1, 4), "on Thursday morning", 0.8),
            "province": _field("Khyber Pakhtunkhwa", "PESHAWAR"),
            "district": _field("Peshawar", "PESHAWAR"),
            "attack_type": _field("bombing", "A bomb"),
            "target_type": _field("police", "police station"),
            "weapon_type": _field("explosives", "A bomb"),
            "suicide": _field(False, None, 0.7),
            "killed": _field(5, "killing five policemen"),
            "killed_security": _field(5, "five policemen"),
            "wounded": _field(11, "injuring eleven people"),
        },
        0.9,
    )
    return document, Extraction(document_id, is_attack=True, attack_confidence=0.95, incidents=[candidate])


@pytest.fixture
def register(app: Nigehban) -> dict[str, int]:
    app.import_csv(FIXTURES / "agency_register_synthetic.csv", mapping=FIXTURES / "agency_register.toml")
    return {incident.sources[0].removeprefix("ctd-register:"): incident.id for incident in app.incidents()}


def test_documents_without_an_attack_are_not_queued(app: Nigehban) -> None:
    quiet = Document(id="weather", text="Rain is expected in Peshawar on Friday.")
    report = app.review_add([_peshawar(), (quiet, Extraction("weather", is_attack=False, attack_confidence=0.9))])
    assert (report.documents, report.attacks, report.not_attacks, report.queued) == (2, 1, 1, 1)
    (item,) = app.review_list()
    assert item.document_id == "dawn-1"
    assert item.kind == "incident"
    assert item.document_text is None  # the list leaves the text out
    with pytest.raises(InvalidFieldValue, match="status"):
        app.review_list(status="maybe")


def test_show_gives_the_evidence_and_the_ranked_matches(app: Nigehban, register: dict[str, int]) -> None:
    (candidate_id,) = app.review_add([_peshawar()]).ids
    item = app.review_show(candidate_id)
    assert item.document_text == TEXT
    killed = item.fields["killed"]
    start, end = killed["evidence"]["start"], killed["evidence"]["end"]
    assert TEXT[start:end] == "killing five policemen"
    assert item.matches[0].incident_id == register["KP-001/2024"]
    assert item.matches[0].score >= 0.8
    with pytest.raises(ReviewNotFound):
        app.review_show(candidate_id + 100)


def test_accept_as_new_incident_with_the_document_as_source(app: Nigehban) -> None:
    (candidate_id,) = app.review_add([_peshawar()]).ids
    item = app.review_accept(candidate_id, changes={"killed": "6"}, note="toll updated next day")
    assert item.status == "accepted"
    assert item.decided_by == "test-analyst"
    assert item.value("killed") == 6
    incident = app.incident(item.incident_id or 0)
    assert incident.sources == ["reports:dawn-1"]
    record = incident.record
    assert (record.date, record.district, record.attack_type, record.killed, record.wounded) == (
        dt.date(2024, 1, 4),
        "Peshawar",
        "bombing",
        6,
        11,
    )
    (source,) = incident.source_records
    assert source.payload["text"] == TEXT
    assert json.loads(source.payload["candidate"])["fields"]["killed"]["value"] == 6
    assert len(source.content_hash) == 40
    with app.engine.connect() as connection:
        log = history(connection, "review_candidate", candidate_id)
    assert [entry["action"] for entry in log] == ["queue", "accept"]
    assert log[1]["before"] == {"status": "pending", "fields": {"killed": 5}}
    assert log[1]["after"]["fields"] == {"killed": 6}
    assert log[1]["note"] == "toll updated next day"
    with pytest.raises(CandidateAlreadyDecided, match="already accepted by test-analyst"):
        app.review_accept(candidate_id)
    with pytest.raises(CandidateAlreadyDecided):
        app.review_reject(candidate_id)


def test_accept_into_the_best_match_fills_only_empty_fields(app: Nigehban, register: dict[str, int]) -> None:
    stored_id = register["KP-001/2024"]
    before = app.incident(stored_id).record
    assert before.suicide is None
    assert before.killed == 4
    (candidate_id,) = app.review_add([_peshawar()]).ids
    item = app.review_accept(candidate_id, match="best")
    assert item.incident_id == stored_id
    after = app.incident(stored_id)
    assert sorted(after.sources) == ["ctd-register:KP-001/2024", "reports:dawn-1"]
    assert after.record.killed == 4  # the stored toll stays
    assert after.record.suicide is False  # empty before: filled from the report
    assert after.record.killed_security == 5
    (merge,) = app.merges(incident_id=stored_id)
    assert merge.id == item.merge_id
    assert merge.method == "review-accept"
    assert merge.score >= 0.8
    assert merge.filled_fields["suicide"] == [None, False]
    assert "killed" not in merge.filled_fields
    # the merge is undone as any other: the stored incident is as it was, the report its own incident
    app.undo_merge(merge.id or 0)
    restored = app.incident(stored_id)
    assert restored.sources == ["ctd-register:KP-001/2024"]
    assert restored.record.suicide is None


def test_accept_into_a_named_incident_and_the_same_document_twice(app: Nigehban, register: dict[str, int]) -> None:
    first, second = app.review_add([_peshawar(), _peshawar()]).ids
    item = app.review_accept(first, incident_id=register["KP-001/2024"])
    assert item.incident_id == register["KP-001/2024"]
    with pytest.raises(ReviewError, match="already the source record"):
        app.review_accept(second)
    assert app.review_show(second).status == "pending"  # nothing of the refused decision was kept
    with pytest.raises(IncidentNotFound):
        app.review_accept(second, incident_id=9999)
    with app.engine.begin() as connection:  # an analyst decided two register rows are one attack
        merge_incident(
            connection,
            kept_incident_id=register["KP-001/2024"],
            merged_incident_id=register["KP-002/2024"],
            score=1.0,
            components={},
            method="test",
            actor="test-analyst",
        )
    with pytest.raises(ReviewError, match=f"merged into incident {register['KP-001/2024']}: accept into that one"):
        app.review_accept(second, incident_id=register["KP-002/2024"])
    with app.engine.connect() as connection:
        keys = connection.execute(select(SOURCES.c.key).where(SOURCES.c.dataset == "reports")).scalars().all()
    assert keys == ["dawn-1"]


def test_edit_is_checked_against_the_vocabularies_and_logged(app: Nigehban) -> None:
    (candidate_id,) = app.review_add([_peshawar()]).ids
    with pytest.raises(InvalidFieldValue, match="attack_type"):
        app.review_edit(candidate_id, {"attack_type": "drone strike"})
    with pytest.raises(InvalidFieldValue, match="not a field"):
        app.review_edit(candidate_id, {"colour": "red"})
    with pytest.raises(InvalidFieldValue, match="province"):
        app.review_edit(candidate_id, {"province": "Atlantis"})
    item = app.review_edit(candidate_id, {"province": "KPK", "perpetrator": "TTP", "wounded": ""})
    assert item.value("province") == "Khyber Pakhtunkhwa"
    assert item.value("perpetrator") == "Tehrik-i-Taliban Pakistan"
    assert item.value("wounded") is None
    assert item.fields["perpetrator"]["evidence"] is None
    assert item.fields["perpetrator"]["confidence"] == 1.0
    with app.engine.connect() as connection:
        (_, edit) = history(connection, "review_candidate", candidate_id)
    assert edit["action"] == "edit"
    assert edit["before"] == {"perpetrator": None, "wounded": 11}
    assert edit["after"] == {"perpetrator": "Tehrik-i-Taliban Pakistan", "wounded": None}


def test_reject_and_a_candidate_without_a_date(app: Nigehban) -> None:
    document = Document(id="undated", text="Gunmen shot dead two men in Quetta.")
    candidate = Candidate({"province": FieldValue("Balochistan", 0.9), "killed": FieldValue(2, 0.9)}, 0.7)
    (undated,) = app.review_add([(document, Extraction("undated", True, 0.9, incidents=[candidate]))]).ids
    with pytest.raises(ReviewError, match="no date"):
        app.review_accept(undated)
    with pytest.raises(ReviewError, match="no stored incident matches"):
        app.review_accept(undated, changes={"date": "2024-03-01"}, match="best")
    item = app.review_reject(undated, note="duplicate of a wire story")
    assert (item.status, item.note) == ("rejected", "duplicate of a wire story")
    assert [i.id for i in app.review_list(status="rejected")] == [undated]
    assert app.review_list() == []
    with pytest.raises(CandidateAlreadyDecided, match="already rejected"):
        app.review_edit(undated, {"killed": 3})


def test_extract_into_review_queues_attack_reports(app: Nigehban, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [
        {
            "id": "n1",
            "text": "QUETTA: Two policemen were killed and five people injured when a bomb exploded in Quetta "
            "late last night.",
            "published": "2013-05-02",
        },
        {"id": "n2", "text": "The provincial cabinet met in Quetta to discuss the budget.", "published": "2013-05-02"},
        {"id": "n3"},
    ]
    feed.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    report = app.extract([feed], into_review=True)
    assert report.output == "review queue"
    assert (report.documents, report.attacks, report.incidents) == (3, 1, 1)
    assert len(report.problems) == 1
    assert report.warnings == app.extraction_warnings()  # an empty store: no district for anyone
    assert "no district boundaries" in report.warnings[0]
    (item,) = app.review_list()
    assert item.document_id == "n1"
    assert item.value("date") == dt.date(2013, 5, 1)
    assert item.value("killed") == 2
    accepted = app.review_accept(item.id)
    assert app.incident(accepted.incident_id or 0).record.province == "Balochistan"
