"""Success bodies of the operations endpoints (``/healthz``, ``/readyz``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready", "unavailable"] = Field(description="503 when unavailable.")
    database: str = Field(description="The engine: sqlite or postgresql.")
