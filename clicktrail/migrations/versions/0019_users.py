"""users: console and portal users, their web sessions, sign-in attempts

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-07

``app_user`` (email unique, argon2 password hash, role, the affiliate or advertiser it is
bound to), ``web_session`` (hashed cookie token, CSRF secret, expiry, revocation) and
``sign_in_attempt`` (what the sign-in throttle counts). ADR 0084. Written out here rather
than imported from the models, so that this revision stays fixed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clicktrail.models.base import UTCDateTime

revision: str = "0019"
down_revision: str | None = "0016"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column(
            "network_affiliate_id",
            sa.Integer(),
            sa.ForeignKey(
                "affiliate.network_affiliate_id", name="fk_app_user_network_affiliate_id_affiliate"
            ),
            nullable=True,
        ),
        sa.Column(
            "network_advertiser_id",
            sa.Integer(),
            sa.ForeignKey(
                "advertiser.network_advertiser_id",
                name="fk_app_user_network_advertiser_id_advertiser",
            ),
            nullable=True,
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_app_user"),
        sa.UniqueConstraint("email", name="uq_app_user_email"),
    )
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey(
                "app_user.id", name="fk_web_session_user_id_app_user", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("csrf_secret", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_web_session"),
        sa.UniqueConstraint("token_hash", name="uq_web_session_token_hash"),
    )
    op.create_index("ix_web_session_user_id", "web_session", ["user_id"])
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_attempt"),
    )
    op.create_index("ix_sign_in_attempt_email_at", "sign_in_attempt", ["email", "at"])
    op.create_index("ix_sign_in_attempt_address_at", "sign_in_attempt", ["address", "at"])
    op.create_index("ix_sign_in_attempt_at", "sign_in_attempt", ["at"])


def downgrade() -> None:
    op.drop_table("sign_in_attempt")
    op.drop_table("web_session")
    op.drop_table("app_user")
