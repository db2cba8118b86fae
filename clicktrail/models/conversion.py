"""Conversions: attributed actions, keyed by ``conversion_id`` (32 hex).

Every path (advertiser postback, Everflow's and Scaleo's APIs, Affonso's referral
conversions) writes this one table. A refused conversion is stored too, with status
``rejected`` or ``invalid`` and a machine-readable ``error_code``/``error_message``.
Click dimensions are copied onto the row so reports never join raw clicks.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base, JSONColumn


class Conversion(Base):
    __tablename__ = "conversion"
    __table_args__ = (
        Index("ix_conversion_created_at", "created_at"),
        Index("ix_conversion_transaction_event", "transaction_id", "event_id"),
        Index("ix_conversion_affiliate_created", "network_affiliate_id", "created_at"),
        Index("ix_conversion_offer_created", "network_offer_id", "created_at"),
        Index("ix_conversion_offer_order", "network_offer_id", "order_id"),
    )

    conversion_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    network_id: Mapped[int] = mapped_column(default=1)
    #: Unique when set: a replayed request with the same key finds this row.
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    transaction_id: Mapped[str | None] = mapped_column(String(32))
    network_offer_id: Mapped[int]
    network_affiliate_id: Mapped[int]
    network_advertiser_id: Mapped[int] = mapped_column(default=0)
    event_id: Mapped[int] = mapped_column(default=0)
    network_offer_payout_revenue_id: Mapped[int] = mapped_column(default=0)
    is_event: Mapped[bool] = mapped_column(default=False)
    #: Credited to an impression, not a click (Everflow's ``is_view_through``, ADR 0103).
    is_view_through: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: approved | pending | rejected | invalid
    status: Mapped[str] = mapped_column(String(16), default="approved")
    #: The status as the caller said it, when it maps onto another (Scaleo's "hold").
    original_status: Mapped[str] = mapped_column(String(32), default="")
    error_code: Mapped[int] = mapped_column(default=0)
    error_message: Mapped[str] = mapped_column(String(255), default="")
    #: How it arrived: postback | api | api_transaction | scaleo | referral | sdk
    source: Mapped[str] = mapped_column(String(16), default="postback")
    created_at: Mapped[datetime]
    click_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    payout_type: Mapped[str] = mapped_column(String(16), default="")
    payout: Mapped[Decimal] = mapped_column(default=Decimal(0))
    revenue_type: Mapped[str] = mapped_column(String(16), default="")
    revenue: Mapped[Decimal] = mapped_column(default=Decimal(0))
    sale_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    currency_id: Mapped[str] = mapped_column(String(3), default="USD")
    order_id: Mapped[str] = mapped_column(String(255), default="")
    coupon_code: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    adv1: Mapped[str] = mapped_column(Text, default="")
    adv2: Mapped[str] = mapped_column(Text, default="")
    adv3: Mapped[str] = mapped_column(Text, default="")
    adv4: Mapped[str] = mapped_column(Text, default="")
    adv5: Mapped[str] = mapped_column(Text, default="")
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    conversion_user_ip: Mapped[str] = mapped_column(String(45), default="")
    # Copied from the click (empty when there is none).
    source_id: Mapped[str] = mapped_column(Text, default="")
    sub1: Mapped[str] = mapped_column(Text, default="")
    sub2: Mapped[str] = mapped_column(Text, default="")
    sub3: Mapped[str] = mapped_column(Text, default="")
    sub4: Mapped[str] = mapped_column(Text, default="")
    sub5: Mapped[str] = mapped_column(Text, default="")
    creative_id: Mapped[int | None]
    user_ip: Mapped[str] = mapped_column(String(45), default="")
    country_code: Mapped[str] = mapped_column(String(2), default="")
    region_name: Mapped[str] = mapped_column(String(128), default="")
    city_name: Mapped[str] = mapped_column(String(128), default="")
    device_type: Mapped[str] = mapped_column(String(16), default="")
    platform_name: Mapped[str] = mapped_column(String(64), default="")
    browser_name: Mapped[str] = mapped_column(String(64), default="")
    #: Everything else a dialect sends that has no column (Scaleo's lead fields, custom1..10).
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSONColumn)
