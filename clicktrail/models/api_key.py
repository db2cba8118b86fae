"""API keys: stored as a SHA-256 hash; the raw key is shown once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base


class ApiKey(Base):
    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    realm: Mapped[str] = mapped_column(String(16))  # network | affiliate
    network_affiliate_id: Mapped[int | None] = mapped_column(
        ForeignKey("affiliate.network_affiliate_id")
    )
    name: Mapped[str] = mapped_column(String(255), default="")
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
