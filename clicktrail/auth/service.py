"""API keys: creation, lookup, revocation. Keys are stored as SHA-256 hashes only.

A raw key looks like ``ct_<prefix>_<secret>``; the prefix is kept in clear so a key can be
recognised in ``keys list`` without revealing it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.auth import repository
from clicktrail.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from clicktrail.kit.timeutil import utcnow
from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Affiliate, ApiKey

Realm = Literal["network", "affiliate"]
REALMS: tuple[Realm, ...] = ("network", "affiliate")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a network key, or an affiliate key bound to one affiliate."""

    key_id: int
    realm: Realm
    network_affiliate_id: int | None
    #: How the audit log names the key: its name and its clear prefix.
    label: str = ""

    @property
    def affiliate_id(self) -> int:
        """The bound affiliate of an affiliate-realm principal."""
        assert self.network_affiliate_id is not None
        return self.network_affiliate_id


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


async def create_key(
    session: AsyncSession, *, realm: str, affiliate_id: int | None = None, name: str = ""
) -> tuple[ApiKey, str]:
    """Store a new key and return it with its raw value (shown once, never stored)."""
    if realm not in REALMS:
        raise ValidationFailed("realm must be network or affiliate", field="realm")
    if realm == "affiliate":
        if affiliate_id is None:
            raise ValidationFailed("an affiliate key needs an affiliate id", field="affiliate_id")
        if await session.get(Affiliate, affiliate_id) is None:
            raise NotFound(f"affiliate {affiliate_id} does not exist", field="affiliate_id")
    elif affiliate_id is not None:
        raise ValidationFailed("a network key is not bound to an affiliate", field="affiliate_id")
    prefix = secrets.token_hex(4)
    raw = f"ct_{prefix}_{secrets.token_urlsafe(30)}"
    key = ApiKey(
        realm=realm,
        network_affiliate_id=affiliate_id,
        name=name,
        key_hash=hash_key(raw),
        prefix=prefix,
        created_at=utcnow(),
        revoked_at=None,
        last_used_at=None,
    )
    await repository.add(session, key)
    return key, raw


async def list_keys(session: AsyncSession) -> Sequence[ApiKey]:
    return await repository.all_keys(session)


async def key_page(
    session: AsyncSession, *, realm: str | None, offset: int, limit: int
) -> tuple[list[tuple[ApiKey, str]], int]:
    """A page of keys (live first, newest first) of one realm or both, each with its
    affiliate's name ("" for a network key), and the total."""
    if realm is not None and realm not in REALMS:
        raise ValidationFailed("realm must be network or affiliate", field="realm")
    return await repository.key_page(session, realm=realm, offset=offset, limit=limit)


async def get_key(session: AsyncSession, key_id: int) -> ApiKey:
    key = await repository.by_id(session, key_id) if 1 <= key_id <= MAX_INT32 else None
    if key is None:
        raise NotFound(f"API key {key_id} does not exist", field="id")
    return key


async def revoke_key(session: AsyncSession, key_id: int) -> ApiKey:
    key = await get_key(session, key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key


async def affiliate_keys(session: AsyncSession, affiliate_id: int) -> Sequence[ApiKey]:
    """The affiliate-realm keys bound to one affiliate (revoked ones too), newest first."""
    return await repository.of_affiliate(session, affiliate_id)


async def revoke_affiliate_key(session: AsyncSession, affiliate_id: int, key_id: int) -> ApiKey:
    """Revoke one of an affiliate's keys; 404 for a key bound to anyone else."""
    key = await repository.by_id(session, key_id)
    if key is None or key.realm != "affiliate" or key.network_affiliate_id != affiliate_id:
        raise NotFound(f"API key {key_id} is not a key of affiliate {affiliate_id}", field="id")
    return await revoke_key(session, key_id)


async def has_any_key(session: AsyncSession) -> bool:
    return await repository.count_active(session) > 0


async def authenticate(session: AsyncSession, raw: str | None, realm: Realm) -> Principal:
    """Resolve a raw key to a principal of ``realm``; 401 when unknown, 403 when of the
    wrong realm."""
    if not raw:
        raise Unauthorized("Missing API key")
    key = await repository.by_hash(session, hash_key(raw.strip()))
    if key is None or key.revoked_at is not None:
        raise Unauthorized("Invalid API key")
    return LiveKey.of(key).principal(realm)


@dataclass(frozen=True, slots=True)
class LiveKey:
    """What authenticating needs of a key found live (kept by the gate's memo)."""

    key_id: int
    realm: str
    network_affiliate_id: int | None
    label: str

    @classmethod
    def of(cls, key: ApiKey) -> LiveKey:
        return cls(key.id, key.realm, key.network_affiliate_id, key_label(key))

    def principal(self, realm: Realm) -> Principal:
        """The caller in ``realm``; 403 for a key of the other realm."""
        if self.realm != realm:
            raise Forbidden("Out of realm")
        return Principal(
            key_id=self.key_id,
            realm=realm,
            network_affiliate_id=self.network_affiliate_id,
            label=self.label,
        )


def key_label(key: ApiKey) -> str:
    """``name (ct_prefix)``, or the prefix alone for an unnamed key: never the secret."""
    prefix = f"ct_{key.prefix}"
    return f"{key.name} ({prefix})" if key.name else prefix


# --- an affiliate's own key (the partner portal) --------------------------------------------


async def active_affiliate_keys(session: AsyncSession, affiliate_id: int) -> Sequence[ApiKey]:
    """The affiliate's keys that are not revoked, oldest first."""
    return await repository.active_affiliate_keys(session, affiliate_id)


async def rotate_affiliate_key(session: AsyncSession, affiliate_id: int) -> tuple[ApiKey, str]:
    """Revoke the affiliate's keys and make it a new one (its raw value is shown once)."""
    now = utcnow()
    for key in await repository.active_affiliate_keys(session, affiliate_id):
        key.revoked_at = now
    return await create_key(session, realm="affiliate", affiliate_id=affiliate_id, name="portal")
