"""Conversion caps, checked and counted inside the transaction that records the conversions.

The conversion service builds a :class:`ConversionCaps` once per batch, and only when an
offer of the batch has ``is_caps_enabled``: it takes the offers' caps and custom cap
settings (read once per cache generation and database, kept in the process until the
generation moves) and locks their counters for the current periods (PostgreSQL: ``SELECT … FOR
UPDATE`` in key order, after creating missing rows; SQLite has one writer). Each accepted
conversion is then admitted or refused in memory, in batch order, and :meth:`save` writes
the counters back before the transaction commits: two or three statements per batch,
whatever its size, and exact however many processes record conversions at once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.caps import periods, repository
from clicktrail.caps.limits import Scope, scope_of
from clicktrail.caps.repository import CounterKey
from clicktrail.kit.genmemo import GenerationMemo
from clicktrail.meta.timezones import zone_for

_ZERO = Decimal(0)
#: Everflow's timezone 67 (UTC), for a network without one.
_UTC_ZONE = zone_for(67)
_CONVERSION_METRICS = ("conversion", "payout", "revenue")


#: Where each conversion metric sits in a counter cell: [conversions, payout, revenue].
_INDEX = {"conversion": 0, "payout": 1, "revenue": 2}

#: A counter's running values in this batch, mutated in place: [conversions, payout, revenue].
Cell = list[Any]
#: What one (offer, affiliate) pair checks and moves: (cell, metric index, limit) for every
#: hard cap, and the cells (with their keys) every admitted conversion adds to.
Plan = tuple[tuple[tuple[Cell, int, Decimal], ...], tuple[tuple[CounterKey, Cell], ...]]


class ConversionCaps:
    def __init__(
        self,
        offers: dict[int, Scope],
        custom: dict[tuple[int, int], Scope],
        starts: dict[str, date],
        counts: dict[CounterKey, tuple[int, Decimal, Decimal]],
    ) -> None:
        self.offers = offers
        self.custom = custom
        self.starts = starts
        self.cells: dict[CounterKey, Cell] = {key: list(value) for key, value in counts.items()}
        self.changed: set[CounterKey] = set()
        self._plans: dict[tuple[int, int], Plan] = {}

    @classmethod
    async def load(
        cls,
        session: AsyncSession,
        pairs: Collection[tuple[int, int]],
        now: datetime,
        generation: int,
    ) -> ConversionCaps:
        """Caps and locked counters for these (offer, affiliate) pairs, offers with caps
        enabled only (the caller passes no others). The caps are read once per cache
        ``generation`` (the one the batch read its offers at); the counters every batch."""
        held = _SETTINGS.at(session.get_bind(), generation)
        missing = {offer_id for offer_id, _ in pairs} - held.keys()
        if missing:
            held.update(await _load_settings(session, missing))
        settings = [held[offer_id] for offer_id in sorted({offer_id for offer_id, _ in pairs})]
        zone = next((s.zone for s in settings if s.offer is not None), _UTC_ZONE)
        starts = periods.starts(now, zone)
        offers = {s.offer.offer_id: s.offer for s in settings if s.offer is not None}
        custom = {
            (offer_id, affiliate_id): scope
            for offer_id, affiliate_id in pairs
            if offer_id in offers and (scope := held[offer_id].custom.get(affiliate_id)) is not None
        }
        keys: set[CounterKey] = set()
        for scope in (*offers.values(), *custom.values()):
            keys.update(_keys(scope, starts))
        counts = await repository.lock_counters(session, keys)
        return cls(offers, custom, starts, counts)

    def _scopes(self, offer_id: int, affiliate_id: int) -> list[Scope]:
        scopes = []
        offer = self.offers.get(offer_id)
        if offer is not None:
            scopes.append(offer)
            custom = self.custom.get((offer_id, affiliate_id))
            if custom is not None:
                scopes.append(custom)
        return scopes

    def _cell(self, key: CounterKey) -> Cell:
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = [0, _ZERO, _ZERO]
        return cell

    def _plan(self, offer_id: int, affiliate_id: int) -> Plan:
        """The pair's checks and counters, built once per batch: a conversion then costs a
        comparison per hard cap and three additions per counter."""
        checks: list[tuple[Cell, int, Decimal]] = []
        moves: list[tuple[CounterKey, Cell]] = []
        for scope in self._scopes(offer_id, affiliate_id):
            if not scope.soft:
                for period, metric, limit in scope.of_metric(*_CONVERSION_METRICS):
                    cell = self._cell(
                        (
                            scope.offer_id,
                            scope.affiliate_id,
                            periods.CODES[period],
                            self.starts[period],
                        )
                    )
                    checks.append((cell, _INDEX[metric], limit))
            for counter in _keys(scope, self.starts):
                moves.append((counter, self._cell(counter)))
        plan = self._plans[offer_id, affiliate_id] = (tuple(checks), tuple(moves))
        return plan

    def admit(self, offer_id: int, affiliate_id: int, payout: Decimal, revenue: Decimal) -> bool:
        """Whether one more conversion with this money stays within every hard cap of the
        offer and the affiliate's custom setting; when it does, it is counted."""
        plan = self._plans.get((offer_id, affiliate_id)) or self._plan(offer_id, affiliate_id)
        checks, moves = plan
        if not moves:
            return True
        adds = (1, payout, revenue)
        for cell, index, limit in checks:
            if cell[index] + adds[index] > limit:
                return False
        changed = self.changed
        for key, cell in moves:
            cell[0] += 1
            cell[1] += payout
            cell[2] += revenue
            changed.add(key)
        return True

    async def save(self, session: AsyncSession) -> None:
        """Write the counters this batch moved (one statement)."""
        cells = self.cells
        await repository.save_counters(
            session, {key: (cells[key][0], cells[key][1], cells[key][2]) for key in self.changed}
        )
        self.changed.clear()


class _OfferSettings(NamedTuple):
    """An offer's caps as conversions read them: its own (None when caps are off), its
    custom cap settings by affiliate, and the network's timezone for the periods."""

    offer: Scope | None
    custom: dict[int, Scope]
    zone: ZoneInfo


#: Offers' cap settings, per database, while the cache generation stands.
_SETTINGS: GenerationMemo[int, _OfferSettings] = GenerationMemo()


async def _load_settings(
    session: AsyncSession, offer_ids: Collection[int]
) -> dict[int, _OfferSettings]:
    """Two statements: the offers' caps (and the network timezone), their custom settings."""
    rows = await repository.offer_caps(session, offer_ids)
    enabled = [row.network_offer_id for row in rows if row.is_caps_enabled]
    custom: dict[int, dict[int, Scope]] = {}
    for row in await repository.custom_caps(session, enabled):
        custom.setdefault(row.network_offer_id, {})[row.network_affiliate_id] = scope_of(
            row,
            row.network_offer_id,
            row.network_affiliate_id,
            soft=row.is_soft_cap,
            setting_id=row.network_custom_cap_setting_id,
        )
    loaded = {}
    for row in rows:
        timezone_id = row.network_timezone_id
        offer_id = row.network_offer_id
        loaded[offer_id] = _OfferSettings(
            scope_of(row, offer_id, 0, soft=False, setting_id=0) if row.is_caps_enabled else None,
            custom.get(offer_id, {}),
            zone_for(int(timezone_id)) if timezone_id is not None else _UTC_ZONE,
        )
    # An offer that is gone has no caps to count.
    for offer_id in set(offer_ids) - loaded.keys():
        loaded[offer_id] = _OfferSettings(None, {}, _UTC_ZONE)
    return loaded


def _keys(scope: Scope, starts: dict[str, date]) -> list[CounterKey]:
    return [
        (scope.offer_id, scope.affiliate_id, code, starts[period])
        for period, code in periods.CODES.items()
    ]
