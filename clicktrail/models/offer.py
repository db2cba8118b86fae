"""Offers: what affiliates promote."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clicktrail.models.base import Base

if TYPE_CHECKING:
    from clicktrail.models.offer_payout_revenue import OfferPayoutRevenue


class Offer(Base):
    __tablename__ = "offer"

    network_offer_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(default=1)
    network_advertiser_id: Mapped[int] = mapped_column(
        ForeignKey("advertiser.network_advertiser_id"), index=True
    )
    network_offer_group_id: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(255))
    offer_status: Mapped[str] = mapped_column(String(16), default="active")
    destination_url: Mapped[str] = mapped_column(Text)
    preview_url: Mapped[str] = mapped_column(Text, default="")
    currency_id: Mapped[str] = mapped_column(String(3), default="USD")
    visibility: Mapped[str] = mapped_column(String(24), default="public")
    network_tracking_domain_id: Mapped[int] = mapped_column(default=0)
    # Session: how long a visitor counts as the same (unique clicks), in hours.
    session_definition: Mapped[str] = mapped_column(String(16), default="cookie")
    session_duration: Mapped[int] = mapped_column(default=24)
    # Click-to-conversion window, in seconds; 0 = no limit.
    is_using_explicit_terms_and_conditions: Mapped[bool] = mapped_column(default=False)
    min_click_to_conversion_seconds: Mapped[int] = mapped_column(default=0)
    max_click_to_conversion_seconds: Mapped[int] = mapped_column(default=0)
    # Duplicates: is a second conversion for the same click and event refused?
    is_duplicate_filter_enabled: Mapped[bool] = mapped_column(default=True)
    duplicate_filter_targeting_action: Mapped[str] = mapped_column(String(16), default="reject")
    is_order_id_deduplicated: Mapped[bool] = mapped_column(default=False)
    verification_token: Mapped[str] = mapped_column(String(255), default="")
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    time_created: Mapped[datetime]
    time_saved: Mapped[datetime]

    payout_revenue: Mapped[list[OfferPayoutRevenue]] = relationship(
        back_populates="offer",
        cascade="all, delete-orphan",
        order_by="OfferPayoutRevenue.network_offer_payout_revenue_id",
        lazy="selectin",
    )
