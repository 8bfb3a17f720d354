"""GTD import: mapping rules on a synthetic sample, and the real Pakistan file end to end."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nigehban import ImportFormatError, ImportRowError, IncidentFilter, Nigehban
from nigehban.store.schema import IncidentRow, SourceRecord
from tests.helpers import FIXTURES, GTD_PAKISTAN, shared_data

SAMPLE = FIXTURES / "gtd_synthetic_sample.csv"


def _by_source(app: Nigehban) -> dict[str, dict[str, object]]:
    return {incident.sources[0]: incident.as_json_dict() for incident in app.incidents()}


def test_sample_maps_onto_the_record(app: Nigehban) -> None:
    report = app.import_gtd(SAMPLE)
    assert (report.rows_read, report.inserted, report.rejected) == (5, 5, 0)
    incidents = _by_source(app)
    bombing = incidents["gtd:201301010001"]
    assert bombing["date"] == "2013-01-01"
    assert bombing["province"] == "Khyber Pakhtunkhwa"
    assert (bombing["attack_type"], bombing["target_type"], bombing["weapon_type"]) == (
        "bombing",
        "police",
        "explosives",
    )
    assert bombing["perpetrator"] == "Tehrik-i-Taliban Pakistan"
    assert bombing["perpetrator_claimed"] is True
    assert bombing["suicide"] is True
    # nkill 5 with nkillter 1: four victims and one attacker
    assert (bombing["killed"], bombing["killed_perpetrators"]) == (4, 1)
    assert (bombing["wounded"], bombing["wounded_perpetrators"]) == (10, 0)
    assert bombing["geo_precision"] == "town"

    no_attacker_count = incidents["gtd:201302150002"]
    assert (no_attacker_count["killed"], no_attacker_count["killed_perpetrators"]) == (3, None)
    assert no_attacker_count["perpetrator"] == "Baloch Liberation Army"

    month_only = incidents["gtd:201303000003"]
    assert (month_only["date"], month_only["date_precision"]) == ("2013-03-01", "month")
    assert month_only["province"] == "Khyber Pakhtunkhwa"  # was North-West Frontier Province
    assert month_only["geo_precision"] == "district"

    fata = incidents["gtd:201304100004"]
    assert fata["province"] == "Khyber Pakhtunkhwa"  # was FATA
    assert fata["perpetrator_claimed"] is None  # -9: unknown
    assert fata["perpetrator"] == "Tehrik-i-Taliban Pakistan"  # "Taliban (Pakistan)"

    split_toll = incidents["gtd:201305050005"]
    assert (split_toll["killed"], split_toll["wounded"]) == (0.25, 1.5)


def _write_variant(tmp_path: Path, changes: dict[tuple[int, str], str], name: str = "variant.csv") -> Path:
    with SAMPLE.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for (index, column), value in changes.items():
        rows[index][column] = value
    path = tmp_path / name
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_reimport_changes_nothing_and_a_correction_updates_only_its_incident(app: Nigehban, tmp_path: Path) -> None:
    app.import_gtd(SAMPLE)
    before = {incident.id: incident.as_json_dict() for incident in app.incidents()}

    again = app.import_gtd(SAMPLE)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)
    assert {incident.id: incident.as_json_dict() for incident in app.incidents()} == before

    corrected = _write_variant(tmp_path, {(1, "nkill"): "4", (1, "nkillter"): "1"})
    report = app.import_gtd(corrected)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 4)
    after = {incident.id: incident.as_json_dict() for incident in app.incidents()}
    changed = [incident_id for incident_id in before if before[incident_id] != after[incident_id]]
    assert len(changed) == 1
    assert (after[changed[0]]["killed"], after[changed[0]]["killed_perpetrators"]) == (3, 1)
    history = app.incident(changed[0]).history
    assert history[-1]["action"] == "import-update"
    # nkill 3 -> 4 with nkillter 1: victims stay 3, one attacker now counted
    assert (history[-1]["before"], history[-1]["after"]) == (
        {"killed_perpetrators": None},
        {"killed_perpetrators": 1},
    )


def test_a_correction_does_not_overwrite_an_analysts_edit(app: Nigehban, tmp_path: Path) -> None:
    app.import_gtd(SAMPLE)
    (quetta,) = [incident for incident in app.incidents() if incident.sources == ["gtd:201302150002"]]
    app.update_incident(quetta.id, {"killed": "6"}, note="police report says six")
    corrected = _write_variant(tmp_path, {(1, "nkill"): "4", (1, "city"): "Quetta Cantonment"})
    report = app.import_gtd(corrected)
    assert report.conflicts == 1
    incident = app.incident(quetta.id)
    assert incident.record.killed == 6  # the analyst's figure stays
    assert incident.record.place == "Quetta Cantonment"  # the untouched field follows the source
    assert [entry["action"] for entry in incident.history] == ["edit", "import-update"]
    assert incident.history[0]["actor"] == "test-analyst"


def test_bad_rows_are_rejected_with_file_row_and_column(app: Nigehban, tmp_path: Path) -> None:
    bad = _write_variant(tmp_path, {(1, "latitude"): "thirty", (3, "imonth"): "13"})
    rejects = tmp_path / "rejects.csv"
    report = app.import_gtd(bad, rejects=rejects)
    assert (report.inserted, report.rejected) == (3, 2)
    assert [(reject.row, reject.column) for reject in report.first_rejects] == [
        (3, "latitude"),
        (5, "imonth"),
    ]
    with rejects.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["_row"], row["_column"], row["eventid"]) for row in rows] == [
        ("3", "latitude", "201302150002"),
        ("5", "imonth", "201304100004"),
    ]
    assert "'thirty' is not a number" in rows[0]["_reason"]

    # the rejects file, once fixed, imports as it is
    for row in rows:
        row["latitude"] = "30.184" if row["eventid"] == "201302150002" else row["latitude"]
        row["imonth"] = "4" if row["eventid"] == "201304100004" else row["imonth"]
    with rejects.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    fixed = app.import_gtd(rejects)
    assert (fixed.inserted, fixed.rejected) == (2, 0)
    assert len(app.incidents()) == 5


def test_strict_stops_at_the_first_bad_row_and_writes_nothing(app: Nigehban, tmp_path: Path) -> None:
    bad = _write_variant(tmp_path, {(2, "iyear"): "20x3"})
    with pytest.raises(ImportRowError) as error:
        app.import_gtd(bad, strict=True)
    assert (error.value.row, error.value.column) == (4, "iyear")
    assert str(bad) in str(error.value)
    assert app.incidents() == []
    assert app.batches() == []


def test_a_file_of_the_wrong_format_is_refused_naming_what_is_missing(app: Nigehban, tmp_path: Path) -> None:
    other = tmp_path / "not_gtd.csv"
    other.write_text("date,city,killed\n2013-01-01,Peshawar,3\n")
    with pytest.raises(ImportFormatError, match=r"not_gtd\.csv: does not look like a GTD export.*eventid"):
        app.import_gtd(other)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ImportFormatError, match=r"photo\.csv"):
        app.import_gtd(binary)
    assert app.batches() == []


def test_gzip_and_xlsx_read_like_csv(sqlite_app: Nigehban, tmp_path: Path) -> None:
    import openpyxl

    gz = tmp_path / "sample.csv.gz"
    gz.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    with SAMPLE.open(newline="") as handle:
        for index, row in enumerate(csv.reader(handle)):
            # numbers as numbers, the way GTD's own XLSX stores them
            sheet.append([float(cell) if index and _is_number(cell) else cell for cell in row])
    xlsx = tmp_path / "sample.xlsx"
    workbook.save(xlsx)

    csv_records = _records_of(sqlite_app, SAMPLE, "gtd-csv")
    assert _records_of(sqlite_app, gz, "gtd-gz") == csv_records
    assert _records_of(sqlite_app, xlsx, "gtd-xlsx") == csv_records


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _records_of(app: Nigehban, path: Path, dataset: str) -> list[dict[str, object]]:
    report = app.import_gtd(path, dataset=dataset)
    assert report.inserted == 5
    return sorted(
        (
            {key: value for key, value in incident.as_json_dict().items() if key not in {"id", "sources"}}
            for incident in app.incidents(IncidentFilter(dataset=dataset))
        ),
        key=lambda record: str(record["date"]),
    )


@pytest.mark.data
def test_real_gtd_pakistan_imports_every_row_as_gtd_codes_it(app: Nigehban) -> None:
    path = shared_data(GTD_PAKISTAN)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    report = app.import_gtd(path)
    assert report.rows_read == len(rows) == 7173
    assert report.accounted
    assert (report.inserted, report.rejected, report.skipped) == (7173, 0, 0)

    # police as a target: GTD's count
    police_in_gtd = sum(1 for row in rows if row["targtype1_txt"] == "Police")
    assert len(app.incidents(IncidentFilter(target_type="police"))) == police_in_gtd == 714

    # victims and perpetrators split as GTD codes them
    by_key = {incident.sources[0].removeprefix("gtd:"): incident.record for incident in app.incidents()}
    for row in rows:
        record = by_key[row["eventid"]]
        if row["nkill"] and row["nkillter"]:
            assert record.killed == pytest.approx(max(0.0, float(row["nkill"]) - float(row["nkillter"])))
            assert record.killed_perpetrators == pytest.approx(float(row["nkillter"]))
        elif row["nkill"]:
            assert record.killed == pytest.approx(float(row["nkill"]))
            assert record.killed_perpetrators is None
        else:
            assert record.killed is None
        assert record.suicide is (row["suicide"] == "1")
    total_victims = sum(record.killed or 0 for record in by_key.values())
    total_attackers = sum(record.killed_perpetrators or 0 for record in by_key.values())
    assert total_victims + total_attackers == pytest.approx(sum(float(row["nkill"] or 0) for row in rows))

    # provinces: legacy names mapped, counts as GTD's
    provinces = Counter(record.province for record in by_key.values())
    legacy = sum(
        1 for row in rows if row["provstate"] in {"North-West Frontier Province", "Federally Administered Tribal Areas"}
    )
    assert provinces["Khyber Pakhtunkhwa"] == legacy + sum(
        1 for row in rows if row["provstate"] == "Khyber Pakhtunkhwa"
    )

    # re-import is idempotent: no new rows, incidents or changes
    with app.engine.connect() as connection:
        counts_before = (
            connection.execute(select(func.count()).select_from(IncidentRow)).scalar_one(),
            connection.execute(select(func.count()).select_from(SourceRecord)).scalar_one(),
        )
    again = app.import_gtd(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 7173)
    with app.engine.connect() as connection:
        assert (
            connection.execute(select(func.count()).select_from(IncidentRow)).scalar_one(),
            connection.execute(select(func.count()).select_from(SourceRecord)).scalar_one(),
        ) == counts_before
    assert min(record.date for record in by_key.values()) == dt.date(1970, 11, 1)
