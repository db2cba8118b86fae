"""Identifiers: 32 lower-case hex characters for clicks and conversions."""

from __future__ import annotations

import os
import re
import threading

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
