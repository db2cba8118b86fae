"""The network: one row (``network_id`` 1) holding installation-wide settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base


class Network(Base):
    __tablename__ = "network"

    network_id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    timezone_id: Mapped[int] = mapped_column(default=67)
    currency_id: Mapped[str] = mapped_column(String(3), default="USD")
    fallback_url: Mapped[str | None] = mapped_column(String(2048))
    time_created: Mapped[datetime]
    time_saved: Mapped[datetime]
