"""argon2id password hashes (argon2-cffi, its RFC 9106 default profile), computed off the
event loop: one hash is CPU- and memory-hard by design."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: The hasher new hashes are made with (a hash names its own parameters, so one made with
#: other parameters still verifies). Tests swap in argon2's cheapest profile.
HASHER = PasswordHasher()
_dummy: dict[PasswordHasher, str] = {}

MIN_LENGTH = 8
MAX_LENGTH = 256


def generate() -> str:
    """A new random password (16 URL-safe characters, 96 bits)."""
    return secrets.token_urlsafe(12)


def _dummy_hash() -> str:
    """Compared against when the email is unknown, so that both answers cost the same."""
    found = _dummy.get(HASHER)
    if found is None:
        found = _dummy[HASHER] = HASHER.hash(secrets.token_urlsafe(16))
    return found


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(HASHER.hash, password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        matched = HASHER.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; ``None`` (no such user) costs the same and is False."""
    return await asyncio.to_thread(_verify, password_hash, password)
