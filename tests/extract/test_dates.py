"""Dates: explicit styles, relative dates against the publication date, never after publication."""

from __future__ import annotations

import datetime as dt

import pytest

from nigehban.extract.dates import extract_date

MONDAY = dt.date(2013, 5, 6)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("01/11/1998: Twenty-five worshippers were shot dead in Lahore.", None, dt.date(1998, 1, 11)),
        ("4/9/2008: A minibus was torched in Karachi.", None, dt.date(2008, 4, 9)),
        ("QUETTA, January 11, 1998 (AFP) - A bomb ripped through a bus.", None, dt.date(1998, 1, 11)),
        ("The attack took place on 11 Jan 1998 near Chaman.", None, dt.date(1998, 1, 11)),
        ("Police said the 3rd of March, 2009 ambush was planned.", None, dt.date(2009, 3, 3)),
        ("Blast in Peshawar | 2012-10-05 | Staff report", None, dt.date(2012, 10, 5)),
        ("FIR lodged on 25/12/2011 at Saddar police station after the firing.", None, dt.date(2011, 12, 25)),
        # a day and month without a year take the publication's year, or the year before
        ("Militants attacked the post on Dec. 30, police said.", dt.date(2013, 1, 2), dt.date(2012, 12, 30)),
        ("Militants attacked the post on May 3, police said.", MONDAY, dt.date(2013, 5, 3)),
        # relative to publication
        ("Two soldiers were martyred late last night in Miranshah.", MONDAY, dt.date(2013, 5, 5)),
        ("Gunmen killed a shopkeeper yesterday evening in Orangi Town.", MONDAY, dt.date(2013, 5, 5)),
        ("A bomb exploded in Bannu bazaar this morning.", MONDAY, dt.date(2013, 5, 6)),
        ("The blast on Friday evening killed four people.", MONDAY, dt.date(2013, 5, 3)),
        ("Levies personnel were ambushed on Monday in Turbat.", MONDAY, dt.date(2013, 5, 6)),
        ("Sunday's attack on a polling station left two dead.", MONDAY, dt.date(2013, 5, 5)),
        ("Three days ago militants blew up a school in Swat.", MONDAY, dt.date(2013, 5, 3)),
        ("Two policemen were martyred in Bannu the day before yesterday.", MONDAY, dt.date(2013, 5, 4)),
        # the day of the month alone: this month's, or last month's if still to come
        ("Two policemen were martyred in an attack in Bannu on the 4th.", MONDAY, dt.date(2013, 5, 4)),
        ("Terrorists attacked the post on the night of the 28th, police said.", MONDAY, dt.date(2013, 4, 28)),
        # police style: "13th instant" is that day of the current month; "last evening" the day before
        # (a day still to come this month is last month's)
        (
            "On 13th instant at about 2200 hrs, terrorists fired rockets at FC camp Turbat.",
            MONDAY,
            dt.date(2013, 4, 13),
        ),
        ("On 3rd instant terrorists fired rockets at the camp.", MONDAY, dt.date(2013, 5, 3)),
        ("At 7:20 pm last evening, a suicide bomber targeted a vehicle in Gwadar.", MONDAY, dt.date(2013, 5, 5)),
        # a wire dateline's date is the filing date: the body's day is counted back from it
        (
            "QUETTA, Oct 25 (Reuters) - Gunmen attacked a college late on Monday.",
            dt.date(2016, 10, 25),
            dt.date(2016, 10, 24),
        ),
        # the day of a statement is not the attack's, unless no other day is named
        ("Officials said on Monday that 63 had died from Sunday's bombing in Khar.", MONDAY, dt.date(2013, 5, 5)),
        ("Police said on Monday that two men were shot dead in Kohat.", MONDAY, dt.date(2013, 5, 6)),
        # ... nor the day a claim came or a toll rose
        (
            "KHAR (Reuters) - ISKP claimed responsibility on Monday for a bombing at a rally a day earlier. The "
            "bomber blew himself up on Sunday afternoon.",
            MONDAY,
            dt.date(2013, 5, 5),
        ),
        (
            "The death toll from a bomb in Quetta rose to 84 on Monday, officials said. The bomb exploded on Saturday "
            "evening on Kirani Road.",
            MONDAY,
            dt.date(2013, 5, 4),
        ),
        (
            "The toll rose to 88 worshippers on Monday, officials said, a day after a bomber struck Sunday evening.",
            MONDAY,
            dt.date(2013, 5, 5),
        ),
        # a cited source's date is when the report appeared, not the attack
        (
            "Source: Dawn; Reuters (15 July 2021). On 14 July 2021 a coach carrying engineers plunged into a ravine.",
            None,
            dt.date(2021, 7, 14),
        ),
        (
            "Source summary (Dawn; The News, 11 January 2013): On the evening of 10 January 2013, a suicide bomber "
            "blew himself up inside a snooker hall on Alamdar Road, Quetta.",
            None,
            dt.date(2013, 1, 10),
        ),
        (
            "Headline: 'Suicide blast at shrine kills 88' (Dawn, 17 Feb 2017). The bomber struck on Thursday evening.",
            None,
            dt.date(2017, 2, 16),
        ),
        # a statement's header date, and the night of two days: the attack's is the body's, the first night
        (
            "Rawalpindi, August 22, 2024 (ISPR): On the night of 21/22 August 2024, khawarij attempted to attack a "
            "security forces post in general area Spinwam.",
            None,
            dt.date(2024, 8, 21),
        ),
        (
            "DG ISPR press conference, Rawalpindi, 14 March 2025: On 11 March 2025, terrorists blew up the track.",
            None,
            dt.date(2025, 3, 11),
        ),
        (
            "Terrorists attacked a check post in Datta Khel on the night of 19/20 February.",
            MONDAY,
            dt.date(2013, 2, 19),
        ),
        # a document's own date
        (
            "FIR No. 412 dated 13.07.2023 lodged at PS Saddar Bannu. The complainant stated that on 12.07.2023 at "
            "about 2310 hrs, terrorists attacked Police Post Baka Khel.",
            None,
            dt.date(2023, 7, 12),
        ),
        # a situation report's first line
        (
            "Daily Situation Report, Police Headquarters Quetta, 12.03.2024.\n1. Terrorism - PS Brewery: On "
            "11.03.2024 at about 2130 hrs, miscreants opened fire on a police mobile.",
            None,
            dt.date(2024, 3, 11),
        ),
        # a list's cells
        ("16-Feb-2013 | Quetta | Balochistan | Hazara Town | Killed: 84", None, dt.date(2013, 2, 16)),
        # a timeline's entry and its source after it
        (
            "March 3: Two FC personnel were killed when an IED struck their vehicle in Kohlu. The Express Tribune, "
            "March 4, 2017.",
            None,
            dt.date(2017, 3, 3),
        ),
        # "last week on Tuesday" is the Tuesday of the week before
        (
            "An engineer abducted from Wadh last week on Tuesday has not been freed.",
            dt.date(2018, 5, 17),
            dt.date(2018, 5, 8),
        ),
        # a day and month without a year long before publication is a date to come, when the report counts days back
        (
            "Two Chinese nationals were killed late Sunday near the airport. The attack came days before a summit "
            "on October 15-16.",
            dt.date(2024, 10, 7),
            dt.date(2024, 10, 6),
        ),
    ],
)
def test_dates_in_many_styles(text: str, published: dt.date | None, expected: dt.date) -> None:
    found = extract_date(text, published=published)
    assert found is not None
    assert found.value == expected
    assert found.evidence is not None
    assert text[found.evidence.start : found.evidence.end] == found.evidence.text


def test_a_date_after_publication_is_never_taken() -> None:
    found = extract_date("The trial is set for March 5, 2014; the 2 March 2013 blast killed 9.", published=MONDAY)
    assert found is not None
    assert found.value == dt.date(2013, 3, 2)


def test_a_weekday_without_publication_date_stays_unknown() -> None:
    found = extract_date("On Friday evening militants attacked a checkpost.", published=None)
    assert found is not None
    assert found.value is None
    assert found.confidence <= 0.1
    assert found.evidence is not None
    assert found.evidence.text == "On Friday evening"


def test_nothing_to_go_on() -> None:
    assert extract_date("Militants attacked a checkpost.", published=None) is None
    fallback = extract_date("Militants attacked a checkpost.", published=MONDAY)
    assert fallback is not None
    assert (fallback.value, fallback.confidence, fallback.evidence) == (MONDAY, 0.3, None)


def test_may_the_verb_is_not_a_month() -> None:
    found = extract_date("Officials said the toll may 5 times rise; the blast came on Tuesday.", published=MONDAY)
    assert found is not None
    assert found.value == dt.date(2013, 4, 30)
