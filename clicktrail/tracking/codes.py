"""Opaque link codes: ``/{affiliate_code}/{offer_code}/`` instead of ``?affid=7&oid=3``.

A code is a keyed permutation of the 32-bit id (a four-round Feistel network), written in
base 36 on seven characters, plus one check character. Codes of small ids look random, the
two kinds never decode as each other (different round keys and check), and a typo is
rejected instead of landing on another id. Decoding is case-insensitive.

The keys are constants, not a secret: the codes hide ids from casual eyes like Everflow's
encoded links do; they are not an authorisation mechanism. They must never change, or every
link already handed out would break (see docs/adr/0014-link-codes.md).
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["affiliate", "offer"]

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
_BODY = 7  # 36**7 > 2**32
_MASK16 = 0xFFFF
MAX_ID = 0xFFFFFFFF

_KEYS: dict[str, tuple[int, ...]] = {
    "affiliate": (0x9E37, 0x7F4A, 0x3C6E, 0xB5D1),
    "offer": (0x2545, 0xF491, 0x4F6C, 0xDD1D),
}
_CHECK_SALT = {"affiliate": 0x5BD1E995, "offer": 0x27D4EB2F}


def _round(half: int, key: int) -> int:
    x = (half * 0x45D9F3B + key) & 0xFFFFFFFF
    x ^= x >> 13
    x = (x * 0x2C1B3C6D) & 0xFFFFFFFF
    x ^= x >> 16
    return x & _MASK16


def _permute(value: int, keys: tuple[int, ...]) -> int:
    left, right = value >> 16, value & _MASK16
    for key in keys:
        left, right = right, left ^ _round(right, key)
    return (left << 16) | right


def _unpermute(value: int, keys: tuple[int, ...]) -> int:
    left, right = value >> 16, value & _MASK16
    for key in reversed(keys):
        left, right = right ^ _round(left, key), left
    return (left << 16) | right


def _check(kind: Kind, scrambled: int) -> str:
    x = (scrambled ^ _CHECK_SALT[kind]) * 0x9E3779B1 & 0xFFFFFFFF
    return _ALPHABET[(x >> 7) % 36]


def encode(kind: Kind, entity_id: int) -> str:
    """The code of ``entity_id`` (0 < id <= 2**32-1)."""
    if not 0 < entity_id <= MAX_ID:
        raise ValueError(f"{kind} id out of range: {entity_id}")
    scrambled = _permute(entity_id, _KEYS[kind])
    digits = []
    value = scrambled
    for _ in range(_BODY):
        value, digit = divmod(value, 36)
        digits.append(_ALPHABET[digit])
    return "".join(reversed(digits)) + _check(kind, scrambled)


def decode(kind: Kind, code: str) -> int | None:
    """The id behind ``code``, or None when it is not a valid code of that kind."""
    if len(code) != _BODY + 1:
        return None
    code = code.upper()
    value = 0
    for char in code[:_BODY]:
        digit = _INDEX.get(char)
        if digit is None:
            return None
        value = value * 36 + digit
    if value > MAX_ID or _check(kind, value) != code[_BODY]:
        return None
    entity_id = _unpermute(value, _KEYS[kind])
    return entity_id if entity_id > 0 else None
