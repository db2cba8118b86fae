"""coupon codes: Everflow's codes that credit a conversion to an affiliate

Revision ID: 0028
Revises: 0029
Create Date: 2026-12-07

``coupon_code``: one row per code, belonging to an offer and (once usable) an affiliate,
with its status and validity dates (ADR 0104). ``coupon_code_key``, the code in lower case,
is unique: one code per network whatever its case. Nothing is backfilled: conversions keep
the coupon code they were recorded with.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clicktrail.models.base import UTCDateTime

revision: str = "0028"
down_revision: str | None = "0029"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "coupon_code",
        sa.Column("network_coupon_code_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("network_offer_id", sa.Integer(), nullable=False),
        sa.Column("network_affiliate_id", sa.Integer(), nullable=False),
        sa.Column("coupon_code", sa.String(255), nullable=False),
        sa.Column("coupon_code_key", sa.String(255), nullable=False),
        sa.Column("coupon_status", sa.String(16), nullable=False),
        sa.Column("internal_notes", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_description_plain_text", sa.Boolean(), nullable=False),
        sa.Column("start_date", sa.String(10), nullable=False),
        sa.Column("end_date", sa.String(10), nullable=False),
        sa.Column("time_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("time_saved", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_offer_id"],
            ["offer.network_offer_id"],
            name="fk_coupon_code_network_offer_id_offer",
        ),
        sa.PrimaryKeyConstraint("network_coupon_code_id", name="pk_coupon_code"),
        sa.UniqueConstraint("coupon_code_key", name="uq_coupon_code_coupon_code_key"),
    )
    op.create_index("ix_coupon_code_network_affiliate_id", "coupon_code", ["network_affiliate_id"])
    op.create_index("ix_coupon_code_network_offer_id", "coupon_code", ["network_offer_id"])


def downgrade() -> None:
    op.drop_index("ix_coupon_code_network_offer_id", table_name="coupon_code")
    op.drop_index("ix_coupon_code_network_affiliate_id", table_name="coupon_code")
    op.drop_table("coupon_code")
