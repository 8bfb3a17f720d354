"""Audits: start, save and resume, evidence and GPS, completion, comparison with the last audit, refusals."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from nigehban import Nigehban
from nigehban.security.audits import AnswerInput, AuditError, read_answers_csv
from nigehban.security.checklist import AnswerOutOfScale, UnknownChecklistItem
from nigehban.security.facilities import FacilityInput
from nigehban.store.changelog import history


@pytest.fixture
def station(app: Nigehban) -> Nigehban:
    app.add_facility(
        FacilityInput(
            code="PS-1",
            name="SYNTHETIC Saddar PS",
            facility_type="police_station",
            district="Peshawar",
            province="Khyber Pakhtunkhwa",
        )
    )
    app.add_facility(
        FacilityInput(code="CP-1", name="SYNTHETIC check-post", facility_type="check_post", district="Bannu")
    )
    return app


def _all_answers(app: Nigehban, facility_type: str, level: int) -> dict[str, AnswerInput]:
    return {
        item.id: AnswerInput(answer=min(level, item.scale.max_level))
        for item in app.checklist().items_for(facility_type)
    }


def test_an_audit_is_saved_resumed_completed_and_compared(station: Nigehban, tmp_path: Path) -> None:
    photo = tmp_path / "rear-wall.jpg"
    photo.write_bytes(b"SYNTHETIC photo bytes")
    first = station.audit_start("PS-1", auditor="SYNTHETIC Inspector", audit_date=dt.date(2023, 2, 1))
    assert first.status == "in_progress"
    first = station.audit_answer(
        first.id,
        {"perimeter.rear_side_watched": AnswerInput(answer=0, note="no post on the rear wall", evidence=(photo,))},
        latitude=34.01,
        longitude=71.58,
    )
    entry = first.answers["perimeter.rear_side_watched"]
    assert entry["answer"] == 0
    assert entry["note"] == "no post on the rear wall"
    assert entry["evidence"][0]["sha256"] == hashlib.sha256(b"SYNTHETIC photo bytes").hexdigest()
    assert (first.latitude, first.longitude) == (34.01, 71.58)
    # a second sitting: the audit resumes where it was, answers accumulate
    with pytest.raises(AuditError, match="in progress"):
        station.audit_start("PS-1", auditor="someone else")
    rest = _all_answers(station, "police_station", 1)
    rest.pop("perimeter.rear_side_watched")
    first = station.audit_answer(first.id, rest)
    assert first.answers["perimeter.rear_side_watched"]["evidence"], "a later sitting keeps the photographs"
    assert station.audit_complete(first.id).status == "completed"
    with pytest.raises(AuditError, match="completed"):
        station.audit_answer(first.id, {"perimeter.wall_height": AnswerInput(answer=2)})

    second = station.audit_start("PS-1", auditor="SYNTHETIC Inspector", audit_date=dt.date(2024, 2, 1))
    better = _all_answers(station, "police_station", 4)
    better["access.visitor_registration"] = AnswerInput(answer=0)
    station.audit_answer(second.id, better)
    station.audit_complete(second.id)
    comparison = station.audit_compare(second.id)
    assert comparison.previous_id == first.id
    directions = {change.item_id: change.direction for change in comparison.changes}
    assert directions["perimeter.rear_side_watched"] == "better"
    assert directions["access.visitor_registration"] == "worse"
    for scenario, now in comparison.vulnerability.items():
        assert comparison.previous_vulnerability is not None
        assert now.value < comparison.previous_vulnerability[scenario].value
    with station.engine.connect() as connection:
        actions = [entry["action"] for entry in history(connection, "audit", second.id)]
    assert actions == ["start", "answer", "complete"]


def test_one_bad_answer_saves_none(station: Nigehban) -> None:
    audit = station.audit_start("PS-1", auditor="SYNTHETIC Inspector")
    with pytest.raises(AnswerOutOfScale, match=r"perimeter\.wall_height"):
        station.audit_answer(
            audit.id,
            {"perimeter.anti_climb_topping": AnswerInput(answer=2), "perimeter.wall_height": AnswerInput(answer=9)},
        )
    with pytest.raises(UnknownChecklistItem):
        station.audit_answer(audit.id, {"perimeter.moat": AnswerInput(answer=1)})
    with pytest.raises(AuditError, match="evidence file"):
        station.audit_answer(
            audit.id, {"perimeter.wall_height": AnswerInput(answer=2, evidence=("/nonexistent/photo.jpg",))}
        )
    # the safe-room item does not apply to check-posts
    post = station.audit_start("CP-1", auditor="SYNTHETIC Inspector")
    with pytest.raises(AuditError, match="does not apply"):
        station.audit_answer(post.id, {"safe_rooms.safe_room": AnswerInput(answer=1)})
    assert station.audit(audit.id).answers == {}
    assert station.audit(post.id).answers == {}


def test_completion_waits_for_every_item_unless_told(station: Nigehban) -> None:
    audit = station.audit_start("PS-1", auditor="SYNTHETIC Inspector")
    station.audit_answer(audit.id, {"perimeter.wall_height": AnswerInput(answer=2)})
    with pytest.raises(AuditError, match="unanswered"):
        station.audit_complete(audit.id)
    done = station.audit_complete(audit.id, allow_unanswered=True)
    assert done.status == "completed"
    scores = station.audit_compare(done.id).vulnerability
    # one answered item of many: the interval is nearly the whole scale
    assert all(score.high - score.low > 8 for score in scores.values())


def test_answers_from_a_csv_name_the_row(station: Nigehban, tmp_path: Path) -> None:
    good = tmp_path / "answers.csv"
    good.write_text("item,answer,note\nperimeter.wall_height,3,\narmoury.secured,na,no armoury here\n")
    answers = read_answers_csv(good, checklist=station.checklist())
    assert answers["perimeter.wall_height"].answer == 3
    assert answers["armoury.secured"].answer == "na"
    bad = tmp_path / "bad.csv"
    bad.write_text("item,answer\nperimeter.wall_height,3\nperimeter.anti_climb_topping,five\n")
    with pytest.raises(AuditError, match=r"bad.csv: row 2, answer"):
        read_answers_csv(bad, checklist=station.checklist())
    scale = tmp_path / "scale.csv"
    scale.write_text("item,answer\nperimeter.wall_height,3\nperimeter.anti_climb_topping,7\n")
    with pytest.raises(AuditError, match=r"scale.csv: row 2"):
        read_answers_csv(scale, checklist=station.checklist())
