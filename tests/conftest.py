"""Shared fixtures: the app on a temporary SQLite file and on PostgreSQL, real data from ../shared.

Backends: every test that takes ``app`` runs on SQLite and on PostgreSQL. PostgreSQL is found at
``$NIGEHBAN_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``);
each test gets a schema of its own, dropped afterwards. ``NIGEHBAN_TEST_BACKENDS=sqlite`` limits
the run to SQLite. Where PostgreSQL or ../shared is missing the tests skip with the reason, except
under ``CI=true``, where they fail.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from nigehban import Nigehban, Settings
from tests.helpers import BACKENDS, POSTGRES_URL, CliResult, RunCli, unavailable


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[sa.Engine]:
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
    except Exception as error:
        engine.dispose()
        unavailable(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(error).__name__}")
    yield engine
    engine.dispose()


def _postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    engine: sa.Engine = request.getfixturevalue("postgres_engine")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'nigehban.db'}"
    elif request.param == "postgresql":
        yield from _postgres_url(request)
    else:
        raise ValueError(f"unknown backend {request.param!r} in NIGEHBAN_TEST_BACKENDS")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, actor="test-analyst")


@pytest.fixture
def app(settings: Settings) -> Iterator[Nigehban]:
    """An initialised Nigehban on an empty store (SQLite file and PostgreSQL)."""
    nigehban = Nigehban(settings)
    nigehban.init()
    yield nigehban
    nigehban.close()


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Nigehban]:
    """An initialised Nigehban on a SQLite file only, for tests about files and formats, not databases."""
    nigehban = Nigehban(Settings(database_url=f"sqlite:///{tmp_path / 'nigehban.db'}", actor="test-analyst"))
    nigehban.init()
    yield nigehban
    nigehban.close()


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """Run ``nigehban ARGS`` in-process through its real entry point; returns exit code and output."""
    from nigehban.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["nigehban", *args])
        monkeypatch.setenv("COLUMNS", "200")
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
