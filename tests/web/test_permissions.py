"""Every role against every API endpoint: permissions are enforced by the API, and a refused
request changes nothing.

The endpoints and the permission each needs are read from the application itself (each route
depends on ``require(permission)``), so a new endpoint is covered the day it is added — and an
endpoint without a permission fails :func:`test_every_api_endpoint_needs_a_permission`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from nigehban import Nigehban
from nigehban.auth.roles import ROLES, permissions_of
from nigehban.store.schema import Base
from nigehban.web import create_app
from nigehban.web.routes import ROUTERS

# signing in and out is for everyone; these need no permission
OPEN = {("POST", "/api/session"), ("GET", "/api/session"), ("DELETE", "/api/session"), ("POST", "/api/session/code")}


def _permission(route: APIRoute) -> str | None:
    def walk(dependant: Any) -> Iterator[str]:
        for dependency in dependant.dependencies:
            name = getattr(dependency.call, "__name__", "")
            if name.startswith("require_"):
                yield name.removeprefix("require_")
            yield from walk(dependency)

    found = list(walk(route.dependant))
    return found[0] if found else None


def _endpoints() -> list[tuple[str, str, str | None]]:
    # the routers the app includes (without prefixes, so a route's path is its URL)
    endpoints = []
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.path.startswith("/api/"):
                for method in sorted((route.methods or set()) - {"HEAD"}):
                    endpoints.append((method, route.path, _permission(route)))
    return endpoints


ENDPOINTS = _endpoints()


def _url(path: str) -> str:
    # any well-formed id: the permission is checked before the handler looks anything up
    return re.sub(r"\{[^}]+\}", "1", path)


def _snapshot(world: Nigehban) -> dict[str, int]:
    """Row counts of every table, and the newest change-log entry: what a refused request must not change."""
    counts = {}
    with world.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in {"login_attempts", "user_sessions", "app_secrets", "api_tokens"}:
                continue  # signing the test clients in writes these
            counts[table.name] = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        counts["incidents_updated"] = hash(
            connection.execute(sa.text("select max(updated_at) from incidents")).scalar_one()
        )
    return counts


def test_every_api_endpoint_needs_a_permission() -> None:
    unguarded = [(method, path) for method, path, permission in ENDPOINTS if permission is None]
    assert set(unguarded) <= OPEN, f"API endpoints with no permission check: {sorted(set(unguarded) - OPEN)}"
    assert len(ENDPOINTS) >= 10
    # and the schema the app publishes lists exactly these
    schema = create_app(Nigehban(database_url="sqlite:///:memory:")).openapi()
    published = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    assert published == {(method, path) for method, path, _ in ENDPOINTS}


GUARDED = [(method, path) for method, path, _ in ENDPOINTS if (method, path) not in OPEN]


@pytest.mark.parametrize(("method", "path"), GUARDED, ids=[f"{m} {p}" for m, p in GUARDED])
def test_anonymous_requests_get_401(web: TestClient, method: str, path: str) -> None:
    response = web.request(method, _url(path), json={} if method not in {"GET", "DELETE"} else None)
    assert response.status_code == 401, response.text


@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_endpoint(role: str, client: Callable[[str], TestClient], world: Nigehban) -> None:
    signed_in = client(role)
    allowed = permissions_of(role)
    checked = 0
    for method, path, permission in ENDPOINTS:
        if permission is None:
            continue
        if permission in allowed:
            if method == "GET":  # reading with a role that may: never refused (it may be 404 or 422 for id 1)
                response = signed_in.get(_url(path))
                assert response.status_code not in {401, 403}, (role, method, path, response.text)
                assert response.status_code < 500, (role, method, path, response.text)
                checked += 1
            continue
        before = _snapshot(world)
        response = signed_in.request(method, _url(path), json={} if method != "GET" else None)
        assert response.status_code == 403, (role, method, path, response.status_code, response.text)
        assert permission in response.json()["detail"]
        assert _snapshot(world) == before, (role, method, path)
        checked += 1
    assert checked > 0
