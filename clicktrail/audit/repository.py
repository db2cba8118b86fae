"""Queries on the audit log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import AuditEntry

#: ``order_field`` values and the column each sorts on.
ORDER_COLUMNS = {
    "time_operation": AuditEntry.time_operation,
    "network_audit_operation_id": AuditEntry.audit_entry_id,
}


async def search(
    session: AsyncSession,
    where: Sequence[ColumnElement[bool]],
    *,
    order_field: str,
    descending: bool,
    offset: int,
    limit: int,
) -> tuple[list[AuditEntry], int]:
    """One page of entries and the number of entries matching ``where``."""
    condition = and_(*where) if where else None
    count = select(func.count()).select_from(AuditEntry)
    rows = select(AuditEntry)
    if condition is not None:
        count = count.where(condition)
        rows = rows.where(condition)
    column = ORDER_COLUMNS[order_field]
    tie = AuditEntry.audit_entry_id
    order = (column.desc(), tie.desc()) if descending else (column.asc(), tie.asc())
    total = int(await session.scalar(count) or 0)
    found = await session.scalars(rows.order_by(*order).offset(offset).limit(limit))
    return list(found.all()), total
