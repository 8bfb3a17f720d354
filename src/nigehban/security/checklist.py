"""The security audit checklist of police facilities, and the vulnerability an audit's answers score.

The checklist is a versioned TOML file (the packaged one is ``security/data/police_facility_checklist.toml``;
the format is in ``docs/security/checklist.md``): answer scales defined once, sections, and items. Each item
asks one question, is answered with a level of its scale (0 = absent or worst, the scale's top level = fully
met), may apply to some facility types only, may accept "not applicable" (the string ``"na"``), and carries a
weight from 0 to 5 for each threat scenario of :data:`~nigehban.security.vocabulary.SCENARIOS`.

Vulnerability (FEMA 426 style, 1-10) of a facility to scenario ``s``, over the items that apply to the facility
type, are not answered "na" and have a weight ``w_is > 0``::

    shortfall_i = 1 - level_i / max_i
    V_s = 1 + 9 × Σ w_is·shortfall_i / Σ w_is

An unanswered item counts a shortfall of 0.5 in the point estimate and anything from 0 to 1 in the interval
(``low``, ``high``). V is linear in each item's level, so raising item ``i`` by one level removes
``Σ_s T_s·C·9·w_is / (W_s·max_i)`` risk points (:func:`item_slopes`), ``W_s = Σ_i w_is``.

Caveats: the weights are judgement, not measurement (they say which scenario an item defends against, and how
much); a scenario with no applicable item scores 5.5 with the interval 1-10 (nothing is known).

Example:
    >>> checklist = load_checklist()
    >>> checklist.id, checklist.version
    ('police-facility', '1.0')
    >>> item = checklist.item("access.search_everyone_uniformed")
    >>> item.scale.max_level, item.weights["suicide_bomber"]
    (4, 5.0)
    >>> scores = vulnerability(checklist, {}, facility_type="police_station")
    >>> scores["vbied"].value, scores["vbied"].low, scores["vbied"].high
    (5.5, 1.0, 10.0)
    >>> check_answer(checklist, "armoury.secured", "na")
    'na'
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import importlib.resources
import math
import numbers
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal, NoReturn, TypeAlias

from nigehban.errors import NigehbanError
from nigehban.security.vocabulary import FACILITY_TYPES, SCENARIOS

__all__ = [
    "MAX_WEIGHT",
    "NOT_APPLICABLE",
    "PACKAGED_CHECKLIST",
    "Answer",
    "AnswerOutOfScale",
    "AnswerScale",
    "AuditChecklist",
    "ChecklistError",
    "ChecklistItem",
    "ChecklistSection",
    "Level",
    "ScaleLevel",
    "ScoringInputError",
    "UnknownChecklistItem",
    "VulnerabilityScore",
    "check_answer",
    "check_facility_type",
    "item_slopes",
    "load_checklist",
    "vulnerability",
]

NOT_APPLICABLE: Final = "na"
"""The answer that removes an item from the score (only where the item has ``na_allowed``)."""

MAX_WEIGHT: Final = 5
"""Weights run from 0 (the item does not matter to the scenario) to this."""

PACKAGED_CHECKLIST: Final = "data/police_facility_checklist.toml"
"""The packaged checklist, relative to the ``nigehban.security`` package."""

Answer: TypeAlias = int | str | None
"""An answer as given: a level, ``"na"``, or None (unanswered)."""

Level: TypeAlias = int | Literal["na"] | None
"""An answer once checked: a level of the item's scale, ``"na"``, or None (unanswered)."""

_TOP_KEYS: Final = frozenset({"id", "version", "title", "source", "scales", "sections", "items"})
_LEVEL_KEYS: Final = frozenset({"value", "label", "meaning"})
_SECTION_KEYS: Final = frozenset({"id", "title", "description"})
_ITEM_KEYS: Final = frozenset({"id", "question", "guidance", "scale", "weights", "applies_to", "na_allowed"})
_NAME: Final = re.compile(r"[a-z][a-z0-9_]*")
_ITEM_ID: Final = re.compile(r"([a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*")
_CHECKLIST_ID: Final = re.compile(r"[a-z0-9][a-z0-9_.-]*")
_VERSION: Final = re.compile(r"\d+(\.\d+){1,2}")


class ChecklistError(NigehbanError):
    """A checklist file is invalid; the message names the file, the item (where there is one) and the field."""

    def __init__(self, path: str | Path, item: str | None, field: str | None, reason: str) -> None:
        self._arguments = (path, item, field, reason)
        self.path = str(path)
        self.item = item
        self.field = field
        self.reason = reason
        where = [f"item {item!r}"] if item is not None else []
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{self.path}: " + (", ".join(where) + ": " if where else "") + reason)


class UnknownChecklistItem(NigehbanError, KeyError):
    """No item of the checklist has the given id."""

    def __init__(self, item: str, checklist: str, known: tuple[str, ...] = ()) -> None:
        self._arguments = (item, checklist, known)
        self.item = item
        self.checklist = checklist
        close = difflib.get_close_matches(item, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        self.message = f"no item {item!r} in the checklist {checklist}{hint}"
        super().__init__(self.message)

    def __str__(self) -> str:
        # KeyError would show the repr of its argument, quotes and all
        return self.message


class AnswerOutOfScale(NigehbanError, ValueError):
    """An answer is not a level of its item's scale (nor ``"na"`` where the item allows it)."""

    def __init__(self, item: str, value: object, allowed: tuple[int | str, ...]) -> None:
        self._arguments = (item, value, allowed)
        self.item = item
        self.value = value
        self.allowed = allowed
        choices = ", ".join(repr(choice) for choice in allowed)
        super().__init__(f"item {item!r}: answer {value!r} is not allowed (allowed: {choices}, or None if unanswered)")


class ScoringInputError(NigehbanError, ValueError):
    """A facility type, threat or consequence given to the scoring functions is not usable."""


@dataclasses.dataclass(frozen=True)
class ScaleLevel:
    """One level of an answer scale: its number, a short label and what it means."""

    value: int
    label: str
    meaning: str


@dataclasses.dataclass(frozen=True)
class AnswerScale:
    """An answer scale: levels 0..max_level, 0 the worst."""

    id: str
    levels: tuple[ScaleLevel, ...]

    @property
    def max_level(self) -> int:
        """The top level (fully met)."""
        return self.levels[-1].value


@dataclasses.dataclass(frozen=True)
class ChecklistSection:
    """A section of the checklist (perimeter, access control, ...)."""

    id: str
    title: str
    description: str


@dataclasses.dataclass(frozen=True)
class ChecklistItem:
    """One question of the checklist; ``weights`` maps every scenario to 0-5, ``applies_to`` None = every type."""

    id: str
    section: str
    question: str
    guidance: str
    scale: AnswerScale
    weights: Mapping[str, float]
    applies_to: tuple[str, ...] | None
    na_allowed: bool

    def __hash__(self) -> int:
        # the weights mapping is not hashable; equal items have equal ids
        return hash(self.id)

    def applies(self, facility_type: str) -> bool:
        """Whether the item is asked of a facility of this type."""
        return self.applies_to is None or facility_type in self.applies_to

    def allowed_answers(self) -> tuple[int | str, ...]:
        """The levels of the item's scale, and ``"na"`` where allowed."""
        levels: tuple[int | str, ...] = tuple(level.value for level in self.scale.levels)
        return (*levels, NOT_APPLICABLE) if self.na_allowed else levels


@dataclasses.dataclass(frozen=True)
class AuditChecklist:
    """A validated checklist (see :func:`load_checklist`); ``path`` is the file it was read from."""

    id: str
    version: str
    title: str
    source: str
    sections: tuple[ChecklistSection, ...]
    items: tuple[ChecklistItem, ...]
    scales: Mapping[str, AnswerScale]
    path: Path
    _index: Mapping[str, ChecklistItem] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", MappingProxyType({item.id: item for item in self.items}))

    def __hash__(self) -> int:
        # hashable (unlike its mappings), so it can key caches; equal checklists share id, version and path
        return hash((self.id, self.version, self.path))

    def item(self, item_id: str) -> ChecklistItem:
        """The item with this id (raises :class:`UnknownChecklistItem`)."""
        try:
            return self._index[item_id]
        except KeyError:
            raise UnknownChecklistItem(item_id, f"{self.id} {self.version}", tuple(self._index)) from None

    def items_for(self, facility_type: str) -> tuple[ChecklistItem, ...]:
        """The items asked of a facility of this type (raises :class:`ScoringInputError` for an unknown type)."""
        check_facility_type(facility_type)
        return tuple(item for item in self.items if item.applies(facility_type))

    def section(self, section_id: str) -> ChecklistSection:
        """The section with this id (raises KeyError)."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


@dataclasses.dataclass(frozen=True)
class VulnerabilityScore:
    """V (1-10) of one facility to one scenario from its audit answers.

    ``value`` counts unanswered items at half their shortfall; ``low`` and ``high`` count them fully met and
    fully unmet. ``applicable`` counts the items that enter the score (applicable to the facility type, weight
    above 0, not "na"), ``answered`` those of them answered. ``contributions`` lists ``(item id, points of V)``
    for each item that raises the point estimate, largest first; they add up to ``value - 1``.
    """

    scenario: str
    value: float
    low: float
    high: float
    answered: int
    applicable: int
    contributions: tuple[tuple[str, float], ...]


def load_checklist(path: str | Path | None = None) -> AuditChecklist:
    """Read and validate a checklist TOML; None reads the packaged checklist (read once, then cached).

    Raises :class:`ChecklistError` naming the file, the item and the field for: unknown keys, missing or empty
    text, an unknown or missing scenario in ``weights``, a weight outside 0-5 or not a number, an unknown scale,
    scale levels other than 0..n, a duplicate item id, an item in an unknown section, an unknown facility type.

    Example:
        >>> len(load_checklist().sections)
        12
    """
    if path is None:
        return _packaged_checklist()
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ChecklistError(path, None, None, f"cannot read the checklist: {error.strerror or error}") from None
    return _parse(data, path)


@functools.cache
def _packaged_checklist() -> AuditChecklist:
    resource = importlib.resources.files("nigehban.security").joinpath(PACKAGED_CHECKLIST)
    return _parse(resource.read_bytes(), Path(str(resource)))


def check_facility_type(facility_type: str) -> str:
    """Return ``facility_type`` if it is one of :data:`~nigehban.security.vocabulary.FACILITY_TYPES`.

    Example:
        >>> check_facility_type("police_lines")
        'police_lines'
    """
    if facility_type not in FACILITY_TYPES:
        raise ScoringInputError(
            f"unknown facility type {facility_type!r} (known: {', '.join(FACILITY_TYPES)})"
            + _did_you_mean(facility_type, FACILITY_TYPES)
        )
    return facility_type


def check_answer(checklist: AuditChecklist, item_id: str, answer: Answer) -> Level:
    """Check one answer against its item: a level of the item's scale, ``"na"`` where allowed, None = unanswered.

    Returns the level (an int), ``"na"`` or None. ``"na"`` is accepted in any case and with surrounding spaces.
    Raises :class:`UnknownChecklistItem` and :class:`AnswerOutOfScale` (naming the item, the value and the
    allowed values). Booleans and non-integral numbers are refused: say 0 or 1.

    Example:
        >>> checklist = load_checklist()
        >>> check_answer(checklist, "perimeter.wall_height", 3)
        3
        >>> check_answer(checklist, "perimeter.wall_height", 7)
        Traceback (most recent call last):
        ...
        nigehban.security.checklist.AnswerOutOfScale: item 'perimeter.wall_height': answer 7 is not allowed ...
    """
    return _check(checklist.item(item_id), answer)


def _check(item: ChecklistItem, answer: object) -> Level:
    if answer is None:
        return None
    if isinstance(answer, bool):
        pass  # True is an int to Python, but "yes" is level 1 only by accident of the scale: refuse it
    elif isinstance(answer, str):
        if item.na_allowed and answer.strip().casefold() == NOT_APPLICABLE:
            return NOT_APPLICABLE
    elif isinstance(answer, numbers.Integral):
        level = int(answer)
        if 0 <= level <= item.scale.max_level:
            return level
    raise AnswerOutOfScale(item.id, answer, item.allowed_answers())


def _levels(checklist: AuditChecklist, answers: Mapping[str, Answer]) -> dict[str, Level]:
    return {item_id: check_answer(checklist, item_id, answer) for item_id, answer in answers.items()}


def vulnerability(
    checklist: AuditChecklist, answers: Mapping[str, Answer], *, facility_type: str
) -> dict[str, VulnerabilityScore]:
    """Vulnerability (1-10) of a facility to each scenario, from its answers (item id -> level, "na" or None).

    Items absent from ``answers`` are unanswered. Every answer is checked, including answers to items that do
    not apply to the facility type (those are then ignored). Raises :class:`UnknownChecklistItem`,
    :class:`AnswerOutOfScale` and :class:`ScoringInputError` (unknown facility type).

    Example:
        >>> checklist = load_checklist()
        >>> answers = {item.id: 0 for item in checklist.items}
        >>> answers["standoff.building_distance"] = 4  # 50 m or more
        >>> score = vulnerability(checklist, answers, facility_type="police_station")["vbied"]
        >>> round(score.value, 2), score.contributions[0]
        (9.61, ('access.vehicle_search', 0.394...))
    """
    levels = _levels(checklist, answers)
    items = checklist.items_for(facility_type)
    scores: dict[str, VulnerabilityScore] = {}
    for scenario in SCENARIOS:
        total = point = low = high = 0.0
        answered = applicable = 0
        shortfalls: list[tuple[str, float]] = []
        for item in items:
            weight = item.weights[scenario]
            level = levels.get(item.id)
            if weight <= 0 or level == NOT_APPLICABLE:
                continue
            applicable += 1
            total += weight
            if level is None:
                shortfall = 0.5
                high += weight
            else:
                answered += 1
                shortfall = 1 - level / item.scale.max_level
                low += weight * shortfall
                high += weight * shortfall
            point += weight * shortfall
            shortfalls.append((item.id, weight * shortfall))
        if total > 0:
            contributions = sorted(
                ((item_id, 9 * part / total) for item_id, part in shortfalls if part > 0), key=lambda c: (-c[1], c[0])
            )
            scores[scenario] = VulnerabilityScore(
                scenario=scenario,
                value=1 + 9 * point / total,
                low=1 + 9 * low / total,
                high=1 + 9 * high / total,
                answered=answered,
                applicable=applicable,
                contributions=tuple(contributions),
            )
        else:
            # nothing applies: nothing is known, so the whole range
            scores[scenario] = VulnerabilityScore(scenario, 5.5, 1.0, 10.0, 0, 0, ())
    return scores


def item_slopes(
    checklist: AuditChecklist,
    *,
    facility_type: str,
    threat: Mapping[str, float],
    consequence: float,
    answers: Mapping[str, Answer] | None = None,
) -> dict[str, float]:
    """Risk points removed per level an item is raised, for each item applicable to the facility type.

    ``slope_i = Σ_s T_s · C · 9 · w_is / (W_s · max_i)`` with ``W_s`` the total weight of the items scored for
    scenario ``s``. ``threat`` must give all four scenarios (numbers ≥ 0, normally 1-10) and ``consequence`` a
    number ≥ 0 (normally 1-10). Items answered "na" in ``answers`` leave the score, so they get no slope and
    change the other items' slopes; other answers do not matter (V is linear in each level).

    Example:
        >>> checklist = load_checklist()
        >>> threat = {"armed_assault": 8.0, "suicide_bomber": 6.0, "vbied": 4.0, "insider": 2.0}
        >>> slopes = item_slopes(checklist, facility_type="police_lines", threat=threat, consequence=7.0)
        >>> round(slopes["access.search_everyone_uniformed"], 2)  # risk points per level of its 0-4 scale
        6.7
    """
    missing = [scenario for scenario in SCENARIOS if scenario not in threat]
    unknown = [scenario for scenario in threat if scenario not in SCENARIOS]
    if missing or unknown:
        raise ScoringInputError(
            f"threat must give exactly the scenarios {', '.join(SCENARIOS)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(map(repr, unknown))}" if unknown else "")
        )
    for name, value in [*((f"threat[{s!r}]", threat[s]) for s in SCENARIOS), ("consequence", consequence)]:
        if not _is_number(value) or not value >= 0:
            raise ScoringInputError(f"{name} = {value!r}: must be a finite number ≥ 0")
    levels = _levels(checklist, answers or {})
    items = [item for item in checklist.items_for(facility_type) if levels.get(item.id) != NOT_APPLICABLE]
    totals = {scenario: sum(item.weights[scenario] for item in items) for scenario in SCENARIOS}
    return {
        item.id: sum(
            threat[scenario] * consequence * 9 * item.weights[scenario] / (totals[scenario] * item.scale.max_level)
            for scenario in SCENARIOS
            if totals[scenario] > 0
        )
        for item in items
    }


# -- parsing -------------------------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Parser:
    """Validates a checklist document, failing with the file, the item and the field named."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, item: str | None, field: str | None, reason: str) -> NoReturn:
        raise ChecklistError(self.path, item, field, reason)

    def keys(self, table: Mapping[str, Any], allowed: frozenset[str], item: str | None, where: str) -> None:
        for key in table:
            if key not in allowed:
                self.fail(
                    item,
                    key if item is not None else f"{where}.{key}".lstrip("."),
                    f"unknown key {key!r}{_did_you_mean(key, allowed)} (allowed: {', '.join(sorted(allowed))})",
                )

    def text(self, table: Mapping[str, Any], key: str, item: str | None, field: str) -> str:
        value = table.get(key)
        if value is None:
            self.fail(item, field, "missing")
        if not isinstance(value, str):
            self.fail(item, field, f"must be text, not {type(value).__name__}")
        value = " ".join(value.split())
        if not value:
            self.fail(item, field, "must not be empty")
        return value

    def table_list(self, document: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
        value = document.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(entry, dict) for entry in value):
            self.fail(None, key, f"give at least one [[{key}]] table")
        return value

    def document(self, data: bytes) -> AuditChecklist:
        try:
            document = tomllib.loads(data.decode("utf-8"))
        except UnicodeDecodeError:
            self.fail(None, None, "not UTF-8 text")
        except tomllib.TOMLDecodeError as error:
            self.fail(None, None, f"not valid TOML: {error}")
        self.keys(document, _TOP_KEYS, None, "")
        checklist_id = self.text(document, "id", None, "id")
        if not _CHECKLIST_ID.fullmatch(checklist_id):
            self.fail(None, "id", f"{checklist_id!r}: use lower-case letters, digits, '-', '_' or '.'")
        version = document.get("version")
        if not isinstance(version, str) or not _VERSION.fullmatch(version):
            self.fail(None, "version", f'{version!r}: write the version as a string such as "1.0" or "1.2.1"')
        scales = self.scales(document.get("scales"))
        sections = self.sections(document)
        items = self.items(document, scales, {section.id for section in sections})
        used = {item.section for item in items}
        for section in sections:
            if section.id not in used:
                self.fail(None, f"sections.{section.id}", "no item belongs to this section")
        return AuditChecklist(
            id=checklist_id,
            version=version,
            title=self.text(document, "title", None, "title"),
            source=self.text(document, "source", None, "source"),
            sections=sections,
            items=items,
            scales=MappingProxyType(scales),
            path=self.path,
        )

    def scales(self, table: object) -> dict[str, AnswerScale]:
        if not isinstance(table, dict) or not table:
            self.fail(None, "scales", "give at least one scale: [[scales.NAME]] tables with value, label, meaning")
        scales: dict[str, AnswerScale] = {}
        for scale_id, levels in table.items():
            field = f"scales.{scale_id}"
            if not _NAME.fullmatch(scale_id):
                self.fail(None, field, "a scale id is lower-case letters, digits and '_'")
            if not isinstance(levels, list) or not all(isinstance(level, dict) for level in levels):
                self.fail(None, field, "give the levels as [[scales.NAME]] tables with value, label, meaning")
            parsed: list[ScaleLevel] = []
            for level in levels:
                self.keys(level, _LEVEL_KEYS, None, field)
                value = level.get("value")
                if not isinstance(value, int) or isinstance(value, bool):
                    self.fail(None, field, f"level value {value!r}: must be a whole number")
                parsed.append(
                    ScaleLevel(
                        value=value,
                        label=self.text(level, "label", None, f"{field}.label"),
                        meaning=self.text(level, "meaning", None, f"{field}.meaning"),
                    )
                )
            values = sorted(level.value for level in parsed)
            if len(values) < 2 or values != list(range(len(values))):
                self.fail(None, field, f"levels {values} must run 0, 1, ..., n without gaps or repeats (n ≥ 1)")
            labels = [level.label for level in parsed]
            if len(set(labels)) != len(labels):
                self.fail(None, field, "two levels have the same label")
            scales[scale_id] = AnswerScale(scale_id, tuple(sorted(parsed, key=lambda level: level.value)))
        return scales

    def sections(self, document: Mapping[str, Any]) -> tuple[ChecklistSection, ...]:
        sections: dict[str, ChecklistSection] = {}
        for number, table in enumerate(self.table_list(document, "sections"), start=1):
            where = f"sections[{number}]"
            self.keys(table, _SECTION_KEYS, None, where)
            section_id = self.text(table, "id", None, f"{where}.id")
            if not _NAME.fullmatch(section_id):
                self.fail(None, f"{where}.id", f"{section_id!r}: use lower-case letters, digits and '_'")
            if section_id in sections:
                self.fail(None, f"{where}.id", f"duplicate section id {section_id!r}")
            sections[section_id] = ChecklistSection(
                id=section_id,
                title=self.text(table, "title", None, f"sections.{section_id}.title"),
                description=self.text(table, "description", None, f"sections.{section_id}.description"),
            )
        return tuple(sections.values())

    def items(
        self, document: Mapping[str, Any], scales: Mapping[str, AnswerScale], sections: set[str]
    ) -> tuple[ChecklistItem, ...]:
        items: dict[str, ChecklistItem] = {}
        numbers_seen: dict[str, int] = {}
        for number, table in enumerate(self.table_list(document, "items"), start=1):
            raw_id = table.get("id")
            if not isinstance(raw_id, str) or not (match := _ITEM_ID.fullmatch(raw_id)):
                self.fail(None, f"items[{number}].id", f"{raw_id!r}: an item id is 'section.item' in snake_case")
            item_id = raw_id
            if item_id in items:
                self.fail(item_id, "id", f"duplicate item id (items number {numbers_seen[item_id]} and {number})")
            numbers_seen[item_id] = number
            self.keys(table, _ITEM_KEYS, item_id, "")
            section = match.group(1)
            if section not in sections:
                self.fail(
                    item_id,
                    "id",
                    f"section {section!r} is not a section of the checklist{_did_you_mean(section, sections)}"
                    f" (sections: {', '.join(sorted(sections))})",
                )
            scale_id = table.get("scale")
            if not isinstance(scale_id, str) or scale_id not in scales:
                self.fail(
                    item_id,
                    "scale",
                    f"unknown scale {scale_id!r}{_did_you_mean(str(scale_id), scales)}"
                    f" (scales: {', '.join(sorted(scales))})",
                )
            na_allowed = table.get("na_allowed", False)
            if not isinstance(na_allowed, bool):
                self.fail(item_id, "na_allowed", f"{na_allowed!r}: must be true or false")
            items[item_id] = ChecklistItem(
                id=item_id,
                section=section,
                question=self.text(table, "question", item_id, "question"),
                guidance=self.text(table, "guidance", item_id, "guidance"),
                scale=scales[scale_id],
                weights=self.weights(item_id, table.get("weights")),
                applies_to=self.applies_to(item_id, table),
                na_allowed=na_allowed,
            )
        return tuple(items.values())

    def weights(self, item_id: str, table: object) -> Mapping[str, float]:
        if not isinstance(table, dict):
            self.fail(item_id, "weights", "give a table such as { armed_assault = 3, suicide_bomber = 1, ... }")
        for scenario in table:
            if scenario not in SCENARIOS:
                self.fail(
                    item_id,
                    "weights",
                    f"unknown scenario {scenario!r}{_did_you_mean(scenario, SCENARIOS)}"
                    f" (scenarios: {', '.join(SCENARIOS)})",
                )
        missing = [scenario for scenario in SCENARIOS if scenario not in table]
        if missing:
            self.fail(
                item_id,
                "weights",
                f"missing scenario(s) {', '.join(missing)}: give all four, 0 where it does not matter",
            )
        for scenario in SCENARIOS:
            value = table[scenario]
            if not _is_number(value) or not 0 <= value <= MAX_WEIGHT:
                self.fail(item_id, "weights", f"{scenario} = {value!r}: a weight is a number from 0 to {MAX_WEIGHT}")
        if not any(table[scenario] > 0 for scenario in SCENARIOS):
            self.fail(item_id, "weights", "every weight is 0: the item would count for no scenario")
        return MappingProxyType({scenario: float(table[scenario]) for scenario in SCENARIOS})

    def applies_to(self, item_id: str, table: Mapping[str, Any]) -> tuple[str, ...] | None:
        if "applies_to" not in table:
            return None
        value = table["applies_to"]
        if not isinstance(value, list) or not value or not all(isinstance(entry, str) for entry in value):
            self.fail(item_id, "applies_to", "give a non-empty list of facility types, or leave it out for all types")
        for facility_type in value:
            if facility_type not in FACILITY_TYPES:
                self.fail(
                    item_id,
                    "applies_to",
                    f"unknown facility type {facility_type!r}{_did_you_mean(facility_type, FACILITY_TYPES)}"
                    f" (known: {', '.join(FACILITY_TYPES)})",
                )
        if len(set(value)) != len(value):
            self.fail(item_id, "applies_to", "a facility type is listed twice")
        return tuple(value)


def _parse(data: bytes, path: Path) -> AuditChecklist:
    return _Parser(path).document(data)
