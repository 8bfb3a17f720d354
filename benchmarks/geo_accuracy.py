"""Accuracy of place resolution on real data: GTD 1970-2012 and UCDP-AEC, as in docs/geography-accuracy.md.

    python -m benchmarks.geo_accuracy            # the figures and the confusion tables of the misses
    python -m benchmarks.geo_accuracy --places   # the same with the GeoNames postal gazetteer added as user places
    python -m benchmarks.geo_accuracy --learned  # with places learned from geocoded reports (earlier years, others)

GTD: every specificity-1 row (the place is a city, town or village and the coordinates are for it)
is resolved from its names only -- ``city``, ``provstate`` and the free-text ``location``, the
coordinates removed -- and the district found is compared with the district its coordinates fall
in (point-in-polygon on the real districts). Rows whose coordinates fall in no district are left
out of the comparison.

UCDP-AEC: the file has no coordinates. Every ``location_adm2_name`` is resolved (as the district
part of a query, with ``location_adm1_name`` as the province); the substitute for "the district of
the event's coordinates" is the district of the GeoNames point of ``location_where_name`` where that
is a GeoNames town of the stated province (" town"/" village"/" area" suffixes dropped; the most
populous where several share the name), i.e. an independent geocode of the event's town.

The tests in tests/geo/test_resolver_accuracy.py assert on these same figures.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import shapely

from nigehban.geo.boundaries import PROVINCE_PCODES
from nigehban.geo.boundaryset import BoundarySet
from nigehban.geo.gazetteer import Gazetteer
from nigehban.geo.learned import GeocodedReport, learn_places
from nigehban.geo.places import Place, read_places_csv
from nigehban.geo.resolution import PlaceQuery, Resolution
from nigehban.geo.resolver import Resolver
from nigehban.taxonomy import canonical_province

__all__ = [
    "GtdAccuracy",
    "UcdpAccuracy",
    "gtd_accuracy",
    "load_boundaries",
    "main",
    "ucdp_accuracy",
]

_PROVINCE_BY_PCODE = {pcode: name for name, pcode in PROVINCE_PCODES.items()}
_GTD_KARACHI = (24.8934, 67.0281)
"""GTD's city-wide point for Karachi (latitude, longitude), shared by most of its Karachi rows."""
_WHERE_SUFFIX = re.compile(r"\s+(?:town|village|area|city)$", re.IGNORECASE)


def _is_city_wide(resolution: Resolution) -> bool:
    """Whether the names resolved only to a city that spans several districts (bare "Karachi")."""
    return any("districts; placed in" in flag for flag in resolution.flags)


@dataclasses.dataclass
class GtdAccuracy:
    """District and province agreement of name-only resolution with the rows' own coordinates."""

    rows: int
    """Specificity-1 rows with coordinates."""
    compared: int
    """Of those, rows whose coordinates fall in a district."""
    district_matches: int
    province_matches: int
    city_wide: int
    """Rows whose names resolve only to a city spanning several districts (bare "Karachi")."""
    city_wide_matches: int
    unresolved: int
    """Rows whose names resolved to no district (province only, or nothing)."""
    within_5_km: int
    """Rows whose coordinates lie in, or within 5 km of, the district the names resolved to."""
    at_gtd_karachi_point: int
    """Rows within 0.001 degrees of GTD's city-wide Karachi point (24.8934, 67.0281)."""
    misses: Counter[tuple[str, str]]
    """(district of the coordinates, district from the names or "(none)") -> rows."""
    unresolved_names: Counter[tuple[str, str]]
    """(city, province) of the unresolved rows -> rows."""

    @property
    def district_rate(self) -> float:
        return self.district_matches / self.compared

    @property
    def province_rate(self) -> float:
        return self.province_matches / self.compared

    @property
    def district_rate_without_city_wide(self) -> float:
        return (self.district_matches - self.city_wide_matches) / (self.compared - self.city_wide)

    @property
    def district_rate_when_resolved(self) -> float:
        resolved = self.compared - self.unresolved - self.city_wide
        return (self.district_matches - self.city_wide_matches) / resolved

    @property
    def within_5_km_rate(self) -> float:
        return self.within_5_km / self.compared


@dataclasses.dataclass
class UcdpAccuracy:
    """Resolution of UCDP-AEC's district names, checked against the GeoNames point of the event's town."""

    rows: int
    with_adm2: int
    adm2_resolved: int
    """Rows whose ``location_adm2_name`` resolves to a district."""
    adm2_names: dict[str, str | None]
    """Each distinct ``location_adm2_name`` -> the district it resolves to."""
    geocoded: int
    """Rows whose ``location_where_name`` is a GeoNames town of the stated province."""
    agreeing: int
    geocoded_without_karachi: int
    agreeing_without_karachi: int
    misses: Counter[tuple[str, str, str, str]]
    """(adm2 name, where name, district from adm2, district of the where-name's point) -> rows."""

    @property
    def agreement(self) -> float:
        return self.agreeing / self.geocoded

    @property
    def agreement_without_karachi(self) -> float:
        return self.agreeing_without_karachi / self.geocoded_without_karachi


def load_boundaries(data: Path) -> BoundarySet:
    """The real province, district and tehsil boundaries under ``data/geo``."""
    geo = data / "geo"
    return BoundarySet.from_files(
        province=geo / "pak_adm1_provinces.geojson",
        district=geo / "pak_adm2_districts.geojson",
        tehsil=geo / "pak_adm3_tehsils.geojson",
    )


def _gtd_rows(path: Path) -> list[dict[str, str]]:
    """GTD's specificity-1 rows with coordinates."""
    with gzip.open(path, "rt", encoding="latin-1", newline="") as handle:
        return [
            row for row in csv.DictReader(handle) if row["specificity"] == "1" and row["latitude"] and row["longitude"]
        ]


def _province(text: str) -> str | None:
    try:
        return canonical_province(text)
    except KeyError:
        return "Islamabad Capital Territory" if text.strip().lower() == "capital" else None


def gtd_reports(path: Path, *, before_year: int) -> list[GeocodedReport]:
    """GTD's geocoded reports (city, province, coordinates) of the years before ``before_year``."""
    return [
        GeocodedReport(row["city"], _province(row["provstate"]), float(row["latitude"]), float(row["longitude"]))
        for row in _gtd_rows(path)
        if int(row["iyear"]) < before_year
    ]


def other_source_reports(incidents: Path) -> list[GeocodedReport]:
    """Geocoded reports of the two other incident lists: suicide attacks 1995-2017 and drone strikes 2004-2016."""
    reports = []
    for name in (
        "kaggle_pakistan_suicide_attacks_1995_2017.csv",
        "kaggle_pakistan_drone_attacks_2004_2016_with_refs.csv",
    ):
        with (incidents / name).open(encoding="latin-1", newline="") as handle:
            for row in csv.DictReader(handle):
                try:
                    latitude, longitude = float(row["Latitude"]), float(row["Longitude"])
                except ValueError:
                    continue
                reports.append(GeocodedReport(row["City"], _province(row["Province"]), latitude, longitude))
    return reports


def gtd_accuracy(
    path: Path,
    boundaries: BoundarySet,
    *,
    places: Sequence[Place] = (),
    learned_from: Sequence[GeocodedReport] = (),
    since_year: int | None = None,
) -> GtdAccuracy:
    """Resolve GTD's specificity-1 rows from their names and compare with their coordinates' districts.

    ``learned_from``: geocoded reports whose places the gazetteer learns first (as it learns the
    store's); ``since_year``: only rows of that year and later are resolved and compared.
    """
    rows = [row for row in _gtd_rows(path) if since_year is None or int(row["iyear"]) >= since_year]
    places = [*places, *learn_places(learned_from, boundaries=boundaries)]
    latitude = [float(row["latitude"]) for row in rows]
    longitude = [float(row["longitude"]) for row in rows]
    truth = boundaries.locate("district", longitude, latitude)
    resolver = Resolver(boundaries=boundaries, gazetteer=Gazetteer.build(boundaries=boundaries, places=places))
    resolutions = resolver.resolve_many(
        [PlaceQuery(place=row["city"], province=row["provstate"], detail=row["location"]) for row in rows]
    )
    # distance check for the 5 km tolerance: the point against the resolved district
    tolerance = {
        pcode: unit.geometry.buffer(0.05)  # about 5 km in latitude, 4.5-5 km in longitude here
        for pcode in {resolution.district_pcode for resolution in resolutions if resolution.district_pcode}
        if (unit := boundaries.unit("district", pcode)) is not None
    }
    result = GtdAccuracy(len(rows), 0, 0, 0, 0, 0, 0, 0, 0, Counter(), Counter())
    for row, expected, resolution, x, y in zip(rows, truth, resolutions, longitude, latitude, strict=True):
        if expected is None:
            continue
        result.compared += 1
        if abs(y - _GTD_KARACHI[0]) < 0.001 and abs(x - _GTD_KARACHI[1]) < 0.001:
            result.at_gtd_karachi_point += 1
        hit = resolution.district_pcode == expected.pcode
        result.district_matches += hit
        result.province_matches += resolution.province == _PROVINCE_BY_PCODE.get(expected.province_pcode or "")
        if _is_city_wide(resolution):
            result.city_wide += 1
            result.city_wide_matches += hit
        elif resolution.district_pcode is None:
            result.unresolved += 1
            result.unresolved_names[(row["city"], row["provstate"])] += 1
        area = tolerance.get(resolution.district_pcode or "")
        if hit or (area is not None and shapely.intersects_xy(area, x, y)):
            result.within_5_km += 1
        if not hit:
            result.misses[(expected.name, resolution.district or "(none)")] += 1
    return result


def ucdp_accuracy(path: Path, boundaries: BoundarySet) -> UcdpAccuracy:
    """Resolve UCDP-AEC's district names; check them against the GeoNames point of the event's town."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    gazetteer = Gazetteer.build(boundaries=boundaries)
    resolver = Resolver(boundaries=boundaries, gazetteer=gazetteer)
    with_adm2 = [row for row in rows if row["location_adm2_name"].strip()]
    resolutions = resolver.resolve_many(
        [PlaceQuery(district=row["location_adm2_name"], province=row["location_adm1_name"]) for row in with_adm2]
    )
    result = UcdpAccuracy(len(rows), len(with_adm2), 0, {}, 0, 0, 0, 0, Counter())
    for row, resolution in zip(with_adm2, resolutions, strict=True):
        result.adm2_resolved += resolution.district_pcode is not None
        result.adm2_names[row["location_adm2_name"]] = resolution.district
        where = _WHERE_SUFFIX.sub("", row["location_where_name"].strip())
        if not where:
            continue
        try:
            province = canonical_province(row["location_adm1_name"])
        except KeyError:
            province = None
        towns = [
            match
            for match in gazetteer.lookup(where, province=province, kinds=("town",))
            if match.place.source == "geonames" and match.place.district_pcode
        ]
        if not towns:
            continue
        expected = max(towns, key=lambda match: match.place.population or 0).place.district_pcode
        agree = resolution.district_pcode == expected
        result.geocoded += 1
        result.agreeing += agree
        if where.lower() != "karachi":
            result.geocoded_without_karachi += 1
            result.agreeing_without_karachi += agree
        if not agree:
            key = (row["location_adm2_name"], where, resolution.district or "(none)", gazetteer.district_of(expected))
            result.misses[(key[0], key[1], key[2], key[3] or "?")] += 1
    return result


def _learned(gtd_path: Path, boundaries: BoundarySet, places: Sequence[Place]) -> None:
    """The GTD figures with places learned from geocoded reports the test rows are not among."""
    print("Places learned from geocoded reports (nigehban.geo.learned), evaluated on rows they exclude:")
    for year in (2005, 2008, 2010):
        before = gtd_reports(gtd_path, before_year=year)
        plain = gtd_accuracy(gtd_path, boundaries, places=places, since_year=year)
        learned = gtd_accuracy(gtd_path, boundaries, places=places, learned_from=before, since_year=year)
        print(
            f"  GTD {year}-2012 rows ({plain.compared:,}), learning from GTD's {len(before):,} geocoded rows before"
            f" {year}: district {100 * learned.district_rate:.1f} %"
            f" (gazetteer alone {100 * plain.district_rate:.1f} %),"
            f" province {100 * learned.province_rate:.1f} % ({100 * plain.province_rate:.1f} %)"
        )
        for (expected, got), count in learned.misses.most_common(8):
            print(f"    {count:5,}  {expected} -> {got}")
        print(
            "    unresolved: "
            + ", ".join(f"{c} {n} ({p[:12]})" for (n, p), c in learned.unresolved_names.most_common(12))
        )
    others = other_source_reports(gtd_path.parent)
    plain = gtd_accuracy(gtd_path, boundaries, places=places)
    learned = gtd_accuracy(gtd_path, boundaries, places=places, learned_from=others)
    print(
        f"  GTD 1970-2012 rows ({plain.compared:,}), learning from the {len(others):,} geocoded rows of the suicide-"
        f"attack and drone-strike lists: district {100 * learned.district_rate:.1f} %"
        f" (gazetteer alone {100 * plain.district_rate:.1f} %), province {100 * learned.province_rate:.1f} %"
    )
    for (expected, got), count in learned.misses.most_common(8):
        print(f"    {count:5,}  {expected} -> {got}")


def _percent(part: int, whole: int) -> str:
    return f"{part:,} / {whole:,} = {100 * part / whole:.1f} %"


def main(arguments: list[str]) -> None:
    from benchmarks.common import SHARED_DATA

    boundaries = load_boundaries(SHARED_DATA)
    places: list[Place] = []
    if "--places" in arguments:
        places = read_places_csv(SHARED_DATA / "pak_geonames_postal_places.csv", source="geonames postal")
        print(f"with {len(places):,} GeoNames postal places as user places")
    gtd_path = SHARED_DATA / "incidents" / "gtd_pakistan_1970_2012.csv.gz"
    if "--learned" in arguments:
        _learned(gtd_path, boundaries, places)
        return
    gtd = gtd_accuracy(gtd_path, boundaries, places=places)
    print(f"GTD 1970-2012, specificity 1: {gtd.rows:,} rows, {gtd.compared:,} with coordinates in a district")
    print(f"  district from names = district of coordinates: {_percent(gtd.district_matches, gtd.compared)}")
    print(f"  province from names = province of coordinates: {_percent(gtd.province_matches, gtd.compared)}")
    without = gtd.compared - gtd.city_wide
    print(
        f"  rows naming only a multi-district city (Karachi): {gtd.city_wide:,}"
        f" ({gtd.at_gtd_karachi_point:,} rows at GTD's Karachi point);"
        f" district right for {gtd.city_wide_matches:,}"
    )
    matches_without = gtd.district_matches - gtd.city_wide_matches
    print(f"  district, without those rows: {_percent(matches_without, without)}")
    print(f"  district, rows whose names resolved to a district: {_percent(matches_without, without - gtd.unresolved)}")
    print(f"  unresolved below the province (names not in the gazetteer): {gtd.unresolved:,}")
    print(f"  coordinates in or within 5 km of the resolved district: {_percent(gtd.within_5_km, gtd.compared)}")
    print("  misses (district of the coordinates -> district from the names), largest 30:")
    for (expected, got), count in gtd.misses.most_common(30):
        print(f"    {count:5,}  {expected} -> {got}")
    print("  unresolved names, largest 15:")
    for (city, province), count in gtd.unresolved_names.most_common(15):
        print(f"    {count:5,}  {city} ({province})")

    ucdp = ucdp_accuracy(SHARED_DATA / "ucdp_aec_pakistan_events.csv", boundaries)
    print(f"UCDP-AEC Pakistan: {ucdp.rows:,} events, {ucdp.with_adm2:,} with location_adm2_name")
    print(f"  adm2 names resolving to a district: {_percent(ucdp.adm2_resolved, ucdp.with_adm2)}")
    print(f"  distinct adm2 names: {len(ucdp.adm2_names)}")
    for name, district in sorted(ucdp.adm2_names.items()):
        print(f"    {name} -> {district}")
    print(f"  adm2 district = district of the where-name's GeoNames point: {_percent(ucdp.agreeing, ucdp.geocoded)}")
    print(
        "  the same without Karachi (where both sides use the city's one point): "
        f"{_percent(ucdp.agreeing_without_karachi, ucdp.geocoded_without_karachi)}"
    )
    for (adm2, where, got, expected), count in ucdp.misses.most_common():
        print(f"    {count:5,}  {adm2} / {where}: names -> {got}, town's point -> {expected}")


if __name__ == "__main__":
    main(sys.argv[1:])
