"""Who may run an offer, as the tracking cache holds it: built on reload, read per click.

An offer that every affiliate may run (public, nobody hidden) has no :class:`Audience` at
all (``OfferEntry.audience`` is None), so the visibility step costs such a click one
attribute check. Otherwise the audience is either the set of affiliates let in (an offer
that requires approval or is private: those granted or approved) or the set kept out (a
public offer hidden from some). The rule itself is ``clicktrail.models.offer_visibility``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clicktrail.models.offer_visibility import PUBLIC, may_run


@dataclass(frozen=True, slots=True)
class Audience:
    """``ids`` are the affiliates let in when ``admitted``, else those kept out."""

    admitted: bool
    ids: frozenset[int]

    def admits(self, affiliate_id: int) -> bool:
        return (affiliate_id in self.ids) is self.admitted


def audience_for(offer_visibility: str, rows: Iterable[tuple[int, str]]) -> Audience | None:
    """The audience of an offer of ``offer_visibility`` given its per-affiliate rows
    (affiliate id, visibility type); None when every affiliate may run it."""
    if offer_visibility == PUBLIC:
        kept_out = frozenset(a for a, kind in rows if not may_run(offer_visibility, kind))
        return Audience(admitted=False, ids=kept_out) if kept_out else None
    let_in = frozenset(a for a, kind in rows if may_run(offer_visibility, kind))
    return Audience(admitted=True, ids=let_in)
