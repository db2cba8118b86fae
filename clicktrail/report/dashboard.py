"""The console's dashboard figures: periods, a daily series and the top offers and affiliates.

Everything is read through the ReportStore seam (``store().run_report``), so the dashboard
costs three aggregated reports over the rollups, never a scan of raw clicks:

* a ``date`` report over the last 30 local days (today included): the daily series, and
  the periods today, yesterday, last 7 days and last 30 days summed from its days;
* an ``offer`` and an ``affiliate`` report over the last 7 days: the top 10 of each.

Periods are calendar days in ``tz`` (the network's reporting timezone) ending with today,
which is counted up to ``now``: "last 7 days" is today and the 6 days before it. Metrics
follow Everflow's definitions as the reports compute them (``report/metrics.py``): clicks
are unique plus duplicate clicks, conversions are approved base conversions, CVR is
conversions per click in percent, EPC is payout per click, profit is revenue less payout.

The partner's own view (``affiliate_id`` set) runs the reports in the affiliate realm: the
network's revenue and profit are ``None`` everywhere, ``top_affiliates`` is empty, and the
top offers are ranked by payout (the partner's earnings). The network view ranks by revenue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import ValidationFailed
from clicktrail.meta import timezones
from clicktrail.models.rollup import METRICS
from clicktrail.report import metrics
from clicktrail.report.schemas import ReportIn
from clicktrail.report.store import Report, store

#: Days in the series (and in the longest period); days in the top lists' range.
SERIES_DAYS = 30
TOP_DAYS = 7
TOP_COUNT = 10

_I = {name: i for i, name in enumerate(METRICS)}
_MICRO = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class Figures:
    """One period's (or one entity's) figures. ``revenue`` and ``profit`` are None in the
    partner's view."""

    clicks: int
    conversions: int
    cvr: float  # percent, 2 places
    payout: Decimal
    revenue: Decimal | None
    profit: Decimal | None
    epc: float  # payout per click, 4 places


@dataclass(frozen=True, slots=True)
class Period:
    key: str  # today | yesterday | last_7_days | last_30_days
    label: str
    first: date  # local dates, both included
    last: date
    figures: Figures


@dataclass(frozen=True, slots=True)
class Point:
    day: date
    clicks: int
    conversions: int
    payout: Decimal
    revenue: Decimal | None
    profit: Decimal | None


@dataclass(frozen=True, slots=True)
class Top:
    id: int
    name: str
    figures: Figures


@dataclass(frozen=True, slots=True)
class Dashboard:
    timezone: str
    today: date
    partner: bool  # the affiliate's own view: no revenue or profit anywhere
    ranked_by: str  # "revenue" (network view) or "payout" (partner view)
    periods: list[Period]
    series: list[Point]
    top_offers: list[Top]
    top_affiliates: list[Top]


def timezone_id(tz: str) -> int:
    """The Everflow timezone id of an IANA name (``tz`` as the network stores it)."""
    row = timezones.BY_IANA.get(tz)
    if row is None:
        row = next((t for t in timezones.TIMEZONES if t.iana == tz), None)
    if row is None:
        raise ValidationFailed(f"unknown timezone {tz!r}", field="tz")
    return row.timezone_id


def _add(a: Sequence[int], b: Sequence[int]) -> list[int]:
    return [x + y for x, y in zip(a, b, strict=True)]


def _money(micros: int) -> Decimal:
    return Decimal(micros) / _MICRO


def figures(sums: Sequence[int], *, partner: bool) -> Figures:
    """Figures from a report row's sums (``METRICS`` order)."""
    shaped = metrics.affiliate(sums) if partner else metrics.network(sums)
    payout, revenue = sums[_I["payout"]], sums[_I["revenue"]]
    return Figures(
        clicks=sums[_I["total_click"]],
        conversions=sums[_I["cv"]],
        cvr=float(shaped["cvr"]),
        payout=_money(payout),
        revenue=None if partner else _money(revenue),
        profit=None if partner else _money(revenue - payout),
        epc=float(shaped["epc"]),
    )


def _body(
    columns: list[str], first: date, last: date, tz_id: int, advertiser_id: int | None
) -> ReportIn:
    raw: dict[str, Any] = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "timezone_id": tz_id,
        "columns": [{"column": c} for c in columns],
    }
    if advertiser_id is not None:
        raw["query"] = {
            "filters": [{"resource_type": "advertiser", "filter_id_value": advertiser_id}]
        }
    return ReportIn.model_validate(raw)


def _top(report: Report, key: str, *, partner: bool) -> list[Top]:
    rank = _I["payout" if partner else "revenue"]
    ranked = sorted(
        report.rows,
        key=lambda row: (-row[1][rank], -row[1][_I["total_click"]], int(row[0][1])),
    )
    names = report.labels.get(key, {})
    out: list[Top] = []
    for row_key, sums in ranked[:TOP_COUNT]:
        ident = int(row_key[1])
        out.append(Top(ident, names.get(ident, f"#{ident}"), figures(sums, partner=partner)))
    return out


async def dashboard(
    session: AsyncSession,
    *,
    tz: str,
    now: datetime,
    affiliate_id: int | None = None,
    advertiser_id: int | None = None,
) -> Dashboard:
    """The dashboard as of ``now`` in the timezone ``tz`` (an IANA name); ``affiliate_id``:
    that partner's own view; ``advertiser_id``: that advertiser's offers only."""
    tz_id = timezone_id(tz)
    moment = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    today = moment.astimezone(ZoneInfo(timezones.BY_ID[tz_id].iana)).date()
    partner = affiliate_id is not None
    first = today - timedelta(days=SERIES_DAYS - 1)
    reports = store()

    daily = await reports.run_report(
        session,
        _body(["date"], first, today, tz_id, advertiser_id),
        affiliate_id=affiliate_id,
        limit=None,
    )
    by_day: dict[date, list[int]] = {}
    for key, sums in daily.rows:
        bucket = daily.buckets[key[0]]
        by_day[date.fromisoformat(bucket.label)] = list(sums)
    zero = [0] * len(METRICS)
    days = [first + timedelta(days=n) for n in range(SERIES_DAYS)]
    series: list[Point] = []
    for day in days:
        got = by_day.get(day, zero)
        payout, revenue = got[_I["payout"]], got[_I["revenue"]]
        series.append(
            Point(
                day=day,
                clicks=got[_I["total_click"]],
                conversions=got[_I["cv"]],
                payout=_money(payout),
                revenue=None if partner else _money(revenue),
                profit=None if partner else _money(revenue - payout),
            )
        )

    def period(key: str, label: str, span: int, end: date) -> Period:
        start = end - timedelta(days=span - 1)
        total = zero
        for n in range(span):
            total = _add(total, by_day.get(start + timedelta(days=n), zero))
        return Period(key, label, start, end, figures(total, partner=partner))

    periods = [
        period("today", "Today", 1, today),
        period("yesterday", "Yesterday", 1, today - timedelta(days=1)),
        period("last_7_days", "Last 7 days", 7, today),
        period("last_30_days", "Last 30 days", SERIES_DAYS, today),
    ]

    top_first = today - timedelta(days=TOP_DAYS - 1)
    offers = await reports.run_report(
        session,
        _body(["offer"], top_first, today, tz_id, advertiser_id),
        affiliate_id=affiliate_id,
        limit=None,
    )
    top_affiliates: list[Top] = []
    if not partner:
        affiliates = await reports.run_report(
            session,
            _body(["affiliate"], top_first, today, tz_id, advertiser_id),
            limit=None,
        )
        top_affiliates = _top(affiliates, "affiliate_id", partner=False)
    return Dashboard(
        timezone=timezones.BY_ID[tz_id].iana,
        today=today,
        partner=partner,
        ranked_by="payout" if partner else "revenue",
        periods=periods,
        series=series,
        top_offers=_top(offers, "offer_id", partner=partner),
        top_affiliates=top_affiliates,
    )
