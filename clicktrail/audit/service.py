"""Searching the audit log: filters in Everflow's report dialect, a time window in the
caller's timezone."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.audit import repository
from clicktrail.audit.policy import ENTITY_TYPES, OPERATIONS
from clicktrail.audit.schemas import AuditSearchIn
from clicktrail.auth.actor import ACTOR_KINDS
from clicktrail.errors import ValidationFailed
from clicktrail.kit import ids
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import parse_local_date_or_datetime
from clicktrail.meta.timezones import zone_for
from clicktrail.models import AuditEntry

#: Filter ``resource_type`` -> the values it accepts (None: any text up to 64 characters).
_CHOICES: dict[str, frozenset[str] | None] = {
    "entity_type": ENTITY_TYPES,
    "entity_id": None,
    "operation": frozenset(OPERATIONS),
    "actor_type": frozenset(ACTOR_KINDS),
    "actor_id": None,
}
_COLUMNS = {
    "entity_type": AuditEntry.entity_type,
    "entity_id": AuditEntry.entity_id,
    "operation": AuditEntry.operation,
    "actor_type": AuditEntry.actor_type,
    "actor_id": AuditEntry.actor_id,
}
FILTER_TYPES = frozenset(_CHOICES)
_DATE = "must be YYYY-mm-DD or YYYY-mm-DD HH:MM:SS"


def _window(body: AuditSearchIn) -> list[ColumnElement[bool]]:
    zone = zone_for(body.timezone_id)
    where: list[ColumnElement[bool]] = []
    start = end = None
    if body.from_:
        try:
            start = parse_local_date_or_datetime(body.from_, zone)
        except ValueError as exc:
            raise ValidationFailed(f"from {_DATE}", field="from") from exc
        where.append(AuditEntry.time_operation >= start)
    if body.to:
        try:
            end = parse_local_date_or_datetime(body.to, zone, end=True)
        except ValueError as exc:
            raise ValidationFailed(f"to {_DATE}", field="to") from exc
        where.append(AuditEntry.time_operation < end)
    if start is not None and end is not None and end <= start:
        raise ValidationFailed("to must be after from", field="to")
    return where


def conditions(body: AuditSearchIn) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a search (400 naming the field for anything unknown)."""
    where = _window(body)
    grouped: dict[str, list[str | int]] = defaultdict(list)
    for i, item in enumerate(body.query.filters):
        kind = item.resource_type.strip().lower()
        if kind not in FILTER_TYPES:
            raise ValidationFailed(
                f"unknown filter resource_type {item.resource_type!r}; one of "
                + ", ".join(sorted(FILTER_TYPES)),
                field=f"query.filters.{i}.resource_type",
            )
        value = item.filter_id_value.strip()
        field = f"query.filters.{i}.filter_id_value"
        choices = _CHOICES[kind]
        if kind == "actor_id":
            number = ids.parse_int_id(value)
            if number is None:
                raise ValidationFailed(
                    f"actor_id must be an integer id, got {value!r}", field=field
                )
            grouped[kind].append(number)
        elif choices is not None:
            if value.lower() not in choices:
                raise ValidationFailed(
                    f"{kind} must be one of {', '.join(sorted(choices))}", field=field
                )
            grouped[kind].append(value.lower())
        else:
            if not value or len(value) > 64:
                raise ValidationFailed(f"{kind} must be 1 to 64 characters", field=field)
            grouped[kind].append(value)
    for kind, values in grouped.items():
        where.append(_COLUMNS[kind].in_(values))
    return where


@dataclass(frozen=True, slots=True)
class Order:
    field: str
    descending: bool


def order(order_field: str | None, order_direction: str | None) -> Order:
    field = (order_field or "time_operation").strip().lower()
    if field not in repository.ORDER_COLUMNS:
        raise ValidationFailed(
            "order_field must be one of " + ", ".join(sorted(repository.ORDER_COLUMNS)),
            field="order_field",
        )
    return Order(field, (order_direction or "desc") == "desc")


async def search(
    session: AsyncSession, body: AuditSearchIn, page: PageRequest, by: Order
) -> tuple[list[AuditEntry], int]:
    return await repository.search(
        session,
        conditions(body),
        order_field=by.field,
        descending=by.descending,
        offset=page.offset,
        limit=page.page_size,
    )
