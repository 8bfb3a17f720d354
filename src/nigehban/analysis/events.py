"""The incident record as a table of events: what analysis and forecasting read.

One row per active incident (merged-away incidents are left out), with the fields the statistics use.
Counts that the sources did not report stay missing (``NaN``), never zero; callers decide whether a
missing toll counts as zero (a sum of fatalities) or is left out (a lethality per attack).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from nigehban.store.queries import IncidentFilter, filter_conditions
from nigehban.store.schema import INCIDENTS

__all__ = ["EVENT_COLUMNS", "SECURITY_TARGETS", "load_events"]

EVENT_COLUMNS = (
    "id",
    "date",
    "date_precision",
    "province",
    "district_pcode",
    "district",
    "tehsil_pcode",
    "latitude",
    "longitude",
    "geo_precision",
    "h3_res5",
    "h3_res6",
    "h3_res7",
    "h3_res8",
    "attack_type",
    "target_type",
    "weapon_type",
    "perpetrator",
    "suicide",
    "killed",
    "killed_perpetrators",
    "wounded",
    "killed_security",
)
"""The columns of :func:`load_events`, in order."""

SECURITY_TARGETS = frozenset({"police", "military"})
"""Target types counted as attacks on police and security forces (GTD codes FC, Levies and Rangers as military)."""


def load_events(engine: Engine, filter: IncidentFilter | None = None) -> pd.DataFrame:
    """Every active incident matching ``filter`` as a DataFrame of :data:`EVENT_COLUMNS`, sorted by date.

    ``date`` is a ``datetime64`` column; incidents without a date are left out (they cannot be placed
    in a period). ``security_target`` is added: True where the target is police or military.

    >>> from nigehban import Nigehban
    >>> with Nigehban(database_url="sqlite://") as app:
    ...     _ = app.init()
    ...     load_events(app.engine).shape[1] == len(EVENT_COLUMNS) + 1
    True
    """
    columns = [INCIDENTS.c[name] for name in EVENT_COLUMNS]
    query = select(*columns).where(*filter_conditions(filter or IncidentFilter()), INCIDENTS.c.date.is_not(None))
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(INCIDENTS.c.date, INCIDENTS.c.id)).all()
    frame = pd.DataFrame.from_records(rows, columns=list(EVENT_COLUMNS))
    frame["date"] = pd.to_datetime(frame["date"])
    for name in ("latitude", "longitude", "killed", "killed_perpetrators", "wounded", "killed_security"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    frame["suicide"] = frame["suicide"].astype("boolean")
    frame["security_target"] = frame["target_type"].isin(SECURITY_TARGETS)
    return frame
