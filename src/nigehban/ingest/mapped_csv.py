"""Agency spreadsheets: any CSV or XLSX, with the mapping onto the record declared in a TOML file.

An agency's own incident register has its own columns and its own words ("KPK", "Blast", "Police
Station"). Rather than editing the sheet, the analyst declares once how its columns and values map
onto the incident record, and imports every new version of the sheet with the same mapping::

    nigehban import csv register_2024.xlsx --mapping examples/pakistan_suicide_attacks.toml

The mapping file (see ``docs/formats/mapped-csv.md`` for the whole reference)::

    [source]
    dataset = "ctd-kp-register"     # name of the dataset the rows become source records of
    key = "FIR No"                  # column(s) identifying a row across versions of the sheet

    [fields]
    date = { column = "Date", format = ["%d/%m/%Y", "%Y-%m-%d"] }
    place = "Police Station"        # a plain string names a column
    province = "Province"           # province spellings ("KPK", "NWFP") are understood as they are
    attack_type = { column = "Type", map = "attack" }
    weapon_type = { value = "explosives" }            # a constant
    killed = { column = ["Killed (final)", "Killed"] }  # the first non-empty of several columns
    summary = { template = "{Type} at {Police Station}" }

    [maps.attack]
    Blast = "bombing"
    Firing = "armed_assault"

Rules: values pass through the named map (matched ignoring case and surrounding spaces); a value that
is not in the map is a rejected row naming the column and the map, unless the field sets
``unmapped = "default"`` (use its ``default``) or ``unmapped = "keep"`` (use the value as it is). An
empty cell takes the field's ``default``. Dates are read with the ``format`` patterns in order; a
pattern without a day (``%Y-%m``) gives month precision, without a month (``%Y``) year precision.
Provinces and group names go through the taxonomy's aliases. Everything is validated when the mapping
is loaded (unknown fields, bad constants, missing maps) and against the file's header before any row
is read (columns the mapping names but the file lacks).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nigehban.errors import ImportFormatError, InvalidFieldValue, MappingError
from nigehban.ingest.pipeline import Mapper
from nigehban.ingest.values import RowProblem
from nigehban.record import COUNT_FIELDS, RECORD_FIELDS, IncidentRecord, coerce_field
from nigehban.taxonomy import (
    ATTACK_TYPES,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    TARGET_TYPES,
    UNKNOWN_PERPETRATOR,
    WEAPON_TYPES,
    canonical_group,
    canonical_province,
)

__all__ = ["ColumnMapping", "FieldSpec", "MappedCsvMapper"]

SPEC_KEYS = frozenset({"column", "value", "template", "map", "default", "format", "unmapped"})
UNMAPPED_POLICIES = ("reject", "default", "keep")
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y")
VOCABULARIES: dict[str, Any] = {
    "attack_type": ATTACK_TYPES,
    "target_type": TARGET_TYPES,
    "weapon_type": WEAPON_TYPES,
    "geo_precision": GEO_PRECISIONS,
    "date_precision": DATE_PRECISIONS,
}
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """How one field of the record is filled from a row."""

    field: str
    columns: tuple[str, ...] = ()
    constant: Any = None
    has_constant: bool = False
    template: str | None = None
    map_name: str | None = None
    mapping: dict[str, Any] | None = None
    default: Any = None
    formats: tuple[str, ...] = ()
    unmapped: str = "reject"

    @property
    def source(self) -> str | None:
        """The column named in messages about this field."""
        return self.columns[0] if self.columns else None

    def referenced_columns(self) -> list[str]:
        if self.template is not None:
            return PLACEHOLDER.findall(self.template)
        return list(self.columns)


def _normalise_key(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


@dataclasses.dataclass(frozen=True)
class ColumnMapping:
    """A validated mapping file: dataset, key columns and one :class:`FieldSpec` per mapped field."""

    path: Path
    dataset: str
    key_columns: tuple[str, ...]
    fields: dict[str, FieldSpec]
    description: str
    sha256: str

    @classmethod
    def from_file(cls, path: str | Path) -> ColumnMapping:
        """Read and validate a TOML mapping (raises :class:`~nigehban.errors.MappingError`)."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise MappingError(path, f"cannot read the mapping: {error.strerror or error}") from None
        try:
            document = tomllib.loads(data.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise MappingError(path, f"not valid TOML: {error}") from None
        return cls.from_dict(document, path=path, sha256=hashlib.sha256(data).hexdigest())

    @classmethod
    def from_dict(cls, document: dict[str, Any], *, path: Path, sha256: str = "") -> ColumnMapping:
        unknown_sections = set(document) - {"source", "fields", "maps"}
        if unknown_sections:
            raise MappingError(
                path, f"unknown section(s) {', '.join(sorted(unknown_sections))}: use [source], [fields], [maps.NAME]"
            )
        source = document.get("source")
        if not isinstance(source, dict):
            raise MappingError(path, "missing [source] with dataset and key")
        dataset = source.get("dataset")
        if not isinstance(dataset, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", dataset):
            raise MappingError(
                path, "[source] dataset must be a name of letters, digits, '-', '_' or '.' (e.g. ctd-kp)"
            )
        key = source.get("key")
        key_columns = (key,) if isinstance(key, str) else tuple(key) if isinstance(key, list) else ()
        if not key_columns or not all(isinstance(column, str) and column for column in key_columns):
            raise MappingError(path, "[source] key must name the column (or list of columns) that identifies a row")
        maps = document.get("maps", {})
        if not isinstance(maps, dict) or not all(isinstance(table, dict) for table in maps.values()):
            raise MappingError(path, "[maps.NAME] tables must map a value to a value")
        fields_table = document.get("fields")
        if not isinstance(fields_table, dict) or not fields_table:
            raise MappingError(path, "missing [fields]: say which column fills which field")
        fields = {name: _field_spec(path, name, spec, maps) for name, spec in fields_table.items()}
        if "date" not in fields:
            raise MappingError(path, "[fields] must map `date`: every incident needs one")
        return cls(
            path=path,
            dataset=dataset,
            key_columns=key_columns,
            fields=fields,
            description=str(source.get("description", "")),
            sha256=sha256,
        )

    def referenced_columns(self) -> list[str]:
        columns = list(self.key_columns)
        for spec in self.fields.values():
            columns.extend(column for column in spec.referenced_columns() if column not in columns)
        return columns


def _field_spec(path: Path, name: str, spec: Any, maps: dict[str, dict[str, Any]]) -> FieldSpec:
    where = f"[fields] {name}"
    if name not in RECORD_FIELDS:
        raise MappingError(path, f"{where}: not a field of the incident record ({', '.join(RECORD_FIELDS)})")
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict):
        raise MappingError(path, f'{where}: give a column name or a table such as {{ column = "..." }}')
    unknown = set(spec) - SPEC_KEYS
    if unknown:
        raise MappingError(
            path, f"{where}: unknown key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(sorted(SPEC_KEYS))})"
        )
    sources = [key for key in ("column", "value", "template") if key in spec]
    if len(sources) != 1:
        raise MappingError(path, f"{where}: give exactly one of column, value or template")
    column = spec.get("column")
    columns: tuple[str, ...] = ()
    if column is not None:
        columns = (column,) if isinstance(column, str) else tuple(column) if isinstance(column, list) else ()
        if not columns or not all(isinstance(item, str) and item for item in columns):
            raise MappingError(path, f"{where}: column must be a column name or a list of them")
    template = spec.get("template")
    if template is not None and (not isinstance(template, str) or not PLACEHOLDER.search(template)):
        raise MappingError(path, f"{where}: template must be text with {{Column}} placeholders")
    map_name = spec.get("map")
    mapping = None
    if map_name is not None:
        if map_name not in maps:
            raise MappingError(path, f"{where}: map {map_name!r} has no [maps.{map_name}] table")
        mapping = {_normalise_key(key): value for key, value in maps[map_name].items()}
    unmapped = spec.get("unmapped", "reject")
    if unmapped not in UNMAPPED_POLICIES:
        raise MappingError(path, f"{where}: unmapped must be one of {', '.join(UNMAPPED_POLICIES)}")
    formats = spec.get("format", DEFAULT_DATE_FORMATS if name == "date" else ())
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    if "format" in spec and name != "date":
        raise MappingError(path, f"{where}: format applies to date only")
    result = FieldSpec(
        field=name,
        columns=columns,
        constant=spec.get("value"),
        has_constant="value" in spec,
        template=template,
        map_name=map_name,
        mapping=mapping,
        default=spec.get("default"),
        formats=formats,
        unmapped=unmapped,
    )
    # constants, defaults and map targets must be valid values of the field: find out now, not on row 9,000
    candidates = [("value", result.constant)] if result.has_constant else []
    if result.default is not None:
        candidates.append(("default", result.default))
    candidates += [(f"[maps.{map_name}]", value) for value in (mapping or {}).values()]
    for label, value in candidates:
        try:
            _convert(result, value)
        except RowProblem as problem:
            raise MappingError(path, f"{where}: {label} {value!r}: {problem.reason}") from None
    return result


def _convert(spec: FieldSpec, value: Any) -> Any:
    """A mapped value as the field's type; raises RowProblem naming the spec's column."""
    name = spec.field
    if value is None:
        return None
    if name == "date":
        if isinstance(value, dt.datetime):
            return value.date(), "day"
        if isinstance(value, dt.date):
            return value, "day"
        return _parse_date(spec, str(value))
    if name in VOCABULARIES:
        if value not in VOCABULARIES[name]:
            hint = f"; map it with [maps.{spec.map_name}]" if spec.map_name else '; add a map = "..." to translate'
            raise RowProblem(spec.source, f"{value!r} is not a {name} ({', '.join(VOCABULARIES[name])}){hint}")
        return value
    if name == "province":
        try:
            return canonical_province(str(value))
        except KeyError:
            raise RowProblem(spec.source, f"{value!r} is not a province or territory of Pakistan") from None
    if name == "perpetrator":
        return canonical_group(str(value))
    try:
        converted = coerce_field(name, value)
    except InvalidFieldValue as error:
        raise RowProblem(spec.source, f"{value!r}: {error.reason}") from None
    if name in COUNT_FIELDS and converted is not None and converted < 0:
        raise RowProblem(spec.source, f"{value!r} is not a count (0 or more)")
    if isinstance(converted, float) and not math.isfinite(converted):
        raise RowProblem(spec.source, f"{value!r} is not a finite number")
    return converted


def _parse_date(spec: FieldSpec, text: str) -> tuple[dt.date, str]:
    for pattern in spec.formats:
        try:
            parsed = dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        if "%d" not in pattern and "%j" not in pattern:
            return parsed, "month" if "%m" in pattern or "%b" in pattern or "%B" in pattern else "year"
        return parsed, "day"
    raise RowProblem(spec.source, f"{text!r} is not a date in the mapping's format ({' or '.join(spec.formats)})")


class MappedCsvMapper(Mapper):
    """Maps the rows of a spreadsheet onto the record as a :class:`ColumnMapping` declares."""

    importer = "csv"

    def __init__(self, mapping: ColumnMapping) -> None:
        self.mapping = mapping
        self.dataset = mapping.dataset
        self.format_name = f"the spreadsheet {mapping.path} describes"
        self.required_columns = tuple(mapping.referenced_columns())

    def check_columns(self, path: Path, columns: Sequence[str]) -> None:
        missing = [column for column in self.required_columns if column not in set(columns)]
        if missing:
            raise ImportFormatError(
                path,
                f"the mapping {self.mapping.path} names column(s) the file does not have: {', '.join(missing)} "
                f"(the file has: {', '.join(column for column in columns if column)})",
            )

    def options(self) -> dict[str, Any]:
        return {"mapping": str(self.mapping.path.resolve()), "mapping_sha256": self.mapping.sha256}

    def key(self, row: dict[str, str]) -> str:
        parts = [row.get(column, "").strip() for column in self.mapping.key_columns]
        if not any(parts):
            raise RowProblem(self.mapping.key_columns[0], "the row has no key (the [source] key column is empty)")
        return "|".join(parts)

    def _raw(self, spec: FieldSpec, row: dict[str, str]) -> Any:
        if spec.has_constant:
            return spec.constant
        if spec.template is not None:
            text = PLACEHOLDER.sub(lambda match: row.get(match.group(1), "").strip(), spec.template)
            text = EMPTY_BRACKETS.sub("", text)  # "({Category})" with an empty category
            return " ".join(text.split()).strip(" ,;:-") or None
        for column in spec.columns:
            value = row.get(column, "").strip()
            if value:
                return value
        return None

    def _value(self, spec: FieldSpec, row: dict[str, str]) -> Any:
        value = self._raw(spec, row)
        if value is None:
            return spec.default
        if spec.mapping is not None and not spec.has_constant:
            key = _normalise_key(value)
            if key in spec.mapping:
                return spec.mapping[key]
            if spec.unmapped == "default":
                return spec.default
            if spec.unmapped == "reject":
                raise RowProblem(
                    spec.source,
                    f"{value!r} is not in [maps.{spec.map_name}] of {self.mapping.path.name} "
                    '(add it there, or set unmapped = "default")',
                )
        return value

    def map(self, row: dict[str, str]) -> IncidentRecord:
        values: dict[str, Any] = {}
        date_precision = "day"
        for name, spec in self.mapping.fields.items():
            converted = _convert(spec, self._value(spec, row))
            if name == "date":
                if converted is None:
                    raise RowProblem(spec.source, "the date is missing")
                values["date"], date_precision = converted
            else:
                values[name] = converted
        values.setdefault("date_precision", date_precision)
        for name in ("attack_type", "target_type", "weapon_type"):
            if values.get(name) is None:
                values[name] = "unknown"
        if values.get("perpetrator") is None:
            values["perpetrator"] = UNKNOWN_PERPETRATOR
        latitude, longitude = values.get("latitude"), values.get("longitude")
        if (latitude is None) != (longitude is None):
            missing = "latitude" if latitude is None else "longitude"
            raise RowProblem(self._column_of(missing), f"{missing} is missing while the other coordinate is given")
        if latitude == 0 and longitude == 0:
            raise RowProblem(
                self._column_of("latitude"), "(0, 0) is a placeholder, not a place; leave both coordinates empty"
            )
        record = IncidentRecord(**values)
        try:
            record.validate()
        except InvalidFieldValue as error:
            raise RowProblem(self._column_of(error.field), error.reason) from None
        return record

    def _column_of(self, field: str) -> str:
        """The sheet's column behind a record field, for messages (the field's name when it has none)."""
        spec = self.mapping.fields.get(field)
        return (spec.source if spec else None) or field
