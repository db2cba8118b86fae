"""rollup: the coarse values cube's day rows are indexed by value with their day and flag

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22

``ix_rollup_values_day_value`` becomes (dim, value, bucket, solo): a report that groups a
list of values looks up which of them have a solo day in its range with one index-only
probe per value (ADR 0047). PostgreSQL, reading the day and flag from the table for each
value found, preferred scanning every solo row of the range; compaction's look-ups by
value read the same index.
"""

from __future__ import annotations

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.drop_index("ix_rollup_values_day_value", table_name="rollup_values_day")
    op.create_index(
        "ix_rollup_values_day_value", "rollup_values_day", ["dim", "value", "bucket", "solo"]
    )


def downgrade() -> None:
    op.drop_index("ix_rollup_values_day_value", table_name="rollup_values_day")
    op.create_index("ix_rollup_values_day_value", "rollup_values_day", ["dim", "value"])
