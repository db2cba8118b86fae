"""Identifiers: 32 lower-case hex characters for clicks and conversions."""

from __future__ import annotations

import re
import uuid

_HEX32 = re.compile(r"[0-9a-f]{32}")


def new_hex_id() -> str:
    """A random 128-bit id as 32 lower-case hex characters."""
    return uuid.uuid4().hex


def is_hex_id(value: str) -> bool:
    return _HEX32.fullmatch(value) is not None
