"""Reports in the styles the GTD summaries lack: headlines, wire stories, agency and dataset notes.

``tests/fixtures/reports_other_styles.jsonl`` holds 392 short reports of real attacks written by the
contributors in those styles (wire stories with datelines, headlines, "On 5 March 2019, ..." notes with
"(Tank, KP)" locations, police messages), each with the date, district, victims killed and perpetrator
the text supports (``null`` where the text does not say: a headline's date, a city spanning districts), and for
76 of them the attackers killed (the holdout scores the total killed).
The extraction rules for these styles were written against the first 92, so the scores are a regression
guard, not an estimate. Eight batches of 15 were written afterwards and read once before any change: f1-f15
had one checked value of 60 wrong (the toll of an earlier siege), g1-g15 four of 51 (a landmark named after
another town, a wire dateline's date, a victim named after his role, a village), h1-h15 one of 56 ("as a
result of which he died" in a police report), i1-i15 three of 58 ("shot 20 of them dead", "Three (03) FC
personnel", "martyring 4 soldiers"), j1-j15 two of 55 ("On 13th instant", "last evening"), k1-k15 three of
55 ("on Mastung Road in Quetta", "martyring two soldiers, the ISPR said", and one left: "Two activists of the MQM
were gunned down" gives the MQM, as GTD's own coding of such reports mostly does), l1-l15 (GTD's later summary
style) five of 60 ("29 people, including 13 assailants, were killed" is 16 victims), m1-m15 (the same style)
three of 60 (two Karachi neighbourhoods, "Aslam and two other police officers"), r1-r15 (a terrorism
portal's timeline) one of 60 ("including a Deputy Superintendent of Police (DSP), were killed"), t1-t15 (a
monitoring report's terse entries, "Bannu, KP – 14 March 2023: ...") five of 56, all that entry's place, u1-u15
(newspaper stories of several paragraphs) three of 54 ("weeks after a suicide bombing at a mosque ... killed more
than 80", "the Tank Adda area of the city", "the Islamic State's Khorasan chapter"), v1-v15 (headlines in
Title Case) one of 41 ("Gunmen Kill Social Activist In Karachi"), x1-x15 (the state news agency and the
military's press releases) three of 57 ("Sepoy Muhammad Irfan (age 24 years, resident of District Kurram) having
fought bravely, embraced shahadat": his home district taken for the place, and no death counted), y1-y15
(breaking-news posts with hashtags) two of 57 ("Police say 2 officials martyred so far", "near Tank Adda in
#DIKhan"), z1-z15 (a monthly security review's paragraphs) none of 58 -- but two of its attackers' deaths were
missed ("three attackers were killed and two others blew themselves up"; and in i10 "killing nine people before
being killed"), b1-b15 (GTD's later style again) none of 69, and d1-d15 (mixed styles) one of 59 ("Karachi
University (Karachi East, Sindh)": the dataset's district in brackets), o1-o15 (police and levies
situation reports) four of 60 (a belt number "No. 123" and a date "30.11.2023" read as counts, "Constable
Muhammad Riaz (escort) martyred", "Captain and 02 soldiers shaheed"), ac1-ac15 (an event dataset's notes
again) three of 63 ("TJP militants stormed" twice: the acronym is also the Shia party's; "1 policeman killed,
2 militants killed in return fire. Fatalities: 3."), gl1-gl15 (GTD's later style, 2013-2019) two of 66
("At least 20 people, including Khanzada and the bomber, were killed"; and one left: "In addition to the
bomber, one civilian was killed ..., and at least four assailants were killed" gives four attackers, not
five); the others since fixed. The misses
are listed in the failure message.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from nigehban.extract import Extractor
from nigehban.extract.candidate import Document

FIXTURE = Path(__file__).parents[1] / "fixtures" / "reports_other_styles.jsonl"


@pytest.mark.data
def test_headlines_wire_stories_and_notes(real_extractor: Extractor) -> None:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 392
    checked: dict[str, int] = {"date": 0, "district": 0, "killed": 0, "perpetrator": 0, "killed_perpetrators": 0}
    misses: list[str] = []
    for row in rows:
        published = dt.date.fromisoformat(row["published"]) if row["published"] else None
        extraction = real_extractor.extract(Document(id=row["id"], text=row["text"], published=published))
        assert extraction.is_attack, row["id"]
        line = extraction.as_eval_dict()["incidents"][0]
        for field, expected in row["expected"].items():
            if expected is None:
                continue
            checked[field] += 1
            if line[field] != expected:
                misses.append(f"{row['id']} {field}: {line[field]!r}, expected {expected!r}")
    assert checked == {"date": 295, "district": 363, "killed": 386, "perpetrator": 383, "killed_perpetrators": 76}
    # three known misses: Karachi University (East Karachi) placed at the city's point (e2), the MQM named as
    # victims taken for the attacker (k3), and the bomber "in addition to" four attackers killed (gl8)
    assert len(misses) <= 3, misses
