"""``clicktrail demo``: seed a realistic demo network so a new user sees something at once.

Everything goes through the same services as the API (so the demo data obeys the same rules):
three advertisers, five offers covering CPA, CPS, CPA+CPS, PRV and CPC with several events,
four affiliates (one referred by another), a network API key and an affiliate API key. It
refuses to run on a database that already has advertisers, affiliates or offers.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clicktrail.config import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from clicktrail.db import Database

ADVERTISERS: list[dict[str, Any]] = [
    {"name": "Northwind Outfitters", "default_currency_id": "USD", "reporting_timezone_id": 80},
    {"name": "Globex Fintech", "default_currency_id": "EUR", "reporting_timezone_id": 56},
    {"name": "Initech Health", "default_currency_id": "USD", "reporting_timezone_id": 90},
]


def _entry(
    name: str,
    payout: tuple[str, float, float],
    revenue: tuple[str, float, float],
    *,
    alias: str = "",
    default: bool = False,
) -> dict[str, Any]:
    return {
        "entry_name": name,
        "event_alias": alias,
        "payout_type": payout[0],
        "payout_amount": payout[1],
        "payout_percentage": payout[2],
        "revenue_type": revenue[0],
        "revenue_amount": revenue[1],
        "revenue_percentage": revenue[2],
        "is_default": default,
    }


#: (advertiser index, offer fields); destination URLs carry the usual macros.
OFFERS: list[tuple[int, dict[str, Any]]] = [
    (
        0,
        {
            "name": "Northwind - Summer Sale (CPS)",
            "destination_url": "https://shop.northwind.example/summer?clickid={transaction_id}"
            "&aff={affiliate_id}&s1={sub1}",
            "offer_status": "active",
            "currency_id": "USD",
            "payout_revenue": [
                _entry("Sale", ("cps", 0, 8), ("rps", 0, 12), default=True),
                _entry("Newsletter signup", ("cpa", 0.5, 0), ("rpa", 1, 0), alias="newsletter"),
            ],
        },
    ),
    (
        0,
        {
            "name": "Northwind - App Install (CPC)",
            "destination_url": "https://apps.northwind.example/install?tid={transaction_id}",
            "offer_status": "active",
            "currency_id": "USD",
            "payout_revenue": [_entry("Click", ("cpc", 0.2, 0), ("rpc", 0.35, 0), default=True)],
        },
    ),
    (
        1,
        {
            "name": "Globex - Free Trial (CPA)",
            "destination_url": "https://globex.example/trial?ref={transaction_id}&src={source_id}",
            "offer_status": "active",
            "currency_id": "EUR",
            "is_session_tracking_enabled": True,
            "session_tracking_lifespan_hour": 720,
            "payout_revenue": [
                _entry("Trial started", ("cpa", 12, 0), ("rpa", 20, 0), default=True),
                _entry("First deposit", ("cpa_cps", 5, 2), ("rpa_rps", 10, 3), alias="deposit"),
                _entry("KYC verified", ("prv", 0, 40), ("rpa", 15, 0), alias="kyc"),
            ],
        },
    ),
    (
        1,
        {
            "name": "Globex - Premium Upgrade (paused)",
            "destination_url": "https://globex.example/premium?ref={transaction_id}",
            "offer_status": "paused",
            "currency_id": "EUR",
            "payout_revenue": [_entry("Upgrade", ("cpa", 30, 0), ("rpa", 45, 0), default=True)],
        },
    ),
    (
        2,
        {
            "name": "Initech - Health Quote (Lead)",
            "destination_url": "https://quotes.initech.example/start?cid={transaction_id}"
            "&pub={affiliate_id}&s2={sub2}",
            "offer_status": "active",
            "currency_id": "USD",
            "visibility": "require_approval",
            "is_order_id_deduplicated": True,
            "payout_revenue": [
                _entry("Qualified lead", ("cpa", 25, 0), ("rpa", 40, 0), default=True),
                _entry("Policy sold", ("cpa", 60, 0), ("rpa", 110, 0), alias="policy"),
            ],
        },
    ),
]

AFFILIATES: list[dict[str, Any]] = [
    {"name": "Bluebird Media", "labels": ["tier-1", "content"]},
    {"name": "Coupon Castle", "labels": ["coupon"]},
    {"name": "SearchSprint Ltd", "default_currency_id": "EUR", "labels": ["search"]},
    {"name": "Bluebird Sub-Network", "account_status": "pending"},
]


@dataclass
class DemoNetwork:
    advertiser_ids: list[int] = field(default_factory=list)
    offer_ids: list[int] = field(default_factory=list)
    affiliate_ids: list[int] = field(default_factory=list)
    affiliate_key: str = ""
    network_key: str = ""


async def is_empty(session: AsyncSession) -> bool:
    from sqlalchemy import func, select

    from clicktrail.models import Advertiser, Affiliate, Offer

    for model in (Advertiser, Affiliate, Offer):
        if (await session.scalar(select(func.count()).select_from(model))) or 0:
            return False
    return True


async def seed(session: AsyncSession) -> DemoNetwork:
    """Write the demo network in ``session`` (the caller commits)."""
    from clicktrail.advertiser.schemas import AdvertiserIn
    from clicktrail.advertiser.service import create_advertiser
    from clicktrail.affiliate.schemas import AffiliateIn
    from clicktrail.affiliate.service import create_affiliate
    from clicktrail.auth.service import create_key
    from clicktrail.offer.schemas import OfferIn
    from clicktrail.offer.service import create_offer

    demo = DemoNetwork()
    for fields in ADVERTISERS:
        advertiser = await create_advertiser(session, AdvertiserIn(**fields))
        demo.advertiser_ids.append(advertiser.network_advertiser_id)
    for advertiser_index, fields in OFFERS:
        body = OfferIn(network_advertiser_id=demo.advertiser_ids[advertiser_index], **fields)
        offer, _ = await create_offer(session, body)
        demo.offer_ids.append(offer.network_offer_id)
    for index, fields in enumerate(AFFILIATES):
        extra = {"referrer_id": demo.affiliate_ids[0]} if index == 3 else {}
        affiliate = await create_affiliate(session, AffiliateIn(**fields, **extra))
        demo.affiliate_ids.append(affiliate.network_affiliate_id)
    _key, demo.affiliate_key = await create_key(
        session, realm="affiliate", affiliate_id=demo.affiliate_ids[0], name="demo: Bluebird"
    )
    _key, demo.network_key = await create_key(session, realm="network", name="demo: network")
    return demo


class NotEmpty(Exception):
    pass


async def _run(db: Database) -> DemoNetwork:
    async with db.write() as session:
        if not await is_empty(session):
            raise NotEmpty
        return await seed(session)


def server_url(settings: Settings, url: str | None) -> str:
    """Where a user reaches the server: ``url`` when given, else the tracking URL setting,
    else ``http://{host}:{port}`` with a wildcard listen address replaced by 127.0.0.1."""
    if url:
        return url.rstrip("/")
    if settings.tracking_url:
        return settings.public_tracking_url()
    host = settings.host
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{settings.port}"


def demo(
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="Base URL of the running server, as users reach it (default: "
            "CLICKTRAIL_TRACKING_URL, else http://CLICKTRAIL_HOST:CLICKTRAIL_PORT).",
        ),
    ] = None,
) -> None:
    """Seed a demo network into an empty database (refuses a non-empty one).

    Three advertisers, five offers (CPA, CPS, CPA+CPS, PRV, CPC; several events), four
    affiliates, a network API key and an affiliate API key. The keys are printed once to
    stderr, with commands ready to paste against the server's real URL.

    Example: CLICKTRAIL_DATABASE_URL=sqlite+aiosqlite:///./var/demo.db clicktrail demo
    --url http://127.0.0.1:8080
    """
    from clicktrail.db import Database
    from clicktrail.migrations import upgrade

    settings = get_settings()
    if settings.auto_migrate:
        upgrade(settings.database_url)

    async def _main() -> DemoNetwork:
        db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        try:
            return await _run(db)
        finally:
            await db.dispose()

    try:
        result = asyncio.run(_main())
    except NotEmpty:
        typer.echo(
            "error: the database already has advertisers, affiliates or offers; "
            "the demo only seeds an empty one (point CLICKTRAIL_DATABASE_URL elsewhere)",
            err=True,
        )
        raise typer.Exit(1) from None
    base = server_url(settings, url)
    first_offer, first_affiliate = result.offer_ids[0], result.affiliate_ids[0]
    lines = [
        f"demo network ready: {len(result.advertiser_ids)} advertisers, "
        f"{len(result.offer_ids)} offers, {len(result.affiliate_ids)} affiliates",
        f"advertiser ids: {result.advertiser_ids}; offer ids: {result.offer_ids}; "
        f"affiliate ids: {result.affiliate_ids}",
        f"network key, shown once: {result.network_key}",
        f"affiliate key for affiliate {first_affiliate} (Bluebird Media), shown once: "
        f"{result.affiliate_key}",
        f"try: curl -H 'X-Eflow-API-Key: {result.network_key}' "
        f"'{base}/v1/networks/offers/{first_offer}'",
        f"tracking link: curl -i '{base}/c?oid={first_offer}&affid={first_affiliate}&sub1=demo'",
        f"API docs: {base}/docs",
    ]
    for line in lines:
        typer.echo(line, err=True)
