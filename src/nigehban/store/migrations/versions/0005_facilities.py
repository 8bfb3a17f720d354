"""Facility protection: the facility registry and security audits.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "facilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("facility_type", sa.String(length=40), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("province", sa.String(length=64), nullable=True),
        sa.Column("district", sa.String(length=200), nullable=True),
        sa.Column("district_pcode", sa.String(length=40), nullable=True),
        sa.Column("staff", sa.Integer(), nullable=True),
        sa.Column("daily_visitors", sa.Integer(), nullable=True),
        sa.Column("area_m2", sa.Float(), nullable=True),
        sa.Column("mission_criticality", sa.Integer(), nullable=False),
        sa.Column("symbolism", sa.Integer(), nullable=False),
        sa.Column("tenant_threat", sa.Integer(), nullable=True),
        sa.Column("security_level", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("dataset", sa.String(length=64), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
        sa.UniqueConstraint("code", name=op.f("uq_facilities_code")),
    )
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facilities_district_pcode"), ["district_pcode"], unique=False)
        batch_op.create_index(batch_op.f("ix_facilities_facility_type"), ["facility_type"], unique=False)

    op.create_table(
        "audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.String(length=80), nullable=False),
        sa.Column("checklist_version", sa.String(length=40), nullable=False),
        sa.Column("auditor", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("audit_date", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["facility_id"], ["facilities.id"], name=op.f("fk_audits_facility_id_facilities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audits")),
    )
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audits_facility_id"), ["facility_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audits_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audits_status"))
        batch_op.drop_index(batch_op.f("ix_audits_facility_id"))
    op.drop_table("audits")
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_facility_type"))
        batch_op.drop_index(batch_op.f("ix_facilities_district_pcode"))
    op.drop_table("facilities")
