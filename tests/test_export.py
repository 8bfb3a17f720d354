"""Incident export: CSV, JSON lines and GeoJSON on both backends, and a round trip of random records."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, update

from nigehban import EXPORT_FIELDS, RECORD_FIELDS, IncidentFilter, IncidentRecord, InvalidFieldValue, Nigehban
from nigehban.export import EXPORT_FORMATS
from nigehban.record import COUNT_FIELDS
from nigehban.store.schema import INCIDENTS, SOURCES, ImportBatch, utcnow
from nigehban.taxonomy import ATTACK_TYPES, GEO_PRECISIONS, PROVINCES, TARGET_TYPES, WEAPON_TYPES

Sources = Sequence[tuple[str, str]]


def _insert(app: Nigehban, incidents: Sequence[tuple[IncidentRecord, Sources]]) -> list[int]:
    """Write incidents and their source records straight into the store (as an import would)."""
    now = utcnow()
    ids = []
    with app.ready().begin() as connection:
        batch_id = connection.execute(
            insert(ImportBatch)
            .values(dataset="test", importer="test", source_path="SYNTHETIC", header=[], actor="test", started_at=now)
            .returning(ImportBatch.id)
        ).scalar_one()
        for record, sources in incidents:
            incident_id = connection.execute(
                insert(INCIDENTS).values(**record.as_dict(), created_at=now, updated_at=now).returning(INCIDENTS.c.id)
            ).scalar_one()
            ids.append(incident_id)
            for dataset, key in sources:
                connection.execute(
                    insert(SOURCES).values(
                        dataset=dataset,
                        key=key,
                        payload="[]",  # no cells (payloads are JSON arrays under the batch header)
                        content_hash="0" * 40,
                        record="{}",
                        incident_id=incident_id,
                        first_batch_id=batch_id,
                        last_batch_id=batch_id,
                        created_at=now,
                        updated_at=now,
                    )
                )
    return ids


def _export(app: Nigehban, format: str, filter: IncidentFilter | None = None) -> tuple[int, str]:
    buffer = io.StringIO(newline="")
    count = app.export_incidents(buffer, format=format, filter=filter)
    return count, buffer.getvalue()


def _csv_rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == EXPORT_FIELDS
    return list(reader)


def _jsonl(text: str) -> list[dict[str, Any]]:
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.split("\n")[:-1]]


# hand-made SYNTHETIC incidents
POLICE_STATION = IncidentRecord(
    date=dt.date(2023, 1, 30),
    province="Khyber Pakhtunkhwa",
    district="Peshawar",
    latitude=34.008,
    longitude=71.578,
    geo_precision="town",
    place="Peshawar, SYNTHETIC",
    attack_type="bombing",
    target_type="police",
    target_detail='Police lines mosque, "SYNTHETIC"',
    weapon_type="explosives",
    suicide=True,
    complex_attack=False,
    perpetrator="Tehrik-i-Taliban Pakistan",
    perpetrator_claimed=None,
    killed=84,
    killed_perpetrators=1,
    wounded=0.25,
    killed_security=80,
    summary="SYNTHETIC test incident;\nsecond line",
)
NO_COORDINATES = IncidentRecord(
    date=dt.date(2012, 5, 1),
    date_precision="month",
    province="Balochistan",
    attack_type="armed_assault",
    target_type="military",
    weapon_type="firearms",
    perpetrator="Baloch Liberation Army",
    perpetrator_claimed=True,
    killed=3,
    summary="SYNTHETIC incident without coordinates",
)
SAME_DAY_LATER = IncidentRecord(
    date=dt.date(2023, 1, 30),
    province="Punjab",
    latitude=31.5,
    longitude=74.3,
    attack_type="assassination",
    target_type="private_citizens_property",
    summary="SYNTHETIC Punjab incident",
)


@pytest.fixture
def three(app: Nigehban) -> list[int]:
    """Three incidents; the first has two sources, inserted ucdp before gtd (source-record id order)."""
    return _insert(
        app,
        [
            (POLICE_STATION, [("ucdp", "SYN-1"), ("gtd", "201301300001")]),
            (NO_COORDINATES, [("gtd", "201205000002")]),
            (SAME_DAY_LATER, []),
        ],
    )


def test_csv_fields_values_and_order(app: Nigehban, three: list[int]) -> None:
    count, text = _export(app, "csv")
    assert count == 3
    assert text.startswith(",".join(EXPORT_FIELDS) + "\r\n")
    rows = _csv_rows(text)
    # by date, then id: 2012 first; the two 2023-01-30 incidents in id order
    assert [int(row["id"]) for row in rows] == [three[1], three[0], three[2]]
    month, police, punjab = rows
    assert police["date"] == "2023-01-30"
    assert police["sources"] == "ucdp:SYN-1;gtd:201301300001"  # import order, not alphabetical
    assert (police["suicide"], police["complex_attack"], police["perpetrator_claimed"]) == ("true", "false", "")
    assert (police["killed"], police["killed_perpetrators"], police["wounded"]) == ("84", "1", "0.25")
    assert (police["wounded_perpetrators"], police["district_pcode"]) == ("", "")
    assert police["target_detail"] == 'Police lines mosque, "SYNTHETIC"'
    assert police["summary"] == "SYNTHETIC test incident;\nsecond line"
    assert (police["latitude"], police["longitude"]) == ("34.008", "71.578")
    assert (month["date"], month["date_precision"], month["killed"]) == ("2012-05-01", "month", "3")
    assert (month["latitude"], month["longitude"], month["geo_precision"]) == ("", "", "")
    assert month["sources"] == "gtd:201205000002"
    assert punjab["sources"] == ""
    assert punjab["perpetrator"] == "Unknown"


def test_jsonl_fields_types_and_nulls(app: Nigehban, three: list[int]) -> None:
    count, text = _export(app, "jsonl")
    objects = _jsonl(text)
    assert count == len(objects) == 3
    for value in objects:
        assert tuple(value) == EXPORT_FIELDS
    month, police, punjab = objects
    assert police["id"] == three[0]
    assert police["sources"] == ["ucdp:SYN-1", "gtd:201301300001"]
    assert police["killed"] == 84
    assert isinstance(police["killed"], int)
    assert police["wounded"] == 0.25
    assert (police["suicide"], police["complex_attack"], police["perpetrator_claimed"]) == (True, False, None)
    assert police["summary"] == "SYNTHETIC test incident;\nsecond line"
    assert (month["latitude"], month["longitude"], month["wounded"]) == (None, None, None)
    assert punjab["sources"] == []
    # the same values as the store's own view of each incident
    assert objects == [app.incident(value["id"]).as_json_dict() for value in objects]


def test_geojson_points_are_longitude_latitude(app: Nigehban, three: list[int]) -> None:
    count, text = _export(app, "geojson")
    collection = json.loads(text)
    assert count == 3
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [feature["id"] for feature in features] == [three[1], three[0], three[2]]
    month, police, punjab = features
    assert police["type"] == "Feature"
    assert police["geometry"] == {"type": "Point", "coordinates": [71.578, 34.008]}
    assert punjab["geometry"]["coordinates"] == [74.3, 31.5]
    assert month["geometry"] is None
    assert tuple(police["properties"]) == EXPORT_FIELDS
    assert police["properties"]["sources"] == ["ucdp:SYN-1", "gtd:201301300001"]
    assert police["properties"] == app.incident(three[0]).as_json_dict()


@pytest.mark.parametrize("format", EXPORT_FORMATS)
def test_empty_store_writes_a_valid_empty_file(app: Nigehban, format: str) -> None:
    count, text = _export(app, format)
    assert count == 0
    if format == "csv":
        assert _csv_rows(text) == []
    elif format == "jsonl":
        assert text == ""
    else:
        assert json.loads(text) == {"type": "FeatureCollection", "features": []}


def _ids(app: Nigehban, filter: IncidentFilter, format: str = "jsonl") -> list[int]:
    count, text = _export(app, format, filter)
    ids = [value["id"] for value in _jsonl(text)] if format == "jsonl" else [int(r["id"]) for r in _csv_rows(text)]
    assert count == len(ids)
    return ids


def test_filters_apply(app: Nigehban, three: list[int]) -> None:
    police, month, punjab = three
    assert _ids(app, IncidentFilter(province="KPK")) == [police]
    assert _ids(app, IncidentFilter(group="BLA"), "csv") == [month]
    assert _ids(app, IncidentFilter(since=dt.date(2023, 1, 1))) == [police, punjab]
    assert _ids(app, IncidentFilter(until=dt.date(2022, 12, 31))) == [month]
    assert _ids(app, IncidentFilter(target_type="police", attack_type="bombing")) == [police]
    assert _ids(app, IncidentFilter(district="peshawar")) == [police]
    assert _ids(app, IncidentFilter(province="Sindh")) == []


def test_dataset_filter_keeps_every_source_of_the_incident(app: Nigehban, three: list[int]) -> None:
    count, text = _export(app, "jsonl", IncidentFilter(dataset="ucdp"))
    (police,) = _jsonl(text)
    assert count == 1
    # selected through its ucdp source, exported with all of its sources
    assert police["sources"] == ["ucdp:SYN-1", "gtd:201301300001"]
    assert _ids(app, IncidentFilter(dataset="gtd")) == [three[1], three[0]]


def test_merged_incidents_are_left_out(app: Nigehban, three: list[int]) -> None:
    police, month, punjab = three
    with app.ready().begin() as connection:  # what a merge does to the merged incident
        connection.execute(update(INCIDENTS).where(INCIDENTS.c.id == punjab).values(merged_into_id=police))
    for format in EXPORT_FORMATS:
        count, _ = _export(app, format)
        assert count == 2
    assert _ids(app, IncidentFilter()) == [month, police]
    assert _ids(app, IncidentFilter(), "csv") == [month, police]


def test_unknown_format_is_refused_before_writing(app: Nigehban, three: list[int]) -> None:
    buffer = io.StringIO()
    with pytest.raises(InvalidFieldValue, match="csv, jsonl, geojson") as raised:
        app.export_incidents(buffer, format="xlsx")
    assert raised.value.field == "format"
    assert buffer.getvalue() == ""


class _FailingOutput(io.StringIO):
    def write(self, text: str) -> int:
        if self.tell() > 100:
            raise OSError(28, "No space left on device")
        return super().write(text)


def test_a_failed_write_releases_the_connection(app: Nigehban, three: list[int]) -> None:
    with pytest.raises(OSError, match="No space left"):
        app.export_incidents(_FailingOutput(), format="jsonl")
    assert app.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------
# round trip: random records in, three formats out, parsed back to the same records

# any character a database can hold: no surrogates (not encodable), no NUL (PostgreSQL refuses it)
_TEXT = st.characters(codec="utf-8", exclude_characters="\x00")


def _text(max_size: int) -> st.SearchStrategy[str | None]:
    # CSV cannot tell "" from null (both an empty cell), so text is either null or not empty
    return st.none() | st.text(_TEXT, min_size=1, max_size=max_size)


_COUNT = st.none() | st.integers(0, 10**6) | st.floats(0, 10**6, allow_nan=False, allow_infinity=False)
_FLAG = st.none() | st.booleans()


@st.composite
def _records(draw: st.DrawFn) -> IncidentRecord:
    point = draw(
        st.none()
        | st.tuples(
            st.floats(-90, 90, allow_nan=False, allow_infinity=False),
            st.floats(-180, 180, allow_nan=False, allow_infinity=False),
        )
    )
    return IncidentRecord(
        date=draw(st.dates(dt.date(1970, 1, 1), dt.date(2100, 12, 31))),
        date_precision=draw(st.sampled_from(("day", "month", "year"))),
        province=draw(st.none() | st.sampled_from(list(PROVINCES))),
        district_pcode=draw(_text(16)),
        district=draw(_text(120)),
        tehsil_pcode=draw(_text(16)),
        latitude=None if point is None else point[0],
        longitude=None if point is None else point[1],
        geo_precision=draw(st.none() | st.sampled_from(GEO_PRECISIONS)),
        place=draw(_text(60)),
        attack_type=draw(st.sampled_from(list(ATTACK_TYPES))),
        target_type=draw(st.sampled_from(list(TARGET_TYPES))),
        target_detail=draw(_text(60)),
        weapon_type=draw(st.sampled_from(list(WEAPON_TYPES))),
        suicide=draw(_FLAG),
        complex_attack=draw(_FLAG),
        perpetrator=draw(st.text(_TEXT, min_size=1, max_size=200)),
        perpetrator_claimed=draw(_FLAG),
        killed=draw(_COUNT),
        killed_perpetrators=draw(_COUNT),
        wounded=draw(_COUNT),
        wounded_perpetrators=draw(_COUNT),
        killed_security=draw(_COUNT),
        summary=draw(_text(300)),
    )


# keys without ";", the CSV separator of sources (a documented limit of the CSV format)
_SOURCES = st.lists(
    st.tuples(
        st.sampled_from(("gtd", "ucdp", "demo-press")),
        st.text(st.characters(codec="utf-8", exclude_characters="\x00;"), min_size=1, max_size=20),
    ),
    max_size=3,
    unique=True,
)


def _from_csv(row: dict[str, str]) -> tuple[int, IncidentRecord, list[str]]:
    values: dict[str, Any] = {}
    for name in RECORD_FIELDS:
        cell = row[name]
        if cell == "":
            values[name] = None
        elif name == "date":
            values[name] = dt.date.fromisoformat(cell)
        elif name in COUNT_FIELDS:
            values[name] = int(cell) if cell.isdigit() else float(cell)
        elif name in ("latitude", "longitude"):
            values[name] = float(cell)
        elif name in ("suicide", "complex_attack", "perpetrator_claimed"):
            assert cell in ("true", "false")
            values[name] = cell == "true"
        else:
            values[name] = cell
    sources = row["sources"].split(";") if row["sources"] else []
    return int(row["id"]), IncidentRecord(**values), sources


def _from_json(value: dict[str, Any]) -> tuple[int, IncidentRecord, list[str]]:
    assert tuple(value) == EXPORT_FIELDS
    return value["id"], IncidentRecord.from_json_dict(value), value["sources"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(incidents=st.lists(st.tuples(_records(), _SOURCES), max_size=6))
def test_round_trip(app: Nigehban, incidents: list[tuple[IncidentRecord, list[tuple[str, str]]]]) -> None:
    with app.ready().begin() as connection:  # each example starts from an empty store
        connection.execute(delete(SOURCES))
        connection.execute(delete(INCIDENTS))
    # the same (dataset, key) cannot be in the store twice
    seen: set[tuple[str, str]] = set()
    unique = []
    for record, sources in incidents:
        unique.append((record, [source for source in sources if source not in seen]))
        seen.update(sources)
    ids = _insert(app, unique)
    expected = sorted(
        (
            (incident_id, record, [f"{dataset}:{key}" for dataset, key in sources])
            for incident_id, (record, sources) in zip(ids, unique, strict=True)
        ),
        key=lambda item: (item[1].date, item[0]),
    )

    _, text = _export(app, "csv")
    assert [_from_csv(row) for row in _csv_rows(text)] == expected
    _, text = _export(app, "jsonl")
    assert [_from_json(value) for value in _jsonl(text)] == expected
    _, text = _export(app, "geojson")
    features = json.loads(text)["features"]
    assert [_from_json(feature["properties"]) for feature in features] == expected
    for feature, (_, record, _) in zip(features, expected, strict=True):
        if record.latitude is None:
            assert feature["geometry"] is None
        else:
            assert feature["geometry"]["coordinates"] == [record.longitude, record.latitude]
