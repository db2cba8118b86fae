"""rollup: the coarse values cube marks single-day values (``solo``) and lists them in
report order; its values sort by code point on PostgreSQL too

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21

A day row of the coarse ``values`` cube gets ``solo = 1`` when no other UTC day has a row
of its value; a block row when it is made of such a day row alone. An index lists a
bucket's solo rows by clicks, conversions and value (and finds its other rows), so a
report over many single-day values (an ad network's click ids in sub1) reads the first
rows of each bucket instead of grouping every value (ADR 0047). On PostgreSQL the
``value`` column collates "C", the code-point order reports list values in, so that index
serves that order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

# Written out here (not imported from the model) so that this revision stays fixed.
_OTHER = "\x1fother"
_DAY = 86400
_RANK = "(total_click + invalid_click) DESC, cv DESC, value"


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _postgres():
        for grain in ("hour", "day", "block"):
            op.execute(
                f"ALTER TABLE rollup_values_{grain} "
                'ALTER COLUMN value TYPE VARCHAR(255) COLLATE "C"'
            )
    for grain in ("day", "block"):
        op.add_column(
            f"rollup_values_{grain}",
            sa.Column("solo", sa.SmallInteger(), nullable=False, server_default=sa.text("0")),
        )
    op.create_index("ix_rollup_values_day_value", "rollup_values_day", ["dim", "value"])
    op.execute(
        sa.text(
            "UPDATE rollup_values_day SET solo = 1 WHERE value NOT IN ('', :other) "
            "AND NOT EXISTS (SELECT 1 FROM rollup_values_day AS o "
            "WHERE o.dim = rollup_values_day.dim AND o.value = rollup_values_day.value "
            "AND o.bucket <> rollup_values_day.bucket)"
        ).bindparams(other=_OTHER)
    )
    op.execute(
        "UPDATE rollup_values_block SET solo = 1 WHERE EXISTS ("
        "SELECT 1 FROM rollup_values_day AS d "
        "WHERE d.dim = rollup_values_block.dim AND d.value = rollup_values_block.value "
        "AND d.solo = 1 AND d.bucket >= rollup_values_block.bucket "
        f"AND d.bucket < rollup_values_block.bucket + rollup_values_block.days * {_DAY})"
    )
    op.execute(
        f"CREATE INDEX ix_rollup_values_day_solo ON rollup_values_day (dim, bucket, solo, {_RANK})"
    )
    op.execute(
        "CREATE INDEX ix_rollup_values_block_solo ON rollup_values_block "
        f"(dim, days, bucket, solo, {_RANK})"
    )


def downgrade() -> None:
    for grain in ("day", "block"):
        op.drop_index(f"ix_rollup_values_{grain}_solo", table_name=f"rollup_values_{grain}")
    op.drop_index("ix_rollup_values_day_value", table_name="rollup_values_day")
    for grain in ("day", "block"):
        op.execute(f"ALTER TABLE rollup_values_{grain} DROP COLUMN solo")
    if _postgres():
        for grain in ("hour", "day", "block"):
            op.execute(
                f"ALTER TABLE rollup_values_{grain} ALTER COLUMN value TYPE VARCHAR(255) "
                'COLLATE "default"'
            )
