"""Standard Webhooks signatures (https://www.standardwebhooks.com): the sender's side.

A message carries three headers: ``webhook-id`` (the message's id, the same on every retry,
so a receiver can drop duplicates), ``webhook-timestamp`` (Unix seconds of this attempt) and
``webhook-signature``: ``v1,`` then the base64 HMAC-SHA256, keyed with the secret's bytes, of
``"{id}.{timestamp}.{body}"`` over the exact bytes of the body sent. A secret is shown as
``whsec_`` and the base64 of its bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
#: Bytes of a new signing secret (the specification asks for 24 to 64).
SECRET_BYTES = 32
MESSAGE_PREFIX = "msg_"


def new_secret() -> str:
    """A fresh signing secret in its ``whsec_`` form."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def new_message_id() -> str:
    """A message id: unique per message, reused by its retries."""
    return MESSAGE_PREFIX + secrets.token_hex(16)


def secret_bytes(secret: str) -> bytes:
    """The key bytes of a ``whsec_`` secret (raises ValueError when it is not one)."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a signing secret starts with whsec_")
    return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value of one attempt."""
    signed = b"%s.%d.%s" % (message_id.encode("ascii"), timestamp, body)
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers of one attempt, ``Content-Type`` too."""
    return {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }
