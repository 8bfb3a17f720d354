"""``nigehban geo ...``: boundaries, places, place resolution, backfill, neighbours, indicators."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from nigehban.cli.common import err_console, get_app, out_console, print_json, progress_bar

__all__ = ["register"]

geo_app = typer.Typer(
    help="Geography: import boundaries and places, resolve place names, backfill incidents, "
    "district neighbours and indicators.",
    no_args_is_help=True,
)

LevelName = Literal["province", "district", "tehsil"]


def register(app: typer.Typer) -> None:
    app.add_typer(geo_app, name="geo")


@geo_app.command("import-boundaries")
def import_boundaries(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A COD-AB or geoBoundaries GeoJSON file (EPSG:4326).")],
    level: Annotated[LevelName, typer.Option("--level", help="The administrative level the file holds.")],
    pcode_property: Annotated[
        str | None, typer.Option("--pcode-property", help="Property holding the unit's code (default: adm{n}_pcode).")
    ] = None,
    name_property: Annotated[
        str | None, typer.Option("--name-property", help="Property holding the unit's name (default: adm{n}_name).")
    ] = None,
) -> None:
    """Import the boundaries of one level as its current version. The file is checked whole first:
    nothing is written if any feature is malformed. Run `nigehban geo backfill` afterwards to give the
    incidents already stored their districts."""
    app = get_app(ctx)
    version = app.import_boundaries(path, level=level, pcode_property=pcode_property, name_property=name_property)
    console = err_console()
    console.print(
        f"[bold]{level}[/] boundaries {path}: {version.unit_count:,} units imported as version {version.id}"
        + (f" (valid on {version.valid_on})" if version.valid_on else ""),
        highlight=False,
    )
    for skipped in version.skipped:
        console.print(
            f"  skipped feature {skipped['feature']} ({skipped['name']}): {skipped['reason']}",
            markup=False,
            highlight=False,
        )
    for repaired in version.repaired:
        console.print(f"  repaired: {repaired}", markup=False, highlight=False)
    crosswalk = [entry for entry in app.boundary_crosswalk(level=level) if entry.to_version_id == version.id]
    if crosswalk:
        console.print(f"  crosswalk from the previous version: {len(crosswalk):,} overlaps (`geo crosswalk`)")
    if app.summary().incidents:
        console.print("  incidents already stored keep their old geography until `nigehban geo backfill`")


@geo_app.command("boundaries")
def boundaries(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the imported boundary versions (the current one of each level is in use)."""
    versions = get_app(ctx).boundary_versions()
    if json_output:
        print_json([dataclasses.asdict(version) | {"imported_at": str(version.imported_at)} for version in versions])
        return
    table = Table(title="Boundary versions")
    for column in ("version", "level", "units", "skipped", "repaired", "valid on", "current", "file", "imported"):
        table.add_column(column)
    for version in versions:
        table.add_row(
            str(version.id),
            version.level,
            f"{version.unit_count:,}",
            str(len(version.skipped)),
            str(len(version.repaired)),
            version.valid_on or "",
            "yes" if version.current else "",
            version.source_path,
            version.imported_at.strftime("%Y-%m-%d %H:%M"),
        )
    if not versions:
        err_console().print("no boundaries imported: `nigehban geo import-boundaries PATH --level district`")
        return
    out_console().print(table)


@geo_app.command("crosswalk")
def crosswalk(
    ctx: typer.Context,
    level: Annotated[LevelName, typer.Option("--level", help="Level of the boundaries.")] = "district",
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """How the units of older boundary versions map onto newer ones (share of the old unit's area)."""
    entries = get_app(ctx).boundary_crosswalk(level=level)
    if json_output:
        print_json([dataclasses.asdict(entry) for entry in entries])
        return
    table = Table(title=f"{level.capitalize()} crosswalk")
    for column in ("from version", "from", "to version", "to", "share"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            str(entry.from_version_id),
            f"{entry.from_name} ({entry.from_pcode})",
            str(entry.to_version_id),
            f"{entry.to_name} ({entry.to_pcode})",
            f"{entry.share:.1%}",
        )
    out_console().print(table)


@geo_app.command("import-places")
def import_places(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="CSV of places: GeoNames postal form, or name,latitude,longitude,...")],
    source: Annotated[
        str | None, typer.Option("--source", help="Name for these places (default: the file's name); replaces it.")
    ] = None,
) -> None:
    """Add places to the gazetteer (e.g. the GeoNames postal gazetteer); re-importing a source replaces it."""
    count = get_app(ctx).import_places(path, source=source)
    err_console().print(f"{count:,} places imported from {path} as {source or path.stem!r}", highlight=False)


@geo_app.command("resolve")
def resolve(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help='A place as reported, e.g. "Jamrud, Khyber" or "DI Khan".')],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show what a place string resolves to: province, district, tehsil, coordinates, precision, confidence."""
    resolution = get_app(ctx).resolve_place(text)
    if json_output:
        print_json(resolution.as_dict())
        return
    table = Table(title=f"{text!r}", show_header=False)
    table.add_column("field")
    table.add_column("value")
    for name, value in resolution.as_dict().items():
        if name == "flags":
            value = "; ".join(value) if value else ""
        table.add_row(name, "" if value is None else str(value))
    out_console().print(table)
    if resolution.method == "none":
        raise typer.Exit(3)


@geo_app.command("backfill")
def backfill(ctx: typer.Context) -> None:
    """Resolve the place of every stored source record again (after boundaries or places were imported)
    and update incidents; an analyst's corrections stay. Running it twice changes nothing the second time."""
    with progress_bar("backfill", unit_bytes=False) as progress:
        report = get_app(ctx).backfill_geography(progress=progress)
    err_console().print(
        f"{report.source_records:,} source records: {report.with_district:,} in a district, "
        f"{report.records_changed:,} changed, {report.incidents_changed:,} incidents updated, "
        f"{report.kept:,} analyst or merge values kept, {report.flagged:,} flagged; {report.seconds:.1f} s",
        highlight=False,
    )


@geo_app.command("neighbours")
def neighbours(
    ctx: typer.Context,
    level: Annotated[LevelName, typer.Option("--level", help="Level of the boundaries.")] = "district",
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Which units touch which (contiguity), for spatial models."""
    app = get_app(ctx)
    found = app.neighbours(level=level)
    if json_output:
        print_json({pcode: list(others) for pcode, others in found.items()})
        return
    names = {unit.pcode: unit.name for unit in app.boundary_set().units(level)}
    table = Table(title=f"{level.capitalize()} neighbours")
    table.add_column("unit")
    table.add_column("neighbours")
    for pcode, others in found.items():
        table.add_row(f"{names.get(pcode, pcode)} ({pcode})", ", ".join(names.get(other, other) for other in others))
    out_console().print(table)


@geo_app.command("import-indicators")
def import_indicators(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="CSV of district indicators (census 2023 form).")],
    dataset: Annotated[str, typer.Option("--dataset", help="Name of the indicator set; replaces it.")] = "census2023",
) -> None:
    """Import district covariates (census indicators) for analysis and forecasting."""
    indicators = get_app(ctx).import_indicators(path, dataset=dataset)
    console = err_console()
    console.print(
        f"{len(indicators.rows):,} districts, {len(indicators.columns):,} indicators imported from {path} "
        f"as {dataset!r}; {len(indicators.unmatched):,} rows match no current district",
        highlight=False,
    )
    for row in indicators.rows:
        if row.pcode is None or not row.match_note.startswith("adm2_pcode"):
            console.print(f"  row {row.row} {row.district}: {row.match_note}", markup=False, highlight=False)
