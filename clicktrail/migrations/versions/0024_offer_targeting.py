"""offer targeting: the ruleset and the fail-traffic redirect

Revision ID: 0024
Revises: 0020
Create Date: 2026-12-07

Six columns on ``offer`` (ADR 0096): ``ruleset`` (the normalised targeting rules, NULL for
none), and Everflow's fail-traffic redirect: ``is_fail_traffic_enabled``,
``redirect_routing_method``, ``redirect_internal_routing_type``, ``internal_redirects``
(JSON list of the offers to send refused clicks to) and ``fail_traffic_url`` (an external
redirect). Existing offers get no rule and no redirect, which is what they had.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0024"
down_revision: str | None = "0022"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("offer") as batch_op:
        batch_op.add_column(sa.Column("ruleset", _JSON, nullable=True))
        batch_op.add_column(
            sa.Column(
                "is_fail_traffic_enabled", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column(
                "redirect_routing_method",
                sa.String(length=16),
                nullable=False,
                server_default="unknown",
            )
        )
        batch_op.add_column(
            sa.Column(
                "redirect_internal_routing_type",
                sa.String(length=24),
                nullable=False,
                server_default="unknown",
            )
        )
        batch_op.add_column(sa.Column("internal_redirects", _JSON, nullable=True))
        batch_op.add_column(
            sa.Column("fail_traffic_url", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("offer") as batch_op:
        for name in (
            "fail_traffic_url",
            "internal_redirects",
            "redirect_internal_routing_type",
            "redirect_routing_method",
            "is_fail_traffic_enabled",
            "ruleset",
        ):
            batch_op.drop_column(name)
