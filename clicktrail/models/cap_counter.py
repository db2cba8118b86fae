"""What has counted against caps: clicks, approved conversions and their money, per offer
(``network_affiliate_id`` 0) or offer and affiliate (a custom cap), per period.

``period`` is ``d``, ``w``, ``m`` or ``g`` (global); ``period_start`` the period's first day
in the network's timezone (1970-01-01 for global). Conversions are counted in the
transaction that records them, under row locks on PostgreSQL, so the conversion caps are
exact; clicks are added by the tracking processes in the background (ADR 0093).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Date, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base

#: Sums of money values: wider than one value's NUMERIC(20, 6), so no total overflows.
SumColumn = Numeric(30, 6, asdecimal=True)


class CapCounter(Base):
    __tablename__ = "cap_counter"

    network_offer_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    network_affiliate_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period: Mapped[str] = mapped_column(String(1), primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    conversions: Mapped[int] = mapped_column(BigInteger, default=0)
    payout: Mapped[Decimal] = mapped_column(SumColumn, default=Decimal(0))
    revenue: Mapped[Decimal] = mapped_column(SumColumn, default=Decimal(0))
