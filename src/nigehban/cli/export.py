"""``nigehban export incidents``."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Annotated

import typer

from nigehban.cli.common import err_console, get_app
from nigehban.cli.incidents import FilterOptions, build_filter
from nigehban.export import EXPORT_FORMATS, ExportError, check_export_format

__all__ = ["register"]

export_app = typer.Typer(help="Export incidents (CSV, JSON lines, GeoJSON).")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")


@export_app.command("incidents")
def export_incidents(
    ctx: typer.Context,
    format: Annotated[str, typer.Option("--format", "-f", help=f"Output format: {', '.join(EXPORT_FORMATS)}.")] = "csv",
    output: Annotated[
        str,
        typer.Option("--output", "-o", help="Write to this file (written whole or not at all); '-' is stdout."),
    ] = "-",
    since: FilterOptions.Since = None,
    until: FilterOptions.Until = None,
    province: FilterOptions.Province = None,
    district: FilterOptions.District = None,
    group: FilterOptions.Group = None,
    target: FilterOptions.Target = None,
    attack_type: FilterOptions.AttackType = None,
    dataset: FilterOptions.Dataset = None,
) -> None:
    """Active incidents matching the filters, oldest first, with their sources (`dataset:key`).

    Example: nigehban export incidents --format geojson --province KP -o kp.geojson
    """
    filter = build_filter(since, until, province, district, group, target, attack_type, dataset)
    nigehban = get_app(ctx)
    if output == "-":
        try:
            count = nigehban.export_incidents(sys.stdout, format=format, filter=filter)
            sys.stdout.flush()
        except BrokenPipeError:
            # the reader stopped early (`| head`): not an error; keep Python from complaining at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(code=1) from None
        destination = "stdout"
    else:
        check_export_format(format)  # before creating any file
        count = _export_to_file(
            Path(output), lambda handle: nigehban.export_incidents(handle, format=format, filter=filter)
        )
        destination = output
    err_console().print(f"exported {count:,} incidents ({format}) to {destination}", markup=False)


def _export_to_file(path: Path, write: Callable[[IO[str]], int]) -> int:
    """Write through a temporary file in the same directory, renamed over ``path`` only once complete.

    A failed or interrupted export leaves no half-written file (and an existing file untouched).
    """
    directory = path.parent
    if not directory.is_dir():
        raise ExportError(f"{path}: the directory {directory} does not exist")
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed or removed
            "w", encoding="utf-8", newline="", dir=directory, prefix=f".{path.name}.", suffix=".part", delete=False
        )
    except OSError as error:
        raise ExportError(f"{path}: cannot write in {directory}: {error.strerror}") from None
    try:
        with handle:
            count = write(handle)
        # temporary files are private (0600); the export gets the mode any new file would get
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)
        os.replace(handle.name, path)
    except BaseException as error:
        Path(handle.name).unlink(missing_ok=True)
        if isinstance(error, OSError):  # disk full, file too large, ...: one line, not a traceback
            raise ExportError(f"{path}: {error.strerror or error}") from error
        raise
    return count
