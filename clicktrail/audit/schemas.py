"""Wire shapes of Everflow's audit log search (``POST /v1/networks/auditoperations``)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from clicktrail.kit.paging import Paging
from clicktrail.meta.timezones import BY_ID

UTC_TIMEZONE_ID = 67


class AuditFilter(BaseModel):
    """One filter, Everflow's report dialect: values of one ``resource_type`` are ORed,
    different types ANDed."""

    model_config = ConfigDict(extra="ignore")

    resource_type: Annotated[str, StringConstraints(max_length=64)]
    filter_id_value: Annotated[str, StringConstraints(max_length=255)]

    @field_validator("filter_id_value", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class AuditQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    filters: Annotated[list[AuditFilter], Field(max_length=100)] = []


class AuditSearchIn(BaseModel):
    """The request body; paging and order are in the query string (``page``, ``page_size``,
    ``order_field``, ``order_direction``)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    from_: Annotated[str | None, StringConstraints(max_length=32)] = Field(
        default=None, alias="from", description="YYYY-mm-DD or YYYY-mm-DD HH:MM:SS, inclusive."
    )
    to: Annotated[str | None, StringConstraints(max_length=32)] = Field(
        default=None, description="YYYY-mm-DD (the whole day) or YYYY-mm-DD HH:MM:SS, exclusive."
    )
    timezone_id: int = Field(default=UTC_TIMEZONE_ID, description="The zone of from and to.")
    query: AuditQuery = AuditQuery()

    @field_validator("timezone_id")
    @classmethod
    def _known_zone(cls, value: int) -> int:
        if value not in BY_ID:
            raise ValueError("is not a known timezone_id")
        return value


class AuditOperationOut(BaseModel):
    """One change: who made it, when, to which entity, and the changed values."""

    network_audit_operation_id: int
    #: Unix seconds (UTC).
    time_operation: int
    #: create | update | status_change | delete
    operation: str
    entity_type: str
    entity_id: str
    #: api_key | user | system
    actor_type: str
    actor_id: int | None
    actor_label: str
    #: The changed columns' old values (all columns for a delete; null for a create).
    before: dict[str, Any] | None
    #: The changed columns' new values (all columns for a create; null for a delete).
    after: dict[str, Any] | None


class AuditOperationList(BaseModel):
    audit_operations: list[AuditOperationOut]
    paging: Paging
