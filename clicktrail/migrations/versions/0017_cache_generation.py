"""tracking: the cache generation, bumped by every write of what tracking links resolve to

Revision ID: 0017
Revises: 0018
Create Date: 2026-12-07

``cache_generation``: one row (``id`` 1) whose ``generation`` grows in the same transaction
as any write of an offer, payout/revenue entry, affiliate or the network, so every tracking
process sees an API change on its next click (ADR 0071).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0018"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    table = op.create_table(
        "cache_generation",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("generation", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.bulk_insert(table, [{"id": 1, "generation": 0}])


def downgrade() -> None:
    op.drop_table("cache_generation")
