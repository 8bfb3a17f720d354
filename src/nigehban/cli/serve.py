"""``nigehban serve``: the web dashboard and API (uvicorn) over this store."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from nigehban.cli.common import err_console, get_app

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes (one per core is right).")] = 1,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Send cookies only over HTTPS (default: when the request came over HTTPS).",
            show_default=False,
        ),
    ] = None,
    trust_proxy: Annotated[
        bool, typer.Option("--trust-proxy", help="Behind your own reverse proxy: take client addresses from it.")
    ] = False,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn's log level.")] = "info",
    jobs: Annotated[
        bool,
        typer.Option(
            "--jobs/--no-jobs",
            help="Do the forecasts and backtests asked for from the pages in each worker "
            "(--no-jobs: leave them to `nigehban jobs work`).",
        ),
    ] = True,
) -> None:
    """Serve the web dashboard and the REST API (OpenAPI schema at /openapi.json).

    Sign in with an account made by `nigehban users create NAME --role ROLE`.
    """
    import uvicorn

    app = get_app(ctx)
    app.ready()  # refuse to start on a store that needs `nigehban init`
    # every worker builds its own app object from the environment: hand the store on that way
    os.environ["NIGEHBAN_DATABASE_URL"] = app.settings.database_url
    if secure_cookies is not None:
        os.environ["NIGEHBAN_WEB_SECURE_COOKIES"] = "true" if secure_cookies else "false"
    if trust_proxy:
        os.environ["NIGEHBAN_WEB_TRUST_PROXY"] = "true"
    os.environ["NIGEHBAN_WEB_RUN_JOBS"] = "true" if jobs else "false"
    accounts = len(app.users())
    shown = "localhost" if host in {"127.0.0.1", "::1"} else host
    err_console().print(f"Nigehban at http://{shown}:{port}/  (store {app.settings.database_url}, {accounts} accounts)")
    if accounts == 0:
        err_console().print("No accounts yet: `nigehban users create NAME --role admin` makes the first one.")
    app.close()
    uvicorn.run(
        "nigehban.web.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        server_header=False,
        proxy_headers=trust_proxy,
    )
