"""impressions: the impression table, ``imp`` in every rollup table, view-through fields

Revision ID: 0027
Revises: 0028
Create Date: 2026-12-07

* ``impression``: one row per impression recorded by the tracking host (ADR 0102).
* Every rollup table gets ``imp`` (BIGINT, default 0): impressions count into the existing
  cubes; their CPM money goes into the existing ``payout``/``revenue`` columns. Nothing is
  backfilled: there were no impressions before.
* ``offer``: ``is_view_through_enabled``, ``view_through_destination_url`` and
  ``view_through_lookback_hour``; ``conversion``: ``is_view_through`` (ADR 0103).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clicktrail.models.base import UTCDateTime

revision: str = "0027"
down_revision: str | None = "0028"
branch_labels: str | None = None
depends_on: str | None = None

# Written out here (not imported from the model) so that this revision stays fixed.
_TABLES = (
    "rollup_entity_hour",
    "rollup_entity_day",
    "rollup_dims_hour",
    "rollup_dims_day",
    "rollup_value_hour",
    "rollup_value_day",
    "rollup_offer_hour",
    "rollup_offer_day",
    "rollup_offer_block",
    "rollup_affiliate_hour",
    "rollup_affiliate_day",
    "rollup_affiliate_block",
    "rollup_geo_hour",
    "rollup_geo_day",
    "rollup_geo_block",
    "rollup_offer_country_hour",
    "rollup_offer_country_day",
    "rollup_offer_country_block",
    "rollup_offer_device_hour",
    "rollup_offer_device_day",
    "rollup_offer_device_block",
    "rollup_affiliate_country_hour",
    "rollup_affiliate_country_day",
    "rollup_affiliate_country_block",
    "rollup_values_hour",
    "rollup_values_day",
    "rollup_values_block",
    "rollup_affiliate_values_day",
    "rollup_affiliate_values_block",
    "rollup_offer_values_day",
    "rollup_offer_values_block",
)

_MONEY = sa.Numeric(20, 6, asdecimal=True)
_TEXTS = ("source_id", "sub1", "sub2", "sub3", "sub4", "sub5")


def upgrade() -> None:
    op.create_table(
        "impression",
        sa.Column("impression_id", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("network_offer_id", sa.Integer(), nullable=False),
        sa.Column("network_affiliate_id", sa.Integer(), nullable=False),
        sa.Column("network_advertiser_id", sa.Integer(), nullable=False),
        sa.Column("creative_id", sa.Integer(), nullable=True),
        *[sa.Column(name, sa.Text(), nullable=False) for name in _TEXTS],
        sa.Column("user_ip", sa.String(45), nullable=False),
        sa.Column("user_agent", sa.Text(), nullable=False),
        sa.Column("referer", sa.Text(), nullable=False),
        sa.Column("country_code", sa.String(2), nullable=False),
        sa.Column("region_name", sa.String(128), nullable=False),
        sa.Column("city_name", sa.String(128), nullable=False),
        sa.Column("device_type", sa.String(16), nullable=False),
        sa.Column("platform_name", sa.String(64), nullable=False),
        sa.Column("browser_name", sa.String(64), nullable=False),
        sa.Column("payout_type", sa.String(16), nullable=False),
        sa.Column("payout", _MONEY, nullable=False),
        sa.Column("revenue_type", sa.String(16), nullable=False),
        sa.Column("revenue", _MONEY, nullable=False),
        sa.Column("currency_id", sa.String(3), nullable=False),
        sa.PrimaryKeyConstraint("impression_id", name="pk_impression"),
    )
    op.create_index(
        "ix_impression_offer_affiliate",
        "impression",
        ["network_offer_id", "network_affiliate_id", "created_at"],
    )
    for table in _TABLES:
        # A plain string default: SQLite adds the column in place (batch mode would copy
        # the table and lose the values cube's expression indexes).
        op.add_column(table, sa.Column("imp", sa.BigInteger(), nullable=False, server_default="0"))
    with op.batch_alter_table("offer") as batch_op:
        batch_op.add_column(
            sa.Column(
                "is_view_through_enabled", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("view_through_destination_url", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "view_through_lookback_hour", sa.Integer(), nullable=False, server_default="0"
            )
        )
    op.add_column(
        "conversion",
        sa.Column("is_view_through", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("conversion", recreate="never") as batch:
        batch.drop_column("is_view_through")
    with op.batch_alter_table("offer") as batch_op:
        for name in (
            "view_through_lookback_hour",
            "view_through_destination_url",
            "is_view_through_enabled",
        ):
            batch_op.drop_column(name)
    for table in _TABLES:
        # SQLite drops a column in place (3.35+); no index uses it.
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.drop_column("imp")
    op.drop_index("ix_impression_offer_affiliate", table_name="impression")
    op.drop_table("impression")
