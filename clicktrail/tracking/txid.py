"""Transaction ids: time-ordered, unguessable, minted without a syscall per click."""

from __future__ import annotations

import os
import time


class _RandomPool:
    """Random hex digits from the OS, fetched 10 KiB at a time (one syscall per 1024 ids).

    The pool is kept as hex text, so a transaction id is a slice, not a slice and a hex().
    """

    def __init__(self) -> None:
        self._digits = ""
        self._offset = 0

    def take_hex(self, size: int) -> str:
        """``size`` random bytes as ``2 * size`` lower-case hex digits."""
        start = self._offset
        end = start + 2 * size
        if end > len(self._digits):
            self._digits = os.urandom(1024 * size).hex()
            start, end = 0, 2 * size
        self._offset = end
        return self._digits[start:end]

    def reset(self) -> None:
        self._digits = ""
        self._offset = 0


_RANDOM = _RandomPool()
# A forked child must never reuse its parent's unused random bytes.
os.register_at_fork(after_in_child=_RANDOM.reset)


def new_transaction_id(now: float | None = None) -> str:
    """32 lower-case hex: 48 bits of milliseconds since the epoch, then 80 random bits.

    Time-ordered ids keep the primary-key index append-mostly (cheap inserts, warm pages);
    80 random bits from the OS keep them unguessable.
    """
    millis = int((time.time() if now is None else now) * 1000) & 0xFFFFFFFFFFFF
    return f"{millis:012x}{_RANDOM.take_hex(10)}"
