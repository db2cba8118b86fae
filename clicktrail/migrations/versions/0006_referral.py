"""referral: affiliate groups and codes, referrals, incentives, exchange rates, commissions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21

Owned by the referral conversions (issue 5) work.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from clicktrail.models.base import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _money() -> sa.Numeric[Decimal]:
    return sa.Numeric(precision=20, scale=6)


def _rate() -> sa.Numeric[Decimal]:
    return sa.Numeric(precision=24, scale=10)


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "affiliate_group",
        sa.Column("affiliate_group_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("affiliate_group_id", name=op.f("pk_affiliate_group")),
    )
    op.create_table(
        "affiliate_code",
        sa.Column("network_affiliate_id", sa.Integer(), nullable=False),
        sa.Column("tracking_id", sa.String(length=64), nullable=True),
        sa.Column("affiliate_group_id", sa.Integer(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["network_affiliate_id"],
            ["affiliate.network_affiliate_id"],
            name=op.f("fk_affiliate_code_network_affiliate_id_affiliate"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["affiliate_group_id"],
            ["affiliate_group.affiliate_group_id"],
            name=op.f("fk_affiliate_code_affiliate_group_id_affiliate_group"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("network_affiliate_id", name=op.f("pk_affiliate_code")),
        sa.UniqueConstraint("tracking_id", name=op.f("uq_affiliate_code_tracking_id")),
    )
    op.create_index(
        op.f("ix_affiliate_code_affiliate_group_id"), "affiliate_code", ["affiliate_group_id"]
    )
    op.create_table(
        "referral",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("network_offer_id", sa.Integer(), nullable=False),
        sa.Column("network_affiliate_id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("customer_id", sa.String(length=255), nullable=True),
        sa.Column("external_user_id", sa.String(length=255), nullable=True),
        sa.Column("subscription_id", sa.String(length=255), nullable=True),
        sa.Column("metadata", _json(), nullable=True),
        *_stamps(),
        sa.Column("converted_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["network_offer_id"],
            ["offer.network_offer_id"],
            name=op.f("fk_referral_network_offer_id_offer"),
        ),
        sa.ForeignKeyConstraint(
            ["network_affiliate_id"],
            ["affiliate.network_affiliate_id"],
            name=op.f("fk_referral_network_affiliate_id_affiliate"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_referral_customer_id")),
        sa.UniqueConstraint("external_user_id", name=op.f("uq_referral_external_user_id")),
    )
    op.create_index("ix_referral_created", "referral", ["created_at", "id"])
    op.create_index(
        "ix_referral_affiliate_created", "referral", ["network_affiliate_id", "created_at"]
    )
    op.create_table(
        "incentive",
        sa.Column("incentive_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("network_offer_id", sa.Integer(), nullable=False),
        sa.Column("affiliate_group_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("is_percentage", sa.Boolean(), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        sa.Column("currency_id", sa.String(length=3), nullable=False),
        sa.Column("apply_to", sa.String(length=16), nullable=False),
        sa.Column("interval", sa.String(length=16), nullable=True),
        sa.Column("product_ids", _json(), nullable=True),
        sa.Column("price_ids", _json(), nullable=True),
        sa.Column("approval_type", sa.String(length=16), nullable=False),
        sa.Column("hold_period_days", sa.Integer(), nullable=False),
        sa.Column("commission_cap", _money(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["network_offer_id"],
            ["offer.network_offer_id"],
            name=op.f("fk_incentive_network_offer_id_offer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["affiliate_group_id"],
            ["affiliate_group.affiliate_group_id"],
            name=op.f("fk_incentive_affiliate_group_id_affiliate_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incentive_id", name=op.f("pk_incentive")),
    )
    op.create_index(op.f("ix_incentive_network_offer_id"), "incentive", ["network_offer_id"])
    op.create_table(
        "exchange_rate",
        sa.Column("exchange_rate_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("currency_id", sa.String(length=3), nullable=False),
        sa.Column("quote_currency_id", sa.String(length=3), nullable=False),
        sa.Column("rate", _rate(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("exchange_rate_id", name=op.f("pk_exchange_rate")),
        sa.UniqueConstraint(
            "currency_id",
            "quote_currency_id",
            "effective_date",
            name=op.f("uq_exchange_rate_currency_id_quote_currency_id_effective_date"),
        ),
    )
    op.create_table(
        "commission",
        sa.Column("conversion_id", sa.String(length=32), nullable=False),
        sa.Column("referral_id", sa.String(length=32), nullable=False),
        sa.Column("network_offer_id", sa.Integer(), nullable=False),
        sa.Column("network_affiliate_id", sa.Integer(), nullable=False),
        sa.Column("external_event_id", sa.String(length=255), nullable=True),
        sa.Column("incentive_id", sa.Integer(), nullable=True),
        sa.Column("original_sale_amount", _money(), nullable=False),
        sa.Column("original_currency_id", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", _rate(), nullable=False),
        sa.Column("exchange_rate_date", sa.Date(), nullable=True),
        sa.Column("sale_amount", _money(), nullable=False),
        sa.Column("currency_id", sa.String(length=3), nullable=False),
        sa.Column("initial_commission_amount", _money(), nullable=False),
        sa.Column("commission_amount", _money(), nullable=False),
        sa.Column("refunded_sale_amount", _money(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("sales_status", sa.String(length=32), nullable=False),
        sa.Column("hold_period_days", sa.Integer(), nullable=True),
        sa.Column("hold_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("is_subscription", sa.Boolean(), nullable=False),
        sa.Column("interval", sa.String(length=16), nullable=True),
        sa.Column("product_ids", _json(), nullable=True),
        sa.Column("price_ids", _json(), nullable=True),
        sa.Column("metadata", _json(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["conversion_id"],
            ["conversion.conversion_id"],
            name=op.f("fk_commission_conversion_id_conversion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_commission_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("conversion_id", name=op.f("pk_commission")),
        sa.UniqueConstraint("external_event_id", name=op.f("uq_commission_external_event_id")),
    )
    op.create_index("ix_commission_referral", "commission", ["referral_id", "created_at"])
    op.create_index("ix_commission_hold", "commission", ["status", "hold_until"])
    op.create_table(
        "commission_refund",
        sa.Column("commission_refund_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversion_id", sa.String(length=32), nullable=False),
        sa.Column("external_event_id", sa.String(length=255), nullable=True),
        sa.Column("amount", _money(), nullable=False),
        sa.Column("currency_id", sa.String(length=3), nullable=False),
        sa.Column("commission_delta", _money(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("refunded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversion_id"],
            ["commission.conversion_id"],
            name=op.f("fk_commission_refund_conversion_id_commission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commission_refund_id", name=op.f("pk_commission_refund")),
        sa.UniqueConstraint(
            "external_event_id", name=op.f("uq_commission_refund_external_event_id")
        ),
    )
    op.create_index(
        op.f("ix_commission_refund_conversion_id"), "commission_refund", ["conversion_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_commission_refund_conversion_id"), table_name="commission_refund")
    op.drop_table("commission_refund")
    op.drop_index("ix_commission_hold", table_name="commission")
    op.drop_index("ix_commission_referral", table_name="commission")
    op.drop_table("commission")
    op.drop_table("exchange_rate")
    op.drop_index(op.f("ix_incentive_network_offer_id"), table_name="incentive")
    op.drop_table("incentive")
    op.drop_index("ix_referral_affiliate_created", table_name="referral")
    op.drop_index("ix_referral_created", table_name="referral")
    op.drop_table("referral")
    op.drop_index(op.f("ix_affiliate_code_affiliate_group_id"), table_name="affiliate_code")
    op.drop_table("affiliate_code")
    op.drop_table("affiliate_group")
