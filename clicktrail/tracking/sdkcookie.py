"""The tracking host's cookie of SDK clicks: the transaction id, per offer and per advertiser.

``/sdk/click`` sets ``ef_tid_o_{offer_id}`` and ``ef_tid_a_{advertiser_id}`` to the click's
transaction id; ``/sdk/conversion`` without a ``transaction_id`` reads the one its ``oid``
(or ``aid``) names. That is the "third-party cookie on the tracking domain" of Everflow's
conversion docs; the SDK keeps the same id in a first-party cookie and ``localStorage`` on the
landing page, which it tries first.

The cookie is ``HttpOnly`` (no page script needs it) and lives :data:`MAX_AGE` seconds. Over
HTTPS it is ``SameSite=None; Secure``, so a landing page on another site still sends it; over
plain HTTP browsers refuse ``SameSite=None`` without ``Secure``, so it is ``SameSite=Lax``
there (sent to same-site pages only: development and tests on loopback).
"""

from __future__ import annotations

from starlette.types import Scope

from clicktrail.kit.clientip import ClientIpResolver

OFFER_PREFIX = "ef_tid_o_"
ADVERTISER_PREFIX = "ef_tid_a_"
#: Thirty days: Everflow's default click-to-conversion window.
MAX_AGE = 30 * 86400
#: Longest ``Cookie`` header read; the rest is ignored (headers are bounded before this).
MAX_COOKIE_HEADER = 8192
_HEX = frozenset("0123456789abcdef")


def is_transaction_id(value: str) -> bool:
    return len(value) == 32 and all(c in _HEX for c in value)


def secure_request(scope: Scope, client_ip: ClientIpResolver) -> bool:
    """Whether the visitor reached us over HTTPS (a trusted proxy's X-Forwarded-Proto too)."""
    if scope.get("scheme") == "https":
        return True
    client = scope.get("client")
    if not client or not client_ip.trusts(client[0]):
        return False
    for name, value in scope["headers"]:
        if name == b"x-forwarded-proto":
            return bool(value.split(b",")[0].strip().lower() == b"https")
    return False


def set_cookie(name: str, transaction_id: str, secure: bool) -> tuple[bytes, bytes]:
    attributes = "SameSite=None; Secure" if secure else "SameSite=Lax"
    value = f"{name}={transaction_id}; Max-Age={MAX_AGE}; Path=/; HttpOnly; {attributes}"
    return (b"set-cookie", value.encode("ascii"))


def click_cookies(
    offer_id: int, advertiser_id: int, transaction_id: str, secure: bool
) -> list[tuple[bytes, bytes]]:
    return [
        set_cookie(f"{OFFER_PREFIX}{offer_id}", transaction_id, secure),
        set_cookie(f"{ADVERTISER_PREFIX}{advertiser_id}", transaction_id, secure),
    ]


def stored_transaction_id(scope: Scope, name: str) -> str:
    """The transaction id the request's cookie keeps under ``name``, or ""."""
    for header, value in scope["headers"]:
        if header != b"cookie":
            continue
        text: str = value[:MAX_COOKIE_HEADER].decode("latin-1")
        for pair in text.split(";"):
            key, _, found = pair.strip().partition("=")
            if key == name and is_transaction_id(found):
                return found
    return ""
