"""Every query of the caps domain: custom cap settings, offers' caps, the counters."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Affiliate, CapCounter, CustomCapSetting, Network, Offer
from clicktrail.models.caps_mixin import CAP_FIELDS

NETWORK_ID = 1
#: A counter's key: offer, affiliate (0 = the whole offer), period code, period start.
CounterKey = tuple[int, int, str, date]

_COUNTER = cast(Table, CapCounter.__table__)
_OFFER = cast(Table, Offer.__table__)
_CUSTOM = cast(Table, CustomCapSetting.__table__)


def _dialect(session: AsyncSession) -> str:
    return "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"


# -- settings -----------------------------------------------------------------------------


def _in_range(row_id: int) -> bool:
    """Ids past the 32-bit columns name nothing (PostgreSQL refuses them as parameters)."""
    return 1 <= row_id <= MAX_INT32


async def setting(session: AsyncSession, setting_id: int) -> CustomCapSetting | None:
    return await session.get(CustomCapSetting, setting_id) if _in_range(setting_id) else None


async def setting_for(
    session: AsyncSession, offer_id: int, affiliate_id: int
) -> CustomCapSetting | None:
    result = await session.scalars(
        select(CustomCapSetting).where(
            CustomCapSetting.network_offer_id == offer_id,
            CustomCapSetting.network_affiliate_id == affiliate_id,
        )
    )
    return result.first()


async def settings_page(
    session: AsyncSession,
    *,
    offer_id: int | None,
    affiliate_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[CustomCapSetting], int]:
    where = []
    if offer_id is not None:
        where.append(CustomCapSetting.network_offer_id == offer_id)
    if affiliate_id is not None:
        where.append(CustomCapSetting.network_affiliate_id == affiliate_id)
    total = await session.scalar(select(func.count()).select_from(CustomCapSetting).where(*where))
    rows = await session.scalars(
        select(CustomCapSetting)
        .where(*where)
        .order_by(CustomCapSetting.network_custom_cap_setting_id)
        .offset(offset)
        .limit(limit)
    )
    return list(rows), int(total or 0)


async def settings_by_ids(
    session: AsyncSession, setting_ids: Collection[int]
) -> list[CustomCapSetting]:
    if not setting_ids:
        return []
    rows = await session.scalars(
        select(CustomCapSetting).where(
            CustomCapSetting.network_custom_cap_setting_id.in_(sorted(setting_ids))
        )
    )
    return list(rows)


async def add(session: AsyncSession, row: CustomCapSetting) -> CustomCapSetting:
    session.add(row)
    await session.flush()
    return row


async def delete(session: AsyncSession, row: CustomCapSetting) -> None:
    await session.delete(row)
    await session.flush()


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def offer_by_id(session: AsyncSession, offer_id: int) -> Offer | None:
    return await session.get(Offer, offer_id) if _in_range(offer_id) else None


async def affiliate_by_id(session: AsyncSession, affiliate_id: int) -> Affiliate | None:
    return await session.get(Affiliate, affiliate_id) if _in_range(affiliate_id) else None


# -- limits -------------------------------------------------------------------------------


async def network_timezone_id(session: AsyncSession) -> int:
    found = await session.scalar(
        select(Network.timezone_id).where(Network.network_id == NETWORK_ID)
    )
    return int(found) if found is not None else 67


async def offer_caps(session: AsyncSession, offer_ids: Collection[int]) -> list[Row[Any]]:
    """(network_offer_id, name, is_caps_enabled, *CAP_FIELDS, network_timezone_id) of these
    offers (all offers with caps enabled when ``offer_ids`` is empty): the network's timezone
    comes along so that a conversion batch reads its caps in one statement."""
    timezone = select(Network.timezone_id).where(Network.network_id == NETWORK_ID).scalar_subquery()
    stmt = select(
        _OFFER.c.network_offer_id,
        _OFFER.c.name,
        _OFFER.c.is_caps_enabled,
        *(_OFFER.c[name] for name in CAP_FIELDS),
        timezone.label("network_timezone_id"),
    ).order_by(_OFFER.c.network_offer_id)
    if offer_ids:
        stmt = stmt.where(_OFFER.c.network_offer_id.in_(sorted(offer_ids)))
    else:
        stmt = stmt.where(_OFFER.c.is_caps_enabled.is_(True))
    rows: list[Row[Any]] = list((await session.execute(stmt)).all())  # type: ignore[arg-type]
    return rows


async def custom_caps(session: AsyncSession, offer_ids: Collection[int]) -> list[Row[Any]]:
    """(setting id, offer, affiliate, is_soft_cap, *CAP_FIELDS) of these offers' settings."""
    if not offer_ids:
        return []
    stmt = (
        select(
            _CUSTOM.c.network_custom_cap_setting_id,
            _CUSTOM.c.network_offer_id,
            _CUSTOM.c.network_affiliate_id,
            _CUSTOM.c.is_soft_cap,
            *(_CUSTOM.c[name] for name in CAP_FIELDS),
        )
        .where(_CUSTOM.c.network_offer_id.in_(sorted(offer_ids)))
        .order_by(_CUSTOM.c.network_custom_cap_setting_id)
    )
    return list((await session.execute(stmt)).all())


# -- counters -----------------------------------------------------------------------------


def _ensure_stmt(insert: Any) -> Any:
    return insert(_COUNTER).on_conflict_do_nothing()


_ENSURE = {"postgresql": _ensure_stmt(postgresql.insert), "sqlite": _ensure_stmt(sqlite.insert)}


def _key_row(key: CounterKey) -> dict[str, Any]:
    offer_id, affiliate_id, period, start = key
    return {
        "network_offer_id": offer_id,
        "network_affiliate_id": affiliate_id,
        "period": period,
        "period_start": start,
    }


def _zero_row(key: CounterKey) -> dict[str, Any]:
    return _key_row(key) | {
        "clicks": 0,
        "conversions": 0,
        "payout": Decimal(0),
        "revenue": Decimal(0),
    }


_KEY_COLUMNS = (
    _COUNTER.c.network_offer_id,
    _COUNTER.c.network_affiliate_id,
    _COUNTER.c.period,
    _COUNTER.c.period_start,
)


async def lock_counters(
    session: AsyncSession, keys: Collection[CounterKey]
) -> dict[CounterKey, tuple[int, Decimal, Decimal]]:
    """(conversions, payout, revenue) of these counters, created at zero when missing and
    locked until the transaction ends on PostgreSQL, in key order so that concurrent batches
    cannot deadlock (SQLite has one writer: one statement once the counters exist). Two
    statements whatever the number of keys."""
    if not keys:
        return {}
    ordered = sorted(keys)
    dialect = _dialect(session)
    if dialect == "sqlite":
        # One writer holds the database: read what exists, create the rest at zero.
        found = await _read_counters(session, ordered)
        missing = [key for key in ordered if key not in found]
        if missing:
            await session.execute(_ENSURE[dialect], [_zero_row(key) for key in missing])
            found.update(dict.fromkeys(missing, (0, Decimal(0), Decimal(0))))
        return found
    await session.execute(_ENSURE[dialect], [_zero_row(key) for key in ordered])
    return await _read_counters(session, ordered)


async def _read_counters(
    session: AsyncSession, ordered: list[CounterKey]
) -> dict[CounterKey, tuple[int, Decimal, Decimal]]:
    stmt = (
        select(*_KEY_COLUMNS, _COUNTER.c.conversions, _COUNTER.c.payout, _COUNTER.c.revenue)
        .where(tuple_(*_KEY_COLUMNS).in_(ordered))
        .order_by(*_KEY_COLUMNS)
        .with_for_update()
    )
    found: dict[CounterKey, tuple[int, Decimal, Decimal]] = {}
    for (
        offer_id,
        affiliate_id,
        period,
        start,
        conversions,
        payout,
        revenue,
    ) in await session.execute(stmt):
        found[(offer_id, affiliate_id, period, start)] = (
            int(conversions),
            Decimal(payout),
            Decimal(revenue),
        )
    return found


_SAVE = (
    update(_COUNTER)
    .where(
        _COUNTER.c.network_offer_id == bindparam("k_offer"),
        _COUNTER.c.network_affiliate_id == bindparam("k_affiliate"),
        _COUNTER.c.period == bindparam("k_period"),
        _COUNTER.c.period_start == bindparam("k_start"),
    )
    .values(
        conversions=bindparam("v_conversions"),
        payout=bindparam("v_payout"),
        revenue=bindparam("v_revenue"),
    )
)


async def save_counters(
    session: AsyncSession, values: dict[CounterKey, tuple[int, Decimal, Decimal]]
) -> None:
    """Write these (locked) counters' conversions and money: one executemany."""
    if not values:
        return
    params = [
        {
            "k_offer": key[0],
            "k_affiliate": key[1],
            "k_period": key[2],
            "k_start": key[3],
            "v_conversions": conversions,
            "v_payout": payout,
            "v_revenue": revenue,
        }
        for key, (conversions, payout, revenue) in sorted(values.items())
    ]
    await session.execute(_SAVE, params)


def _add_clicks_stmt(insert: Any) -> Any:
    stmt = insert(_COUNTER)
    return stmt.on_conflict_do_update(
        index_elements=[c.name for c in _KEY_COLUMNS],
        set_={"clicks": _COUNTER.c.clicks + stmt.excluded.clicks},
    )


_ADD_CLICKS = {
    "postgresql": _add_clicks_stmt(postgresql.insert),
    "sqlite": _add_clicks_stmt(sqlite.insert),
}


async def add_clicks(session: AsyncSession, clicks: dict[CounterKey, int]) -> None:
    """Add these click counts to their counters (created when missing), in key order."""
    if not clicks:
        return
    rows = [_zero_row(key) | {"clicks": n} for key, n in sorted(clicks.items())]
    await session.execute(_ADD_CLICKS[_dialect(session)], rows)


async def counters(
    session: AsyncSession, offer_ids: Collection[int], starts: Collection[date]
) -> list[Any]:
    """Every counter of these offers starting on one of these days (no lock)."""
    if not offer_ids:
        return []
    stmt = select(
        *_KEY_COLUMNS,
        _COUNTER.c.clicks,
        _COUNTER.c.conversions,
        _COUNTER.c.payout,
        _COUNTER.c.revenue,
    ).where(
        _COUNTER.c.network_offer_id.in_(sorted(offer_ids)),
        _COUNTER.c.period_start.in_(sorted(set(starts))),
    )
    result = await session.execute(stmt)
    return list(result)
