"""An offer's targeting ruleset compiled for the click path (ADR 0096).

:func:`compile_ruleset` turns the stored ruleset (clicktrail/offer/ruleset.py) into a
:class:`Targeting` when the tracking cache loads, so a click costs a few frozenset lookups on
the columns enrichment filled, and nothing else. The semantics are Everflow's:

* every category must admit the click (categories combine with AND);
* within a category, an ``exclude`` rule on the click's value refuses it; when the category
  has ``include`` rules, the click's value must be one of them;
* geography is decided by the most specific level with a rule on the click: a rule on its
  region (include or exclude) decides before any rule on its country; when no level has a
  rule on it, the click is refused if either level has ``include`` rules;
* ``is_block_proxy`` refuses a click enrichment marked as coming from a proxy.

``connection_types`` rules are not compiled: enrichment fills no connection type yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_EMPTY: frozenset[str] = frozenset()

#: Label categories evaluated, and the click column each compares.
COLUMNS = (
    ("device_types", "device_type"),
    ("platforms", "platform_name"),
    ("browsers", "browser_name"),
)


@dataclass(frozen=True, slots=True)
class Check:
    """One label category: the click's ``column`` must be in ``include`` (when it is not
    None) and not in ``exclude``."""

    column: str
    include: frozenset[str] | None
    exclude: frozenset[str]


@dataclass(frozen=True, slots=True)
class Targeting:
    country_include: frozenset[str]
    country_exclude: frozenset[str]
    #: Regions as "CC-RRR" (country code, region code).
    region_include: frozenset[str]
    region_exclude: frozenset[str]
    checks: tuple[Check, ...]
    block_proxy: bool

    def admits(self, row: Mapping[str, Any]) -> bool:
        """Whether a click with these enriched columns is on target."""
        if self.block_proxy and row.get("is_proxy"):
            return False
        for check in self.checks:
            value = row.get(check.column) or ""
            if value in check.exclude:
                return False
            include = check.include
            if include is not None and value not in include:
                return False
        if (
            self.country_include
            or self.country_exclude
            or self.region_include
            or self.region_exclude
        ):
            return self._admits_place(row.get("country_code") or "", row.get("region_code") or "")
        return True

    def _admits_place(self, country: str, region: str) -> bool:
        if region and (self.region_include or self.region_exclude):
            place = f"{country}-{region}"
            if place in self.region_exclude:
                return False
            if place in self.region_include:
                return True
        if country in self.country_exclude:
            return False
        if country in self.country_include:
            return True
        return not (self.country_include or self.region_include)


def _split(rules: list[dict[str, Any]], key: Any) -> tuple[frozenset[str], frozenset[str]]:
    include = frozenset(key(r) for r in rules if r.get("targeting_type") == "include")
    exclude = frozenset(key(r) for r in rules if r.get("targeting_type") == "exclude")
    return include, exclude


def compile_ruleset(ruleset: Mapping[str, Any] | None) -> Targeting | None:
    """The matcher of a stored ruleset; None when it has no rule the click path evaluates."""
    if not ruleset:
        return None
    country_include, country_exclude = _split(
        list(ruleset.get("countries") or []), lambda r: str(r["country_code"])
    )
    region_include, region_exclude = _split(
        list(ruleset.get("regions") or []),
        lambda r: f"{r['country_code']}-{r['region_code']}",
    )
    checks = []
    for kind, column in COLUMNS:
        include, exclude = _split(list(ruleset.get(kind) or []), lambda r: str(r["label"]))
        if include or exclude:
            checks.append(Check(column, include or None, exclude))
    block_proxy = bool(ruleset.get("is_block_proxy"))
    if not (
        checks
        or block_proxy
        or country_include
        or country_exclude
        or region_include
        or region_exclude
    ):
        return None
    return Targeting(
        country_include,
        country_exclude,
        region_include,
        region_exclude,
        tuple(checks),
        block_proxy,
    )
