"""tracking: click-path schema changes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Owned by the click tracking (issue 3) work; empty until it adds its schema.
"""

from __future__ import annotations

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
