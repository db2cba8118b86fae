"""Rate-limit counters: fixed windows from the ``limits`` library.

Counters live in this process by default and in Redis when a URL is given, so several
processes and hosts share them. A counter store that cannot be reached lets the request
through (logged): a Redis outage must not take the tracking host down with it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage

log = structlog.get_logger("clicktrail.abuse")

#: Addresses remembered as over a cap, per cap; past this the expired ones are dropped.
_BLOCKED_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Verdict:
    """One counted request: allowed or not, and what the client may be told about it."""

    allowed: bool
    limit: int
    remaining: int
    #: Epoch seconds when the window resets.
    reset_at: float

    @property
    def retry_after(self) -> int:
        """Whole seconds until the window resets (at least 1)."""
        return max(1, math.ceil(self.reset_at - time.time()))


def storage_for(redis_url: str | None) -> Storage:
    if not redis_url:
        return MemoryStorage()
    return RedisStorage(f"async+{redis_url}", implementation="redispy")


class Limiter:
    """Counts hits on named rates; ``rate`` strings are the ``limits`` notation
    (``600/minute``, ``10/second``)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def hit(self, rate: RateLimitItem, *identity: str) -> Verdict:
        key = rate.key_for(*identity)
        try:
            count = await self.storage.incr(key, rate.get_expiry())
            reset_at = await self.storage.get_expiry(key)
        except Exception as exc:  # the store is down: let the request through
            log.warning("rate_limit_store_failed", error=str(exc))
            return Verdict(True, rate.amount, rate.amount, time.time() + 1)
        return Verdict(count <= rate.amount, rate.amount, max(0, rate.amount - count), reset_at)


class AddressCap:
    """At most ``rate`` of something per client address.

    ``blocked()`` answers from this process's memory (no round trip), so the common case,
    an address under its cap, costs a dictionary lookup; ``admit()`` counts one and, once the
    shared counter reaches the rate, remembers the address as blocked until the window ends.
    Several processes sharing Redis may each let one more through before they learn it.
    """

    def __init__(self, limiter: Limiter, rate: str, name: str) -> None:
        self.limiter = limiter
        self.rate = parse(rate)
        self.name = name
        self._blocked: dict[str, float] = {}

    def blocked(self, address: str) -> bool:
        until = self._blocked.get(address)
        if until is None:
            return False
        if until > time.time():
            return True
        del self._blocked[address]
        return False

    def retry_after(self, address: str) -> int:
        """Whole seconds until a blocked address may try again (at least 1)."""
        return max(1, math.ceil(self._blocked.get(address, 0.0) - time.time()))

    async def admit(self, address: str) -> Verdict:
        """Count one for ``address``; not allowed when it was over the rate already."""
        verdict = await self.limiter.hit(self.rate, self.name, address)
        if verdict.remaining == 0:
            if len(self._blocked) >= _BLOCKED_LIMIT:
                now = time.time()
                self._blocked = {a: t for a, t in self._blocked.items() if t > now}
            self._blocked[address] = verdict.reset_at
        return verdict
