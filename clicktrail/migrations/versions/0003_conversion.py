"""conversion: conversion-path schema changes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

Owned by the conversions (issue 4) work; empty until it adds its schema.
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
