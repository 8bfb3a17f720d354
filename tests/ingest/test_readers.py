"""Reading CSV and XLSX files as a person would: encodings, BOMs, compression, row numbers."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from nigehban import ImportFormatError
from nigehban.ingest.readers import open_table


def _read(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with open_table(path) as table:
        return table.columns, list(table.rows())


def test_row_numbers_are_spreadsheet_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"two\nlines"\n\n3,4\n')
    columns, rows = _read(path)
    assert columns == ["a", "b"]
    # the quoted newline belongs to one record; the blank line is not a row but counts as one
    assert rows == [(2, ["1", "two\nlines"]), (4, ["3", "4"])]


def test_utf8_with_bom_and_windows_1252_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(
        "\ufeffcity,note\n".encode() + "Peshāwar,ok\n".encode() + "Quetta,caf\xe9 \x93quoted\x94\n".encode("latin-1")
    )
    columns, rows = _read(path)
    assert columns == ["city", "note"]
    assert rows == [(2, ["Peshāwar", "ok"]), (3, ["Quetta", "café “quoted”"])]


def test_gzip_is_recognised_by_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"  # no .gz in the name
    path.write_bytes(gzip.compress(b"a,b\n1,2\n"))
    assert _read(path) == (["a", "b"], [(2, ["1", "2"])])


def test_xlsx_cells_become_text(tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["eventid", "when", "lat", "note"])
    sheet.append([201201010001, dt.datetime(2012, 1, 1), 34.5, None])
    sheet.append([None, None, None, None])
    sheet.append([2.0, dt.date(2012, 1, 2), 0.25, "x"])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    assert _read(path) == (
        ["eventid", "when", "lat", "note"],
        [(2, ["201201010001", "2012-01-01", "34.5", ""]), (4, ["2", "2012-01-02", "0.25", "x"])],
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x1f\x8bnot really gzip", "gzip"),
        (b"PK\x03\x04not a workbook", "XLSX"),
        (b",,,\n1,2,3\n", "header row"),
    ],
)
def test_unreadable_files_are_refused_with_the_file_named(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFormatError, match=message) as error:
        _read(path)
    assert error.value.path == str(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="no such file"):
        _read(tmp_path / "absent.csv")
    with pytest.raises(ImportFormatError, match="is a directory"):
        _read(tmp_path)
