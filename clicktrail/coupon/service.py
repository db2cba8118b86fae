"""Coupon code rules: validate, create (one or a bulk), replace, delete, list. Never commits.

A code names an existing offer and, when given, an existing affiliate; it is unique per
network whatever its case (``coupon_code_key``); its validity dates are "YYYY-MM-DD" with
the end not before the start. A bulk create checks every code before storing any, so a bad
one stores nothing. The tracking host does not read coupon codes: clicks keep the code they
carry and conversions look it up (clicktrail/conversion/coupons.py), so no write needs to
move the cache generation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.click.service import link_url
from clicktrail.config import Settings
from clicktrail.coupon import repository
from clicktrail.coupon.schemas import CouponCodeIn
from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import utcnow
from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import CouponCode
from clicktrail.offer.visibility import runnable_offer
from clicktrail.validation import optional_day

#: What ``filter=field=value`` may name on the list (Everflow's filters, less the times).
FILTERS = {
    "coupon_status": str,
    "coupon_code": str,
    "network_offer_id": int,
    "network_affiliate_id": int,
}


def key_of(code: str) -> str:
    """The unique key of a code: the code in lower case."""
    return code.strip().lower()


def _check_dates(body: CouponCodeIn, prefix: str) -> None:
    start = optional_day(body.start_date, f"{prefix}start_date")
    end = optional_day(body.end_date, f"{prefix}end_date")
    if start is not None and end is not None and end < start:
        raise ValidationFailed("end_date is before start_date", field=f"{prefix}end_date")


async def _check(
    session: AsyncSession, bodies: Sequence[CouponCodeIn], own_id: int | None, bulk: bool
) -> None:
    seen: dict[str, int] = {}
    for index, body in enumerate(bodies):
        prefix = f"[{index}]." if bulk else ""
        _check_dates(body, prefix)
        key = key_of(body.coupon_code)
        if key in seen:
            raise ValidationFailed(
                f"coupon_code {body.coupon_code!r} is given twice ([{seen[key]}] and [{index}])",
                field=f"{prefix}coupon_code",
            )
        seen[key] = index
    for kind, name in (("offer", "network_offer_id"), ("affiliate", "network_affiliate_id")):
        ids = [getattr(b, name) for b in bodies if getattr(b, name)]
        missing = await repository.missing_ids(session, kind, ids)
        if missing:
            index = _index_of(bodies, name, missing[0])
            prefix = f"[{index}]." if bulk else ""
            raise ValidationFailed(f"unknown {kind} {missing[0]}", field=f"{prefix}{name}")
    taken = await repository.ids_by_keys(session, seen)
    for key, coupon_id in taken.items():
        if coupon_id != own_id:
            index = seen[key]
            prefix = f"[{index}]." if bulk else ""
            raise ValidationFailed(
                f"coupon_code {bodies[index].coupon_code!r} is taken by coupon code {coupon_id} "
                "(codes are unique whatever their case)",
                field=f"{prefix}coupon_code",
            )


def _index_of(bodies: Sequence[CouponCodeIn], name: str, value: int) -> int:
    return next(i for i, body in enumerate(bodies) if getattr(body, name) == value)


def _values(body: CouponCodeIn) -> dict[str, Any]:
    values = body.model_dump(exclude={"network_coupon_code_id"})
    values["coupon_code_key"] = key_of(body.coupon_code)
    return values


async def create(session: AsyncSession, body: CouponCodeIn) -> CouponCode:
    return (await create_many(session, [body], bulk=False))[0]


async def create_many(
    session: AsyncSession, bodies: Sequence[CouponCodeIn], *, bulk: bool = True
) -> list[CouponCode]:
    """Create codes, all or none (errors name the item: ``[2].coupon_code``)."""
    await _check(session, bodies, None, bulk)
    now = utcnow()
    coupons = [CouponCode(**_values(b), time_created=now, time_saved=now) for b in bodies]
    await repository.add(session, coupons)
    return coupons


async def get(session: AsyncSession, coupon_id: int) -> CouponCode:
    coupon = await repository.by_id(session, coupon_id)
    if coupon is None:
        raise NotFound(f"coupon code {coupon_id} not found")
    return coupon


async def replace(session: AsyncSession, coupon_id: int, body: CouponCodeIn) -> CouponCode:
    coupon = await get(session, coupon_id)
    if body.network_coupon_code_id not in (None, coupon_id):
        raise ValidationFailed(
            "network_coupon_code_id does not match the path", field="network_coupon_code_id"
        )
    await _check(session, [body], coupon_id, False)
    for name, value in _values(body).items():
        setattr(coupon, name, value)
    coupon.time_saved = utcnow()
    await session.flush()
    return coupon


async def delete(session: AsyncSession, coupon_id: int) -> None:
    await repository.delete(session, await get(session, coupon_id))


def parse_filters(expressions: Sequence[str]) -> dict[str, Any]:
    """Everflow's ``filter=field=value`` (repeatable), checked."""
    filters: dict[str, Any] = {}
    for expression in expressions:
        name, sep, raw = expression.partition("=")
        name, raw = name.strip(), raw.strip()
        kind = FILTERS.get(name)
        if not sep or kind is None:
            raise ValidationFailed(
                f"filter must be field=value with field one of {', '.join(FILTERS)}",
                field="filter",
            )
        if kind is int:
            if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_INT32:
                raise ValidationFailed(f"{name} must be an id", field="filter")
            filters[name] = int(raw)
        else:
            filters[name] = raw[:255]
    return filters


async def page(
    session: AsyncSession, filters: Mapping[str, Any], request: PageRequest
) -> tuple[Sequence[CouponCode], int]:
    return await repository.page(session, filters, request.offset, request.page_size)


class AffiliateCoupon(NamedTuple):
    coupon: CouponCode
    tracking_link: str
    offer_name: str


async def for_affiliate(
    session: AsyncSession, settings: Settings, affiliate_id: int
) -> list[AffiliateCoupon]:
    """The affiliate's active codes on offers it may run now (Everflow shows no others),
    each with a tracking link carrying the code: one visibility check per distinct offer."""
    names: dict[int, str | None] = {}
    found: list[AffiliateCoupon] = []
    for coupon in await repository.of_affiliate(session, affiliate_id):
        offer_id = coupon.network_offer_id
        if offer_id not in names:
            try:
                names[offer_id] = (await runnable_offer(session, affiliate_id, offer_id)).name
            except NotFound:
                names[offer_id] = None
        name = names[offer_id]
        if name is not None:
            params = [("coupon_code", coupon.coupon_code)]
            link = link_url(settings, affiliate_id, offer_id, params)
            found.append(AffiliateCoupon(coupon, link, name))
    return found
