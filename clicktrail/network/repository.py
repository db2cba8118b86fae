"""Queries on the network row (``network_id`` 1)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import Network

NETWORK_ID = 1


async def get(session: AsyncSession) -> Network | None:
    return await session.get(Network, NETWORK_ID)


async def add(session: AsyncSession, network: Network) -> Network:
    session.add(network)
    await session.flush()
    return network
