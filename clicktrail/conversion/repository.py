"""Every query of the conversion domain."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion.reasons import ACCEPTED_CODES
from clicktrail.kit.genmemo import GenerationMemo
from clicktrail.kit.rowinsert import RowInserter
from clicktrail.kit.sqlin import in_list
from clicktrail.models import (
    Advertiser,
    Affiliate,
    CacheGeneration,
    Click,
    Conversion,
    ConversionChange,
    ConversionThrottle,
    CustomPayoutRevenue,
    Offer,
    OfferPayoutRevenue,
)
from clicktrail.models.cache_generation import ROW_ID as GENERATION_ROW
from clicktrail.models.click import minted_days
from clicktrail.offer.custom_rules import CustomRate, rate_of


async def clicks_by_id(
    session: AsyncSession, transaction_ids: Collection[str], *, lock: bool = True
) -> dict[str, Click]:
    """The clicks with these ids. ``lock`` takes row locks on PostgreSQL (in id order, so
    concurrent writers cannot deadlock), serialising conversions of the same click."""
    if not transaction_ids:
        return {}
    stmt = (
        select(Click)
        .where(Click.transaction_id.in_(sorted(transaction_ids)))
        .order_by(Click.transaction_id)
    )
    if lock:
        stmt = stmt.with_for_update()
    rows = await session.scalars(stmt)
    return {click.transaction_id: click for click in rows}


class ClickFacts(NamedTuple):
    """What recording a conversion reads of its click (a plain row, not an ORM object: the
    postback writer reads thousands a second)."""

    transaction_id: str
    created_at: datetime
    network_offer_id: int | None
    network_affiliate_id: int | None
    has_conversion: bool
    source_id: str
    sub1: str
    sub2: str
    sub3: str
    sub4: str
    sub5: str
    creative_id: int | None
    user_ip: str
    country_code: str
    region_name: str
    city_name: str
    device_type: str
    platform_name: str
    browser_name: str
    #: The code the click carried (``coupon_code`` / ``__cc``): a conversion without one
    #: of its own keeps it, and it takes part in attribution (conversion/coupons.py).
    coupon_code: str


_CLICK_TABLE = cast(Table, Click.__table__)


def _rows_by_ids(table: Table, names: Sequence[str], key: str, order: str, dialect: str) -> Any:
    """``names`` of ``table``'s rows whose ``key`` is in the list bound as ``ids``."""
    return (
        select(*(table.c[name] for name in names))
        .where(in_list(table.c[key], "ids", dialect))
        .order_by(table.c[order])
    )


def _click_facts_stmt(dialect: str) -> Any:
    fields = ClickFacts._fields
    stmt = _rows_by_ids(_CLICK_TABLE, fields, "transaction_id", "transaction_id", dialect)
    return stmt.with_for_update()  # on PostgreSQL, in id order: see click_facts


def _mark_converted_stmt(dialect: str) -> Any:
    table = _CLICK_TABLE
    stmt = update(table).where(
        in_list(table.c.transaction_id, "ids", dialect), table.c.has_conversion.is_(False)
    )
    if dialect == "postgresql":  # only the partitions of the clicks' days (ADR 0106)
        stmt = stmt.where(
            table.c.created_at >= bindparam("first"), table.c.created_at <= bindparam("last")
        )
    return stmt.values(has_conversion=True)


_DIALECTS = ("sqlite", "postgresql")
_CLICK_FACTS = {d: _click_facts_stmt(d) for d in _DIALECTS}
#: PostgreSQL: the same, bound to the days the ids were minted on (their partitions).
_CLICK_FACTS_IN_DAYS = _click_facts_stmt("postgresql").where(
    _CLICK_TABLE.c.created_at >= bindparam("start"), _CLICK_TABLE.c.created_at < bindparam("end")
)
_MARK_CONVERTED = {d: _mark_converted_stmt(d) for d in _DIALECTS}


def _dialect(session: AsyncSession) -> str:
    return "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"


async def click_facts(
    session: AsyncSession, transaction_ids: Collection[str]
) -> dict[str, ClickFacts]:
    """The clicks with these ids, locked on PostgreSQL (in id order, so concurrent writers
    cannot deadlock) to serialise conversions of the same click."""
    if not transaction_ids:
        return {}
    dialect = _dialect(session)
    ids = sorted(transaction_ids)
    window = minted_days(ids) if dialect == "postgresql" else None
    found: dict[str, ClickFacts] = {}
    if window is not None:
        params = {"ids": ids, "start": window[0], "end": window[1]}
        found = {
            row[0]: ClickFacts(*row) for row in await session.execute(_CLICK_FACTS_IN_DAYS, params)
        }
        ids = [i for i in ids if i not in found]  # not minted here, or no such click
        if not ids:
            return found
    result = await session.execute(_CLICK_FACTS[dialect], {"ids": ids})
    found.update((row[0], ClickFacts(*row)) for row in result)
    return found


class EntryFacts(NamedTuple):
    """An offer's payout/revenue entry, as the rules and pricing read it."""

    network_offer_payout_revenue_id: int
    network_offer_id: int
    event_id: int
    event_alias: str
    is_default: bool
    payout_type: str
    payout_amount: Decimal
    payout_percentage: Decimal
    revenue_type: str
    revenue_amount: Decimal
    revenue_percentage: Decimal


class OfferFacts(NamedTuple):
    """An offer as the rules read it, with its entries in id order: plain rows, read with
    two statements per batch instead of ORM instances and an eager load."""

    network_offer_id: int
    network_advertiser_id: int
    offer_status: str
    currency_id: str
    verification_token: str
    min_click_to_conversion_seconds: int
    max_click_to_conversion_seconds: int
    is_allow_duplicate_conversion: bool
    is_must_approve_conversion: bool
    is_order_id_deduplicated: bool
    is_caps_enabled: bool
    #: View-through attribution (ADR 0103).
    is_view_through_enabled: bool
    view_through_lookback_hour: int
    payout_revenue: tuple[EntryFacts, ...]
    #: The offer's active custom payout/revenue settings (most offers have none).
    custom: tuple[CustomRate, ...] = ()

    def default_entry(self) -> EntryFacts | None:
        """The base-conversion entry (``is_default``, event 0)."""
        return next((entry for entry in self.payout_revenue if entry.is_default), None)


_OFFER_TABLE = cast(Table, Offer.__table__)
_ENTRY_TABLE = cast(Table, OfferPayoutRevenue.__table__)
_ADVERTISER_TABLE = cast(Table, Advertiser.__table__)
_CUSTOM_TABLE = cast(Table, CustomPayoutRevenue.__table__)
#: OfferFacts' columns read from the offer row (the entries and settings come apart).
_OFFER_COLUMNS = OfferFacts._fields[:-2]


_GENERATION = (
    select(CacheGeneration.generation).where(CacheGeneration.id == GENERATION_ROW).scalar_subquery()
)


def _offers_stmt(dialect: str) -> Any:
    offer, advertiser, custom = _OFFER_TABLE, _ADVERTISER_TABLE, _CUSTOM_TABLE
    # Whether the offer has a custom setting: an index probe per offer, so a batch whose
    # offers have none never runs the settings query.
    has_custom = (
        select(custom.c.network_custom_payout_revenue_setting_id)
        .where(custom.c.network_offer_id == offer.c.network_offer_id)
        .exists()
    )
    # Likewise for throttles: a batch whose offers have none never runs the throttle query.
    throttle = cast(Table, ConversionThrottle.__table__)
    has_throttle = (
        select(throttle.c.network_offer_id)
        .where(throttle.c.network_offer_id == offer.c.network_offer_id)
        .exists()
    )
    return (
        select(
            *(offer.c[name] for name in _OFFER_COLUMNS),
            advertiser.c.verification_token,
            has_throttle.label("has_throttle"),
            has_custom.label("has_custom"),
            # The cache generation, read in the same snapshot: what the batch may reuse of
            # the settings it loaded before (kit/genmemo.py).
            _GENERATION.label("generation"),
        )
        .outerjoin(advertiser, advertiser.c.network_advertiser_id == offer.c.network_advertiser_id)
        .where(in_list(offer.c.network_offer_id, "ids", dialect))
    )


def _entries_stmt(dialect: str) -> Any:
    fields = EntryFacts._fields
    order = "network_offer_payout_revenue_id"
    return _rows_by_ids(_ENTRY_TABLE, fields, "network_offer_id", order, dialect)


def _custom_stmt(dialect: str) -> Any:
    custom = _CUSTOM_TABLE
    return (
        select(custom)
        .where(
            in_list(custom.c.network_offer_id, "ids", dialect),
            custom.c.custom_setting_status == "active",
        )
        .order_by(custom.c.network_custom_payout_revenue_setting_id)
    )


_OFFERS = {d: _offers_stmt(d) for d in _DIALECTS}
_ENTRIES = {d: _entries_stmt(d) for d in _DIALECTS}
_CUSTOM = {d: _custom_stmt(d) for d in _DIALECTS}


async def active_throttles(
    session: AsyncSession, offer_ids: Collection[int]
) -> dict[tuple[int, int], Decimal]:
    """The active conversion throttles of these offers: (offer id, affiliate id or 0) ->
    percentage. One statement per batch."""
    if not offer_ids:
        return {}
    table = cast(Table, ConversionThrottle.__table__)
    stmt = select(
        table.c.network_offer_id, table.c.network_affiliate_id, table.c.throttle_percentage
    ).where(in_list(table.c.network_offer_id, "ids", _dialect(session)), table.c.status == "active")
    result = await session.execute(stmt, {"ids": sorted(offer_ids)})
    return {(int(o), int(a)): Decimal(p) for o, a, p in result}


class OfferBatch(NamedTuple):
    """What a conversion batch reads of its offers."""

    offers: dict[int, OfferFacts]
    #: Advertiser id -> verification token.
    tokens: dict[int, str]
    #: The offers with a conversion throttle.
    throttled: set[int]
    #: The cache generation the offers were read at.
    generation: int


#: Offers' active custom payout/revenue settings, per database, while the generation stands.
_CUSTOM_RATES: GenerationMemo[int, tuple[CustomRate, ...]] = GenerationMemo()


async def offers_and_tokens(session: AsyncSession, offer_ids: Collection[int]) -> OfferBatch:
    """Offers with their payout/revenue entries and active custom settings, their
    advertisers' verification tokens, which of them have a conversion throttle, and the
    cache generation. The settings cost one query when an offer of the batch has some that
    were not loaded at this generation, and none otherwise."""
    if not offer_ids:
        return OfferBatch({}, {}, set(), 0)
    dialect = _dialect(session)
    ids = {"ids": sorted(offer_ids)}
    found = (await session.execute(_OFFERS[dialect], ids)).all()
    entries: dict[int, list[EntryFacts]] = {}
    for row in await session.execute(_ENTRIES[dialect], ids):
        entries.setdefault(row.network_offer_id, []).append(EntryFacts(*row))
    generation = int(found[0].generation or 0) if found else 0
    custom = _CUSTOM_RATES.at(session.get_bind(), generation)
    missing = sorted(row[0] for row in found if row.has_custom and row[0] not in custom)

    if missing:
        loaded: dict[int, list[CustomRate]] = {}
        for row in await session.execute(_CUSTOM[dialect], {"ids": missing}):
            loaded.setdefault(row.network_offer_id, []).append(rate_of(row))
        custom.update({offer_id: tuple(loaded.get(offer_id, ())) for offer_id in missing})
    offers: dict[int, OfferFacts] = {}
    tokens: dict[int, str] = {}
    throttled: set[int] = set()
    for *columns, token, has_throttle, has_custom, _generation in found:
        offer_id = columns[0]
        rates = custom.get(offer_id, ()) if has_custom else ()
        offer = OfferFacts._make([*columns, tuple(entries.get(offer_id, ())), rates])
        offers[offer.network_offer_id] = offer
        tokens[offer.network_advertiser_id] = token or ""
        if has_throttle:
            throttled.add(offer.network_offer_id)
    return OfferBatch(offers, tokens, throttled, generation)


async def existing_affiliate_ids(session: AsyncSession, affiliate_ids: Collection[int]) -> set[int]:
    if not affiliate_ids:
        return set()
    rows = await session.scalars(
        select(Affiliate.network_affiliate_id).where(
            Affiliate.network_affiliate_id.in_(affiliate_ids)
        )
    )
    return set(rows)


async def accepted_click_events(
    session: AsyncSession, transaction_ids: Collection[str]
) -> set[tuple[str, int]]:
    """(transaction_id, event_id) pairs that already have a conversion accepted when recorded."""
    if not transaction_ids:
        return set()
    rows = await session.execute(
        select(Conversion.transaction_id, Conversion.event_id).where(
            Conversion.transaction_id.in_(transaction_ids),
            Conversion.error_code.in_(ACCEPTED_CODES),
        )
    )
    return {(tid, event_id) for tid, event_id in rows.all() if tid is not None}


async def by_idempotency_keys(
    session: AsyncSession, keys: Collection[str]
) -> dict[str, Conversion]:
    if not keys:
        return {}
    rows = await session.scalars(select(Conversion).where(Conversion.idempotency_key.in_(keys)))
    return {c.idempotency_key: c for c in rows if c.idempotency_key is not None}


async def add_all(session: AsyncSession, conversions: Sequence[Conversion]) -> None:
    session.add_all(conversions)
    await session.flush()


_CONVERSION_INSERT = RowInserter(cast(Table, Conversion.__table__))


async def insert_rows(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert complete conversion rows with one driver-level executemany (the group-commit
    path; the ORM's bulk insert costs several times more per row, Core's about twice)."""
    await _CONVERSION_INSERT.insert(session, rows)


async def mark_clicks_converted(session: AsyncSession, clicks: Mapping[str, datetime]) -> None:
    """Flag the clicks (transaction id -> its ``created_at``) as converted."""
    if not clicks:
        return
    params: dict[str, Any] = {"ids": sorted(clicks)}
    dialect = _dialect(session)
    if dialect == "postgresql":
        params.update(first=min(clicks.values()), last=max(clicks.values()))
    await session.execute(_MARK_CONVERTED[dialect], params)


async def get(
    session: AsyncSession, conversion_id: str, *, lock: bool = False
) -> Conversion | None:
    if lock:
        stmt = select(Conversion).where(Conversion.conversion_id == conversion_id)
        return (await session.scalars(stmt.with_for_update())).first()
    return await session.get(Conversion, conversion_id)


async def get_many(
    session: AsyncSession, conversion_ids: Collection[str], *, lock: bool = False
) -> list[Conversion]:
    if not conversion_ids:
        return []
    stmt = (
        select(Conversion)
        .where(Conversion.conversion_id.in_(sorted(conversion_ids)))
        .order_by(Conversion.conversion_id)
    )
    if lock:
        stmt = stmt.with_for_update()
    return list(await session.scalars(stmt))


@dataclass(slots=True)
class Names:
    offers: dict[int, str] = field(default_factory=dict)
    affiliates: dict[int, str] = field(default_factory=dict)
    advertisers: dict[int, str] = field(default_factory=dict)


async def names(session: AsyncSession, rows: Sequence[Conversion]) -> Names:
    result = Names()
    offer_ids = {r.network_offer_id for r in rows}
    affiliate_ids = {r.network_affiliate_id for r in rows}
    advertiser_ids = {r.network_advertiser_id for r in rows}
    if offer_ids:
        found = await session.execute(
            select(Offer.network_offer_id, Offer.name).where(Offer.network_offer_id.in_(offer_ids))
        )
        result.offers = {row[0]: row[1] for row in found.all()}
    if affiliate_ids:
        found = await session.execute(
            select(Affiliate.network_affiliate_id, Affiliate.name).where(
                Affiliate.network_affiliate_id.in_(affiliate_ids)
            )
        )
        result.affiliates = {row[0]: row[1] for row in found.all()}
    if advertiser_ids:
        found = await session.execute(
            select(Advertiser.network_advertiser_id, Advertiser.name).where(
                Advertiser.network_advertiser_id.in_(advertiser_ids)
            )
        )
        result.advertisers = {row[0]: row[1] for row in found.all()}
    return result


async def event_names(session: AsyncSession, entry_ids: Collection[int]) -> dict[int, str]:
    ids = {i for i in entry_ids if i}
    if not ids:
        return {}
    found = await session.execute(
        select(
            OfferPayoutRevenue.network_offer_payout_revenue_id, OfferPayoutRevenue.entry_name
        ).where(OfferPayoutRevenue.network_offer_payout_revenue_id.in_(ids))
    )
    return {row[0]: row[1] for row in found.all()}


async def report(
    session: AsyncSession, where: Sequence[ColumnElement[bool]], offset: int, limit: int
) -> tuple[list[Conversion], int]:
    """One page of conversions, newest first, and how many match in all."""
    total = await session.scalar(select(func.count()).select_from(Conversion).where(*where))
    rows = await session.scalars(
        select(Conversion)
        .where(*where)
        .order_by(Conversion.created_at.desc(), Conversion.conversion_id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows), int(total or 0)


async def changes_of(session: AsyncSession, conversion_id: str) -> list[ConversionChange]:
    """A conversion's history rows, oldest first."""
    rows = await session.scalars(
        select(ConversionChange)
        .where(ConversionChange.conversion_id == conversion_id)
        .order_by(ConversionChange.changed_at, ConversionChange.conversion_change_id)
    )
    return list(rows)
