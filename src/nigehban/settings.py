"""Settings, read from the environment (``NIGEHBAN_*``) or passed in.

Every setting is listed in ``docs/settings.md``; a test keeps that page and this class in step.

Example:
    >>> from nigehban.settings import Settings
    >>> Settings(database_url="sqlite:///:memory:").database_url
    'sqlite:///:memory:'
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_DATABASE_FILE", "Settings", "default_actor", "normalise_database_url"]

DEFAULT_DATABASE_FILE = "nigehban.db"


def default_actor() -> str:
    """The operating-system user name, used as "who" in the change log when none is set."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return os.environ.get("USER", "unknown")


def normalise_database_url(url: str) -> str:
    """Accept the URL forms users write and return the one SQLAlchemy needs.

    A bare path becomes a SQLite URL; ``postgresql://`` and ``postgres://`` use psycopg 3.

    >>> normalise_database_url("store.db")
    'sqlite:///store.db'
    >>> normalise_database_url("postgresql://localhost/test")
    'postgresql+psycopg://localhost/test'
    """
    url = url.strip()
    if "://" not in url:
        return f"sqlite:///{url}"
    scheme, rest = url.split("://", 1)
    if scheme in {"postgresql", "postgres"}:
        return f"postgresql+psycopg://{rest}"
    return url


class Settings(BaseSettings):
    """Nigehban's settings. Environment variables are the field names upper-cased with ``NIGEHBAN_``."""

    model_config = SettingsConfigDict(env_prefix="NIGEHBAN_", extra="forbid")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATABASE_FILE}",
        description=(
            "Where the store lives. A SQLite file (default `nigehban.db` in the working directory, in WAL "
            "mode) or PostgreSQL (`postgresql+psycopg://user@host:5432/db`). A bare path means SQLite."
        ),
    )
    actor: str = Field(
        default_factory=default_actor,
        description="Who is recorded in the change log for changes made by this process (default: the OS user).",
    )
    import_batch_rows: int = Field(
        default=5000,
        ge=1,
        description=(
            "Rows written per transaction by importers. An interrupted import keeps every finished batch; "
            "running it again completes it."
        ),
    )

    import_parallel_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=0,
        description=(
            "Files at least this large (bytes) are read and mapped in a second process while the first writes "
            "to the database, using two cores; smaller files are read in one process, which starts faster."
        ),
    )

    checklist: Path | None = Field(
        default=None,
        description=(
            "The audit checklist (TOML) audits are made with; default the packaged police-facility checklist. "
            "An audit keeps the id and version of its checklist."
        ),
    )
    catalogue: Path | None = Field(
        default=None,
        description=(
            "The countermeasure catalogue (TOML) hardening plans choose from; default the packaged catalogue "
            "(`nigehban plan catalogue --write FILE` copies it for editing)."
        ),
    )

    evidence_dir: Path | None = Field(
        default=None,
        description=(
            "Where photographs uploaded as audit evidence through the web app are kept (a folder per audit). "
            "Default: `evidence/` beside a SQLite store, `nigehban-evidence/` in the working directory otherwise."
        ),
    )

    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "The key that signs the web app's session cookies. Default: a random key the store makes on first "
            "use and shares with every worker; set it to rotate the key (every browser then signs in again)."
        ),
    )

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @property
    def database_path(self) -> Path | None:
        """The SQLite file, or ``None`` for other databases and in-memory SQLite."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            return None
        path = self.database_url[len(prefix) :]
        return None if path in {"", ":memory:"} else Path(path)
