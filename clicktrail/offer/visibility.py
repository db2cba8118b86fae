"""Which offers an affiliate sees and may run, and what it is shown of them (ADR 0092,
ADR 0095).

An affiliate whose account is active may run an active offer that is public (unless hidden
from it), or that requires approval or is private once the network made it visible to it
(a grant, or an approved application): ``models/offer_visibility.may_run``, the rule the
tracking host's visibility step follows too. It also sees, without running them, offers that
require approval and were not hidden from it, with the status of its application. What an
affiliate is shown of an offer is its payout side only: a :class:`PartnerOffer` carries no
revenue, no advertiser and no internal notes, so a page built on it cannot show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.paging import PageRequest
from clicktrail.models import Offer
from clicktrail.models.offer_application import PENDING
from clicktrail.models.offer_application import REJECTED as APPLICATION_REJECTED
from clicktrail.models.offer_visibility import PUBLIC, REJECTED, may_run
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
    visibility: str = PUBLIC
    html_description: str = ""
    network_tracking_domain_id: int = 0
    time_created: datetime | None = None
    time_saved: datetime | None = None
    #: Everflow's ``relationship.offer_affiliate_status``: public, approved (may run), or
    #: require_approval, pending, rejected (may not).
    offer_affiliate_status: str = PUBLIC

    @property
    def runnable(self) -> bool:
        return self.offer_affiliate_status in (PUBLIC, "approved")

    @property
    def base_payout(self) -> PartnerPayout | None:
        return next((p for p in self.payouts if p.event_id == 0), None)


def affiliate_status(
    offer_visibility: str, visibility_type: str | None, application_status: str | None
) -> str:
    """Everflow's ``offer_affiliate_status`` of an active offer for one affiliate."""
    if may_run(offer_visibility, visibility_type):
        return PUBLIC if offer_visibility == PUBLIC else "approved"
    if application_status == PENDING:
        return "pending"
    if application_status == APPLICATION_REJECTED or visibility_type == REJECTED:
        return "rejected"
    return "require_approval"


def partner_view(offer: Offer, status: str = PUBLIC) -> PartnerOffer:
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
        visibility=offer.visibility,
        html_description=offer.html_description,
        network_tracking_domain_id=offer.network_tracking_domain_id,
        time_created=offer.time_created,
        time_saved=offer.time_saved,
        offer_affiliate_status=status,
    )


def _view(row: repository.AccessRow) -> PartnerOffer:
    offer, kind, application = row
    return partner_view(offer, affiliate_status(offer.visibility, kind, application))


async def _may_run_any(session: AsyncSession, affiliate_id: int) -> bool:
    return await repository.affiliate_status(session, affiliate_id) == "active"


async def visible_offers(
    session: AsyncSession,
    affiliate_id: int,
    page: PageRequest,
    search: str = "",
    *,
    runnable_only: bool = False,
) -> tuple[list[PartnerOffer], int]:
    """The page of offers ``affiliate_id`` sees (or only those it may run), by id,
    optionally matching ``search`` (an offer id or part of its name), and how many."""
    if not await _may_run_any(session, affiliate_id):
        return [], 0
    term = search.strip()[:MAX_SEARCH]
    rows, total = await repository.access_page(
        session, affiliate_id, term, page.offset, page.page_size, runnable_only=runnable_only
    )
    return [_view(row) for row in rows], total


async def runnable_offers(
    session: AsyncSession, affiliate_id: int, page: PageRequest, search: str = ""
) -> tuple[list[PartnerOffer], int]:
    """The page of offers ``affiliate_id`` may run (see :func:`visible_offers`)."""
    return await visible_offers(session, affiliate_id, page, search, runnable_only=True)


async def visible_offer(
    session: AsyncSession, affiliate_id: int, offer_id: int, *, runnable_only: bool = False
) -> PartnerOffer:
    """One offer ``affiliate_id`` sees (or may run); NotFound for any other (it is not told
    why)."""
    row = None
    if await _may_run_any(session, affiliate_id):
        row = await repository.access_by_id(
            session, affiliate_id, offer_id, runnable_only=runnable_only
        )
    if row is None:
        raise NotFound(f"offer {offer_id} not found", field="offer_id")
    return _view(row)


async def runnable_offer(session: AsyncSession, affiliate_id: int, offer_id: int) -> PartnerOffer:
    """One offer ``affiliate_id`` may run; NotFound for any other (it is not told why)."""
    return await visible_offer(session, affiliate_id, offer_id, runnable_only=True)


async def check_runnable(
    session: AsyncSession, offer: Offer, affiliate_id: int, *, field: str
) -> None:
    """ValidationFailed naming ``field`` unless the affiliate may run ``offer`` by its
    visibility (offer and affiliate status are the caller's to check)."""
    kind = await repository.visibility_type(session, offer.network_offer_id, affiliate_id)
    if not may_run(offer.visibility, kind):
        raise ValidationFailed(
            f"affiliate {affiliate_id} may not run offer {offer.network_offer_id}: "
            f"the offer is {offer.visibility} and the affiliate is not approved for it",
            field=field,
        )
