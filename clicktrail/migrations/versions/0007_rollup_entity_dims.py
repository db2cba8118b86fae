"""rollup: coarse cubes of an entity by one dimension (offer x country, offer x device,
affiliate x country), backfilled for the days already compacted

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21

The tables are summed from ``rollup_dims_hour``, as compaction does for every later day
(ADR 0045).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

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
    "offer_country": ("offer_id", "advertiser_id", "event_id", "country_code"),
    "offer_device": ("offer_id", "advertiser_id", "event_id", "device_type"),
    "affiliate_country": ("affiliate_id", "event_id", "country_code"),
}
_SIZES = {"country_code": 2, "device_type": 16}
_DAY = 86400


def _key(name: str) -> sa.Column[object]:
    size = _SIZES.get(name)
    kind: sa.types.TypeEngine[object] = sa.String(size) if size else sa.Integer()  # type: ignore[assignment]
    return sa.Column(name, kind, nullable=False)


def _backfill(cube: str, keys: tuple[str, ...], grain: str) -> None:
    """Sum the compacted days' dims hour rows into the new table (nothing when no day is
    compacted yet: compaction builds every later day)."""
    key_list = ", ".join(keys)
    metric_list = ", ".join(_METRICS)
    sums = ", ".join(f"SUM({m})" for m in _METRICS)
    bucket = "bucket" if grain == "hour" else f"bucket - bucket % {_DAY}"
    op.execute(
        f"INSERT INTO rollup_{cube}_{grain} (bucket, {key_list}, {metric_list}) "
        f"SELECT {bucket}, {key_list}, {sums} FROM rollup_dims_hour "
        "WHERE bucket < (SELECT COALESCE(MAX(value), 0) FROM rollup_state "
        "WHERE name = 'day_complete_before') "
        f"GROUP BY {bucket}, {key_list}"
    )


def upgrade() -> None:
    for cube, keys in _CUBES.items():
        for grain in ("hour", "day"):
            name = f"rollup_{cube}_{grain}"
            op.create_table(
                name,
                sa.Column("bucket", sa.BigInteger(), nullable=False),
                *[_key(k) for k in keys],
                *[
                    sa.Column(m, sa.BigInteger(), nullable=False, server_default=sa.text("0"))
                    for m in _METRICS
                ],
                sa.PrimaryKeyConstraint("bucket", *keys, name=f"pk_{name}"),
            )
            _backfill(cube, keys, grain)


def downgrade() -> None:
    for cube in _CUBES:
        for grain in ("hour", "day"):
            op.drop_table(f"rollup_{cube}_{grain}")
