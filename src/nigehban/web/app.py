"""Building the FastAPI application: middleware, error handlers, static files and every router.

Every page is a thin route over a core function, and every page has a JSON twin under ``/api/``
rendered from the same data. Routes state their permission (:func:`nigehban.web.security.require`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from nigehban import __version__
from nigehban.app import Nigehban
from nigehban.settings import Settings
from nigehban.web.config import WebConfig
from nigehban.web.errors import install_error_handlers
from nigehban.web.pages import STATIC
from nigehban.web.security import BodyLimitMiddleware, SecurityHeadersMiddleware

__all__ = ["create_app", "create_app_from_environment"]

DESCRIPTION = """\
The Nigehban API: the incident record, analysis, forecasts and alerts, the review queue of
incidents extracted from reports, and the protection of police facilities.

Authenticate with a browser session (sign in at `/login`) or a bearer token
(`Authorization: Bearer TOKEN`; `nigehban users token NAME` makes one). Without either, every
`/api/` endpoint answers 401; a role without the permission an endpoint needs gets 403.
A browser's POST, PUT, PATCH and DELETE must send the session's CSRF token in `X-CSRF-Token`.
"""


def create_app(nigehban: Nigehban | None = None, *, config: WebConfig | None = None) -> FastAPI:
    """The web application over ``nigehban`` (default: one built from the environment).

    Args:
        nigehban: the app object whose store the web app serves.
        config: sessions, throttling, body limit, cookies (:class:`~nigehban.web.config.WebConfig`).
    """
    from nigehban.web.routes import ROUTERS

    nigehban = nigehban or Nigehban()
    config = config or WebConfig()
    web = FastAPI(
        title="Nigehban",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # the interactive docs load scripts from a CDN; the schema is at /openapi.json
        redoc_url=None,
        lifespan=_job_worker(nigehban) if config.run_jobs else None,
    )
    web.state.nigehban = nigehban
    web.state.config = config
    web.state.cookie_serializer = None
    install_error_handlers(web)
    for router in ROUTERS:
        web.include_router(router)
    web.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    web.add_middleware(BodyLimitMiddleware, max_bytes=web.state.config.max_body_bytes)
    web.add_middleware(SecurityHeadersMiddleware)
    return web


def _job_worker(nigehban: Nigehban) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan that runs a job worker while the app is served (each job in a child process; a store
    in memory, which a child cannot open, in this one)."""

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        from nigehban.jobs import JobRunner

        in_memory = (
            nigehban.settings.database_url.startswith("sqlite://") and ":memory:" in nigehban.settings.database_url
        )
        runner = JobRunner(nigehban, isolate=not in_memory)
        runner.start()
        try:
            yield
        finally:
            runner.stop()

    return lifespan


def create_app_from_environment() -> FastAPI:
    """Factory for uvicorn workers: the store from ``NIGEHBAN_DATABASE_URL`` (``nigehban serve`` sets it)."""
    settings = Settings()
    nigehban = Nigehban(settings)
    nigehban.ready()
    config = WebConfig(
        secure_cookies=_env_bool("NIGEHBAN_WEB_SECURE_COOKIES"),
        trust_proxy_headers=_env_bool("NIGEHBAN_WEB_TRUST_PROXY") or False,
        run_jobs=_env_bool("NIGEHBAN_WEB_RUN_JOBS") or False,
    )
    return create_app(nigehban, config=config)


def _env_bool(name: str) -> bool | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return None
    return value.lower() in {"1", "true", "yes", "on"}
