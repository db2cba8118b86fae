"""rollup: the coarse values cube's empty-value rows and the coarse cubes' block grain
(aligned blocks of 2, 4, 8, 16 and 32 UTC days), backfilled for the compacted days

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21

The coarse values cube gets, for each dimension, hour and day rows of the empty value:
the entity total minus every value, as compaction builds them from now on. A block of
``n`` days starts on a day whose number since 1970-01-01 is a multiple of ``n``; the
backfill sums each coarse cube's day rows into every block that ends at or before the
compaction mark, as compaction does for every later block (ADR 0046).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
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
    "offer": ("offer_id", "advertiser_id", "event_id"),
    "affiliate": ("affiliate_id", "event_id"),
    "geo": ("country_code", "region", "device_type", "platform", "browser"),
    "offer_country": ("offer_id", "advertiser_id", "event_id", "country_code"),
    "offer_device": ("offer_id", "advertiser_id", "event_id", "device_type"),
    "affiliate_country": ("affiliate_id", "event_id", "country_code"),
    "values": ("dim", "value"),
}
_SIZES = {
    "dim": 16,
    "value": 255,
    "country_code": 2,
    "region": 128,
    "device_type": 16,
    "platform": 64,
    "browser": 64,
}
_BLOCK_DAYS = (32, 16, 8, 4, 2)
_DAY = 86400
_MARK = "(SELECT COALESCE(MAX(value), 0) FROM rollup_state WHERE name = 'day_complete_before')"


def _key(name: str) -> sa.Column[object]:
    size = _SIZES.get(name)
    kind: sa.types.TypeEngine[object] = sa.String(size) if size else sa.Integer()  # type: ignore[assignment]
    return sa.Column(name, kind, nullable=False)


def _backfill(cube: str, keys: tuple[str, ...], days: int) -> None:
    """Sum the day rows of every complete ``days``-day block before the mark."""
    span = days * _DAY
    key_list = ", ".join(keys)
    start = f"bucket - bucket % {span}"
    op.execute(
        f"INSERT INTO rollup_{cube}_block (bucket, days, {key_list}, {', '.join(_METRICS)}) "
        f"SELECT {start}, {days}, {key_list}, {', '.join(f'SUM({m})' for m in _METRICS)} "
        f"FROM rollup_{cube}_day WHERE bucket < {_MARK} - {_MARK} % {span} "
        f"GROUP BY {start}, {key_list}"
    )


_VALUE_DIMS = ("sub1", "sub2", "sub3", "sub4", "sub5", "source_id", "city")


def _backfill_empty(grain: str) -> None:
    """The empty value's rows of every compacted day: entity minus every value."""
    dims = " UNION ALL ".join(f"SELECT '{d}' AS dim" for d in _VALUE_DIMS)
    in_dims = ", ".join(f"'{d}'" for d in _VALUE_DIMS)
    metrics = ", ".join(_METRICS)
    minus = ", ".join(f"-{m} AS {m}" for m in _METRICS)
    bucket = "bucket" if grain == "hour" else f"bucket - bucket % {_DAY}"
    op.execute(
        f"INSERT INTO rollup_values_{grain} (bucket, dim, value, {metrics}) "
        f"SELECT {bucket}, dim, '', {', '.join(f'SUM({m})' for m in _METRICS)} FROM ("
        f"SELECT bucket, d.dim, {metrics} FROM rollup_entity_hour CROSS JOIN ({dims}) AS d "
        f"UNION ALL SELECT bucket, dim, {minus} FROM rollup_value_hour "
        f"WHERE dim IN ({in_dims})) AS s "
        f"WHERE bucket < {_MARK} GROUP BY {bucket}, dim "
        f"HAVING {' OR '.join(f'SUM({m}) <> 0' for m in _METRICS)}"
    )


def upgrade() -> None:
    for grain in ("hour", "day"):
        _backfill_empty(grain)
    for cube, keys in _CUBES.items():
        name = f"rollup_{cube}_block"
        pk = ("dim", "days", "bucket", *keys[1:]) if keys[0] == "dim" else ("days", "bucket", *keys)
        op.create_table(
            name,
            sa.Column("bucket", sa.BigInteger(), nullable=False),
            sa.Column("days", sa.Integer(), nullable=False),
            *[_key(k) for k in keys],
            *[
                sa.Column(m, sa.BigInteger(), nullable=False, server_default=sa.text("0"))
                for m in _METRICS
            ],
            sa.PrimaryKeyConstraint(*pk, name=f"pk_{name}"),
        )
        for days in _BLOCK_DAYS:
            _backfill(cube, keys, days)


def downgrade() -> None:
    for cube in _CUBES:
        op.drop_table(f"rollup_{cube}_block")
    for grain in ("hour", "day"):
        op.execute(f"DELETE FROM rollup_values_{grain} WHERE value = ''")
