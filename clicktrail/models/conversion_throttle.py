"""Conversion throttles: a share of an affiliate's conversions on an offer held back.

A row names an offer and an affiliate (``network_affiliate_id`` 0: every affiliate of the
offer without a row of its own) and ``throttle_percentage``, the share of their otherwise
accepted conversions stored ``rejected`` with Everflow's error code 1, "Throttled", and never
sent to the affiliate's postbacks (clicktrail/conversion/throttle.py decides which).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base, PercentColumn


class ConversionThrottle(Base):
    __tablename__ = "conversion_throttle"
    __table_args__ = (UniqueConstraint("network_offer_id", "network_affiliate_id"),)

    network_conversion_throttle_id: Mapped[int] = mapped_column(
        primary_key=True, autoincrement=True
    )
    network_id: Mapped[int] = mapped_column(default=1)
    network_offer_id: Mapped[int] = mapped_column(ForeignKey("offer.network_offer_id"))
    #: 0: every affiliate of the offer that has no throttle of its own.
    network_affiliate_id: Mapped[int] = mapped_column(default=0)
    #: 0 to 100: the share of conversions held back.
    throttle_percentage: Mapped[Decimal] = mapped_column(PercentColumn)
    #: active | inactive
    status: Mapped[str] = mapped_column(String(16), default="active")
    time_created: Mapped[datetime]
    time_saved: Mapped[datetime]
