"""Conversion caps, checked and counted inside the transaction that records the conversions.

The conversion service builds a :class:`ConversionCaps` once per batch, and only when an
offer of the batch has ``is_caps_enabled``: it loads the offers' caps and custom cap
settings and locks their counters for the current periods (PostgreSQL: ``SELECT … FOR
UPDATE`` in key order, after creating missing rows; SQLite has one writer). Each accepted
conversion is then admitted or refused in memory, in batch order, and :meth:`save` writes
the counters back before the transaction commits: a handful of statements per batch,
whatever its size, and exact however many processes record conversions at once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.caps import periods, repository
from clicktrail.caps.limits import Scope, scope_of
from clicktrail.caps.repository import CounterKey
from clicktrail.meta.timezones import zone_for

_ZERO = Decimal(0)
_CONVERSION_METRICS = ("conversion", "payout", "revenue")


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
        self.counts = counts
        self.changed: set[CounterKey] = set()

    @classmethod
    async def load(
        cls, session: AsyncSession, pairs: Collection[tuple[int, int]], now: datetime
    ) -> ConversionCaps:
        """Caps and locked counters for these (offer, affiliate) pairs, offers with caps
        enabled only (the caller passes no others)."""
        offer_ids = {offer_id for offer_id, _ in pairs}
        zone = zone_for(await repository.network_timezone_id(session))
        starts = periods.starts(now, zone)
        offers = {
            row.network_offer_id: scope_of(row, row.network_offer_id, 0, soft=False, setting_id=0)
            for row in await repository.offer_caps(session, offer_ids)
            if row.is_caps_enabled
        }
        custom = {
            (row.network_offer_id, row.network_affiliate_id): scope_of(
                row,
                row.network_offer_id,
                row.network_affiliate_id,
                soft=row.is_soft_cap,
                setting_id=row.network_custom_cap_setting_id,
            )
            for row in await repository.custom_caps(session, offers)
            if (row.network_offer_id, row.network_affiliate_id) in pairs
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

    def admit(self, offer_id: int, affiliate_id: int, payout: Decimal, revenue: Decimal) -> bool:
        """Whether one more conversion with this money stays within every hard cap of the
        offer and the affiliate's custom setting; when it does, it is counted."""
        scopes = self._scopes(offer_id, affiliate_id)
        if not scopes:
            return True
        adds = {"conversion": Decimal(1), "payout": payout, "revenue": revenue}
        for scope in scopes:
            if scope.soft:
                continue
            for period, metric, limit in scope.of_metric(*_CONVERSION_METRICS):
                current = self._current(scope, period, metric)
                if current + adds[metric] > limit:
                    return False
        for scope in scopes:
            for key in _keys(scope, self.starts):
                conversions, paid, earned = self.counts.get(key, (0, _ZERO, _ZERO))
                self.counts[key] = (conversions + 1, paid + payout, earned + revenue)
                self.changed.add(key)
        return True

    def _current(self, scope: Scope, period: str, metric: str) -> Decimal:
        key = (scope.offer_id, scope.affiliate_id, periods.CODES[period], self.starts[period])
        conversions, payout, revenue = self.counts.get(key, (0, _ZERO, _ZERO))
        if metric == "conversion":
            return Decimal(conversions)
        return payout if metric == "payout" else revenue

    async def save(self, session: AsyncSession) -> None:
        """Write the counters this batch moved (one statement)."""
        await repository.save_counters(session, {key: self.counts[key] for key in self.changed})
        self.changed.clear()


def _keys(scope: Scope, starts: dict[str, date]) -> list[CounterKey]:
    return [
        (scope.offer_id, scope.affiliate_id, code, starts[period])
        for period, code in periods.CODES.items()
    ]
