"""Places: mentions in several styles resolved through the geography layer, with and without boundaries."""

from __future__ import annotations

import pytest

from nigehban.extract.places import PlaceExtractor
from nigehban.geo.boundaryset import BoundarySet
from nigehban.geo.gazetteer import Gazetteer
from nigehban.geo.resolver import Resolver
from tests.helpers import FIXTURES, shared_data


@pytest.fixture(scope="module")
def real() -> PlaceExtractor:
    """The real district boundaries (as the evaluation's store holds them)."""
    boundaries = BoundarySet.from_files(district=shared_data("geo") / "pak_adm2_districts.geojson")
    return PlaceExtractor(resolver=Resolver(boundaries=boundaries, gazetteer=Gazetteer.build(boundaries=boundaries)))


@pytest.fixture(scope="module")
def fresh() -> PlaceExtractor:
    """No boundaries at all (a fresh install): provinces and towns only."""
    return PlaceExtractor(resolver=Resolver(boundaries=None, gazetteer=Gazetteer.build(boundaries=None)))


@pytest.fixture(scope="module")
def synthetic() -> PlaceExtractor:
    """The SYNTHETIC district fixture (tests/fixtures/geo/districts_synthetic.geojson)."""
    boundaries = BoundarySet.from_files(district=FIXTURES / "geo" / "districts_synthetic.geojson")
    return PlaceExtractor(resolver=Resolver(boundaries=boundaries, gazetteer=Gazetteer.build(boundaries=boundaries)))


@pytest.mark.data
@pytest.mark.parametrize(
    ("text", "province", "district"),
    [
        # GTD / agency style address chains
        ("Twenty-five worshippers were shot dead at a graveyard in Lahore, Pakistan.", "Punjab", "Lahore"),
        (
            "On Tuesday, in Bannu, North-West Frontier, Pakistan, assailants detonated an IED.",
            "Khyber Pakhtunkhwa",
            "Bannu",
        ),
        (
            "Militants fired on a checkpost in the Inayat Kali area of Bajaur, FATA, Pakistan.",
            "Khyber Pakhtunkhwa",
            "Bajaur",
        ),
        # news prose
        (
            "Gunmen on a motorbike shot dead a shopkeeper in Peshawar's Hayatabad area on Friday.",
            "Khyber Pakhtunkhwa",
            "Peshawar",
        ),
        ("Four people were injured in a grenade attack in the Kurram Agency of FATA.", "Khyber Pakhtunkhwa", "Kurram"),
        # datelines and headlines
        ("QUETTA: A remote-controlled bomb hit a Levies vehicle near the city, killing two.", "Balochistan", "Quetta"),
        ("Blast near Mardan police lines leaves three dead", "Khyber Pakhtunkhwa", "Mardan"),
        ("Bannu: Policeman martyred as terrorists attack checkpost", "Khyber Pakhtunkhwa", "Bannu"),
        ("Dera Ismail Khan: Three cops shot dead", "Khyber Pakhtunkhwa", "D. I. Khan"),
        # an address chain that yields only the province; the district is named elsewhere in the text
        ("A powerful bomb went off in downtown Lahore, Punjab Province, Pakistan.", "Punjab", "Lahore"),
        (
            "On Wednesday, in the Shahi Khel area of Hangu district, in North West Frontier Province, Pakistan, "
            "a militia leader was shot dead.",
            "Khyber Pakhtunkhwa",
            "Hangu",
        ),
        (
            "A grenade was thrown at Tail Mandi oil market in the Bannu district of Khyber Pakhtunkhwa, Pakistan.",
            "Khyber Pakhtunkhwa",
            "Bannu",
        ),
        # a district named exactly outweighs a province that contradicts it (not so a place: see the resolver)
        (
            "An explosive device exploded in the Bagzai area, Kurram Agency, Balochistan province, Pakistan.",
            "Khyber Pakhtunkhwa",
            "Kurram",
        ),
        ("Militants fired upon a train near Kashmore, Balochistan, Pakistan.", "Sindh", "Kashmore"),
        # the province named before the district
        ("A bomb went off in a mosque in the province of Punjab, the town of Bhakkar.", "Punjab", "Bhakkar"),
        (
            "In Khyber Pakhtunkhwa, Pakistan, the bodies of four men were recovered near Karak.",
            "Khyber Pakhtunkhwa",
            "Karak",
        ),
        # places GeoNames lacks, from the alias table's list
        ("Two policemen were shot dead in Sariab, Balochistan, on Monday.", "Balochistan", "Quetta"),
        ("A roadside bomb hit a vehicle in Bara Kahu near Islamabad.", "Islamabad Capital Territory", "Islamabad"),
        ("Militants blew up a gas pipeline near Sui.", "Balochistan", "Dera Bugti"),
        # a listed place named with its generic word is not another place of the bare name (Fort Abbas, Punjab)
        ("A bomb went off outside a mosque in Abbas Town, Karachi.", "Sindh", "East Karachi"),
        (
            "An explosive device detonated in Jamshed Town, Karachi city, Sindh province, Pakistan.",
            "Sindh",
            "East Karachi",
        ),
        # an apposition says where the place lies
        (
            "A grenade was thrown at a house in Gulbahar, a crowded neighbourhood of Peshawar, on Friday.",
            "Khyber Pakhtunkhwa",
            "Peshawar",  # Gulbahar alone is the Karachi neighbourhood of the alias table
        ),
        # a wire dateline names where the report was filed; the body where the attack was, even in another
        # province; a journey's start is not the place
        (
            "ISLAMABAD (Reuters) - Five Chinese nationals were killed on Tuesday when a suicide bomber rammed their "
            "convoy. The engineers were travelling from Islamabad to the Dasu project when they were attacked in "
            "Besham.",
            "Khyber Pakhtunkhwa",
            "Shangla",
        ),
        ("PESHAWAR, Pakistan (AP) — A suicide bomber struck a mosque on Monday.", "Khyber Pakhtunkhwa", "Peshawar"),
        # a road named after another town ("in" is no connector, as the "-i-" of Tehrik-i-Taliban is)
        ("A suicide attack hit an FC checkpost on Mastung Road in Quetta on Sunday.", "Balochistan", "Quetta"),
        # a landmark named after another town lies in the place named after it
        (
            "An explosion hit a military truck near Pishin bus stop in Quetta on Saturday night.",
            "Balochistan",
            "Quetta",
        ),
        # ... but one with no place of its own lies in the dateline's city
        (
            "DERA ISMAIL KHAN: A bomb went off near a police vehicle in the Tank Adda area of the city on Friday.",
            "Khyber Pakhtunkhwa",
            "D. I. Khan",
        ),
        # a village the gazetteer does not know, in a district it knows; not a victim's home district
        (
            "RAWALPINDI, June 21 (APP): Terrorists attacked a post in general area Boya, North Waziristan "
            "District. Sepoy Muhammad Irfan (age 24 years, resident of District Kurram) embraced shahadat.",
            "Khyber Pakhtunkhwa",
            "North Waziristan",
        ),
        # an event dataset's note gives the district and province in brackets: they outrank the text's other names
        (
            "A bomber blew herself up outside the Confucius Institute of Karachi University (Karachi East, Sindh).",
            "Sindh",
            "East Karachi",
        ),
        (
            "Militants attacked a checkpoint near the University of Peshawar (Mardan, KP).",
            "Khyber Pakhtunkhwa",
            "Mardan",
        ),
        # a district named exactly wins over the district beside it that does not hold it (a neighbour, or
        # "Khyber" for the province); a locality named after a district does not
        ("A rocket struck a grocery store in Kohat, Khyber, Pakistan.", "Khyber Pakhtunkhwa", "Kohat"),
        ("Gunmen shot dead a tribal chief in Tank, South Waziristan, on Monday.", "Khyber Pakhtunkhwa", "Tank"),
        (
            "Gunmen shot dead a prayer leader in the Pishin area, Quetta, Balochistan, Pakistan.",
            "Balochistan",
            "Quetta",
        ),
        # the old Kohistan district is read as Upper Kohistan, where its seat and the highway of most reports lie
        (
            "Gunmen offloaded 18 passengers from a bus in Kohistan and shot them dead.",
            "Khyber Pakhtunkhwa",
            "Kohistan Upper",
        ),
        # a hashtag is its word
        ("Bomb explodes near Tank Adda in #DIKhan; 5 dead, 21 injured.", "Khyber Pakhtunkhwa", "D. I. Khan"),
        # a monitoring report's entry: place, date, then the attack
        ("Bannu, KP – 14 March 2023: Militants attacked Mandan police station.", "Khyber Pakhtunkhwa", "Bannu"),
        ("Quetta, 12 Apr 2019: suicide blast at a fruit market; 20 killed.", "Balochistan", "Quetta"),
        # a headline opening with its place as a modifier
        ("Peshawar mosque blast: death toll rises to 100", "Khyber Pakhtunkhwa", "Peshawar"),
        ("Wagah border blast: death toll rises to 60", "Punjab", "Lahore"),
        # police messages: the district inside a police station's name
        ("Report from PS City Kohat: a hand grenade was thrown at a constable's house.", "Khyber Pakhtunkhwa", "Kohat"),
        ("FIR No. 123/2023 u/s 302 PPC, PS Saddar Bannu. Terrorists attacked the post.", "Khyber Pakhtunkhwa", "Bannu"),
        (
            "Militants attacked a convoy in Pakistan's restive South Waziristan region.",
            "Khyber Pakhtunkhwa",
            "South Waziristan",
        ),
        # a wire dateline is where the report was filed, even written as an address
        (
            "PESHAWAR, Pakistan (AFP) — Militants drove an explosives-laden vehicle into a security post on "
            "Saturday.\n\nThe pre-dawn attack in Mir Ali in the North Waziristan district was followed by a gunbattle.",
            "Khyber Pakhtunkhwa",
            "North Waziristan",
        ),
        # where a grievance arose is not where the attack was
        (
            "ATTOCK: The home minister was martyred when two suicide bombers struck his office in Shadi Khan. "
            "LeJ said it was revenge for the killing of its chief in a police encounter in Muzaffargarh.",
            "Punjab",
            "Attock",
        ),
        (
            "Militants blew up a soldier's home in retaliation for taking part in operations in the Swat Valley, "
            "Pakistan.",
            "Khyber Pakhtunkhwa",
            "Swat",
        ),
        # the press's spelling of the province is the province
        ("PESHAWAR: It was the deadliest attack on the Khyber Pukhtunkhwa police.", "Khyber Pakhtunkhwa", "Peshawar"),
        # a register's place field; a landmark named after a place lies where the text says
        (
            "CTD Sindh - Incident Register (Karachi Range). Place: Sector 11-1/2, Orangi Town, PS Pakistan Bazar, "
            "District West. Occurrence: two gunmen opened fire on ASI Ghulam Rasool.",
            "Sindh",
            "West Karachi",
        ),
        (
            "A suicide bomber blew himself up at Gulshan-e-Iqbal Park in Allama Iqbal Town of Lahore.",
            "Punjab",
            "Lahore",
        ),
        ("A woman blew herself up next to a van at Karachi University.", "Sindh", "East Karachi"),
        # a district's name written in lower case
        (
            "A suicide bomber struck a funeral in the Jandol area of lower Dir district, Khyber Pakhtunkhwa, Pakistan.",
            "Khyber Pakhtunkhwa",
            "Lower Dir",
        ),
        (
            "A gunman opened fire on officials in the north Waziristan tribal region.",
            "Khyber Pakhtunkhwa",
            "North Waziristan",
        ),
        # the capital territory is one district
        (
            "Gunmen opened fire on a car in Bani Gala, Islamabad Capital Territory, Pakistan.",
            "Islamabad Capital Territory",
            "Islamabad",
        ),
        # a district named before the chain's head, which is a region, a division or the province's short name
        (
            "Militants opened fire on a patrol in the Tank district of the North Waziristan region, Pakistan.",
            "Khyber Pakhtunkhwa",
            "Tank",
        ),
        (
            "A car bomb exploded in Shah Hasan Khan in Lakki Marwat of Bannu, North West Frontier Province, Pakistan.",
            "Khyber Pakhtunkhwa",
            "Lakki Marwat",
        ),
        (
            "A school was damaged in the Sheedo area of Nowshera district in Khyber, Pakistan.",
            "Khyber Pakhtunkhwa",
            "Nowshera",
        ),
        # a wire dateline after a headline; a district named as one; a division is several districts
        (
            "Suicide bombers attack military base\n\nPeshawar, Pakistan – Two suicide car bombers rammed the wall of "
            "the Bannu cantonment on Tuesday.",
            "Khyber Pakhtunkhwa",
            "Bannu",
        ),
        (
            "Karachi Police: Constable Rashid Ali of PS Mochko, District Keamari, was martyred while on duty at a "
            "picket near Hub River Road.",
            "Sindh",
            "West Karachi",
        ),
        (
            "QUETTA: Gas supply to parts of Nasirabad division was suspended after miscreants blew up a pipeline in "
            "the Pir Koh area of Dera Bugti district.",
            "Balochistan",
            "Dera Bugti",
        ),
        # a city of several districts, and a place inside it named later
        (
            "Karachi, Pakistan – A woman blew herself up next to a van at the University of Karachi. The blast hit the "
            "van on the campus in the city's Gulshan-e-Iqbal area.",
            "Sindh",
            "East Karachi",
        ),
        # a wire dateline with its date after the country; "here" is the dateline's town
        (
            "PESHAWAR, Pakistan, July 31 (Reuters) - Islamic State claimed a suicide bombing at a gathering.\n\nThe "
            "bomber blew himself up near the stage in Khar, the main town of Bajaur district.",
            "Khyber Pakhtunkhwa",
            "Bajaur",
        ),
        (
            "MARDAN: At least 26 people were killed when a suicide bomber blew himself up at the gate of the Nadra "
            "office here on Tuesday. The guard, who was among those killed, hailed from Kalu Khan area of Swabi "
            "district.",
            "Khyber Pakhtunkhwa",
            "Mardan",
        ),
        # a place inside the city named first; the background of earlier years is not the attack's place
        (
            "KARACHI, Apr 20 (APP): Unknown miscreants shot dead a lady health worker in Sherpao Colony, Landhi. It "
            "may be mentioned that the city has witnessed several attacks on polio teams in Gadap, Orangi and Baldia "
            "towns during the last two years.",
            "Sindh",
            "Korangi Karachi",
        ),
    ],
)
def test_real_places_in_several_styles(real: PlaceExtractor, text: str, province: str, district: str) -> None:
    found = real.extract(text)
    assert found["province"].value == province
    assert found["district"].value == district
    assert found["district_pcode"].value.startswith("PK")
    evidence = found["district"].evidence
    assert evidence is not None
    assert text[evidence.start : evidence.end] == evidence.text


@pytest.mark.data
def test_karachi_towns_and_distances(real: PlaceExtractor) -> None:
    found = real.extract("Two policemen were shot dead in Karachi's Orangi Town late last night.")
    assert found["province"].value == "Sindh"
    assert found["district"].value is not None
    assert "Karachi" in found["district"].value
    # "40 km from Quetta": the attack was not in Quetta; the place named next is taken
    skipped = real.extract("A bomb exploded on a railway track 40 km from Quetta near Mach.")
    assert skipped.get("place") is None or skipped["place"].value != "Quetta"


def test_without_boundaries_province_and_town(fresh: PlaceExtractor) -> None:
    found = fresh.extract("A bomb exploded outside a mosque in Quetta, Pakistan, on Friday.")
    assert (found["province"].value, found["place"].value) == ("Balochistan", "Quetta")
    assert "district_pcode" not in found
    assert found["latitude"].value == pytest.approx(30.19, abs=0.1)


def test_province_only_and_nothing(fresh: PlaceExtractor) -> None:
    found = fresh.extract("Militants blew up two electricity pylons in Pakistan's Bolochistan province.")
    assert found["province"].value == "Balochistan"
    assert "place" not in found
    assert fresh.extract("Militants attacked a post.") == {}


def test_synthetic_boundaries(synthetic: PlaceExtractor) -> None:
    found = synthetic.extract("Gunmen attacked a police station in Synthetic East, Pakistan.")
    assert (found["district_pcode"].value, found["district"].value) == ("PK902", "Synthetic East")


def test_a_province_name_is_read_whole(real: PlaceExtractor) -> None:
    # "Khyber Pakhtunkhwa" is the province: its first word is not taken for Khyber district
    found = real.extract("A device went off in Khirgi village, Khyber Pakhtunkhwa province, Pakistan.")
    assert found["province"].value == "Khyber Pakhtunkhwa"
    assert "district" not in found or found["district"].value != "Khyber"
    # ... and so is a misspelling of it (GTD's "Khyber Paktunkhwa")
    found = real.extract(
        "They were shot dead in Harban Nala area, Kohistan district, Khyber Paktunkhwa province, Pakistan."
    )
    assert found["province"].value == "Khyber Pakhtunkhwa"
    assert "district" not in found or found["district"].value != "Khyber"
