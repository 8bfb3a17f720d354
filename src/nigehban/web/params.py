"""Parameter types every route shares, with the limits the databases impose.

PostgreSQL's ``integer`` holds up to 2**31 - 1: a larger id in a URL would fail in the database,
so it is refused at the door with a 422 instead.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

__all__ = ["MAX_ID", "OptionalRowIdQuery", "RowId"]

MAX_ID = 2**31 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="a row id (from 1)")]
"""An id in a URL path (``/api/incidents/{incident_id}``)."""

OptionalRowIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
"""An optional id in the query string."""
