"""Why a conversion was refused: Everflow's conversion error codes, used as the taxonomy.

A refused conversion is stored, never dropped: ``status`` says what happened to it
(``invalid`` when it could not be attributed or validated, ``rejected`` when it was attributed
but an offer rule refused it) and ``error_code``/``error_message`` say why. Codes and messages
follow Everflow's "Error Code Reference Guide - Conversions", so a network moving over keeps
its dashboards and alerting keyed on them.
"""

from __future__ import annotations

from enum import IntEnum


class Reason(IntEnum):
    NONE = 0
    THROTTLED = 1
    OVER_CAPS = 4
    ABOVE_LOOKBACK_WINDOW = 5
    DUPLICATE = 8
    MANUALLY_REJECTED = 9
    INVALID_NETWORK = 11
    INVALID_TRANSACTION_ID = 12
    INVALID_CLICK = 13
    OFFER_NOT_MATCHING = 14
    INVALID_OFFER = 15
    INACTIVE_OFFER = 18
    BELOW_LOOKBACK_WINDOW = 20
    INVALID_VERIFICATION_TOKEN = 21
    UNMATCHING_EVENT = 25

    @property
    def message(self) -> str:
        return MESSAGES[self]

    @property
    def status(self) -> str:
        """The status a conversion refused for this reason is stored with."""
        return "rejected" if self in REJECTING else "invalid"


MESSAGES: dict[Reason, str] = {
    Reason.NONE: "",
    Reason.THROTTLED: "Throttled",
    Reason.OVER_CAPS: "Over Caps",
    Reason.ABOVE_LOOKBACK_WINDOW: "Above Lookback Window Value",
    Reason.DUPLICATE: "Duplicate Conversion",
    Reason.MANUALLY_REJECTED: "Manually Rejected",
    Reason.INVALID_NETWORK: "Invalid Network",
    Reason.INVALID_TRANSACTION_ID: "Invalid Transaction ID",
    Reason.INVALID_CLICK: "Invalid Click",
    Reason.OFFER_NOT_MATCHING: "Click and Conversion Offer Not Matching",
    Reason.INVALID_OFFER: "Invalid Offer",
    Reason.INACTIVE_OFFER: "Inactive Offer",
    Reason.BELOW_LOOKBACK_WINDOW: "Below Lookback Window Value",
    Reason.INVALID_VERIFICATION_TOKEN: "Invalid Verification Token",
    Reason.UNMATCHING_EVENT: "Unmatching Offer Event ID",
}

#: Attributed to a click and offer, then refused by one of the offer's rules.
REJECTING = frozenset(
    {
        Reason.THROTTLED,
        Reason.OVER_CAPS,
        Reason.ABOVE_LOOKBACK_WINDOW,
        Reason.DUPLICATE,
        Reason.MANUALLY_REJECTED,
        Reason.BELOW_LOOKBACK_WINDOW,
    }
)

#: Error codes of conversions that were accepted when recorded (a later one for the same
#: click and event is a duplicate of these).
ACCEPTED_CODES = (int(Reason.NONE), int(Reason.MANUALLY_REJECTED))
