"""offer: custom payout/revenue settings

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-07

``custom_payout_revenue``: Everflow's custom payout/revenue settings, one row per setting,
overriding one payout/revenue entry of one offer for all affiliates or for listed ones,
within optional validity dates (ADR 0094). Nothing is backfilled: no setting exists yet.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from clicktrail.models.base import UTCDateTime

revision: str = "0022"
down_revision: str | None = "0023"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_MONEY = sa.Numeric(20, 6, asdecimal=True)
_PERCENT = sa.Numeric(9, 4, asdecimal=True)


def upgrade() -> None:
    op.create_table(
        "custom_payout_revenue",
        sa.Column(
            "network_custom_payout_revenue_setting_id",
            sa.Integer(),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("network_offer_id", sa.Integer(), nullable=False),
        sa.Column("network_offer_payout_revenue_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("custom_setting_status", sa.String(16), nullable=False),
        sa.Column("is_apply_all_affiliates", sa.Boolean(), nullable=False),
        sa.Column("network_affiliate_ids", _JSON, nullable=False),
        sa.Column("is_custom_payout_enabled", sa.Boolean(), nullable=False),
        sa.Column("payout_type", sa.String(16), nullable=False),
        sa.Column("payout_amount", _MONEY, nullable=False),
        sa.Column("payout_percentage", _PERCENT, nullable=False),
        sa.Column("is_custom_revenue_enabled", sa.Boolean(), nullable=False),
        sa.Column("revenue_type", sa.String(16), nullable=False),
        sa.Column("revenue_amount", _MONEY, nullable=False),
        sa.Column("revenue_percentage", _PERCENT, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("public_description", sa.Text(), nullable=False),
        sa.Column("is_postback_disabled", sa.Boolean(), nullable=False),
        sa.Column("date_valid_from", UTCDateTime(timezone=True), nullable=True),
        sa.Column("date_valid_to", UTCDateTime(timezone=True), nullable=True),
        sa.Column("time_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("time_saved", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_offer_id"],
            ["offer.network_offer_id"],
            name="fk_custom_payout_revenue_network_offer_id_offer",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "network_custom_payout_revenue_setting_id", name="pk_custom_payout_revenue"
        ),
    )
    op.create_index(
        "ix_custom_payout_revenue_network_offer_id",
        "custom_payout_revenue",
        ["network_offer_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_custom_payout_revenue_network_offer_id", table_name="custom_payout_revenue")
    op.drop_table("custom_payout_revenue")
