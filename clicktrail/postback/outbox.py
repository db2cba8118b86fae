"""The postback outbox: the seam between conversions and affiliate postback delivery.

CONTRACT (owned by the postback work; the conversion service calls it):

* ``enqueue_for_conversion(session, conversion)`` is called in the same transaction that
  inserts a conversion; it writes one delivery row per matching active pixel and returns
  how many. A committed conversion therefore always has its deliveries.
* ``on_status_change(session, conversion, old_status)`` is called when a conversion's status
  changes (e.g. approved -> rejected after its postback fired) so the deliveries record it.

Until the postback work fills these in they do nothing.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import Conversion


async def enqueue_for_conversion(session: AsyncSession, conversion: Conversion) -> int:
    return 0


async def on_status_change(session: AsyncSession, conversion: Conversion, old_status: str) -> None:
    return None
