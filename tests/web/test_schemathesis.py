"""schemathesis against the published OpenAPI schema: generated requests, valid and invalid,
to every operation, signed in as an admin (who may do everything). No answer may be a 5xx.

The store is this module's own demo world (the requests write at random), on each backend:
PostgreSQL refuses integers SQLite takes, and such differences must end in a 4xx too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

from nigehban import Nigehban
from nigehban.web import create_app
from tests.helpers import BACKENDS
from tests.web.conftest import CONFIG, PASSWORD, demo_store

SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", create_app(Nigehban(database_url="sqlite:///:memory:")))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]
# operations that run a solver or a model: fewer examples, each costs a second or more
SLOW = ("/api/plans", "/api/analysis/hotspots", "/api/forecasts/backtest")


@pytest.fixture(scope="module", params=BACKENDS)
def fuzzed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    """The web app over a demo world of its own, and an admin's bearer token."""
    with demo_store(request, tmp_path_factory, actor="fuzz") as nigehban:
        nigehban.create_user("fuzz-admin", role="admin", password=PASSWORD)
        token = nigehban.create_api_token("fuzz-admin", label="schemathesis")
        yield create_app(nigehban, config=CONFIG), token


def test_the_schema_is_published_and_lists_the_api(fuzzed: tuple[object, str]) -> None:
    assert len(OPERATIONS) >= 10
    assert all(operation.path.startswith("/api/") for operation in OPERATIONS)


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.label for operation in OPERATIONS])
def test_no_generated_request_gets_a_server_error(
    fuzzed: tuple[object, str], operation: object, tmp_path: Path
) -> None:
    app, token = fuzzed
    bound = schemathesis.openapi.from_asgi("/openapi.json", app).find_operation_by_label(operation.label)  # type: ignore[attr-defined]
    assert bound is not None
    strategy = st.one_of(
        bound.as_strategy(generation_mode=GenerationMode.POSITIVE),
        bound.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )
    examples = 6 if any(operation.path.startswith(slow) for slow in SLOW) else 40  # type: ignore[attr-defined]

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        # the same examples on every run: a failure in CI is a failure here too
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} {case.query} {case.body!r}: {response.status_code} {response.text}"
        )

    check()
