"""A click being drafted: what the visit said, and the row the click steps build from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clicktrail.tracking.cache import OfferEntry
from clicktrail.tracking.macros import UrlTemplate
from clicktrail.tracking.params import LinkQuery
from clicktrail.tracking.refusals import ClickRefusal


@dataclass(slots=True)
class Visit:
    """What the request tells about the visitor."""

    ip: str = ""
    user_agent: str = ""
    referer: str = ""
    accept_language: str = ""
    host: str = ""


@dataclass(slots=True)
class Draft:
    """A click on its way to the writer: its row, its offer (when valid) and its session.

    The steps of clicktrail.tracking.steps fill it in order; ``refusal`` is the first reason
    a step refused the click for (``NONE`` while it is valid).
    """

    offer_id: int | None
    affiliate_id: int | None
    query: LinkQuery
    visit: Visit
    row: dict[str, Any]
    offer: OfferEntry | None = None
    #: The affiliate id when that affiliate exists (even inactive), else None.
    affiliate: int | None = None
    refusal: ClickRefusal = ClickRefusal.NONE
    #: The visitor's user agent, clipped to the column when it had to be.
    user_agent: str = ""
    window: int = 0
    #: Where a click refused by a rule goes instead of the offer (the offer's redirect for
    #: capped or mistargeted traffic); None sends it to the network fallback.
    divert: UrlTemplate | None = None

    @property
    def valid(self) -> bool:
        return not self.row["error_code"]
