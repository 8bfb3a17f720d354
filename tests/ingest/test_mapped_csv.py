"""Agency spreadsheets with a declared mapping, and the Pakistan suicide-attacks list with the shipped mapping."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from nigehban import ImportFormatError, IncidentFilter, MappingError, Nigehban
from nigehban.ingest.mapped_csv import ColumnMapping
from tests.helpers import FIXTURES, SUICIDE_ATTACKS, shared_data

REPO = Path(__file__).resolve().parents[2]
REGISTER = FIXTURES / "agency_register_synthetic.csv"
REGISTER_MAPPING = FIXTURES / "agency_register.toml"
SUICIDE_MAPPING = REPO / "examples" / "pakistan_suicide_attacks.toml"


def _by_key(app: Nigehban) -> dict[str, dict[str, object]]:
    return {incident.sources[0]: incident.as_json_dict() for incident in app.incidents()}


def test_register_maps_columns_and_values(app: Nigehban) -> None:
    report = app.import_csv(REGISTER, mapping=REGISTER_MAPPING)
    assert (report.rows_read, report.inserted, report.rejected) == (4, 4, 0)
    incidents = _by_key(app)

    blast = incidents["ctd-register:KP-001/2024"]
    assert (blast["date"], blast["date_precision"]) == ("2024-01-03", "day")  # day first: 03/01 is 3 January
    assert (blast["attack_type"], blast["weapon_type"], blast["target_type"]) == ("bombing", "explosives", "police")
    assert blast["province"] == "Khyber Pakhtunkhwa"  # "KPK"
    assert blast["perpetrator"] == "Tehrik-i-Taliban Pakistan"  # "TTP"
    assert blast["place"] == "PS Cantt, Peshawar"
    assert (blast["killed"], blast["wounded"]) == (4, 12)

    checkpost = incidents["ctd-register:KP-002/2024"]
    assert checkpost["killed"] == 2  # final figure empty: the initial one
    assert checkpost["province"] == "Khyber Pakhtunkhwa"  # "K.P"
    assert checkpost["perpetrator"] == "Tehrik-i-Taliban Pakistan"  # "Tehreek-e-Taliban Pakistan"

    month_only = incidents["ctd-register:KP-003/2024"]
    assert (month_only["date"], month_only["date_precision"]) == ("2024-02-01", "month")
    assert month_only["target_type"] == "business"
    assert month_only["perpetrator"] == "Unknown"
    # no coordinates in the register: those of the named place, from the gazetteer
    assert month_only["geo_precision"] in {"town", "district", "province"}

    levies = incidents["ctd-register:BL-004/2024"]
    assert levies["perpetrator"] == "Baloch Liberation Army"


def _variant(tmp_path: Path, changes: dict[tuple[int, str], str]) -> Path:
    with REGISTER.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for (index, column), value in changes.items():
        rows[index][column] = value
    path = tmp_path / "register.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_an_unmapped_value_rejects_the_row_naming_column_and_map(app: Nigehban, tmp_path: Path) -> None:
    path = _variant(tmp_path, {(1, "Incident Type"): "Rocket"})
    report = app.import_csv(path, mapping=REGISTER_MAPPING, rejects=tmp_path / "rejects.csv")
    assert (report.inserted, report.rejected) == (3, 1)
    (reject,) = report.first_rejects
    assert (reject.row, reject.column) == (3, "Incident Type")
    assert "'Rocket' is not in [maps.incident]" in reject.reason
    # an unmapped target falls back to the default, as the mapping says
    path = _variant(tmp_path, {(0, "Target"): "Shrine"})
    report = app.import_csv(path, mapping=REGISTER_MAPPING)
    assert report.updated == 1
    assert _by_key(app)["ctd-register:KP-001/2024"]["target_type"] == "unknown"


def test_changing_the_mapping_updates_the_incidents_it_touches(app: Nigehban, tmp_path: Path) -> None:
    app.import_csv(REGISTER, mapping=REGISTER_MAPPING)
    changed = tmp_path / "mapping.toml"
    changed.write_text(
        REGISTER_MAPPING.read_text().replace('"Market" = "business"', '"Market" = "private_citizens_property"')
    )
    report = app.import_csv(REGISTER, mapping=changed)
    assert (report.updated, report.unchanged) == (1, 3)
    assert _by_key(app)["ctd-register:KP-003/2024"]["target_type"] == "private_citizens_property"


def test_bad_cells_are_rejected_with_their_column(app: Nigehban, tmp_path: Path) -> None:
    path = _variant(
        tmp_path,
        {(0, "Date of Occurrence"): "31/02/2024", (1, "Lat"): "", (2, "Injured"): "-3", (3, "Province"): "Kabul"},
    )
    report = app.import_csv(path, mapping=REGISTER_MAPPING)
    assert report.rejected == 4
    assert [(reject.row, reject.column) for reject in report.first_rejects] == [
        (2, "Date of Occurrence"),
        (3, "Lat"),
        (4, "Injured"),
        (5, "Province"),
    ]
    assert "not a province or territory of Pakistan" in report.first_rejects[3].reason


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[fields]\ndate = 'Date'\n", "missing [source]"),
        ("[source]\ndataset = 'x'\nkey = 'id'\n[fields]\nplace = 'City'\n", "must map `date`"),
        ("[source]\ndataset = 'x'\nkey = 'id'\n[fields]\ndate = 'D'\nkiled = 'K'\n", "kiled: not a field"),
        ("[source]\ndataset = 'x'\nkey = 'id'\n[fields]\ndate = 'D'\nattack_type = { value = 'blast' }\n", "'blast'"),
        (
            "[source]\ndataset = 'x'\nkey = 'id'\n[fields]\ndate = 'D'\ntarget_type = { column = 'T', map = 'm' }\n",
            "[maps.m]",
        ),
        (
            "[source]\ndataset = 'x'\nkey = 'id'\n[fields]\ndate = { column = 'D', value = '2020-01-01' }\n",
            "exactly one",
        ),
        ("[source\n", "not valid TOML"),
    ],
)
def test_a_bad_mapping_is_refused_when_loaded(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(text)
    with pytest.raises(MappingError, match=r"mapping\.toml") as error:
        ColumnMapping.from_file(path)
    assert message in str(error.value)


def test_columns_the_file_lacks_are_named_before_anything_is_written(app: Nigehban, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("FIR No,Date\nX-1,01/01/2024\n")
    with pytest.raises(ImportFormatError, match=r"names column.*Date of Occurrence.*Police Station"):
        app.import_csv(path, mapping=REGISTER_MAPPING)
    assert app.batches() == []


def test_xlsx_registers_import_with_the_same_mapping(sqlite_app: Nigehban, tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    with REGISTER.open(newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    xlsx = tmp_path / "register.xlsx"
    workbook.save(xlsx)
    report = sqlite_app.import_csv(xlsx, mapping=REGISTER_MAPPING)
    assert (report.inserted, report.rejected) == (4, 0)
    again = sqlite_app.import_csv(REGISTER, mapping=REGISTER_MAPPING)
    assert again.unchanged == 4  # the same rows, whichever the container


@pytest.mark.data
def test_the_suicide_attacks_list_imports_with_the_shipped_mapping(app: Nigehban) -> None:
    path = shared_data(SUICIDE_ATTACKS)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    report = app.import_csv(path, mapping=SUICIDE_MAPPING)
    assert report.rows_read == len(rows) == 496
    assert (report.inserted, report.rejected, report.skipped) == (496, 0, 0)

    incidents = app.incidents()
    assert all(incident.record.suicide and incident.record.attack_type == "bombing" for incident in incidents)
    up_to_2012 = app.incidents(IncidentFilter(until=dt.date(2012, 12, 31)))
    assert len(up_to_2012) == 368

    # target types as the list codes them, through the shipped map
    police_rows = sum(1 for row in rows if row["Target Type"] in {"Police", "Police & Rangers", "Civilian & Police"})
    targets = Counter(incident.record.target_type for incident in incidents)
    assert targets["police"] == police_rows == 119
    assert targets["unknown"] == sum(1 for row in rows if row["Target Type"] in {"", "Unknown"})

    # the toll: the maximum, else the minimum
    def toll(row: dict[str, str], high: str, low: str) -> float:
        return float(row[high] or row[low] or 0)

    assert sum(incident.record.killed or 0 for incident in incidents) == pytest.approx(
        sum(toll(row, "Killed Max", "Killed Min") for row in rows)
    )
    assert sum(incident.record.wounded or 0 for incident in incidents) == pytest.approx(
        sum(toll(row, "Injured Max", "Injured Min") for row in rows)
    )
    # a "City" that names a district has the district's coordinates, and says so
    district_names = {"Swat", "North Waziristan", "South Waziristan", "Khyber Agency", "Bajaur Agency", "Kurram Agency"}
    precisions = Counter((incident.record.place, incident.record.geo_precision) for incident in incidents)
    assert all(precision == "district" for (place, precision) in precisions if place in district_names)
    assert precisions[("Peshawar", "town")] == sum(1 for row in rows if row["City"] == "Peshawar")

    provinces = Counter(incident.record.province for incident in incidents)
    assert provinces["Khyber Pakhtunkhwa"] == sum(1 for row in rows if row["Province"] in {"KPK", "FATA"})

    again = app.import_csv(path, mapping=SUICIDE_MAPPING)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 496)
