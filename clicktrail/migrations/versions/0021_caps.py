"""caps: offer caps, custom caps per affiliate, and the counters they are checked against

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07

``offer`` gains Everflow's ``is_caps_enabled`` and sixteen ``<period>_<metric>_cap``
columns (0 = no cap). ``custom_cap_setting``: one affiliate's caps on one offer.
``cap_counter``: clicks, approved conversions, payout and revenue per offer (affiliate 0) or
offer and affiliate, per period start in the network's timezone (ADR 0093). Nothing is
backfilled: caps start off, counters start empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clicktrail.models.base import UTCDateTime

revision: str = "0021"
down_revision: str | None = "0024"
branch_labels: str | None = None
depends_on: str | None = None

_PERIODS = ("daily", "weekly", "monthly", "global")
_MONEY = sa.Numeric(20, 6, asdecimal=True)
_SUM = sa.Numeric(30, 6, asdecimal=True)


def _cap_columns() -> list[sa.Column[object]]:
    columns: list[sa.Column[object]] = []
    for metric in ("click", "conversion"):
        for period in _PERIODS:
            columns.append(
                sa.Column(
                    f"{period}_{metric}_cap", sa.Integer(), nullable=False, server_default="0"
                )
            )
    for metric in ("payout", "revenue"):
        for period in _PERIODS:
            columns.append(
                sa.Column(f"{period}_{metric}_cap", _MONEY, nullable=False, server_default="0")
            )
    return columns


def upgrade() -> None:
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_caps_enabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        for column in _cap_columns():
            batch_op.add_column(column)
    op.create_table(
        "custom_cap_setting",
        sa.Column("network_custom_cap_setting_id", sa.Integer(), autoincrement=True),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("network_offer_id", sa.Integer(), nullable=False),
        sa.Column("network_affiliate_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("is_soft_cap", sa.Boolean(), nullable=False),
        *_cap_columns(),
        sa.Column("time_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("time_saved", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("network_custom_cap_setting_id", name="pk_custom_cap_setting"),
        sa.ForeignKeyConstraint(
            ["network_offer_id"],
            ["offer.network_offer_id"],
            name="fk_custom_cap_setting_network_offer_id_offer",
        ),
        sa.ForeignKeyConstraint(
            ["network_affiliate_id"],
            ["affiliate.network_affiliate_id"],
            name="fk_custom_cap_setting_network_affiliate_id_affiliate",
        ),
        sa.UniqueConstraint(
            "network_offer_id",
            "network_affiliate_id",
            name="uq_custom_cap_setting_network_offer_id_network_affiliate_id",
        ),
    )
    op.create_index(
        "ix_custom_cap_setting_network_offer_id", "custom_cap_setting", ["network_offer_id"]
    )
    op.create_index(
        "ix_custom_cap_setting_network_affiliate_id",
        "custom_cap_setting",
        ["network_affiliate_id"],
    )
    op.create_table(
        "cap_counter",
        sa.Column("network_offer_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("network_affiliate_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("period", sa.String(1), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("conversions", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("payout", _SUM, nullable=False, server_default="0"),
        sa.Column("revenue", _SUM, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint(
            "network_offer_id",
            "network_affiliate_id",
            "period",
            "period_start",
            name="pk_cap_counter",
        ),
    )


def downgrade() -> None:
    op.drop_table("cap_counter")
    op.drop_index("ix_custom_cap_setting_network_affiliate_id", table_name="custom_cap_setting")
    op.drop_index("ix_custom_cap_setting_network_offer_id", table_name="custom_cap_setting")
    op.drop_table("custom_cap_setting")
    with op.batch_alter_table("offer", schema=None) as batch_op:
        for column in reversed(_cap_columns()):
            batch_op.drop_column(column.name)
        batch_op.drop_column("is_caps_enabled")
