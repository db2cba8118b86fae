"""The raw conversion report: Everflow's request (window, filters, search terms) as SQL
conditions, and the page of rows with what they refer to."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, or_
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion import repository
from clicktrail.conversion.schemas import ConversionReportIn
from clicktrail.errors import ValidationFailed
from clicktrail.kit import ids
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import parse_local_date_or_datetime
from clicktrail.meta.timezones import zone_for
from clicktrail.models import Click, Conversion

#: Longest report window (Everflow: "a maximum duration of one year").
MAX_WINDOW = timedelta(days=366)
_FORMAT = "must be YYYY-mm-DD or YYYY-mm-DD HH:MM:SS"

_INT_FILTERS = {
    "offer": Conversion.network_offer_id,
    "affiliate": Conversion.network_affiliate_id,
    "advertiser": Conversion.network_advertiser_id,
    "event": Conversion.event_id,
    "creative": Conversion.creative_id,
    "error_code": Conversion.error_code,
}
_TEXT_FILTERS = {
    "status": Conversion.status,
    "transaction_id": Conversion.transaction_id,
    "conversion_id": Conversion.conversion_id,
    "country": Conversion.country_code,
    "region": Conversion.region_name,
    "city": Conversion.city_name,
    "platform": Conversion.platform_name,
    "browser": Conversion.browser_name,
    "device_type": Conversion.device_type,
    "sub1": Conversion.sub1,
    "sub2": Conversion.sub2,
    "sub3": Conversion.sub3,
    "sub4": Conversion.sub4,
    "sub5": Conversion.sub5,
    "source_id": Conversion.source_id,
    "order_id": Conversion.order_id,
    "coupon_code": Conversion.coupon_code,
    "email": Conversion.email,
    "adv1": Conversion.adv1,
    "adv2": Conversion.adv2,
    "adv3": Conversion.adv3,
    "adv4": Conversion.adv4,
    "adv5": Conversion.adv5,
}
#: What an affiliate may filter or search on (never the advertiser's own data).
AFFILIATE_HIDDEN = frozenset({"advertiser", "email", "adv1", "adv2", "adv3", "adv4", "adv5"})
FILTER_TYPES = frozenset(_INT_FILTERS) | frozenset(_TEXT_FILTERS)
_LOWER = frozenset({"status", "transaction_id", "conversion_id"})


def window(body: ConversionReportIn) -> tuple[datetime, datetime]:
    """[start, end) in UTC; ``to`` as a bare date covers that whole day."""
    zone = zone_for(body.timezone_id)
    try:
        start = parse_local_date_or_datetime(body.from_, zone)
    except ValueError as exc:
        raise ValidationFailed(
            "from must be YYYY-mm-DD or YYYY-mm-DD HH:MM:SS", field="from"
        ) from exc
    try:
        end = parse_local_date_or_datetime(body.to, zone, end=True)
    except ValueError as exc:
        raise ValidationFailed(f"to {_FORMAT}", field="to") from exc
    if end <= start:
        raise ValidationFailed("to must be after from", field="to")
    if end - start > MAX_WINDOW:
        raise ValidationFailed("the window from..to may not exceed one year", field="to")
    return start, end


def conditions(body: ConversionReportIn, *, affiliate_id: int | None) -> list[ColumnElement[bool]]:
    """Filters of the same resource_type are ORed, different types ANDed."""
    start, end = window(body)
    where: list[ColumnElement[bool]] = [Conversion.created_at >= start, Conversion.created_at < end]
    if affiliate_id is not None:
        where.append(Conversion.network_affiliate_id == affiliate_id)
    if body.show_conversions and not body.show_events:
        where.append(Conversion.is_event.is_(False))
    elif body.show_events and not body.show_conversions:
        where.append(Conversion.is_event.is_(True))
    elif not body.show_events and not body.show_conversions:
        where.append(false())
    allowed = FILTER_TYPES - (AFFILIATE_HIDDEN if affiliate_id is not None else frozenset())
    grouped: dict[str, list[str]] = defaultdict(list)
    for i, item in enumerate(body.query.filters):
        kind = item.resource_type.strip().lower()
        if kind not in allowed:
            raise ValidationFailed(
                f"unknown filter resource_type {item.resource_type!r}",
                field=f"query.filters.{i}.resource_type",
            )
        grouped[kind].append(item.filter_id_value.strip())
    for kind, values in grouped.items():
        if kind in _INT_FILTERS:
            ints = []
            for value in values:
                number = ids.parse_int_id(value)
                if number is None:
                    raise ValidationFailed(
                        f"filter {kind} needs an integer id, got {value!r}",
                        field="query.filters.filter_id_value",
                    )
                ints.append(number)
            where.append(_INT_FILTERS[kind].in_(ints))
        else:
            texts = [v.lower() for v in values] if kind in _LOWER else values
            if kind == "country":
                texts = [v.upper() for v in values]
            where.append(_TEXT_FILTERS[kind].in_(texts))
    for i, term in enumerate(body.query.search_terms):
        kind = term.search_type.strip().lower()
        if not term.value:
            continue
        if kind and (kind not in _TEXT_FILTERS or kind in (AFFILIATE_HIDDEN - allowed)):
            raise ValidationFailed(
                f"unknown search_type {term.search_type!r}",
                field=f"query.search_terms.{i}.search_type",
            )
        columns = (
            [_TEXT_FILTERS[kind]]
            if kind
            else [_TEXT_FILTERS[k] for k in ("transaction_id", "conversion_id", "order_id", "sub1")]
        )
        where.append(or_(*(c.icontains(term.value, autoescape=True) for c in columns)))
    return [and_(*where)]


@dataclass(slots=True)
class ReportPage:
    rows: list[Conversion]
    total: int
    clicks: dict[str, Click] = field(default_factory=dict)
    events: dict[int, str] = field(default_factory=dict)
    names: repository.Names = field(default_factory=repository.Names)


async def related(session: AsyncSession, rows: list[Conversion]) -> ReportPage:
    """What the rows refer to: their clicks, event names, offer/affiliate/advertiser names."""
    page = ReportPage(rows=rows, total=len(rows))
    page.clicks = await repository.clicks_by_id(
        session, {r.transaction_id for r in rows if r.transaction_id}, lock=False
    )
    page.events = await repository.event_names(
        session, {r.network_offer_payout_revenue_id for r in rows}
    )
    page.names = await repository.names(session, rows)
    return page


async def run(
    session: AsyncSession,
    body: ConversionReportIn,
    page: PageRequest,
    *,
    affiliate_id: int | None = None,
) -> ReportPage:
    where = conditions(body, affiliate_id=affiliate_id)
    rows, total = await repository.report(session, where, page.offset, page.page_size)
    result = await related(session, rows)
    result.total = total
    return result
