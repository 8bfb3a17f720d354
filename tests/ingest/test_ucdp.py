"""UCDP import: GED, Candidate and UCDP-AEC layouts on synthetic files, and the real UCDP-AEC Pakistan file."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from nigehban import ImportFormatError, ImportRowError, IncidentFilter, Nigehban
from tests.helpers import FIXTURES, UCDP_AEC, RunCli, shared_data

GED_SAMPLE = FIXTURES / "ucdp_ged_synthetic.csv"
CANDIDATE_SAMPLE = FIXTURES / "ucdp_candidate_synthetic.csv"
ACLED_SAMPLE = FIXTURES / "acled_synthetic.csv"

AEC_HEADER = [
    "id",
    "source_article",
    "source_date",
    "deaths_side_a",
    "deaths_side_b",
    "deaths_civilian",
    "deaths_unknown",
    "deaths_low",
    "deaths_high",
    "side_a_name",
    "side_b_name",
    "location_root_name",
    "location_adm1_name",
    "location_adm2_name",
    "location_where_name",
    "start_date",
    "end_date",
    "split",
]
DEATH_COLUMNS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
AEC_DEATH_COLUMNS = ("deaths_side_a", "deaths_side_b", "deaths_civilian", "deaths_unknown")


def _by_key(app: Nigehban, dataset: str = "ucdp") -> dict[str, dict[str, Any]]:
    return {
        incident.sources[0].split(":", 1)[1]: incident.as_json_dict()
        for incident in app.incidents(IncidentFilter(dataset=dataset))
    }


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns or list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _variant(tmp_path: Path, changes: dict[tuple[int, str], str], name: str = "variant.csv") -> Path:
    rows = _read(GED_SAMPLE)
    for (index, column), value in changes.items():
        rows[index][column] = value
    return _write(tmp_path / name, rows)


def test_ged_deaths_are_split_by_side_for_each_kind_of_violence(app: Nigehban) -> None:
    report = app.import_ucdp(GED_SAMPLE)
    assert (report.rows_read, report.inserted, report.rejected, report.skipped) == (7, 7, 0, 0)
    events = _by_key(app)

    # one-sided: side A (TTP) attacked civilians; its own two dead are the attackers
    one_sided = events["900001"]
    assert one_sided["perpetrator"] == "Tehrik-i-Taliban Pakistan"
    assert (one_sided["killed"], one_sided["killed_perpetrators"], one_sided["killed_security"]) == (15, 2, None)
    assert one_sided["target_type"] == "private_citizens_property"

    # state-based, Government of Pakistan vs TTP: 4 soldiers + 2 civilians + 1 unknown are victims
    state = events["900002"]
    assert state["perpetrator"] == "Tehrik-i-Taliban Pakistan"
    assert (state["killed"], state["killed_perpetrators"], state["killed_security"]) == (7, 11, 4)
    assert state["target_type"] == "unknown"

    balochistan = events["900005"]
    assert balochistan["perpetrator"] == "Baloch Liberation Army"
    assert (balochistan["killed"], balochistan["killed_perpetrators"], balochistan["killed_security"]) == (3, 0, 3)

    # two governments: UCDP does not say which fired; everyone dead is a victim, both armies' dead are security
    interstate = events["900003"]
    assert interstate["perpetrator"] == "Unknown"
    assert (interstate["killed"], interstate["killed_perpetrators"], interstate["killed_security"]) == (5, None, 2)
    assert interstate["summary"] == "SYNTHETIC: cross-border firing"

    # non-state fighting: no attacker, both sides named in the summary (no headline in the file)
    non_state = events["900004"]
    assert non_state["perpetrator"] == "Unknown"
    assert (non_state["killed"], non_state["killed_perpetrators"], non_state["killed_security"]) == (5, None, None)
    assert non_state["summary"] == "UCDP non-state conflict: Lashkar-e-Islam vs Tawheed ul-Islam"

    # an Afghan event: kept, without a province; UCDP's "Taleban" is the Afghan Taliban
    abroad = events["900006"]
    assert abroad["province"] is None
    assert abroad["perpetrator"] == "Taliban"
    assert (abroad["killed"], abroad["killed_perpetrators"], abroad["killed_security"]) == (1, 6, 1)

    # whatever the kind, victims + attackers is UCDP's best estimate
    for row in _read(GED_SAMPLE):
        event = events[row["id"]]
        assert event["killed"] + (event["killed_perpetrators"] or 0) == int(row["best"])
        assert int(row["best"]) == sum(int(row[column]) for column in DEATH_COLUMNS)
        assert (event["attack_type"], event["weapon_type"]) == ("unknown", "unknown")


def test_ged_dates_places_and_precisions(app: Nigehban) -> None:
    app.import_ucdp(GED_SAMPLE)
    events = _by_key(app)
    # date_prec 1 -> day, 2 (a few days) / 3 (a week) / 4 (a month) -> month, 5 -> year; date = date_start
    assert [(events[key]["date"], events[key]["date_precision"]) for key in ("900001", "900003", "900005")] == [
        ("2013-09-22", "day"),
        ("2015-08-14", "month"),
        ("2016-02-08", "month"),
    ]
    assert (events["900002"]["date"], events["900002"]["date_precision"]) == ("2014-06-01", "month")
    assert (events["900006"]["date"], events["900006"]["date_precision"]) == ("2012-01-01", "year")
    # where_prec 1 -> town, 2-3 -> district, 4-5 -> province
    assert {key: events[key]["geo_precision"] for key in ("900001", "900002", "900003", "900004", "900006")} == {
        "900001": "town",
        "900002": "district",
        "900003": "district",
        "900004": "province",
        "900006": "province",
    }
    # province names of their day
    assert events["900001"]["province"] == "Khyber Pakhtunkhwa"  # "Khyber Pakhtunkhwa province"
    assert events["900002"]["province"] == "Khyber Pakhtunkhwa"  # "Federally Administered Tribal Areas"
    assert events["900003"]["province"] == "Azad Jammu and Kashmir"  # "Azad Jammu & Kashmir"
    assert events["900007"]["province"] == "Punjab"
    # the geocoded place name first, then the comment, then adm_2
    assert events["900002"]["place"] == "Miran Shah town"
    assert (events["900001"]["latitude"], events["900001"]["longitude"]) == (34.008, 71.578)


def test_the_government_may_be_on_either_side(sqlite_app: Nigehban, tmp_path: Path) -> None:
    swapped = _variant(
        tmp_path,
        {
            (1, "side_a"): "TTP",
            (1, "side_b"): "Government of Pakistan",
            (1, "deaths_a"): "11",
            (1, "deaths_b"): "4",
        },
    )
    sqlite_app.import_ucdp(swapped)
    event = _by_key(sqlite_app)["900002"]
    assert event["perpetrator"] == "Tehrik-i-Taliban Pakistan"
    assert (event["killed"], event["killed_perpetrators"], event["killed_security"]) == (7, 11, 4)


def test_candidate_events_import_and_carry_their_vetting_status(app: Nigehban) -> None:
    report = app.import_ucdp(CANDIDATE_SAMPLE, dataset="ucdp-candidate")
    assert (report.inserted, report.rejected) == (3, 0)
    events = _by_key(app, "ucdp-candidate")
    assert events["1240001"]["date"] == "2024-03-05"  # "2024-03-05 00:00:00.000"
    assert events["1240001"]["summary"] == "[UCDP code_status: Check deaths] SYNTHETIC: blast at a mosque (Candidate)"
    assert events["1240002"]["summary"] == "SYNTHETIC: raid on a hideout (Candidate)"  # Clear: no mark
    assert events["1240003"]["summary"] == (
        "[UCDP code_status: Check dyad] UCDP state-based conflict: Government of Pakistan vs BLA"
    )
    assert (events["1240003"]["killed"], events["1240003"]["killed_perpetrators"]) == (5, 2)


def _aec_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(AEC_HEADER, "")
    row.update(
        source_article="SYNTHETIC",
        source_date="2014-01-01 00:00:00",
        location_root_name="Pakistan",
        split="train",
        deaths_side_a="0",
        deaths_side_b="0",
        deaths_civilian="0",
        deaths_unknown="0",
    )
    row.update(values)
    return row


def test_aec_layout_infers_the_kind_of_violence_from_the_sides(app: Nigehban, tmp_path: Path) -> None:
    rows = [
        _aec_row(
            id="1",
            side_a_name="TTP",
            side_b_name="Civilians",
            deaths_side_a="1",
            deaths_civilian="9",
            deaths_unknown="2",
            location_adm1_name="Khyber Pakhtunkwa province",  # UCDP's spelling
            location_adm2_name="Peshawar district",
            location_where_name="Peshawar town",
            start_date="2014-01-05",
            end_date="2014-01-05",
        ),
        _aec_row(
            id="2",
            side_a_name="Government of Pakistan",
            side_b_name="TTP",
            deaths_side_a="3",
            deaths_side_b="8",
            location_adm1_name="Federally Administered Tribal Areas",
            location_adm2_name="North Waziristan",
            start_date="2014-02-01",
            end_date="2014-02-01",
        ),
        _aec_row(
            id="3",
            side_a_name="Government of India",
            side_b_name="Government of Pakistan",
            deaths_side_b="1",
            deaths_civilian="2",
            location_adm1_name="Azad Jammu & Kashmir",
            start_date="2014-03-01",
            end_date="2014-03-03",
        ),
        _aec_row(
            id="4",
            side_a_name="TTP-KM",
            side_b_name="TTP-SM",
            deaths_unknown="6",
            start_date="2014-04-01",
            end_date="2014-06-30",
        ),
    ]
    path = _write(tmp_path / "aec.csv", rows, AEC_HEADER)
    report = app.import_ucdp(path)
    assert (report.inserted, report.rejected) == (4, 0)
    events = _by_key(app)

    one_sided = events["1"]
    assert (one_sided["perpetrator"], one_sided["killed"], one_sided["killed_perpetrators"]) == (
        "Tehrik-i-Taliban Pakistan",
        11,
        1,
    )
    assert (one_sided["province"], one_sided["place"]) == ("Khyber Pakhtunkhwa", "Peshawar town")
    assert (one_sided["date"], one_sided["date_precision"]) == ("2014-01-05", "day")
    # no coordinates in this layout: the named town's, from the gazetteer
    assert (one_sided["latitude"], one_sided["geo_precision"]) == (34.008, "town")

    state = events["2"]
    assert (state["killed"], state["killed_perpetrators"], state["killed_security"]) == (3, 8, 3)
    assert (state["province"], state["place"]) == ("Khyber Pakhtunkhwa", "North Waziristan")

    interstate = events["3"]
    assert (interstate["perpetrator"], interstate["killed"], interstate["killed_perpetrators"]) == ("Unknown", 3, None)
    assert interstate["date_precision"] == "month"  # three days apart

    non_state = events["4"]
    assert (non_state["perpetrator"], non_state["killed"], non_state["province"]) == ("Unknown", 6, None)
    assert (non_state["date"], non_state["date_precision"]) == ("2014-04-01", "year")  # a span of three months
    assert non_state["summary"] == "UCDP non-state conflict: TTP-KM vs TTP-SM"


def test_reimport_changes_nothing_and_a_correction_updates_only_its_incident(app: Nigehban, tmp_path: Path) -> None:
    app.import_ucdp(GED_SAMPLE)
    before = {incident.id: incident.as_json_dict() for incident in app.incidents()}

    again = app.import_ucdp(GED_SAMPLE)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 7, 0)
    assert {incident.id: incident.as_json_dict() for incident in app.incidents()} == before

    # UCDP revises an event: two more soldiers died (deaths_a 4 -> 6, best 18 -> 20)
    corrected = _variant(tmp_path, {(1, "deaths_a"): "6", (1, "best"): "20"})
    report = app.import_ucdp(corrected)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 6)
    after = {incident.id: incident.as_json_dict() for incident in app.incidents()}
    changed = [incident_id for incident_id in before if before[incident_id] != after[incident_id]]
    assert len(changed) == 1
    history = app.incident(changed[0]).history
    assert history[-1]["action"] == "import-update"
    assert (history[-1]["before"], history[-1]["after"]) == (
        {"killed": 7, "killed_security": 4},
        {"killed": 9, "killed_security": 6},
    )


def test_bad_rows_are_rejected_naming_row_and_column(app: Nigehban, tmp_path: Path) -> None:
    bad = _variant(
        tmp_path,
        {
            (0, "date_start"): "2013-09-31",
            (2, "latitude"): "95",
            (3, "deaths_civilians"): "-1",
            (4, "date_end"): "2016-01-01",
            (6, "adm_1"): "Kabul province",
        },
    )
    rejects = tmp_path / "rejects.csv"
    report = app.import_ucdp(bad, rejects=rejects)
    assert (report.inserted, report.rejected) == (2, 5)
    assert report.accounted
    assert [(reject.row, reject.column) for reject in report.first_rejects] == [
        (2, "date_start"),
        (4, "latitude"),
        (5, "deaths_civilians"),
        (6, "date_end"),
        (8, "adm_1"),
    ]
    reasons = [reject.reason for reject in report.first_rejects]
    assert "'2013-09-31' is not a date" in reasons[0]
    assert "outside -90..90" in reasons[1]
    assert "'-1' is not a count" in reasons[2]
    assert "before date_start 2016-02-08" in reasons[3]
    assert "'Kabul province' is not a province or territory of Pakistan" in reasons[4]
    assert [row["id"] for row in _read(rejects)] == ["900001", "900003", "900004", "900005", "900007"]


def test_a_file_of_another_format_is_refused_naming_what_is_missing(app: Nigehban, tmp_path: Path) -> None:
    with pytest.raises(
        ImportFormatError,
        match=r"acled_synthetic\.csv: does not look like a UCDP GED or Candidate events CSV.*"
        r"missing required column\(s\) id, type_of_violence, side_a, side_b",
    ):
        app.import_ucdp(ACLED_SAMPLE)
    # close to the AEC layout: its missing columns are named
    almost_aec = tmp_path / "almost_aec.csv"
    almost_aec.write_text(",".join(column for column in AEC_HEADER if column != "end_date") + "\n")
    with pytest.raises(ImportFormatError, match=r"UCDP-AEC events CSV: missing required column\(s\) end_date$"):
        app.import_ucdp(almost_aec)
    assert app.batches() == []


def test_strict_stops_at_the_first_bad_row_and_writes_nothing(app: Nigehban, tmp_path: Path) -> None:
    bad = _variant(tmp_path, {(3, "type_of_violence"): "4"})
    with pytest.raises(ImportRowError) as error:
        app.import_ucdp(bad, strict=True)
    assert (error.value.row, error.value.column) == (5, "type_of_violence")
    assert str(bad) in str(error.value)
    assert app.incidents() == []
    assert app.batches() == []


def test_cli_imports_and_exits_3_on_rejects(run_cli: RunCli, database_url: str, tmp_path: Path) -> None:
    result = run_cli("--db", database_url, "import", "ucdp", str(GED_SAMPLE))
    assert result.exit_code == 0, result
    assert "7 new" in result.stderr

    bad = _variant(tmp_path, {(2, "where_prec"): "9"}, name="bad.csv")
    rejects = tmp_path / "rejects.csv"
    result = run_cli("--db", database_url, "import", "ucdp", str(bad), "--dataset", "ucdp-2", "--rejects", str(rejects))
    assert result.exit_code == 3, result
    assert f"{bad}: row 4, column 'where_prec': '9' is not a UCDP location precision" in result.stderr
    assert [row["_row"] for row in _read(rejects)] == ["4"]


@pytest.mark.data
def test_real_ucdp_aec_pakistan_events_import_every_row(app: Nigehban) -> None:
    path = shared_data(UCDP_AEC)
    rows = _read(path)

    report = app.import_ucdp(path)
    assert report.rows_read == len(rows) == 376
    assert report.accounted
    assert (report.inserted, report.rejected, report.skipped) == (376, 0, 0), report.first_rejects

    events = _by_key(app)
    assert set(events) == {row["id"] for row in rows}

    # every death UCDP counts is a victim or an attacker, none lost or counted twice
    file_total = sum(int(row[column]) for row in rows for column in AEC_DEATH_COLUMNS)
    victims = sum(event["killed"] for event in events.values())
    attackers = sum(event["killed_perpetrators"] or 0 for event in events.values())
    assert victims + attackers == file_total

    # side by side with the file: one-sided attackers are side A's dead; Pakistan's forces are security
    for row in rows:
        event = events[row["id"]]
        if row["side_b_name"] == "Civilians":
            assert event["killed_perpetrators"] == int(row["deaths_side_a"])
        elif row["side_a_name"] == "Government of Pakistan" and not row["side_b_name"].startswith("Government of"):
            assert event["killed_security"] == int(row["deaths_side_a"])
            assert event["killed_perpetrators"] == int(row["deaths_side_b"])
    ttp_attacks = sum(
        1
        for row in rows
        if "TTP" in (row["side_a_name"], row["side_b_name"])
        and (row["side_b_name"] == "Civilians" or row["side_a_name"].startswith("Government of"))
    )
    assert Counter(event["perpetrator"] for event in events.values())["Tehrik-i-Taliban Pakistan"] == ttp_attacks

    # provinces: FATA and UCDP's "Khyber Pakhtunkwa province" are Khyber Pakhtunkhwa
    provinces = Counter(event["province"] for event in events.values())
    legacy = {"Federally Administered Tribal Areas", "Khyber Pakhtunkwa province"}
    stated_kp = sum(1 for row in rows if row["location_adm1_name"] in legacy)
    no_province = sum(1 for row in rows if not row["location_adm1_name"])
    # events without adm_1 but with a place the gazetteer knows get that place's province
    placed_by_name = sum(
        1 for row in rows if not row["location_adm1_name"] and events[row["id"]]["province"] is not None
    )
    assert provinces["Khyber Pakhtunkhwa"] >= stated_kp
    assert provinces[None] == no_province - placed_by_name
    assert sum(provinces.values()) == len(rows)

    # a day where the event has one date, else the month
    same_day = sum(1 for row in rows if row["start_date"] == row["end_date"])
    assert Counter(event["date_precision"] for event in events.values()) == {
        "day": same_day,
        "month": len(rows) - same_day,
    }
    assert min(dt.date.fromisoformat(event["date"]) for event in events.values()) == min(
        dt.date.fromisoformat(row["start_date"]) for row in rows
    )

    again = app.import_ucdp(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 376)
