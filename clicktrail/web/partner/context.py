"""The network's day and time zone for the partner pages, from what the guard read.

The guard (``clicktrail.web.guard``) reads the network's settings in a session of its own
and keeps them on ``request.state``; the pages must not query them in their own session:
a report must be the first statement of its transaction (``report.repository.snapshot``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import Request

from clicktrail.kit.timeutil import utcnow
from clicktrail.web.guard import DEFAULT_NETWORK, NetworkInfo


@dataclass(frozen=True, slots=True)
class NetworkClock:
    timezone_id: int
    timezone: str  # IANA
    now: datetime

    @property
    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.timezone)).date()


def network_clock(request: Request) -> NetworkClock:
    found = getattr(request.state, "web_network", None)
    network = found if isinstance(found, NetworkInfo) else DEFAULT_NETWORK
    return NetworkClock(network.timezone_id, network.timezone, utcnow())
