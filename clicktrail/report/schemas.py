"""Wire shapes of the aggregated report (Everflow's ``reporting/entity/table``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ColumnIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    column: str = Field(min_length=1, max_length=64)


class FilterIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    resource_type: str = Field(min_length=1, max_length=64)
    filter_id_value: str | int = Field(union_mode="left_to_right")


class QueryIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    filters: list[FilterIn] = Field(default_factory=list, max_length=500)
    exclusions: list[FilterIn] = Field(default_factory=list, max_length=500)
    metric_filters: list[dict[str, object]] = Field(default_factory=list)


class ReportIn(BaseModel):
    """``POST /v1/{networks,affiliates}/reporting/entity/table`` (and ``/export``)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    from_: str = Field(alias="from", min_length=1, max_length=32)
    to: str = Field(min_length=1, max_length=32)
    timezone_id: int | None = None
    currency_id: str | None = Field(default=None, max_length=8)
    columns: list[ColumnIn] = Field(min_length=1, max_length=10)
    query: QueryIn = Field(default_factory=QueryIn)
    #: Export only: Everflow's export takes ``format``; CSV is the one offered here.
    format: str | None = Field(default=None, max_length=16)
