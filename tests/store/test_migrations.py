"""The schema: created only by migrations, equal to the models, upgraded in place, checked before use."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from nigehban import DatabaseNotInitialised, Nigehban, SchemaOutdated, Settings
from nigehban.store import database
from nigehban.store.schema import Base
from nigehban.taxonomy import ATTACK_TYPES, GROUPS, TARGET_TYPES, WEAPON_TYPES, normalise_name


def test_migrations_create_exactly_the_models(app: Nigehban) -> None:
    with app.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_init_is_repeatable_and_seeds_the_taxonomy(app: Nigehban) -> None:
    assert app.init() == database.head_revision()
    with app.engine.connect() as connection:
        attack_types = set(connection.execute(sa.text("select code from attack_types")).scalars())
        target_types = set(connection.execute(sa.text("select code from target_types")).scalars())
        weapon_types = set(connection.execute(sa.text("select code from weapon_types")).scalars())
        groups = set(connection.execute(sa.text("select name from groups")).scalars())
        ttp_aliases = set(
            connection.execute(
                sa.text(
                    "select normalised from group_aliases join groups on groups.id = group_aliases.group_id "
                    "where groups.name = 'Tehrik-i-Taliban Pakistan'"
                )
            ).scalars()
        )
        jua_parent = connection.execute(
            sa.text(
                "select parent.name from groups child join groups parent on parent.id = child.parent_id "
                "where child.name = 'Jamaat-ul-Ahrar'"
            )
        ).scalar_one()
    assert (attack_types, target_types, weapon_types) == (set(ATTACK_TYPES), set(TARGET_TYPES), set(WEAPON_TYPES))
    assert groups == {group.name for group in GROUPS}
    # spellings that normalise alike ("Tehreek-e-" / "Tehrik-i-") share one alias row
    assert {
        normalise_name(alias) for alias in ("TTP", "Pakistani Taliban", "Tehreek-e-Taliban Pakistan")
    } <= ttp_aliases
    assert jua_parent == "Tehrik-i-Taliban Pakistan"


def test_an_empty_database_is_initialised_on_first_use(settings: Settings) -> None:
    with Nigehban(settings) as app:
        assert database.current_revision(app.engine) is None
        assert app.summary().incidents == 0
        assert database.current_revision(app.engine) == database.head_revision()


def test_a_database_of_something_else_is_not_touched(settings: Settings) -> None:
    engine = database.create_store_engine(settings.database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("create table payroll (id integer primary key)"))
    engine.dispose()
    with Nigehban(settings) as app, pytest.raises(DatabaseNotInitialised, match="nigehban init"):
        app.incidents()


def test_an_older_schema_asks_for_an_upgrade(app: Nigehban, settings: Settings) -> None:
    with app.engine.begin() as connection:
        connection.execute(sa.text("update alembic_version set version_num = '0000'"))
    with Nigehban(settings) as other, pytest.raises(SchemaOutdated, match="run `nigehban init` to upgrade"):
        other.incidents()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_app: Nigehban) -> None:
    with sqlite_app.engine.connect() as connection:
        assert connection.execute(sa.text("pragma journal_mode")).scalar_one() == "wal"
        assert connection.execute(sa.text("pragma foreign_keys")).scalar_one() == 1


def test_jundallah_takes_the_sources_name_and_the_change_is_logged(app: Nigehban) -> None:
    import datetime as dt

    from alembic import command

    from nigehban.record import IncidentRecord
    from nigehban.store.changelog import history
    from nigehban.store.schema import INCIDENTS, utcnow

    record = IncidentRecord(
        date=dt.date(2015, 5, 13),
        province="Sindh",
        attack_type="armed_assault",
        target_type="transportation",
        weapon_type="firearms",
        perpetrator="Jundallah",
        killed=45,
        summary="SYNTHETIC bus attack",
    )
    now = utcnow()
    with app.ready().begin() as connection:
        incident_id = connection.execute(
            sa.insert(INCIDENTS).values(**record.as_dict(), created_at=now, updated_at=now).returning(INCIDENTS.c.id)
        ).scalar_one()
    perpetrator = sa.select(INCIDENTS.c.perpetrator).where(INCIDENTS.c.id == incident_id)
    group_names = sa.text("select name from groups where name like 'Jundallah%'")
    # a store of the earlier schema held the earlier name
    with app.engine.begin() as connection:
        command.downgrade(database._alembic_config(connection), "0007")
        assert connection.execute(perpetrator).scalar_one() == "Jundallah (Pakistan)"
        assert set(connection.execute(group_names).scalars()) == {"Jundallah (Pakistan)"}
    assert app.init() == "0008"
    with app.engine.connect() as connection:
        assert connection.execute(perpetrator).scalar_one() == "Jundallah"
        assert set(connection.execute(group_names).scalars()) == {"Jundallah"}
        old_name_maps_to = connection.execute(
            sa.text(
                "select groups.name from group_aliases join groups on groups.id = group_aliases.group_id "
                "where group_aliases.normalised = :key"
            ),
            {"key": normalise_name("Jundallah (Pakistan)")},
        ).scalar_one()
        entries = history(connection, "incident", incident_id)
    assert old_name_maps_to == "Jundallah"
    assert [(entry["actor"], entry["before"], entry["after"]) for entry in entries][-1] == (
        "migration 0008",
        {"perpetrator": "Jundallah (Pakistan)"},
        {"perpetrator": "Jundallah"},
    )
