"""Why a click is invalid: one typed reason, like conversions' (clicktrail.conversion.reasons).

An invalid click is stored, never dropped: ``error_code``/``error_message`` say why, with the
codes and messages the tracking host has always stored for an unresolved link. ``NONE`` (0)
is a valid click.
"""

from __future__ import annotations

from enum import IntEnum


class ClickRefusal(IntEnum):
    NONE = 0
    MALFORMED_LINK = 1
    UNKNOWN_OFFER = 2
    OFFER_NOT_ACTIVE = 3
    UNKNOWN_AFFILIATE = 4
    AFFILIATE_NOT_ACTIVE = 5
    # Network rules (issue 18): the click resolved, then a rule step refused it.
    OVER_CAPS = 6
    OFFER_NOT_RUNNABLE = 7
    TARGETING_MISMATCH = 8
    BLOCKED_TRAFFIC = 9
    ROBOT = 10
    PROXY = 11

    @property
    def message(self) -> str:
        """The stored ``error_message``."""
        return MESSAGES[self._value_]

    @property
    def subject(self) -> str:
        """What the refusal is about: "offer", "affiliate", "link" (either id is bad) or
        "rule" (a network rule refused a resolved click)."""
        return SUBJECTS[self._value_]


# Indexed by code (codes are 0, 1, 2, ...): a tuple index, not an Enum hash, per click.
MESSAGES: tuple[str, ...] = (
    "",
    "Invalid tracking link",
    "Unknown offer",
    "Offer is not active",
    "Unknown affiliate",
    "Affiliate is not active",
    "Over Caps",
    "Offer is not runnable by this affiliate",
    "Targeting mismatch",
    "Blocked traffic",
    "Robot traffic",
    "Proxy traffic",
)
#: "rule" refusals come from the network's rules; the click goes to the offer's redirect
#: (``Draft.divert``) or the network fallback.
SUBJECTS: tuple[str, ...] = (
    "",
    "link",
    "offer",
    "offer",
    "affiliate",
    "affiliate",
    "rule",
    "rule",
    "rule",
    "rule",
    "rule",
    "rule",
)
