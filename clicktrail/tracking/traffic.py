"""Traffic controls, robots and proxies on the click path: compiled on reload, checked per click.

When the tracking cache reloads it compiles every active traffic control (Everflow's block
and allow lists, clicktrail/traffic) and each offer's ``is_block_robots`` /
``is_block_proxy`` into one :class:`TrafficGuard` per offer that has any, held on its
:class:`~clicktrail.tracking.cache.OfferEntry`. The ``traffic`` step
(clicktrail/tracking/screen.py) then costs an offer
without one a single attribute check; with one, it compares the click's already-enriched
columns with matchers built once: a frozenset for ``exact_match``, one C-level
``startswith``/``endswith`` over a tuple for ``begins_with``/``ends_with``, and for an
``ip`` control compared by ``exact_match``/``does_not_match`` a binary search over merged
address ranges (clicktrail/kit/iprange.py). No I/O per click.

Semantics (ADR 0097): strings compare case-insensitively. For one variable, a method
"hits" when the click's value matches any listed value (``does_not_contain`` and
``does_not_match``: none does; ``is_empty``: the value is empty). A blacklist refuses the
click when any of its variables hits; a whitelist refuses it unless every variable hits.
Refused clicks are invalid with ``BLOCKED_TRAFFIC``, ``ROBOT`` or ``PROXY``; robots, proxies
and ``fail_traffic`` controls go to the offer's fail-traffic redirect, ``block`` controls to
the network fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import structlog

from clicktrail.kit.iprange import IpRanges, parse_network

log = structlog.get_logger("clicktrail.tracking.traffic")

Matcher = Callable[[str], bool]

#: Where each variable's value is on the draft's row (``user_agent`` is on the draft).
_ROW_KEYS = {
    "sub1": "sub1",
    "sub2": "sub2",
    "sub3": "sub3",
    "sub4": "sub4",
    "sub5": "sub5",
    "source_id": "source_id",
    "referrer": "referer",
    "isp": "isp_name",
    "ip": "user_ip",
    "country": "country_code",
    "tracking_domain": "tracking_url",
}


def _matcher(method: str, values: Sequence[str], ip: bool) -> Matcher:
    """Whether one click value "hits" ``values`` under ``method``."""
    if method == "is_empty":
        return lambda value: not value
    if ip and method in ("exact_match", "does_not_match"):
        ranges = IpRanges(parse_network(v) for v in values)
        if method == "exact_match":
            return ranges.__contains__
        return lambda value: value not in ranges
    lowered = tuple(dict.fromkeys(v.lower() for v in values))
    if method == "exact_match":
        exact = frozenset(lowered)
        return lambda value: value.lower() in exact
    if method == "does_not_match":
        excluded = frozenset(lowered)
        return lambda value: value.lower() not in excluded
    if method == "begins_with":
        return lambda value: value.lower().startswith(lowered)
    if method == "ends_with":
        return lambda value: value.lower().endswith(lowered)
    if method == "contains":
        return lambda value: any(part in value.lower() for part in lowered)
    if method == "does_not_contain":
        return lambda value: not any(part in value.lower() for part in lowered)
    raise ValueError(f"unknown comparison method {method!r}")


@dataclass(frozen=True, slots=True)
class CompiledControl:
    """One traffic control, ready for the click path."""

    control_id: int
    whitelist: bool
    fail_traffic: bool
    #: (row key or "" for the user agent, matcher) per variable.
    checks: tuple[tuple[str, Matcher], ...]
    #: None: every affiliate.
    affiliates: frozenset[int] | None
    #: UTC bounds, [start, end); None: unbounded.
    start: datetime | None
    end: datetime | None

    def refuses(self, row: dict[str, Any], user_agent: str) -> bool:
        if self.start is not None or self.end is not None:
            now = row["created_at"]
            if (self.start is not None and now < self.start) or (
                self.end is not None and now >= self.end
            ):
                return False
        checks = self.checks
        if self.whitelist:
            return not all(hit((row[key] or "") if key else user_agent) for key, hit in checks)
        return any(hit((row[key] or "") if key else user_agent) for key, hit in checks)


def _day(text: str, plus: int = 0) -> datetime | None:
    if not text:
        return None
    return datetime.combine(
        date.fromisoformat(text) + timedelta(days=plus), datetime.min.time(), UTC
    )


def compile_control(row: Any) -> CompiledControl | None:
    """A traffic control row compiled, or None (logged) if it cannot be: the API validates
    every control, so only a row written around it lands here, and it never costs a reload."""
    try:
        variables = [str(v) for v in row.variables or ()]
        values = [str(v) for v in row.values or ()]
        method = str(row.comparison_method)
        checks = tuple(
            (
                "" if variable == "user_agent" else _ROW_KEYS[variable],
                _matcher(method, values, variable == "ip"),
            )
            for variable in variables
        )
        affiliates = (
            None
            if row.is_apply_all_affiliates
            else frozenset(int(i) for i in row.network_affiliate_ids or ())
        )
        return CompiledControl(
            control_id=int(row.network_traffic_control_id),
            whitelist=row.control_type == "whitelist",
            fail_traffic=row.targeting_action == "fail_traffic",
            checks=checks,
            affiliates=affiliates,
            start=_day(str(row.date_valid_from or "")),
            end=_day(str(row.date_valid_to or ""), plus=1),
        )
    except (KeyError, ValueError, TypeError) as exc:
        log.error(
            "traffic_control_skipped",
            network_traffic_control_id=getattr(row, "network_traffic_control_id", None),
            error=str(exc),
        )
        return None


@dataclass(frozen=True, slots=True)
class TrafficGuard:
    """What the click path checks for one offer: robots, proxies, its traffic controls."""

    block_robots: bool = False
    block_proxy: bool = False
    controls: tuple[CompiledControl, ...] = ()


def guards_by_offer(offers: Iterable[Any], control_rows: Iterable[Any]) -> dict[int, TrafficGuard]:
    """One guard per offer that has robots/proxies refused or a traffic control in scope.

    ``offers`` are offer rows (``network_offer_id``, ``network_advertiser_id``,
    ``is_block_robots``, ``is_block_proxy``); ``control_rows`` the active controls."""
    compiled = [(row, c) for row in control_rows if (c := compile_control(row)) is not None]
    everywhere = tuple(c for row, c in compiled if row.is_apply_all_offers)
    by_offer: dict[int, list[CompiledControl]] = {}
    by_advertiser: dict[int, list[CompiledControl]] = {}
    for row, control in compiled:
        if row.is_apply_all_offers:
            continue
        for offer_id in row.network_offer_ids or ():
            by_offer.setdefault(int(offer_id), []).append(control)
        for advertiser_id in row.network_advertiser_ids or ():
            by_advertiser.setdefault(int(advertiser_id), []).append(control)
    guards: dict[int, TrafficGuard] = {}
    for offer in offers:
        offer_id = int(offer.network_offer_id)
        scoped = by_offer.get(offer_id, []) + by_advertiser.get(
            int(offer.network_advertiser_id), []
        )
        # A control naming the offer and its advertiser is checked once.
        controls = everywhere + tuple(dict.fromkeys(scoped))
        robots = bool(getattr(offer, "is_block_robots", False))
        proxy = bool(getattr(offer, "is_block_proxy", False))
        if controls or robots or proxy:
            guards[offer_id] = TrafficGuard(robots, proxy, controls)
    return guards
