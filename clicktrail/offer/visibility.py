"""Which offers an affiliate may run, and what it is shown of them (ADR 0092).

An affiliate may run an offer that is active and public, while its own account is active.
Offers that require approval or are private stay hidden until offer applications exist
(issue 18 extends :func:`runnable_offers` and :func:`runnable_offer`, nothing else). What an
affiliate is shown of an offer is its payout side only: a :class:`PartnerOffer` carries no
revenue, no advertiser and no internal notes, so a page built on it cannot show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import NotFound
from clicktrail.kit.paging import PageRequest
from clicktrail.models import Offer
from clicktrail.offer import repository

#: Longest offer search term.
MAX_SEARCH = 100


@dataclass(frozen=True, slots=True)
class PartnerPayout:
    """One payout entry as the affiliate sees it (``event_id`` 0: the base conversion)."""

    event_id: int
    name: str
    payout_type: str
    payout_amount: Decimal
    payout_percentage: Decimal


@dataclass(frozen=True, slots=True)
class PartnerOffer:
    network_offer_id: int
    name: str
    offer_status: str
    currency_id: str
    preview_url: str
    payouts: tuple[PartnerPayout, ...]

    @property
    def base_payout(self) -> PartnerPayout | None:
        return next((p for p in self.payouts if p.event_id == 0), None)


def partner_view(offer: Offer) -> PartnerOffer:
    """The affiliate's view of an offer: entries marked private are left out."""
    entries = sorted(offer.payout_revenue, key=lambda e: (not e.is_default, e.event_id))
    payouts = tuple(
        PartnerPayout(
            event_id=0 if entry.is_default else entry.event_id,
            name="Base Conversion" if entry.is_default else (entry.entry_name or "Event"),
            payout_type=entry.payout_type,
            payout_amount=entry.payout_amount,
            payout_percentage=entry.payout_percentage,
        )
        for entry in entries
        if not entry.is_private
    )
    return PartnerOffer(
        network_offer_id=offer.network_offer_id,
        name=offer.name,
        offer_status=offer.offer_status,
        currency_id=offer.currency_id,
        preview_url=offer.preview_url,
        payouts=payouts,
    )


async def _may_run_any(session: AsyncSession, affiliate_id: int) -> bool:
    return await repository.affiliate_status(session, affiliate_id) == "active"


async def runnable_offers(
    session: AsyncSession, affiliate_id: int, page: PageRequest, search: str = ""
) -> tuple[list[PartnerOffer], int]:
    """The page of offers ``affiliate_id`` may run, by id, optionally matching ``search``
    (an offer id or part of its name), and how many there are."""
    if not await _may_run_any(session, affiliate_id):
        return [], 0
    term = search.strip()[:MAX_SEARCH]
    total = await repository.runnable_count(session, term)
    rows = await repository.runnable_page(session, term, page.offset, page.page_size)
    return [partner_view(offer) for offer in rows], total


async def runnable_offer(session: AsyncSession, affiliate_id: int, offer_id: int) -> PartnerOffer:
    """One offer ``affiliate_id`` may run; NotFound for any other (it is not told why)."""
    offer = None
    if await _may_run_any(session, affiliate_id):
        offer = await repository.runnable_by_id(session, offer_id)
    if offer is None:
        raise NotFound(f"offer {offer_id} not found", field="offer_id")
    return partner_view(offer)
