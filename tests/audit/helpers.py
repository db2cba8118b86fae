"""What the audit tests share: reading the log straight from the database."""

from __future__ import annotations

from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import ApiKey, AuditEntry


async def entries(db: Database, entity_type: str | None = None) -> list[AuditEntry]:
    async with db.read() as session:
        query = select(AuditEntry).order_by(AuditEntry.audit_entry_id)
        if entity_type is not None:
            query = query.where(AuditEntry.entity_type == entity_type)
        return list(await session.scalars(query))


async def key_id_of(db: Database, raw: str) -> int:
    """The id of the key whose raw value is ``raw`` (``ct_<prefix>_<secret>``)."""
    prefix = raw.split("_")[1]
    async with db.read() as session:
        key = await session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    assert key is not None
    return key.id
