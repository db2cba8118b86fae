"""Which (offer, affiliate) pairs of a conversion batch have caps to count (ADR 0093)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.repository import ClickFacts, OfferFacts


def capped_pairs(
    drafts: Sequence[ConversionDraft],
    clicks: Mapping[str, ClickFacts],
    offers: Mapping[int, OfferFacts],
) -> set[tuple[int, int]]:
    """(offer, affiliate) of the drafts whose offer has caps enabled: empty, and free,
    when no offer of the batch has caps."""
    if not any(offer.is_caps_enabled for offer in offers.values()):
        return set()
    pairs: set[tuple[int, int]] = set()
    for draft in drafts:
        click = clicks.get(draft.transaction_id) if draft.transaction_id else None
        if click is not None:
            offer_id, affiliate_id = click.network_offer_id, click.network_affiliate_id
        else:
            offer_id, affiliate_id = draft.offer_id, draft.affiliate_id
        offer = offers.get(offer_id) if offer_id is not None else None
        if offer is not None and offer.is_caps_enabled and affiliate_id is not None:
            pairs.add((offer_id, affiliate_id))  # type: ignore[arg-type]
    return pairs
