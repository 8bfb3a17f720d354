"""The audit checklist: the packaged file, validation of bad files, answers, and the vulnerability formula."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nigehban.errors import NigehbanError
from nigehban.security.checklist import (
    NOT_APPLICABLE,
    Answer,
    AnswerOutOfScale,
    AuditChecklist,
    ChecklistError,
    ChecklistItem,
    ScoringInputError,
    UnknownChecklistItem,
    check_answer,
    item_slopes,
    load_checklist,
    vulnerability,
)
from nigehban.security.vocabulary import FACILITY_TYPES, SCENARIOS

REPO = Path(__file__).resolve().parents[2]

# A checklist small enough to score by hand: scales of 2, 5 and 3 levels, three items.
TINY_CHECKLIST = """
id = "tiny"
version = "0.1"
title = "Tiny"
source = "written for the tests"

[[scales.yes_no]]
value = 0
label = "no"
meaning = "absent"

[[scales.yes_no]]
value = 1
label = "yes"
meaning = "present"

[[scales.q]]
value = 0
label = "0"
meaning = "zero"
[[scales.q]]
value = 1
label = "1"
meaning = "one"
[[scales.q]]
value = 2
label = "2"
meaning = "two"
[[scales.q]]
value = 3
label = "3"
meaning = "three"
[[scales.q]]
value = 4
label = "4"
meaning = "four"

[[scales.npf]]
value = 0
label = "none"
meaning = "none"
[[scales.npf]]
value = 1
label = "partial"
meaning = "partial"
[[scales.npf]]
value = 2
label = "full"
meaning = "full"

[[sections]]
id = "s"
title = "Section"
description = "the only section"

[[items]]
id = "s.a"
question = "Question A?"
guidance = "Guidance A."
scale = "yes_no"
weights = { armed_assault = 2, suicide_bomber = 0, vbied = 1, insider = 0 }

[[items]]
id = "s.b"
question = "Question B?"
guidance = "Guidance B."
scale = "q"
weights = { armed_assault = 1, suicide_bomber = 3, vbied = 0, insider = 0 }

[[items]]
id = "s.c"
question = "Question C?"
guidance = "Guidance C."
scale = "npf"
weights = { armed_assault = 1, suicide_bomber = 1, vbied = 1, insider = 4 }
applies_to = ["police_station"]
na_allowed = true
"""


def write(tmp_path: Path, text: str, name: str = "checklist.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> AuditChecklist:
    return load_checklist(write(tmp_path, TINY_CHECKLIST))


@pytest.fixture(scope="module")
def packaged() -> AuditChecklist:
    return load_checklist()


# -- the packaged checklist -------------------------------------------------------------------------------


def test_packaged_checklist_loads_with_its_sections_and_items(packaged: AuditChecklist) -> None:
    assert (packaged.id, packaged.version) == ("police-facility", "1.0")
    assert packaged.path.is_file()
    for reference in ("FEMA 452", "FEMA 426", "Peshawar", "Karachi"):
        assert reference in packaged.source
    assert [section.id for section in packaged.sections] == [
        "perimeter",
        "standoff",
        "access",
        "guard_posts",
        "cctv",
        "lighting",
        "comms",
        "qrf",
        "armoury",
        "blast",
        "safe_rooms",
        "drills",
    ]
    assert 45 <= len(packaged.items) <= 65
    assert len({item.id for item in packaged.items}) == len(packaged.items)
    for item in packaged.items:
        assert item.id.split(".")[0] == item.section
        assert item.question.endswith("?"), item.id
        assert len(item.guidance) > 60, item.id
        assert tuple(item.weights) == SCENARIOS, item.id
        assert all(0 <= weight <= 5 for weight in item.weights.values()), item.id
        assert any(weight > 0 for weight in item.weights.values()), item.id
        assert [level.value for level in item.scale.levels] == list(range(item.scale.max_level + 1))
        assert item.applies_to is None or set(item.applies_to) <= set(FACILITY_TYPES)


def test_packaged_checklist_is_read_once(packaged: AuditChecklist) -> None:
    assert load_checklist() is packaged
    # hashable, to key caches, though it holds mappings
    assert {packaged: 1}[packaged] == 1
    assert len(set(packaged.items)) == len(packaged.items)
    # an explicit path reads the file again, to the same content
    assert load_checklist(packaged.path) == packaged


def test_packaged_weights_follow_the_lessons_of_the_attacks(packaged: AuditChecklist) -> None:
    weight = {item.id: item.weights for item in packaged.items}
    # Peshawar 2023: searching people in uniform defends against the bomber and the insider
    assert weight["access.search_everyone_uniformed"]["suicide_bomber"] == 5
    assert weight["access.search_everyone_uniformed"]["insider"] >= 4
    # Karachi 2023: the rear wall defends against the armed assault
    assert weight["perimeter.rear_side_watched"]["armed_assault"] == 5
    assert weight["perimeter.wall_height"]["armed_assault"] == 5
    # vehicle barriers and stand-off against the VBIED, not the man on foot
    for item_id in ("standoff.vehicle_barriers", "standoff.building_distance", "access.vehicle_search"):
        assert weight[item_id]["vbied"] == 5
        assert weight[item_id]["suicide_bomber"] <= 1
    assert weight["access.staff_vetting"]["insider"] == 5
    assert weight["armoury.controlled_issue"]["insider"] == 5
    # every scenario has items that matter a lot to it
    for scenario in SCENARIOS:
        assert sum(1 for item in packaged.items if item.weights[scenario] >= 4) >= 5, scenario


def test_every_item_is_in_the_documentation(packaged: AuditChecklist) -> None:
    text = (REPO / "docs" / "security" / "checklist.md").read_text(encoding="utf-8")
    missing = [item.id for item in packaged.items if f"`{item.id}`" not in text]
    assert not missing


@pytest.mark.parametrize("facility_type", list(FACILITY_TYPES))
def test_packaged_extremes(packaged: AuditChecklist, facility_type: str) -> None:
    items = packaged.items_for(facility_type)
    best = vulnerability(packaged, {item.id: item.scale.max_level for item in items}, facility_type=facility_type)
    worst = vulnerability(packaged, {item.id: 0 for item in items}, facility_type=facility_type)
    unknown = vulnerability(packaged, {}, facility_type=facility_type)
    for scenario in SCENARIOS:
        assert (best[scenario].value, best[scenario].low, best[scenario].high) == (1.0, 1.0, 1.0)
        assert best[scenario].contributions == ()
        assert worst[scenario].value == pytest.approx(10.0)
        assert sum(part for _, part in worst[scenario].contributions) == pytest.approx(9.0)
        assert unknown[scenario].value == pytest.approx(5.5)
        assert (unknown[scenario].low, unknown[scenario].high) == pytest.approx((1.0, 10.0))
        assert unknown[scenario].answered == 0
        assert unknown[scenario].applicable == sum(1 for item in items if item.weights[scenario] > 0)


def test_check_post_is_not_asked_about_an_armoury_or_visitors(packaged: AuditChecklist) -> None:
    check_post = {item.id for item in packaged.items_for("check_post")}
    station = {item.id for item in packaged.items_for("police_station")}
    assert station == {item.id for item in packaged.items}
    assert station - check_post == {
        "access.visitor_registration",
        "armoury.secured",
        "armoury.controlled_issue",
        "armoury.separate_from_entry",
        "safe_rooms.safe_room",
    }


# -- the formula, by hand -----------------------------------------------------------------------------------


def test_vulnerability_by_hand(tiny: AuditChecklist) -> None:
    scores = vulnerability(tiny, {"s.a": 0, "s.b": 2}, facility_type="police_station")
    # armed assault: W = 2 + 1 + 1; shortfalls a 1, b 0.5, c unanswered (0.5; 0..1)
    aa = scores["armed_assault"]
    assert aa.value == pytest.approx(1 + 9 * 3.0 / 4)  # 7.75
    assert aa.low == pytest.approx(1 + 9 * 2.5 / 4)
    assert aa.high == pytest.approx(1 + 9 * 3.5 / 4)
    assert (aa.answered, aa.applicable) == (2, 3)
    assert [item_id for item_id, _ in aa.contributions] == ["s.a", "s.b", "s.c"]  # ties in id order
    assert [part for _, part in aa.contributions] == pytest.approx([4.5, 1.125, 1.125])
    # suicide bomber: a has weight 0 and does not count
    sb = scores["suicide_bomber"]
    assert sb.value == pytest.approx(1 + 9 * (3 * 0.5 + 1 * 0.5) / 4)
    assert (sb.answered, sb.applicable) == (1, 2)
    assert scores["vbied"].value == pytest.approx(1 + 9 * 1.5 / 2)
    insider = scores["insider"]
    assert (insider.value, insider.low, insider.high) == (5.5, 1.0, 10.0)
    assert (insider.answered, insider.applicable) == (0, 1)


def test_not_applicable_items_leave_the_score(tiny: AuditChecklist) -> None:
    # "na" removes the item at a police station ...
    scores = vulnerability(tiny, {"s.a": 0, "s.b": 2, "s.c": NOT_APPLICABLE}, facility_type="police_station")
    assert scores["armed_assault"].value == pytest.approx(1 + 9 * 2.5 / 3)
    assert scores["armed_assault"].applicable == 2
    # ... and a police post is never asked s.c: the insider scenario has no item left
    post = vulnerability(tiny, {"s.a": 0, "s.b": 2, "s.c": 2}, facility_type="police_post")
    assert post["armed_assault"].value == pytest.approx(1 + 9 * 2.5 / 3)
    assert (post["insider"].value, post["insider"].low, post["insider"].high, post["insider"].applicable) == (
        5.5,
        1.0,
        10.0,
        0,
    )


def test_item_slopes_by_hand(tiny: AuditChecklist) -> None:
    threat = {"armed_assault": 2.0, "suicide_bomber": 1.0, "vbied": 3.0, "insider": 1.0}
    slopes = item_slopes(tiny, facility_type="police_station", threat=threat, consequence=5.0)
    assert slopes == {
        "s.a": pytest.approx(2 * 5 * 9 * 2 / (4 * 1) + 3 * 5 * 9 * 1 / (2 * 1)),  # 112.5
        "s.b": pytest.approx(2 * 5 * 9 * 1 / (4 * 4) + 1 * 5 * 9 * 3 / (4 * 4)),  # 14.0625
        "s.c": pytest.approx(2 * 5 * 9 / (4 * 2) + 5 * 9 / (4 * 2) + 3 * 5 * 9 / (2 * 2) + 5 * 9 * 4 / (4 * 2)),
    }
    # "na" takes the item out and changes the others' slopes (W falls)
    without_c = item_slopes(tiny, facility_type="police_station", threat=threat, consequence=5.0, answers={"s.c": "na"})
    assert without_c == {
        "s.a": pytest.approx(2 * 5 * 9 * 2 / 3 + 3 * 5 * 9),
        "s.b": pytest.approx(2 * 5 * 9 * 1 / (3 * 4) + 1 * 5 * 9 * 3 / (3 * 4)),
    }


def risk(
    checklist: AuditChecklist, answers: dict[str, Answer], facility_type: str, threat: dict[str, float], c: float
) -> float:
    scores = vulnerability(checklist, answers, facility_type=facility_type)
    return sum(threat[scenario] * scores[scenario].value * c for scenario in SCENARIOS)


def effective_level(item: ChecklistItem, answers: dict[str, Answer]) -> float:
    """The level the point estimate counts: an unanswered item is half met."""
    answer = answers[item.id]
    assert not isinstance(answer, str), "na items are not scored"
    return item.scale.max_level / 2 if answer is None else answer


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_slope_times_levels_is_the_drop_in_risk(packaged: AuditChecklist, data: st.DataObject) -> None:
    facility_type = data.draw(st.sampled_from(list(FACILITY_TYPES)))
    answers: dict[str, Answer] = {}
    for item in packaged.items:
        choices: list[Answer] = [None, *range(item.scale.max_level + 1)]
        if item.na_allowed:
            choices.append(NOT_APPLICABLE)
        answers[item.id] = data.draw(st.sampled_from(choices))
    threat = {scenario: data.draw(st.floats(1, 10)) for scenario in SCENARIOS}
    consequence = data.draw(st.floats(1, 10))
    slopes = item_slopes(packaged, facility_type=facility_type, threat=threat, consequence=consequence, answers=answers)
    scored = [item for item in packaged.items_for(facility_type) if answers[item.id] != NOT_APPLICABLE]
    assert set(slopes) == {item.id for item in scored}
    before = risk(packaged, answers, facility_type, threat, consequence)

    # one item raised (or lowered) to another level
    item = data.draw(st.sampled_from(scored))
    new = data.draw(st.integers(0, item.scale.max_level))
    after = risk(packaged, {**answers, item.id: new}, facility_type, threat, consequence)
    assert before - after == pytest.approx(slopes[item.id] * (new - effective_level(item, answers)), abs=1e-6)

    # every item raised to the top: risk falls to T·1·C, and the slopes said by how much
    top = {**answers, **{item.id: item.scale.max_level for item in scored}}
    removed = sum(slopes[item.id] * (item.scale.max_level - effective_level(item, answers)) for item in scored)
    assert risk(packaged, top, facility_type, threat, consequence) == pytest.approx(sum(threat.values()) * consequence)
    assert before - removed == pytest.approx(sum(threat.values()) * consequence, abs=1e-6)


def test_item_slopes_refuse_bad_inputs(tiny: AuditChecklist) -> None:
    threat = dict.fromkeys(SCENARIOS, 5.0)
    partial = {scenario: value for scenario, value in threat.items() if scenario != "insider"}
    with pytest.raises(ScoringInputError, match="missing insider"):
        item_slopes(tiny, facility_type="police_station", threat=partial, consequence=1.0)
    with pytest.raises(ScoringInputError, match="unknown 'ied'"):
        item_slopes(tiny, facility_type="police_station", threat={**threat, "ied": 1.0}, consequence=1.0)
    with pytest.raises(ScoringInputError, match="consequence = nan"):
        item_slopes(tiny, facility_type="police_station", threat=threat, consequence=float("nan"))
    with pytest.raises(ScoringInputError, match="threat\\['vbied'\\] = -1"):
        item_slopes(tiny, facility_type="police_station", threat={**threat, "vbied": -1}, consequence=1.0)
    with pytest.raises(
        ScoringInputError, match=r"unknown facility type 'police_staton'.*did you mean 'police_station'"
    ):
        item_slopes(tiny, facility_type="police_staton", threat=threat, consequence=1.0)
    with pytest.raises(UnknownChecklistItem):
        item_slopes(tiny, facility_type="police_station", threat=threat, consequence=1.0, answers={"s.z": 1})


# -- answers -----------------------------------------------------------------------------------------------


def test_check_answer(tiny: AuditChecklist) -> None:
    assert check_answer(tiny, "s.b", 0) == 0
    assert check_answer(tiny, "s.b", 4) == 4
    assert check_answer(tiny, "s.b", None) is None
    assert check_answer(tiny, "s.c", "na") == "na"
    assert check_answer(tiny, "s.c", " NA ") == "na"
    with pytest.raises(AnswerOutOfScale) as raised:
        check_answer(tiny, "s.b", 5)
    error = raised.value
    assert isinstance(error, ValueError)
    assert isinstance(error, NigehbanError)
    assert (error.item, error.value, error.allowed) == ("s.b", 5, (0, 1, 2, 3, 4))
    assert str(error) == "item 's.b': answer 5 is not allowed (allowed: 0, 1, 2, 3, 4, or None if unanswered)"
    with pytest.raises(AnswerOutOfScale, match=r"answer 'na' is not allowed \(allowed: 0, 1,"):
        check_answer(tiny, "s.a", "na")  # s.a does not allow "not applicable"
    with pytest.raises(AnswerOutOfScale, match=r"allowed: 0, 1, 2, 'na'"):
        check_answer(tiny, "s.c", 3)
    for bad in (True, 1.0, "1", -1):
        with pytest.raises(AnswerOutOfScale):
            check_answer(tiny, "s.a", bad)  # type: ignore[arg-type]


def test_unknown_items_are_named(tiny: AuditChecklist) -> None:
    with pytest.raises(UnknownChecklistItem) as raised:
        tiny.item("s.bb")
    assert isinstance(raised.value, KeyError)
    assert str(raised.value) == "no item 's.bb' in the checklist tiny 0.1 (did you mean 's.b'?)"
    with pytest.raises(UnknownChecklistItem, match=r"no item 'x\.y'"):
        vulnerability(tiny, {"x.y": 1}, facility_type="police_station")
    with pytest.raises(AnswerOutOfScale, match=r"'s\.a'"):
        # answers to items the facility type is not asked are still checked
        vulnerability(tiny, {"s.a": 2}, facility_type="police_post")
    with pytest.raises(ScoringInputError, match="unknown facility type"):
        vulnerability(tiny, {}, facility_type="fort")


# -- bad files ---------------------------------------------------------------------------------------------

BAD_FILES = [
    (
        "unknown scenario",
        ("vbied = 1, insider = 0 }", "vbeid = 1, insider = 0 }"),
        "s.a",
        "weights",
        "unknown scenario 'vbeid' (did you mean 'vbied'?)",
    ),
    ("missing scenario", (", insider = 0 }", " }"), "s.a", "weights", "missing scenario(s) insider"),
    (
        "weight above 5",
        ("armed_assault = 2,", "armed_assault = 6,"),
        "s.a",
        "weights",
        "armed_assault = 6: a weight is a number from 0 to 5",
    ),
    ("weight below 0", ("armed_assault = 2,", "armed_assault = -1,"), "s.a", "weights", "armed_assault = -1"),
    (
        "weight not a number",
        ("armed_assault = 2,", 'armed_assault = "high",'),
        "s.a",
        "weights",
        "armed_assault = 'high'",
    ),
    (
        "all weights zero",
        ("armed_assault = 2, suicide_bomber = 0, vbied = 1,", "armed_assault = 0, suicide_bomber = 0, vbied = 0,"),
        "s.a",
        "weights",
        "every weight is 0",
    ),
    ("unknown scale", ('scale = "q"', 'scale = "quality"'), "s.b", "scale", "unknown scale 'quality'"),
    ("duplicate item", ('id = "s.b"', 'id = "s.a"'), "s.a", "id", "duplicate item id (items number 1 and 2)"),
    (
        "unknown section",
        ('id = "s.b"', 'id = "perimeter.b"'),
        "perimeter.b",
        "id",
        "section 'perimeter' is not a section",
    ),
    (
        "unknown facility type",
        ('applies_to = ["police_station"]', 'applies_to = ["police_statoin"]'),
        "s.c",
        "applies_to",
        "unknown facility type 'police_statoin' (did you mean 'police_station'?)",
    ),
    ("empty applies_to", ('applies_to = ["police_station"]', "applies_to = []"), "s.c", "applies_to", "non-empty list"),
    (
        "typo in a key",
        ('guidance = "Guidance B."', 'gudiance = "Guidance B."'),
        "s.b",
        "gudiance",
        "unknown key 'gudiance' (did you mean 'guidance'?)",
    ),
    ("empty question", ('question = "Question A?"', 'question = "   "'), "s.a", "question", "must not be empty"),
    ("missing guidance", ('guidance = "Guidance A."', ""), "s.a", "guidance", "missing"),
    (
        "na_allowed not a bool",
        ("na_allowed = true", 'na_allowed = "yes"'),
        "s.c",
        "na_allowed",
        "must be true or false",
    ),
    ("bad item id", ('id = "s.b"', 'id = "B"'), None, "items[2].id", "an item id is 'section.item'"),
    (
        "scale with a gap",
        ('value = 2\nlabel = "2"', 'value = 5\nlabel = "2"'),
        None,
        "scales.q",
        "levels [0, 1, 3, 4, 5] must run 0, 1, ..., n",
    ),
    (
        "scale starting at 1",
        ('value = 0\nlabel = "none"', 'value = 3\nlabel = "none"'),
        None,
        "scales.npf",
        "levels [1, 2, 3]",
    ),
    ("scale level typo", ('meaning = "zero"', 'meening = "zero"'), None, "scales.q.meening", "unknown key 'meening'"),
    (
        "version as a number",
        ('version = "0.1"', "version = 0.1"),
        None,
        "version",
        'write the version as a string such as "1.0"',
    ),
    (
        "unknown top-level key",
        ('title = "Tiny"', 'title = "Tiny"\nauthor = "x"'),
        None,
        "author",
        "unknown key 'author'",
    ),
    (
        "section without items",
        ('[[sections]]\nid = "s"', '[[sections]]\nid = "t"\ntitle = "T"\ndescription = "t"\n\n[[sections]]\nid = "s"'),
        None,
        "sections.t",
        "no item belongs to this section",
    ),
    ("invalid TOML", ('title = "Tiny"', "title = Tiny"), None, None, "not valid TOML"),
]


@pytest.mark.parametrize(
    ("old_new", "item", "field", "message"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES]
)
def test_bad_checklists_are_named(
    tmp_path: Path, old_new: tuple[str, str], item: str | None, field: str | None, message: str
) -> None:
    old, new = old_new
    assert old in TINY_CHECKLIST
    path = write(tmp_path, TINY_CHECKLIST.replace(old, new, 1))
    with pytest.raises(ChecklistError) as raised:
        load_checklist(path)
    error = raised.value
    assert (error.path, error.item, error.field) == (str(path), item, field)
    assert message in str(error)
    assert str(error).startswith(f"{path}: ")
    if item is not None:
        assert f"item {item!r}" in str(error)
    if field is not None:
        assert f"field {field!r}" in str(error)
    # errors cross process boundaries whole
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.item, copy.field) == (str(error), item, field)


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError, match="cannot read the checklist"):
        load_checklist(tmp_path / "missing.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes(TINY_CHECKLIST.replace("Tiny", "Tiny é").encode("latin-1"))
    with pytest.raises(ChecklistError, match="not UTF-8"):
        load_checklist(path)
