"""Target cues: who was attacked, read from the victim phrases of news prose, headlines and summaries.

The sentences are invented in the styles the extractor meets (headline, agency prose, incident
summary); none is copied from the evaluation's dev set.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from nigehban.extract.classify import ClassifierModel, classify, load_model
from nigehban.extract.targets import CUE_TERMS, target_cues, victim_phrases
from nigehban.extract.train import train_model


def cues(text: str) -> set[str]:
    return set(target_cues(text).split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # headlines: active verb, passive without auxiliary
        ("Gunmen kill two policemen at Quetta checkpost", "vc_police"),
        ("Peace committee member shot dead in Swat", "vc_peace_militia"),
        ("Blast hits girls' school in Khyber Agency", "vc_education"),
        ("Militants blow up gas pipeline in Dera Bugti", "vc_utility"),
        ("NATO supply tankers torched near Landi Kotal", "vc_supply"),
        # agency prose
        ("PESHAWAR: Two FC soldiers were martyred when a roadside bomb hit their vehicle in Khyber.", "vc_military"),
        ("QUETTA: Unidentified men shot dead a shopkeeper inside his shop on Jinnah Road.", "vc_business"),
        ("KARACHI: Two MQM workers were gunned down in Orangi Town on Sunday night.", "vc_party"),
        # incident summary
        (
            "03/02/2011: Assailants detonated an explosive device targeting a mobile phone tower in Panjgur.",
            "vc_telecom",
        ),
        ("05/10/2011: Assailants attacked a shrine in Dera Ghazi Khan, killing 41 worshippers.", "vc_religious"),
        ("07/04/2011: Assailants shot and killed a journalist near the press club in Khuzdar.", "vc_journalist"),
        ("09/12/2011: Gunmen kidnapped a Taliban commander and his guard in North Waziristan.", "vc_militant"),
    ],
)
def test_victim_class_is_read_from_the_victim_phrase(text: str, expected: str) -> None:
    assert expected in cues(text)


def test_the_attackers_are_not_the_victims() -> None:
    found = cues("Militants attacked a police station in Bannu.")
    assert "vc_police" in found
    assert "vc_attacker" not in found  # "militants" is the subject, not in a victim phrase
    assert "fc_attacker" in found  # but it is in the first sentence


def test_acronyms_only_in_capitals_and_words_in_any_case() -> None:
    assert "vc_party" in cues("Gunmen shot dead an ANP leader in Mardan")
    assert "vc_party" not in cues("Gunmen shot dead an anp leader in Mardan")  # "anp" is no acronym
    assert "vc_police" in cues("GUNMEN KILL TWO POLICEMEN IN QUETTA")


def test_only_the_first_sentences_count_and_repeats_are_capped() -> None:
    text = (
        "Militants fired rockets at a school in Bajaur. Nobody was hurt. "
        "Last year a police station, a police post and a police van were attacked in the same town."
    )
    assert "fc_police" not in cues(text)
    many = target_cues("Gunmen killed policemen, constables, cops, police officers and inspectors in Quetta")
    assert many.split().count("vc_police") == 3


def test_every_cue_is_in_the_fixed_vocabulary() -> None:
    texts = [
        "Gunmen kill two policemen at Quetta checkpost",
        "A suicide bomber attacked a Shia procession in Karachi, killing 30 worshippers and two Rangers.",
        "",
    ]
    assert {token for text in texts for token in target_cues(text).split()} <= set(CUE_TERMS)
    assert target_cues("") == ""
    phrases = victim_phrases("Two teachers were shot dead outside their school.")
    assert any("teachers" in phrase for phrase in phrases)  # before the passive
    assert any("their school" in phrase for phrase in phrases)  # after "dead outside" (an event preposition)


def test_shipped_model_uses_the_cue_and_character_blocks() -> None:
    model = load_model()
    assert model.cue_idf is not None
    assert len(model.cue_idf) == len(CUE_TERMS)
    assert model.char_vocabulary is not None
    assert model.char_idf is not None
    classes, coef, _ = model.heads["target_type"]
    assert coef.shape == (len(classes), len(model.vocabulary) + len(model.char_vocabulary) + len(CUE_TERMS))
    # the cue block carries weight for the target type and none for the other heads
    cue_columns = slice(coef.shape[1] - len(CUE_TERMS), coef.shape[1])
    assert abs(coef[:, cue_columns]).sum() > 0
    assert abs(model.heads["weapon_type"][1][:, cue_columns]).sum() == 0


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Two Levies personnel martyred in Kech ambush", "police"),
        ("Mobile phone tower blown up in Panjgur", "telecommunication"),
        ("Explosion hits electricity pylon, power supply to Quetta suspended", "utilities"),
        ("Aman Lashkar commander killed in roadside blast in Bara", "terrorists_non_state_militia"),
        ("Journalist shot dead in Khuzdar", "journalists_media"),
    ],
)
def test_headline_target_types(text: str, target: str) -> None:
    assert classify([text])[0]["target_type"].value == target


def test_a_words_only_model_file_still_loads_and_predicts(tmp_path: Path) -> None:
    """Model files written before the character and cue blocks (words only) keep working."""
    texts = ["a bomb exploded at a school", "gunmen shot a policeman", "bomb blast at school", "policeman shot dead"]
    gold: list[dict[str, Any]] = [
        {"attack_type": "bombing", "target_type": "educational_institution", "weapon_type": "explosives"},
        {"attack_type": "armed_assault", "target_type": "police", "weapon_type": "firearms"},
        {"attack_type": "bombing", "target_type": "educational_institution", "weapon_type": "explosives"},
        {"attack_type": "armed_assault", "target_type": "police", "weapon_type": "firearms"},
    ]
    for row, suicide in zip(gold, (True, False, False, False), strict=True):
        row["suicide"] = suicide
    full = train_model(texts, gold)
    words = len(full.vocabulary)
    old = dataclasses.replace(
        full,
        heads={name: (classes, coef[:, :words], b) for name, (classes, coef, b) in full.heads.items()},
        char_vocabulary=None,
        char_idf=None,
        cue_idf=None,
    )
    old.save(tmp_path)
    loaded = ClassifierModel.load(tmp_path)
    assert (loaded.char_vocabulary, loaded.cue_idf) == (None, None)
    out = classify(["school bomb", "policeman shot"], model=loaded)
    assert [o["target_type"].value for o in out] == ["educational_institution", "police"]
