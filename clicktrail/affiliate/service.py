"""Affiliate rules: create, replace, read. Never commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.affiliate import repository
from clicktrail.affiliate.schemas import AffiliateIn
from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Affiliate


def _values(body: AffiliateIn) -> dict[str, Any]:
    values = body.model_dump(exclude={"contact_address", "labels"})
    values["contact_address"] = (
        body.contact_address.model_dump() if body.contact_address is not None else None
    )
    values["labels"] = list(body.labels)
    return values


async def _check_referrer(
    session: AsyncSession, referrer_id: int, affiliate_id: int | None = None
) -> None:
    if referrer_id == 0:
        return
    if referrer_id == affiliate_id:
        raise ValidationFailed("an affiliate cannot refer itself", field="referrer_id")
    if await repository.by_id(session, referrer_id) is None:
        raise ValidationFailed(f"affiliate {referrer_id} does not exist", field="referrer_id")


async def create_affiliate(session: AsyncSession, body: AffiliateIn) -> Affiliate:
    await _check_referrer(session, body.referrer_id)
    now = utcnow()
    affiliate = Affiliate(**_values(body), time_created=now, time_saved=now)
    return await repository.add(session, affiliate)


async def get_affiliate(session: AsyncSession, affiliate_id: int) -> Affiliate:
    affiliate = await repository.by_id(session, affiliate_id)
    if affiliate is None:
        raise NotFound(f"affiliate {affiliate_id} not found")
    return affiliate


async def replace_affiliate(
    session: AsyncSession, affiliate_id: int, body: AffiliateIn
) -> Affiliate:
    affiliate = await get_affiliate(session, affiliate_id)
    await _check_referrer(session, body.referrer_id, affiliate_id)
    for key, value in _values(body).items():
        setattr(affiliate, key, value)
    affiliate.time_saved = utcnow()
    await session.flush()
    return affiliate


async def list_affiliates(
    session: AsyncSession, request: PageRequest
) -> tuple[Sequence[Affiliate], int]:
    total = await repository.count(session)
    rows = await repository.page(session, request.offset, request.page_size)
    return rows, total


#: At most this many affiliates in a form's select list.
MAX_CHOICES = 1000


async def search_affiliates(
    session: AsyncSession, request: PageRequest, *, text: str = "", status: str | None = None
) -> tuple[Sequence[Affiliate], int]:
    """The console's affiliate list: name or id contains ``text``, status matches."""
    return await repository.search(
        session, text=text, status=status, offset=request.offset, limit=request.page_size
    )


async def affiliate_choices(session: AsyncSession) -> list[tuple[int, str]]:
    """(id, name) pairs for a select list, by name, at most :data:`MAX_CHOICES`."""
    return await repository.choices(session, MAX_CHOICES)
