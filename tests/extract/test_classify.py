"""Attack/target/weapon/suicide/perpetrator classification and the is-attack rule.

The sentences are invented, in several styles (headline, police note, agency summary); none is
copied from the evaluation's dev set. One data test scores the shipped model on the dev set's
held-out years in place (``../shared/eval``), against the targets it is documented to reach.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nigehban.extract.classify import (
    MODEL_FIELDS,
    ClassifierModel,
    ModelNotFoundError,
    classify,
    is_attack,
    load_model,
)
from nigehban.extract.train import _same_period_folds, evaluate, load_dev, main, train_model, year_of
from nigehban.taxonomy import ATTACK_TYPES, TARGET_TYPES, WEAPON_TYPES
from tests.helpers import SHARED, eval_scorer, unavailable

EVAL = SHARED / "eval"


def one(text: str) -> dict[str, Any]:
    return {name: fv.value for name, fv in classify([text])[0].items()}


def test_ttp_claim_headline_is_a_claimed_ttp_suicide_bombing() -> None:
    text = "TTP claims responsibility for suicide attack on Bannu police station; 12 policemen martyred"
    got = one(text)
    assert got["perpetrator"] == "Tehrik-i-Taliban Pakistan"
    assert got["perpetrator_claimed"] is True
    assert got["suicide"] is True
    assert (got["attack_type"], got["weapon_type"], got["target_type"]) == ("bombing", "explosives", "police")


def test_transliterated_group_name_in_agency_prose() -> None:
    text = (
        "Banned Tehreek-e-Taliban Pakistan accepted responsibility for the ambush on an army convoy "
        "in North Waziristan."
    )
    got = one(text)
    assert got["perpetrator"] == "Tehrik-i-Taliban Pakistan"
    assert got["perpetrator_claimed"] is True
    assert got["target_type"] == "military"


def test_suspected_baloch_separatists_is_an_attribution_not_a_claim() -> None:
    text = (
        "TURBAT: Two FC soldiers were martyred when a roadside bomb hit their vehicle. "
        "Police suspected Baloch separatists of involvement."
    )
    fields = classify([text])[0]
    assert fields["perpetrator"].value == "Baloch separatists"
    assert fields["perpetrator_claimed"].value is False
    assert fields["perpetrator"].confidence < 0.9  # an attribution is less sure than a claim
    assert fields["weapon_type"].value == "explosives"
    assert fields["suicide"].value is False


def test_suspected_named_group_is_attributed() -> None:
    got = one("Police said suspected Baloch Liberation Army militants blew up a gas pipeline in Dera Bugti.")
    assert (got["perpetrator"], got["perpetrator_claimed"]) == ("Baloch Liberation Army", False)
    assert (got["attack_type"], got["target_type"]) == ("bombing", "utilities")


def test_suicide_bombing_at_a_mosque() -> None:
    got = one(
        "A suicide bomber blew himself up outside a mosque in Quetta during Friday prayers, killing 14 worshippers."
    )
    assert (got["attack_type"], got["weapon_type"], got["suicide"]) == ("bombing", "explosives", True)
    assert got["target_type"] == "religious_figures_institutions"
    assert got["perpetrator"] == "Unknown"
    assert got["perpetrator_claimed"] is None


def test_gunmen_shot_police_police_note() -> None:
    got = one("Gunmen shot dead two policemen at a checkpost in Karachi and fled on a motorcycle.")
    assert (got["attack_type"], got["target_type"], got["weapon_type"]) == ("armed_assault", "police", "firearms")
    assert got["suicide"] is False
    assert got["perpetrator"] == "Unknown"


def test_victims_affiliation_is_not_the_perpetrator() -> None:
    got = one("A member of the MQM was shot dead by unidentified men in Orangi Town.")
    assert got["perpetrator"] == "Unknown"
    got = one("Members of Lashkar-e-Islam attacked the house of a schoolteacher in Bara.")
    assert got["perpetrator"] == "Lashkar-e-Islam"


def test_a_group_named_for_something_else_is_not_the_perpetrator() -> None:
    # the group another is said to front for, the violence a group is blamed for in general, a police rank
    got = one(
        "Six militants of the Tehreek-e-Jihad Pakistan (TJP) attacked a police station in Daraban. The TJP, which "
        "many analysts regard as a front for the TTP, claimed responsibility."
    )
    assert got["perpetrator"] == "Tehreek-e-Jihad Pakistan"
    got = one(
        "Gunmen opened fire on a convoy in Kurram, killing 42. No group claimed responsibility. The attack comes amid "
        "a surge in militant violence, much of it attributed to the Pakistani Taliban (TTP)."
    )
    assert got["perpetrator"] == "Unknown"
    got = one("Constable Rashid Ali was martyred by two motorcyclists. SSP Keamari said it was a targeted attack.")
    assert got["perpetrator"] == "Unknown"
    # a claim in other words, beside another group's denial
    got = one(
        "Gunmen and suicide bombers attacked the district courts, killing 11. The TTP denied any role. A little-known "
        "group, Ahrar-ul-Hind, later said it had carried out the attack."
    )
    assert got["perpetrator"] == "Ahrar-ul-Hind"


def test_kidnapping_and_school_bombing() -> None:
    assert one("Unidentified gunmen kidnapped two engineers in Bajaur on Tuesday.")["attack_type"] == "kidnapping"
    got = one("Militants blew up a girls school in Swat overnight; no casualties were reported.")
    assert (got["attack_type"], got["target_type"]) == ("bombing", "educational_institution")


def test_rare_attack_types_by_keyword() -> None:
    got = one("Armed men hijacked two NATO supply containers near Jamrud and drove them away.")
    assert got["attack_type"] == "hijacking"
    got = one("Two men on a motorbike threw acid on a schoolgirl in Quetta.")
    assert (got["attack_type"], got["weapon_type"]) == ("unarmed_assault", "chemical")
    got = one("Militants stormed the Bannu police lines and held 20 officers hostage for six hours.")
    assert got["attack_type"] == "hostage_barricade"
    got = one("Unidentified gunmen opened fire on the vehicle of a former provincial minister in Quetta.")
    assert got["attack_type"] == "assassination"
    # Taken away is a kidnapping, not a barricade.
    assert (
        one("Militants abducted three engineers and held them hostage in the mountains.")["attack_type"] == "kidnapping"
    )


def test_suicide_named_as_a_possibility_or_another_attack_is_not_suicide() -> None:
    got = one(
        "A bomb planted on a motorcycle exploded in a Peshawar bazaar; officials were investigating "
        "whether it was a suicide blast."
    )
    assert got["suicide"] is False
    assert one("An explosives-laden truck rammed the gate of the FC camp in Wana.")["suicide"] is True


def test_values_are_in_the_record_vocabularies() -> None:
    texts = ["Rocket attack on Peshawar airport", "Grenade hurled at a shop in Quetta", "Bus torched in Karachi"]
    for fields in classify(texts):
        assert fields["attack_type"].value in ATTACK_TYPES
        assert fields["target_type"].value in TARGET_TYPES
        assert fields["weapon_type"].value in WEAPON_TYPES
        assert isinstance(fields["suicide"].value, bool)
        assert all(0.0 <= fv.confidence <= 1.0 for fv in fields.values())


def test_evidence_spans_point_at_the_text() -> None:
    texts = [
        "QUETTA, March 3 (APP): Lashkar-e-Jhangvi claimed the bombing of a Hazara market, police said.",
        "Gunmen shot dead two policemen at a checkpost in Karachi.",
    ]
    results = classify(texts)
    perpetrator = results[0]["perpetrator"].evidence
    assert perpetrator is not None
    assert texts[0][perpetrator.start : perpetrator.end] == perpetrator.text == "Lashkar-e-Jhangvi"
    for text, fields in zip(texts, results, strict=True):
        for name, fv in fields.items():
            if fv.evidence is not None:
                assert text[fv.evidence.start : fv.evidence.end] == fv.evidence.text, name
    weapon = results[1]["weapon_type"].evidence
    assert weapon is not None
    assert weapon.text.lower() in {"shot", "shot dead", "gunmen"}


def test_is_attack_separates_attacks_from_other_news() -> None:
    attacks = [
        "Blast rips through Quetta market, 5 dead",
        "Two policemen martyred as gunmen open fire in DI Khan",
        "Unknown assailants set a passenger bus on fire in Karachi; no one was hurt.",
        "On Monday militants abducted a polio worker in Khyber district, police said.",
        # headlines in the present tense
        "Baloch Republican Army blows up gas pipeline in Dera Bugti",
        "Militants storm girls' school in Chilas",
        # a toll without a verb of violence
        "Quetta carnage: death toll reaches 89",
    ]
    others = [
        "Pakistan beat Sri Lanka by six wickets in the second Test at Lahore.",
        "Karachi trade fair draws 50,000 visitors",
        "ATC adjourns hearing in 2014 Army Public School attack case",
        "Police arrested three suspected militants and recovered weapons in Quetta",
        "The TTP said in a statement it would continue its campaign",
        "Senate observes a minute's silence on the anniversary of the APS massacre",
    ]
    got = is_attack(attacks + others)
    assert [flag for flag, _ in got] == [True] * len(attacks) + [False] * len(others)
    assert all(0.5 <= confidence <= 1.0 for _, confidence in got)


def test_bad_input_is_named() -> None:
    with pytest.raises(TypeError, match="item 1 is int"):
        classify(["bomb", 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="item 0 is NoneType"):
        is_attack([None])  # type: ignore[list-item]
    assert classify([]) == []
    empty = classify([""])[0]
    assert empty["perpetrator"].value == "Unknown"
    assert empty["attack_type"].evidence is None


def test_shipped_model_loads_small_and_deterministic(tmp_path: Path) -> None:
    model = load_model()
    assert set(model.heads) == set(MODEL_FIELDS)
    files = [Path(__file__).parents[2] / "src/nigehban/extract/data" / n for n in ("classifier.npz",)]
    assert sum(f.stat().st_size for f in files if f.exists()) < 5_000_000
    texts = ["IED explosion targets FC convoy in Kurram", "Gunmen kill a shopkeeper in Peshawar"]
    first = classify(texts)
    assert classify(texts) == first
    # A saved and reloaded copy gives the same answers (the .npz/JSON round trip loses nothing used).
    model.save(tmp_path)
    again = classify(texts, model=ClassifierModel.load(tmp_path))
    assert again == first
    with pytest.raises(ModelNotFoundError, match=r"nigehban\.extract\.train"):
        ClassifierModel.load(tmp_path / "missing")


def test_training_on_a_tiny_corpus_learns_the_words() -> None:
    texts = ["a bomb exploded at a school", "gunmen shot a policeman", "bomb blast at school", "policeman shot dead"]
    gold: list[dict[str, Any]] = [
        {"attack_type": "bombing", "target_type": "educational_institution", "weapon_type": "explosives"},
        {"attack_type": "armed_assault", "target_type": "police", "weapon_type": "firearms"},
        {"attack_type": "bombing", "target_type": "educational_institution", "weapon_type": "explosives"},
        {"attack_type": "armed_assault", "target_type": "police", "weapon_type": "firearms"},
    ]
    for row, suicide in zip(gold, (True, False, False, False), strict=True):
        row["suicide"] = suicide
    model = train_model(texts, gold)
    out = classify(["school bomb", "policeman shot"], model=model)
    assert [o["target_type"].value for o in out] == ["educational_institution", "police"]
    assert model.idf.dtype == np.float32


def _eval_available() -> None:
    if not (EVAL / "extraction_dev_gold.jsonl").exists():
        unavailable(f"the evaluation's development set is not available: {EVAL}")


@pytest.mark.data
def test_shipped_model_on_the_dev_set_meets_the_in_sample_floor() -> None:
    """The shipped model was trained on all dev documents: this checks it is the trained one (in-sample)."""
    _eval_available()
    docs, gold = load_dev(EVAL)
    late = [i for i, d in enumerate(docs) if year_of(d["id"]) >= 2012][:600]
    result = evaluate(None, [docs[i] for i in late], [gold[i] for i in late], EVAL)["fields"]
    assert result["attack_type"]["accuracy"] > 0.95
    assert result["weapon_type"]["accuracy"] > 0.95
    assert result["target_type"]["accuracy"] > 0.9
    assert result["perpetrator"]["accuracy"] > 0.9


@pytest.mark.data
def test_train_cli_reports_without_writing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _eval_available()
    # Hold out only the last year so the run stays short; --no-write leaves the shipped model alone.
    assert main(["--eval-dir", str(EVAL), "--holdout-from", "2012", "--no-write", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "held-out 2012+" in out
    assert "perpetrator_known" in out
    assert not list(tmp_path.iterdir())


@pytest.mark.data
def test_same_period_folds_train_on_the_other_folds(capsys: pytest.CaptureFixture[str]) -> None:
    _eval_available()
    docs, gold = load_dev(EVAL)
    early = [i for i, d in enumerate(docs) if year_of(d["id"]) < 2004][:300]
    late = [i for i, d in enumerate(docs) if year_of(d["id"]) == 2012][:200]
    _same_period_folds(docs, gold, early, late, 2, EVAL)
    out = capsys.readouterr().out
    assert "same-period fold 2/2" in out
    means = {
        line.split()[2]: float(line.split()[3])
        for line in out.splitlines()
        if line.strip().startswith("same-period mean")
    }
    assert set(means) >= {"target_type", "attack_type", "weapon_type"}
    # learned from 100 documents of the same year, 2012's attack types are mostly right
    assert 0.5 < means["attack_type"] <= 1.0


def test_a_group_that_denies_is_not_the_attacker() -> None:
    texts = [
        "The outlawed Tehreek-i-Taliban Pakistan denied involvement, while a faction, Jamaatul Ahrar, claimed "
        "responsibility.",
        "The TTP denied any role in the blast.",
    ]
    first, second = classify(texts)
    assert (first["perpetrator"].value, first["perpetrator_claimed"].value) == ("Jamaat-ul-Ahrar", True)
    assert second["perpetrator"].value == "Unknown"


def test_a_group_named_for_its_record_is_not_the_attacker() -> None:
    texts = [
        "Two policemen were shot dead in Bannu. No one claimed responsibility, but the TTP has carried out similar "
        "attacks in the district.",
        "Two soldiers were martyred in North Waziristan in an attack by Fitna al-Khawarij terrorists, the ISPR said.",
    ]
    record, official_name = classify(texts)
    assert record["perpetrator"].value == "Unknown"
    assert official_name["perpetrator"].value == "Tehrik-i-Taliban Pakistan"  # the state's name for the TTP


def test_tjp_is_tehreek_e_jihad_only_as_the_actor() -> None:
    texts = [
        "On 12 July 2023, TJP militants stormed Zhob Cantonment. 9 soldiers and 5 militants were killed.",
        "Gunmen shot dead a leader of the Tehreek-e-Jafaria Pakistan (TJP) in Karachi.",
    ]
    actor, party = classify(texts)
    assert actor["perpetrator"].value == "Tehreek-e-Jihad Pakistan"
    assert party["perpetrator"].value == "Unknown"  # the Shia party, the victims'


def test_pro_taliban_militants_are_a_weak_attribution_to_the_ttp() -> None:
    texts = [
        "Pro-Taliban militants attacked a convoy near the Afghan border, killing two soldiers.",
        "Pro-Taliban militants blew up a school in Bara. Lashkar-e-Islam claimed responsibility.",
    ]
    attributed, claimed = classify(texts)
    assert (attributed["perpetrator"].value, attributed["perpetrator_claimed"].value) == (
        "Tehrik-i-Taliban Pakistan",
        False,
    )
    assert attributed["perpetrator"].confidence < 0.8
    assert claimed["perpetrator"].value == "Lashkar-e-Islam"  # a named claim outranks it


def test_the_acronym_is_is_the_islamic_state_only_in_a_claim() -> None:
    texts = [
        "Suicide attack at the Lal Shahbaz Qalandar shrine in Sehwan: 88 killed. Claimed by IS.",
        "A bomb hit a Hazara market in Quetta. IS and LeJ claimed responsibility.",
        "IS THIS THE END? Gunmen attack a checkpost in Bannu",
    ]
    claimed_by, claimed_with, headline = classify(texts)
    assert (claimed_by["perpetrator"].value, claimed_by["perpetrator_claimed"].value) == ("Islamic State", True)
    assert claimed_with["perpetrator"].value == "Islamic State"
    assert headline["perpetrator"].value == "Unknown"


@pytest.mark.data
def test_scorer_compatibility_of_group_names() -> None:
    """The eval scorer folds names through its own alias table: our canonical names must land on its keys."""
    scorer = eval_scorer("score_extraction")
    texts = {
        "ttp": "TTP claimed the attack.",
        "bla": "The Balochistan Liberation Army claimed the blast.",
        "lej": "Lashkar-e-Jhangvi claimed the attack.",
        "aq": "Al-Qaeda claimed the bombing.",
        "bras": "Baloch separatists were suspected.",
        "brg": "Baloch Republican Guards (BRG) claimed responsibility for blowing up the railway track.",
        "ahrar ul hind": "Ahrar-ul-Hind claimed responsibility for the attack on the court.",
        "unknown": "Unidentified gunmen opened fire.",
    }
    for key, text in texts.items():
        assert scorer.group_key(one(text)["perpetrator"]) == key, json.dumps(text)
