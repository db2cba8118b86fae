"""Success body of the Scaleo-compatible conversion endpoint (seed 001). Documentation only."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from clicktrail.openapi.everflow_entities import Number


class ScaleoConversionAdditional(BaseModel):
    replayed: bool
    error_code: int
    error_message: str
    payout: Number
    revenue: Number
    amount: Number
    currency: str


class ScaleoConversionInfo(BaseModel):
    status: str
    message: str
    lead_id: str
    transaction_id: str
    conv_status: str
    affiliate_id: int
    offer_id: int
    goal_id: int
    additional: ScaleoConversionAdditional


class ScaleoConversion(BaseModel):
    status: Literal["success"]
    code: int
    name: str
    message: str
    info: ScaleoConversionInfo
