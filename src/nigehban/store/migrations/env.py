"""Alembic environment: migrations run on the connection Nigehban hands over (see store/database.py)."""

from __future__ import annotations

from alembic import context

from nigehban.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
