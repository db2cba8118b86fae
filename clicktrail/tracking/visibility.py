"""The ``visibility`` click step: an affiliate runs only the offers it may run.

A click by an affiliate an offer is not open to (an offer that requires approval without an
approval, a private one without a grant, a public one it is hidden from) is refused with
``OFFER_NOT_RUNNABLE`` and goes to the offer's fail-traffic redirect, or the network
fallback. It reads the offer's :class:`~clicktrail.tracking.audience.Audience` from the
cache; an offer open to all has none, so its clicks pay one attribute check.
"""

from __future__ import annotations

from clicktrail.tracking.draft import Draft
from clicktrail.tracking.refusals import ClickRefusal


class Visibility:
    name = "visibility"

    def run(self, draft: Draft) -> ClickRefusal | None:
        offer = draft.offer
        if offer is None:
            return None
        audience = offer.audience
        if audience is None:
            return None
        affiliate_id = draft.affiliate_id
        if affiliate_id is None or draft.refusal or audience.admits(affiliate_id):
            return None
        draft.divert = offer.fail_traffic
        return ClickRefusal.OFFER_NOT_RUNNABLE
