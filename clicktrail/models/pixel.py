"""Pixels: an affiliate's postback configuration (Everflow's "pixel", a "postback" in its UI).

``pixel_level`` says which conversions it fires for: ``global`` (every offer of one
affiliate), ``specific`` (one affiliate on one offer) or ``global_offer`` (every affiliate on
one offer); 0 stands for "any" in ``network_affiliate_id`` / ``network_offer_id``. A pixel
that keeps failing is set ``inactive`` by the delivery worker with ``disabled_reason``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base


class Pixel(Base):
    __tablename__ = "pixel"
    __table_args__ = (
        Index("ix_pixel_affiliate", "network_affiliate_id"),
        Index("ix_pixel_offer", "network_offer_id"),
    )

    network_pixel_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(default=1)
    network_affiliate_id: Mapped[int] = mapped_column(default=0)
    network_offer_id: Mapped[int] = mapped_column(default=0)
    #: For event pixels: the offer's payout/revenue entry it fires on; 0 = every event.
    network_offer_payout_revenue_id: Mapped[int] = mapped_column(default=0)
    #: postback (fired server-side) | html (stored and reported, fired by the browser)
    delivery_method: Mapped[str] = mapped_column(String(16), default="postback")
    #: global | specific | global_offer
    pixel_level: Mapped[str] = mapped_column(String(16), default="global")
    #: active | inactive
    pixel_status: Mapped[str] = mapped_column(String(16), default="active")
    #: conversion | event
    pixel_type: Mapped[str] = mapped_column(String(16), default="conversion")
    postback_url: Mapped[str] = mapped_column(Text, default="")
    html_code: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    delay_ms: Mapped[int] = mapped_column(default=0)
    is_deleted: Mapped[bool] = mapped_column(default=False)
    #: Consecutive failed attempts, and when that streak began (for the disable rule).
    failure_streak: Mapped[int] = mapped_column(default=0)
    failure_streak_started_at: Mapped[datetime | None]
    disabled_reason: Mapped[str] = mapped_column(Text, default="")
    disabled_at: Mapped[datetime | None]
    time_created: Mapped[datetime]
    time_saved: Mapped[datetime]
