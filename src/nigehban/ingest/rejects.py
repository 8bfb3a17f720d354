"""Rejected rows: why a row was refused, and the rejects CSV an analyst can fix and re-import.

The rejects CSV has the file's own columns, then ``_row`` (the row in the original file, header =
row 1), ``_column`` and ``_reason``. Importers ignore columns they do not know, so the corrected
file imports as it is.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, select

from nigehban.errors import NigehbanError
from nigehban.store.schema import ImportBatch, ImportReject

__all__ = ["RejectedRow", "RejectsFile", "write_batch_rejects"]


@dataclasses.dataclass(frozen=True)
class RejectedRow:
    """A row an import refused (``kind="rejected"``) or passed over as out of scope (``"skipped"``)."""

    row: int
    column: str | None
    reason: str
    kind: str = "rejected"

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.reason}"


class RejectsFile:
    """Writes rejected rows, as read, with where and why."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self.path = path
        self._columns = list(columns)
        self._file: IO[str] = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self._writer = csv.writer(self._file)
        self._writer.writerow([*self._columns, "_row", "_column", "_reason"])

    def write(self, cells: Sequence[str], reject: RejectedRow) -> None:
        padded = list(cells) + [""] * (len(self._columns) - len(cells))
        self._writer.writerow([*padded, reject.row, reject.column or "", reject.reason])

    def close(self) -> None:
        self._file.close()


def write_batch_rejects(connection: Connection, batch_id: int, path: str | Path) -> int:
    """Write the rows an import batch refused to a rejects CSV; returns how many."""
    header = connection.execute(select(ImportBatch.header).where(ImportBatch.id == batch_id)).scalar_one_or_none()
    if header is None:
        raise NigehbanError(f"no import batch {batch_id}")
    rejects = RejectsFile(Path(path), header)
    count = 0
    try:
        rows = connection.execute(
            select(
                ImportReject.row_number,
                ImportReject.column,
                ImportReject.reason,
                ImportReject.kind,
                ImportReject.payload,
            )
            .where(ImportReject.batch_id == batch_id)
            .order_by(ImportReject.row_number)
        )
        for row_number, column, reason, kind, payload in rows:
            cells = json.loads(payload)
            rejects.write([cells.get(name, "") for name in header], RejectedRow(row_number, column, reason, kind))
            count += 1
    finally:
        rejects.close()
    return count
