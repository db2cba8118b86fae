"""The visibility click step: offers run only for the affiliates they are open to."""

from __future__ import annotations

from decimal import Decimal

import httpx

from clicktrail.app import ClicktrailApp
from clicktrail.tracking.audience import Audience, audience_for
from clicktrail.tracking.draft import Draft, Visit
from clicktrail.tracking.macros import UrlTemplate
from clicktrail.tracking.params import parse_query
from clicktrail.tracking.refusals import ClickRefusal
from clicktrail.tracking.rows import blank_row
from clicktrail.tracking.visibility import Visibility
from tests.fixtures.factories import make_affiliate
from tests.tracking.helpers import cache_of, clicks, make_pair, set_fallback

FALLBACK = "https://network.example/fallback"


async def test_a_private_offer_runs_only_once_granted(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    pair = await make_pair(app, visibility="private")
    await set_fallback(app, FALLBACK)
    refused = await client.get(f"/c?oid={pair.oid}&affid={pair.affid}&sub1=a")
    assert refused.status_code == 302
    assert refused.headers["location"] == FALLBACK
    [stored] = await clicks(app.state.db)
    assert (stored.error_code, stored.error_message) == (
        7,
        "Offer is not runnable by this affiliate",
    )
    assert stored.network_offer_id == pair.oid
    assert stored.network_affiliate_id == pair.affid
    assert stored.payout == Decimal(0)

    # A grant through the API moves the cache generation: the next click is valid.
    grant = await client.put(
        f"/v1/networks/offers/{pair.oid}/visibility",
        json={"network_affiliate_ids": [pair.affid], "set_type": "visible"},
        headers=network_headers,
    )
    assert grant.status_code == 200, grant.text
    accepted = await client.get(f"/c?oid={pair.oid}&affid={pair.affid}&sub1=b")
    assert accepted.headers["location"].startswith("https://advertiser.example/landing")
    valid = [c for c in await clicks(app.state.db) if c.sub1 == "b"]
    assert [c.error_code for c in valid] == [0]


async def test_a_public_offer_hidden_from_one_affiliate_refuses_only_it(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    pair = await make_pair(app)
    other = await make_affiliate(app.state.db)
    hide = await client.patch(
        f"/v1/networks/affiliates/{pair.affid}/offers/visibility",
        json={"network_offer_ids": [pair.oid], "visibility_type": "hidden"},
        headers=network_headers,
    )
    assert hide.json() == {"result": True}
    await client.get(f"/c?oid={pair.oid}&affid={pair.affid}&sub1=hidden")
    await client.get(f"/c?oid={pair.oid}&affid={other.network_affiliate_id}&sub1=other")
    codes = {c.sub1: c.error_code for c in await clicks(app.state.db)}
    assert codes == {"hidden": 7, "other": 0}
    entry = cache_of(app).offers[pair.oid]
    assert entry.audience == Audience(admitted=False, ids=frozenset({pair.affid}))


def test_the_step_diverts_to_the_offers_fail_traffic_and_skips_open_offers() -> None:
    assert audience_for("public", [(5, "visible")]) is None
    assert audience_for("require_approval", []) == Audience(admitted=True, ids=frozenset())
    step = Visibility()

    def draft(offer_audience: Audience | None, affiliate_id: int) -> Draft:
        from clicktrail.tracking.cache import OfferEntry

        entry = OfferEntry(
            offer_id=1,
            advertiser_id=1,
            name="o",
            status="active",
            currency_id="USD",
            tracking_domain_id=0,
            template=UrlTemplate("https://a.example/"),
            session_seconds=0,
            session_definition="",
            revenue_type="",
            revenue=Decimal(0),
            payout_type="",
            payout=Decimal(0),
            duplicate_action="",
            fail_traffic=UrlTemplate("https://fail.example/"),
            audience=offer_audience,
        )
        made = Draft(1, affiliate_id, parse_query(b""), Visit(), blank_row())
        made.offer = entry
        return made

    granted = Audience(admitted=True, ids=frozenset({7}))
    assert step.run(draft(None, 3)) is None
    assert step.run(draft(granted, 7)) is None
    refused = draft(granted, 3)
    assert step.run(refused) is ClickRefusal.OFFER_NOT_RUNNABLE
    assert refused.divert is not None
    assert refused.divert.source == "https://fail.example/"
