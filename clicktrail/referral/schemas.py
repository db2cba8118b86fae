"""Domain values of the referral work. Request bodies are Affonso's shapes
(``clicktrail/referral/affonso_schemas.py``); these are what the services hand back."""

from __future__ import annotations

from dataclasses import dataclass

from clicktrail.models import Click, Commission, Referral

#: Commission status -> the conversion status every other surface and report sees.
CONVERSION_STATUS: dict[str, str] = {
    "pending": "pending",
    "pending_manual_approval": "pending",
    "dispute": "pending",
    "ready_for_payment": "approved",
    "processing_payout": "approved",
    "paid": "approved",
    "declined": "rejected",
    "refunded": "rejected",
}


@dataclass(slots=True)
class CapturedClick:
    click: Click
    tracking_id: str


@dataclass(slots=True)
class Signup:
    referral: Referral
    #: False when the click had already been turned into this referral (a replay).
    created: bool


@dataclass(slots=True)
class Outcome:
    """A recorded (or replayed) referral conversion."""

    commission: Commission
    replayed: bool
