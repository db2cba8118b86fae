"""Unique clicks: the same visitor on the same offer and affiliate within the session.

A visitor is identified per the offer's ``session_definition`` (IP + user agent by default;
``ip``: IP alone; ``google_ad_id``/``idfa``: that device id when the click carries one).
``visitor_hash`` digests the identity together with the offer and affiliate, so one indexed
lookup (``ix_click_visitor``: visitor_hash, created_at) answers "clicked here before?". The
click writer asks it once per batch, for all the batch's visitors at once, and settles clicks
of the same visitor inside the batch in order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol


class Pending(Protocol):
    row: dict[str, Any]
    window: int


def visitor_hash(
    definition: str,
    ip: str,
    user_agent: str,
    device_ids: Mapping[str, str],
    offer_id: int,
    affiliate_id: int,
) -> str:
    if definition == "ip":
        identity = ip
    elif definition == "google_ad_id" and device_ids.get("google_ad_id"):
        identity = "gaid:" + device_ids["google_ad_id"]
    elif definition == "idfa" and device_ids.get("idfa"):
        identity = "idfa:" + device_ids["idfa"]
    else:
        identity = ip + "\x1f" + user_agent
    key = f"{offer_id}\x1f{affiliate_id}\x1f{identity}"
    return hashlib.md5(key.encode("utf-8", "replace"), usedforsecurity=False).hexdigest()


def lookup_bounds(items: Iterable[Pending]) -> tuple[list[str], datetime | None]:
    """The visitor hashes worth looking up, and the earliest click time that matters."""
    hashes: set[str] = set()
    since: datetime | None = None
    for item in items:
        digest = item.row["visitor_hash"]
        if not digest or item.window <= 0:
            continue
        hashes.add(digest)
        start = item.row["created_at"] - timedelta(seconds=item.window)
        if since is None or start < since:
            since = start
    return sorted(hashes), since


def mark_unique(items: Iterable[Pending], latest: dict[str, datetime]) -> None:
    """Set ``is_unique`` on each row; ``latest`` maps visitor_hash -> its latest stored click."""
    for item in items:
        row = item.row
        digest = row["visitor_hash"]
        if not digest:
            row["is_unique"] = False
            continue
        now: datetime = row["created_at"]
        previous = latest.get(digest)
        row["is_unique"] = (
            item.window <= 0 or previous is None or (now - previous).total_seconds() >= item.window
        )
        if previous is None or now > previous:
            latest[digest] = now
