"""Writing and reading the append-only change log.

Every change to an incident after it was first imported (a corrected source row, a merge, an undo,
an analyst's edit) is written here with who, when, before and after. The database refuses updates
and deletes of this table (triggers created by the first migration).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, insert, select

from nigehban.store.schema import ChangeLogEntry, utcnow

__all__ = ["ChangeLogWriter", "history", "jsonable"]


def jsonable(value: Any) -> Any:
    """A field value as JSON can hold it (dates as ISO strings)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


class ChangeLogWriter:
    """Collects change-log entries and writes them in one statement on :meth:`flush`."""

    def __init__(
        self,
        connection: Connection,
        *,
        actor: str,
        batch_id: int | None = None,
        merge_id: int | None = None,
    ) -> None:
        self._connection = connection
        self._actor = actor
        self._batch_id = batch_id
        self._merge_id = merge_id
        self._rows: list[dict[str, Any]] = []

    def add(
        self,
        entity: str,
        entity_id: int,
        action: str,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        note: str | None = None,
        merge_id: int | None = None,
    ) -> None:
        self._rows.append(
            {
                "at": utcnow(),
                "actor": self._actor,
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "before": jsonable(before),
                "after": jsonable(after),
                "batch_id": self._batch_id,
                "merge_id": merge_id if merge_id is not None else self._merge_id,
                "note": note,
            }
        )

    def flush(self) -> None:
        if self._rows:
            self._connection.execute(insert(ChangeLogEntry), self._rows)
            self._rows = []


def history(connection: Connection, entity: str, entity_id: int) -> list[dict[str, Any]]:
    """Every change-log entry of one entity, oldest first."""
    table = ChangeLogEntry.__table__
    rows = connection.execute(
        select(table).where(table.c.entity == entity, table.c.entity_id == entity_id).order_by(table.c.id)
    )
    return [
        {
            "id": row.id,
            "at": row.at.isoformat(),
            "actor": row.actor,
            "action": row.action,
            "before": row.before,
            "after": row.after,
            "batch_id": row.batch_id,
            "merge_id": row.merge_id,
            "note": row.note,
        }
        for row in rows
    ]
