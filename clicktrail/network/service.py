"""Network-wide settings: reporting timezone, currency, fallback URL. Never commits.

Other domains read them with :func:`get_network` (e.g. the tracking cache for
``fallback_url``, reports for the default ``timezone_id``).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Network
from clicktrail.network import repository
from clicktrail.network.schemas import NetworkUpdate


async def get_network(session: AsyncSession) -> Network:
    """The network row; migration 0001 creates it."""
    network = await repository.get(session)
    if network is None:
        raise NotFound("network not found; run `clicktrail migrate`")
    return network


def _check_spellings(body: NetworkUpdate) -> None:
    pairs = (("timezone_id", "reporting_timezone_id"), ("currency_id", "default_currency_id"))
    for first, second in pairs:
        a, b = getattr(body, first), getattr(body, second)
        if a is not None and b is not None and a != b:
            raise ValidationFailed(
                f"{second} disagrees with {first}; send one of them", field=second
            )


async def update_network(session: AsyncSession, body: NetworkUpdate) -> Network:
    _check_spellings(body)
    network = await get_network(session)
    if body.name is not None:
        network.name = body.name
    if body.timezone is not None:
        network.timezone_id = body.timezone
    if body.currency is not None:
        network.currency_id = body.currency
    if body.fallback_url is not None or "fallback_url" in body.model_fields_set:
        network.fallback_url = body.fallback_url or None
    network.time_saved = utcnow()
    await session.flush()
    return network
