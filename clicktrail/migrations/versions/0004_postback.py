"""postback: pixels, postback deliveries and their attempts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

Owned by the postbacks (issue 6) work.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clicktrail.models.base import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "pixel",
        sa.Column("network_pixel_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("network_affiliate_id", sa.Integer(), nullable=False),
        sa.Column("network_offer_id", sa.Integer(), nullable=False),
        sa.Column("network_offer_payout_revenue_id", sa.Integer(), nullable=False),
        sa.Column("delivery_method", sa.String(length=16), nullable=False),
        sa.Column("pixel_level", sa.String(length=16), nullable=False),
        sa.Column("pixel_status", sa.String(length=16), nullable=False),
        sa.Column("pixel_type", sa.String(length=16), nullable=False),
        sa.Column("postback_url", sa.Text(), nullable=False),
        sa.Column("html_code", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("delay_ms", sa.Integer(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("failure_streak", sa.Integer(), nullable=False),
        sa.Column("failure_streak_started_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("disabled_reason", sa.Text(), nullable=False),
        sa.Column("disabled_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("time_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("time_saved", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("network_pixel_id", name=op.f("pk_pixel")),
    )
    with op.batch_alter_table("pixel") as batch_op:
        batch_op.create_index("ix_pixel_affiliate", ["network_affiliate_id"])
        batch_op.create_index("ix_pixel_offer", ["network_offer_id"])

    op.create_table(
        "postback_delivery",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("network_pixel_id", sa.Integer(), nullable=False),
        sa.Column("conversion_id", sa.String(length=32), nullable=False),
        sa.Column("transaction_id", sa.String(length=32), nullable=False),
        sa.Column("network_offer_id", sa.Integer(), nullable=False),
        sa.Column("network_affiliate_id", sa.Integer(), nullable=False),
        sa.Column("network_offer_payout_revenue_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("delivery_method", sa.String(length=16), nullable=False),
        sa.Column("pixel_level", sa.String(length=16), nullable=False),
        sa.Column("pixel_type", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("debug_information", sa.Text(), nullable=False),
        sa.Column("conversion_status", sa.String(length=16), nullable=False),
        sa.Column("conversion_status_note", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_pixel_id"],
            ["pixel.network_pixel_id"],
            name=op.f("fk_postback_delivery_network_pixel_id_pixel"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postback_delivery")),
        sa.UniqueConstraint(
            "network_pixel_id",
            "conversion_id",
            name=op.f("uq_postback_delivery_network_pixel_id_conversion_id"),
        ),
    )
    with op.batch_alter_table("postback_delivery") as batch_op:
        batch_op.create_index(
            "ix_postback_delivery_due",
            ["next_attempt_at"],
            postgresql_where=sa.text("state = 'pending'"),
            sqlite_where=sa.text("state = 'pending'"),
        )
        batch_op.create_index("ix_postback_delivery_created", ["created_at", "id"])
        batch_op.create_index("ix_postback_delivery_conversion", ["conversion_id"])
        batch_op.create_index(
            "ix_postback_delivery_unsent",
            ["network_pixel_id"],
            postgresql_where=sa.text("state IN ('pending', 'paused')"),
            sqlite_where=sa.text("state IN ('pending', 'paused')"),
        )

    op.create_table(
        "postback_attempt",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("delivery_id", BigId, nullable=False),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        sa.Column("attempted_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("response_excerpt", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["postback_delivery.id"],
            name=op.f("fk_postback_attempt_delivery_id_postback_delivery"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postback_attempt")),
    )
    with op.batch_alter_table("postback_attempt") as batch_op:
        batch_op.create_index("ix_postback_attempt_delivery", ["delivery_id", "attempt_no"])


def downgrade() -> None:
    op.drop_table("postback_attempt")
    op.drop_table("postback_delivery")
    op.drop_table("pixel")
