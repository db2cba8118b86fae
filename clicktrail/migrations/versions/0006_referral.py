"""referral: referrals, incentives, exchange rates, commissions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21

Owned by the referral conversions (issue 5) work; empty until it adds its schema.
"""

from __future__ import annotations

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
