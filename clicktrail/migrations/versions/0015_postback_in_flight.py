"""postback: the attempt in flight and the start of a delivery's current retry run

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-01

``postback_delivery.in_flight_since``: set by the claim, cleared by the result write; a
claim that finds it still set records the earlier attempt as one whose outcome is unknown
(its worker died mid-request). ``postback_delivery.retry_base``: the attempt count when the
current run of retries began (0, or when the delivery was resumed or resent), so a resumed
or resent delivery gets the full number of attempts again (ADR 0069).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clicktrail.models.base import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("postback_delivery") as batch:
        batch.add_column(sa.Column("in_flight_since", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("retry_base", sa.Integer(), nullable=False, server_default="0"))
    op.create_index(
        "ix_postback_delivery_in_flight",
        "postback_delivery",
        ["next_attempt_at"],
        postgresql_where=sa.text("in_flight_since IS NOT NULL"),
        sqlite_where=sa.text("in_flight_since IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_postback_delivery_in_flight", table_name="postback_delivery")
    with op.batch_alter_table("postback_delivery") as batch:
        batch.drop_column("retry_base")
        batch.drop_column("in_flight_since")
