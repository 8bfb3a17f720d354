"""The ``nigehban`` command: a thin mirror of the Python API (one command, one library call)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from nigehban import __version__
from nigehban.cli import (
    analyze,
    dedupe,
    export,
    extract,
    facilities,
    forecast,
    geo,
    imports,
    incidents,
    jobs,
    plan,
    review,
    serve,
    store,
    users,
)
from nigehban.cli.common import err_console
from nigehban.errors import NigehbanError

__all__ = ["app", "main"]

app = typer.Typer(
    name="nigehban",
    help="Nigehban: the incident record, analysis and early warning for police counter-terrorism work.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nigehban {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL or SQLite path (default: $NIGEHBAN_DATABASE_URL, else ./nigehban.db).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    ctx.obj = {"database_url": db}


store.register(app)
imports.register(app)
incidents.register(app)
export.register(app)
dedupe.register(app)
geo.register(app)
forecast.register(app)
analyze.register(app)
extract.register(app)
review.register(app)
facilities.register(app)
plan.register(app)
users.register(app)
serve.register(app)
jobs.register(app)


def main() -> None:
    """Entry point: runs the command; a Nigehban error is one line on stderr and exit status 1.

    Usage errors (exit 2), ``--help`` and Ctrl-C ("Aborted!", exit 1) are Typer's own.
    """
    try:
        app()
    except NigehbanError as error:
        err_console().print(f"[bold red]error:[/] {error}", highlight=False)
        sys.exit(1)
