"""Streaming readers for the tabular files importers accept: CSV, XLSX, either gzip-compressed.

A reader yields ``(row_number, cells)`` where ``row_number`` is the row as a spreadsheet shows it
(the header is row 1, the first data row is row 2), so that messages and rejects point at the row
a person will look for. Nothing is read into memory whole, except a gzip-compressed XLSX (XLSX is
a zip archive and needs random access).

Text is decoded as UTF-8; a line that is not valid UTF-8 is decoded as Windows-1252 (falling back
to Latin-1), the encodings of GTD's and many agencies' spreadsheets.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_text("a,b\\n1,2\\n")
    >>> with open_table(path) as table:
    ...     table.columns, list(table.rows())
    (['a', 'b'], [(2, ['1', '2'])])
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import sys
import zipfile
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import IO, Any, cast

from nigehban.errors import ImportFormatError

__all__ = ["Table", "open_table"]

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # GTD summaries and notes can be long


class Table(AbstractContextManager["Table"]):
    """An open tabular file: its columns, its rows, and how far reading has got."""

    columns: list[str]
    total: int
    """Size of the work for progress: bytes of the file (CSV) or rows (XLSX)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._closers: list[Any] = []

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        raise NotImplementedError

    def position(self) -> int:
        """How much of :attr:`total` has been read."""
        raise NotImplementedError

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer.close()
        self._closers.clear()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _decode_lines(lines: Iterator[bytes]) -> Iterator[str]:
    for number, line in enumerate(lines):
        if number == 0 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError:
            try:
                yield line.decode("cp1252")
            except UnicodeDecodeError:
                yield line.decode("latin-1")


class CsvTable(Table):
    def __init__(self, path: Path, raw: IO[bytes], stream: IO[bytes]) -> None:
        super().__init__(path)
        self._raw = raw
        self._closers = [raw, stream]
        self.total = path.stat().st_size
        self._reader = csv.reader(_decode_lines(iter(stream)))
        self._row = 1
        try:
            header = next(self._reader)
        except StopIteration:
            raise ImportFormatError(path, "the file is empty") from None
        except (csv.Error, OSError, EOFError, gzip.BadGzipFile) as error:
            raise ImportFormatError(path, f"cannot read the header row as CSV: {error}") from None
        self.columns = [column.strip() for column in header]
        if not any(self.columns):
            raise ImportFormatError(path, "the header row (row 1) is blank")

    def position(self) -> int:
        return self._raw.tell()

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, OSError, EOFError, gzip.BadGzipFile) as error:
                raise ImportFormatError(self.path, f"row {self._row + 1}: cannot read as CSV: {error}") from None
            self._row += 1
            if cells:  # a blank line is not a row
                yield self._row, cells


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class XlsxTable(Table):
    def __init__(self, path: Path, source: Path | IO[bytes]) -> None:
        super().__init__(path)
        import openpyxl  # imported here: only XLSX imports pay for it
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
            raise ImportFormatError(path, f"cannot open as an XLSX workbook: {error}") from None
        self._closers = [workbook]
        sheet = workbook.worksheets[0]
        self.total = sheet.max_row or 0
        self._rows = sheet.iter_rows(values_only=True)
        self._row = 1
        try:
            header = next(self._rows)
        except StopIteration:
            raise ImportFormatError(path, "the first worksheet is empty") from None
        self.columns = [_cell_text(value).strip() for value in header]
        while self.columns and not self.columns[-1]:
            self.columns.pop()

    def position(self) -> int:
        return self._row

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.columns)
        for values in self._rows:
            self._row += 1
            cells = [_cell_text(value) for value in values]
            if not any(cells):
                continue
            # openpyxl pads or trims rows to the sheet's dimension; keep the header's width when the
            # extra cells are empty, otherwise let the importer report the mismatch.
            if len(cells) > width and not any(cells[width:]):
                cells = cells[:width]
            yield self._row, cells


def open_table(path: str | Path) -> Table:
    """Open a CSV or XLSX file (optionally gzip-compressed), telling the format from its content."""
    path = Path(path)
    try:
        raw: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by the Table
    except FileNotFoundError:
        raise ImportFormatError(path, "no such file") from None
    except IsADirectoryError:
        raise ImportFormatError(path, "is a directory, not a file") from None
    except OSError as error:
        raise ImportFormatError(path, f"cannot open: {error.strerror}") from None
    try:
        magic = raw.read(4)
        raw.seek(0)
        if magic.startswith(GZIP_MAGIC):
            stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
            try:
                inner_magic = stream.read(4)
            except (OSError, EOFError) as error:
                raise ImportFormatError(path, f"not a readable gzip file: {error}") from None
            if inner_magic.startswith(ZIP_MAGIC):
                stream.seek(0)
                data = io.BytesIO(stream.read())
                raw.close()
                return XlsxTable(path, data)
            stream.seek(0)
            return CsvTable(path, raw, stream)
        if magic.startswith(ZIP_MAGIC):
            # a file object, not the path: openpyxl refuses paths whose extension is not .xlsx
            table = XlsxTable(path, raw)
            table._closers.append(raw)
            return table
        return CsvTable(path, raw, raw)
    except BaseException:
        raw.close()
        raise
