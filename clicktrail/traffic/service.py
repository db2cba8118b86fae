"""Traffic control and conversion throttle rules: validate, create, replace, delete. Never
commits.

A traffic control is checked whole before it is stored, so the tracking cache never meets
a value it cannot compile: an ``ip`` control compared by ``exact_match`` or
``does_not_match`` holds addresses and CIDR ranges (checked here, matched by range on the
click path); the offers, affiliates and advertisers it names exist; its value count stays
within Everflow's limits. Writes move the cache generation through the ORM
(clicktrail/models/cache_generation.py): the next click in every process sees them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import Conflict, NotFound, ValidationFailed
from clicktrail.kit.iprange import parse_network
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import ConversionThrottle, TrafficControl
from clicktrail.traffic import repository
from clicktrail.traffic.schemas import (
    MAX_EXACT_VALUES,
    MAX_OTHER_VALUES,
    ConversionThrottleIn,
    TrafficControlIn,
)
from clicktrail.validation import optional_day

#: Comparison methods that compare an ``ip`` control's values as address ranges.
RANGE_METHODS = frozenset({"exact_match", "does_not_match"})


async def _check_control(session: AsyncSession, body: TrafficControlIn) -> None:
    method = body.comparison_method
    if method == "is_empty":
        if body.values:
            raise ValidationFailed("values must be empty with is_empty", field="values")
    else:
        limit = MAX_EXACT_VALUES if method == "exact_match" else MAX_OTHER_VALUES
        if not body.values:
            raise ValidationFailed("values must hold at least one value", field="values")
        if len(body.values) > limit:
            raise ValidationFailed(
                f"values holds {len(body.values)} values; {method} allows at most {limit}",
                field="values",
            )
    if len(set(body.variables)) != len(body.variables):
        raise ValidationFailed("variables lists a variable twice", field="variables")
    if "ip" in body.variables and method in RANGE_METHODS:
        for index, value in enumerate(body.values):
            try:
                parse_network(value)
            except ValueError as exc:
                raise ValidationFailed(
                    f"values[{index}] {value!r} is not an IP address or CIDR range: {exc} "
                    "(an ip control compared by exact_match or does_not_match holds only "
                    "addresses and ranges; put other variables in a control of their own)",
                    field="values",
                ) from None
    start = optional_day(body.date_valid_from, "date_valid_from")
    end = optional_day(body.date_valid_to, "date_valid_to")
    if start is not None and end is not None and end < start:
        raise ValidationFailed("date_valid_to is before date_valid_from", field="date_valid_to")
    if not body.is_apply_all_offers and not (body.network_offer_ids or body.network_advertiser_ids):
        raise ValidationFailed(
            "network_offer_ids or network_advertiser_ids must be filled when "
            "is_apply_all_offers is false",
            field="network_offer_ids",
        )
    if not body.is_apply_all_affiliates and not body.network_affiliate_ids:
        raise ValidationFailed(
            "network_affiliate_ids must be filled when is_apply_all_affiliates is false",
            field="network_affiliate_ids",
        )
    for kind, field, ids in (
        ("offer", "network_offer_ids", body.network_offer_ids),
        ("affiliate", "network_affiliate_ids", body.network_affiliate_ids),
        ("advertiser", "network_advertiser_ids", body.network_advertiser_ids),
    ):
        missing = await repository.missing_ids(session, kind, ids)
        if missing:
            raise ValidationFailed(f"{field}: unknown {kind} {missing[0]}", field=field)


def _control_values(body: TrafficControlIn) -> dict[str, Any]:
    values = body.model_dump(exclude={"network_traffic_control_id"})
    for key in ("network_offer_ids", "network_affiliate_ids", "network_advertiser_ids"):
        values[key] = sorted(set(values[key]))
    return values


async def create_control(session: AsyncSession, body: TrafficControlIn) -> TrafficControl:
    await _check_control(session, body)
    now = utcnow()
    control = TrafficControl(**_control_values(body), time_created=now, time_saved=now)
    await repository.add(session, control)
    return control


async def get_control(session: AsyncSession, control_id: int) -> TrafficControl:
    control = await repository.control_by_id(session, control_id)
    if control is None:
        raise NotFound(f"traffic control {control_id} not found")
    return control


async def replace_control(
    session: AsyncSession, control_id: int, body: TrafficControlIn
) -> TrafficControl:
    control = await get_control(session, control_id)
    if body.network_traffic_control_id not in (None, control_id):
        raise ValidationFailed(
            "network_traffic_control_id does not match the path",
            field="network_traffic_control_id",
        )
    await _check_control(session, body)
    for key, value in _control_values(body).items():
        setattr(control, key, value)
    control.time_saved = utcnow()
    await session.flush()
    return control


async def delete_control(session: AsyncSession, control_id: int) -> None:
    await repository.delete(session, await get_control(session, control_id))


async def list_controls(
    session: AsyncSession, request: PageRequest
) -> tuple[Sequence[TrafficControl], int]:
    return await repository.controls_page(session, request.offset, request.page_size)


async def _check_throttle(
    session: AsyncSession, body: ConversionThrottleIn, own_id: int | None
) -> None:
    if await repository.missing_ids(session, "offer", [body.network_offer_id]):
        raise ValidationFailed(
            f"network_offer_id: unknown offer {body.network_offer_id}", field="network_offer_id"
        )
    affiliate_id = body.network_affiliate_id
    if affiliate_id and await repository.missing_ids(session, "affiliate", [affiliate_id]):
        raise ValidationFailed(
            f"network_affiliate_id: unknown affiliate {affiliate_id}",
            field="network_affiliate_id",
        )
    other = await repository.throttle_for(session, body.network_offer_id, affiliate_id)
    if other is not None and other.network_conversion_throttle_id != own_id:
        raise Conflict(
            f"conversion throttle {other.network_conversion_throttle_id} already holds this "
            "offer and affiliate",
            field="network_affiliate_id",
        )


def _throttle_values(body: ConversionThrottleIn) -> dict[str, Any]:
    return body.model_dump(exclude={"network_conversion_throttle_id"})


async def create_throttle(session: AsyncSession, body: ConversionThrottleIn) -> ConversionThrottle:
    await _check_throttle(session, body, None)
    now = utcnow()
    throttle = ConversionThrottle(**_throttle_values(body), time_created=now, time_saved=now)
    await repository.add(session, throttle)
    return throttle


async def get_throttle(session: AsyncSession, throttle_id: int) -> ConversionThrottle:
    throttle = await repository.throttle_by_id(session, throttle_id)
    if throttle is None:
        raise NotFound(f"conversion throttle {throttle_id} not found")
    return throttle


async def replace_throttle(
    session: AsyncSession, throttle_id: int, body: ConversionThrottleIn
) -> ConversionThrottle:
    throttle = await get_throttle(session, throttle_id)
    if body.network_conversion_throttle_id not in (None, throttle_id):
        raise ValidationFailed(
            "network_conversion_throttle_id does not match the path",
            field="network_conversion_throttle_id",
        )
    await _check_throttle(session, body, throttle_id)
    for key, value in _throttle_values(body).items():
        setattr(throttle, key, value)
    throttle.time_saved = utcnow()
    await session.flush()
    return throttle


async def delete_throttle(session: AsyncSession, throttle_id: int) -> None:
    await repository.delete(session, await get_throttle(session, throttle_id))


async def list_throttles(
    session: AsyncSession, request: PageRequest
) -> tuple[Sequence[ConversionThrottle], int]:
    return await repository.throttles_page(session, request.offset, request.page_size)
