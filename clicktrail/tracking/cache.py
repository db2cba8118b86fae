"""What tracking links resolve to, held in memory: offers, affiliates, the fallback URL.

Before each click resolves its link, :meth:`TrackingCache.sync` reads the cache generation
(clicktrail/tracking/generation.py), a counter every API write of an offer, payout entry,
affiliate or the network moves in its own transaction, and reloads when it moved: a change
is honoured by the very next click in every process (ADR 0071). An id the cache does not
know is looked up in the database before the click is called unknown (a write that bypassed
the ORM); ids found missing are remembered until the next reload, so a flood of bogus ids
costs one query each at most once.

A background task also runs a cheap fingerprint query every :data:`REFRESH_SECONDS` and
reloads when it changed, and a full reload every :data:`FULL_RELOAD_SECONDS`: a backstop for
writes made outside clicktrail. ``invalidate()`` asks for a reload at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import structlog
from cachetools import FIFOCache

from clicktrail.caps import repository as caps_repository
from clicktrail.db import Database
from clicktrail.offer.custom_rules import CustomRate, rate_of
from clicktrail.tracking import repository
from clicktrail.tracking.audience import Audience, audience_for
from clicktrail.tracking.capping import ClickCaps
from clicktrail.tracking.failtraffic import fail_traffic_of
from clicktrail.tracking.generation import GenerationProbe, probe_for
from clicktrail.tracking.macros import UrlTemplate
from clicktrail.tracking.matcher import Targeting, compile_ruleset
from clicktrail.tracking.traffic import TrafficGuard, guards_by_offer

log = structlog.get_logger("clicktrail.tracking.cache")

REFRESH_SECONDS = 1.0
FULL_RELOAD_SECONDS = 60.0
#: Ids found missing in the database, remembered until the next reload (at most this many
#: offers and as many affiliates; past that the oldest go first; ADR 0080).
MISSING_LIMIT = 5_000

#: Everflow shows click-level revenue and payout types in upper case (seed 003: "CPA").
_REVENUE_TYPES = {"rpc": "CPC", "rpa": "CPA", "rps": "CPS", "rpa_rps": "CPA_CPS", "rpm": "CPM"}
_ZERO = Decimal(0)
_PAYOUT_TYPES = {
    "cpc": "CPC",
    "cpa": "CPA",
    "cps": "CPS",
    "cpa_cps": "CPA_CPS",
    "cpm": "CPM",
    "prv": "PRV",
}


@dataclass(frozen=True, slots=True)
class OfferEntry:
    offer_id: int
    advertiser_id: int
    name: str
    status: str
    currency_id: str
    tracking_domain_id: int
    template: UrlTemplate
    #: Unique-click session: seconds, and what identifies a visitor.
    session_seconds: int
    session_definition: str
    #: Click-level money (CPC offers); types as shown in click reports.
    revenue_type: str
    revenue: Decimal
    payout_type: str
    payout: Decimal
    #: Duplicate click filter: "" (off), "block" or "fail_traffic".
    duplicate_action: str
    #: Where traffic a network rule refuses goes (Everflow's "fail traffic" redirect):
    #: a rule step sets ``Draft.divert`` to it; None sends such clicks to the fallback.
    fail_traffic: UrlTemplate | None = None
    #: Who may run the offer (tracking/audience.py); None: every affiliate.
    audience: Audience | None = None
    #: The offer's active custom payout/revenue settings on the base conversion (ADR 0094):
    #: ``settle`` prices a click by the one that wins for its affiliate at the click's time.
    custom: tuple[CustomRate, ...] = ()
    #: The offer's targeting ruleset, compiled (tracking/matcher.py); None: no rule.
    targeting: Targeting | None = None
    #: Robots, proxies and traffic controls refused on this offer (tracking/traffic.py);
    #: None, the common case, costs the click path one attribute check.
    traffic: TrafficGuard | None = None
    #: What one impression pays and earns (a CPM/RPM rate / 1,000; else 0), ADR 0102.
    imp_payout: Decimal = _ZERO
    imp_revenue: Decimal = _ZERO

    @property
    def active(self) -> bool:
        return self.status == "active"


def click_revenue(kind: str | None, amount: Any) -> tuple[str, Decimal]:
    """A revenue type as click reports show it, and what one click earns (only ``rpc``)."""
    raw = str(kind or "").lower()
    return _REVENUE_TYPES.get(raw, raw.upper()), Decimal(amount or 0) if raw == "rpc" else _ZERO


def click_payout(kind: str | None, amount: Any) -> tuple[str, Decimal]:
    """A payout type as click reports show it, and what one click pays (only ``cpc``)."""
    raw = str(kind or "").lower()
    return _PAYOUT_TYPES.get(raw, raw.upper()), Decimal(amount or 0) if raw == "cpc" else _ZERO


_THOUSAND = Decimal(1000)
_MICRO = Decimal("0.000001")


def per_impression(kind: str | None, amount: Any, priced: str) -> Decimal:
    """What one impression pays (``priced`` "cpm") or earns ("rpm"): the rate per 1,000
    impressions / 1,000, to the micro-unit; 0 for any other type (ADR 0102)."""
    if str(kind or "").lower() != priced:
        return _ZERO
    return (Decimal(amount or 0) / _THOUSAND).quantize(_MICRO, ROUND_HALF_EVEN)


def _entry(offer: Any, base: Any | None, custom: tuple[CustomRate, ...] = ()) -> OfferEntry:
    revenue_type = payout_type = ""
    revenue = payout = imp_payout = imp_revenue = _ZERO
    if base is not None:
        revenue_type, revenue = click_revenue(base.revenue_type, base.revenue_amount)
        payout_type, payout = click_payout(base.payout_type, base.payout_amount)
        imp_payout = per_impression(base.payout_type, base.payout_amount, "cpm")
        imp_revenue = per_impression(base.revenue_type, base.revenue_amount, "rpm")
    duplicate_action = ""
    if getattr(offer, "is_duplicate_filter_enabled", False):
        action = str(getattr(offer, "duplicate_filter_targeting_action", "") or "")
        duplicate_action = action if action in ("block", "fail_traffic") else ""
    hours = getattr(offer, "session_duration", None)
    hours = 24 if hours is None else int(hours)
    return OfferEntry(
        offer_id=int(offer.network_offer_id),
        advertiser_id=int(offer.network_advertiser_id),
        name=str(offer.name),
        status=str(offer.offer_status),
        currency_id=str(offer.currency_id or ""),
        tracking_domain_id=int(getattr(offer, "network_tracking_domain_id", 0) or 0),
        template=UrlTemplate(str(offer.destination_url or "")),
        session_seconds=max(hours, 0) * 3600,
        session_definition=str(getattr(offer, "session_definition", "") or ""),
        revenue_type=revenue_type,
        revenue=revenue,
        payout_type=payout_type,
        payout=payout,
        duplicate_action=duplicate_action,
        custom=custom,
        targeting=compile_ruleset(getattr(offer, "ruleset", None)),
        imp_payout=imp_payout,
        imp_revenue=imp_revenue,
    )


def _set_audiences(
    entries: dict[int, OfferEntry], offers: Any, rows: Sequence[tuple[int, int, str]]
) -> None:
    """Give each offer that is not open to every affiliate its audience."""
    by_offer: defaultdict[int, list[tuple[int, str]]] = defaultdict(list)
    for offer_id, affiliate_id, kind in rows:
        by_offer[offer_id].append((affiliate_id, kind))
    for offer in offers:
        offer_id = int(offer.network_offer_id)
        audience = audience_for(str(offer.visibility), by_offer.get(offer_id, ()))
        if audience is not None:
            entries[offer_id] = replace(entries[offer_id], audience=audience)


class TrackingCache:
    """Offers, affiliate statuses and the fallback URL, refreshed in the background."""

    name = "tracking_cache"
    #: Load everything when the service starts, so the first click finds a warm cache. The
    #: test suite turns it off: most tests start an app and never click, and a click's
    #: ``sync`` loads a cache that was never loaded (its generation is -1).
    load_at_start = True

    def __init__(self, db: Database, probe: GenerationProbe | None = None) -> None:
        self.db = db
        self.offers: dict[int, OfferEntry] = {}
        self.affiliates: dict[int, str] = {}
        self.fallback: UrlTemplate | None = None
        #: Click caps of the offers with caps enabled, and their counted clicks.
        self.click_caps = ClickCaps()
        self.loaded = False
        #: The cache generation the loaded state is at least as new as.
        self.generation = -1
        #: How many reloads ran (a reading for tests and metrics).
        self.reloads = 0
        self.probe = probe if probe is not None else probe_for(db.url)
        self._missing_offers: FIFOCache[int, bool] = FIFOCache(MISSING_LIMIT)
        self._missing_affiliates: FIFOCache[int, bool] = FIFOCache(MISSING_LIMIT)
        self._reload_lock = asyncio.Lock()
        self._fingerprint: tuple[Any, ...] | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.probe is not None:
            await self.probe.open()
        if self.load_at_start:
            await self.reload()
        self._task = asyncio.create_task(self._run(), name="tracking-cache")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.probe is not None:
            await self.probe.close()

    async def sync(self, offer_id: int | None, affiliate_id: int | None) -> None:
        """Bring the cache up to date for a click on ``offer_id``/``affiliate_id``: reload
        when the generation moved, then look up ids the cache does not know."""
        if self.probe is not None:
            generation = await self.probe.read()
            if generation is not None and generation > self.generation:
                await self._reload_past(generation)
        offer_missing = offer_id is not None and offer_id not in self.offers
        affiliate_missing = affiliate_id is not None and affiliate_id not in self.affiliates
        if offer_missing and offer_id in self._missing_offers:
            offer_missing = False
        if affiliate_missing and affiliate_id in self._missing_affiliates:
            affiliate_missing = False
        if offer_missing or affiliate_missing:
            await self._look_up(
                offer_id if offer_missing else None, affiliate_id if affiliate_missing else None
            )

    async def _reload_past(self, generation: int) -> None:
        async with self._reload_lock:
            # Another click may have reloaded while this one waited for the lock.
            if generation > self.generation:
                await self._load()

    async def _look_up(self, offer_id: int | None, affiliate_id: int | None) -> None:
        async with self.db.read() as session:
            found = await repository.exists(session, offer_id, affiliate_id)
        if found:
            log.info("tracking_cache_miss_found", offer_id=offer_id, affiliate_id=affiliate_id)
            await self.reload()
            return
        if offer_id is not None:
            self._missing_offers[offer_id] = True
        if affiliate_id is not None:
            self._missing_affiliates[affiliate_id] = True

    def invalidate(self) -> None:
        """Reload at the next opportunity (a fraction of a second)."""
        self._fingerprint = None
        self._wake.set()

    async def reload(self) -> None:
        """Load everything; one load at a time, so an older snapshot never lands last."""
        async with self._reload_lock:
            await self._load()

    async def _load(self) -> None:
        async with self.db.read() as session:
            # Read first: the state loaded below is at least as new as this generation.
            generation = await repository.generation(session)
            stamp = await repository.fingerprint(session)
            offers = await repository.offer_rows(session)
            entries = await repository.base_entries(session)
            custom_rows = await repository.base_custom_settings(session)
            affiliates = await repository.affiliate_statuses(session)
            visibility = await repository.visibility_rows(session)
            fallback = await repository.network_fallback_url(session)
            capped = [o.network_offer_id for o in offers if o.is_caps_enabled]
            custom_caps = await caps_repository.custom_caps(session, capped)
            timezone_id = await caps_repository.network_timezone_id(session) if capped else 67
            controls = await repository.active_traffic_controls(session)
        base: dict[int, Any] = {}
        for entry in entries:
            current = base.get(entry.network_offer_id)
            if current is None or (entry.is_default and not current.is_default):
                base[entry.network_offer_id] = entry
        custom: dict[int, list[CustomRate]] = {}
        for row in custom_rows:
            custom.setdefault(int(row.network_offer_id), []).append(rate_of(row))
        loaded = {
            int(o.network_offer_id): _entry(
                o, base.get(o.network_offer_id), tuple(custom.get(int(o.network_offer_id), ()))
            )
            for o in offers
        }
        destinations = {i: e.template for i, e in loaded.items() if e.active}
        for o in offers:
            fail_traffic = fail_traffic_of(o, destinations)
            if fail_traffic is not None:
                offer_id = int(o.network_offer_id)
                loaded[offer_id] = replace(loaded[offer_id], fail_traffic=fail_traffic)
        for offer_id, guard in guards_by_offer(offers, controls).items():
            loaded[offer_id] = replace(loaded[offer_id], traffic=guard)
        _set_audiences(loaded, offers, visibility)
        self.offers = loaded
        self.affiliates = affiliates
        self.fallback = UrlTemplate(fallback) if fallback else None
        self.click_caps.configure(offers, custom_caps, timezone_id)
        self._fingerprint = stamp
        self._missing_offers = FIFOCache(MISSING_LIMIT)
        self._missing_affiliates = FIFOCache(MISSING_LIMIT)
        self.generation = generation
        self.reloads += 1
        self.loaded = True
        await self.click_caps.sync(self.db)

    async def refresh(self) -> bool:
        """Reload if anything changed; True when it did."""
        async with self.db.read() as session:
            stamp = await repository.fingerprint(session)
        if stamp == self._fingerprint:
            return False
        await self.reload()
        return True

    async def _run(self) -> None:
        since_full = 0.0
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), REFRESH_SECONDS)
            self._wake.clear()
            since_full += REFRESH_SECONDS
            try:
                if since_full >= FULL_RELOAD_SECONDS:
                    since_full = 0.0
                    await self.reload()
                else:
                    await self.refresh()
                await self.click_caps.sync(self.db)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Keep serving what is loaded; the next tick tries again.
                log.exception("tracking_cache_refresh_failed")
