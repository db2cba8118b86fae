"""The ``traffic`` click step: robots, proxies and traffic controls (ADR 0097).

Runs after ``enrich`` (it reads ``is_robot``, ``is_proxy``, the address and the user agent)
and before ``settle``. What it checks was compiled when the cache loaded
(clicktrail/tracking/traffic.py); an offer without a guard costs one attribute check.
"""

from __future__ import annotations

from clicktrail.tracking.draft import Draft
from clicktrail.tracking.refusals import ClickRefusal


class Screen:
    """The click step: refuse robots, proxies and traffic the offer's controls block."""

    name = "traffic"

    def run(self, draft: Draft) -> ClickRefusal | None:
        offer = draft.offer
        if offer is None or draft.refusal:
            return None
        guard = offer.traffic
        if guard is None:
            return None
        row = draft.row
        if guard.block_robots and row["is_robot"]:
            draft.divert = offer.fail_traffic
            return ClickRefusal.ROBOT
        if guard.block_proxy and row["is_proxy"]:
            draft.divert = offer.fail_traffic
            return ClickRefusal.PROXY
        affiliate_id = draft.affiliate_id
        for control in guard.controls:
            scope = control.affiliates
            if (scope is None or affiliate_id in scope) and control.refuses(row, draft.user_agent):
                draft.divert = offer.fail_traffic if control.fail_traffic else None
                return ClickRefusal.BLOCKED_TRAFFIC
        return None
