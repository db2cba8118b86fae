"""conversion history: every change of a conversion's status or amounts, with its actor

Revision ID: 0026
Revises: 0020
Create Date: 2026-12-07

``conversion_change``: one row per field changed after a conversion was recorded (status,
payout, revenue, sale amount), with who changed it, when, the value before and after and
the note given with it (ADR 0098). Nothing is backfilled: earlier status changes are in the
audit log, amounts could not be changed before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clicktrail.models.base import UTCDateTime

revision: str = "0026"
down_revision: str | None = "0020"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "conversion_change",
        sa.Column(
            "conversion_change_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("conversion_id", sa.String(32), nullable=False),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_type", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(255), nullable=False),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("old_value", sa.String(64), nullable=False),
        sa.Column("new_value", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("conversion_change_id", name="pk_conversion_change"),
    )
    op.create_index(
        "ix_conversion_change_conversion", "conversion_change", ["conversion_id", "changed_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_conversion_change_conversion", table_name="conversion_change")
    op.drop_table("conversion_change")
