"""The incident store: source records, incidents, merges, change log, imports and taxonomy.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "change_log is append-only"


def upgrade() -> None:
    for table, width in (("attack_types", 32), ("target_types", 40), ("weapon_types", 32)):
        op.create_table(
            table,
            sa.Column("code", sa.String(width), nullable=False),
            sa.Column("label", sa.String(120), nullable=False),
            sa.PrimaryKeyConstraint("code", name=op.f(f"pk_{table}")),
        )

    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["groups.id"], name=op.f("fk_groups_parent_id_groups")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_groups_name")),
    )
    op.create_table(
        "group_aliases",
        sa.Column("normalised", sa.String(200), nullable=False),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_group_aliases_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("normalised", name=op.f("pk_group_aliases")),
    )
    op.create_index(op.f("ix_group_aliases_group_id"), "group_aliases", ["group_id"])

    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("importer", sa.String(32), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("header", sa.JSON(), nullable=True),
        sa.Column("options", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_inserted", sa.Integer(), nullable=False),
        sa.Column("rows_updated", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("rows_skipped", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_index(op.f("ix_import_batches_dataset"), "import_batches", ["dataset"])

    op.create_table(
        "import_rejects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_import_rejects_batch_id_import_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_rejects")),
    )
    op.create_index(op.f("ix_import_rejects_batch_id"), "import_rejects", ["batch_id"])

    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("date_precision", sa.String(8), nullable=False),
        sa.Column("province", sa.String(64), nullable=True),
        sa.Column("district_pcode", sa.String(16), nullable=True),
        sa.Column("district", sa.String(120), nullable=True),
        sa.Column("tehsil_pcode", sa.String(16), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("geo_precision", sa.String(16), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("attack_type", sa.String(32), nullable=False),
        sa.Column("target_type", sa.String(40), nullable=False),
        sa.Column("target_detail", sa.Text(), nullable=True),
        sa.Column("weapon_type", sa.String(32), nullable=False),
        sa.Column("suicide", sa.Boolean(), nullable=True),
        sa.Column("complex_attack", sa.Boolean(), nullable=True),
        sa.Column("perpetrator", sa.String(200), nullable=False),
        sa.Column("perpetrator_claimed", sa.Boolean(), nullable=True),
        sa.Column("killed", sa.Float(), nullable=True),
        sa.Column("killed_perpetrators", sa.Float(), nullable=True),
        sa.Column("wounded", sa.Float(), nullable=True),
        sa.Column("wounded_perpetrators", sa.Float(), nullable=True),
        sa.Column("killed_security", sa.Float(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attack_type"], ["attack_types.code"], name=op.f("fk_incidents_attack_type_attack_types")
        ),
        sa.ForeignKeyConstraint(
            ["target_type"], ["target_types.code"], name=op.f("fk_incidents_target_type_target_types")
        ),
        sa.ForeignKeyConstraint(
            ["weapon_type"], ["weapon_types.code"], name=op.f("fk_incidents_weapon_type_weapon_types")
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["incidents.id"], name=op.f("fk_incidents_merged_into_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    for column in (
        "date",
        "province",
        "district_pcode",
        "attack_type",
        "target_type",
        "perpetrator",
        "merged_into_id",
    ):
        op.create_index(op.f(f"ix_incidents_{column}"), "incidents", [column])

    op.create_table(
        "source_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(40), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("first_batch_id", sa.Integer(), nullable=False),
        sa.Column("last_batch_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_source_records_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["first_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_source_records_first_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["last_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_source_records_last_batch_id_import_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_records")),
        sa.UniqueConstraint("dataset", "key", name=op.f("uq_source_records_dataset")),
    )
    op.create_index(op.f("ix_source_records_incident_id"), "source_records", ["incident_id"])
    _compress_payloads_with_lz4()

    op.create_table(
        "merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kept_incident_id", sa.Integer(), nullable=False),
        sa.Column("merged_incident_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("moved_source_ids", sa.JSON(), nullable=False),
        sa.Column("filled_fields", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.String(120), nullable=True),
        sa.ForeignKeyConstraint(
            ["kept_incident_id"], ["incidents.id"], name=op.f("fk_merges_kept_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["merged_incident_id"], ["incidents.id"], name=op.f("fk_merges_merged_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merges")),
    )
    op.create_index(op.f("ix_merges_kept_incident_id"), "merges", ["kept_incident_id"])
    op.create_index(op.f("ix_merges_merged_incident_id"), "merges", ["merged_incident_id"])

    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("merge_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_change_log_batch_id_import_batches")
        ),
        sa.ForeignKeyConstraint(["merge_id"], ["merges.id"], name=op.f("fk_change_log_merge_id_merges")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    op.create_index("ix_change_log_entity", "change_log", ["entity", "entity_id"])
    _create_append_only_triggers()


def _compress_payloads_with_lz4() -> None:
    """PostgreSQL compresses rows over 2 KB; lz4 does it at a fraction of the default's (pglz) cost,
    which is most of what a large import spends in the server. Only where the server has lz4."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    has_lz4 = bind.execute(
        sa.text("select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)")
    ).first()
    if has_lz4:
        op.execute(
            "ALTER TABLE source_records ALTER COLUMN payload SET COMPRESSION lz4, "
            "ALTER COLUMN record SET COMPRESSION lz4"
        )


def _create_append_only_triggers() -> None:
    """The change log is history: the database itself refuses to rewrite or delete it."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER change_log_no_{event.lower()} BEFORE {event} ON change_log "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON change_log "
            "FOR EACH ROW EXECUTE FUNCTION change_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS change_log_append_only ON change_log")
        op.execute("DROP FUNCTION IF EXISTS change_log_append_only()")
    for table in (
        "change_log",
        "merges",
        "source_records",
        "incidents",
        "import_rejects",
        "import_batches",
        "group_aliases",
        "groups",
        "weapon_types",
        "target_types",
        "attack_types",
    ):
        op.drop_table(table)
