"""A small synthetic store for app-level forecasting tests: invented GTD-format rows over the synthetic
district boundaries of tests/fixtures/geo (nothing here is real)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from nigehban import Nigehban
from tests.helpers import FIXTURES

DISTRICTS = FIXTURES / "geo" / "districts_synthetic.geojson"
# points inside the synthetic districts, and how often each is attacked per month
PLACES = {"PK901": (30.5, 70.5, 0.9), "PK902": (30.5, 71.5, 0.4), "PK903": (31.5, 71.5, 0.1)}
HEADER = ["eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "latitude", "longitude",
          "specificity", "summary", "suicide", "attacktype1", "attacktype1_txt", "targtype1", "targtype1_txt", "gname",
          "weaptype1", "weaptype1_txt",
          "nkill", "nkillter", "nwound"]  # fmt: skip


def write_world(path: Path, *, first_year: int = 2008, last_year: int = 2011, seed: int = 4) -> Path:
    """Monthly attacks 2008-2011; a new group appears in PK903 in the last three months."""
    rng = random.Random(seed)
    rows = []
    serial = 0
    for year in range(first_year, last_year + 1):
        for month in range(1, 13):
            for pcode, (lat, lon, rate) in PLACES.items():
                if rng.random() >= rate:
                    continue
                serial += 1
                late = year == last_year and month >= 10
                group = "Lashkar-e-Jhangvi" if pcode == "PK903" and late else "Tehrik-i-Taliban Pakistan (TTP)"
                rows.append([f"{year}{month:02d}{serial:06d}", year, month, rng.randint(1, 28), "Pakistan", "Punjab",
                             "", lat, lon, 1, "SYNTHETIC", 0, 2, "Armed Assault", 3, "Police", group, 5, "Firearms",
                             rng.randint(0, 4), 0, 1])  # fmt: skip
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def fill(app: Nigehban, tmp_path: Path) -> None:
    app.import_boundaries(DISTRICTS, level="district")
    app.import_gtd(write_world(tmp_path / "world.csv"))
