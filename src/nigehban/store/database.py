"""Engines and schema migrations.

SQLite is opened in WAL mode with foreign keys on, so that readers (the CLI, later the web app)
are not blocked by an import; PostgreSQL goes through psycopg 3. The schema is created and upgraded
only by Alembic (``nigehban init`` / :meth:`nigehban.Nigehban.init`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection

from nigehban.errors import DatabaseNotInitialised, SchemaOutdated

__all__ = ["create_store_engine", "current_revision", "head_revision", "require_schema", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # 16 KiB pages: source rows of 1-3 KB fit without overflow chains (a new file only; an existing
    # file keeps its page size)
    cursor.execute("PRAGMA page_size=16384")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 128 MiB of page cache (the default is 2 MiB): large imports insert into indexes in key order,
    # not file order, and would otherwise re-read index pages from disk for every batch
    cursor.execute("PRAGMA cache_size=-131072")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def create_store_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the connection settings Nigehban relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration this version of Nigehban ships."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or ``None`` for a database Nigehban has not initialised."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Create or upgrade the schema to the newest migration and return its revision."""
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "head")
    revision = current_revision(engine)
    assert revision is not None
    return revision


def require_schema(engine: Engine) -> None:
    """Raise a clear error unless the database is at the schema this version expects."""
    revision = current_revision(engine)
    head = head_revision()
    if revision == head:
        return
    if revision is None:
        tables = set(inspect(engine).get_table_names())
        detail = "it has other tables" if tables else "it is empty"
        raise DatabaseNotInitialised(
            f"the database {engine.url.render_as_string(hide_password=True)} has no Nigehban schema "
            f"({detail}); run `nigehban init`"
        )
    raise SchemaOutdated(
        f"the database is at schema revision {revision}, this version expects {head}; run `nigehban init` to upgrade"
    )
