"""Places learned from geocoded incidents: the rule on hand-made districts, and through the app on both backends."""

from __future__ import annotations

import csv
from pathlib import Path

from shapely import box

from nigehban import Nigehban
from nigehban.geo.boundaries import BoundaryUnit
from nigehban.geo.boundaryset import BoundarySet
from nigehban.geo.gazetteer import Gazetteer
from nigehban.geo.learned import GeocodedReport, learn_places
from nigehban.geo.resolution import PlaceQuery
from nigehban.geo.resolver import Resolver
from tests.helpers import FIXTURES

SYNTHETIC_DISTRICTS = FIXTURES / "geo" / "districts_synthetic.geojson"
GTD_SAMPLE = FIXTURES / "gtd_synthetic_sample.csv"

EAST = BoundaryUnit("district", "PK951", "Synthetic East Bank", "PK5", "PK5", box(71.0, 33.0, 72.0, 34.0))
WEST = BoundaryUnit("district", "PK952", "Synthetic West Bank", "PK5", "PK5", box(70.0, 33.0, 71.0, 34.0))
TWO_DISTRICTS = BoundarySet(districts=[EAST, WEST])
KP = "Khyber Pakhtunkhwa"


def test_a_name_is_learned_where_most_of_its_reports_lie() -> None:
    reports = [
        GeocodedReport("Synthetic Kalay", KP, 33.5, 71.5, count=2),
        GeocodedReport("SYNTHETIC KALAY", KP, 33.6, 71.4),  # one place, however spelt
        GeocodedReport("Synthetic Kalay", KP, 33.5, 70.5),
    ]
    (place,) = learn_places(reports, boundaries=TWO_DISTRICTS)
    assert (place.name, place.kind, place.province, place.source) == ("Synthetic Kalay", "locality", KP, "incidents")
    assert (place.latitude, place.longitude) == (33.5, 71.5)  # the most reported point of the main district
    assert place.population == 4  # reports behind it


def test_a_name_without_a_majority_district_or_with_one_report_is_not_learned() -> None:
    reports = [
        GeocodedReport("Synthetic Split", KP, 33.5, 71.5),
        GeocodedReport("Synthetic Split", KP, 33.5, 70.5),
        GeocodedReport("Synthetic Split", KP, 10.0, 10.0),  # 1 of 3 each: no majority
        GeocodedReport("Synthetic Once", KP, 33.5, 71.5),
        GeocodedReport("Unknown", KP, 33.5, 71.5, count=9),
        GeocodedReport("Synthetic Abroad", KP, 10.0, 10.0, count=5),  # outside every district
    ]
    assert learn_places(reports, boundaries=TWO_DISTRICTS) == []


def test_the_resolver_finds_a_learned_village_the_gazetteer_lacks() -> None:
    learned = learn_places([GeocodedReport("Synthetic Kalay", KP, 33.5, 70.5, count=3)], boundaries=TWO_DISTRICTS)
    plain = Resolver(boundaries=TWO_DISTRICTS, gazetteer=Gazetteer.build(boundaries=TWO_DISTRICTS))
    taught = Resolver(boundaries=TWO_DISTRICTS, gazetteer=Gazetteer.build(boundaries=TWO_DISTRICTS, places=learned))
    query = PlaceQuery(place="Synthetic Kalay", province=KP)
    assert plain.resolve(query).district_pcode is None
    resolution = taught.resolve(query)
    assert (resolution.district_pcode, resolution.precision, resolution.method) == ("PK952", "town", "name")


def _gtd_file(path: Path, rows: list[dict[str, str]]) -> Path:
    with GTD_SAMPLE.open(newline="") as handle:
        reader = csv.DictReader(handle)
        template = next(reader)
        columns = list(reader.fieldnames or [])
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for number, row in enumerate(rows, start=1):
            writer.writerow({**template, "eventid": f"2013010100{number:02d}", "summary": "SYNTHETIC", **row})
    return path


def test_the_store_teaches_the_gazetteer_names_its_sources_geocoded(app: Nigehban, tmp_path: Path) -> None:
    app.import_boundaries(SYNTHETIC_DISTRICTS, level="district")
    # Synthetic East (PK902, Khyber Pakhtunkhwa) spans 71.003-72 E, 30-31 N
    village = {"provstate": KP, "city": "Synthetic Kalay", "specificity": "1"}
    named_only = {"provstate": KP, "city": "Synthetic Gaon", "latitude": "", "longitude": "", "specificity": "4"}
    path = _gtd_file(
        tmp_path / "gtd_synthetic_learned.csv",
        [
            {**village, "latitude": "30.41", "longitude": "71.52"},
            {**village, "latitude": "30.41", "longitude": "71.52"},
            {**village, "latitude": "30.44", "longitude": "71.50"},
            {**village, "latitude": "", "longitude": "", "specificity": "4"},  # named, not geocoded
            named_only,
            named_only,
        ],
    )
    assert app.resolve_place("Synthetic Kalay, Khyber Pakhtunkhwa").district_pcode is None
    app.import_gtd(path)

    learned = app.gazetteer().learned_place("Synthetic Kalay", province=KP)
    assert learned is not None
    assert (learned.district_pcode, learned.population) == ("PK902", 3)
    assert app.resolve_place("Synthetic Kalay, Khyber Pakhtunkhwa").district_pcode == "PK902"
    # names never reported with coordinates teach nothing, and our own resolutions are not evidence
    assert app.gazetteer().learned_place("Synthetic Gaon", province=KP) is None
    # the row without coordinates gets the learned district on backfill
    app.backfill_geography()
    unplaced = [i.record for i in app.incidents() if i.record.place == "Synthetic Kalay" and i.record.geo_precision]
    assert {record.district_pcode for record in unplaced} == {"PK902"}
