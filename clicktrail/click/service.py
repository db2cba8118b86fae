"""Clicks outside the hot path: raw click reports, tracking links, API-made clicks, retention."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.click import repository
from clicktrail.click.schemas import (
    ClickFilter,
    ClickStreamRequest,
    TrackingLinkRequest,
    click_to_wire,
)
from clicktrail.config import Settings
from clicktrail.errors import ClicktrailError, NotFound, ValidationFailed
from clicktrail.kit import ids
from clicktrail.kit.clientip import normalize
from clicktrail.kit.timeutil import parse_local_datetime, utcnow
from clicktrail.meta.timezones import zone_for
from clicktrail.models import Click, Offer
from clicktrail.offer.visibility import check_runnable
from clicktrail.report.store import store
from clicktrail.state import AppState
from clicktrail.tracking import codes
from clicktrail.tracking.components import tracking_components
from clicktrail.tracking.draft import Visit
from clicktrail.tracking.params import parse_query
from clicktrail.tracking.unique import mark_unique
from clicktrail.tracking.writer import WriterUnavailable

#: Seed 003: the affiliate stream returns at most 5000 clicks; Everflow's network twin 10 000.
AFFILIATE_ROW_LIMIT = 5000
NETWORK_ROW_LIMIT = 10000
MAX_WINDOW = timedelta(days=14)

#: Seed 003's filter resource types -> Click column ("country" matches name or ISO code).
RESOURCE_COLUMNS: dict[str, str] = {
    "offer": "network_offer_id",
    "creative": "creative_id",
    "country": "country",
    "carrier": "carrier_name",
    "device_platform": "platform_name",
    "device_type": "device_type",
    "device_make": "brand",
    "browser": "browser_name",
    "language": "language",
    "connection_type": "connection_type",
    "campaign": "network_campaign_id",
    "source_id": "source_id",
    "offer_url": "network_offer_url_id",
    "device_model": "model",
    "s1": "sub1",
    "s2": "sub2",
    "s3": "sub3",
    "s4": "sub4",
    "s5": "sub5",
    "coupon_code": "coupon_code",
}
#: Extra resource types on the network stream only.
NETWORK_RESOURCE_COLUMNS: dict[str, str] = {
    **RESOURCE_COLUMNS,
    "affiliate": "network_affiliate_id",
    "advertiser": "network_advertiser_id",
}
_INT_COLUMNS = frozenset(
    {
        "network_offer_id",
        "creative_id",
        "network_campaign_id",
        "network_offer_url_id",
        "network_affiliate_id",
        "network_advertiser_id",
    }
)


@dataclass
class StreamResult:
    clicks: list[dict[str, Any]]
    truncated: bool
    limit: int


def _group(items: list[ClickFilter], kinds: Mapping[str, str], field: str) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for index, item in enumerate(items):
        kind = item.resource_type.strip().lower()
        column = kinds.get(kind)
        if column is None:
            known = ", ".join(sorted(kinds))
            raise ValidationFailed(
                f"unknown resource_type {item.resource_type!r}; one of: {known}",
                field=f"{field}[{index}].resource_type",
            )
        value: Any = item.filter_id_value.strip()
        if column in _INT_COLUMNS:
            if ids.parse_int_id(value) is None:
                raise ValidationFailed(
                    f"{kind} filter needs a numeric id, got {item.filter_id_value!r}",
                    field=f"{field}[{index}].filter_id_value",
                )
            value = int(value)
        grouped.setdefault(column, []).append(value)
    return grouped


def report_window(body: ClickStreamRequest) -> tuple[datetime, datetime]:
    """The request's [from, to] as UTC ``[start, end)``; 400 for a bad or too wide window."""
    try:
        zone = zone_for(body.timezone_id)
    except KeyError:
        raise ValidationFailed(
            f"unknown timezone_id {body.timezone_id}", field="timezone_id"
        ) from None
    bounds: list[datetime] = []
    for field, text in (("from", body.from_), ("to", body.to)):
        try:
            bounds.append(parse_local_datetime(text.strip(), zone))
        except ValueError:
            raise ValidationFailed(
                f"must be YYYY-mm-DD HH:MM:SS, got {text!r}", field=field
            ) from None
    start, end = bounds[0], bounds[1] + timedelta(seconds=1)  # "to" is inclusive
    if end <= start:
        raise ValidationFailed("to must not be before from", field="to")
    if end - start > MAX_WINDOW + timedelta(seconds=1):
        raise ValidationFailed("the period may not exceed 14 days", field="to")
    return start, end


async def stream(
    session: AsyncSession, body: ClickStreamRequest, *, affiliate_id: int | None
) -> StreamResult:
    """Raw clicks for the stream endpoints, newest first; ``affiliate_id`` scopes the
    affiliate realm. At most the realm's row limit; ``truncated`` says more matched."""
    start, end = report_window(body)
    kinds = RESOURCE_COLUMNS if affiliate_id is not None else NETWORK_RESOURCE_COLUMNS
    limit = AFFILIATE_ROW_LIMIT if affiliate_id is not None else NETWORK_ROW_LIMIT
    query = body.query
    filters = _group(query.filters, kinds, "query.filters") if query else {}
    exclusions = _group(query.exclusions, kinds, "query.exclusions") if query else {}
    clicks = await repository.stream(
        session,
        start=start,
        end=end,
        affiliate_id=affiliate_id,
        filters=filters,
        exclusions=exclusions,
        limit=limit + 1,
    )
    truncated = len(clicks) > limit
    clicks = clicks[:limit]
    offers = await repository.offers_by_id(
        session, (c.network_offer_id for c in clicks if c.network_offer_id)
    )
    network_view = affiliate_id is None
    wire = [
        click_to_wire(c, offers.get(c.network_offer_id or 0), network_view=network_view)
        for c in clicks
    ]
    return StreamResult(clicks=wire, truncated=truncated, limit=limit)


@dataclass
class ClickPage:
    """One page of raw clicks for the console: the rows, their offers, and whether a later
    page has rows (no count: counting a busy window's clicks costs a scan)."""

    clicks: list[Click]
    offers: dict[int, Offer]
    more: bool


#: The deepest row a page of the console's click list may start at (the stream's cap).
MAX_PAGE_OFFSET = NETWORK_ROW_LIMIT


async def page(
    session: AsyncSession,
    body: ClickStreamRequest,
    *,
    affiliate_id: int | None,
    offset: int,
    page_size: int,
) -> ClickPage:
    """The stream's clicks (same window and filter rules), ``page_size`` of them from
    ``offset``; newest first."""
    if not 0 <= offset <= MAX_PAGE_OFFSET:
        raise ValidationFailed(
            f"page must start within the first {MAX_PAGE_OFFSET} clicks", field="page"
        )
    start, end = report_window(body)
    kinds = RESOURCE_COLUMNS if affiliate_id is not None else NETWORK_RESOURCE_COLUMNS
    query = body.query
    filters = _group(query.filters, kinds, "query.filters") if query else {}
    exclusions = _group(query.exclusions, kinds, "query.exclusions") if query else {}
    rows = await repository.stream(
        session,
        start=start,
        end=end,
        affiliate_id=affiliate_id,
        filters=filters,
        exclusions=exclusions,
        limit=page_size + 1,
        offset=offset,
    )
    clicks = list(rows[:page_size])
    offers = await repository.offers_by_id(
        session, (c.network_offer_id for c in clicks if c.network_offer_id)
    )
    return ClickPage(clicks=clicks, offers=offers, more=len(rows) > page_size)


async def click_by_id(
    session: AsyncSession, transaction_id: str, *, affiliate_id: int | None
) -> dict[str, Any]:
    """One click; 404 when unknown or (affiliate realm) another affiliate's."""
    click = await repository.get_click(session, transaction_id.strip())
    if click is None or (affiliate_id is not None and click.network_affiliate_id != affiliate_id):
        raise NotFound(f"click {transaction_id} not found", field="transactionId")
    offer = (
        await repository.offer(session, click.network_offer_id) if click.network_offer_id else None
    )
    return click_to_wire(click, offer, network_view=affiliate_id is None)


async def tracking_link(
    session: AsyncSession,
    settings: Settings,
    body: TrackingLinkRequest,
    *,
    runnable_field: str = "network_affiliate_id",
) -> str:
    """An encoded tracking link for an offer and affiliate that can run it; a 400 naming
    ``runnable_field`` when the offer's visibility keeps the affiliate from running it."""
    offer = await repository.offer(session, body.network_offer_id)
    if offer is None:
        raise NotFound(f"offer {body.network_offer_id} does not exist", field="network_offer_id")
    affiliate = await repository.affiliate(session, body.network_affiliate_id)
    if affiliate is None:
        raise NotFound(
            f"affiliate {body.network_affiliate_id} does not exist", field="network_affiliate_id"
        )
    if offer.offer_status != "active":
        raise ValidationFailed(f"offer is {offer.offer_status}", field="network_offer_id")
    if affiliate.account_status != "active":
        raise ValidationFailed(
            f"affiliate is {affiliate.account_status}", field="network_affiliate_id"
        )
    await check_runnable(session, offer, affiliate.network_affiliate_id, field=runnable_field)
    params: list[tuple[str, str]] = []
    if body.network_offer_url_id:
        params.append(("uid", str(body.network_offer_url_id)))
    if body.creative_id:
        params.append(("creative_id", str(body.creative_id)))
    for name in ("source_id", "sub1", "sub2", "sub3", "sub4", "sub5"):
        value = getattr(body, name)
        if value:
            params.append((name, value))
    return link_url(settings, affiliate.network_affiliate_id, offer.network_offer_id, params)


def link_url(
    settings: Settings, affiliate_id: int, offer_id: int, params: Sequence[tuple[str, str]] = ()
) -> str:
    """``{tracking_url}/{affiliate_code}/{offer_code}/?…``: no check that the affiliate may
    run the offer (callers check it; :func:`tracking_link` does)."""
    base = settings.public_tracking_url()
    path = f"{codes.encode('affiliate', affiliate_id)}/{codes.encode('offer', offer_id)}/"
    return f"{base}/{path}" + (f"?{urlencode(params)}" if params else "")


async def record_click(
    state: AppState,
    offer_id: int,
    affiliate_id: int,
    params: Mapping[str, str] | None = None,
    *,
    user_ip: str = "",
    user_agent: str = "",
    referer: str = "",
    accept_language: str = "",
    session: AsyncSession | None = None,
) -> str:
    """Record a click made through an API (e.g. Affonso's POST /v1/clicks); its transaction id.

    ``params`` take the tracking-link names (sub1..sub5, source_id, coupon_code, creative_id,
    fbclid, gclid, idfa, ...; any other key lands in query_parameters). The click is enriched
    and rolled up exactly like a tracking-link click. An unknown or inactive offer or
    affiliate raises ValidationFailed and stores nothing.

    Without ``session`` the click goes through the group-commit writer and is committed when
    this returns (do NOT call it so while holding a SQLite write transaction: the writer would
    wait for your lock). With ``session`` it is added to that session's transaction instead.
    """
    components = tracking_components(state)
    query = parse_query(urlencode(list((params or {}).items())).encode())
    visit = Visit(
        ip=normalize(user_ip) if user_ip else "",
        user_agent=user_agent,
        referer=referer,
        accept_language=accept_language,
        host="",
    )
    await components.cache.sync(offer_id, affiliate_id)
    draft = components.recorder.draft(offer_id, affiliate_id, query, visit)
    row = draft.row
    if draft.refusal:
        field = "affiliate_id" if draft.refusal.subject == "affiliate" else "offer_id"
        raise ValidationFailed(draft.refusal.message.lower(), field=field)
    if session is None:
        try:
            await components.writer.submit(row, draft.window)
        except WriterUnavailable as exc:
            error = ClicktrailError("the click could not be recorded, retry later")
            error.status_code = 503
            raise error from exc
        return str(row["transaction_id"])
    latest: dict[str, datetime] = {}
    if draft.window > 0:
        since = row["created_at"] - timedelta(seconds=draft.window)
        previous = await repository.latest_visit(session, row["visitor_hash"], since)
        if previous is not None:
            latest[row["visitor_hash"]] = previous
    mark_unique([draft], latest)
    await repository.add(session, row)
    await store().record_clicks(session, [row])
    return str(row["transaction_id"])


def retention_cutoff(retention_days: int) -> datetime:
    """Clicks created before this moment are past retention."""
    return utcnow() - timedelta(days=retention_days)


async def purge_batch(session: AsyncSession, cutoff: datetime, batch: int) -> int:
    """Delete up to ``batch`` raw clicks older than ``cutoff`` that led to no conversion."""
    return await repository.purge_batch(session, cutoff, batch)
