"""Resolving where an attack happened: coordinates first, names always, contradictions in words.

:class:`Resolver` turns a :class:`~nigehban.geo.resolution.PlaceQuery` (what a source says) into a
:class:`~nigehban.geo.resolution.Resolution` (province, district, tehsil, coordinates, precision,
confidence, flags). The rules:

- **Coordinates inside Pakistan** decide the province, district and tehsil by point-in-polygon
  (method ``coordinates``, precision ``exact``: the query carries no precision of its own, so a
  caller whose source gives a coarser one keeps it). The names are still resolved and compared:

  * a **province** contradiction is flagged whenever the named place (or the named province) lies
    in another province than the point: "coordinates fall in Sindh but the text says Quetta
    (Balochistan)";
  * a **district** contradiction only when the named place is clearly elsewhere: the point lies
    more than :data:`DISTRICT_CONTRADICTION_KM` (25 km) outside the district(s) the names resolve
    to. Sources put coordinates on town centres and district borders cut through towns, so a point
    just across a border is not called a contradiction.

- **Swapped latitude/longitude** (the point is outside Pakistan but the swapped point is inside):
  the swapped point is used and flagged.
- **Coordinates outside Pakistan**: flagged, and the query is resolved by its names.
- **Names only**: the most specific consistent unit of "place, district, province", refined by the
  free-text ``detail`` (GTD's ``location``): the matched place's own point, precision ``town`` (a
  town or locality), ``district`` (a district or tehsil) or ``province``, and a confidence (1 for
  exact names and our aliases, 0.95 for GeoNames alternate names, at most 0.9 for fuzzy matches,
  lower for ambiguous names). How names are chosen:

  * the district part is looked up among districts first, then tehsils, then towns; the place part
    within that district (or within the province);
  * a name that is both a district and a town inside it ("Quetta", "Bannu") is the town; a name
    that is a district and an unrelated village elsewhere is the district;
  * a name matching several places in different districts takes the most populous and says so in a
    flag; a place not found in the stated province is not taken from another province (a flag
    mentions it): the same name elsewhere is more often another place than a wrong province;
  * the detail text is scanned for capitalised place names (exact matches only) that lie inside
    what is already resolved and are more specific: "The town of Baldia in Karachi" refines
    Karachi to Baldia Town. Names in "40 km southwest of Quetta" and roads named after places
    ("Jamrud Road") are skipped, and so are names in several districts at once;
  * a city that spans several districts (Karachi, from the alias table) resolves to the district
    of the city's own point and says so in a flag.

- Odd text never raises: it resolves to method ``none``.

Caveats:

- Without boundaries (a fresh install) coordinates give no units (province comes from the names)
  and names resolve to towns and provinces only.
- The gazetteer must have been built with the same boundaries as the resolver (the pcodes of one
  are looked up in the other).

Example:
    >>> from nigehban.geo.gazetteer import Gazetteer
    >>> resolver = Resolver(boundaries=None, gazetteer=Gazetteer.build(boundaries=None))
    >>> resolution = resolver.resolve_text("Quetta, Balochistan")
    >>> (resolution.province, resolution.precision, resolution.method)
    ('Balochistan', 'town', 'name')
    >>> resolver.resolve(PlaceQuery(place="Quetta", latitude=67.0, longitude=24.9)).flags[0]
    'latitude and longitude look swapped: used (24.9, 67.0)'
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from nigehban.geo.boundaries import PROVINCE_PCODES, BoundaryUnit, Level
from nigehban.geo.boundaryset import BoundarySet
from nigehban.geo.gazetteer import Gazetteer, Match, place_keys
from nigehban.geo.locate import KM_PER_DEGREE
from nigehban.geo.places import LEARNED_SOURCE, PAKISTAN_BOX, Place
from nigehban.geo.resolution import PlaceQuery, Resolution
from nigehban.taxonomy import canonical_province

__all__ = ["DISTRICT_CONTRADICTION_KM", "PlaceQuery", "Resolution", "Resolver"]

DISTRICT_CONTRADICTION_KM = 25.0
"""How far outside the named district(s) coordinates must lie to be flagged as a contradiction."""

_PROVINCE_BY_PCODE = {pcode: name for name, pcode in PROVINCE_PCODES.items()}
_SIZE = {"province": 0, "district": 1, "tehsil": 2, "town": 3, "locality": 4}
_PRECISION = {"province": "province", "district": "district", "tehsil": "district", "town": "town", "locality": "town"}
_AMBIGUOUS_FACTOR = 0.7
_COUNTRY_WORDS = frozenset({"pakistan", "pak"})

# Capitalised words of free text that are not place names even where a place shares the spelling.
_DETAIL_STOPWORDS = frozenset(
    """
    a about after against along an and area areas at attack bazaar bazar before between block border bridge bus by
    camp capital central chowk city colony district east event federal for from goth government highway hospital
    in incident into lower main market mosque near new north of office on outside pakistan police post province
    road school sector south station street the to town tribal university upper valley village west with
    """.split()  # noqa: SIM905 (a word list reads better as text than as 70 quoted strings)
)
_PROVINCE_PHRASE = re.compile(
    r"\bKhyber[\s-]+P[a-z]*(?:kh|kt|tu|to)[a-z]*|\bNorth[\s-]+West[\s-]+Frontier\b", re.IGNORECASE
)
_WORD = re.compile(r"[A-Za-z\u0600-\u06ff][A-Za-z\u0600-\u06ff'’.\-]*")
# "40 km southwest of Quetta", "52 miles west of Quetta": the event is not in the place named
_RELATIVE = re.compile(
    r"\b(?:km|kms|kilometers?|kilometres?|miles?|mi)\b[\s\w-]{0,25}?\b(?:of|from)\s*$", re.IGNORECASE
)
# "Jamrud Road in Hayatabad", "the Quetta - Chaman Highway": a road named after places is not a place
_ROAD = re.compile(
    r"(?:\b[A-Z][\w.'’]*\s*(?:[-–/]\s*)?){1,4}\s(?i:road|rd|highway|bypass|street|avenue|motorway|expressway)\b"
)
_PIECES = re.compile(r"\s*(?:[-–/,;()]|\band\b|\bnear\b|\bborder\b)\s*", re.IGNORECASE)


@dataclasses.dataclass(frozen=True, slots=True)
class _Choice:
    """A place chosen for (part of) a query, and the districts it stands for."""

    match: Match
    districts: tuple[str, ...]
    confidence: float
    flags: tuple[str, ...] = ()

    @property
    def place(self) -> Place:
        return self.match.place


@dataclasses.dataclass(frozen=True, slots=True)
class _Named:
    """What the names of a query resolve to."""

    choice: _Choice | None
    province: str | None
    method: str
    confidence: float
    flags: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class _Point:
    """Where a query's coordinates fall."""

    latitude: float
    longitude: float
    province: str | None
    district: BoundaryUnit | None
    tehsil: BoundaryUnit | None
    snapped: bool
    swapped: bool


class Resolver:
    """Resolves place queries against boundaries (optional) and a gazetteer; name results are cached."""

    def __init__(self, *, boundaries: BoundarySet | None, gazetteer: Gazetteer) -> None:
        self.boundaries = boundaries if boundaries is not None and _has_any(boundaries) else None
        self.gazetteer = gazetteer
        self._named: dict[tuple[object, ...], _Named] = {}
        self._named_raw: dict[tuple[object, ...], _Named] = {}

    def __getstate__(self) -> dict[str, object]:
        # Sent to an import's reading process: the verbatim cache is only a shortcut into ``_named``.
        return {**self.__dict__, "_named_raw": {}}

    # ------------------------------------------------------------------------------------ public API

    def resolve(self, query: PlaceQuery) -> Resolution:
        """Resolve one query (see the module notes for the rules)."""
        return self.resolve_many([query])[0]

    def resolve_text(self, text: str) -> Resolution:
        """Resolve free text such as ``"Jamrud, Khyber"``, ``"Mir Ali, North Waziristan"`` or ``"DI Khan"``.

        Comma-separated parts are read as place, district, province from the left, the last part
        being the province when it names one; parts in between become detail.
        """
        return self.resolve(parse_place_text(text))

    def resolve_many(self, queries: Sequence[PlaceQuery]) -> list[Resolution]:
        """Resolve many queries: point-in-polygon for all coordinates at once, names through the cache."""
        points = self._points(queries)
        return [self._resolve(query, points.get(number)) for number, query in enumerate(queries)]

    def cache_size(self) -> int:
        """How many distinct name combinations have been resolved."""
        return len(self._named)

    def clear_cache(self) -> None:
        """Forget cached name resolutions (after the gazetteer's places change)."""
        self._named.clear()
        self._named_raw.clear()

    # ---------------------------------------------------------------------------------- coordinates

    def _points(self, queries: Sequence[PlaceQuery]) -> dict[int, _Point | None]:
        """For each query with finite coordinates: where they fall (``None`` outside Pakistan)."""
        numbers = [number for number, query in enumerate(queries) if _finite(query.latitude, query.longitude)]
        if not numbers:
            return {}
        latitude = np.array([queries[number].latitude for number in numbers], dtype=float)
        longitude = np.array([queries[number].longitude for number in numbers], dtype=float)
        found = self._locate(longitude, latitude, swapped=False)
        outside = [row for row, point in enumerate(found) if point is None]
        if outside:
            rows = np.array(outside)
            # swapped: the latitude column holds the longitude
            for row, point in zip(outside, self._locate(latitude[rows], longitude[rows], swapped=True), strict=True):
                found[row] = point
        return dict(zip(numbers, found, strict=True))

    def _locate(
        self, longitude: npt.NDArray[np.float64], latitude: npt.NDArray[np.float64], *, swapped: bool
    ) -> list[_Point | None]:
        if self.boundaries is None:
            west, south, east, north = PAKISTAN_BOX
            inside = (longitude >= west) & (longitude <= east) & (latitude >= south) & (latitude <= north)
            return [
                _Point(float(y), float(x), None, None, None, False, swapped) if ok else None
                for x, y, ok in zip(longitude, latitude, inside, strict=True)
            ]
        levels: dict[Level, tuple[list[BoundaryUnit], npt.NDArray[np.int64], npt.NDArray[np.bool_]]] = {}
        for level in ("province", "district", "tehsil"):
            if self.boundaries.has(level):
                located = self.boundaries.locate_indices(level, longitude, latitude)
                levels[level] = (self.boundaries.units(level), located.unit, located.snapped)
        out: list[_Point | None] = []
        for row in range(len(longitude)):
            units: dict[str, BoundaryUnit | None] = {}
            snapped = False
            for level, (level_units, unit, level_snapped) in levels.items():
                units[level] = level_units[unit[row]] if unit[row] >= 0 else None
                snapped = snapped or bool(level_snapped[row] and unit[row] >= 0)
            province_unit, district, tehsil = units.get("province"), units.get("district"), units.get("tehsil")
            if province_unit is None and district is None and tehsil is None:
                out.append(None)
                continue
            province_pcode = (
                province_unit.pcode
                if province_unit
                else (district.province_pcode if district else (tehsil.province_pcode if tehsil else None))
            )
            out.append(
                _Point(
                    latitude=float(latitude[row]),
                    longitude=float(longitude[row]),
                    province=_PROVINCE_BY_PCODE.get(province_pcode or ""),
                    district=district,
                    tehsil=tehsil,
                    snapped=snapped,
                    swapped=swapped,
                )
            )
        return out

    def _resolve(self, query: PlaceQuery, point: _Point | None) -> Resolution:
        if point is None:
            named = self._names(query)
            if not _finite(query.latitude, query.longitude):
                return self._from_names(named)
            flag = f"coordinates ({query.latitude}, {query.longitude}) fall outside Pakistan; resolved by name"
            resolution = self._from_names(named)
            return dataclasses.replace(resolution, flags=(flag, *resolution.flags))
        # The coordinates decide; the names only serve to catch a contradiction. Free-text detail
        # (unique to nearly every row, so never cached) adds nothing to that check and is left out,
        # and the names' own caveats ("Karachi spans 6 districts") do not apply to a located point.
        with self.gazetteer.without_learned():
            named = self._names(query, with_detail=False, learned=False)
        flags: list[str] = []
        if point.swapped:
            flags.append(f"latitude and longitude look swapped: used ({point.latitude}, {point.longitude})")
        flags.extend(self._contradictions(named, point))
        choice = named.choice
        if self.boundaries is None:
            # no units to place the point in: the names give the province
            return Resolution(
                province=named.province,
                latitude=point.latitude,
                longitude=point.longitude,
                precision="exact",
                confidence=named.confidence if named.province else 0.0,
                method="coordinates",
                matched=self.gazetteer.describe(choice.place) if choice else None,
                flags=tuple(flags),
            )
        return Resolution(
            province=point.province,
            district=point.district.name if point.district else None,
            district_pcode=point.district.pcode if point.district else None,
            tehsil=point.tehsil.name if point.tehsil else None,
            tehsil_pcode=point.tehsil.pcode if point.tehsil else None,
            latitude=point.latitude,
            longitude=point.longitude,
            precision="exact",
            confidence=0.9 if point.snapped or point.swapped else 1.0,
            method="coordinates",
            matched=self.gazetteer.describe(choice.place) if choice else None,
            flags=tuple(flags),
        )

    def _contradictions(self, named: _Named, point: _Point) -> list[str]:
        if named.province is None or point.province is None:
            return []
        choice = named.choice
        said = f"{choice.place.name} ({named.province})" if choice and choice.place.kind != "province" else None
        if named.province != point.province:
            return [f"coordinates fall in {point.province} but the text says {said or named.province}"]
        if choice is None or not choice.districts or self.boundaries is None or point.district is None:
            return []
        if point.district.pcode in choice.districts:
            return []
        distance = self._km_outside(point, choice.districts)
        if distance is None or distance <= DISTRICT_CONTRADICTION_KM:
            return []
        names = " / ".join(self.gazetteer.district_of(pcode) or pcode for pcode in choice.districts)
        return [
            f"coordinates fall in {point.district.name} district, {distance:.0f} km outside {names}"
            f" where the text puts {choice.place.name}"
        ]

    def _km_outside(self, point: _Point, districts: Collection[str]) -> float | None:
        assert self.boundaries is not None
        geometries: list[BaseGeometry] = [
            unit.geometry for pcode in districts if (unit := self.boundaries.unit("district", pcode)) is not None
        ]
        if not geometries:
            return None
        location = shapely.Point(point.longitude, point.latitude)
        nearest = min(geometries, key=lambda geometry: float(shapely.distance(location, geometry)))
        line = shapely.shortest_line(location, nearest)
        (x0, y0), (x1, y1) = shapely.get_coordinates(line)
        scale = math.cos(math.radians((y0 + y1) / 2))
        return float(math.hypot((x1 - x0) * scale, y1 - y0) * KM_PER_DEGREE)

    # ---------------------------------------------------------------------------------------- names

    def _from_names(self, named: _Named) -> Resolution:
        choice = named.choice
        if choice is None:
            if named.province is None:
                return Resolution(flags=named.flags)
            province = self.gazetteer.lookup(named.province, kinds=("province",))
            place = province[0].place if province else None
            return Resolution(
                province=named.province,
                latitude=place.latitude if place else None,
                longitude=place.longitude if place else None,
                precision="province",
                confidence=named.confidence,
                method="province",
                flags=named.flags,
            )
        place = choice.place
        has_units = self.boundaries is not None and place.district_pcode is not None
        # without a point a place is known to its district at best (an alias tehsil named with its district)
        precision = _PRECISION[place.kind] if place.has_point else ("district" if has_units else "province")
        return Resolution(
            province=named.province,
            district=self.gazetteer.district_of(place.district_pcode) if has_units else None,
            district_pcode=place.district_pcode if has_units else None,
            tehsil=self.gazetteer.tehsil_names.get(place.tehsil_pcode or "") if has_units else None,
            tehsil_pcode=place.tehsil_pcode if has_units else None,
            latitude=place.latitude,
            longitude=place.longitude,
            precision=precision,
            confidence=named.confidence,
            method=named.method,
            matched=self.gazetteer.describe(place),
            flags=named.flags,
        )

    def _names(self, query: PlaceQuery, *, with_detail: bool = True, learned: bool = True) -> _Named:
        detail = query.detail if with_detail else None
        # The text exactly as given first (one lookup: imports repeat the same few names), then
        # keyed on the text with spaces collapsed, not on normalised keys: flags quote the text,
        # and the same query must always give the same resolution, whatever came before it.
        raw = (query.place, query.district, query.province, detail, learned)
        named = self._named_raw.get(raw)
        if named is not None:
            return named
        key = (_clean(query.place), _clean(query.district), _clean(query.province), _clean(detail), learned)
        named = self._named.get(key)
        if named is None:
            named = self._resolve_names(query.place, query.district, query.province, detail)
            self._named[key] = named
        if len(self._named_raw) < _RAW_CACHE_LIMIT:
            self._named_raw[raw] = named
        return named

    def _resolve_names(
        self, place_text: str | None, district_text: str | None, province_text: str | None, detail: str | None
    ) -> _Named:
        flags: list[str] = []
        place_text, district_text = _clean(place_text), _clean(district_text)
        province = None
        if _clean(province_text):
            try:
                province = canonical_province(province_text or "")
            except KeyError:
                # not a province: perhaps a district or town in the wrong column
                if district_text is None:
                    district_text = _clean(province_text)
                else:
                    flags.append(f"{province_text!r} is not a province of Pakistan; ignored")
        current: _Choice | None = None
        if district_text:
            current = self._find(district_text, province=province, districts=None, role="district")
        if place_text:
            within = current.districts if current and current.districts else None
            found = self._find(place_text, province=province, districts=within, role="place")
            if found is None and within is not None:
                elsewhere = self._find(place_text, province=province, districts=None, role="place", exact_only=True)
                if elsewhere is not None and current is not None:
                    flags.append(
                        f"{self.gazetteer.describe(elsewhere.place)} is not in {current.place.name},"
                        f" named as its district; kept {current.place.name}"
                    )
            if found is not None:
                if current is not None:
                    found = dataclasses.replace(found, confidence=min(found.confidence, current.confidence))
                current = found
        if detail and (current is None or _refinable(current)):
            refined = self._scan_detail(detail, province=province, current=current)
            if refined is not None:
                current = refined
        if current is None and province is not None and (place_text or district_text):
            # Nothing of that name in the stated province. A place of the same name elsewhere is
            # more often another place than a wrong province (8 of 10 in GTD 1970-2012), so it is
            # only mentioned, and the province stands.
            for text in (place_text, district_text):
                elsewhere = (
                    self._find(text, province=None, districts=None, role="place", exact_only=True) if text else None
                )
                if elsewhere is not None and elsewhere.place.kind != "province":
                    flags.append(
                        f"{text!r} not found in {province}; {self.gazetteer.describe(elsewhere.place)}"
                        f" is in {elsewhere.place.province}"
                    )
                    break
        if current is None:
            if province is None:
                return _Named(None, None, "none", 0.0, tuple(flags))
            return _Named(None, province, "province", 1.0, tuple(flags))
        flags.extend(current.flags)
        if current.match.spans and len(current.match.spans) > 1:
            current, where = self._place_city(current, place_text or district_text or current.place.name)
            flags.append(f"{current.place.name} spans {len(current.match.spans)} districts; placed in {where}")
        method = "fuzzy" if current.match.fuzzy else "name"
        return _Named(current, current.place.province or province, method, current.confidence, tuple(flags))

    def _place_city(self, city: _Choice, reported: str) -> tuple[_Choice, str]:
        """A city spanning several districts, placed in one: where the store's geocoded incidents
        reported under the same name mostly lie, else the district of the city's own point."""
        learned = self.gazetteer.learned_place(reported, province=city.place.province)
        if learned is None and reported.casefold() != city.place.name.casefold():
            learned = self.gazetteer.learned_place(city.place.name, province=city.place.province)
        if learned is not None and learned.district_pcode in city.match.spans:
            district = self.gazetteer.district_of(learned.district_pcode)
            place = dataclasses.replace(learned, name=city.place.name, kind=city.place.kind)
            placed = dataclasses.replace(city, match=dataclasses.replace(city.match, place=place))
            return placed, f"{district}, where most of the {learned.population:,} geocoded incidents named so lie"
        district = self.gazetteer.district_of(city.place.district_pcode) or "its centre's district"
        return city, f"{district}, the district of the city centre"

    def _find(
        self,
        text: str,
        *,
        province: str | None,
        districts: Collection[str] | None,
        role: str,
        exact_only: bool = False,
    ) -> _Choice | None:
        """The place ``text`` names in its ``role`` (``place`` or ``district``), within the constraints."""
        matches = self.gazetteer.lookup(text, province=province, districts=districts)
        if not matches:
            pieces = [piece for piece in _PIECES.split(text) if piece and piece.strip() and piece != text]
            for piece in pieces if len(pieces) > 1 else ():
                matches = self.gazetteer.lookup(piece, province=province, districts=districts)
                if matches:
                    break
        if not matches and not exact_only:
            matches = self.gazetteer.fuzzy_lookup(text, province=province, districts=districts)
            if matches:
                best = matches[0].score
                matches = [match for match in matches if match.score >= best]
        if not matches:
            return None
        return self._choose(matches, role=role, text=text)

    def _choose(self, matches: list[Match], *, role: str, text: str) -> _Choice | None:
        if any(match.name_kind != "alternate" for match in matches):
            matches = [match for match in matches if match.name_kind != "alternate"]
        by_kind: dict[str, list[Match]] = {}
        for match in matches:
            by_kind.setdefault(match.place.kind, []).append(match)
        districts, tehsils = by_kind.get("district", []), by_kind.get("tehsil", [])
        points = [match for match in matches if match.place.kind in {"town", "locality"} and match.place.has_point]
        points += [match for match in matches if match.place.kind in {"town", "locality"} and not match.place.has_point]
        learned = [match for match in points if match.place.source == LEARNED_SOURCE]
        tier: list[Match]
        if role == "district":
            tier = districts or tehsils or points or by_kind.get("province", [])
        elif learned:
            # indexed only where it places the name in a district no other place of that name is in:
            # how the sources geocode the name outranks a unit that merely shares it (Bara, see gazetteer)
            tier = learned
        elif districts:
            codes = {match.place.district_pcode for match in districts}
            inside = [match for match in points + tehsils if match.place.district_pcode in codes]
            tier = inside or districts
        elif tehsils:
            codes = {match.place.district_pcode for match in tehsils}
            inside = [match for match in points if match.place.district_pcode in codes]
            tier = inside or tehsils
        else:
            tier = points or by_kind.get("province", [])
        if not tier:
            return None
        tier = sorted(tier, key=_preference)
        chosen = tier[0]
        confidence = chosen.confidence
        flags: tuple[str, ...] = ()
        others = _distinct_locations(tier)
        if len(others) > 1:
            confidence *= _AMBIGUOUS_FACTOR
            where = ", ".join(self.gazetteer.describe(match.place) for match in others[:4])
            flags = (f"{len(others)} places match {text!r} ({where}); chose {self.gazetteer.describe(chosen.place)}",)
        spans = chosen.spans or ((chosen.place.district_pcode,) if chosen.place.district_pcode else ())
        return _Choice(chosen, spans, confidence, flags)

    def _scan_detail(self, detail: str, *, province: str | None, current: _Choice | None) -> _Choice | None:
        """A place named in free text that lies within ``current`` and is more specific than it."""
        text = _ROAD.sub(" , ", _PROVINCE_PHRASE.sub(" , ", detail))
        words = [(word.group(0).rstrip(".-'’"), word.start()) for word in _WORD.finditer(text)]
        # breaks between words (commas, full stops) end a name
        breaks = {
            index
            for index in range(1, len(words))
            if re.search(r"[,.;:()]", text[words[index - 1][1] : words[index][1]])
        }
        within = current.districts if current and current.districts else None
        taken: set[int] = set()
        found: list[tuple[int, Match]] = []
        for size in (4, 3, 2, 1):
            for start in range(len(words) - size + 1):
                span = range(start, start + size)
                if taken.intersection(span) or any(index in breaks for index in range(start + 1, start + size)):
                    continue
                first, last = words[start][0], words[start + size - 1][0]
                if not (_capitalised(first) and _capitalised(last)):
                    continue
                if size == 1 and (first.lower() in _DETAIL_STOPWORDS or len(first) < 3):
                    continue
                if _RELATIVE.search(text[: words[start][1]]):
                    continue
                phrase = " ".join(word for word, _ in words[start : start + size])
                keys = place_keys(phrase)
                if not keys:
                    continue
                matches = self.gazetteer.lookup_key(keys[0], province=province, districts=within)
                if not matches:
                    continue
                taken.update(span)
                choice = self._choose(matches, role="place", text=phrase)
                if choice is not None and not choice.flags:
                    found.append((start, choice.match))
        size_now = _SIZE[current.place.kind] if current else -1
        city = bool(current and len(current.match.spans) > 1)
        refinements = [
            (start, match)
            for start, match in found
            if _SIZE[match.place.kind] > size_now or (city and match.place.kind in {"tehsil", "town", "locality"})
            if match.place.kind != "province"
            if city or not (current and current.place.kind in {"town", "locality"} and match.place.kind != "locality")
            if not (
                current
                and current.place.kind == "tehsil"
                and match.place.tehsil_pcode not in {None, current.place.tehsil_pcode}
            )
            # (a listed place with no point of its own still says which of a city's districts: "near Landhi
            # railway station, Karachi")
            if match.place.has_point
            or match.place.kind in {"district", "tehsil"}
            or (city and match.place.district_pcode)
            if not (current and match.index == current.match.index)
        ]
        if not refinements:
            return None
        districts = {match.place.district_pcode for _, match in refinements}
        if len(districts) > 1:
            return None  # the text names places in several districts: keep what the structured parts say
        refinements.sort(key=lambda item: (-_SIZE[item[1].place.kind], item[0]))
        match = refinements[0][1]
        confidence = min(match.confidence, current.confidence) if current else match.confidence
        spans = (match.place.district_pcode,) if match.place.district_pcode else ()
        return _Choice(match, spans, confidence)


def parse_place_text(text: str) -> PlaceQuery:
    """Split ``"place, district, province"`` text into a :class:`PlaceQuery`.

    >>> parse_place_text("Jamrud, Khyber")
    PlaceQuery(place='Jamrud', district='Khyber', province=None, detail=None, latitude=None, longitude=None)
    >>> parse_place_text("Mir Ali, near the bazaar, North Waziristan, FATA, Pakistan").detail
    'near the bazaar'
    """
    parts = [part.strip() for part in re.split(r"[,;\n]", text or "") if part.strip()]
    while parts and parts[-1].lower().strip(". ") in _COUNTRY_WORDS:
        parts.pop()
    province = None
    if len(parts) > 1 and _is_province(parts[-1]):
        province = parts.pop()
    if not parts:
        return PlaceQuery(province=province)
    place = parts[0]
    district = parts[-1] if len(parts) > 1 else None
    detail = ", ".join(parts[1:-1]) or None
    return PlaceQuery(place=place, district=district, province=province, detail=detail)


def _is_province(text: str) -> bool:
    try:
        return canonical_province(text) is not None
    except KeyError:
        return False


def _has_any(boundaries: BoundarySet) -> bool:
    return any(boundaries.has(level) for level in ("province", "district", "tehsil"))


_RAW_CACHE_LIMIT = 200_000
"""Queries remembered verbatim; beyond this only the cleaned-text cache grows (free text rarely repeats)."""


def _finite(latitude: float | None, longitude: float | None) -> bool:
    if latitude is None or longitude is None:
        return False
    try:
        return math.isfinite(float(latitude)) and math.isfinite(float(longitude))
    except (TypeError, ValueError):
        return False


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(str(text).split())
    if not text or text.lower() in {"unknown", "n/a", "na", "none", "nan", "-"}:
        return None
    return text


def _capitalised(word: str) -> bool:
    first = word[:1]
    return bool(first) and (first.isupper() or "\u0600" <= first <= "\u06ff")


def _refinable(choice: _Choice) -> bool:
    return choice.place.kind in {"province", "district", "tehsil", "town"} or len(choice.match.spans) > 1


_PREFERENCE = {"town": 0, "locality": 1, "tehsil": 2, "district": 3, "province": 4}


def _preference(match: Match) -> tuple[int, int, int, int]:
    """Towns, then localities (GeoNames points are checked, user points not), then tehsils; population; names."""
    return (
        _PREFERENCE[match.place.kind],
        -(match.place.population or 0),
        match.name_kind != "name",
        match.index,
    )


def _distinct_locations(matches: Sequence[Match]) -> list[Match]:
    """One match per district (or, without districts, per 0.25-degree cell), in order."""
    seen: set[object] = set()
    out: list[Match] = []
    for match in matches:
        place = match.place
        if place.district_pcode is not None:
            where: object = place.district_pcode
        elif place.has_point:
            where = (round((place.latitude or 0) * 4), round((place.longitude or 0) * 4))
        else:
            where = (place.province, place.name)
        if where not in seen:
            seen.add(where)
            out.append(match)
    return out
