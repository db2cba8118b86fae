"""Incentives: the API, and which incentive pays a sale (the most specific match)."""

from __future__ import annotations

from decimal import Decimal

import httpx

from clicktrail.db import Database
from clicktrail.models import Incentive
from clicktrail.referral.incentive import Sale, best_match
from tests.referral.conftest import World, add_incentive, convert, count, new_referral


def _incentive(incentive_id: int, **fields: object) -> Incentive:
    values: dict[str, object] = {
        "incentive_id": incentive_id,
        "network_offer_id": 1,
        "affiliate_group_id": None,
        "is_percentage": True,
        "amount": Decimal(10),
        "apply_to": "all_sales",
        "interval": None,
        "product_ids": None,
        "price_ids": None,
        "is_active": True,
    }
    values.update(fields)
    return Incentive(**values)


SALE = Sale(
    group_id=7,
    product_ids=frozenset({"p1"}),
    price_ids=frozenset({"pr1"}),
    first_sale=True,
    is_subscription=True,
    interval="monthly",
)


def test_most_specific_match_wins_in_documented_order() -> None:
    general = _incentive(1)
    first = _incentive(2, apply_to="first_sale")
    monthly = _incentive(3, interval="monthly")
    group = _incentive(4, affiliate_group_id=7)
    product = _incentive(5, product_ids=["p1", "p2"])
    price = _incentive(6, price_ids=["pr1"])
    ladder = [general, first, monthly, group, product, price]
    for n in range(1, len(ladder) + 1):
        assert best_match(ladder[:n], SALE) is ladder[n - 1]
    # A tie goes to the oldest.
    twin = _incentive(9, price_ids=["pr1"])
    assert best_match([twin, price], SALE) is price


def test_conditions_that_do_not_hold_exclude() -> None:
    renewal = Sale(
        group_id=None,
        product_ids=frozenset(),
        price_ids=frozenset(),
        first_sale=False,
        is_subscription=False,
        interval=None,
    )
    excluded = [
        _incentive(1, apply_to="first_sale"),
        _incentive(2, affiliate_group_id=7),
        _incentive(3, product_ids=["p1"]),
        _incentive(4, price_ids=["pr1"]),
        _incentive(5, interval="yearly"),
        _incentive(6, is_active=False),
    ]
    assert best_match(excluded, renewal) is None
    fallback = _incentive(7)
    assert best_match([*excluded, fallback], renewal) is fallback


async def test_group_incentive_beats_general_and_first_sale_only_once(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World
) -> None:
    group = await client.post("/v1/program/groups", json={"name": "Agencies"}, headers=bearer)
    assert group.status_code == 201, group.text
    group_id = group.json()["data"]["id"]
    set_group = await client.put(
        f"/v1/affiliate-codes/{world.affiliate.network_affiliate_id}",
        json={"group_id": group_id},
        headers=bearer,
    )
    assert set_group.status_code == 200, set_group.text
    general = await add_incentive(client, bearer, world, amount=10)
    bonus = await add_incentive(
        client,
        bearer,
        world,
        amount=25,
        is_percentage=False,
        group_id=group_id,
        apply_to="first_sale",
    )
    referral = await new_referral(client, bearer, world)
    first = (await convert(client, bearer, referral_id=referral["id"], sale_amount=200)).json()
    assert first["data"]["matched_incentive_id"] == bonus
    assert first["data"]["commission_amount"] == 25
    second = (await convert(client, bearer, referral_id=referral["id"], sale_amount=200)).json()
    assert second["data"]["matched_incentive_id"] == general
    assert second["data"]["commission_amount"] == 20


async def test_product_and_interval_matching(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World
) -> None:
    general = await add_incentive(client, bearer, world, amount=10)
    pro = await add_incentive(client, bearer, world, amount=40, product_ids=["prod_pro"])
    yearly = await add_incentive(client, bearer, world, amount=15, interval="yearly")
    referral = await new_referral(client, bearer, world)
    rid = referral["id"]

    async def matched(**body: object) -> str:
        response = await convert(client, bearer, referral_id=rid, sale_amount=100, **body)
        assert response.status_code == 201, response.text
        value: str = response.json()["data"]["matched_incentive_id"]
        return value

    assert await matched(product_ids=["prod_pro", "x"]) == pro
    assert await matched(product_ids=["prod_basic"]) == general
    assert await matched(is_subscription=True, interval="yearly") == yearly
    assert await matched(is_subscription=True, interval="monthly") == general


async def test_cap_per_referred_customer(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World
) -> None:
    await add_incentive(client, bearer, world, amount=30, commission_cap=50)
    referral = await new_referral(client, bearer, world)
    amounts = []
    for _ in range(3):
        response = await convert(client, bearer, referral_id=referral["id"], sale_amount=100)
        amounts.append(response.json()["data"]["commission_amount"])
    assert amounts == [30, 20, 0]
    other = await new_referral(client, bearer, world)
    fresh = await convert(client, bearer, referral_id=other["id"], sale_amount=100)
    assert fresh.json()["data"]["commission_amount"] == 30


async def test_incentive_api_crud_and_validation(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    bad = [
        ({"program_id": world.program_id, "amount": 101}, 400, "amount"),
        ({"program_id": world.program_id, "amount": -1}, 400, "amount"),
        ({"amount": 10}, 400, "program_id"),
        ({"program_id": "424242", "amount": 10}, 404, "program_id"),
        ({"program_id": world.program_id, "amount": 10, "group_id": "77"}, 404, "group_id"),
        ({"program_id": world.program_id, "amount": 10, "apply_to": "sometimes"}, 400, "apply_to"),
        ({"program_id": world.program_id, "amount": 10, "currency": "ZZZ"}, 400, "currency"),
    ]
    for body, status, field in bad:
        response = await client.post("/v1/incentives", json=body, headers=bearer)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"]["field"] == field
    assert await count(db, Incentive) == 0

    incentive_id = await add_incentive(client, bearer, world, name="Launch", price_ids=["b", "a"])
    got = (await client.get(f"/v1/incentives/{incentive_id}", headers=bearer)).json()["data"]
    assert got["name"] == "Launch"
    assert got["price_ids"] == ["a", "b"]
    assert got["program_id"] == world.program_id
    updated = await client.put(
        f"/v1/incentives/{incentive_id}",
        json={"amount": 12.5, "hold_period_days": 14},
        headers=bearer,
    )
    assert updated.status_code == 200
    assert (updated.json()["data"]["amount"], updated.json()["data"]["hold_period_days"]) == (
        12.5,
        14,
    )
    assert updated.json()["data"]["name"] == "Launch"
    listed = (
        await client.get(f"/v1/incentives?program_id={world.program_id}", headers=bearer)
    ).json()["data"]
    assert [i["id"] for i in listed] == [incentive_id]
    deleted = await client.delete(f"/v1/incentives/{incentive_id}", headers=bearer)
    assert deleted.json() == {"success": True, "message": "incentive deleted"}
    assert (await client.get(f"/v1/incentives/{incentive_id}", headers=bearer)).status_code == 404
