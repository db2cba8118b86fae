"""traffic: traffic controls, robot and proxy refusal on offers, conversion throttles

Revision ID: 0025
Revises: 0020
Create Date: 2026-12-07

* ``traffic_control``: Everflow's traffic controls, block and allow lists of click
  variables (sub1-sub5, source_id, IP ranges, user agents, ...) scoped to offers,
  advertisers and affiliates or to the whole network (ADR 0097).
* ``offer.is_block_proxy`` / ``offer.is_block_robots``: refuse the clicks enrichment flags
  as coming from a known proxy or a robot (default off: nothing changes for existing offers).
* ``conversion_throttle``: the share of an affiliate's conversions on an offer held back.

Nothing is backfilled: existing offers keep accepting every click and conversion.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from clicktrail.models.base import UTCDateTime

revision: str = "0025"
down_revision: str | None = "0021"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "traffic_control",
        sa.Column("network_traffic_control_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("is_apply_all_affiliates", sa.Boolean(), nullable=False),
        sa.Column("is_apply_all_offers", sa.Boolean(), nullable=False),
        sa.Column("control_type", sa.String(16), nullable=False),
        sa.Column("targeting_action", sa.String(16), nullable=False),
        sa.Column("comparison_method", sa.String(24), nullable=False),
        sa.Column("date_valid_from", sa.String(10), nullable=False),
        sa.Column("date_valid_to", sa.String(10), nullable=False),
        sa.Column("variables", _JSON, nullable=False),
        sa.Column("values", _JSON, nullable=False),
        sa.Column("network_offer_ids", _JSON, nullable=False),
        sa.Column("network_affiliate_ids", _JSON, nullable=False),
        sa.Column("network_advertiser_ids", _JSON, nullable=False),
        sa.Column("time_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("time_saved", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("network_traffic_control_id", name="pk_traffic_control"),
    )
    op.create_table(
        "conversion_throttle",
        sa.Column(
            "network_conversion_throttle_id", sa.Integer(), autoincrement=True, nullable=False
        ),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("network_offer_id", sa.Integer(), nullable=False),
        sa.Column("network_affiliate_id", sa.Integer(), nullable=False),
        sa.Column("throttle_percentage", sa.Numeric(9, 4, asdecimal=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("time_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("time_saved", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_offer_id"],
            ["offer.network_offer_id"],
            name="fk_conversion_throttle_network_offer_id_offer",
        ),
        sa.PrimaryKeyConstraint("network_conversion_throttle_id", name="pk_conversion_throttle"),
        sa.UniqueConstraint(
            "network_offer_id",
            "network_affiliate_id",
            name="uq_conversion_throttle_network_offer_id_network_affiliate_id",
        ),
    )
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_block_proxy", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("is_block_robots", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_column("is_block_robots")
        batch_op.drop_column("is_block_proxy")
    op.drop_table("conversion_throttle")
    op.drop_table("traffic_control")
