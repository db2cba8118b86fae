"""The sixteen cap columns Everflow puts on an offer and on a custom cap setting.

``<period>_<metric>_cap`` for period daily, weekly, monthly, global and metric click,
conversion, payout, revenue; 0 means no cap. Counts are integers, payout and revenue money.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import MoneyColumn

PERIODS: tuple[str, ...] = ("daily", "weekly", "monthly", "global")
COUNT_METRICS: tuple[str, ...] = ("click", "conversion")
MONEY_METRICS: tuple[str, ...] = ("payout", "revenue")
METRICS: tuple[str, ...] = COUNT_METRICS + MONEY_METRICS
#: Every cap column name, in Everflow's order of periods then metrics.
CAP_FIELDS: tuple[str, ...] = tuple(f"{p}_{m}_cap" for p in PERIODS for m in METRICS)


class CapColumns:
    """Mixin: the cap columns (0 = no cap).

    Defaults are the database's (``server_default``), so an INSERT that names none of them
    (an older revision's code, a migration test seeding through today's models) still works.
    Services set every cap explicitly, so no expired default is read lazily.
    """

    daily_click_cap: Mapped[int] = mapped_column(server_default="0")
    weekly_click_cap: Mapped[int] = mapped_column(server_default="0")
    monthly_click_cap: Mapped[int] = mapped_column(server_default="0")
    global_click_cap: Mapped[int] = mapped_column(server_default="0")
    daily_conversion_cap: Mapped[int] = mapped_column(server_default="0")
    weekly_conversion_cap: Mapped[int] = mapped_column(server_default="0")
    monthly_conversion_cap: Mapped[int] = mapped_column(server_default="0")
    global_conversion_cap: Mapped[int] = mapped_column(server_default="0")
    daily_payout_cap: Mapped[Decimal] = mapped_column(MoneyColumn, server_default="0")
    weekly_payout_cap: Mapped[Decimal] = mapped_column(MoneyColumn, server_default="0")
    monthly_payout_cap: Mapped[Decimal] = mapped_column(MoneyColumn, server_default="0")
    global_payout_cap: Mapped[Decimal] = mapped_column(MoneyColumn, server_default="0")
    daily_revenue_cap: Mapped[Decimal] = mapped_column(MoneyColumn, server_default="0")
    weekly_revenue_cap: Mapped[Decimal] = mapped_column(MoneyColumn, server_default="0")
    monthly_revenue_cap: Mapped[Decimal] = mapped_column(MoneyColumn, server_default="0")
    global_revenue_cap: Mapped[Decimal] = mapped_column(MoneyColumn, server_default="0")
