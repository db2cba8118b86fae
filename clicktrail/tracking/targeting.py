"""The ``targeting`` click step: an offer's ruleset refuses clicks off its target (ADR 0096).

Runs after ``enrich`` (it reads the enriched row's country, region, device type, platform,
browser and proxy flag) and before ``settle``. A click that misses its offer's ruleset is
invalid with :attr:`ClickRefusal.TARGETING_MISMATCH` and goes to the offer's fail traffic
(``Draft.divert``), or the network fallback when the offer has none. An offer without a
ruleset costs one attribute read; nothing here touches the database.
"""

from __future__ import annotations

from clicktrail.tracking.draft import Draft
from clicktrail.tracking.refusals import ClickRefusal


class Target:
    name = "targeting"

    def run(self, draft: Draft) -> ClickRefusal | None:
        offer = draft.offer
        if offer is None:
            return None
        targeting = offer.targeting
        if targeting is None or draft.refusal or targeting.admits(draft.row):
            return None
        draft.divert = offer.fail_traffic
        return ClickRefusal.TARGETING_MISMATCH
