"""Geography: boundary versions and units, crosswalk, neighbours, user places, district indicators;
geographic fields on incidents (confidence, flags, H3 cells) and the reported place on source records.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "boundary_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("valid_on", sa.String(length=10), nullable=True),
        sa.Column("unit_count", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("repaired", sa.JSON(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_versions")),
    )
    with op.batch_alter_table("boundary_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_boundary_versions_level"), ["level"], unique=False)

    op.create_table(
        "district_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=64), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(length=64), nullable=True),
        sa.Column("district_name", sa.String(length=200), nullable=False),
        sa.Column("district_pcode", sa.String(length=40), nullable=True),
        sa.Column("match_note", sa.Text(), nullable=True),
        sa.Column("indicator", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district_indicators")),
    )
    with op.batch_alter_table("district_indicators", schema=None) as batch_op:
        batch_op.create_index("ix_district_indicators_dataset_pcode", ["dataset", "district_pcode"], unique=False)

    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("alternate_names", sa.JSON(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("province", sa.String(length=64), nullable=True),
        sa.Column("district", sa.String(length=200), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
    )
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_places_source"), ["source"], unique=False)

    op.create_table(
        "boundaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("pcode", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_pcode", sa.String(length=40), nullable=True),
        sa.Column("province_pcode", sa.String(length=40), nullable=True),
        sa.Column("area_sqkm", sa.Float(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("geometry", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"], ["boundary_versions.id"], name=op.f("fk_boundaries_version_id_boundary_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundaries")),
        sa.UniqueConstraint("version_id", "pcode", name=op.f("uq_boundaries_version_id")),
    )
    with op.batch_alter_table("boundaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_boundaries_version_id"), ["version_id"], unique=False)

    op.create_table(
        "boundary_crosswalk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_version_id", sa.Integer(), nullable=False),
        sa.Column("from_pcode", sa.String(length=40), nullable=False),
        sa.Column("to_version_id", sa.Integer(), nullable=False),
        sa.Column("to_pcode", sa.String(length=40), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_version_id"],
            ["boundary_versions.id"],
            name=op.f("fk_boundary_crosswalk_from_version_id_boundary_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["to_version_id"],
            ["boundary_versions.id"],
            name=op.f("fk_boundary_crosswalk_to_version_id_boundary_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_crosswalk")),
    )
    with op.batch_alter_table("boundary_crosswalk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_boundary_crosswalk_from_version_id"), ["from_version_id"], unique=False)

    op.create_table(
        "boundary_neighbours",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("pcode", sa.String(length=40), nullable=False),
        sa.Column("neighbour_pcode", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"], ["boundary_versions.id"], name=op.f("fk_boundary_neighbours_version_id_boundary_versions")
        ),
        sa.PrimaryKeyConstraint("version_id", "pcode", "neighbour_pcode", name=op.f("pk_boundary_neighbours")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        # geoBoundaries unit ids (used as tehsil codes) are 22 characters
        batch_op.alter_column("district_pcode", type_=sa.String(40), existing_type=sa.String(16))
        batch_op.alter_column("tehsil_pcode", type_=sa.String(40), existing_type=sa.String(16))
        batch_op.add_column(sa.Column("geo_confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("geo_flags", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("h3_res5", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("h3_res6", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("h3_res7", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("h3_res8", sa.String(length=16), nullable=True))

    with op.batch_alter_table("source_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place_query", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source_records", schema=None) as batch_op:
        batch_op.drop_column("place_query")

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("h3_res8")
        batch_op.drop_column("h3_res7")
        batch_op.drop_column("h3_res6")
        batch_op.drop_column("h3_res5")
        batch_op.drop_column("geo_flags")
        batch_op.drop_column("geo_confidence")
        batch_op.alter_column("tehsil_pcode", type_=sa.String(16), existing_type=sa.String(40))
        batch_op.alter_column("district_pcode", type_=sa.String(16), existing_type=sa.String(40))

    op.drop_table("boundary_neighbours")
    with op.batch_alter_table("boundary_crosswalk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_boundary_crosswalk_from_version_id"))

    op.drop_table("boundary_crosswalk")
    with op.batch_alter_table("boundaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_boundaries_version_id"))

    op.drop_table("boundaries")
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_places_source"))

    op.drop_table("places")
    with op.batch_alter_table("district_indicators", schema=None) as batch_op:
        batch_op.drop_index("ix_district_indicators_dataset_pcode")

    op.drop_table("district_indicators")
    with op.batch_alter_table("boundary_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_boundary_versions_level"))

    op.drop_table("boundary_versions")
