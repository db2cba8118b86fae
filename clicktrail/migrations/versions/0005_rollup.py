"""rollup: reporting rollups (entity, dims and value cubes at hour and day grain)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21

Owned by the aggregated reporting (issue 7) work. See clicktrail/models/rollup.py and
docs/adr/0040-rollup-cubes.md.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
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
_ENTITY = ("offer_id", "affiliate_id", "advertiser_id", "event_id")
_CUBES: dict[str, tuple[str, ...]] = {
    "entity": _ENTITY,
    "dims": (*_ENTITY, "country_code", "region", "device_type", "platform", "browser"),
    "value": ("dim", "value", *_ENTITY),
    # Coarse cubes, for finished days only (built by compaction).
    "offer": ("offer_id", "advertiser_id", "event_id"),
    "affiliate": ("affiliate_id", "event_id"),
    "geo": ("country_code", "region", "device_type", "platform", "browser"),
    "values": ("dim", "value"),
}
_COARSE = ("offer", "affiliate", "geo", "values")
_SIZES = {
    "dim": 16,
    "value": 255,
    "country_code": 2,
    "region": 128,
    "device_type": 16,
    "platform": 64,
    "browser": 64,
}


def _key(name: str) -> sa.Column[object]:
    size = _SIZES.get(name)
    kind: sa.types.TypeEngine[object] = sa.String(size) if size else sa.Integer()  # type: ignore[assignment]
    return sa.Column(name, kind, nullable=False)


def upgrade() -> None:
    for cube, keys in _CUBES.items():
        pk = ("dim", "bucket", *keys[1:]) if keys[0] == "dim" else ("bucket", *keys)
        lead = ("dim",) if keys[0] == "dim" else ()
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
                sa.PrimaryKeyConstraint(*pk, name=f"pk_{name}"),
            )
            if grain == "day" and cube not in _COARSE:
                op.create_index(f"ix_{name}_affiliate", name, [*lead, "affiliate_id", "bucket"])
    op.create_table(
        "rollup_state",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_rollup_state"),
    )


def downgrade() -> None:
    op.drop_table("rollup_state")
    for cube in _CUBES:
        for grain in ("hour", "day"):
            op.drop_table(f"rollup_{cube}_{grain}")
