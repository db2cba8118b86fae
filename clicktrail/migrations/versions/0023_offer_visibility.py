"""offer: per-affiliate offer visibility and offer applications

Revision ID: 0023
Revises: 0020
Create Date: 2026-12-07

``offer_visibility``: one row per offer and affiliate whose visibility differs from the
offer's default (visible, hidden or rejected). ``offer_application``: an affiliate's
application to run an offer that requires approval, one per offer and affiliate (ADR 0095).
Both start empty: until a network grants or approves, private and approval-only offers run
for nobody, as their visibility always said.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clicktrail.models.base import UTCDateTime

revision: str = "0023"
down_revision: str | None = "0026"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "offer_visibility",
        sa.Column("network_offer_id", sa.Integer(), nullable=False),
        sa.Column("network_affiliate_id", sa.Integer(), nullable=False),
        sa.Column("visibility_type", sa.String(16), nullable=False),
        sa.Column("time_saved", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_offer_id"],
            ["offer.network_offer_id"],
            name="fk_offer_visibility_network_offer_id_offer",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["network_affiliate_id"],
            ["affiliate.network_affiliate_id"],
            name="fk_offer_visibility_network_affiliate_id_affiliate",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "network_offer_id", "network_affiliate_id", name="pk_offer_visibility"
        ),
    )
    op.create_index(
        "ix_offer_visibility_network_affiliate_id", "offer_visibility", ["network_affiliate_id"]
    )
    op.create_table(
        "offer_application",
        sa.Column("network_application_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("network_offer_id", sa.Integer(), nullable=False),
        sa.Column("network_affiliate_id", sa.Integer(), nullable=False),
        sa.Column("application_status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("time_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("time_saved", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_offer_id"],
            ["offer.network_offer_id"],
            name="fk_offer_application_network_offer_id_offer",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["network_affiliate_id"],
            ["affiliate.network_affiliate_id"],
            name="fk_offer_application_network_affiliate_id_affiliate",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("network_application_id", name="pk_offer_application"),
        sa.UniqueConstraint(
            "network_offer_id",
            "network_affiliate_id",
            name="uq_offer_application_network_offer_id_network_affiliate_id",
        ),
    )
    op.create_index(
        "ix_offer_application_network_affiliate_id", "offer_application", ["network_affiliate_id"]
    )
    op.create_index(
        "ix_offer_application_application_status", "offer_application", ["application_status"]
    )


def downgrade() -> None:
    op.drop_index("ix_offer_application_application_status", table_name="offer_application")
    op.drop_index("ix_offer_application_network_affiliate_id", table_name="offer_application")
    op.drop_table("offer_application")
    op.drop_index("ix_offer_visibility_network_affiliate_id", table_name="offer_visibility")
    op.drop_table("offer_visibility")
