"""Charts are written offline as real SVG and PNG files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nigehban.analysis.charts import save_chart
from nigehban.analysis.knox import knox_test
from nigehban.analysis.spread import compute_spread
from nigehban.analysis.trends import compute_trends
from nigehban.errors import InvalidFieldValue

EVENTS = pd.DataFrame(
    {
        "id": [1, 2, 3, 4],
        "date": pd.to_datetime(["2010-01-05", "2010-01-09", "2011-03-01", "2012-07-01"]),
        "killed": [2.0, 1.0, 0.0, 3.0],
        "wounded": [1.0, 0.0, 2.0, 0.0],
        "security_target": [True, False, True, False],
        "district_pcode": ["A", "A", "B", "C"],
        "district": ["Alpha", "Alpha", "Beta", "Gamma"],
        "latitude": [30.0, 30.001, 31.0, 32.0],
        "longitude": [70.0, 70.0, 71.0, 69.0],
        "geo_precision": ["town"] * 4,
        "date_precision": ["day"] * 4,
    }
)


def test_svg_and_png_by_suffix(tmp_path: Path) -> None:
    svg = save_chart(compute_trends(EVENTS), tmp_path / "trends.svg")
    assert svg.read_text().lstrip().startswith("<svg")
    png = save_chart(compute_spread(EVENTS, group="Example"), tmp_path / "spread.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    knox = save_chart(knox_test(EVENTS, distance_km=1.0, days=7, permutations=9), tmp_path / "knox.SVG")
    assert "Knox" in knox.read_text()


def test_other_suffixes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidFieldValue, match=r"\.svg or \.png"):
        save_chart(compute_trends(EVENTS), tmp_path / "trends.pdf")
    assert not (tmp_path / "trends.pdf").exists()
