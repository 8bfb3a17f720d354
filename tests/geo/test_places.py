"""Reading place files: the simple form, the GeoNames postal form, and errors that name row and column."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from nigehban.errors import NigehbanError, PlacesFileError
from nigehban.geo.places import Place, read_places_csv
from tests.helpers import shared_data

POSTAL_HEADER = (
    "country_code,postal_code,place_name,admin_name1,admin_code1,admin_name2,admin_code2,admin_name3,admin_code3,"
    "latitude,longitude,accuracy\n"
)


def _write(tmp_path: Path, text: str, *, name: str = "places.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_simple_form_reads_every_column(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Name, Latitude ,Longitude,Province,District,Alternate_Names\n"
        "Thana Saddar (SYNTHETIC),32.99,70.60,NWFP,Bannu,Saddar PS; Police Station Saddar | Saddar PS\n"
        "Checkpost 7 (SYNTHETIC),30.2,67.0,,,\n",
    )
    first, second = read_places_csv(path, source="district police")
    assert first == Place(
        name="Thana Saddar (SYNTHETIC)",
        kind="locality",
        latitude=32.99,
        longitude=70.60,
        province="Khyber Pakhtunkhwa",  # legacy name mapped
        district="Bannu",
        source="district police",
        alternate_names=("Saddar PS", "Police Station Saddar"),  # split on ; and |, repeats dropped
    )
    assert (second.province, second.district, second.alternate_names) == (None, None, ())
    assert second.has_point


def test_byte_order_mark_blank_lines_and_short_rows_are_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, "name,latitude,longitude,province\n\nA (SYNTHETIC),25.0,68.0\n,,,\n", encoding="utf-8-sig")
    [place] = read_places_csv(path, source="s")
    assert (place.name, place.province) == ("A (SYNTHETIC)", None)


def test_postal_form_keeps_only_coordinates_it_trusts(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        POSTAL_HEADER
        + "PK,99001,Alpha (SYNTHETIC),Balochisan,,,,,,30.10,67.00,4\n"
        + "PK,99002,Beta (SYNTHETIC),Norhern Punajb Rawalpindi,,,,,,33.50,73.10,\n"
        + "PK,99003,Gamma (SYNTHETIC),Federal Capial &AJK,,Muzaffarabad,,,,34.30,73.40,4\n"
        + "PK,99004,Delta (SYNTHETIC),Lahore,,,,,,31.50,74.30,4\n",
    )
    alpha, beta, gamma, delta = read_places_csv(path, source="geonames postal")
    # accuracy 4: kept; blank (estimated, a region centroid): name and province only
    assert (alpha.latitude, alpha.longitude, alpha.province) == (30.10, 67.00, "Balochistan")
    assert (beta.latitude, beta.longitude, beta.province) == (None, None, "Punjab")
    assert not beta.has_point
    # "Federal Capital & AJK" names two provinces, "Lahore" a postal circle: left to point-in-polygon
    assert (gamma.province, gamma.district) == (None, "Muzaffarabad")
    assert delta.province is None
    assert {place.kind for place in (alpha, beta, gamma, delta)} == {"locality"}


@pytest.mark.parametrize(
    ("text", "row", "column", "reason"),
    [
        ("name,latitude,longitude\nA,30.0,70.0\n,31.0,70.0\n", 3, "name", "empty name"),
        ("name,latitude,longitude\nA,thirty,70.0\n", 2, "latitude", "'thirty' is not a number"),
        ("name,latitude,longitude\nA,30.0,\n", 2, "longitude", "empty longitude"),
        ("name,latitude,longitude\nA,nan,70.0\n", 2, "latitude", "is not a number"),
        ("name,latitude,longitude\nA,70.5,30.2\n", 2, "latitude", "latitude and longitude look swapped"),
        ("name,latitude,longitude\nA,-30.5,70.2\n", 2, "latitude", "check the sign"),
        ("name,latitude,longitude,province\nA,30.0,70.0,Kabul\n", 2, "province", "'Kabul' is not a province"),
        ("name,latitude,longitude\nA,30.0,70.0,extra\n", 2, None, "4 values for 3 columns"),
        ("city,lat,lon\nA,30.0,70.0\n", 1, None, "the header needs name, latitude, longitude"),
    ],
)
def test_errors_name_the_row_and_the_column(
    tmp_path: Path, text: str, row: int, column: str | None, reason: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(PlacesFileError) as raised:
        read_places_csv(path, source="s")
    error = raised.value
    assert (error.path, error.row, error.column) == (str(path), row, column)
    assert reason in error.reason
    assert str(error).startswith(f"{path}: row {row}")
    assert isinstance(error, NigehbanError)


def test_a_bad_row_late_in_the_file_returns_nothing(tmp_path: Path) -> None:
    good = "".join(f"P{number} (SYNTHETIC),30.{number},70.0\n" for number in range(50))
    path = _write(tmp_path, "name,latitude,longitude\n" + good + "Bad,999,70.0\n")
    with pytest.raises(PlacesFileError, match="row 52, column 'latitude'"):
        read_places_csv(path, source="s")


def test_unreadable_files_are_reported_without_a_row(tmp_path: Path) -> None:
    with pytest.raises(PlacesFileError, match="cannot read the file") as missing:
        read_places_csv(tmp_path / "absent.csv", source="s")
    assert missing.value.row is None
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,latitude,longitude\nPeshāwar,34.0,71.5\n".encode("latin-1", errors="replace") + b"\xe9\n")
    with pytest.raises(PlacesFileError, match="not UTF-8"):
        read_places_csv(latin, source="s")
    with pytest.raises(PlacesFileError, match="the file is empty"):
        read_places_csv(_write(tmp_path, ""), source="s")
    with pytest.raises(PlacesFileError, match="malformed CSV"):
        read_places_csv(_write(tmp_path, 'name,latitude,longitude\n"A,30.0,70.0\n', name="quote.csv"), source="s")


def test_the_error_survives_pickling(tmp_path: Path) -> None:
    error = PlacesFileError(tmp_path / "p.csv", 3, "latitude", "bad")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.row, copy.column, str(copy)) == (3, "latitude", str(error))


@pytest.mark.data
def test_real_postal_gazetteer_reads_whole() -> None:
    path = shared_data("pak_geonames_postal_places.csv")
    places = read_places_csv(path, source="geonames postal")
    with path.open(encoding="utf-8") as handle:
        lines = sum(1 for line in handle if line.strip()) - 1
    assert len(places) == lines == 11844
    with_accuracy = sum(1 for line in path.read_text(encoding="utf-8").splitlines()[1:] if not line.endswith(","))
    assert sum(place.has_point for place in places) == with_accuracy
    provinces = {place.province for place in places}
    assert provinces <= {None, "Punjab", "Khyber Pakhtunkhwa", "Balochistan"}
