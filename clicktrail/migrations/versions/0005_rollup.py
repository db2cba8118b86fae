"""rollup: hourly reporting rollups

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21

Owned by the aggregated reporting (issue 7) work; empty until it adds its schema.
"""

from __future__ import annotations

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
