"""postback: pixels and postback deliveries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

Owned by the postbacks (issue 6) work; empty until it adds its schema.
"""

from __future__ import annotations

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
