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

    @property
    def message(self) -> str:
        """The stored ``error_message``."""
        return MESSAGES[self._value_]

    @property
    def subject(self) -> str:
        """What the refusal is about: "offer", "affiliate" or "link" (either id is bad)."""
        return SUBJECTS[self._value_]


# Indexed by code (codes are 0, 1, 2, ...): a tuple index, not an Enum hash, per click.
MESSAGES: tuple[str, ...] = (
    "",
    "Invalid tracking link",
    "Unknown offer",
    "Offer is not active",
    "Unknown affiliate",
    "Affiliate is not active",
)
SUBJECTS: tuple[str, ...] = ("", "link", "offer", "offer", "affiliate", "affiliate")
