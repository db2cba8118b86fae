"""Payout/revenue entries of an offer: validation, matching on PUT, and event ids.

Rules: at least one entry and exactly one default (the base conversion, event 0); event
aliases are unique within the offer; an entry keeps its id (and so its event id) across PUTs
when the body names it by ``network_offer_payout_revenue_id``, or when it is the default, or
when its ``entry_name`` matches an existing event. A non-default entry's ``event_id`` is its own
``network_offer_payout_revenue_id``, as Everflow numbers events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clicktrail.errors import ValidationFailed
from clicktrail.models import OfferPayoutRevenue
from clicktrail.offer.schemas import PayoutRevenueIn

#: Temporary event ids of new entries while their primary keys are not known yet.
_NEW_BASE = -2_000_000_000


def check_entries(entries: Sequence[PayoutRevenueIn]) -> None:
    defaults = [i for i, e in enumerate(entries) if e.is_default]
    if len(defaults) != 1:
        raise ValidationFailed(
            f"exactly one entry must have is_default true (found {len(defaults)})",
            field="payout_revenue",
        )
    seen_alias: dict[str, int] = {}
    seen_id: set[int] = set()
    for index, entry in enumerate(entries):
        if entry.event_alias:
            if entry.event_alias in seen_alias:
                raise ValidationFailed(
                    f"event_alias {entry.event_alias!r} is used twice",
                    field=f"payout_revenue.{index}.event_alias",
                )
            seen_alias[entry.event_alias] = index
        entry_id = entry.network_offer_payout_revenue_id
        if entry_id is not None:
            if entry_id in seen_id:
                raise ValidationFailed(
                    f"entry {entry_id} is listed twice",
                    field=f"payout_revenue.{index}.network_offer_payout_revenue_id",
                )
            seen_id.add(entry_id)


def _apply(row: OfferPayoutRevenue, entry: PayoutRevenueIn) -> None:
    row.entry_name = entry.entry_name
    row.event_alias = entry.event_alias
    row.payout_type = entry.payout_type
    row.payout_amount = entry.payout_amount
    row.payout_percentage = entry.payout_percentage
    row.revenue_type = entry.revenue_type
    row.revenue_amount = entry.revenue_amount
    row.revenue_percentage = entry.revenue_percentage
    row.is_default = entry.is_default
    row.is_private = entry.is_private


@dataclass
class Plan:
    """The rows an offer will hold after a create or PUT, with temporary event ids."""

    rows: list[OfferPayoutRevenue]


def plan_entries(
    existing: Sequence[OfferPayoutRevenue], entries: Sequence[PayoutRevenueIn]
) -> Plan:
    """Match body entries to existing rows and give every row a unique temporary event id
    (negative), so a flush never trips the (offer, event_id) unique constraint."""
    by_id = {row.network_offer_payout_revenue_id: row for row in existing}
    unclaimed = dict(by_id)
    matched: list[OfferPayoutRevenue | None] = []
    for index, entry in enumerate(entries):
        entry_id = entry.network_offer_payout_revenue_id
        if entry_id is not None:
            row = unclaimed.pop(entry_id, None)
            if row is None:
                raise ValidationFailed(
                    f"entry {entry_id} is not an entry of this offer",
                    field=f"payout_revenue.{index}.network_offer_payout_revenue_id",
                )
            matched.append(row)
        else:
            matched.append(None)
    for index, entry in enumerate(entries):
        if matched[index] is not None:
            continue
        candidates = [
            row
            for row in unclaimed.values()
            if (entry.is_default and row.is_default)
            or (not entry.is_default and not row.is_default and row.entry_name == entry.entry_name)
        ]
        if candidates:
            row = candidates[0]
            del unclaimed[row.network_offer_payout_revenue_id]
            matched[index] = row
    rows: list[OfferPayoutRevenue] = []
    for index, entry in enumerate(entries):
        row = matched[index]
        if row is None:
            row = OfferPayoutRevenue(event_id=_NEW_BASE - index)
        else:
            row.event_id = -row.network_offer_payout_revenue_id
        _apply(row, entry)
        rows.append(row)
    return Plan(rows=rows)


def assign_event_ids(rows: Sequence[OfferPayoutRevenue]) -> None:
    """Final event ids, once every row has its primary key: 0 for the default entry, the
    entry's own id for every other."""
    for row in rows:
        row.event_id = 0 if row.is_default else row.network_offer_payout_revenue_id
