"""Offer visibility per affiliate and offer applications: the rules (ADR 0095).

A visibility row says ``visible``, ``hidden`` or ``rejected`` for one offer and affiliate;
an application asks for an offer that requires approval and is approved or rejected by the
network. The two stay in step: approving an application makes the offer visible to the
affiliate and rejecting it rejected; setting an affiliate visible or rejected decides its
pending application the same way. Every write goes through the ORM, so it is audited and
moves the cache generation: the next click sees it in every process.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.access import repository
from clicktrail.access.schemas import (
    AffiliateVisibilityIn,
    ApplicationsPatchIn,
    ApplicationsTableIn,
    ApplyIn,
    OfferVisibilityIn,
    OfferVisibilityOut,
)
from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Offer, OfferApplication, OfferVisibility
from clicktrail.models.offer_application import APPROVED, PENDING
from clicktrail.models.offer_application import REJECTED as APPLICATION_REJECTED
from clicktrail.models.offer_visibility import (
    HIDDEN,
    REJECTED,
    REQUIRE_APPROVAL,
    VISIBLE,
    may_run,
)
from clicktrail.offer import repository as offers

NETWORK_ID = 1
#: What deciding an application makes the affiliate's visibility, and back.
_VISIBILITY_OF = {APPROVED: VISIBLE, APPLICATION_REJECTED: REJECTED}
_DECISION_OF = {VISIBLE: APPROVED, REJECTED: APPLICATION_REJECTED}


async def _offer(session: AsyncSession, offer_id: int) -> Offer:
    offer = await offers.by_id(session, offer_id)
    if offer is None or offer.offer_status == "deleted":
        raise NotFound(f"offer {offer_id} not found", field="offerId")
    return offer


async def _set(session: AsyncSession, offer_id: int, affiliate_id: int, kind: str) -> None:
    row = await repository.visibility_row(session, offer_id, affiliate_id)
    if row is None:
        session.add(
            OfferVisibility(
                network_offer_id=offer_id,
                network_affiliate_id=affiliate_id,
                visibility_type=kind,
                time_saved=utcnow(),
            )
        )
    elif row.visibility_type != kind:
        row.visibility_type = kind
        row.time_saved = utcnow()


async def _decide_pending(
    session: AsyncSession, offer_id: int | None, affiliate_ids: Iterable[int], kind: str
) -> None:
    """Decide the pending applications of ``affiliate_ids`` as visibility ``kind`` says."""
    decision = _DECISION_OF.get(kind)
    if decision is None:
        return
    for application in await repository.applications_of(session, offer_id, list(affiliate_ids)):
        if application.application_status == PENDING:
            application.application_status = decision
            application.time_saved = utcnow()


async def offer_visibility(session: AsyncSession, offer_id: int) -> OfferVisibilityOut:
    await _offer(session, offer_id)
    lists: dict[str, list[int]] = {VISIBLE: [], REJECTED: [], HIDDEN: []}
    for row in await repository.visibility_rows(session, offer_id):
        lists.setdefault(row.visibility_type, []).append(row.network_affiliate_id)
    return OfferVisibilityOut(
        network_id=NETWORK_ID,
        network_offer_id=offer_id,
        network_affiliate_visible_ids=lists[VISIBLE],
        network_affiliate_rejected_ids=lists[REJECTED],
        network_affiliate_hidden_ids=lists[HIDDEN],
    )


async def set_offer_visibility(
    session: AsyncSession, offer_id: int, body: OfferVisibilityIn
) -> OfferVisibilityOut:
    """Make exactly ``body.network_affiliate_ids`` the affiliates of ``body.set_type`` on the
    offer (Everflow's PUT): others of that type go back to the offer's default."""
    await _offer(session, offer_id)
    wanted = set(body.network_affiliate_ids)
    missing = wanted - await repository.existing_affiliate_ids(session, wanted)
    if missing:
        raise ValidationFailed(
            f"unknown affiliate ids: {sorted(missing)[:10]}", field="network_affiliate_ids"
        )
    for row in await repository.visibility_rows(session, offer_id):
        if row.visibility_type == body.set_type and row.network_affiliate_id not in wanted:
            await session.delete(row)
    for affiliate_id in sorted(wanted):
        await _set(session, offer_id, affiliate_id, body.set_type)
    await _decide_pending(session, offer_id, wanted, body.set_type)
    await session.flush()
    return await offer_visibility(session, offer_id)


async def set_affiliate_visibility(
    session: AsyncSession, affiliate_id: int, body: AffiliateVisibilityIn
) -> None:
    """Set the affiliate's visibility on each of ``body.network_offer_ids``."""
    if await repository.affiliate(session, affiliate_id) is None:
        raise NotFound(f"affiliate {affiliate_id} not found", field="affiliateId")
    wanted = set(body.network_offer_ids)
    found = await repository.offers_by_id(session, wanted)
    missing = {i for i in wanted if i not in found or found[i].offer_status == "deleted"}
    if missing:
        raise ValidationFailed(
            f"unknown offer ids: {sorted(missing)[:10]}", field="network_offer_ids"
        )
    for offer_id in sorted(wanted):
        await _set(session, offer_id, affiliate_id, body.visibility_type)
        await _decide_pending(session, offer_id, (affiliate_id,), body.visibility_type)
    await session.flush()


async def decide_applications(session: AsyncSession, body: ApplicationsPatchIn) -> None:
    """Approve or reject applications; the affiliate's visibility follows."""
    status = body.patches[0].field_value
    wanted = set(body.network_application_ids)
    found = await repository.applications_by_id(session, wanted)
    missing = wanted - set(found)
    if missing:
        raise ValidationFailed(
            f"unknown application ids: {sorted(missing)[:10]}", field="network_application_ids"
        )
    now = utcnow()
    for application_id in sorted(wanted):
        application = found[application_id]
        if application.application_status != status:
            application.application_status = status
            application.time_saved = now
        await _set(
            session,
            application.network_offer_id,
            application.network_affiliate_id,
            _VISIBILITY_OF[status],
        )
    await session.flush()


async def applications(
    session: AsyncSession, page: PageRequest, body: ApplicationsTableIn | None = None
) -> tuple[list[repository.ApplicationRow], int]:
    body = body if body is not None else ApplicationsTableIn()
    filters = body.filters
    return await repository.application_page(
        session,
        page.offset,
        page.page_size,
        affiliate_ids=filters.network_affiliate_ids,
        advertiser_ids=filters.network_advertiser_ids,
        offer_group_ids=filters.network_offer_group_ids,
        offer_ids=filters.network_offer_ids,
        status=filters.application_status,
        search=" ".join(term.value for term in body.search_terms)[:255],
    )


async def apply(session: AsyncSession, affiliate_id: int, body: ApplyIn) -> OfferApplication:
    """The affiliate's application to run an offer that requires approval: a new pending
    one, or the one it already made. 400 naming ``network_offer_id`` for an offer it cannot
    see, one it may already run, or one that needs no approval."""
    offer_id = body.network_offer_id
    existing = await repository.application_for(session, offer_id, affiliate_id)
    if existing is not None:
        return existing
    offer = await offers.by_id(session, offer_id)
    kind = await offers.visibility_type(session, offer_id, affiliate_id)
    runnable = offer is not None and may_run(offer.visibility, kind)
    seen = offer is not None and (
        runnable or (offer.visibility == REQUIRE_APPROVAL and kind != HIDDEN)
    )
    if offer is None or offer.offer_status != "active" or not seen:
        raise ValidationFailed(f"offer {offer_id} not found", field="network_offer_id")
    if runnable:
        raise ValidationFailed(
            f"offer {offer_id} is already runnable: no application needed",
            field="network_offer_id",
        )
    if kind == REJECTED:
        raise ValidationFailed(
            f"the network rejected this affiliate for offer {offer_id}", field="network_offer_id"
        )
    now = utcnow()
    application = OfferApplication(
        network_offer_id=offer_id,
        network_affiliate_id=affiliate_id,
        application_status=PENDING,
        message=body.message,
        time_created=now,
        time_saved=now,
    )
    session.add(application)
    await session.flush()
    return application
