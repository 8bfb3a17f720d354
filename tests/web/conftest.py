"""A demo world for the web tests, built once per backend, with one account of every role.

``client("analyst")`` is a TestClient signed in as that role's user (session cookie and CSRF
header set, as a browser with htmx would send them); ``anonymous`` is one signed in as nobody.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from nigehban import Nigehban, Settings
from nigehban.auth.accounts import ThrottleConfig
from nigehban.auth.roles import ROLES
from nigehban.web import WebConfig, create_app
from tests.conftest import _postgres_url
from tests.helpers import BACKENDS

PASSWORD = "a long test passphrase"
# every test client comes from one address: count per account only (one test checks per address)
CONFIG = WebConfig(throttle=ThrottleConfig(per_address=1_000_000))


def make_app(world: Nigehban, config: WebConfig = CONFIG, *, address: str = "testclient") -> TestClient:
    """A test client (from ``address``) over a fresh web app on ``world``."""
    return TestClient(create_app(world, config=config), base_url="http://testserver", client=(address, 50000))


@contextmanager
def demo_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, *, actor: str
) -> Iterator[Nigehban]:
    """The synthetic demo world (incidents, boundaries, facilities, audits) on the backend of
    ``request.param`` ("sqlite": a new file; "postgresql": a new schema, dropped afterwards)."""
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path_factory.mktemp('web') / 'nigehban.db'}"])
    else:
        urls = _postgres_url(request)
    nigehban = Nigehban(Settings(database_url=next(urls), actor=actor))
    nigehban.init()
    nigehban.demo()
    nigehban.demo_boundaries()
    try:
        yield nigehban
    finally:
        nigehban.close()
        for _ in urls:  # drops the PostgreSQL schema
            pass


@pytest.fixture(scope="session", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nigehban]:
    """The synthetic demo world (incidents, boundaries, facilities, audits) and a user per role."""
    with demo_store(request, tmp_path_factory, actor="test-setup") as nigehban:
        for role in ROLES:
            nigehban.create_user(role, role=role, password=PASSWORD, agency="Test CTD")
        yield nigehban


@pytest.fixture
def web(world: Nigehban) -> TestClient:
    """A client with no session."""
    return make_app(world)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    """Sign ``client`` in through the JSON endpoint and send the CSRF token on every request."""
    response = client.post("/api/session", json={"name": name, "password": password})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


@pytest.fixture
def client(world: Nigehban) -> Callable[[str], TestClient]:
    """``client(role)``: a fresh client signed in as the user of that role."""

    def make(role: str) -> TestClient:
        return sign_in(make_app(world), role)

    return make
