"""Click caps on the click path: decided in memory, counted in the database in the background.

The click path does no I/O per click. Each tracking process keeps, for the offers with caps
enabled and a click cap (their own or a custom setting's), the clicks counted in the current
day, week, month and ever: read from ``cap_counter`` when the cache loads and every
:data:`~clicktrail.tracking.cache.REFRESH_SECONDS` after, plus the clicks it admitted since.
The ``caps`` step refuses a click that would pass a hard click cap (``OVER_CAPS``, diverted
to the offer's fail-traffic redirect) and counts an admitted one; the cache's background
task adds the counted clicks to ``cap_counter`` and reads everyone's totals back.

So click caps are approximate across processes: each process sees the others' clicks at
most one refresh late, and may admit up to that many clicks beyond a cap (ADR 0093).
Conversion caps are exact (clicktrail.caps.counting).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from clicktrail.caps import periods, repository
from clicktrail.caps.limits import Scope, scope_of
from clicktrail.caps.repository import CounterKey
from clicktrail.db import Database
from clicktrail.meta.timezones import zone_for

#: Day, week, month and global: one key per period.
_CODES = tuple(periods.CODES.items())


class ClickCaps:
    """The click caps of the offers with caps enabled and the clicks counted against them."""

    def __init__(self) -> None:
        #: Offer id -> its scopes with click caps: (the offer's own or None, custom by affiliate).
        self.offers: dict[int, tuple[Scope | None, dict[int, Scope]]] = {}
        self.zone: ZoneInfo = ZoneInfo("UTC")
        self.starts: dict[str, date] = {}
        self._boundary = 0.0
        self.counts: dict[CounterKey, int] = {}
        self.pending: dict[CounterKey, int] = {}

    def configure(self, offers: Iterable[Any], custom: Iterable[Any], timezone_id: int) -> None:
        """Caps from offer rows and custom cap setting rows (those of offers with caps
        enabled count); counts are kept, and refreshed by :meth:`sync`."""
        own: dict[int, Scope | None] = {}
        for row in offers:
            if not row.is_caps_enabled:
                continue
            scope = scope_of(row, int(row.network_offer_id), 0, soft=False, setting_id=0)
            own[scope.offer_id] = scope if scope.of_metric("click") else None
        table: dict[int, tuple[Scope | None, dict[int, Scope]]] = {}
        for offer_id, mine in own.items():
            table[offer_id] = (mine, {})
        for row in custom:
            entry = table.get(int(row.network_offer_id))
            if entry is None:
                continue
            scope = scope_of(
                row,
                int(row.network_offer_id),
                int(row.network_affiliate_id),
                soft=bool(row.is_soft_cap),
                setting_id=int(row.network_custom_cap_setting_id),
            )
            if scope.of_metric("click"):
                entry[1][scope.affiliate_id] = scope
        self.offers = {k: v for k, v in table.items() if v[0] is not None or v[1]}
        self.zone = zone_for(timezone_id)
        self._roll(time.time())

    def _roll(self, now: float) -> None:
        moment = datetime.fromtimestamp(now, UTC)
        self.starts = periods.starts(moment, self.zone)
        self._boundary = periods.next_boundary(moment, self.zone).timestamp()

    def _keys(self, scope: Scope) -> list[CounterKey]:
        starts = self.starts
        return [(scope.offer_id, scope.affiliate_id, code, starts[p]) for p, code in _CODES]

    def admit(self, offer_id: int, affiliate_id: int, now: float) -> bool:
        """Whether one more click stays within the hard click caps; counted when it does."""
        entry = self.offers.get(offer_id)
        if entry is None:
            return True
        if now >= self._boundary:
            self._roll(now)
        own, custom = entry
        scopes = [s for s in (own, custom.get(affiliate_id)) if s is not None]
        counts = self.counts
        for scope in scopes:
            if scope.soft:
                continue
            for period, _metric, limit in scope.of_metric("click"):
                key = (
                    scope.offer_id,
                    scope.affiliate_id,
                    periods.CODES[period],
                    self.starts[period],
                )
                if counts.get(key, 0) + 1 > limit:
                    return False
        pending = self.pending
        for scope in scopes:
            for key in self._keys(scope):
                counts[key] = counts.get(key, 0) + 1
                pending[key] = pending.get(key, 0) + 1
        return True

    async def sync(self, db: Database) -> None:
        """Add the clicks counted here to ``cap_counter`` and read everyone's totals back."""
        if not self.offers and not self.pending:
            return
        sent, self.pending = self.pending, {}
        try:
            async with db.write() as session:
                await repository.add_clicks(session, sent)
                rows = await repository.counters(session, self.offers, self.starts.values())
        except BaseException:
            for key, n in sent.items():  # counted again with the next sync
                self.pending[key] = self.pending.get(key, 0) + n
            raise
        fresh: dict[CounterKey, int] = {}
        for row in rows:
            key = (row.network_offer_id, row.network_affiliate_id, row.period, row.period_start)
            fresh[key] = int(row.clicks)
        for key, n in self.pending.items():  # admitted while this sync ran
            fresh[key] = fresh.get(key, 0) + n
        self.counts = fresh
