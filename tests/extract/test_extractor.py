"""The pipeline: documents in, extractions out; several incidents, recalled attacks, problems, the app method."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from nigehban import Nigehban
from nigehban.extract.candidate import Document
from nigehban.extract.extractor import Extractor
from nigehban.geo.gazetteer import Gazetteer
from nigehban.geo.resolver import Resolver
from tests.helpers import FIXTURES


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(resolver=Resolver(boundaries=None, gazetteer=Gazetteer.build(boundaries=None)))


def test_a_news_report_with_a_recalled_attack(extractor: Extractor) -> None:
    text = (
        "KARACHI: Weeks after the Peshawar Police Lines attack, TTP militants stormed the Karachi Police Office "
        "on Friday evening. Four security personnel and three attackers were killed and 18 people were injured; "
        "the siege lasted at least three hours."
    )
    extraction = extractor.extract(Document(id="n1", text=text, published=dt.date(2023, 2, 18)))
    assert extraction.is_attack
    assert len(extraction.incidents) == 1
    incident = extraction.incidents[0]
    assert incident.value("date") == dt.date(2023, 2, 17)
    assert incident.value("province") == "Sindh"
    assert (incident.value("killed"), incident.value("killed_perpetrators"), incident.value("wounded")) == (4, 3, 18)
    assert incident.value("killed_security") == 4
    assert incident.value("duration_hours") == 3.0
    (mention,) = extraction.mentions
    assert mention.value("province") == "Khyber Pakhtunkhwa"
    for field in incident.fields.values():
        if field.evidence is not None:
            assert text[field.evidence.start : field.evidence.end] == field.evidence.text
    line = extraction.as_eval_dict()
    assert line["id"] == "n1"
    assert line["incidents"][0]["date"] == "2023-02-17"


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        (
            "KARACHI: Weeks after the Peshawar Police Lines mosque bombing that killed 84 people, TTP militants "
            "stormed the Karachi Police Office on Friday evening, killing four people.",
            4,
        ),
        (
            "Two policemen were martyred in Bannu on Monday. The attack came a year after a similar assault on "
            "the same post in which five policemen were killed.",
            2,
        ),
        # background sentences opening with an earlier time
        (
            "Two policemen were martyred in an attack on a checkpost in Bannu on Monday. In January, a suicide "
            "bomber killed more than 100 people at a mosque in Peshawar's Police Lines.",
            2,
        ),
        (
            "Two policemen were martyred in an attack on a checkpost in Bannu on Monday. Last year, a similar "
            "attack on the same post killed five policemen.",
            2,
        ),
        (
            "Two policemen were martyred in an attack on a checkpost in Bannu on Monday. It was the third attack "
            "on police in the district this month; on May 3, four constables were killed in Domel.",
            2,
        ),
        (
            "Gunmen attacked the Airport Security Force academy in Karachi on Tuesday, a day after the militant "
            "siege of the airport that left 36 people dead. Two guards were killed in the latest attack.",
            2,
        ),
        # the recalled attack as the subject of its own verb
        (
            "KARACHI: Militants stormed the Karachi Police Office on Friday evening. Two policemen were killed. "
            "The attack came less than three weeks after a suicide bombing at a mosque in Peshawar's Police "
            "Lines killed more than 80 people.",
            2,
        ),
        # deaths in an earlier year, the year wherever it stands
        (
            "Two policemen were martyred in an attack on a checkpost in Bannu on Monday. The group's gunmen killed "
            "150 people, most of them pupils, at an army-run school in Peshawar in 2014.",
            2,
        ),
        # ... or in an earlier month of the report's year; an attack that evoked memories of another
        (
            "The death toll from a bomb that ripped through a market in Quetta rose to 84 on Sunday. The same group "
            "said it carried out the twin bombings at a snooker hall on Alamdar Road in January that killed 92 people.",
            84,
        ),
        (
            "Gunmen stormed a university in Charsadda on Monday, killing at least 21 people, in an attack that "
            "evoked memories of a school massacre in nearby Peshawar in 2014 in which 134 children died.",
            21,
        ),
        # an attack named by its year; the attack that came before
        (
            "Twenty people were killed at Bacha Khan University in Charsadda on Monday. Umar Mansoor, who had "
            "masterminded the 2014 Peshawar school massacre in which 141 people died, claimed the attack.",
            20,
        ),
        (
            "Militants attacked an air force base in Mianwali on Saturday; there were no casualties. The assault came "
            "a day after gunmen ambushed two vehicles in Gwadar, killing 14 soldiers.",
            0,
        ),
        (
            "A suicide bombing killed 26 people at the railway station in Quetta on Saturday. Pakistan recorded more "
            "than 1,500 deaths from violence in 2022.",
            26,
        ),
        # "since January, when ..."; an earlier year with its month
        (
            "A suicide bombing at a rally in Khar killed 54 people on Sunday. The bombing was the deadliest since "
            "January, when a suicide bomber killed more than 100 people inside a mosque in Peshawar.",
            54,
        ),
        (
            "At least 10 people were martyred when a suicide bomber blew himself up at Data Darbar on Wednesday. The "
            "shrine had earlier been attacked in July 2010 when twin suicide bombers killed 45 people.",
            10,
        ),
    ],
)
def test_a_recalled_attacks_toll_is_not_the_new_ones(extractor: Extractor, text: str, killed: int) -> None:
    extraction = extractor.extract(Document(id="m", text=text, published=dt.date(2023, 5, 16)))
    assert len(extraction.incidents) == 1
    assert len(extraction.mentions) == 1
    assert extraction.incidents[0].value("killed") == killed


def test_a_claim_that_recalls_an_earlier_death_stays_the_attacks(extractor: Extractor) -> None:
    text = (
        "08/16/2012: Nine suicide attackers stormed the Minhas air force base in Kamra, Attock district, Punjab, "
        "Pakistan. Tehrik-i-Taliban Pakistan (TTP) claimed responsibility, in revenge for the death of its leader, "
        "who was killed in a drone strike in 2009."
    )
    extraction = extractor.extract(Document(id="c", text=text))
    assert extraction.mentions == []
    assert extraction.incidents[0].value("perpetrator") == "Tehrik-i-Taliban Pakistan"


def test_a_later_sequel_is_the_same_attack(extractor: Extractor) -> None:
    # GTD's follow-ups open with a later time: they tell this attack's sequel, not an earlier attack
    text = (
        "08/13/2011: Assailants kidnapped an American aid worker in Lahore, Pakistan. In December 2011, al-Qaida "
        "claimed responsibility for the kidnapping."
    )
    extraction = extractor.extract(Document(id="g", text=text))
    assert extraction.mentions == []
    assert extraction.incidents[0].value("perpetrator") == "al-Qaida"
    # the same opening with an earlier time is a recalled attack
    earlier = text.replace(
        "In December 2011, al-Qaida claimed responsibility for the kidnapping.",
        ("In January 2011, gunmen killed three people in the same street."),
    )
    extraction = extractor.extract(Document(id="h", text=earlier))
    assert len(extraction.mentions) == 1
    assert extraction.incidents[0].value("killed") == 0


def test_a_round_up_gives_several_incidents(extractor: Extractor) -> None:
    text = (
        "Two soldiers were martyred when militants attacked a checkpost in Bannu on Monday. "
        "In a separate incident, a remote-controlled bomb killed a Levies official in Quetta."
    )
    extraction = extractor.extract(Document(id="r1", text=text, published=dt.date(2013, 5, 7)))
    assert [c.value("province") for c in extraction.incidents] == ["Khyber Pakhtunkhwa", "Balochistan"]
    assert [c.value("killed") for c in extraction.incidents] == [2, 1]
    # the second incident has no date of its own: the round-up's day, with less confidence
    first, second = extraction.incidents
    assert second.value("date") == first.value("date") == dt.date(2013, 5, 6)
    assert second.fields["date"].confidence < first.fields["date"].confidence
    assert first.confidence > second.confidence


def test_a_second_attack_within_hours_is_its_own_incident(extractor: Extractor) -> None:
    text = (
        "A suicide bombing at a procession in Mastung today killed at least 52 people. Within hours, a second blast "
        "at a mosque in Hangu claimed five more lives."
    )
    extraction = extractor.extract(Document(id="r2", text=text, published=dt.date(2023, 9, 29)))
    assert [c.value("killed") for c in extraction.incidents] == [52, 5]
    assert [c.value("province") for c in extraction.incidents] == ["Balochistan", "Khyber Pakhtunkhwa"]


def test_a_claim_after_meanwhile_is_the_same_attacks(extractor: Extractor) -> None:
    text = (
        "BUNER: A PTI leader was shot dead by unknown miscreants in Pir Baba area of Buner on Friday evening. "
        "Meanwhile, the banned Tehreek-e-Taliban Pakistan (TTP) claimed responsibility for the killing."
    )
    extraction = extractor.extract(Document(id="b1", text=text, published=dt.date(2016, 4, 23)))
    assert len(extraction.incidents) == 1
    assert extraction.incidents[0].value("perpetrator") == "Tehrik-i-Taliban Pakistan"


def test_empty_and_unrelated_documents(extractor: Extractor) -> None:
    empty = extractor.extract(Document(id="e", text=""))
    assert (empty.is_attack, empty.incidents, empty.as_eval_dict()) == (False, [], {"id": "e", "incidents": []})
    many = list(extractor.extract_many([Document(id=str(n), text="Blast in Quetta.") for n in range(300)]))
    assert [e.document_id for e in many] == [str(n) for n in range(300)]


def test_app_extract_writes_a_line_per_document(app: Nigehban, tmp_path: Path) -> None:
    app.import_boundaries(FIXTURES / "geo" / "districts_synthetic.geojson", level="district")
    source = tmp_path / "reports.jsonl"
    rows = [
        {
            "id": "a",
            "text": "Gunmen shot dead two policemen in Synthetic East, Pakistan, on Monday.",
            "published": "2014-03-04",
        },
        {"id": "b", "text": ""},
    ]
    source.write_text("\n".join(json.dumps(row) for row in rows) + "\n{broken\n", encoding="utf-8")
    seen: list[tuple[int, int]] = []
    report = app.extract(
        [source], output=tmp_path / "out.jsonl", progress=lambda done, total: seen.append((done, total))
    )
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["a", "b", "reports.jsonl:3"]
    first = lines[0]["incidents"][0]
    assert (first["district_pcode"], first["date"], first["killed"]) == ("PK902", "2014-03-03", 2)
    assert lines[1]["incidents"] == []
    assert lines[2]["incidents"] == []
    assert report.documents == 3
    assert len(report.problems) == 2
    assert seen[-1] == (3, 3)


@pytest.mark.data
@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # news headline
        ("Blast kills 5 in Quetta's Hazarganji market", "2014-04-12", ("2014-04-12", "Quetta", 5, 0)),
        ("Militants ambush FC convoy in Kech; 4 soldiers martyred", "2018-07-10", ("2018-07-10", "Kech", 4, 0)),
        # agency note with a dateline
        (
            "PESHAWAR: At least 12 people were killed and 30 others injured when a suicide bomber struck a mosque "
            "in Hayatabad on Friday, police said.",
            "2016-09-17",
            ("2016-09-16", "Peshawar", 12, 1),
        ),
        # another dataset's event note
        (
            "On 5 March 2015, militants attacked a police checkpoint in Bannu district (KP). "
            "3 police officers were killed. Fatalities: 3.",
            None,
            ("2015-03-05", "Bannu", 3, 0),
        ),
        (
            "Two Policemen were shot dead by unidentified assailants in Quetta, the provincial capital of "
            "Balochistan, on January 5, reports Dawn.",
            "2015-01-06",
            ("2015-01-05", "Quetta", 2, 0),
        ),
    ],
)
def test_news_styles_with_real_boundaries(
    real_extractor: Extractor, text: str, published: str | None, expected: tuple[str, str, int, int]
) -> None:
    day = dt.date.fromisoformat(published) if published else None
    extraction = real_extractor.extract(Document(id="x", text=text, published=day))
    assert extraction.is_attack
    line = extraction.as_eval_dict()["incidents"][0]
    assert (line["date"], line["district"], line["killed"], line["killed_perpetrators"]) == expected
