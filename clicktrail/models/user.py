"""Console and portal users (ADR 0084). The password is stored as an argon2 hash only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base


class User(Base):
    __tablename__ = "app_user"  # "user" is a reserved word on PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # admin | manager | affiliate | advertiser
    network_affiliate_id: Mapped[int | None] = mapped_column(
        ForeignKey("affiliate.network_affiliate_id")
    )
    network_advertiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("advertiser.network_advertiser_id")
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
