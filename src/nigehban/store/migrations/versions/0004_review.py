"""Review queue: candidate incidents extracted from reports, waiting for an analyst's decision.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=200), nullable=False),
        sa.Column("document_text", sa.Text(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("candidate", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("merge_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_review_candidates_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(["merge_id"], ["merges.id"], name=op.f("fk_review_candidates_merge_id_merges")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_candidates")),
    )
    with op.batch_alter_table("review_candidates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_candidates_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_candidates_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_candidates_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_candidates_status"))
        batch_op.drop_index(batch_op.f("ix_review_candidates_incident_id"))
        batch_op.drop_index(batch_op.f("ix_review_candidates_document_id"))

    op.drop_table("review_candidates")
