"""Incentives: the commission rules of an offer, optionally for one affiliate group.

See docs/adr/0051-incentive-matching.md for how the one incentive of a sale is chosen.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base, JSONColumn


class Incentive(Base):
    __tablename__ = "incentive"

    incentive_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_offer_id: Mapped[int] = mapped_column(
        ForeignKey("offer.network_offer_id", ondelete="CASCADE"), index=True
    )
    affiliate_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("affiliate_group.affiliate_group_id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(255), default="")
    #: A percentage of the sale (``amount`` = 30 means 30 %) or a fixed amount.
    is_percentage: Mapped[bool] = mapped_column(default=True)
    amount: Mapped[Decimal]
    #: Currency of a fixed amount; converted to the network currency like a sale.
    currency_id: Mapped[str] = mapped_column(String(3), default="USD")
    #: first_sale (the referral's first sale only) | all_sales (every recurring sale)
    apply_to: Mapped[str] = mapped_column(String(16), default="all_sales")
    #: Only subscription sales with this interval (monthly | yearly); null = any sale.
    interval: Mapped[str | None] = mapped_column(String(16))
    product_ids: Mapped[list[str] | None] = mapped_column(JSONColumn)
    price_ids: Mapped[list[str] | None] = mapped_column(JSONColumn)
    #: auto: pending during the hold, then ready_for_payment | manual: pending_manual_approval
    approval_type: Mapped[str] = mapped_column(String(16), default="auto")
    hold_period_days: Mapped[int] = mapped_column(default=0)
    #: Most an affiliate earns from one referred customer, in the network currency.
    commission_cap: Mapped[Decimal | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
