"""District indicator tables: columns, matching to districts, errors, and combining rows of one district."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nigehban.errors import IndicatorFileError
from nigehban.geo.boundaries import read_boundaries
from nigehban.geo.indicators import IndicatorRow, combine_by_pcode, is_rate_column, read_indicators
from tests.helpers import FIXTURES, shared_data

SYNTHETIC = FIXTURES / "geo" / "indicators_synthetic.csv"
CURRENT = {"PK901": "Synthetic West", "PK902": "Synthetic East", "PK903": "Synthetic North"}
CENSUS = "pak_census2023_district_indicators.csv"


def _resolver(calls: list[tuple[str, str | None]]) -> Callable[[str, str | None], str | None]:
    def resolve(name: str, province: str | None) -> str | None:
        calls.append((name, province))
        return {"SYNTHETIC NEW": "PK902", "SYNTHETIC STALE": "PK777"}.get(name)

    return resolve


def test_columns_values_and_matching() -> None:
    calls: list[tuple[str, str | None]] = []
    table = read_indicators(SYNTHETIC, district_pcodes=CURRENT, resolve_district=_resolver(calls))
    assert table.columns == [
        "area_sqkm",
        "pop_2023",
        "pop10plus_all",
        "literate10plus_all",
        "literacy_rate_all",
        "pop_density_per_sqkm",
        "urban_share",
    ]
    assert table.other_columns == ["remarks"]  # text only: not an indicator, not an error
    assert [(row.row, row.district, row.province, row.pcode, row.match_note) for row in table.rows] == [
        (2, "SYNTHETIC WEST", "Punjab", "PK901", "adm2_pcode"),
        (3, "SYNTHETIC EAST", "Khyber Pakhtunkhwa", "PK902", "adm2_pcode"),
        (4, "SYNTHETIC NEW", "Khyber Pakhtunkhwa", "PK902", "by name (adm2_pcode blank)"),
        (
            5,
            "SYNTHETIC LOST",
            "Khyber Pakhtunkhwa",
            None,
            "unmatched: adm2_pcode blank and no current district named 'SYNTHETIC LOST' in Khyber Pakhtunkhwa",
        ),
        (
            6,
            "SYNTHETIC STALE",
            "Sindh",
            None,
            "unmatched: adm2_pcode PK999 is not a current district and the name resolves to PK777,"
            " not a current district",
        ),
    ]
    # the resolver is asked only about rows without a usable pcode, with the canonical province
    assert calls == [
        ("SYNTHETIC NEW", "Khyber Pakhtunkhwa"),
        ("SYNTHETIC LOST", "Khyber Pakhtunkhwa"),
        ("SYNTHETIC STALE", "Sindh"),
    ]
    assert [row.district for row in table.unmatched] == ["SYNTHETIC LOST", "SYNTHETIC STALE"]
    west, lost, stale = table.rows[0], table.rows[3], table.rows[4]
    assert west.values["pop_2023"] == 1_000_000.0  # "1,000,000"
    assert west.values["literacy_rate_all"] == 0.6
    assert lost.values["literate10plus_all"] is None  # NA
    assert lost.values["literacy_rate_all"] is None
    assert stale.values["urban_share"] is None  # N/A
    assert all(set(row.values) == set(table.columns) for row in table.rows)


def test_without_boundaries_or_resolver() -> None:
    table = read_indicators(SYNTHETIC)
    # without district_pcodes every filled pcode is taken as it is, PK999 included
    assert [(row.pcode, row.match_note) for row in table.rows] == [
        ("PK901", "adm2_pcode"),
        ("PK902", "adm2_pcode"),
        (None, "unmatched: adm2_pcode blank and no name resolver"),
        (None, "unmatched: adm2_pcode blank and no name resolver"),
        ("PK999", "adm2_pcode"),
    ]


def test_a_stale_pcode_is_matched_by_name_when_the_name_resolves() -> None:
    table = read_indicators(SYNTHETIC, district_pcodes=CURRENT, resolve_district=lambda name, province: "PK903")
    stale = table.rows[4]
    assert (stale.pcode, stale.match_note) == ("PK903", "by name (adm2_pcode PK999 is not a current district)")


def test_combine_sums_counts_and_weights_rates() -> None:
    table = read_indicators(SYNTHETIC, district_pcodes=CURRENT, resolve_district=_resolver([]))
    combined = combine_by_pcode(table.rows)
    assert set(combined) == {"PK901", "PK902"}  # unmatched rows are left out
    assert combined["PK901"] == table.rows[0].values  # a single row as it is (it has no gaps)
    east = combined["PK902"]  # East (200,000 people, 400 km²) and New (300,000, 100 km²)
    assert east["pop_2023"] == 500_000
    assert east["area_sqkm"] == 500
    assert east["literate10plus_all"] == 217_000
    assert east["literacy_rate_all"] == pytest.approx((0.5 * 200_000 + 0.7 * 300_000) / 500_000)
    assert east["urban_share"] == pytest.approx(0.68)
    # a density is weighted by area, so it comes out as people over area
    assert east["pop_density_per_sqkm"] == pytest.approx(east["pop_2023"] / east["area_sqkm"])
    # other weights on request
    by_literate = combine_by_pcode(table.rows, weights_for={"literacy_rate_all": "pop10plus_all"})
    assert by_literate["PK902"]["literacy_rate_all"] == pytest.approx(217_000 / 350_000)


def test_combine_leaves_out_what_some_rows_lack() -> None:
    def row(pcode: str | None, **values: float | None) -> IndicatorRow:
        return IndicatorRow(2, None, "SYNTHETIC", pcode, "adm2_pcode", dict(values))

    rows = [
        row("PK1", pop_2023=100, households=10, literacy_rate=0.5),
        row("PK1", pop_2023=300, households=None, literacy_rate=0.7),
        row("PK2", pop_2023=None, households=5, literacy_rate=0.4),
        row("PK2", pop_2023=None, households=6, literacy_rate=0.6),
        row(None, pop_2023=1, households=1, literacy_rate=1.0),
    ]
    combined = combine_by_pcode(rows)
    # a household count for one of PK1's two parts is not PK1's count
    assert combined["PK1"] == {"pop_2023": 400, "literacy_rate": pytest.approx(0.65)}
    # no population to weight PK2's rate by: the rate is left out rather than guessed
    assert combined["PK2"] == {"households": 11}
    assert combine_by_pcode(rows, weights_column="households")["PK2"]["literacy_rate"] == pytest.approx(
        (0.4 * 5 + 0.6 * 6) / 11
    )


def test_rate_columns_by_name() -> None:
    rates = ["literacy_rate_all", "urban_share", "growth_rate_17_23_pct", "pop_density_per_sqkm", "no_toilet_share"]
    counts = ["pop_2023", "households", "hh_no_toilet", "out_of_school_5_16", "n_subunits", "area_sqkm", "literate"]
    assert [is_rate_column(name) for name in rates] == [True] * len(rates)
    assert [is_rate_column(name) for name in counts] == [False] * len(counts)


# ---------------------------------------------------------------- errors


def _write(tmp_path: Path, text: str, name: str = "indicators.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "row", "column", "message"),
    [
        ("district,pop\nA,5\nB,12%\n", 3, "pop", "'12%' is not a number"),
        ("district,pop\nA,1\nB,n.d.\n", 3, "pop", "'n.d.' is not a number"),
        ("district,pop\nA,1\nB,-\n", 3, "pop", "'-' is not a number"),
        ("district,pop\nA,1\nB,inf\n", 3, "pop", "'inf' is not a number"),
        ("district,pop\nA,1\nB,1.234.5\n", 3, "pop", "'1.234.5' is not a number"),
        ("district,pop\nA,1\n,2\n", 3, "district", "no district name"),
        ("district,pop\nA,1\nB\n", 3, None, "1 cells where the header has 2 columns"),
        ("district,pop\nA,1,7\n", 2, None, "3 cells where the header has 2 columns"),
    ],
)
def test_bad_values_name_file_row_and_column(
    tmp_path: Path, text: str, row: int, column: str | None, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(IndicatorFileError) as caught:
        read_indicators(path)
    error = caught.value
    assert (error.path, error.row, error.column) == (str(path), row, column)
    assert message in str(error)
    assert str(error).startswith(f"{path}: row {row}")


def test_missing_district_column_says_what_is_expected(tmp_path: Path) -> None:
    path = _write(tmp_path, "province,name_of_place,pop\nPUNJAB,A,1\n")
    with pytest.raises(
        IndicatorFileError, match="no district column: expected one of district, district_name, adm2_name"
    ):
        read_indicators(path)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(IndicatorFileError, match="no such file"):
        read_indicators(tmp_path / "missing.csv")
    with pytest.raises(IndicatorFileError, match="the file is empty"):
        read_indicators(_write(tmp_path, ""))


def test_padding_blank_columns_and_other_spellings(tmp_path: Path) -> None:
    text = "District_Name,ADM1_NAME,District_PCode,Population,Empty,Notes\nPeshawar,NWFP,PK528,1 ,,note\nX,,,NaN,,\n"
    table = read_indicators(_write(tmp_path, text))
    assert table.columns == ["Population"]
    assert table.other_columns == ["Empty", "Notes"]  # blank throughout, text only: not indicators, no error
    assert [(row.district, row.province, row.pcode, row.values) for row in table.rows] == [
        ("Peshawar", "Khyber Pakhtunkhwa", "PK528", {"Population": 1.0}),
        ("X", None, None, {"Population": None}),
    ]
    # a province that is not one is kept as written, for the resolver to judge
    odd = read_indicators(_write(tmp_path, "district,province,pop\nA,Atlantis,1\n", "odd.csv"))
    assert odd.rows[0].province == "Atlantis"
    assert odd.rows[0].match_note == "unmatched: no pcode column and no name resolver"


def test_an_xlsx_table(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["province", "district", "adm2_pcode", "pop_2023", "urban_share"])
    sheet.append(["Sindh", "SYNTHETIC A", "PK901", 1200, 0.25])
    sheet.append(["Sindh", "SYNTHETIC B", None, None, "NA"])
    path = tmp_path / "indicators.xlsx"
    workbook.save(path)
    table = read_indicators(path)
    assert [(row.row, row.district, row.pcode, row.values) for row in table.rows] == [
        (2, "SYNTHETIC A", "PK901", {"pop_2023": 1200.0, "urban_share": 0.25}),
        (3, "SYNTHETIC B", None, {"pop_2023": None, "urban_share": None}),
    ]


# ---------------------------------------------------------------- the real census file


@pytest.mark.data
def test_real_census_indicators() -> None:
    districts = read_boundaries(shared_data("geo/pak_adm2_districts.geojson"), level="district").units
    current = {unit.pcode: unit.name for unit in districts}
    path = shared_data(CENSUS)
    table = read_indicators(path, district_pcodes=current)
    assert len(table.rows) == 136
    assert len(table.columns) == 27
    assert table.other_columns == []
    assert {"pop_2023", "literacy_rate_all", "pop_density_per_sqkm", "no_toilet_share"} <= set(table.columns)
    assert not {"province", "division", "district", "geom_adm2_name", "adm2_pcode"} & set(table.columns)
    # every indicator of every row parsed: the file has no gaps
    assert all(value is not None for row in table.rows for value in row.values.values())
    # 134 rows carry the pcode of a current district (each a different one); Keamari and Sohbatpur,
    # districts created after the boundaries were drawn, have none and are listed, not dropped
    matched = [row.pcode for row in table.rows if row.pcode]
    assert len(matched) == len(set(matched)) == 134
    assert [(row.district, row.province, row.match_note) for row in table.unmatched] == [
        ("SOHBATPUR", "Balochistan", "unmatched: adm2_pcode blank and no name resolver"),
        ("KEAMARI", "Sindh", "unmatched: adm2_pcode blank and no name resolver"),
    ]
    assert {row.province for row in table.rows} == {
        "Balochistan",
        "Islamabad Capital Territory",
        "Khyber Pakhtunkhwa",
        "Punjab",
        "Sindh",
    }

    # Keamari was carved out of Karachi West (2020); the boundary district "West Karachi" holds both.
    west_karachi = next(unit.pcode for unit in districts if unit.name == "West Karachi")
    resolved = read_indicators(
        path,
        district_pcodes=current,
        resolve_district=lambda name, province: west_karachi if name == "KEAMARI" else None,
    )
    keamari = next(row for row in resolved.rows if row.district == "KEAMARI")
    assert (keamari.pcode, keamari.match_note) == (west_karachi, "by name (adm2_pcode blank)")
    assert [row.district for row in resolved.unmatched] == ["SOHBATPUR"]
    combined = combine_by_pcode(resolved.rows)
    assert len(combined) == 134
    parts = [row.values for row in resolved.rows if row.pcode == west_karachi]
    assert len(parts) == 2
    whole = combined[west_karachi]
    for count in ("pop_2023", "households", "literate10plus_all", "pop10plus_all", "area_sqkm"):
        values = [part[count] for part in parts]
        assert whole[count] == sum(value for value in values if value is not None)
    # the weighted rates come out close to the rates recomputed from the summed counts
    assert whole["literacy_rate_all"] == pytest.approx(whole["literate10plus_all"] / whole["pop10plus_all"], abs=0.002)
    assert whole["urban_share"] == pytest.approx(whole["urban_pop_2023"] / whole["pop_2023"], abs=0.001)
    assert whole["pop_density_per_sqkm"] == pytest.approx(whole["pop_2023"] / whole["area_sqkm"], rel=0.01)
