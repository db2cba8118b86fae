"""The click path as named steps: a rule is a step, refusals are typed, steps are timed."""

from __future__ import annotations

from decimal import Decimal

import httpx

from clicktrail.app import ClicktrailApp
from clicktrail.ops.metrics import REGISTRY
from clicktrail.tracking.draft import Draft
from clicktrail.tracking.pipeline import ClickPipeline
from clicktrail.tracking.recorder import ClickRecorder, default_steps
from clicktrail.tracking.refusals import ClickRefusal
from clicktrail.tracking.steps import Step
from tests.tracking.helpers import clicks, make_pair


class Refuse:
    """A rule step refusing every click for one reason."""

    def __init__(self, name: str, reason: ClickRefusal) -> None:
        self.name = name
        self.reason = reason
        self.seen = 0

    def run(self, draft: Draft) -> ClickRefusal | None:
        self.seen += 1
        return self.reason


def recorder_of(app: ClicktrailApp) -> ClickRecorder:
    recorder = app.state.components["tracking"].recorder
    assert isinstance(recorder, ClickRecorder)
    return recorder


def with_rules(recorder: ClickRecorder, *rules: Step, sample_every: int = 64) -> None:
    """Put ``rules`` before ``settle``, as a new rule goes in."""
    steps = default_steps(recorder.cache, recorder.geo, recorder.device)
    recorder.pipeline = ClickPipeline([*steps[:-1], *rules, steps[-1]], sample_every)


def timed(step: str) -> float:
    value = REGISTRY.get_sample_value("clicktrail_click_step_seconds_count", {"step": step})
    return value or 0.0


async def test_the_default_click_path_is_named_steps(app: ClicktrailApp) -> None:
    assert recorder_of(app).pipeline.names == [
        "resolve",
        "stamp",
        "enrich",
        "visibility",
        "targeting",
        "traffic",
        "caps",
        "settle",
    ]


async def test_a_rule_step_refuses_a_click_which_is_stored_invalid(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    cpc = {"event_id": 0, "payout_type": "cpc", "payout_amount": Decimal("0.25")}
    cpc |= {"revenue_type": "rpc", "revenue_amount": Decimal("0.40"), "is_default": True}
    pair = await make_pair(app, payout_revenue=[cpc])
    with_rules(recorder_of(app), Refuse("blocklist", ClickRefusal.AFFILIATE_NOT_ACTIVE))
    response = await client.get("/clk", params={"oid": pair.oid, "affid": pair.affid})
    assert response.status_code == 404
    assert response.json()["error"] == "affid: affiliate is not active"
    [stored] = await clicks(app.state.db)
    assert stored.error_code == 5
    assert stored.error_message == "Affiliate is not active"
    assert (stored.revenue, stored.payout) == (Decimal(0), Decimal(0))
    assert stored.is_unique is False
    assert stored.network_offer_id == pair.oid
    assert stored.query_parameters == {"oid": str(pair.oid), "affid": str(pair.affid)}


async def test_the_first_refusal_wins_and_later_steps_still_run(app: ClicktrailApp) -> None:
    from clicktrail.tracking.draft import Visit
    from clicktrail.tracking.params import parse_query

    pair = await make_pair(app)
    recorder = recorder_of(app)
    first = Refuse("first", ClickRefusal.UNKNOWN_OFFER)
    second = Refuse("second", ClickRefusal.MALFORMED_LINK)
    with_rules(recorder, first, second)
    draft = recorder.draft(pair.oid, pair.affid, parse_query(b"sub1=x"), Visit(ip="1.2.3.4"))
    assert second.seen == 1
    assert draft.refusal is ClickRefusal.UNKNOWN_OFFER
    assert draft.row["error_code"] == 2
    assert draft.row["error_message"] == "Unknown offer"
    assert draft.row["sub1"] == "x"
    assert draft.row["user_ip"] == "1.2.3.4"
    assert draft.offer is None
    assert draft.window == 0


async def test_each_step_is_timed_on_one_click_in_sample_every(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    with_rules(recorder_of(app), sample_every=3)
    before = {step: timed(step) for step in ("resolve", "stamp", "enrich", "settle")}
    for _ in range(2):
        await client.get("/clk", params={"oid": pair.oid, "affid": pair.affid})
    assert {step: timed(step) for step in before} == before
    await client.get("/clk", params={"oid": pair.oid, "affid": pair.affid})
    assert {step: timed(step) for step in before} == {s: n + 1 for s, n in before.items()}
    metrics = (await client.get("/metrics")).text
    assert 'clicktrail_click_step_seconds_count{step="settle"}' in metrics


async def test_stamp_parses_the_routing_ids_only_when_given(app: ClicktrailApp) -> None:
    from clicktrail.tracking.draft import Visit
    from clicktrail.tracking.params import parse_query

    pair = await make_pair(app)
    recorder = recorder_of(app)
    given = parse_query(b"creative_id=77&uid=abc&campaign_id=12")
    row = recorder.draft(pair.oid, pair.affid, given, Visit()).row
    assert (row["creative_id"], row["network_offer_url_id"], row["network_campaign_id"]) == (
        77,
        0,
        12,
    )
    row = recorder.draft(pair.oid, pair.affid, parse_query(b"creative_id="), Visit()).row
    assert (row["creative_id"], row["network_offer_url_id"], row["network_campaign_id"]) == (
        None,
        0,
        0,
    )
