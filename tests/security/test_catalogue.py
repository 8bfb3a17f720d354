"""The countermeasure catalogue: the packaged file, validation against the checklist, effects, the editable copy."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from nigehban.errors import NigehbanError
from nigehban.security.catalogue import (
    Catalogue,
    CatalogueError,
    CatalogueExists,
    UnknownCountermeasure,
    load_catalogue,
    measure_effect,
    write_default_catalogue,
)
from nigehban.security.checklist import AuditChecklist, ScoringInputError, load_checklist, vulnerability
from nigehban.security.vocabulary import SCENARIOS
from tests.security.test_checklist import TINY_CHECKLIST

TINY_CATALOGUE = """
version = "0.1"
checklist = "tiny"
source = "written for the tests"

[[measures]]
id = "fix_a"
name = "Fix A"
description = "Raises A."
cost_pkr = 1000
raises = { "s.a" = 1 }

[[measures]]
id = "half_b_and_c"
name = "Half of B, all of C"
description = "Raises B to 2 and C to 2."
cost_pkr = 2500
cost_note = "per year"
raises = { "s.b" = 2, "s.c" = 2 }
applies_to = ["police_station"]
"""


@pytest.fixture(scope="module")
def checklist() -> AuditChecklist:
    return load_checklist()


@pytest.fixture(scope="module")
def catalogue(checklist: AuditChecklist) -> Catalogue:
    return load_catalogue(checklist=checklist)


@pytest.fixture
def tiny(tmp_path: Path) -> AuditChecklist:
    path = tmp_path / "checklist.toml"
    path.write_text(TINY_CHECKLIST, encoding="utf-8")
    return load_checklist(path)


def test_packaged_catalogue_loads_against_the_packaged_checklist(
    checklist: AuditChecklist, catalogue: Catalogue
) -> None:
    assert (catalogue.version, catalogue.checklist_id) == ("1.0", checklist.id)
    assert "indicative" in catalogue.source.lower() and "2023" in catalogue.source  # noqa: PT018
    assert 30 <= len(catalogue.measures) <= 50
    assert len({measure.id for measure in catalogue.measures}) == len(catalogue.measures)
    for measure in catalogue.measures:
        assert measure.raises, measure.id
        assert isinstance(measure.cost_pkr, int), measure.id
        assert measure.cost_pkr > 0, measure.id
        for item_id, level in measure.raises.items():
            assert 1 <= level <= checklist.item(item_id).scale.max_level, (measure.id, item_id)
    # every item of the checklist can be improved by some measure
    raised = {item_id for measure in catalogue.measures for item_id in measure.raises}
    assert raised == {item.id for item in checklist.items}


def test_packaged_costs_are_plausible_relative_to_each_other(catalogue: Catalogue) -> None:
    cost = {measure.id: measure.cost_pkr for measure in catalogue.measures}
    # procedures and training cost little; works and personnel much more
    for cheap in ("search_everyone_protocol", "post_orders_and_reliefs", "staff_vetting", "evacuation_plan"):
        assert cost[cheap] <= 200_000, cheap
    for dear in ("wall_raise_and_repair", "engineered_vehicle_barriers", "extra_constables", "blast_wall"):
        assert cost[dear] >= 2_000_000, dear
    assert cost["anti_climb_rear"] < cost["anti_climb_full"] < cost["wall_raise_and_repair"]
    assert cost["blast_film"] < cost["laminated_glazing"]
    assert cost["concrete_block_chicane"] < cost["engineered_vehicle_barriers"]
    assert max(cost, key=cost.__getitem__) == "armoured_personnel_carrier"


def test_search_protocol_is_cheap_and_works_on_the_bomber(checklist: AuditChecklist, catalogue: Catalogue) -> None:
    protocol = catalogue.measure("search_everyone_protocol")
    effect = measure_effect(protocol, checklist, facility_type="police_lines")
    assert effect["suicide_bomber"] > effect["armed_assault"] > 0
    assert effect["vbied"] == 0.0
    barriers = measure_effect(catalogue.measure("engineered_vehicle_barriers"), checklist, facility_type="police_lines")
    assert barriers["vbied"] > barriers["suicide_bomber"]
    # V points per million rupees against the bomber: the protocol beats the walk-through detector by far
    detector = catalogue.measure("walk_through_detector_search_bay")
    per_rupee = effect["suicide_bomber"] / protocol.cost_pkr
    detector_effect = measure_effect(detector, checklist, facility_type="police_lines")["suicide_bomber"]
    assert per_rupee > 10 * detector_effect / detector.cost_pkr


def test_measure_effect_by_hand(tiny: AuditChecklist, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    path.write_text(TINY_CATALOGUE, encoding="utf-8")
    catalogue = load_catalogue(path, checklist=tiny)
    assert catalogue.path == path
    measure = catalogue.measure("half_b_and_c")
    assert (measure.cost_pkr, measure.cost_note, measure.applies_to) == (2500, "per year", ("police_station",))
    # W at a police station: aa 4, sb 4, vbied 2, insider 4; b raised 2/4, c raised 2/2
    assert measure_effect(measure, tiny, facility_type="police_station") == {
        "armed_assault": pytest.approx(9 * (1 * 0.5 + 1 * 1) / 4),
        "suicide_bomber": pytest.approx(9 * (3 * 0.5 + 1 * 1) / 4),
        "vbied": pytest.approx(9 * 1 / 2),
        "insider": pytest.approx(9 * 4 / 4),
    }
    # a measure that does not apply lowers nothing
    assert measure_effect(measure, tiny, facility_type="police_post") == dict.fromkeys(SCENARIOS, 0.0)
    fix_a = catalogue.measure("fix_a")
    # at a police post s.c is not asked: W is aa 3, vbied 1
    assert measure_effect(fix_a, tiny, facility_type="police_post") == {
        "armed_assault": pytest.approx(9 * 2 / 3),
        "suicide_bomber": 0.0,
        "vbied": pytest.approx(9.0),
        "insider": 0.0,
    }
    # the effect is the drop in V from a facility with every item unmet
    worst = {"s.a": 0, "s.b": 0, "s.c": 0}
    before = vulnerability(tiny, worst, facility_type="police_station")
    after = vulnerability(tiny, {**worst, **measure.raises}, facility_type="police_station")
    effect = measure_effect(measure, tiny, facility_type="police_station")
    for scenario in SCENARIOS:
        assert before[scenario].value - after[scenario].value == pytest.approx(effect[scenario])
    with pytest.raises(ScoringInputError):
        measure_effect(measure, tiny, facility_type="fort")


def test_packaged_measure_not_for_check_posts(checklist: AuditChecklist, catalogue: Catalogue) -> None:
    armoury = catalogue.measure("armoury_upgrade")
    assert measure_effect(armoury, checklist, facility_type="check_post") == dict.fromkeys(SCENARIOS, 0.0)
    assert measure_effect(armoury, checklist, facility_type="police_station")["insider"] > 0
    assert armoury not in catalogue.measures_for("check_post")
    assert armoury in catalogue.measures_for("police_station")


def test_unknown_measure_is_named(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownCountermeasure) as raised:
        catalogue.measure("blast_flim")
    assert isinstance(raised.value, KeyError)
    assert str(raised.value) == "no countermeasure 'blast_flim' in the catalogue (did you mean 'blast_film'?)"


BAD_FILES = [
    ("unknown item", ('"s.a" = 1', '"s.z" = 1'), "fix_a", "raises", "no item 's.z' in the checklist tiny 0.1"),
    ("level above the scale", ('"s.a" = 1', '"s.a" = 2'), "fix_a", "raises", "s.a = 2: the level must be a whole"),
    ("level 0", ('"s.b" = 2', '"s.b" = 0'), "half_b_and_c", "raises", "from 1 to 4 (the top of the item's scale q)"),
    ("level not a number", ('"s.a" = 1', '"s.a" = "full"'), "fix_a", "raises", "s.a = 'full'"),
    ("empty raises", ('raises = { "s.a" = 1 }', "raises = {}"), "fix_a", "raises", "give at least one item"),
    ("zero cost", ("cost_pkr = 1000", "cost_pkr = 0"), "fix_a", "cost_pkr", "0: give the cost as a whole number"),
    ("negative cost", ("cost_pkr = 1000", "cost_pkr = -5"), "fix_a", "cost_pkr", "-5: give the cost"),
    ("fractional cost", ("cost_pkr = 1000", "cost_pkr = 1000.5"), "fix_a", "cost_pkr", "1000.5: give the cost"),
    ("cost as text", ("cost_pkr = 1000", 'cost_pkr = "1,000"'), "fix_a", "cost_pkr", "'1,000': give the cost"),
    ("duplicate id", ('id = "half_b_and_c"', 'id = "fix_a"'), "fix_a", "id", "duplicate measure id"),
    ("bad id", ('id = "fix_a"', 'id = "Fix A"'), None, "measures[1].id", "a measure id is snake_case"),
    (
        "unknown facility type",
        ('applies_to = ["police_station"]', 'applies_to = ["thana"]'),
        "half_b_and_c",
        "applies_to",
        "unknown facility type 'thana'",
    ),
    (
        "item not asked of the measure's types",
        ('applies_to = ["police_station"]', 'applies_to = ["police_post"]'),
        "half_b_and_c",
        "raises",
        "s.c is asked of none of the measure's facility types",
    ),
    ("typo in a key", ('cost_note = "per year"', 'cost_not = "per year"'), "half_b_and_c", "cost_not", "(did you mean"),
    ("missing name", ('name = "Fix A"', ""), "fix_a", "name", "missing"),
    ("empty description", ('description = "Raises A."', 'description = ""'), "fix_a", "description", "must not be"),
    ("another checklist", ('checklist = "tiny"', 'checklist = "police-facility"'), None, "checklist", "not 'tiny'"),
    ("version as a number", ('version = "0.1"', "version = 0.1"), None, "version", "write the version as a string"),
    (
        "unknown top-level key",
        ('source = "written', 'currency = "PKR"\nsource = "written'),
        None,
        "currency",
        "unknown",
    ),
    ("invalid TOML", ("cost_pkr = 1000", "cost_pkr = "), None, None, "not valid TOML"),
]


@pytest.mark.parametrize(
    ("old_new", "measure", "field", "message"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES]
)
def test_bad_catalogues_are_named(
    tiny: AuditChecklist,
    tmp_path: Path,
    old_new: tuple[str, str],
    measure: str | None,
    field: str | None,
    message: str,
) -> None:
    old, new = old_new
    assert old in TINY_CATALOGUE
    path = tmp_path / "catalogue.toml"
    path.write_text(TINY_CATALOGUE.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path, checklist=tiny)
    error = raised.value
    assert (error.path, error.measure, error.field) == (str(path), measure, field)
    assert message in str(error)
    assert str(error).startswith(f"{path}: ")
    if measure is not None:
        assert f"measure {measure!r}" in str(error)
    if field is not None:
        assert f"field {field!r}" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.measure, copy.field) == (str(error), measure, field)


def test_packaged_catalogue_does_not_fit_another_checklist(tiny: AuditChecklist) -> None:
    with pytest.raises(CatalogueError, match="written for the checklist 'police-facility', not 'tiny'"):
        load_catalogue(checklist=tiny)


def test_unreadable_catalogue(tmp_path: Path, tiny: AuditChecklist) -> None:
    with pytest.raises(CatalogueError, match="cannot read the catalogue"):
        load_catalogue(tmp_path / "missing.toml", checklist=tiny)


def test_write_default_catalogue(tmp_path: Path, checklist: AuditChecklist, catalogue: Catalogue) -> None:
    path = tmp_path / "config" / "measures.toml"
    assert write_default_catalogue(path) == path
    copy = load_catalogue(path, checklist=checklist)
    assert copy.measures == catalogue.measures
    assert copy.path == path

    path.write_text("# my prices\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CatalogueExists) as raised:
        write_default_catalogue(path)
    assert isinstance(raised.value, FileExistsError)
    assert isinstance(raised.value, NigehbanError)
    assert str(raised.value) == f"{path} exists already: pass overwrite=True to replace it"
    assert path.read_text(encoding="utf-8").startswith("# my prices")  # untouched

    write_default_catalogue(path, overwrite=True)
    assert path.read_bytes() == catalogue.path.read_bytes()
