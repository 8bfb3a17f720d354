"""Bring the taxonomy tables in line with :mod:`nigehban.taxonomy` (run by ``nigehban init``).

Idempotent: codes and groups that exist are updated, missing ones added; nothing is deleted, so a
group an analyst added stays.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Connection, Table, insert, select, update

from nigehban.store.schema import GROUP_ALIASES, GROUPS_TABLE, AttackType, TargetType, WeaponType
from nigehban.taxonomy import ATTACK_TYPES, GROUPS, TARGET_TYPES, WEAPON_TYPES, normalise_name

__all__ = ["seed_taxonomy"]


def _upsert_codes(connection: Connection, table: Table, labels: dict[str, str]) -> None:
    existing = dict(connection.execute(select(table.c.code, table.c.label)).all())
    missing = [{"code": code, "label": label} for code, label in labels.items() if code not in existing]
    if missing:
        connection.execute(insert(table), missing)
    for code, label in labels.items():
        if code in existing and existing[code] != label:
            connection.execute(update(table).where(table.c.code == code).values(label=label))


def seed_taxonomy(connection: Connection) -> None:
    for model, labels in ((AttackType, ATTACK_TYPES), (TargetType, TARGET_TYPES), (WeaponType, WEAPON_TYPES)):
        _upsert_codes(connection, cast(Table, model.__table__), labels)

    groups = GROUPS_TABLE
    aliases = GROUP_ALIASES
    ids = dict(connection.execute(select(groups.c.name, groups.c.id)).all())
    for group in GROUPS:  # parents come before their children in GROUPS
        values = {
            "kind": group.kind,
            "note": group.note,
            "parent_id": ids[group.parent] if group.parent else None,
        }
        if group.name in ids:
            connection.execute(update(groups).where(groups.c.id == ids[group.name]).values(**values))
        else:
            ids[group.name] = connection.execute(
                insert(groups).values(name=group.name, **values).returning(groups.c.id)
            ).scalar_one()
    known = set(connection.execute(select(aliases.c.normalised)).scalars())
    new_aliases = {}
    for group in GROUPS:
        for alias in (group.name, *group.aliases):
            key = normalise_name(alias)
            if key not in known and key not in new_aliases:
                new_aliases[key] = {"normalised": key, "alias": alias, "group_id": ids[group.name]}
    if new_aliases:
        connection.execute(insert(aliases), list(new_aliases.values()))
