"""Exchange rates: 1 ``currency_id`` = ``rate`` ``quote_currency_id`` from ``effective_date``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base

RateColumn = Numeric(24, 10, asdecimal=True)


class ExchangeRate(Base):
    __tablename__ = "exchange_rate"
    __table_args__ = (UniqueConstraint("currency_id", "quote_currency_id", "effective_date"),)

    exchange_rate_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    currency_id: Mapped[str] = mapped_column(String(3))
    quote_currency_id: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(RateColumn)
    effective_date: Mapped[date]
    source: Mapped[str] = mapped_column(String(64), default="api")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
