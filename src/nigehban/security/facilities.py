"""The facility registry: police stations, posts, lines, offices, courts — where they are and what they matter.

A facility has the owner's own ``code`` (unique; importing a file again updates the facilities with
the same codes), a name, a type (:data:`~nigehban.security.vocabulary.FACILITY_TYPES`), a location
and the factors of its ISC-style facility security level (:mod:`nigehban.security.consequence`):
staff and daily visitors, floor area, mission criticality and symbolism (1 = very low ... 4 = very
high; defaults by type, below), the threat to its tenants, or an agency's own security level.

Where it is: every facility must lie in a district.

- With district boundaries imported, coordinates are placed by point in polygon (a facility whose
  coordinates lie outside every district is refused, naming the row); without coordinates the
  place, district and province names are resolved through the gazetteer and must reach a district.
- Without district boundaries (a fresh store), the district is kept as the file names it and the
  province resolved from the names; ``district_pcode`` stays empty until boundaries are imported
  (then :func:`relocate_facilities`, ``nigehban facilities relocate``, places them).

Files (:func:`read_facilities`): CSV with a header, or GeoJSON points with the same names as
properties. Columns: ``code``, ``name``, ``type`` (required); ``latitude``, ``longitude`` (or a
GeoJSON point), ``place``, ``district``, ``province``, ``staff``, ``daily_visitors``, ``area_m2``,
``mission_criticality``, ``symbolism``, ``tenant_threat`` (1-4), ``security_level`` (1-5), ``notes``.
A file with any bad row is refused whole, every problem named (file, row, field); nothing is written.

Example:
    >>> from nigehban import Nigehban
    >>> app = Nigehban(database_url="sqlite:///:memory:")
    >>> _ = app.init()
    >>> report = app.add_facility(
    ...     FacilityInput(code="PS-1", name="Saddar police station", facility_type="police_station",
    ...                   district="Peshawar", province="Khyber Pakhtunkhwa", staff=60)
    ... )
    >>> app.facility("PS-1").district, app.facility("PS-1").mission_criticality
    ('Peshawar', 2)
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, insert, select, update

from nigehban.errors import InvalidFieldValue, NigehbanError
from nigehban.geo.boundaries import PROVINCE_PCODES
from nigehban.geo.boundaryset import BoundarySet
from nigehban.geo.resolution import PlaceQuery
from nigehban.geo.resolver import Resolver
from nigehban.security.vocabulary import FACILITY_TYPES
from nigehban.store.changelog import ChangeLogWriter, jsonable
from nigehban.store.schema import FACILITIES, utcnow
from nigehban.taxonomy import canonical_province

__all__ = [
    "DEFAULT_CRITICALITY",
    "DEFAULT_SYMBOLISM",
    "EDITABLE_FIELDS",
    "Facility",
    "FacilityFileError",
    "FacilityImportReport",
    "FacilityInput",
    "FacilityNotFound",
    "FacilityProblem",
    "FacilityValueError",
    "facility_type",
    "get_facility",
    "list_facilities",
    "read_facilities",
    "relocate_facilities",
    "save_facilities",
    "update_facility",
]

# ISC mission criticality and symbolism by facility type when a file does not say (1-4).
DEFAULT_CRITICALITY: Final[dict[str, int]] = {
    "police_station": 2,
    "police_post": 2,
    "check_post": 1,
    "police_lines": 3,
    "district_police_office": 3,
    "police_hq": 4,
    "ctd_office": 4,
    "fc_post": 2,
    "levies_post": 1,
    "court": 3,
    "other": 2,
}
DEFAULT_SYMBOLISM: Final[dict[str, int]] = {
    "police_station": 2,
    "police_post": 1,
    "check_post": 1,
    "police_lines": 3,
    "district_police_office": 3,
    "police_hq": 4,
    "ctd_office": 3,
    "fc_post": 2,
    "levies_post": 1,
    "court": 3,
    "other": 1,
}

_PROVINCE_BY_PCODE: Final[dict[str, str]] = {pcode: name for name, pcode in PROVINCE_PCODES.items()}

# Other names for the types, as registers and officers write them.
_TYPE_ALIASES: Final[dict[str, str]] = {
    "ps": "police_station",
    "thana": "police_station",
    "station": "police_station",
    "post": "police_post",
    "chowki": "police_post",
    "checkpost": "check_post",
    "checkpoint": "check_post",
    "check_point": "check_post",
    "picket": "check_post",
    "lines": "police_lines",
    "dpo": "district_police_office",
    "dpo_office": "district_police_office",
    "hq": "police_hq",
    "headquarters": "police_hq",
    "cpo": "police_hq",
    "central_police_office": "police_hq",
    "karachi_police_office": "police_hq",
    "ctd": "ctd_office",
    "fc": "fc_post",
    "frontier_corps_post": "fc_post",
    "levies": "levies_post",
    "court_complex": "court",
}

EDITABLE_FIELDS: Final[tuple[str, ...]] = (
    "name",
    "facility_type",
    "place",
    "latitude",
    "longitude",
    "district",
    "province",
    "staff",
    "daily_visitors",
    "area_m2",
    "mission_criticality",
    "symbolism",
    "tenant_threat",
    "security_level",
    "notes",
)
_LOCATION_FIELDS: Final[frozenset[str]] = frozenset({"place", "latitude", "longitude", "district", "province"})


class FacilityNotFound(NigehbanError, LookupError):
    """No facility has this id or code."""


class FacilityValueError(NigehbanError, ValueError):
    """A facility field has a value it cannot have (named field and value)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclasses.dataclass(frozen=True, slots=True)
class FacilityProblem:
    """One bad cell of a facility file (``row`` is the 1-based data row; 0 for the file itself)."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}" if self.row else f"{self.field}: {self.message}"


class FacilityFileError(NigehbanError):
    """A facility file that cannot be imported; every problem is listed and nothing was written."""

    def __init__(self, path: str | Path, problems: Sequence[FacilityProblem]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        shown = "; ".join(str(problem) for problem in self.problems[:20])
        more = f" (and {len(self.problems) - 20} more)" if len(self.problems) > 20 else ""
        super().__init__(f"{self.path}: {len(self.problems)} problem(s), nothing imported: {shown}{more}")


def facility_type(value: str) -> str:
    """The facility type id for ``value`` ("Police Station", "PS", "check-post" ...).

    >>> facility_type("Check-post"), facility_type("DPO")
    ('check_post', 'district_police_office')
    """
    key = "_".join(value.strip().lower().replace("-", " ").replace("/", " ").split())
    if key in FACILITY_TYPES:
        return key
    if key in _TYPE_ALIASES:
        return _TYPE_ALIASES[key]
    for type_id, label in FACILITY_TYPES.items():
        if key == "_".join(label.lower().replace("-", " ").split()):
            return type_id
    raise FacilityValueError(
        f"unknown facility type {value!r}; one of: {', '.join(FACILITY_TYPES)}", field="facility_type"
    )


@dataclasses.dataclass(frozen=True, slots=True)
class FacilityInput:
    """A facility as a file or a user gives it, before its district is resolved.

    ``mission_criticality`` and ``symbolism`` default by type (:data:`DEFAULT_CRITICALITY`,
    :data:`DEFAULT_SYMBOLISM`).
    """

    code: str
    name: str
    facility_type: str
    latitude: float | None = None
    longitude: float | None = None
    place: str | None = None
    district: str | None = None
    province: str | None = None
    staff: int | None = None
    daily_visitors: int | None = None
    area_m2: float | None = None
    mission_criticality: int | None = None
    symbolism: int | None = None
    tenant_threat: int | None = None
    security_level: int | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        _check_values(dataclasses.asdict(self))


@dataclasses.dataclass(frozen=True, slots=True)
class Facility:
    """A stored facility."""

    id: int
    code: str
    name: str
    facility_type: str
    place: str | None
    latitude: float | None
    longitude: float | None
    province: str | None
    district: str | None
    district_pcode: str | None
    staff: int | None
    daily_visitors: int | None
    area_m2: float | None
    mission_criticality: int
    symbolism: int
    tenant_threat: int | None
    security_level: int | None
    notes: str | None
    dataset: str
    synthetic: bool

    @property
    def type_label(self) -> str:
        return FACILITY_TYPES.get(self.facility_type, self.facility_type)

    def as_dict(self) -> dict[str, Any]:
        """The fields as JSON values."""
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True, slots=True)
class FacilityImportReport:
    """What an import of facilities did."""

    path: str | None
    dataset: str
    added: int
    updated: int
    unchanged: int
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        values["notes"] = list(self.notes)
        return values


# checking values ---------------------------------------------------------------------------------


def _check_values(values: Mapping[str, Any]) -> None:
    """Raise :class:`FacilityValueError` for the first value a facility cannot have."""
    for field in ("code", "name"):
        if field in values and not str(values[field] or "").strip():
            raise FacilityValueError(f"{field} is empty", field=field)
    if "facility_type" in values and values["facility_type"] not in FACILITY_TYPES:
        raise FacilityValueError(
            f"unknown facility type {values['facility_type']!r}; one of: {', '.join(FACILITY_TYPES)}",
            field="facility_type",
        )
    latitude, longitude = values.get("latitude"), values.get("longitude")
    if (latitude is None) != (longitude is None) and {"latitude", "longitude"} <= values.keys():
        raise FacilityValueError("latitude and longitude go together: give both or neither", field="latitude")
    if latitude is not None and not (math.isfinite(latitude) and -90 <= latitude <= 90):
        raise FacilityValueError(f"latitude {latitude} is not between -90 and 90", field="latitude")
    if longitude is not None and not (math.isfinite(longitude) and -180 <= longitude <= 180):
        raise FacilityValueError(f"longitude {longitude} is not between -180 and 180", field="longitude")
    for field in ("staff", "daily_visitors"):
        if values.get(field) is not None and values[field] < 0:
            raise FacilityValueError(f"{field} {values[field]} is negative", field=field)
    if values.get("area_m2") is not None and not (math.isfinite(values["area_m2"]) and values["area_m2"] >= 0):
        raise FacilityValueError(f"area_m2 {values['area_m2']} is not a non-negative number", field="area_m2")
    for field, top in (("mission_criticality", 4), ("symbolism", 4), ("tenant_threat", 4), ("security_level", 5)):
        value = values.get(field)
        if value is not None and not (isinstance(value, int) and 1 <= value <= top):
            raise FacilityValueError(f"{field} {value!r} is not a whole number from 1 to {top}", field=field)


def _parse_int(text: str, field: str) -> int | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise FacilityValueError(f"{text!r} is not a number", field=field) from None
    if not number.is_integer():
        raise FacilityValueError(f"{text!r} is not a whole number", field=field)
    return int(number)


def _parse_float(text: str, field: str) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise FacilityValueError(f"{text!r} is not a number", field=field) from None


_INT_FIELDS: Final = ("staff", "daily_visitors", "mission_criticality", "symbolism", "tenant_threat", "security_level")
_TEXT_FIELDS: Final = ("place", "district", "province", "notes")
_KNOWN_COLUMNS: Final = frozenset(
    {"code", "name", "type", "facility_type", "latitude", "longitude", "area_m2", *_INT_FIELDS, *_TEXT_FIELDS}
)


def _input_from_cells(cells: Mapping[str, Any]) -> FacilityInput:
    def cell(name: str) -> str:
        value = cells.get(name)
        return "" if value is None else str(value).strip()

    type_text = cell("type") or cell("facility_type")
    if not type_text:
        raise FacilityValueError("is empty", field="type")
    values: dict[str, Any] = {
        "code": cell("code"),
        "name": cell("name"),
        "facility_type": facility_type(type_text),
        "latitude": _parse_float(cell("latitude"), "latitude"),
        "longitude": _parse_float(cell("longitude"), "longitude"),
        "area_m2": _parse_float(cell("area_m2"), "area_m2"),
    }
    for field in _INT_FIELDS:
        values[field] = _parse_int(cell(field), field)
    for field in _TEXT_FIELDS:
        values[field] = cell(field) or None
    return FacilityInput(**values)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, cells) of a CSV or GeoJSON file; a file-level problem raises FacilityFileError."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise FacilityFileError(path, [FacilityProblem(0, "file", f"cannot be read: {error.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problem = FacilityProblem(0, "file", f"is not UTF-8 text (byte {error.start})")
        raise FacilityFileError(path, [problem]) from None
    if not text.strip():
        raise FacilityFileError(path, [FacilityProblem(0, "file", "is empty")])
    if path.suffix.lower() in {".geojson", ".json"}:
        yield from _geojson_rows(path, text)
        return
    reader = csv.DictReader(io.StringIO(text))
    columns = set(reader.fieldnames or ())
    missing = [name for name in ("code", "name") if name not in columns]
    if "type" not in columns and "facility_type" not in columns:
        missing.append("type")
    unknown = sorted(columns - _KNOWN_COLUMNS)
    problems = [FacilityProblem(0, name, "column missing") for name in missing]
    problems += [
        FacilityProblem(0, name, f"unknown column (known: {', '.join(sorted(_KNOWN_COLUMNS))})") for name in unknown
    ]
    if problems:
        raise FacilityFileError(path, problems)
    for number, row in enumerate(reader, start=1):
        if None in row:
            raise FacilityFileError(path, [FacilityProblem(number, "row", "has more cells than the header")])
        yield number, dict(row)


def _geojson_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        problem = FacilityProblem(0, "file", f"is not JSON: {error.msg} at line {error.lineno}")
        raise FacilityFileError(path, [problem]) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise FacilityFileError(path, [FacilityProblem(0, "file", "is not a GeoJSON FeatureCollection")])
    for number, feature in enumerate(features, start=1):
        properties = dict(feature.get("properties") or {}) if isinstance(feature, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if geometry:
            coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if (
                not isinstance(geometry, dict)
                or geometry.get("type") != "Point"
                or not isinstance(coordinates, list)
                or len(coordinates) < 2
            ):
                raise FacilityFileError(path, [FacilityProblem(number, "geometry", "is not a GeoJSON Point")])
            # GeoJSON is longitude, latitude
            properties["longitude"], properties["latitude"] = coordinates[0], coordinates[1]
        yield number, properties


def read_facilities(path: str | Path) -> list[FacilityInput]:
    """The facilities of a CSV or GeoJSON file, every row checked (see the module doc for columns).

    Raises:
        FacilityFileError: with every bad row and field; nothing is returned for a file with any.
    """
    path = Path(path)
    facilities: list[FacilityInput] = []
    problems: list[FacilityProblem] = []
    seen: dict[str, int] = {}
    for number, cells in _rows(path):
        code = str(cells.get("code") or "").strip()
        if code and code in seen:
            problems.append(FacilityProblem(number, "code", f"{code!r} repeats row {seen[code]}"))
            continue
        seen.setdefault(code, number)
        try:
            facilities.append(_input_from_cells(cells))
        except FacilityValueError as error:
            problems.append(FacilityProblem(number, error.field or "row", str(error)))
    if problems:
        raise FacilityFileError(path, problems)
    if not facilities:
        raise FacilityFileError(path, [FacilityProblem(0, "file", "has no facilities")])
    return facilities


# placing facilities ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Place:
    province: str | None
    district: str | None
    district_pcode: str | None


def _place(facility: Mapping[str, Any], *, resolver: Resolver, boundaries: BoundarySet) -> _Place:
    """Where a facility is (see the module doc); raises FacilityValueError naming the field."""
    latitude, longitude = facility.get("latitude"), facility.get("longitude")
    has_point = latitude is not None and longitude is not None
    if boundaries.has("district"):
        if latitude is not None and longitude is not None:
            unit = boundaries.locate("district", [float(longitude)], [float(latitude)])[0]
            if unit is None:
                raise FacilityValueError(
                    f"latitude/longitude ({latitude}, {longitude}) lie outside every district of the imported "
                    "boundaries (swapped, or a typing error?)",
                    field="latitude",
                )
            province = _province_of(unit.province_pcode, facility)
            return _Place(province, unit.name, unit.pcode)
        resolution = resolver.resolve(
            PlaceQuery(
                place=facility.get("place"), district=facility.get("district"), province=facility.get("province")
            )
        )
        if resolution.district_pcode is None:
            named = ", ".join(str(facility[key]) for key in ("place", "district", "province") if facility.get(key))
            raise FacilityValueError(
                f"{named or 'no place, district or coordinates given'}: does not resolve to a district; "
                "give coordinates or a district name",
                field="district",
            )
        return _Place(resolution.province, resolution.district, resolution.district_pcode)
    # no district boundaries: keep the district as named, resolve the province
    district = facility.get("district")
    if not district:
        raise FacilityValueError(
            "no district boundaries are imported, so the district must be named "
            "(or import boundaries first: nigehban geo import-boundaries FILE --level district)",
            field="district",
        )
    resolution = resolver.resolve(
        PlaceQuery(
            place=facility.get("place"),
            district=district,
            province=facility.get("province"),
            latitude=latitude,
            longitude=longitude,
        )
    )
    if has_point and resolution.method == "none":
        raise FacilityValueError(f"latitude/longitude ({latitude}, {longitude}) lie outside Pakistan", field="latitude")
    province = canonical_province(facility["province"]) if facility.get("province") else resolution.province
    return _Place(province, str(district), None)


def _province_of(province_pcode: str | None, facility: Mapping[str, Any]) -> str | None:
    province = _PROVINCE_BY_PCODE.get(province_pcode or "")
    if province is None and facility.get("province"):
        return canonical_province(facility["province"])
    return province


# the store -------------------------------------------------------------------------------------


def _from_row(row: Any) -> Facility:
    return Facility(
        id=row.id,
        code=row.code,
        name=row.name,
        facility_type=row.facility_type,
        place=row.place,
        latitude=row.latitude,
        longitude=row.longitude,
        province=row.province,
        district=row.district,
        district_pcode=row.district_pcode,
        staff=row.staff,
        daily_visitors=row.daily_visitors,
        area_m2=row.area_m2,
        mission_criticality=row.mission_criticality,
        symbolism=row.symbolism,
        tenant_threat=row.tenant_threat,
        security_level=row.security_level,
        notes=row.notes,
        dataset=row.dataset,
        synthetic=bool(row.synthetic),
    )


def _stored_values(facility: FacilityInput, place: _Place) -> dict[str, Any]:
    values = dataclasses.asdict(facility)
    values["mission_criticality"] = facility.mission_criticality or DEFAULT_CRITICALITY[facility.facility_type]
    values["symbolism"] = facility.symbolism or DEFAULT_SYMBOLISM[facility.facility_type]
    values.update(province=place.province, district=place.district, district_pcode=place.district_pcode)
    return values


def save_facilities(
    connection: Connection,
    facilities: Iterable[FacilityInput],
    *,
    resolver: Resolver,
    boundaries: BoundarySet,
    dataset: str,
    actor: str,
    synthetic: bool = False,
    path: str | Path | None = None,
) -> FacilityImportReport:
    """Add or update (by ``code``) facilities, each placed in its district, logged; all or nothing.

    Raises:
        FacilityFileError: naming every facility that cannot be placed (row = position in ``facilities``).
    """
    facilities = list(facilities)
    problems: list[FacilityProblem] = []
    placed: list[dict[str, Any]] = []
    for number, facility in enumerate(facilities, start=1):
        try:
            place = _place(dataclasses.asdict(facility), resolver=resolver, boundaries=boundaries)
        except FacilityValueError as error:
            problems.append(FacilityProblem(number, error.field or "row", f"{facility.code}: {error}"))
            continue
        placed.append(_stored_values(facility, place))
    if problems:
        raise FacilityFileError(path or "facilities", problems)
    table = FACILITIES
    stored = {
        row.code: row for row in connection.execute(select(table).where(table.c.code.in_([v["code"] for v in placed])))
    }
    log = ChangeLogWriter(connection, actor=actor)
    added = updated = unchanged = 0
    now = utcnow()
    for values in placed:
        old = stored.get(values["code"])
        if old is None:
            new_id = connection.execute(
                insert(table).values(**values, dataset=dataset, synthetic=synthetic, created_at=now, updated_at=now)
            ).inserted_primary_key
            assert new_id is not None
            log.add("facility", int(new_id[0]), "create", after=values, note=f"import into {dataset}")
            added += 1
            continue
        changed = {key: value for key, value in values.items() if getattr(old, key) != value}
        if not changed:
            unchanged += 1
            continue
        connection.execute(update(table).where(table.c.id == old.id).values(**changed, updated_at=now))
        log.add(
            "facility",
            old.id,
            "update",
            before={key: getattr(old, key) for key in changed},
            after=changed,
            note=f"import into {dataset}",
        )
        updated += 1
    log.flush()
    notes: tuple[str, ...] = ()
    if not boundaries.has("district"):
        notes = ("no district boundaries imported: districts kept as named, without pcodes",)
    return FacilityImportReport(
        path=str(path) if path else None,
        dataset=dataset,
        added=added,
        updated=updated,
        unchanged=unchanged,
        notes=notes,
    )


def list_facilities(
    connection: Connection,
    *,
    district: str | None = None,
    province: str | None = None,
    facility_type: str | None = None,
    dataset: str | None = None,
) -> list[Facility]:
    """Facilities, by id; ``district`` matches a pcode or a name (any case)."""
    table = FACILITIES
    query = select(table).order_by(table.c.id)
    if district:
        query = query.where((table.c.district_pcode == district) | (table.c.district.ilike(district)))
    if province:
        try:
            query = query.where(table.c.province == canonical_province(province))
        except KeyError:
            raise InvalidFieldValue("province", province, "not a province or territory of Pakistan") from None
    if facility_type:
        query = query.where(table.c.facility_type == facility_type)
    if dataset:
        query = query.where(table.c.dataset == dataset)
    return [_from_row(row) for row in connection.execute(query)]


def get_facility(connection: Connection, key: int | str) -> Facility:
    """The facility with this id (a number) or code."""
    table = FACILITIES
    if isinstance(key, int) or (isinstance(key, str) and key.isdecimal()):
        row = connection.execute(select(table).where(table.c.id == int(key))).first()
        if row is None and isinstance(key, str):
            row = connection.execute(select(table).where(table.c.code == key)).first()
    else:
        row = connection.execute(select(table).where(table.c.code == key)).first()
    if row is None:
        raise FacilityNotFound(f"no facility with id or code {key!r}")
    return _from_row(row)


def update_facility(
    connection: Connection,
    key: int | str,
    changes: Mapping[str, Any],
    *,
    resolver: Resolver,
    boundaries: BoundarySet,
    actor: str,
    note: str | None = None,
) -> Facility:
    """Change fields of a facility (checked; a moved facility is placed again); logged with ``note``."""
    facility = get_facility(connection, key)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise FacilityValueError(
            f"cannot edit {', '.join(unknown)}; editable: {', '.join(EDITABLE_FIELDS)}", field=unknown[0]
        )
    values = dict(changes)
    if "facility_type" in values and values["facility_type"] is not None:
        values["facility_type"] = facility_type(str(values["facility_type"]))
    merged = {**facility.as_dict(), **values}
    _check_values(merged)
    if _LOCATION_FIELDS & values.keys():
        place = _place(merged, resolver=resolver, boundaries=boundaries)
        values.update(province=place.province, district=place.district, district_pcode=place.district_pcode)
    for field in ("mission_criticality", "symbolism"):
        if field in values and values[field] is None:
            raise FacilityValueError(f"{field} cannot be empty", field=field)
    changed = {key_: value for key_, value in values.items() if getattr(facility, key_) != value}
    if changed:
        table = FACILITIES
        connection.execute(update(table).where(table.c.id == facility.id).values(**changed, updated_at=utcnow()))
        log = ChangeLogWriter(connection, actor=actor)
        log.add(
            "facility",
            facility.id,
            "edit",
            before=jsonable({key_: getattr(facility, key_) for key_ in changed}),
            after=jsonable(changed),
            note=note,
        )
        log.flush()
    return get_facility(connection, facility.id)


def relocate_facilities(
    connection: Connection, *, resolver: Resolver, boundaries: BoundarySet, actor: str
) -> tuple[int, list[str]]:
    """Place every facility in the current district boundaries again: (changed, facilities that could not be).

    Run after importing new boundaries; facilities that cannot be placed keep their old district and are named.
    """
    failed: list[str] = []
    changed = 0
    table = FACILITIES
    log = ChangeLogWriter(connection, actor=actor)
    for facility in list_facilities(connection):
        try:
            place = _place(facility.as_dict(), resolver=resolver, boundaries=boundaries)
        except FacilityValueError as error:
            failed.append(f"{facility.code}: {error}")
            continue
        new = dataclasses.asdict(place)
        old = {key: getattr(facility, key) for key in new}
        if new != old:
            connection.execute(update(table).where(table.c.id == facility.id).values(**new, updated_at=utcnow()))
            log.add("facility", facility.id, "relocate", before=old, after=new)
            changed += 1
    log.flush()
    return changed, failed
