"""rollup: coarse cubes of values by affiliate and by offer, backfilled for the days
already compacted

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22

``rollup_affiliate_values`` (dim, affiliate_id, value, event_id) and
``rollup_offer_values`` (dim, offer_id, advertiser_id, value, event_id), summed from
``rollup_value_hour`` as compaction does for every later day, at day and block grains (no
hour grain: reports read the value cube's hours), so that an entity x sub report over a
long range reads a few blocks instead of every day of the value cube (ADR 0049).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None

# Written out here (not imported from the model) so that this revision stays fixed.
_METRICS = (
    "total_click",
    "unique_click",
    "invalid_click",
    "cv",
    "event",
    "invalid_cv",
    "pending_cv",
    "payout",
    "revenue",
    "sale_amount",
    "pending_payout",
    "pending_revenue",
)
_CUBES: dict[str, tuple[str, ...]] = {
    "affiliate_values": ("dim", "affiliate_id", "value", "event_id"),
    "offer_values": ("dim", "offer_id", "advertiser_id", "value", "event_id"),
}
_BLOCK_DAYS = (32, 16, 8, 4, 2)
_DAY = 86400
_MARK = "(SELECT COALESCE(MAX(value), 0) FROM rollup_state WHERE name = 'day_complete_before')"


def _columns(keys: tuple[str, ...]) -> list[sa.Column[Any]]:
    sizes = {"dim": 16, "value": 255}
    columns: list[sa.Column[Any]] = [
        sa.Column(k, sa.String(sizes[k]) if k in sizes else sa.Integer(), nullable=False)
        for k in keys
    ]
    return columns + [
        sa.Column(m, sa.BigInteger(), nullable=False, server_default=sa.text("0")) for m in _METRICS
    ]


def _create(cube: str, keys: tuple[str, ...]) -> None:
    key_list = ", ".join(keys)
    metrics = ", ".join(_METRICS)
    sums = ", ".join(f"SUM({m})" for m in _METRICS)
    day = f"rollup_{cube}_day"
    op.create_table(
        day,
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        *_columns(keys),
        sa.PrimaryKeyConstraint("dim", "bucket", *keys[1:], name=f"pk_{day}"),
    )
    if cube == "affiliate_values":  # the affiliate realm over many days
        op.create_index(f"ix_{day}_affiliate", day, ["dim", "affiliate_id", "bucket"])
    start = f"bucket - bucket % {_DAY}"
    op.execute(
        f"INSERT INTO {day} (bucket, {key_list}, {metrics}) "
        f"SELECT {start}, {key_list}, {sums} FROM rollup_value_hour "
        f"WHERE bucket < {_MARK} GROUP BY {start}, {key_list}"
    )
    block = f"rollup_{cube}_block"
    op.create_table(
        block,
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        *_columns(keys),
        sa.PrimaryKeyConstraint("dim", "days", "bucket", *keys[1:], name=f"pk_{block}"),
    )
    for days in _BLOCK_DAYS:
        span = days * _DAY
        start = f"bucket - bucket % {span}"
        op.execute(
            f"INSERT INTO {block} (bucket, days, {key_list}, {metrics}) "
            f"SELECT {start}, {days}, {key_list}, {sums} FROM {day} "
            f"WHERE bucket < {_MARK} - {_MARK} % {span} GROUP BY {start}, {key_list}"
        )
    # Statistics now, not when autovacuum gets to it: without them PostgreSQL planned an
    # affiliate x sub1 report over the new blocks far worse (docs/benchmarks.md).
    op.execute(f"ANALYZE {day}")
    op.execute(f"ANALYZE {block}")


def upgrade() -> None:
    for cube, keys in _CUBES.items():
        _create(cube, keys)


def downgrade() -> None:
    for cube in _CUBES:
        for grain in ("day", "block"):
            op.drop_table(f"rollup_{cube}_{grain}")
