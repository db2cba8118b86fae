"""Where an offer sends the clicks a network rule refuses: Everflow's fail traffic (ADR 0096).

Compiled when the tracking cache loads into one :class:`UrlTemplate` per offer
(``OfferEntry.fail_traffic``), which a rule step puts on ``Draft.divert``:

* fail traffic off (or nothing usable to send to): None, the network fallback;
* ``external``: the offer's ``fail_traffic_url``;
* ``internal``: the destination URL of the offers in ``internal_redirects`` that are active.
  ``priority`` routing (and ``priority_global``) takes the one with the lowest
  ``routing_value``; ``weight`` routing (and ``weight_global``) picks one per click in
  proportion to ``routing_value`` (a :class:`WeightedTemplate`). The redirect offer's macros
  are filled from the refused click (its transaction id, sub ids ...): the visitor is sent
  on, not tracked again.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from clicktrail.tracking.macros import UrlTemplate

_WEIGHTED = ("weight", "weight_global")


class WeightedTemplate(UrlTemplate):
    """Several templates, one chosen per render in proportion to its weight."""

    __slots__ = ("_choices", "_weights")

    def __init__(self, choices: Sequence[UrlTemplate], weights: Sequence[int]) -> None:
        super().__init__(choices[0].source)
        self._choices = tuple(choices)
        self._weights = tuple(weights)

    def render(self, values: Mapping[str, object]) -> str:
        chosen = random.choices(self._choices, self._weights)[0]
        return chosen.render(values)


def fail_traffic_of(offer: Any, destinations: Mapping[int, UrlTemplate]) -> UrlTemplate | None:
    """The fail-traffic target of one offer row; ``destinations`` holds the active offers'
    destination templates by id."""
    if not getattr(offer, "is_fail_traffic_enabled", False):
        return None
    method = str(getattr(offer, "redirect_routing_method", "") or "")
    if method == "external":
        url = str(getattr(offer, "fail_traffic_url", "") or "")
        return UrlTemplate(url) if url else None
    if method != "internal":
        return None
    own = int(offer.network_offer_id)
    candidates: list[tuple[int, UrlTemplate]] = []
    for redirect in getattr(offer, "internal_redirects", None) or []:
        target = int(redirect.get("redirect_network_offer_id") or 0)
        template = destinations.get(target)
        if template is not None and target != own:
            candidates.append((int(redirect.get("routing_value") or 0), template))
    if not candidates:
        return None
    if str(getattr(offer, "redirect_internal_routing_type", "")) in _WEIGHTED:
        weighted = [(weight, template) for weight, template in candidates if weight > 0]
        if len(weighted) == 1:
            return weighted[0][1]
        if weighted:
            return WeightedTemplate([t for _, t in weighted], [w for w, _ in weighted])
    return min(candidates, key=lambda pair: pair[0])[1]
