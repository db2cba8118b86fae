"""Postback attempts: one row per HTTP attempt of a delivery (the audit trail)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base
from clicktrail.models.postback_delivery import BigId


class PostbackAttempt(Base):
    __tablename__ = "postback_attempt"
    __table_args__ = (Index("ix_postback_attempt_delivery", "delivery_id", "attempt_no"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("postback_delivery.id", ondelete="CASCADE")
    )
    attempt_no: Mapped[int]
    attempted_at: Mapped[datetime]
    url: Mapped[str] = mapped_column(Text, default="")
    #: None when no HTTP response came back (refused, timeout, blocked address).
    status_code: Mapped[int | None]
    duration_ms: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
