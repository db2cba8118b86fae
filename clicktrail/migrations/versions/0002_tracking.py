"""tracking: click columns for the offer URL, the smart link and the connection type

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Owned by the click tracking (issue 3) work. Adds the click columns that back seed 003's
``offer_url``, ``campaign`` and ``connection_type`` report filters.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("click", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("network_offer_url_id", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("network_campaign_id", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("connection_type", sa.String(length=32), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("click", schema=None) as batch_op:
        batch_op.drop_column("connection_type")
        batch_op.drop_column("network_campaign_id")
        batch_op.drop_column("network_offer_url_id")
