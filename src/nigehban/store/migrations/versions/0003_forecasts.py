"""Forecasts: stored forecast runs (with the data version they read) and their values.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forecast_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("freq", sa.String(length=8), nullable=False),
        sa.Column("horizon", sa.Integer(), nullable=False),
        sa.Column("origin_period", sa.String(length=16), nullable=False),
        sa.Column("default_model", sa.String(length=64), nullable=False),
        sa.Column("models", sa.JSON(), nullable=False),
        sa.Column("data_version", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_runs")),
    )
    with op.batch_alter_table("forecast_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forecast_runs_as_of"), ["as_of"], unique=False)

    op.create_table(
        "forecast_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("horizon", sa.Integer(), nullable=False),
        sa.Column("p_attack", sa.Float(), nullable=False),
        sa.Column("p_security_attack", sa.Float(), nullable=False),
        sa.Column("expected_attacks", sa.Float(), nullable=False),
        sa.Column("expected_fatalities", sa.Float(), nullable=False),
        sa.Column("fatalities_low", sa.Float(), nullable=False),
        sa.Column("fatalities_high", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["forecast_runs.id"], name=op.f("fk_forecast_values_run_id_forecast_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_values")),
    )
    with op.batch_alter_table("forecast_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forecast_values_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("forecast_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_values_run_id"))

    op.drop_table("forecast_values")
    with op.batch_alter_table("forecast_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_runs_as_of"))

    op.drop_table("forecast_runs")
