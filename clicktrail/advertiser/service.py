"""Advertiser rules: create, replace, read. Never commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.advertiser import repository
from clicktrail.advertiser.schemas import AdvertiserIn
from clicktrail.errors import NotFound
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Advertiser


def _values(body: AdvertiserIn) -> dict[str, Any]:
    values = body.model_dump(exclude={"contact_address", "labels"})
    values["contact_address"] = (
        body.contact_address.model_dump() if body.contact_address is not None else None
    )
    values["labels"] = list(body.labels)
    return values


async def create_advertiser(session: AsyncSession, body: AdvertiserIn) -> Advertiser:
    now = utcnow()
    advertiser = Advertiser(**_values(body), time_created=now, time_saved=now)
    return await repository.add(session, advertiser)


async def get_advertiser(session: AsyncSession, advertiser_id: int) -> Advertiser:
    advertiser = await repository.by_id(session, advertiser_id)
    if advertiser is None:
        raise NotFound(f"advertiser {advertiser_id} not found")
    return advertiser


async def replace_advertiser(
    session: AsyncSession, advertiser_id: int, body: AdvertiserIn
) -> Advertiser:
    advertiser = await get_advertiser(session, advertiser_id)
    for key, value in _values(body).items():
        setattr(advertiser, key, value)
    advertiser.time_saved = utcnow()
    await session.flush()
    return advertiser


async def list_advertisers(
    session: AsyncSession, request: PageRequest
) -> tuple[Sequence[Advertiser], int]:
    total = await repository.count(session)
    rows = await repository.page(session, request.offset, request.page_size)
    return rows, total


#: At most this many advertisers in a form's select list.
MAX_CHOICES = 1000


async def search_advertisers(
    session: AsyncSession, request: PageRequest, *, text: str = "", status: str | None = None
) -> tuple[Sequence[Advertiser], int]:
    """The console's advertiser list: name or id contains ``text``, status matches."""
    return await repository.search(
        session, text=text, status=status, offset=request.offset, limit=request.page_size
    )


async def advertiser_choices(session: AsyncSession) -> list[tuple[int, str]]:
    """(id, name) pairs for a select list, by name, at most :data:`MAX_CHOICES`."""
    return await repository.choices(session, MAX_CHOICES)
