"""The resolver: coordinates first, names always, contradictions in words, odd text never raises."""

from __future__ import annotations

import dataclasses

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from nigehban.geo.boundaries import BoundaryUnit
from nigehban.geo.boundaryset import BoundarySet
from nigehban.geo.gazetteer import Gazetteer
from nigehban.geo.places import Place
from nigehban.geo.resolution import PlaceQuery, Resolution
from nigehban.geo.resolver import DISTRICT_CONTRADICTION_KM, Resolver, parse_place_text
from nigehban.taxonomy import GEO_PRECISIONS, PROVINCES
from tests.helpers import shared_data

# ------------------------------------------------------------------------------------ no boundaries


@pytest.fixture(scope="module")
def fresh() -> Resolver:
    return Resolver(boundaries=None, gazetteer=Gazetteer.build(boundaries=None))


def test_names_resolve_to_a_town_point_without_boundaries(fresh: Resolver) -> None:
    resolution = fresh.resolve_text("Quetta, Balochistan")
    assert (resolution.province, resolution.district, resolution.precision) == ("Balochistan", None, "town")
    assert (resolution.method, resolution.confidence, resolution.flags) == ("name", 1.0, ())
    assert resolution.latitude == pytest.approx(30.19, abs=0.05)
    assert resolution.matched == "Quetta (town, Balochistan)"


def test_an_alias_gives_the_province_on_a_fresh_install(fresh: Resolver) -> None:
    resolution = fresh.resolve_text("DI Khan")
    assert (resolution.province, resolution.district, resolution.latitude) == ("Khyber Pakhtunkhwa", None, None)
    assert resolution.precision == "province"


def test_province_alone_and_nothing_at_all(fresh: Resolver) -> None:
    province = fresh.resolve(PlaceQuery(province="FATA"))
    assert (province.province, province.precision, province.method) == ("Khyber Pakhtunkhwa", "province", "province")
    assert province.latitude is None  # no province polygons to take a point from
    nothing = fresh.resolve(PlaceQuery(place="Xqzvbnm Qwrtp", province="Unknown"))
    assert nothing == Resolution()
    assert nothing.method == "none"


def test_a_place_is_not_taken_from_another_province(fresh: Resolver) -> None:
    resolution = fresh.resolve(PlaceQuery(place="Hyderabad", province="Punjab"))
    assert (resolution.province, resolution.precision, resolution.method) == ("Punjab", "province", "province")
    assert resolution.flags == ("'Hyderabad' not found in Punjab; Hyderabad (town, Sindh) is in Sindh",)


def test_a_fuzzy_match_says_so(fresh: Resolver) -> None:
    resolution = fresh.resolve(PlaceQuery(place="Peshwar", province="NWFP"))
    assert (resolution.method, resolution.province, resolution.precision) == ("fuzzy", "Khyber Pakhtunkhwa", "town")
    assert 0.75 < resolution.confidence < 0.9


def test_coordinates_without_boundaries_are_kept_and_swaps_caught(fresh: Resolver) -> None:
    kept = fresh.resolve(PlaceQuery(place="Quetta", latitude=30.2, longitude=67.0))
    assert (kept.latitude, kept.longitude, kept.precision, kept.method) == (30.2, 67.0, "exact", "coordinates")
    assert (kept.province, kept.district, kept.flags) == ("Balochistan", None, ())
    swapped = fresh.resolve(PlaceQuery(place="Quetta", latitude=67.0, longitude=30.2))
    assert (swapped.latitude, swapped.longitude) == (30.2, 67.0)
    assert swapped.flags == ("latitude and longitude look swapped: used (30.2, 67.0)",)
    outside = fresh.resolve(PlaceQuery(place="Quetta", latitude=51.5, longitude=-0.1))
    assert outside.flags[0] == "coordinates (51.5, -0.1) fall outside Pakistan; resolved by name"
    assert outside.precision == "town"
    assert outside.latitude == pytest.approx(30.19, abs=0.05)


def test_parse_place_text() -> None:
    assert parse_place_text("Mir Ali, North Waziristan") == PlaceQuery(place="Mir Ali", district="North Waziristan")
    assert parse_place_text("Jamrud, Khyber, FATA, Pakistan") == PlaceQuery(
        place="Jamrud", district="Khyber", province="FATA"
    )
    assert parse_place_text("Sindh") == PlaceQuery(place="Sindh")  # one part is a place (Islamabad is both)
    assert parse_place_text(" , ;") == PlaceQuery()
    assert parse_place_text("Lyari; Karachi; Sindh; Pakistan.") == PlaceQuery(
        place="Lyari", district="Karachi", province="Sindh"
    )


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=80),
    latitude=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    longitude=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
)
def test_odd_input_never_raises(fresh: Resolver, text: str, latitude: float | None, longitude: float | None) -> None:
    resolution = fresh.resolve(
        PlaceQuery(place=text, district=text[::-1], province=text, detail=text, latitude=latitude, longitude=longitude)
    )
    assert resolution.precision in (None, *GEO_PRECISIONS)
    assert 0.0 <= resolution.confidence <= 1.0
    assert resolution.province in (None, *PROVINCES)
    assert isinstance(fresh.resolve_text(text), Resolution)


# ----------------------------------------------------------------------------- synthetic boundaries


def _synthetic() -> Resolver:
    """Invented squares: 'Balochistan' around Quetta's real point, 'Sindh' around Karachi's."""
    provinces = [
        BoundaryUnit("province", "PK2", "Balochistan", None, "PK2", shapely.box(66.0, 29.0, 68.0, 31.0)),
        BoundaryUnit("province", "PK7", "Sindh", None, "PK7", shapely.box(66.0, 24.0, 68.0, 26.0)),
    ]
    districts = [
        BoundaryUnit("district", "PK226", "Quetta", "PK2", "PK2", shapely.box(66.5, 29.8, 67.5, 30.6)),
        BoundaryUnit("district", "PK901", "Testabad (SYNTHETIC)", "PK2", "PK2", shapely.box(66.0, 29.0, 68.0, 29.8)),
        BoundaryUnit("district", "PK902", "Farabad (SYNTHETIC)", "PK2", "PK2", shapely.box(67.5, 29.8, 68.0, 31.0)),
        BoundaryUnit("district", "PK721", "South Karachi", "PK7", "PK7", shapely.box(66.0, 24.0, 68.0, 26.0)),
    ]
    boundaries = BoundarySet(provinces=provinces, districts=districts)
    places = [Place("Syntheticabad", "locality", 29.5, 67.45, source="police")]  # an invented village
    return Resolver(boundaries=boundaries, gazetteer=Gazetteer.build(boundaries=boundaries, places=places))


def test_coordinates_decide_and_names_are_compared() -> None:
    resolver = _synthetic()
    agree = resolver.resolve(PlaceQuery(place="Quetta", latitude=30.25, longitude=67.0))
    assert (agree.province, agree.district, agree.district_pcode) == ("Balochistan", "Quetta", "PK226")
    assert (agree.precision, agree.method, agree.confidence, agree.flags) == ("exact", "coordinates", 1.0, ())
    assert agree.matched == "Quetta (town, Quetta)"

    other_province = resolver.resolve(PlaceQuery(place="Quetta", latitude=25.0, longitude=67.0))
    assert other_province.province == "Sindh"
    assert other_province.flags == ("coordinates fall in Sindh but the text says Quetta (Balochistan)",)

    named_province = resolver.resolve(PlaceQuery(province="Balochistan", latitude=25.0, longitude=67.0))
    assert named_province.flags == ("coordinates fall in Sindh but the text says Balochistan",)


def test_district_contradictions_need_distance() -> None:
    resolver = _synthetic()
    # just across the border (a point 0.1 degree east of Quetta's square): not a contradiction
    near = resolver.resolve(PlaceQuery(place="Quetta", latitude=30.2, longitude=67.6))
    assert (near.district, near.flags) == ("Farabad (SYNTHETIC)", ())
    # far beyond it: 0.45 degree east of the square is about 43 km
    far = resolver.resolve(PlaceQuery(place="Quetta", latitude=30.2, longitude=67.95))
    assert far.district == "Farabad (SYNTHETIC)"
    [flag] = far.flags
    assert flag.startswith("coordinates fall in Farabad (SYNTHETIC) district, 43 km outside Quetta")
    assert DISTRICT_CONTRADICTION_KM == 25.0


def test_swapped_and_outside_coordinates_with_boundaries() -> None:
    resolver = _synthetic()
    swapped = resolver.resolve(PlaceQuery(place="Quetta", latitude=67.0, longitude=30.25))
    assert (swapped.district, swapped.latitude, swapped.longitude, swapped.confidence) == ("Quetta", 30.25, 67.0, 0.9)
    assert swapped.flags == ("latitude and longitude look swapped: used (30.25, 67.0)",)
    # inside the bounding box but outside every (synthetic) unit: outside Pakistan
    outside = resolver.resolve(PlaceQuery(place="Quetta", latitude=33.0, longitude=72.0))
    assert outside.method == "name"
    assert (outside.district, outside.precision) == ("Quetta", "town")
    assert outside.flags[0].startswith("coordinates (33.0, 72.0) fall outside Pakistan")


def test_resolve_many_equals_one_by_one_and_caches_names() -> None:
    resolver = _synthetic()
    queries = [
        PlaceQuery(place="Quetta", latitude=30.25, longitude=67.0),
        PlaceQuery(place="Quetta"),
        PlaceQuery(place=" Quetta  "),  # the same text once spaces are collapsed: one cache entry
        PlaceQuery(place="Quetta", latitude=67.0, longitude=30.25),
        PlaceQuery(place="Quetta", latitude=float("nan"), longitude=67.0),
        PlaceQuery(province="Sindh", latitude=25.0, longitude=67.0),
        PlaceQuery(),
    ]
    together = resolver.resolve_many(queries)
    assert together == [resolver.resolve(query) for query in queries]
    # "Quetta" with and without learned places (checked against coordinates: without), "Sindh", nothing
    assert resolver.cache_size() == 4
    assert together[4] == together[1]  # NaN coordinates: as if none
    resolver.clear_cache()
    assert resolver.cache_size() == 0


def test_a_user_locality_refines_from_detail() -> None:
    resolver = _synthetic()
    resolution = resolver.resolve(
        PlaceQuery(province="Balochistan", detail="At the police post near Syntheticabad, on the main road")
    )
    assert resolution.matched == "Syntheticabad (locality, Testabad (SYNTHETIC))"
    assert (resolution.district_pcode, resolution.precision) == ("PK901", "town")


# ---------------------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real() -> Resolver:
    geo = shared_data("geo")
    boundaries = BoundarySet.from_files(
        province=geo / "pak_adm1_provinces.geojson",
        district=geo / "pak_adm2_districts.geojson",
        tehsil=geo / "pak_adm3_tehsils.geojson",
    )
    return Resolver(boundaries=boundaries, gazetteer=Gazetteer.build(boundaries=boundaries))


@pytest.mark.data
@pytest.mark.parametrize(
    ("text", "district", "tehsil", "precision"),
    [
        ("Jamrud, Khyber", "Khyber", "Jamrud", "town"),
        ("Mir Ali, North Waziristan", "North Waziristan", "Mir Ali", "district"),  # a tehsil: an area, not a point
        ("DI Khan", "D. I. Khan", None, "district"),
        ("Dera Ismail Khan, NWFP", "D. I. Khan", None, "town"),  # the town (GeoNames) is more specific
        ("Kurram Agency, FATA", "Kurram", None, "district"),
        ("Parachinar, Kurram Agency", "Kurram", None, "town"),
        ("Miranshah, North Waziristan Agency, FATA", "North Waziristan", None, "town"),
        ("Darra Adam Khel, FR Kohat", "Kohat", "FR Kohat", "district"),
        ("Landi Kotal, Khyber Agency, Federally Administered Tribal Areas", "Khyber", None, "town"),
        ("Karachi East", "East Karachi", None, "district"),
        ("Orangi Town, Karachi", "West Karachi", "Orangi Town", "district"),
        ("Peshawer", "Peshawar", None, "district"),
        ("Mingora, Swat", "Swat", None, "town"),
        ("Turbat, Balochistan", "Kech", None, "town"),
        ("Hub, Lasbela", "Lasbela", "Hub", "town"),
        ("پشاور", "Peshawar", None, "town"),
    ],
)
def test_real_names_resolve(real: Resolver, text: str, district: str, tehsil: str | None, precision: str) -> None:
    resolution = real.resolve_text(text)
    assert (resolution.district, resolution.precision) == (district, precision), resolution
    if tehsil is not None:
        assert resolution.tehsil == tehsil
    assert resolution.method in {"name", "fuzzy"}
    assert resolution.district_pcode is not None
    assert resolution.latitude is not None
    # the point given lies in the district given
    assert real.boundaries is not None
    [unit] = real.boundaries.locate("district", [resolution.longitude or 0.0], [resolution.latitude or 0.0])
    assert unit is not None
    assert unit.pcode == resolution.district_pcode


@pytest.mark.data
def test_karachi_is_the_district_of_the_city_centre_and_says_so(real: Resolver) -> None:
    resolution = real.resolve_text("Karachi")
    assert (resolution.district, resolution.precision) == ("South Karachi", "town")
    assert resolution.flags == ("Karachi spans 6 districts; placed in South Karachi, the district of the city centre",)
    # GTD's own Karachi point lies in Central Karachi: one of the city's districts, so no contradiction
    at_gtd_point = real.resolve(PlaceQuery(place="Karachi", province="Sindh", latitude=24.8934, longitude=67.0281))
    assert at_gtd_point.district == "Central Karachi"
    assert not [flag for flag in at_gtd_point.flags if flag.startswith("coordinates fall")]
    # detail text names the locality within the city
    baldia = real.resolve(PlaceQuery(place="Karachi", province="Sindh", detail="The town of Baldia in Karachi"))
    assert (baldia.district, baldia.tehsil, baldia.flags) == ("West Karachi", "Baldia Town", ())


@pytest.mark.data
def test_a_listed_place_without_a_point_says_which_of_a_citys_districts() -> None:
    # with district boundaries only, "Landhi" is a listed place (aliases.toml) with a district and no point
    boundaries = BoundarySet.from_files(district=shared_data("geo") / "pak_adm2_districts.geojson")
    resolver = Resolver(boundaries=boundaries, gazetteer=Gazetteer.build(boundaries=boundaries))
    landhi = resolver.resolve(PlaceQuery(place="Karachi", province="Sindh", detail="near Landhi railway station"))
    assert (landhi.district, landhi.precision, landhi.matched, landhi.flags) == (
        "Korangi Karachi",
        "district",
        "Landhi (locality, Korangi Karachi)",
        (),
    )
    # a bare "Karachi" still gives the city centre's district, and says so
    assert resolver.resolve(PlaceQuery(place="Karachi", province="Sindh")).district == "South Karachi"


@pytest.mark.data
def test_gtd_style_detail_text(real: Resolver) -> None:
    orakzai = real.resolve(
        PlaceQuery(
            province="Federally Administered Tribal Areas",
            detail="Event occurred in Khadezai area of the Orakzai Agency",
        )
    )
    assert (orakzai.district, orakzai.province, orakzai.precision) == ("Orakzai", "Khyber Pakhtunkhwa", "district")
    # a distance from a town is not the town; a road named after one is not it either
    assert real.resolve(PlaceQuery(province="Balochistan", detail="40 km southwest of Quetta")).precision == "province"
    assert real.resolve(PlaceQuery(province="KP", detail="On Jamrud Road in the city")).precision == "province"
    # "Khyber Pakhtunkhwa" in the text is the province, not Khyber district
    assert real.resolve(PlaceQuery(province="KP", detail="In a village of Khyber Pakhtunkhwa")).district is None
    # places in two districts: the text is not used
    assert real.resolve(PlaceQuery(province="Punjab", detail="The bus from Lahore to Multan")).district is None


@pytest.mark.data
def test_real_contradictions(real: Resolver) -> None:
    quetta_named_in_karachi = real.resolve(PlaceQuery(place="Quetta", latitude=24.86, longitude=67.01))
    assert quetta_named_in_karachi.district == "South Karachi"
    assert quetta_named_in_karachi.flags == ("coordinates fall in Sindh but the text says Quetta (Balochistan)",)
    # Jamrud named, point in Peshawar city about 20 km east: a district contradiction?
    peshawar = real.resolve(PlaceQuery(place="Jamrud", province="KP", latitude=34.01, longitude=71.58))
    assert peshawar.district == "Peshawar"
    assert peshawar.flags == ()  # within 25 km of Khyber district: a border case, not flagged
    bannu = real.resolve(PlaceQuery(place="Jamrud", province="KP", latitude=32.99, longitude=70.60))
    assert bannu.district == "Bannu"
    [flag] = bannu.flags
    assert flag.startswith("coordinates fall in Bannu district,")
    assert flag.endswith("km outside Khyber where the text puts Jamrud")


@pytest.mark.data
def test_a_repeated_name_is_flagged_as_ambiguous(real: Resolver) -> None:
    resolution = real.resolve(PlaceQuery(place="Dasht", province="Balochistan"))
    assert resolution.confidence == pytest.approx(0.7)
    [flag] = resolution.flags
    assert flag.startswith("2 places match 'Dasht'")
    unambiguous = real.resolve(PlaceQuery(place="Dasht", district="Kech", province="Balochistan"))
    assert (unambiguous.district, unambiguous.flags, unambiguous.confidence) == ("Kech", (), 1.0)


@pytest.mark.data
def test_resolution_round_trips_as_json(real: Resolver) -> None:
    resolution = real.resolve_text("Karachi")
    values = resolution.as_dict()
    assert values["flags"] == list(resolution.flags)
    assert Resolution(**{**values, "flags": tuple(values["flags"])}) == resolution
    assert dataclasses.replace(resolution, flags=()) != resolution


@pytest.mark.data
def test_a_place_outside_the_named_district_keeps_the_district(real: Resolver) -> None:
    resolution = real.resolve(PlaceQuery(place="Jamrud", district="Kurram Agency", province="FATA"))
    assert (resolution.district, resolution.precision) == ("Kurram", "district")
    assert resolution.flags == ("Jamrud (town, Khyber) is not in Kurram, named as its district; kept Kurram",)
    # a fuzzy district lowers the confidence of an exact place within it
    fuzzy_district = real.resolve(PlaceQuery(place="Mir Ali", district="North Wazirastan"))
    assert fuzzy_district.district == "North Waziristan"
    assert fuzzy_district.confidence < 0.9
