"""The canonical incident record: validation, JSON round trip, coercion of typed-in values."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nigehban import EXPORT_FIELDS, RECORD_FIELDS, IncidentRecord, InvalidFieldValue
from nigehban.record import coerce_field
from nigehban.taxonomy import ATTACK_TYPES, GEO_PRECISIONS, PROVINCES, TARGET_TYPES, WEAPON_TYPES

# DESIGN.md's canonical fields in order, with the geography layer's additions.
DESIGN_FIELDS = [
    "id",
    "date",
    "date_precision",
    "province",
    "district_pcode",
    "district",
    "tehsil_pcode",
    "latitude",
    "longitude",
    "geo_precision",
    # the geography layer's additions (docs/geography.md)
    "geo_confidence",
    "geo_flags",
    "h3_res5",
    "h3_res6",
    "h3_res7",
    "h3_res8",
    "place",
    "attack_type",
    "target_type",
    "target_detail",
    "weapon_type",
    "suicide",
    "complex_attack",
    "perpetrator",
    "perpetrator_claimed",
    "killed",
    "killed_perpetrators",
    "wounded",
    "wounded_perpetrators",
    "killed_security",
    "summary",
]


def test_export_fields_are_designs_plus_sources() -> None:
    assert list(EXPORT_FIELDS) == [*DESIGN_FIELDS, "sources"]
    assert list(RECORD_FIELDS) == DESIGN_FIELDS[1:]


counts = st.one_of(st.none(), st.integers(0, 5000), st.sampled_from([0.25, 0.5, 1.5, 3.75]))
records = st.builds(
    IncidentRecord,
    date=st.dates(dt.date(1970, 1, 1), dt.date(2030, 12, 31)),
    date_precision=st.sampled_from(["day", "month", "year"]),
    province=st.one_of(st.none(), st.sampled_from(list(PROVINCES))),
    latitude=st.one_of(st.none(), st.floats(23.5, 37.1)),
    longitude=st.just(None),
    geo_precision=st.one_of(st.none(), st.sampled_from(GEO_PRECISIONS)),
    place=st.one_of(st.none(), st.text(max_size=30)),
    attack_type=st.sampled_from(list(ATTACK_TYPES)),
    target_type=st.sampled_from(list(TARGET_TYPES)),
    weapon_type=st.sampled_from(list(WEAPON_TYPES)),
    suicide=st.one_of(st.none(), st.booleans()),
    killed=counts,
    wounded=counts,
    perpetrator=st.text(min_size=1, max_size=40),
).map(lambda record: _with_longitude(record))


def _with_longitude(record: IncidentRecord) -> IncidentRecord:
    if record.latitude is not None:
        record.longitude = 70.0
    return record


@given(records)
def test_json_round_trip(record: IncidentRecord) -> None:
    record.validate()
    assert IncidentRecord.from_json_dict(record.as_json_dict()) == record


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"attack_type": "blast"}, "attack_type"),
        ({"province": "Kabul"}, "province"),
        ({"latitude": 91.0, "longitude": 70.0}, "latitude"),
        ({"latitude": 34.0}, "latitude"),
        ({"killed": -1}, "killed"),
        ({"perpetrator": ""}, "perpetrator"),
        ({"date_precision": "week"}, "date_precision"),
    ],
)
def test_validation_names_the_field(changes: dict[str, object], field: str) -> None:
    record = IncidentRecord(date=dt.date(2023, 1, 30), **changes)  # type: ignore[arg-type]
    with pytest.raises(InvalidFieldValue) as error:
        record.validate()
    assert error.value.field == field


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("killed", "12", 12),
        ("killed", "0.25", 0.25),
        ("wounded", "", None),
        ("suicide", "Yes", True),
        ("suicide", "0", False),
        ("latitude", "34.01", 34.01),
        ("date", "2023-01-30", dt.date(2023, 1, 30)),
        ("place", "  Police Lines ", "Police Lines"),
    ],
)
def test_coerce_field(field: str, text: str, value: object) -> None:
    assert coerce_field(field, text) == value


@pytest.mark.parametrize(("field", "text"), [("killed", "many"), ("suicide", "perhaps"), ("date", ""), ("id", "3")])
def test_coerce_field_refuses(field: str, text: str) -> None:
    with pytest.raises(InvalidFieldValue):
        coerce_field(field, text)
