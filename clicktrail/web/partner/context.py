"""What every partner page needs besides the user: the network's day and time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.timeutil import utcnow
from clicktrail.meta.timezones import zone_for
from clicktrail.network.service import get_network


@dataclass(frozen=True, slots=True)
class NetworkClock:
    timezone_id: int
    currency_id: str
    now: datetime

    @property
    def today(self) -> date:
        return self.now.astimezone(zone_for(self.timezone_id)).date()


async def network_clock(session: AsyncSession) -> NetworkClock:
    network = await get_network(session)
    return NetworkClock(network.timezone_id, network.currency_id, utcnow())
