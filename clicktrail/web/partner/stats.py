"""The partner dashboard's numbers from the affiliate realm's entity report: one
``date`` report over the last 30 days of the network's calendar, summed into periods.

Used when ``clicktrail.report.dashboard`` is not there to ask; every number is the
affiliate's own (``affiliate_id`` on the report) and payout-side only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.report import metrics
from clicktrail.report.schemas import ReportIn
from clicktrail.report.store import store

DAYS = 30
#: (label, first day back, last day back): 0 = today.
PERIODS = (("Today", 0, 0), ("Yesterday", 1, 1), ("Last 7 days", 6, 0), ("Last 30 days", 29, 0))


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    clicks: int
    conversions: int
    cvr: float
    payout: Any
    epc: float


@dataclass(frozen=True, slots=True)
class PartnerStats:
    periods: list[Period]
    days: list[date]
    clicks: list[int]
    conversions: list[int]
    payout: list[float]


def _add(into: list[int], sums: Sequence[int]) -> None:
    for i, value in enumerate(sums):
        into[i] += int(value)


async def partner_stats(
    session: AsyncSession, affiliate_id: int, *, today: date, timezone_id: int
) -> PartnerStats:
    first = today - timedelta(days=DAYS - 1)
    body = ReportIn.model_validate(
        {
            "from": first.isoformat(),
            "to": today.isoformat(),
            "timezone_id": timezone_id,
            "columns": [{"column": "date"}],
        }
    )
    report = await store().run_report(session, body, affiliate_id=affiliate_id, limit=DAYS + 1)
    width = len(report.total)
    by_day: list[list[int]] = [[0] * width for _ in report.buckets]
    for key, sums in report.rows:
        _add(by_day[int(key[0])], sums)
    days = [first + timedelta(days=i) for i in range(len(by_day))]
    periods: list[Period] = []
    for label, back_from, back_to in PERIODS:
        sums = [0] * width
        for day, day_sums in zip(days, by_day, strict=True):
            if today - timedelta(days=back_from) <= day <= today - timedelta(days=back_to):
                _add(sums, day_sums)
        shaped = metrics.affiliate(sums)
        periods.append(
            Period(
                label=label,
                clicks=shaped["total_click"],
                conversions=shaped["cv"],
                cvr=shaped["cvr"],
                payout=shaped["payout"],
                epc=shaped["epc"],
            )
        )
    shaped_days = [metrics.affiliate(s) for s in by_day]
    return PartnerStats(
        periods=periods,
        days=days,
        clicks=[s["total_click"] for s in shaped_days],
        conversions=[s["cv"] for s in shaped_days],
        payout=[float(s["payout"]) for s in shaped_days],
    )
