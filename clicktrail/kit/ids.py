"""Identifiers: 32 lower-case hex characters for clicks and conversions; integer ids of
network-managed entities written in plain ASCII digits (``PathId`` for URL paths)."""

from __future__ import annotations

import os
import re
import threading
from typing import Annotated

from pydantic import BeforeValidator, StringConstraints

from clicktrail.kit.wire import MAX_INT32

_HEX32 = re.compile(r"[0-9a-f]{32}")

#: Random bytes are read from the OS 4 KiB at a time (one syscall per 256 ids instead of
#: one per id: ids are minted on the click and conversion hot paths). The pool belongs to
#: one process (a forked child refills its own) and is shared by threads under a lock.
_POOL_SIZE = 4096
_lock = threading.Lock()
_pool = b""
_offset = _POOL_SIZE


def _forget_pool() -> None:
    """In a forked child: never hand out the ids the parent may hand out too."""
    global _offset
    _offset = _POOL_SIZE


os.register_at_fork(after_in_child=_forget_pool)


def new_hex_id() -> str:
    """A random 128-bit id (from ``os.urandom``) as 32 lower-case hex characters."""
    global _pool, _offset
    with _lock:
        if _offset >= _POOL_SIZE:
            _pool = os.urandom(_POOL_SIZE)
            _offset = 0
        start = _offset
        _offset = start + 16
        return _pool[start : start + 16].hex()


def is_hex_id(value: str) -> bool:
    return _HEX32.fullmatch(value) is not None


def is_ascii_digits(text: str) -> bool:
    """Only 0-9: ``str.isdigit()`` also accepts superscript and other scripts' digits, which
    ``int()`` refuses or reads as another number."""
    return text.isascii() and text.isdigit()


def parse_int_id(text: str) -> int | None:
    """A 32-bit entity id written in plain ASCII digits (no sign, blank, underscore or
    exponent), or None. Ids above :data:`MAX_INT32` name nothing and are None too, so a
    query never sends PostgreSQL an ``integer`` it refuses."""
    if not 0 < len(text) <= 10 or not is_ascii_digits(text):
        return None
    value = int(text)
    return value if value <= MAX_INT32 else None


def _path_id(value: object) -> object:
    if isinstance(value, str) and not (0 < len(value) <= 19 and is_ascii_digits(value)):
        raise ValueError("must be an id written in plain digits 0-9")
    return value


#: An integer id in a URL path (``/v1/networks/offers/{offer_id}``): anything but plain ASCII
#: digits (at most 19, a 64-bit number) is a 400 naming the parameter, in the surface's
#: dialect. The range is the route's: its ``Path(le=...)`` (400) or its repository's
#: "no such row" for ids past :data:`MAX_INT32` (404).
PathId = Annotated[int, BeforeValidator(_path_id)]


#: A textual id in a URL path (referral, conversion and transaction ids, ids that a service
#: parses itself): 1-64 printable ASCII characters without blanks. Anything else (NUL, other
#: scripts, control characters) is a 400 naming the parameter, never a database error.
PathKey = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[!-~]+$")]
