"""The Pakistani Jundallah's canonical name is "Jundallah", as the sources (GTD among them) write it.

"Jundallah (Pakistan)" was our name for the group, to keep it apart from the Iranian Baloch group of
the same name; the Iranian group is not in the taxonomy, and a name no source uses made every export
and comparison with the sources differ. The group row is renamed (its aliases stay with it, and the
old name becomes an alias when ``nigehban init`` seeds the taxonomy), and the incidents attributed to
it take the new name, each change written to the change log.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OLD, NEW = "Jundallah (Pakistan)", "Jundallah"
ACTOR = "migration 0008"


def _rename(old: str, new: str) -> None:
    connection = op.get_bind()
    groups = sa.table("groups", sa.column("id", sa.Integer), sa.column("name", sa.String))
    incidents = sa.table(
        "incidents",
        sa.column("id", sa.Integer),
        sa.column("perpetrator", sa.String),
        sa.column("updated_at", sa.DateTime),
    )
    change_log = sa.table(
        "change_log",
        sa.column("at", sa.DateTime),
        sa.column("actor", sa.String),
        sa.column("entity", sa.String),
        sa.column("entity_id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("before", sa.JSON),
        sa.column("after", sa.JSON),
        sa.column("note", sa.Text),
    )
    if connection.execute(sa.select(groups.c.id).where(groups.c.name == new)).first() is None:
        connection.execute(sa.update(groups).where(groups.c.name == old).values(name=new))
    ids = list(connection.execute(sa.select(incidents.c.id).where(incidents.c.perpetrator == old)).scalars())
    if not ids:
        return
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    connection.execute(
        sa.update(incidents).where(incidents.c.perpetrator == old).values(perpetrator=new, updated_at=now)
    )
    connection.execute(
        sa.insert(change_log),
        [
            {
                "at": now,
                "actor": ACTOR,
                "entity": "incident",
                "entity_id": incident_id,
                "action": "edit",
                "before": {"perpetrator": old},
                "after": {"perpetrator": new},
                "note": f"the group's canonical name is now {new!r}",
            }
            for incident_id in ids
        ],
    )


def upgrade() -> None:
    _rename(OLD, NEW)


def downgrade() -> None:
    _rename(NEW, OLD)
