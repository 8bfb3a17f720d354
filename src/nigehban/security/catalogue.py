"""The countermeasure catalogue: what each measure costs and which checklist items it raises to which level.

The catalogue is a TOML file validated against an :class:`~nigehban.security.checklist.AuditChecklist`; the
packaged one (``security/data/countermeasures.toml``) gives indicative costs in Pakistani rupees at 2023 prices
for a typical police station. A measure's ``raises`` maps item ids to levels: after the measure the item is at
least at that level. Two measures raising the same item do not add up: the item reaches the higher level.

Caveats: costs are indicative, for comparing measures and drawing a first plan, not for a tender; copy the
packaged file with :func:`write_default_catalogue` and put local prices in the copy. Recurring costs (extra
personnel, monitoring) are for one year (``cost_note`` says so).

Example:
    >>> from nigehban.security.checklist import load_checklist
    >>> checklist = load_checklist()
    >>> catalogue = load_catalogue(checklist=checklist)
    >>> measure = catalogue.measure("search_everyone_protocol")
    >>> measure.cost_pkr, dict(measure.raises)
    (60000, {'access.search_everyone_uniformed': 4, 'access.id_verification': 3})
    >>> effect = measure_effect(measure, checklist, facility_type="police_station")
    >>> round(effect["suicide_bomber"], 2), effect["vbied"]
    (0.55, 0.0)
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib.resources
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, NoReturn

from nigehban.errors import NigehbanError
from nigehban.security.checklist import AuditChecklist, UnknownChecklistItem, check_facility_type
from nigehban.security.vocabulary import FACILITY_TYPES, SCENARIOS

__all__ = [
    "PACKAGED_CATALOGUE",
    "Catalogue",
    "CatalogueError",
    "CatalogueExists",
    "Countermeasure",
    "UnknownCountermeasure",
    "load_catalogue",
    "measure_effect",
    "write_default_catalogue",
]

PACKAGED_CATALOGUE: Final = "data/countermeasures.toml"
"""The packaged catalogue, relative to the ``nigehban.security`` package."""

_TOP_KEYS: Final = frozenset({"version", "checklist", "source", "measures"})
_MEASURE_KEYS: Final = frozenset({"id", "name", "description", "cost_pkr", "cost_note", "raises", "applies_to"})
_MEASURE_ID: Final = re.compile(r"[a-z][a-z0-9_]*")
_VERSION: Final = re.compile(r"\d+(\.\d+){1,2}")


class CatalogueError(NigehbanError):
    """A catalogue file is invalid; the message names the file, the measure (where there is one) and the field."""

    def __init__(self, path: str | Path, measure: str | None, field: str | None, reason: str) -> None:
        self._arguments = (path, measure, field, reason)
        self.path = str(path)
        self.measure = measure
        self.field = field
        self.reason = reason
        where = [f"measure {measure!r}"] if measure is not None else []
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{self.path}: " + (", ".join(where) + ": " if where else "") + reason)


class CatalogueExists(NigehbanError, FileExistsError):
    """:func:`write_default_catalogue` would overwrite a file (pass ``overwrite=True`` to allow it)."""

    def __init__(self, path: str | Path) -> None:
        self._arguments = (path,)
        self.path = str(path)
        super().__init__(f"{self.path} exists already: pass overwrite=True to replace it")

    def __str__(self) -> str:
        # OSError's own __str__ would expect (errno, strerror)
        return f"{self.path} exists already: pass overwrite=True to replace it"


class UnknownCountermeasure(NigehbanError, KeyError):
    """No measure of the catalogue has the given id."""

    def __init__(self, measure: str, known: tuple[str, ...] = ()) -> None:
        self._arguments = (measure, known)
        self.measure = measure
        close = difflib.get_close_matches(measure, known, n=1)
        self.message = f"no countermeasure {measure!r} in the catalogue" + (
            f" (did you mean {close[0]!r}?)" if close else ""
        )
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


@dataclasses.dataclass(frozen=True)
class Countermeasure:
    """A measure: what it costs (PKR) and which items it raises to which level; ``applies_to`` None = every type."""

    id: str
    name: str
    description: str
    cost_pkr: int
    raises: Mapping[str, int]
    applies_to: tuple[str, ...] | None
    cost_note: str = ""

    def __hash__(self) -> int:
        # the raises mapping is not hashable; equal measures have equal ids
        return hash(self.id)

    def applies(self, facility_type: str) -> bool:
        """Whether the measure can be taken at a facility of this type."""
        return self.applies_to is None or facility_type in self.applies_to


@dataclasses.dataclass(frozen=True)
class Catalogue:
    """A validated catalogue (see :func:`load_catalogue`), for the checklist ``checklist_id``."""

    source: str
    version: str
    measures: tuple[Countermeasure, ...]
    checklist_id: str
    path: Path
    _index: Mapping[str, Countermeasure] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", MappingProxyType({measure.id: measure for measure in self.measures}))

    def __hash__(self) -> int:
        return hash((self.checklist_id, self.version, self.path))

    def measure(self, measure_id: str) -> Countermeasure:
        """The measure with this id (raises :class:`UnknownCountermeasure`)."""
        try:
            return self._index[measure_id]
        except KeyError:
            raise UnknownCountermeasure(measure_id, tuple(self._index)) from None

    def measures_for(self, facility_type: str) -> tuple[Countermeasure, ...]:
        """The measures that can be taken at a facility of this type."""
        check_facility_type(facility_type)
        return tuple(measure for measure in self.measures if measure.applies(facility_type))


def load_catalogue(path: str | Path | None = None, *, checklist: AuditChecklist) -> Catalogue:
    """Read a catalogue TOML (None = the packaged one) and validate it against ``checklist``.

    Raises :class:`CatalogueError` naming the file, the measure and the field for: unknown keys, missing or
    empty text, a cost that is not a whole number of rupees above 0, a duplicate id, an empty ``raises``, an
    item the checklist does not have, a level outside the item's scale (or 0, which raises nothing), an
    unknown facility type, an item that applies to none of the measure's facility types, and a catalogue
    written for another checklist.

    Example:
        >>> from nigehban.security.checklist import load_checklist
        >>> len(load_catalogue(checklist=load_checklist()).measures)
        47
    """
    if path is None:
        resource = importlib.resources.files("nigehban.security").joinpath(PACKAGED_CATALOGUE)
        return _Parser(Path(str(resource)), checklist).document(resource.read_bytes())
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CatalogueError(path, None, None, f"cannot read the catalogue: {error.strerror or error}") from None
    return _Parser(path, checklist).document(data)


def measure_effect(measure: Countermeasure, checklist: AuditChecklist, *, facility_type: str) -> dict[str, float]:
    """The most a measure can lower V (points on the 1-10 scale) for each scenario, at a facility of this type.

    That is the drop when every item it raises starts fully unmet (level 0):
    ``9 × Σ_i w_is·level_i/max_i / W_s`` over the raised items that apply to the facility type, ``W_s`` the
    total weight of the items applicable to it. Where items are already partly met, the real drop is smaller;
    "na" answers (which change ``W_s``) are not taken into account. A measure that does not apply to the
    facility type lowers nothing (all 0). For display: plans work from the audit's answers.

    Example:
        >>> from nigehban.security.checklist import load_checklist
        >>> checklist = load_checklist()
        >>> catalogue = load_catalogue(checklist=checklist)
        >>> effect = measure_effect(catalogue.measure("blast_wall"), checklist, facility_type="police_station")
        >>> round(effect["vbied"], 2), effect["insider"]
        (0.39, 0.0)
    """
    items = checklist.items_for(facility_type)
    effect = dict.fromkeys(SCENARIOS, 0.0)
    if not measure.applies(facility_type):
        return effect
    for scenario in SCENARIOS:
        total = sum(item.weights[scenario] for item in items)
        if total <= 0:
            continue
        raised = sum(
            item.weights[scenario] * measure.raises[item.id] / item.scale.max_level
            for item in items
            if item.id in measure.raises
        )
        effect[scenario] = 9 * raised / total
    return effect


def write_default_catalogue(path: str | Path, *, overwrite: bool = False) -> Path:
    """Copy the packaged catalogue to ``path`` so it can be edited; returns the path written.

    Refuses to replace an existing file (raises :class:`CatalogueExists`) unless ``overwrite=True``. Creates
    missing parent folders. Load the copy with ``load_catalogue(path, checklist=...)``.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     written = write_default_catalogue(Path(folder) / "measures.toml")
        ...     written.name, written.read_text(encoding="utf-8").startswith("# Countermeasures")
        ('measures.toml', True)
    """
    path = Path(path)
    data = importlib.resources.files("nigehban.security").joinpath(PACKAGED_CATALOGUE).read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # "x" creates the file only if it does not exist, with no window between the check and the write
        with path.open("wb" if overwrite else "xb") as file:
            file.write(data)
    except FileExistsError:
        raise CatalogueExists(path) from None
    return path


class _Parser:
    """Validates a catalogue document against a checklist, failing with the file, measure and field named."""

    def __init__(self, path: Path, checklist: AuditChecklist) -> None:
        self.path = path
        self.checklist = checklist

    def fail(self, measure: str | None, field: str | None, reason: str) -> NoReturn:
        raise CatalogueError(self.path, measure, field, reason)

    def text(self, table: Mapping[str, Any], key: str, measure: str | None, *, required: bool = True) -> str:
        value = table.get(key)
        if value is None and not required:
            return ""
        if value is None:
            self.fail(measure, key, "missing")
        if not isinstance(value, str):
            self.fail(measure, key, f"must be text, not {type(value).__name__}")
        value = " ".join(value.split())
        if not value and required:
            self.fail(measure, key, "must not be empty")
        return value

    def document(self, data: bytes) -> Catalogue:
        try:
            document = tomllib.loads(data.decode("utf-8"))
        except UnicodeDecodeError:
            self.fail(None, None, "not UTF-8 text")
        except tomllib.TOMLDecodeError as error:
            self.fail(None, None, f"not valid TOML: {error}")
        for key in document:
            if key not in _TOP_KEYS:
                self.fail(None, key, f"unknown key {key!r} (allowed: {', '.join(sorted(_TOP_KEYS))})")
        version = document.get("version")
        if not isinstance(version, str) or not _VERSION.fullmatch(version):
            self.fail(None, "version", f'{version!r}: write the version as a string such as "1.0" or "1.2.1"')
        checklist_id = self.text(document, "checklist", None)
        if checklist_id != self.checklist.id:
            self.fail(
                None,
                "checklist",
                f"the catalogue is written for the checklist {checklist_id!r}, not {self.checklist.id!r}",
            )
        tables = document.get("measures")
        if not isinstance(tables, list) or not tables or not all(isinstance(table, dict) for table in tables):
            self.fail(None, "measures", "give at least one [[measures]] table")
        measures: dict[str, Countermeasure] = {}
        for number, table in enumerate(tables, start=1):
            measure = self.measure(number, table)
            if measure.id in measures:
                self.fail(measure.id, "id", "duplicate measure id")
            measures[measure.id] = measure
        return Catalogue(
            source=self.text(document, "source", None),
            version=version,
            measures=tuple(measures.values()),
            checklist_id=checklist_id,
            path=self.path,
        )

    def measure(self, number: int, table: Mapping[str, Any]) -> Countermeasure:
        measure_id = table.get("id")
        if not isinstance(measure_id, str) or not _MEASURE_ID.fullmatch(measure_id):
            self.fail(None, f"measures[{number}].id", f"{measure_id!r}: a measure id is snake_case (e.g. blast_film)")
        for key in table:
            if key not in _MEASURE_KEYS:
                close = difflib.get_close_matches(key, _MEASURE_KEYS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.fail(measure_id, key, f"unknown key {key!r}{hint} (allowed: {', '.join(sorted(_MEASURE_KEYS))})")
        cost = table.get("cost_pkr")
        if not isinstance(cost, int) or isinstance(cost, bool) or cost <= 0:
            self.fail(measure_id, "cost_pkr", f"{cost!r}: give the cost as a whole number of rupees above 0")
        applies_to = self.applies_to(measure_id, table)
        return Countermeasure(
            id=measure_id,
            name=self.text(table, "name", measure_id),
            description=self.text(table, "description", measure_id),
            cost_pkr=cost,
            raises=self.raises(measure_id, table.get("raises"), applies_to),
            applies_to=applies_to,
            cost_note=self.text(table, "cost_note", measure_id, required=False),
        )

    def applies_to(self, measure_id: str, table: Mapping[str, Any]) -> tuple[str, ...] | None:
        if "applies_to" not in table:
            return None
        value = table["applies_to"]
        if not isinstance(value, list) or not value or not all(isinstance(entry, str) for entry in value):
            self.fail(measure_id, "applies_to", "give a non-empty list of facility types, or leave it out for all")
        for facility_type in value:
            if facility_type not in FACILITY_TYPES:
                close = difflib.get_close_matches(facility_type, FACILITY_TYPES, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.fail(
                    measure_id,
                    "applies_to",
                    f"unknown facility type {facility_type!r}{hint} (known: {', '.join(FACILITY_TYPES)})",
                )
        if len(set(value)) != len(value):
            self.fail(measure_id, "applies_to", "a facility type is listed twice")
        return tuple(value)

    def raises(self, measure_id: str, table: object, applies_to: tuple[str, ...] | None) -> Mapping[str, int]:
        if not isinstance(table, dict) or not table:
            self.fail(measure_id, "raises", 'give at least one item and level, e.g. { "blast.glazing" = 3 }')
        raises: dict[str, int] = {}
        for item_id, level in table.items():
            try:
                item = self.checklist.item(item_id)
            except UnknownChecklistItem as error:
                self.fail(measure_id, "raises", str(error))
            top = item.scale.max_level
            if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= top:
                self.fail(
                    measure_id,
                    "raises",
                    f"{item_id} = {level!r}: the level must be a whole number from 1 to {top}"
                    f" (the top of the item's scale {item.scale.id})",
                )
            if applies_to is not None and not any(item.applies(facility_type) for facility_type in applies_to):
                self.fail(
                    measure_id, "raises", f"{item_id} is asked of none of the measure's facility types (applies_to)"
                )
            raises[item_id] = level
        return MappingProxyType(raises)
