"""Raw payloads: a source record keeps its row's cells exactly as read, in the file's column order.

The cells are stored as a JSON array; the column names are stored once, on the import batch that
last wrote the payload (``source_records.last_batch_id`` → ``import_batches.header``). Keeping the
names once per file rather than once per row halves what a large import writes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, select

from nigehban.store.schema import BATCHES

__all__ = ["batch_headers", "payload_cells"]


def payload_cells(header: Sequence[str], payload: str) -> dict[str, str]:
    """The non-empty cells of a stored payload by column name.

    >>> payload_cells(["eventid", "city", "nkill"], '["201201010001","Peshawar",""]')
    {'eventid': '201201010001', 'city': 'Peshawar'}
    """
    cells: list[Any] = orjson.loads(payload)
    return {column: cell for column, cell in zip(header, cells, strict=False) if cell != ""}


def batch_headers(connection: Connection, batch_ids: Collection[int]) -> dict[int, list[str]]:
    """The column names of the given import batches."""
    if not batch_ids:
        return {}
    rows = connection.execute(
        select(BATCHES.c.id, BATCHES.c.header).where(BATCHES.c.id.in_(bindparam("ids", expanding=True))),
        {"ids": list(batch_ids)},
    )
    return {batch_id: list(header or []) for batch_id, header in rows}
