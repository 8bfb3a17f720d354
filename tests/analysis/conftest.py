"""A small SYNTHETIC store for the analysis tests: invented incidents in the invented districts of
``tests/fixtures/geo/districts_synthetic.geojson``, written as a GTD-format CSV and imported through the
real pipeline (so that both backends store and read them as real imports would)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from nigehban import Nigehban, Settings
from tests.helpers import FIXTURES, GTD_PAKISTAN, shared_data

TARGET_CODES = {"Police": "3", "Military": "4", "Business": "1", "Private Citizens & Property": "14"}
SYNTHETIC_DISTRICTS = FIXTURES / "geo" / "districts_synthetic.geojson"
HEADER = (FIXTURES / "gtd_synthetic_sample.csv").read_text().splitlines()[0].split(",")

# (date, latitude, longitude, target, group, killed, wounded): hand-countable, invented
WEST, EAST, NORTH = (30.5, 70.5), (30.5, 71.5), (31.5, 71.5)
INCIDENTS: list[tuple[str, tuple[float, float], str, str, str, str]] = [
    ("2010-01-10", WEST, "Police", "Tehrik-i-Taliban Pakistan (TTP)", "2", "1"),
    ("2010-02-11", WEST, "Police", "Unknown", "4", "0"),
    ("2010-05-03", WEST, "Private Citizens & Property", "Unknown", "", "3"),
    ("2010-11-20", EAST, "Military", "Tehrik-i-Taliban Pakistan (TTP)", "6", "2"),
    ("2011-03-01", NORTH, "Business", "Tehrik-i-Taliban Pakistan (TTP)", "0", "0"),
    ("2011-03-05", NORTH, "Police", "Tehrik-i-Taliban Pakistan (TTP)", "1", "5"),
    ("2011-08-15", WEST, "Business", "Unknown", "1", ""),
    ("2012-07-01", EAST, "Police", "Tehrik-i-Taliban Pakistan (TTP)", "3", "0"),
]
"""Per year: 2010 four attacks (three in West), 2011 three, 2012 one; police or military: 2010 3, 2011 1, 2012 1."""


def write_gtd(path: Path) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        for number, (date, (latitude, longitude), target, group, killed, wounded) in enumerate(INCIDENTS, 1):
            year, month, day = date.split("-")
            writer.writerow(
                {
                    "eventid": f"{year}{month}{day}{number:04d}",
                    "iyear": year,
                    "imonth": str(int(month)),
                    "iday": str(int(day)),
                    "country_txt": "Pakistan",
                    "provstate": "Khyber Pakhtunkhwa",
                    "city": "",
                    "latitude": str(latitude),
                    "longitude": str(longitude),
                    "specificity": "1",
                    "summary": "SYNTHETIC: invented incident for the analysis tests.",
                    "suicide": "0",
                    "attacktype1": "3",
                    "attacktype1_txt": "Bombing/Explosion",
                    "targtype1": TARGET_CODES[target],
                    "targtype1_txt": target,
                    "gname": group,
                    "nkill": killed,
                    "nwound": wounded,
                }
            )
    return path


@pytest.fixture
def synthetic_app(app: Nigehban, tmp_path: Path) -> Nigehban:
    """The ``app`` (both backends) with the synthetic districts and :data:`INCIDENTS`."""
    app.import_boundaries(SYNTHETIC_DISTRICTS, level="district")
    report = app.import_gtd(write_gtd(tmp_path / "synthetic_gtd.csv"))
    assert report.inserted == len(INCIDENTS), report
    return app


@pytest.fixture(scope="session")
def gtd_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nigehban]:
    """Real GTD Pakistan 1970-2012 with the real district boundaries, read in place from ../shared (SQLite;
    built once per session: about 4 s)."""
    districts = shared_data("geo/pak_adm2_districts.geojson")
    gtd = shared_data(GTD_PAKISTAN)
    path = tmp_path_factory.mktemp("gtd") / "gtd.db"
    app = Nigehban(Settings(database_url=f"sqlite:///{path}", actor="test-analyst"))
    app.init()
    app.import_boundaries(districts, level="district")
    app.import_gtd(gtd)
    yield app
    app.close()
