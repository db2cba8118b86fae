"""Which offers an affiliate sees and may run, and what it is shown of them (ADR 0092,
ADR 0095).

An affiliate whose account is active may run an active offer that is public (unless hidden
from it), or that requires approval or is private once the network made it visible to it
(a grant, or an approved application): ``models/offer_visibility.may_run``, the rule the
tracking host's visibility step follows too. It also sees, without running them, offers that
require approval and were not hidden from it, with the status of its application. What an
affiliate is shown of an offer is its payout side only: a :class:`PartnerOffer` carries no
revenue, no advertiser and no internal notes, so a page built on it cannot show them. Its
payouts are the affiliate's own effective ones: a custom payout setting that wins for it now
(``custom_rules.py``, ADR 0094) replaces the entry's payout; other affiliates' settings and
every revenue stay out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Offer, OfferPayoutRevenue
from clicktrail.models.offer_application import PENDING
from clicktrail.models.offer_application import REJECTED as APPLICATION_REJECTED
from clicktrail.models.offer_visibility import PUBLIC, REJECTED, may_run
from clicktrail.offer import custom_repository, repository
from clicktrail.offer.custom_rules import CustomRate, choose, rate_of

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


def _payout(
    entry: OfferPayoutRevenue, custom: Sequence[CustomRate], affiliate_id: int | None
) -> PartnerPayout:
    payout_type, amount, percentage = (
        entry.payout_type,
        entry.payout_amount,
        entry.payout_percentage,
    )
    if custom:
        key = 0 if entry.is_default else entry.network_offer_payout_revenue_id
        chosen = choose(custom, key, affiliate_id, utcnow()).payout
        if chosen is not None:
            payout_type = chosen.payout_type
            amount, percentage = chosen.payout_amount, chosen.payout_percentage
    return PartnerPayout(
        event_id=0 if entry.is_default else entry.event_id,
        name="Base Conversion" if entry.is_default else (entry.entry_name or "Event"),
        payout_type=payout_type,
        payout_amount=amount,
        payout_percentage=percentage,
    )


def partner_view(
    offer: Offer,
    status: str = PUBLIC,
    *,
    custom: Sequence[CustomRate] = (),
    affiliate_id: int | None = None,
) -> PartnerOffer:
    """``affiliate_id``'s view of an offer: entries marked private are left out, payouts are
    the ones the offer's active ``custom`` settings give this affiliate now."""
    entries = sorted(offer.payout_revenue, key=lambda e: (not e.is_default, e.event_id))
    payouts = tuple(
        _payout(entry, custom, affiliate_id) for entry in entries if not entry.is_private
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


def _view(
    row: repository.AccessRow, affiliate_id: int, custom: dict[int, list[CustomRate]]
) -> PartnerOffer:
    offer, kind, application = row
    return partner_view(
        offer,
        affiliate_status(offer.visibility, kind, application),
        custom=custom.get(offer.network_offer_id, ()),
        affiliate_id=affiliate_id,
    )


async def own_settings(
    session: AsyncSession, affiliate_id: int, offer_ids: Collection[int]
) -> dict[int, list[CustomRate]]:
    """The active custom settings of these offers that apply to ``affiliate_id`` (its own and
    those for all affiliates), by offer: one query."""
    found: dict[int, list[CustomRate]] = {}
    for row in await custom_repository.active_of_offers(session, offer_ids):
        rate = rate_of(row)
        if rate.affiliate_ids is None or affiliate_id in rate.affiliate_ids:
            found.setdefault(rate.offer_id, []).append(rate)
    return found


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
    custom = await own_settings(session, affiliate_id, [row[0].network_offer_id for row in rows])
    return [_view(row, affiliate_id, custom) for row in rows], total


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
    custom = await own_settings(session, affiliate_id, [offer_id])
    return _view(row, affiliate_id, custom)


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
