"""API keys already authenticated, kept per process while the cache generation stands.

Every API request names a key, and looking it up costs a read transaction. The gate asks
:class:`KeyMemo` instead: it reads the cache generation (the counter an ORM write of an API
key moves in its own transaction, like a write of anything the tracking cache holds; ADR
0113), then answers from the keys it found live at that generation, or looks the key up and
remembers it. A key revoked or created in any process moves the counter, so the next
request everywhere sees it. Only live keys are remembered: an unknown or revoked key is
looked up every time (and counted by the failed-authentication limiter).

The generation comes from the tracking cache's probe (one shared read per event-loop turn on
SQLite, one round trip shared by every waiting request on PostgreSQL). Without a probe, or
when its read fails, every request looks its key up.
"""

from __future__ import annotations

from typing import Protocol

from clicktrail.auth import repository
from clicktrail.auth.service import LiveKey, Principal, Realm, hash_key
from clicktrail.db import Database
from clicktrail.errors import Unauthorized
from clicktrail.kit.genmemo import GenerationMemo


class GenerationSource(Protocol):
    async def read(self) -> int | None: ...


class KeyMemo:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._held: GenerationMemo[str, LiveKey] = GenerationMemo()

    async def authenticate(
        self, raw: str | None, realm: Realm, source: GenerationSource | None
    ) -> Principal:
        """The principal of ``raw`` in ``realm``; 401 when missing, unknown or revoked, 403
        when of the other realm."""
        if not raw:
            raise Unauthorized("Missing API key")
        digest = hash_key(raw.strip())
        # Read first: a key looked up below is at least as new as this generation.
        generation = await source.read() if source is not None else None
        held = self._held.at(self.db.engine, generation) if generation is not None else {}
        live = held.get(digest)
        if live is None:
            async with self.db.read() as session:
                key = await repository.by_hash(session, digest)
            if key is None or key.revoked_at is not None:
                raise Unauthorized("Invalid API key")
            live = held[digest] = LiveKey.of(key)
        return live.principal(realm)
