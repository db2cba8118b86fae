"""Coupon codes: Everflow's codes that credit a conversion to the affiliate they belong to.

One row per code, with Everflow's field names. A code belongs to one offer and, once it can
be used, to one affiliate (``network_affiliate_id`` 0: none yet; Everflow lets such a code
exist but never credits it). ``coupon_code_key`` is the code folded to lower case: codes are
unique per network whatever their case, and a postback's code is matched the same way
(clicktrail/conversion/coupons.py). ``start_date`` / ``end_date`` are "YYYY-MM-DD" (UTC) or
empty. The tracking host never reads this table, so a write needs no cache generation bump.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base


class CouponCode(Base):
    __tablename__ = "coupon_code"
    __table_args__ = (
        Index("ix_coupon_code_network_affiliate_id", "network_affiliate_id"),
        Index("ix_coupon_code_network_offer_id", "network_offer_id"),
    )

    network_coupon_code_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(default=1)
    network_offer_id: Mapped[int] = mapped_column(ForeignKey("offer.network_offer_id"))
    #: 0: no affiliate yet (the code cannot credit anyone).
    network_affiliate_id: Mapped[int] = mapped_column(default=0)
    coupon_code: Mapped[str] = mapped_column(String(255))
    #: ``coupon_code`` in lower case: the unique key, and what conversions match on.
    coupon_code_key: Mapped[str] = mapped_column(String(255), unique=True)
    #: active | paused
    coupon_status: Mapped[str] = mapped_column(String(16), default="active")
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    is_description_plain_text: Mapped[bool] = mapped_column(default=False)
    start_date: Mapped[str] = mapped_column(String(10), default="")
    end_date: Mapped[str] = mapped_column(String(10), default="")
    time_created: Mapped[datetime]
    time_saved: Mapped[datetime]
