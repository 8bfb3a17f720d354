"""Vocabularies, province names old and new, group aliases and transliterations."""

from __future__ import annotations

import pytest

from nigehban.taxonomy import (
    GROUPS,
    PROVINCES,
    UNKNOWN_PERPETRATOR,
    canonical_group,
    canonical_province,
    normalise_name,
)


@pytest.mark.parametrize(
    ("spelling", "province"),
    [
        ("North-West Frontier Province", "Khyber Pakhtunkhwa"),
        ("NWFP", "Khyber Pakhtunkhwa"),
        ("Khyber Paktunkhwa", "Khyber Pakhtunkhwa"),  # a misspelling in GTD's summaries
        ("Federally Administered Tribal Areas", "Khyber Pakhtunkhwa"),
        ("KPK", "Khyber Pakhtunkhwa"),
        ("khyber pakhtunkhwa", "Khyber Pakhtunkhwa"),
        ("Baluchistan", "Balochistan"),
        ("Capital", "Islamabad Capital Territory"),
        ("Islamabad", "Islamabad Capital Territory"),
        ("Northern Areas", "Gilgit-Baltistan"),
        ("Gilgit Baltistan", "Gilgit-Baltistan"),
        ("Azad Kashmir", "Azad Jammu and Kashmir"),
        ("Sind", "Sindh"),
    ],
)
def test_province_spellings(spelling: str, province: str) -> None:
    assert canonical_province(spelling) == province


def test_unknown_and_foreign_provinces() -> None:
    assert canonical_province("Unknown") is None
    assert canonical_province("  ") is None
    with pytest.raises(KeyError):
        canonical_province("Kandahar")


@pytest.mark.parametrize(
    ("spelling", "group"),
    [
        ("TTP", "Tehrik-i-Taliban Pakistan"),
        ("Tehrik-i-Taliban Pakistan (TTP)", "Tehrik-i-Taliban Pakistan"),
        ("Tehreek-e-Taliban", "Tehrik-i-Taliban Pakistan"),
        ("Pakistani Taliban", "Tehrik-i-Taliban Pakistan"),
        ("Jamat ul Ahrar", "Jamaat-ul-Ahrar"),
        ("ISIS-K", "Islamic State Khorasan Province"),
        ("Khorasan Chapter of the Islamic State", "Islamic State Khorasan Province"),
        ("Islamic State's Khorasan chapter", "Islamic State Khorasan Province"),
        ("Baluch Liberation Army", "Baloch Liberation Army"),
        ("LeJ", "Lashkar-e-Jhangvi"),
        ("al-Qaeda", "al-Qaida"),
        ("Majeed Brigade", "Baloch Liberation Army"),
        ("Jaish-e-Fursan-e-Mohammad", "Jaish-e-Fursan-e-Muhammad"),
        ("Ittehad ul Mujahideen Pakistan", "Ittehad-ul-Mujahideen Pakistan"),
        ("", UNKNOWN_PERPETRATOR),
    ],
)
def test_group_aliases(spelling: str, group: str) -> None:
    assert canonical_group(spelling) == group


def test_unknown_groups_are_kept_as_given() -> None:
    assert canonical_group("  Sindhi   nationalists ") == "Sindhi nationalists"


def test_aliases_do_not_collide_between_groups() -> None:
    owner: dict[str, str] = {}
    for group in GROUPS:
        for spelling in (group.name, *group.aliases):
            key = normalise_name(spelling)
            assert owner.setdefault(key, group.name) == group.name, f"{spelling!r} names two groups"
    parents = {group.name for group in GROUPS}
    assert all(group.parent in parents for group in GROUPS if group.parent)


def test_province_aliases_do_not_collide() -> None:
    owner: dict[str, str] = {}
    for province, aliases in PROVINCES.items():
        for spelling in (province, *aliases):
            assert owner.setdefault(normalise_name(spelling), province) == province
