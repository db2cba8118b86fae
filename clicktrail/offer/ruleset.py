"""An offer's targeting ruleset and fail-traffic redirect, in Everflow's shapes (ADR 0096).

A ruleset is Everflow's ``ruleset`` object: one list of rules per category, each rule with
``targeting_type`` (``include`` or ``exclude``) and ``match_type`` (``exact``). The click
path evaluates the categories click enrichment fills:

* ``countries`` (``country_code``, ISO 3166-1 alpha-2) and ``regions`` (``country_code`` and
  ``region_code``, the ISO 3166-2 subdivision code), with Everflow's precedence: a rule on
  the click's region decides before any rule on its country;
* ``device_types``, ``platforms`` and ``browsers`` (by ``label``,
  clicktrail/meta/targeting.py);
* ``is_block_proxy`` (the click's ``is_proxy``).

``connection_types`` are stored and returned but not evaluated (enrichment has no connection
type yet). Everflow's other categories (cities, DMAs, postal codes, carriers, brands, OS
versions, ISPs, IPs, languages, day parting) are accepted only empty: a rule in one is a 400
rather than a rule silently dropped. Everflow's numeric ids (``country_id``,
``device_type_id`` ...) come from tables clicktrail does not have, so values are named by
code or label.

The stored form (``offer.ruleset``) is :func:`stored`'s plain dict, or None when the ruleset
has no rule at all; :func:`ruleset_out` renders it back in Everflow's full shape.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from clicktrail.kit.wire import MAX_INT32, Id32, Int32
from clicktrail.meta import countries, targeting

TargetingType = Literal["include", "exclude"]
#: Rules per category (Everflow sets no documented bound; this keeps a ruleset small).
MAX_RULES = 500
#: Categories the click path evaluates by label.
LABEL_KINDS = ("device_types", "platforms", "browsers", "connection_types")
#: Everflow's categories clicktrail stores nothing of: accepted only empty.
UNSUPPORTED = (
    "cities",
    "dmas",
    "postal_codes",
    "mobile_carriers",
    "brands",
    "os_versions",
    "isps",
    "ips",
    "languages",
    "days_parting",
)


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in countries.BY_CODE:
        raise ValueError(f"unknown country code {value!r} (ISO 3166-1 alpha-2, e.g. US)")
    return code


def _region(value: str) -> str:
    code = value.strip().upper()
    if not code.isalnum() or not code.isascii():
        raise ValueError("must be an ISO 3166-2 subdivision code such as CA (letters, digits)")
    return code


CountryCode = Annotated[str, StringConstraints(max_length=8), AfterValidator(_country)]
RegionCode = Annotated[str, StringConstraints(min_length=1, max_length=3), AfterValidator(_region)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class _Rule(BaseModel):
    targeting_type: TargetingType
    match_type: Literal["exact"] = "exact"


class CountryRule(_Rule):
    country_code: CountryCode


class RegionRule(_Rule):
    country_code: CountryCode
    region_code: RegionCode
    #: The region's name, kept for display (enrichment compares codes).
    label: Annotated[str, StringConstraints(max_length=128)] = ""


class LabelRule(_Rule):
    label: Label


def _no_rules(value: list[Any]) -> list[Any]:
    if value:
        raise ValueError("targeting on this category is not supported; send an empty list")
    return value


def _no_day_parting(value: bool) -> bool:
    if value:
        raise ValueError("day parting is not supported")
    return value


Unsupported = Annotated[list[Any], Field(max_length=MAX_RULES), AfterValidator(_no_rules)]


class RulesetIn(BaseModel):
    """Everflow's ``ruleset`` on an offer's POST and PUT body."""

    countries: Annotated[list[CountryRule], Field(max_length=MAX_RULES)] = []
    regions: Annotated[list[RegionRule], Field(max_length=MAX_RULES)] = []
    device_types: Annotated[list[LabelRule], Field(max_length=MAX_RULES)] = []
    platforms: Annotated[list[LabelRule], Field(max_length=MAX_RULES)] = []
    browsers: Annotated[list[LabelRule], Field(max_length=MAX_RULES)] = []
    connection_types: Annotated[list[LabelRule], Field(max_length=MAX_RULES)] = []
    is_block_proxy: bool = False
    cities: Unsupported = Field(default_factory=list)
    dmas: Unsupported = Field(default_factory=list)
    postal_codes: Unsupported = Field(default_factory=list)
    mobile_carriers: Unsupported = Field(default_factory=list)
    brands: Unsupported = Field(default_factory=list)
    os_versions: Unsupported = Field(default_factory=list)
    isps: Unsupported = Field(default_factory=list)
    ips: Unsupported = Field(default_factory=list)
    languages: Unsupported = Field(default_factory=list)
    days_parting: Unsupported = Field(default_factory=list)
    is_use_day_parting: Annotated[bool, AfterValidator(_no_day_parting)] = False
    day_parting_apply_to: Annotated[str, StringConstraints(max_length=32)] = ""
    day_parting_timezone_id: Annotated[int, Field(ge=0, le=MAX_INT32)] = 0


class InternalRedirectIn(BaseModel):
    """One offer that refused clicks may go to (Everflow's ``internal_redirects`` entry)."""

    redirect_network_offer_id: Id32
    #: The priority (1 first) or the weight, per ``redirect_internal_routing_type``.
    routing_value: Int32 = 0
    redirect_network_offer_group_id: Int32 = 0
    #: Per-redirect rulesets are not evaluated: only an empty one is accepted.
    ruleset: RulesetIn | None = None


RoutingMethod = Literal["unknown", "null_value", "internal", "external"]
RoutingType = Literal[
    "unknown", "null_value", "priority", "weight", "priority_global", "weight_global"
]
MAX_REDIRECTS = 50


def _label_rules(kind: str, rules: list[LabelRule], where: str) -> list[dict[str, str]]:
    out = []
    for index, rule in enumerate(rules):
        label = targeting.canonical(kind, rule.label)
        if label is None:
            known = ", ".join(targeting.choices(kind))
            raise LabelUnknown(f"{where}.{kind}.{index}.label", rule.label, known)
        out.append({"label": label, "targeting_type": rule.targeting_type, "match_type": "exact"})
    return out


class LabelUnknown(ValueError):
    def __init__(self, field: str, value: str, known: str) -> None:
        super().__init__(f"unknown value {value!r}; one of: {known}")
        self.field = field


def stored(ruleset: RulesetIn | None, where: str = "ruleset") -> dict[str, Any] | None:
    """The ruleset as ``offer.ruleset`` keeps it; None when it holds no rule.

    Raises :class:`LabelUnknown` (naming the field) for a label not in the catalogue."""
    if ruleset is None:
        return None
    out: dict[str, Any] = {
        "countries": [
            {
                "country_code": r.country_code,
                "targeting_type": r.targeting_type,
                "match_type": "exact",
            }
            for r in ruleset.countries
        ],
        "regions": [
            {
                "country_code": r.country_code,
                "region_code": r.region_code,
                "label": r.label.strip(),
                "targeting_type": r.targeting_type,
                "match_type": "exact",
            }
            for r in ruleset.regions
        ],
    }
    for kind in LABEL_KINDS:
        out[kind] = _label_rules(kind, getattr(ruleset, kind), where)
    out["is_block_proxy"] = ruleset.is_block_proxy
    if not ruleset.is_block_proxy and not any(
        out[k] for k in ("countries", "regions", *LABEL_KINDS)
    ):
        return None
    return out


def ruleset_out(value: dict[str, Any] | None) -> dict[str, Any]:
    """A stored ruleset in Everflow's full shape (every category present, empty ones too)."""
    value = value or {}
    names = countries.BY_CODE
    out: dict[str, Any] = {
        "countries": [
            {
                "country_code": r["country_code"],
                "label": names[r["country_code"]].country_name
                if r["country_code"] in names
                else r["country_code"],
                "targeting_type": r["targeting_type"],
                "match_type": r.get("match_type", "exact"),
            }
            for r in value.get("countries", [])
        ],
        "regions": [dict(r) for r in value.get("regions", [])],
    }
    for kind in LABEL_KINDS:
        out[kind] = [dict(r) for r in value.get(kind, [])]
    for kind in UNSUPPORTED:
        out[kind] = []
    out["is_block_proxy"] = bool(value.get("is_block_proxy", False))
    out["is_use_day_parting"] = False
    out["day_parting_apply_to"] = ""
    out["day_parting_timezone_id"] = 0
    return out
