"""Refunds applied to a commission's sale, full or partial; idempotent on external_event_id."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base


class CommissionRefund(Base):
    __tablename__ = "commission_refund"

    commission_refund_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversion_id: Mapped[str] = mapped_column(
        ForeignKey("commission.conversion_id", ondelete="CASCADE"), index=True
    )
    external_event_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    #: Refunded sale amount, in the network currency (as the commission's sale_amount).
    amount: Mapped[Decimal]
    #: The currency the caller named for its own records (informational).
    currency_id: Mapped[str] = mapped_column(String(3), default="")
    commission_delta: Mapped[Decimal]
    reason: Mapped[str] = mapped_column(Text, default="")
    refunded_at: Mapped[datetime]
    created_at: Mapped[datetime]
