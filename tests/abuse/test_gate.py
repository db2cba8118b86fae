"""Rate limits on the API surfaces (issue 14, item 4): failed authentication per address,
requests per key, in every dialect, counted in process or in Redis, and all off at once."""

from __future__ import annotations

import os
import secrets

import httpx
import pytest
import redis.asyncio
from limits.aio.storage import RedisStorage

from clicktrail.abuse.guards import guards_of
from clicktrail.abuse.limiter import Limiter
from clicktrail.models import ApiKey
from tests.abuse.conftest import Limited, random_address
from tests.fixtures.factories import make_affiliate, make_key

REDIS_URL = os.environ.get("CLICKTRAIL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def _redis_reachable() -> bool:
    client = redis.asyncio.from_url(REDIS_URL)
    try:
        return bool(await client.ping())
    except redis.RedisError:
        return False
    finally:
        await client.aclose()


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> dict[str, str]:
    """Settings for counters in process, then in Redis (127.0.0.1:6379 here)."""
    if request.param == "memory":
        return {}
    if not await _redis_reachable():
        pytest.fail(f"Redis is not reachable at {REDIS_URL}")
    return {"redis_url": REDIS_URL}


async def test_failed_keys_are_throttled_per_address_but_valid_keys_still_work(
    limited: Limited, store: dict[str, str]
) -> None:
    async with limited(rate_limit_failed_auth="3/minute", **store) as (app, client):
        key = await make_key(app.state.db, "network")
        me = {"X-Forwarded-For": random_address()}
        wrong = {**me, "X-Eflow-API-Key": "ct_wrong_key"}
        answers = [await client.get("/v1/networks/offers", headers=wrong) for _ in range(5)]
        assert [a.status_code for a in answers] == [401, 401, 401, 429, 429]
        throttled = answers[-1]
        assert 1 <= int(throttled.headers["retry-after"]) <= 60
        message = "Too many failed authentications; retry later"
        assert throttled.json() == {"Error": message, "error": message}
        # The same address with a valid key is served; another address is not throttled.
        valid = await client.get("/v1/networks/offers", headers={**me, "X-Eflow-API-Key": key})
        assert valid.status_code == 200
        other = {"X-Forwarded-For": random_address(), "X-Eflow-API-Key": "ct_wrong_key"}
        assert (await client.get("/v1/networks/offers", headers=other)).status_code == 401


async def test_each_dialect_answers_429_in_its_own_shape(limited: Limited) -> None:
    async with limited(rate_limit_failed_auth="1/minute") as (_app, client):
        me = {"X-Forwarded-For": random_address()}
        await client.get("/v1/networks", headers=me)
        scaleo = await client.post("/api/v2/network/tracking/conv-click-id?api-key=x", headers=me)
        assert scaleo.status_code == 429
        assert scaleo.json()["status"] == "error"
        assert scaleo.json()["code"] == 429
        assert scaleo.json()["name"] == "Too Many Requests"
        assert "retry-after" in scaleo.headers
        affonso = await client.get("/v1/incentives", headers={**me, "Authorization": "Bearer x"})
        assert affonso.status_code == 429
        assert affonso.json() == {
            "success": False,
            "error": {
                "code": "RATE_LIMITED",
                "message": "Too many failed authentications; retry later",
                "field": None,
            },
        }


async def test_each_key_has_its_realms_rate_with_everflows_headers(
    limited: Limited, store: dict[str, str]
) -> None:
    overrides = {"rate_limit_network_key": "3/minute", "rate_limit_affiliate_key": "2/minute"}
    async with limited(**overrides, **store) as (app, client):
        db = app.state.db
        if store:  # key ids repeat across tests and runs: counters of their own
            limiter = guards_of(app.state).limiter
            assert isinstance(limiter, Limiter)
            assert isinstance(limiter.storage, RedisStorage)
            limiter.storage = RedisStorage(
                f"async+{REDIS_URL}", implementation="redispy", key_prefix=secrets.token_hex(8)
            )
        first = {"X-Eflow-API-Key": await make_key(db, "network")}
        second = {"X-Eflow-API-Key": await make_key(db, "network")}
        answers = [await client.get("/v1/networks/offers", headers=first) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[0].headers["x-ratelimit-limit"] == "3"
        assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
        assert answers[3].json()["error"] == "Rate limit exceeded (3 per 1 minute)"
        assert "retry-after" in answers[3].headers
        assert (await client.get("/v1/networks/offers", headers=second)).status_code == 200

        affiliate = await make_affiliate(db)
        mine = {"X-Eflow-API-Key": await make_key(db, "affiliate", affiliate.network_affiliate_id)}
        path = "/v1/affiliates/pixels"
        assert [(await client.get(path, headers=mine)).status_code for _ in range(3)] == [
            200,
            200,
            429,
        ]


async def test_rate_limits_false_turns_every_limit_off(limited: Limited) -> None:
    overrides = {
        "rate_limits": False,
        "rate_limit_failed_auth": "1/minute",
        "rate_limit_network_key": "1/minute",
    }
    async with limited(**overrides) as (app, client):
        key = {"X-Eflow-API-Key": await make_key(app.state.db, "network")}
        wrong = {"X-Eflow-API-Key": "ct_wrong_key"}
        statuses = [(await client.get("/v1/networks", headers=wrong)).status_code for _ in range(5)]
        assert statuses == [401] * 5
        served = [await client.get("/v1/networks", headers=key) for _ in range(5)]
        assert [a.status_code for a in served] == [200] * 5
        assert "x-ratelimit-limit" not in served[0].headers


async def test_a_key_of_the_other_realm_is_403_and_not_counted_as_a_failure(
    limited: Limited,
) -> None:
    async with limited(rate_limit_failed_auth="1/minute") as (app, client):
        affiliate = await make_affiliate(app.state.db)
        key = await make_key(app.state.db, "affiliate", affiliate.network_affiliate_id)
        me = {"X-Forwarded-For": random_address(), "X-Eflow-API-Key": key}
        statuses = [(await client.get("/v1/networks", headers=me)).status_code for _ in range(3)]
        assert statuses == [403, 403, 403]


async def test_last_used_at_is_written_once_a_minute_at_most(limited: Limited) -> None:
    async with limited() as (app, client):
        db = app.state.db
        key = {"X-Eflow-API-Key": await make_key(db, "network")}
        async with db.read() as session:
            (stored,) = (await session.execute(ApiKey.__table__.select())).all()
        assert stored.last_used_at is None
        assert (await client.get("/v1/networks", headers=key)).status_code == 200
        async with db.read() as session:
            first = await session.get(ApiKey, stored.id)
            assert first is not None
            used = first.last_used_at
        assert used is not None
        for _ in range(3):
            assert (await client.get("/v1/networks", headers=key)).status_code == 200
        async with db.read() as session:
            again = await session.get(ApiKey, stored.id)
            assert again is not None
            assert again.last_used_at == used


async def test_a_body_over_the_limit_is_413_in_the_dialect(limited: Limited) -> None:
    async with limited(max_body_bytes=2048) as (app, client):
        key = await make_key(app.state.db, "network")
        big = b"{" + b" " * 4096 + b"}"
        everflow = await client.post(
            "/v1/networks/advertisers", content=big, headers={"X-Eflow-API-Key": key}
        )
        assert everflow.status_code == 413
        affonso = await client.post(
            "/v1/incentives", content=big, headers={"Authorization": f"Bearer {key}"}
        )
        assert affonso.status_code == 413
        assert affonso.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
        assert affonso.json()["error"]["field"] == "body"


async def test_unauthenticated_requests_to_public_paths_pass(limited: Limited) -> None:
    async with limited(rate_limit_failed_auth="1/minute") as (_app, client):
        for _ in range(3):
            assert (await client.get("/v1/meta/timezones")).status_code == 200
            assert (await client.get("/healthz")).status_code == 200


async def test_everflow_headers_are_absent_without_a_key(client: httpx.AsyncClient) -> None:
    assert "x-ratelimit-limit" not in (await client.get("/v1/meta/currencies")).headers
