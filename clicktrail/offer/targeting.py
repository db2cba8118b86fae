"""The offer service's rules for targeting and fail traffic (ADR 0096). Never commits.

``targeting_values`` checks a body's ruleset and fail-traffic redirect and returns the
columns to store; every problem is a :class:`ValidationFailed` naming its field.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import ValidationFailed
from clicktrail.offer import repository
from clicktrail.offer.ruleset import LabelUnknown, stored
from clicktrail.offer.schemas import OfferIn

#: Routing types that pick by priority (the rest by weight).
PRIORITY_TYPES = ("unknown", "null_value", "priority", "priority_global")


def _ruleset(value: Any, where: str) -> dict[str, Any] | None:
    try:
        return stored(value, where)
    except LabelUnknown as exc:
        raise ValidationFailed(str(exc), field=exc.field) from exc


async def targeting_values(
    session: AsyncSession, body: OfferIn, offer_id: int | None
) -> dict[str, Any]:
    """The ruleset and fail-traffic columns of ``body`` (``offer_id``: the offer replaced)."""
    redirects = []
    for index, redirect in enumerate(body.internal_redirects or []):
        if _ruleset(redirect.ruleset, f"internal_redirects.{index}.ruleset") is not None:
            raise ValidationFailed(
                "rulesets on a redirect are not supported; send an empty one",
                field=f"internal_redirects.{index}.ruleset",
            )
        if offer_id is not None and redirect.redirect_network_offer_id == offer_id:
            raise ValidationFailed(
                "an offer cannot redirect its fail traffic to itself",
                field=f"internal_redirects.{index}.redirect_network_offer_id",
            )
        redirects.append(
            {
                "redirect_network_offer_id": redirect.redirect_network_offer_id,
                "routing_value": redirect.routing_value,
                "redirect_network_offer_group_id": redirect.redirect_network_offer_group_id,
            }
        )
    wanted = {r["redirect_network_offer_id"] for r in redirects}
    missing = sorted(wanted - await repository.existing_ids(session, wanted))
    if missing:
        raise ValidationFailed(f"offer {missing[0]} does not exist", field="internal_redirects")
    if body.is_fail_traffic_enabled:
        method = body.redirect_routing_method
        if method == "internal" and not redirects:
            raise ValidationFailed(
                "internal fail traffic needs at least one redirect offer",
                field="internal_redirects",
            )
        if method == "external" and not body.fail_traffic_url:
            raise ValidationFailed("external fail traffic needs a URL", field="fail_traffic_url")
        if method not in ("internal", "external"):
            raise ValidationFailed(
                "must be internal or external when fail traffic is enabled",
                field="redirect_routing_method",
            )
    return {
        "ruleset": _ruleset(body.ruleset, "ruleset"),
        "is_fail_traffic_enabled": body.is_fail_traffic_enabled,
        "redirect_routing_method": body.redirect_routing_method,
        "redirect_internal_routing_type": body.redirect_internal_routing_type,
        "internal_redirects": redirects or None,
        "fail_traffic_url": body.fail_traffic_url,
    }
