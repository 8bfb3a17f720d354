"""Reports written by contributors who had not read the extraction rules: a check on how the rules generalise.

``tests/fixtures/reports_independent.jsonl`` holds 240 short reports of real attacks (2013-2025), written from
memory in six styles by contributors who were shown only the district names and the scorer's group names, never
the code: news headlines and wire stories (``nw``), other datasets' event notes and timelines (``dn``), GTD's
later summaries (``gl2x``), the regional press (``pr``), official statements -- the military's press releases,
police posts and FIR summaries (``of``) -- and analysts' and broadcasters' context-heavy stories (``an``); then 60
more in mixed styles (``r2a``: newspapers, agency wires, international stories, dataset rows; ``r2b``: GTD's later
summaries and police situation reports). Each carries the date, district, province, victims killed and wounded,
attackers killed and group that its text supports (``null`` where the text does not say); groups and provinces
are compared as the evaluation's scorer compares them ("Islamic State" and "Islamic State Khorasan Province" are
one group there).

Scored once with the rules of 7 December 2026 (commit d3eb7a0), before any change, the first 180 had 1,038 of
1,161 checked values right (89.4 %): news 89.0 %, event notes 88.6 %, GTD's later style 99.0 %, regional press
95.7 %, official statements 81.4 % and analysts' stories 82.6 % -- against 96.4 % on batches the rule writers wrote
themselves (tests/extract/test_other_styles.py). After the rules were improved against them, the 60 of the second
round, scored once on arrival, had 357 of 397 right (89.9 %: ``r2b`` 94.2 %, ``r2a`` 86.0 %): the fixes of the
first round did not raise the first-read rate on new texts, which is about 90 %. Both rounds were then used to
improve the rules (docs/extraction.md), so the figure below is a regression guard, not an estimate. The misses left
are listed in the failure message: among them a train hijacking told in one long sentence (``of25``), a CSV row
with its header (``r2a24``), a toll of several attacks (``nw28``) and single people wounded in words the rules do
not count ("One labourer survived with bullet wounds").
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from nigehban.extract import Extractor
from nigehban.extract.candidate import Document
from tests.helpers import eval_scorer

FIXTURE = Path(__file__).parents[1] / "fixtures" / "reports_independent.jsonl"
FIELDS = ("date", "district", "province", "killed", "wounded", "killed_perpetrators", "perpetrator")


@pytest.mark.data
def test_reports_written_without_reading_the_rules(real_extractor: Extractor) -> None:
    scorer = eval_scorer("score_extraction")  # groups and provinces compared as the evaluation compares them
    same = {
        "perpetrator": lambda a, b: scorer.group_key(a) == scorer.group_key(b),
        "province": lambda a, b: scorer.prov_key(a) == scorer.prov_key(b),
    }
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 240
    checked = dict.fromkeys(FIELDS, 0)
    misses: list[str] = []
    for row in rows:
        published = dt.date.fromisoformat(row["published"]) if row["published"] else None
        extraction = real_extractor.extract(Document(id=row["id"], text=row["text"], published=published))
        assert extraction.is_attack, row["id"]
        line = extraction.as_eval_dict()["incidents"][0]
        for field in FIELDS:
            expected = row["expected"][field]
            if expected is None:
                continue
            checked[field] += 1
            if not same.get(field, lambda a, b: a == b)(line[field], expected):
                misses.append(f"{row['id']} {field}: {line[field]!r}, expected {expected!r}")
    assert checked == {
        "date": 233,
        "district": 233,
        "province": 240,
        "killed": 240,
        "wounded": 196,
        "killed_perpetrators": 176,
        "perpetrator": 240,
    }
    # 35 of 1,558 values are still missed (97.8 %; in-sample for the first 180 reports): see docs/extraction.md
    assert len(misses) <= 35, "\n".join(misses)
