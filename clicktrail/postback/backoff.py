"""The retry schedule: capped exponential backoff with jitter.

``delay(n)`` is the wait after the n-th failed attempt: ``base * 2**(n-1)``, capped. Jitter
("equal jitter") keeps half of it fixed and draws the other half at random, so a burst of
failures spreads out instead of retrying in lockstep, while the order of magnitude stays.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

#: Maps a planned delay (seconds) to the delay actually used.
Jitter = Callable[[float], float]


def equal_jitter(rng: random.Random | None = None) -> Jitter:
    source = rng or random.Random()

    def _jitter(delay: float) -> float:
        return delay / 2 + source.uniform(0, delay / 2)

    return _jitter


def no_jitter(delay: float) -> float:
    return delay


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 10
    base_seconds: float = 30.0
    cap_seconds: float = 3600.0
    jitter: Jitter = field(default_factory=equal_jitter)

    def planned_delay(self, failed_attempts: int) -> float:
        """The delay before jitter after ``failed_attempts`` failures (1-based)."""
        exponent = min(max(failed_attempts - 1, 0), 62)
        return float(min(self.cap_seconds, self.base_seconds * (2**exponent)))

    def delay(self, failed_attempts: int) -> float:
        return self.jitter(self.planned_delay(failed_attempts))

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts
