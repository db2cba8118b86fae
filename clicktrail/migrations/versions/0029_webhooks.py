"""webhook: signed conversion webhooks, delivered through the postback outbox

Revision ID: 0029
Revises: 0025
Create Date: 2026-12-07

* ``network_webhook``: a network's webhook endpoints (URL, subscribed notifications, status,
  signing secret).
* ``postback_delivery``: ``kind`` (``postback`` for every existing row), the webhook endpoint,
  the JSON ``body`` and the ``message_id`` of a webhook delivery; ``network_pixel_id`` may be
  NULL (a webhook delivery has no pixel). ADR 0105.

Downgrading deletes the webhook deliveries (and their attempts) before the pixel id is made
required again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from clicktrail.models.base import UTCDateTime

revision: str = "0029"
down_revision: str | None = "0025"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

#: The delivery table's partial indexes: dropped around the SQLite table rebuild and made
#: again, so they keep their WHERE clause.
_PARTIAL = (
    ("ix_postback_delivery_due", ["next_attempt_at"], "state = 'pending'"),
    ("ix_postback_delivery_unsent", ["network_pixel_id"], "state IN ('pending', 'paused')"),
    ("ix_postback_delivery_in_flight", ["next_attempt_at"], "in_flight_since IS NOT NULL"),
)


def _drop_partial() -> None:
    for name, _columns, _where in _PARTIAL:
        op.drop_index(name, table_name="postback_delivery")


def _create_partial() -> None:
    for name, columns, where in _PARTIAL:
        op.create_index(
            name,
            "postback_delivery",
            columns,
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )


def upgrade() -> None:
    op.create_table(
        "network_webhook",
        sa.Column("network_webhook_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("events", _JSON, nullable=False),
        sa.Column("webhook_status", sa.String(length=16), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("time_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("time_saved", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("network_webhook_id", name=op.f("pk_network_webhook")),
    )
    _drop_partial()
    with op.batch_alter_table("postback_delivery") as batch:
        batch.alter_column("network_pixel_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="postback")
        )
        batch.add_column(sa.Column("network_webhook_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("body", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("message_id", sa.String(length=64), nullable=False, server_default="")
        )
        batch.create_foreign_key(
            "fk_postback_delivery_network_webhook_id_network_webhook",
            "network_webhook",
            ["network_webhook_id"],
            ["network_webhook_id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_postback_delivery_network_webhook_id", ["network_webhook_id"])
    _create_partial()


def downgrade() -> None:
    op.execute(
        "DELETE FROM postback_attempt WHERE delivery_id IN "
        "(SELECT id FROM postback_delivery WHERE network_pixel_id IS NULL)"
    )
    op.execute("DELETE FROM postback_delivery WHERE network_pixel_id IS NULL")
    _drop_partial()
    with op.batch_alter_table("postback_delivery") as batch:
        batch.drop_index("ix_postback_delivery_network_webhook_id")
        batch.drop_constraint(
            "fk_postback_delivery_network_webhook_id_network_webhook", type_="foreignkey"
        )
        batch.drop_column("message_id")
        batch.drop_column("body")
        batch.drop_column("network_webhook_id")
        batch.drop_column("kind")
        batch.alter_column("network_pixel_id", existing_type=sa.Integer(), nullable=False)
    _create_partial()
    op.drop_table("network_webhook")
