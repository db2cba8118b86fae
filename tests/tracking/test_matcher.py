"""The compiled ruleset (tracking/matcher.py) and fail-traffic target (tracking/failtraffic.py),
on plain rows: Everflow's include/exclude and geographic precedence."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from clicktrail.tracking.failtraffic import WeightedTemplate, fail_traffic_of
from clicktrail.tracking.macros import UrlTemplate
from clicktrail.tracking.matcher import compile_ruleset


def _rule(targeting_type: str, **values: str) -> dict[str, Any]:
    return {"targeting_type": targeting_type, "match_type": "exact", **values}


def _row(country: str = "", region: str = "", **columns: Any) -> dict[str, Any]:
    return {"country_code": country, "region_code": region, **columns}


def test_no_rule_compiles_to_nothing() -> None:
    assert compile_ruleset(None) is None
    assert compile_ruleset({"countries": [], "platforms": [], "is_block_proxy": False}) is None
    # Connection types are stored but enrichment has none to compare.
    assert compile_ruleset({"connection_types": [_rule("include", label="Cellular")]}) is None


def test_a_region_rule_decides_before_its_country() -> None:
    targeting = compile_ruleset(
        {
            "countries": [_rule("exclude", country_code="US")],
            "regions": [_rule("include", country_code="US", region_code="NY")],
        }
    )
    assert targeting is not None
    assert targeting.admits(_row("US", "NY"))
    assert not targeting.admits(_row("US", "CA"))
    # An include rule at any level makes the place an allow list: France matches none.
    assert not targeting.admits(_row("FR", "IDF"))
    only_regions = compile_ruleset(
        {"regions": [_rule("include", country_code="US", region_code="NY")]}
    )
    assert only_regions is not None
    assert not only_regions.admits(_row("US", ""))  # a region cannot be checked without one
    assert not only_regions.admits(_row("", ""))


def test_label_categories_combine_with_and() -> None:
    targeting = compile_ruleset(
        {
            "device_types": [_rule("include", label="Mobile"), _rule("include", label="Tablet")],
            "browsers": [_rule("exclude", label="Samsung Internet")],
            "is_block_proxy": True,
        }
    )
    assert targeting is not None
    assert targeting.admits(_row(device_type="Tablet", browser_name="Safari"))
    assert not targeting.admits(_row(device_type="PC", browser_name="Safari"))
    assert not targeting.admits(_row(device_type="Mobile", browser_name="Samsung Internet"))
    assert not targeting.admits(_row(device_type="Mobile", is_proxy=True))


def _offer(**fields: Any) -> SimpleNamespace:
    values = {"network_offer_id": 1, "is_fail_traffic_enabled": True}
    return SimpleNamespace(**(values | fields))


def test_fail_traffic_targets() -> None:
    a, b = UrlTemplate("https://a.example/"), UrlTemplate("https://b.example/")
    active = {2: a, 3: b}
    internal = {
        "redirect_routing_method": "internal",
        "internal_redirects": [
            {"redirect_network_offer_id": 3, "routing_value": 5},
            {"redirect_network_offer_id": 2, "routing_value": 1},
            {"redirect_network_offer_id": 9, "routing_value": 0},  # not active
        ],
    }
    assert fail_traffic_of(_offer(is_fail_traffic_enabled=False, **internal), active) is None
    assert (
        fail_traffic_of(_offer(redirect_internal_routing_type="priority", **internal), active) is a
    )
    weighted = fail_traffic_of(_offer(redirect_internal_routing_type="weight", **internal), active)
    assert isinstance(weighted, WeightedTemplate)
    seen = {weighted.render({}) for _ in range(200)}
    assert seen == {"https://a.example/", "https://b.example/"}
    external = _offer(redirect_routing_method="external", fail_traffic_url="https://x.example/")
    target = fail_traffic_of(external, active)
    assert target is not None
    assert target.render({}) == "https://x.example/"
