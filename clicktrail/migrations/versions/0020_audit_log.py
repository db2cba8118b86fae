"""audit: the audit log of changes made through the API and the console

Revision ID: 0020
Revises: 0016
Create Date: 2026-12-07

``audit_entry``: one row per create, update, status change or delete of a configured entity
(offers and their payout/revenue entries, advertisers, affiliates, groups, API keys, pixels,
the network, conversion status changes, users), with who did it, when, and the changed
values before and after (ADR 0086). Nothing is backfilled: the log starts empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from clicktrail.models.base import UTCDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column(
            "audit_entry_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("time_operation", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_type", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(255), nullable=False),
        sa.Column("entity_type", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("operation", sa.String(16), nullable=False),
        sa.Column("before", _JSON, nullable=True),
        sa.Column("after", _JSON, nullable=True),
        sa.PrimaryKeyConstraint("audit_entry_id", name="pk_audit_entry"),
    )
    op.create_index("ix_audit_entry_time_operation", "audit_entry", ["time_operation"])
    op.create_index(
        "ix_audit_entry_entity", "audit_entry", ["entity_type", "entity_id", "time_operation"]
    )
    op.create_index(
        "ix_audit_entry_actor", "audit_entry", ["actor_type", "actor_id", "time_operation"]
    )


def downgrade() -> None:
    op.drop_index("ix_audit_entry_actor", table_name="audit_entry")
    op.drop_index("ix_audit_entry_entity", table_name="audit_entry")
    op.drop_index("ix_audit_entry_time_operation", table_name="audit_entry")
    op.drop_table("audit_entry")
