"""ACLED import: scope (what imports, what is skipped and why), mapping rules, export styles, on a synthetic file."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from nigehban import ImportFormatError, ImportRowError, IncidentFilter, Nigehban
from tests.helpers import FIXTURES, RunCli

SAMPLE = FIXTURES / "acled_synthetic.csv"
UCDP_SAMPLE = FIXTURES / "ucdp_ged_synthetic.csv"


def _by_key(app: Nigehban, dataset: str = "acled") -> dict[str, dict[str, Any]]:
    return {
        incident.sources[0].split(":", 1)[1]: incident.as_json_dict()
        for incident in app.incidents(IncidentFilter(dataset=dataset))
    }


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _variant(tmp_path: Path, changes: dict[tuple[int, str], str], name: str = "variant.csv") -> Path:
    rows = _read(SAMPLE)
    for (index, column), value in changes.items():
        rows[index][column] = value
    return _write(tmp_path / name, rows)


def test_protests_riots_and_strategic_developments_are_skipped_with_their_reason(app: Nigehban, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    report = app.import_acled(SAMPLE, rejects=rejects)
    assert (report.rows_read, report.inserted, report.rejected, report.skipped) == (9, 6, 0, 3)
    assert report.accounted
    skipped = report.first_rejects
    assert [(reject.kind, reject.row, reject.column) for reject in skipped] == [
        ("skipped", 5, "event_type"),
        ("skipped", 6, "event_type"),
        ("skipped", 7, "event_type"),
    ]
    assert "'Protests' (Peaceful protest)" in skipped[0].reason
    assert "'Riots' (Mob violence)" in skipped[1].reason
    assert "'Strategic developments' (Disrupted weapons use)" in skipped[2].reason
    # kept in the rejects file, with the reason, for whoever tracks them
    kept = _read(rejects)
    assert [(row["event_id_cnty"], row["_column"]) for row in kept] == [
        ("PAK90004", "event_type"),
        ("PAK90005", "event_type"),
        ("PAK90006", "event_type"),
    ]
    assert kept[1]["_reason"] == skipped[1].reason
    assert set(_by_key(app)) == {"PAK90001", "PAK90002", "PAK90003", "PAK90007", "PAK90008", "AFG90009"}
    (batch,) = app.batches()
    assert (batch.rows_inserted, batch.rows_skipped, batch.rows_rejected) == (6, 3, 0)


def test_sub_event_types_and_actors_map_onto_the_record(app: Nigehban) -> None:
    app.import_acled(SAMPLE)
    events = _by_key(app)

    suicide = events["PAK90001"]
    assert (suicide["attack_type"], suicide["weapon_type"], suicide["suicide"]) == ("bombing", "explosives", True)
    assert suicide["perpetrator"] == "Tehrik-i-Taliban Pakistan"  # "TTP: Tehreek-i-Taliban Pakistan"
    assert (suicide["target_type"], suicide["target_detail"]) == ("police", "Police Forces of Pakistan (2022-)")
    # ACLED does not separate attackers from victims
    assert (suicide["killed"], suicide["killed_perpetrators"], suicide["killed_security"]) == (12, None, None)
    assert suicide["wounded"] is None
    assert suicide["summary"] == "SYNTHETIC: a suicide bomber struck a police compound."
    assert (suicide["place"], suicide["province"], suicide["geo_precision"]) == (
        "Peshawar",
        "Khyber Pakhtunkhwa",
        "town",
    )

    abduction = events["PAK90002"]
    assert (abduction["attack_type"], abduction["weapon_type"], abduction["suicide"]) == ("kidnapping", "unknown", None)
    assert abduction["perpetrator"] == "Baloch Liberation Army"
    assert abduction["target_type"] == "private_citizens_property"
    assert abduction["target_detail"] == "Civilians (Pakistan); Labourers (Pakistan)"
    assert (abduction["killed"], abduction["geo_precision"]) == (0, "district")

    # state forces as actor 1: a state operation, the militants are the target
    clash = events["PAK90003"]
    assert (clash["attack_type"], clash["weapon_type"]) == ("armed_assault", "unknown")
    assert clash["perpetrator"] == "Military Forces of Pakistan"  # period suffix dropped
    assert clash["target_type"] == "terrorists_non_state_militia"

    ied = events["PAK90007"]
    assert (ied["attack_type"], ied["weapon_type"], ied["suicide"]) == ("bombing", "explosives", False)
    assert ied["perpetrator"] == "Unknown"  # "Unidentified Armed Group (Pakistan)"
    assert ied["target_type"] == "private_citizens_property"  # no actor 2, civilian targeting
    assert ied["geo_precision"] == "province"

    grenade = events["PAK90008"]
    assert (grenade["attack_type"], grenade["target_type"]) == ("bombing", "military")
    assert grenade["province"] == "Khyber Pakhtunkhwa"  # "Federally Administered Tribal Areas"

    strike = events["AFG90009"]
    assert (strike["attack_type"], strike["weapon_type"]) == ("bombing", "explosives")
    assert strike["province"] is None  # Afghanistan: kept, without a province
    assert strike["perpetrator"] == "Military Forces of Pakistan"
    assert strike["killed"] == 8


def test_dates_in_every_export_style(sqlite_app: Nigehban) -> None:
    sqlite_app.import_acled(SAMPLE)
    events = _by_key(sqlite_app)
    assert {key: (event["date"], event["date_precision"]) for key, event in events.items()} == {
        "PAK90001": ("2023-01-30", "day"),  # 2023-01-30
        "PAK90002": ("2023-02-05", "month"),  # 5 February 2023, time_precision 2 (a week)
        "PAK90003": ("2023-03-12", "day"),  # 12-March-2023
        "PAK90007": ("2023-05-15", "month"),  # time_precision 3: ACLED's mid-month date is kept
        "PAK90008": ("2017-06-20", "day"),  # 20 Jun 2017
        "AFG90009": ("2023-06-01", "day"),
    }


def test_an_older_export_with_numeric_actor_codes_maps_the_same(sqlite_app: Nigehban, tmp_path: Path) -> None:
    codes = {
        "State forces": "1",
        "Rebel group": "2",
        "Political militia": "3",
        "Rioters": "5",
        "Protesters": "6",
        "Civilians": "7",
        "External/Other forces": "8",
        "": "0",
    }
    older = []
    for number, row in enumerate(_read(SAMPLE), start=1):
        inter1, inter2 = codes[row["inter1"]], codes[row["inter2"]]
        date = row["event_date"]
        if date[:4].isdigit():  # ISO -> the older "30-January-2023" style
            date = dt.date.fromisoformat(date).strftime("%d-%B-%Y")
        older.append(
            {
                "data_id": str(10000 + number),
                "iso": row["iso"],
                "event_id_cnty": row["event_id_cnty"],
                "event_id_no_cnty": str(number),
                "event_date": date,
                **{column: row[column] for column in row if column not in {"iso", "event_id_cnty", "event_date"}},
                "inter1": inter1,
                "inter2": inter2,
                "interaction": "".join(sorted(code for code in (inter1, inter2) if code != "0")) or "0",
            }
        )
    path = _write(tmp_path / "older.csv", older)

    current = sqlite_app.import_acled(SAMPLE, dataset="acled-current")
    previous = sqlite_app.import_acled(path, dataset="acled-older")
    assert (previous.inserted, previous.skipped, previous.rejected) == (current.inserted, current.skipped, 0)

    def fields(dataset: str) -> dict[str, dict[str, Any]]:
        return {
            key: {name: value for name, value in event.items() if name not in {"id", "sources"}}
            for key, event in _by_key(sqlite_app, dataset).items()
        }

    assert fields("acled-older") == fields("acled-current")


def test_reimport_changes_nothing_and_a_correction_updates_only_its_incident(app: Nigehban, tmp_path: Path) -> None:
    app.import_acled(SAMPLE)
    before = {incident.id: incident.as_json_dict() for incident in app.incidents()}

    again = app.import_acled(SAMPLE)
    assert (again.inserted, again.updated, again.unchanged, again.skipped) == (0, 0, 6, 3)
    assert {incident.id: incident.as_json_dict() for incident in app.incidents()} == before

    # ACLED revises a fatality count
    report = app.import_acled(_variant(tmp_path, {(2, "fatalities"): "7"}))
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 5)
    after = {incident.id: incident.as_json_dict() for incident in app.incidents()}
    changed = [incident_id for incident_id in before if before[incident_id] != after[incident_id]]
    assert len(changed) == 1
    assert after[changed[0]]["sources"] == ["acled:PAK90003"]
    history = app.incident(changed[0]).history
    assert (history[-1]["action"], history[-1]["before"], history[-1]["after"]) == (
        "import-update",
        {"killed": 6},
        {"killed": 7},
    )


def test_bad_rows_are_rejected_naming_row_and_column(app: Nigehban, tmp_path: Path) -> None:
    bad = _variant(
        tmp_path,
        {
            (0, "latitude"): "north",
            (2, "fatalities"): "-2",
            (6, "event_date"): "31 February 2023",
            (7, "event_type"): "Parade",
        },
    )
    rejects = tmp_path / "rejects.csv"
    report = app.import_acled(bad, rejects=rejects)
    assert (report.inserted, report.rejected, report.skipped) == (2, 4, 3)
    assert report.accounted
    rejected = [reject for reject in report.first_rejects if reject.kind == "rejected"]
    assert [(reject.row, reject.column) for reject in rejected] == [
        (2, "latitude"),
        (4, "fatalities"),
        (8, "event_date"),
        (9, "event_type"),
    ]
    assert "'north' is not a number" in rejected[0].reason
    assert "'-2' is not a count" in rejected[1].reason
    assert "'31 February 2023' is not a date" in rejected[2].reason
    assert "'Parade' is not an ACLED event type" in rejected[3].reason
    kept = _read(rejects)
    assert [(row["event_id_cnty"], row["_column"]) for row in kept] == [
        ("PAK90001", "latitude"),
        ("PAK90003", "fatalities"),
        ("PAK90004", "event_type"),
        ("PAK90005", "event_type"),
        ("PAK90006", "event_type"),
        ("PAK90007", "event_date"),
        ("PAK90008", "event_type"),
    ]


def test_a_file_of_another_format_is_refused_naming_what_is_missing(app: Nigehban) -> None:
    with pytest.raises(
        ImportFormatError,
        match=r"ucdp_ged_synthetic\.csv: does not look like an ACLED export.*"
        r"missing required column\(s\) event_id_cnty, event_date, event_type, sub_event_type, actor1, actor2, "
        r"admin1, location, fatalities$",
    ):
        app.import_acled(UCDP_SAMPLE)
    assert app.batches() == []


def test_strict_stops_at_a_bad_row_but_not_at_a_skipped_one(app: Nigehban, tmp_path: Path) -> None:
    bad = _variant(tmp_path, {(7, "geo_precision"): "4"})
    with pytest.raises(ImportRowError) as error:
        app.import_acled(bad, strict=True)
    assert (error.value.row, error.value.column) == (9, "geo_precision")
    assert app.incidents() == []
    assert app.batches() == []

    report = app.import_acled(SAMPLE, strict=True)
    assert (report.inserted, report.skipped, report.rejected) == (6, 3, 0)


def test_cli_exits_0_with_skipped_rows_and_3_with_rejected_ones(
    run_cli: RunCli, database_url: str, tmp_path: Path
) -> None:
    result = run_cli("--db", database_url, "import", "acled", str(SAMPLE))
    assert result.exit_code == 0, result
    assert "6 new" in result.stderr
    assert "3 skipped" in result.stderr
    assert "skipped: " in result.stderr
    assert "'Riots' (Mob violence)" in result.stderr

    bad = _variant(tmp_path, {(1, "time_precision"): "7"}, name="bad.csv")
    result = run_cli("--db", database_url, "import", "acled", str(bad), "--dataset", "acled-2")
    assert result.exit_code == 3, result
    assert f"{bad}: row 3, column 'time_precision': '7' is not an ACLED time_precision code" in result.stderr
