"""The change log: every analyst edit kept with who, when, before, after; the database refuses rewrites."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nigehban import IncidentNotFound, InvalidFieldValue, Nigehban
from tests.helpers import FIXTURES


def _first(app: Nigehban) -> int:
    app.import_gtd(FIXTURES / "gtd_synthetic_sample.csv")
    return app.incidents()[0].id


def test_an_edit_is_logged_with_who_when_before_after(app: Nigehban) -> None:
    incident_id = _first(app)
    before = app.incident(incident_id).record
    updated = app.update_incident(
        incident_id, {"killed": "7", "province": "NWFP", "perpetrator": "TTP"}, note="CTD report 12/2013"
    )
    assert (updated.record.killed, updated.record.province) == (7, "Khyber Pakhtunkhwa")
    (entry,) = updated.history
    assert entry["actor"] == "test-analyst"
    assert entry["action"] == "edit"
    assert entry["note"] == "CTD report 12/2013"
    assert entry["before"] == {"killed": before.killed}  # unchanged fields are not logged
    assert entry["after"] == {"killed": 7}
    assert entry["at"]


def test_an_edit_that_changes_nothing_is_not_logged(app: Nigehban) -> None:
    incident_id = _first(app)
    record = app.incident(incident_id).record
    app.update_incident(incident_id, {"attack_type": record.attack_type})
    assert app.incident(incident_id).history == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"attack_type": "blast"}, "attack_type"),
        ({"killed": "-1"}, "killed"),
        ({"latitude": "95", "longitude": "70"}, "latitude"),
        ({"date": "yesterday"}, "date"),
        ({"colour": "red"}, "colour"),
        ({"province": "Kabul"}, "province"),
    ],
)
def test_invalid_edits_are_refused_and_change_nothing(app: Nigehban, changes: dict[str, str], field: str) -> None:
    incident_id = _first(app)
    before = app.incident(incident_id).as_json_dict()
    with pytest.raises(InvalidFieldValue) as error:
        app.update_incident(incident_id, changes)
    assert error.value.field == field
    assert app.incident(incident_id).as_json_dict() == before


def test_unknown_incident(app: Nigehban) -> None:
    with pytest.raises(IncidentNotFound, match="no incident with id 999"):
        app.update_incident(999, {"killed": "1"})


def test_the_database_refuses_to_rewrite_history(app: Nigehban) -> None:
    incident_id = _first(app)
    app.update_incident(incident_id, {"killed": "9"})
    for statement in ("update change_log set actor = 'someone else'", "delete from change_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), app.engine.begin() as connection:
            connection.execute(sa.text(statement))
    assert app.incident(incident_id).history[0]["actor"] == "test-analyst"
