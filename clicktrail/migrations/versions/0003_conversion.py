"""conversion: conversion-path schema changes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

Owned by the conversions (issue 4) work. Nothing to add yet: the ``conversion`` table of
0001 (unique idempotency_key, indexes on created_at, (transaction_id, event_id),
(affiliate, created_at), (offer, created_at), (offer, order_id)) serves every query.
"""

from __future__ import annotations

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
