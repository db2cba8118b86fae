"""Commissions (Affonso's earning/transaction), one per referral conversion.

Linked 1:1 to ``conversion`` by ``conversion_id``; the conversion row carries what every
report needs (payout = ``commission_amount``), this row carries the Affonso side: the
original sale amount and currency, the rate used, the matched incentive, the commission
status and the refunds.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base, JSONColumn
from clicktrail.models.exchange_rate import RateColumn


class Commission(Base):
    __tablename__ = "commission"
    __table_args__ = (
        Index("ix_commission_referral", "referral_id", "created_at"),
        Index("ix_commission_hold", "status", "hold_until"),
    )

    conversion_id: Mapped[str] = mapped_column(
        ForeignKey("conversion.conversion_id", ondelete="CASCADE"), primary_key=True
    )
    referral_id: Mapped[str] = mapped_column(ForeignKey("referral.id"))
    network_offer_id: Mapped[int]
    network_affiliate_id: Mapped[int]
    #: Idempotency key of the request that made it; unique when set.
    external_event_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    incentive_id: Mapped[int | None]
    # The sale as sent, and as converted to the network currency.
    original_sale_amount: Mapped[Decimal]
    original_currency_id: Mapped[str] = mapped_column(String(3))
    exchange_rate: Mapped[Decimal] = mapped_column(RateColumn)
    exchange_rate_date: Mapped[date | None]
    sale_amount: Mapped[Decimal]
    currency_id: Mapped[str] = mapped_column(String(3))
    #: The commission when recorded, and now (after refunds and caps).
    initial_commission_amount: Mapped[Decimal]
    commission_amount: Mapped[Decimal]
    refunded_sale_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    #: pending | pending_manual_approval | ready_for_payment | processing_payout | paid |
    #: declined | refunded | dispute
    status: Mapped[str] = mapped_column(String(32))
    #: open | complete | trialing | failed | refunded | partial_refunded
    sales_status: Mapped[str] = mapped_column(String(32), default="complete")
    hold_period_days: Mapped[int | None]
    hold_until: Mapped[datetime | None]
    is_subscription: Mapped[bool] = mapped_column(default=False)
    interval: Mapped[str | None] = mapped_column(String(16))
    product_ids: Mapped[list[str] | None] = mapped_column(JSONColumn)
    price_ids: Mapped[list[str] | None] = mapped_column(JSONColumn)
    attributes: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSONColumn)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
