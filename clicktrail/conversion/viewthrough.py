"""View-through attribution (ADR 0103): a conversion credited to an impression, not a click.

Two ways in, both only for an offer with ``is_view_through_enabled``:

* a postback without a transaction id that names the offer (``oid``) and affiliate
  (``affid``): the latest impression of that offer by that affiliate is its "click";
* a postback whose transaction id is an impression's id (what the Everflow SDK keeps from
  ``EF.impression()`` and sends with ``EF.conversion()``).

The impression then stands in for the click (its time, sub ids and geo are copied onto the
conversion) and the conversion is flagged ``is_view_through``. An impression older than the
offer's ``view_through_lookback_hour`` (0: no limit) makes the conversion rejected with
"Above Lookback Window Value" (code 5); no impression at all makes it invalid (code 13,
"Invalid Click"). The rest of the offer's rules (events, windows, duplicates, caps) apply
as to a click.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion import viewthrough_repository
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.repository import ClickFacts, OfferFacts


@dataclass(slots=True)
class Views:
    """A batch's impressions, found by id and by (offer, affiliate)."""

    by_pair: dict[tuple[int, int], ClickFacts] = field(default_factory=dict)
    #: Ids of every impression standing in for a click in this batch.
    ids: set[str] = field(default_factory=set)


def wanted_pairs(drafts: Sequence[ConversionDraft]) -> set[tuple[int, int]]:
    return {
        (d.offer_id, d.affiliate_id)
        for d in drafts
        if d.view_through
        and d.transaction_id is None
        and d.offer_id is not None
        and d.affiliate_id is not None
    }


def _enabled(offers: dict[int, OfferFacts], offer_id: int | None) -> bool:
    offer = offers.get(offer_id) if offer_id is not None else None
    return offer is not None and offer.is_view_through_enabled


async def load(
    session: AsyncSession,
    pairs: set[tuple[int, int]],
    by_id: dict[str, ClickFacts],
    offers: dict[int, OfferFacts],
    clicks: dict[str, ClickFacts],
) -> Views:
    """Add the impressions found by id to ``clicks`` (when their offer allows view-through)
    and find the latest impression of each wanted pair."""
    views = Views()
    for impression_id, facts in by_id.items():
        if _enabled(offers, facts.network_offer_id):
            clicks[impression_id] = facts
            views.ids.add(impression_id)
    pairs = {pair for pair in pairs if _enabled(offers, pair[0])}
    if pairs:
        views.by_pair = await viewthrough_repository.latest(session, pairs)
        views.ids.update(facts.transaction_id for facts in views.by_pair.values())
    return views


def beyond_lookback(offer: OfferFacts, impression: ClickFacts, moment: datetime) -> bool:
    hours = offer.view_through_lookback_hour
    return hours > 0 and moment - impression.created_at > timedelta(hours=hours)
