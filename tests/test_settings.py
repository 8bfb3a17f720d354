"""Settings from the environment and from code; database URLs as users write them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from nigehban import Nigehban, Settings
from nigehban.settings import DEFAULT_DATABASE_FILE, normalise_database_url


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NIGEHBAN_DATABASE_URL", raising=False)
    settings = Settings()
    assert settings.database_url == f"sqlite:///{DEFAULT_DATABASE_FILE}"
    assert settings.database_path == Path(DEFAULT_DATABASE_FILE)
    assert settings.actor
    assert settings.import_batch_rows == 5000


def test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIGEHBAN_DATABASE_URL", "postgresql://ctd@db.local/nigehban")
    monkeypatch.setenv("NIGEHBAN_ACTOR", "analyst.peshawar")
    monkeypatch.setenv("NIGEHBAN_IMPORT_BATCH_ROWS", "100")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://ctd@db.local/nigehban"
    assert settings.database_path is None
    assert (settings.actor, settings.import_batch_rows) == ("analyst.peshawar", 100)


def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIGEHBAN_IMPORT_BATCH_ROWS", "0")
    with pytest.raises(ValidationError, match="import_batch_rows"):
        Settings()
    with pytest.raises(ValidationError, match="databse_url"):
        Settings(databse_url="x")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("store.db", "sqlite:///store.db"),
        ("/var/lib/nigehban/store.db", "sqlite:////var/lib/nigehban/store.db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///:memory:", "sqlite:///:memory:"),
    ],
)
def test_database_urls(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_app_takes_a_url_over_its_settings(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    app = Nigehban(Settings(actor="a"), database_url=str(path))
    assert app.settings.database_url == f"sqlite:///{path}"
    assert app.settings.actor == "a"
    app.init()
    assert path.exists()
    app.close()
