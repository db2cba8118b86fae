"""Everflow's audit log search: ``POST /v1/networks/auditoperations`` (network realm)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from clicktrail.audit import service
from clicktrail.audit.schemas import AuditOperationList, AuditOperationOut, AuditSearchIn
from clicktrail.deps import NetworkCaller, ReadSession
from clicktrail.kit.paging import PageParams, paging
from clicktrail.kit.timeutil import unix
from clicktrail.models import AuditEntry

router = APIRouter(tags=["audit"])


def _out(entry: AuditEntry) -> AuditOperationOut:
    return AuditOperationOut(
        network_audit_operation_id=entry.audit_entry_id,
        time_operation=unix(entry.time_operation),
        operation=entry.operation,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        actor_type=entry.actor_type,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        before=entry.before,
        after=entry.after,
    )


@router.post("/v1/networks/auditoperations", response_model=AuditOperationList)
async def search_audit_operations(
    body: AuditSearchIn,
    page: PageParams,
    session: ReadSession,
    _: NetworkCaller,
    order_field: Annotated[
        str,
        Query(max_length=64, description="time_operation (default) or network_audit_operation_id."),
    ] = "time_operation",
    order_direction: Annotated[Literal["asc", "desc"], Query()] = "desc",
    relationship: Annotated[
        str | None, Query(max_length=255, description="Accepted; no relationship is expanded.")
    ] = None,
) -> AuditOperationList:
    """Every change made through the API or the console: who (API key or user), when, which
    entity, and the changed values before and after; newest first by default."""
    rows, total = await service.search(
        session, body, page, service.order(order_field, order_direction)
    )
    return AuditOperationList(
        audit_operations=[_out(row) for row in rows], paging=paging(page, total)
    )
