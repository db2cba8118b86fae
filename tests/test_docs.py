"""The request examples in docs/api.md run against the app, on both engines.

Every ```http block that starts with a request line (``GET /path HTTP/1.1``) is a request;
the ```http block after it (``HTTP/1.1 200 OK``, headers, an optional JSON body) is its
documented answer. The examples run in document order against one network the fixture makes
through the API (advertiser 1, offer 1 with a base entry and an event aliased ``sale``,
affiliate 1, two clicks), with the placeholders in angle brackets filled in. Each must answer
the documented status, and every key of a documented JSON body must be in the real one, so a
renamed or dropped field breaks the build (as datasette tests its documentation).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from clicktrail.db import Database
from clicktrail.models import Affiliate, Offer
from tests.fixtures.factories import make_click, make_key

API_MD = Path(__file__).resolve().parents[1] / "docs" / "api.md"
_BLOCK = re.compile(r"^```http\n(.*?)^```", re.S | re.M)
_REQUEST_LINE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD) (.+) HTTP/1\.1$")
_STATUS_LINE = re.compile(r"^HTTP/1\.1 (\d{3})\b")
_PLACEHOLDER = re.compile(r"<[a-z][a-z ]*>")


@dataclass
class Example:
    line: int
    method: str
    target: str
    headers: dict[str, str]
    body: str
    status: int
    answer: Any

    def __str__(self) -> str:
        return f"docs/api.md:{self.line} {self.method} {self.target}"


def _split(block: str) -> tuple[str, list[tuple[str, str]], str]:
    head, _, body = block.partition("\n\n")
    first, *rest = head.strip("\n").split("\n")
    headers = [(k.strip(), v.strip()) for k, _, v in (h.partition(":") for h in rest if h)]
    return first, headers, body.strip()


def parse_examples(text: str) -> list[Example]:
    """Request/answer pairs of the ```http blocks, in order; a request without its answer,
    or an answer without its request, is an error."""
    examples: list[Example] = []
    pending: tuple[int, str, str, dict[str, str], str] | None = None
    for match in _BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        first, headers, body = _split(match.group(1))
        request = _REQUEST_LINE.match(first)
        status = _STATUS_LINE.match(first)
        if request:
            assert pending is None, f"docs/api.md:{pending[0]}: a request without its answer"
            pending = (line, request.group(1), request.group(2), dict(headers), body)
        elif status:
            assert pending is not None, f"docs/api.md:{line}: an answer without its request"
            answer = json.loads(body) if body else None
            examples.append(Example(*pending, status=int(status.group(1)), answer=answer))
            pending = None
        else:
            raise AssertionError(f"docs/api.md:{line}: not a request or status line: {first}")
    assert pending is None, f"docs/api.md:{pending[0]}: a request without its answer"
    return examples


def missing_keys(documented: Any, actual: Any, where: str = "body") -> list[str]:
    """Keys of the documented JSON that the actual answer lacks (objects recursively, lists
    by their first element)."""
    if isinstance(documented, dict):
        if not isinstance(actual, dict):
            return [f"{where} is not an object"]
        found: list[str] = []
        for key, value in documented.items():
            if key not in actual:
                found.append(f"{where}.{key}")
            else:
                found += missing_keys(value, actual[key], f"{where}.{key}")
        return found
    if isinstance(documented, list) and documented:
        if not isinstance(actual, list) or not actual:
            return [f"{where} is not a non-empty list"]
        return missing_keys(documented[0], actual[0], f"{where}[0]")
    return []


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace(name, value)
    return text


async def _network(db: Database, client: httpx.AsyncClient) -> dict[str, str]:
    """The entities the examples name, made through the API; the placeholder values."""
    key = await make_key(db, "network")
    headers = {"X-Eflow-API-Key": key}
    made = await client.post(
        "/v1/networks/advertisers", headers=headers, json={"name": "Northwind"}
    )
    assert made.status_code == 200, made.text
    offer = await client.post(
        "/v1/networks/offers",
        headers=headers,
        json={
            "network_advertiser_id": made.json()["network_advertiser_id"],
            "name": "Summer Sale",
            "offer_status": "active",
            "destination_url": "https://shop.example/?tid={transaction_id}",
            "payout_revenue": [
                {
                    "payout_type": "cpa",
                    "payout_amount": 5,
                    "revenue_type": "rpa",
                    "revenue_amount": 8,
                    "is_default": True,
                },
                {
                    "entry_name": "Sale",
                    "event_alias": "sale",
                    "payout_type": "cps",
                    "payout_percentage": 10,
                    "revenue_type": "rps",
                    "revenue_percentage": 20,
                },
            ],
        },
    )
    assert offer.status_code == 200, offer.text
    entries = offer.json()["relationship"]["payout_revenue"]["entries"]
    base = next(e for e in entries if e["is_default"])
    event = next(e for e in entries if not e["is_default"])
    affiliate = await client.post(
        "/v1/networks/affiliates", headers=headers, json={"name": "Partner One"}
    )
    assert affiliate.status_code == 200, affiliate.text
    async with db.read() as session:
        offer_row = await session.get(Offer, offer.json()["network_offer_id"])
        affiliate_row = await session.get(Affiliate, affiliate.json()["network_affiliate_id"])
        assert offer_row is not None
        assert affiliate_row is not None
    assert (offer_row.network_offer_id, affiliate_row.network_affiliate_id) == (1, 1)
    first = await make_click(db, offer_row, affiliate_row)
    second = await make_click(db, offer_row, affiliate_row)
    return {
        "<network key>": key,
        "<affiliate key>": await make_key(db, "affiliate", affiliate_id=1),
        "<transaction id>": first.transaction_id,
        "<click id>": second.transaction_id,
        "<event id>": str(event["event_id"]),
        "<goal id>": str(base["network_offer_payout_revenue_id"]),
    }


def test_the_docs_have_examples_and_each_has_its_answer() -> None:
    examples = parse_examples(API_MD.read_text(encoding="utf-8"))
    assert len(examples) >= 10
    assert {e.method for e in examples} >= {"GET", "POST", "PUT"}


def test_parser_refuses_a_request_without_its_answer() -> None:
    text = "```http\nGET /v1/meta/timezones HTTP/1.1\n```\n"
    with pytest.raises(AssertionError, match="without its answer"):
        parse_examples(text)


def test_missing_keys_finds_renamed_fields() -> None:
    documented = {"a": 1, "b": {"c": 2}, "d": [{"e": 3}]}
    assert missing_keys(documented, {"a": 1, "b": {"c": 0}, "d": [{"e": 0, "f": 1}]}) == []
    assert missing_keys(documented, {"a": 1, "b": {}, "d": [{"x": 0}]}) == [
        "body.b.c",
        "body.d[0].e",
    ]


async def test_every_example_in_api_md_answers_as_documented(
    db: Database, client: httpx.AsyncClient
) -> None:
    values = await _network(db, client)
    failures: list[str] = []
    for example in parse_examples(API_MD.read_text(encoding="utf-8")):
        target = _fill(example.target, values)
        body = _fill(example.body, values)
        headers = {k: _fill(v, values) for k, v in example.headers.items() if k.lower() != "host"}
        left = _PLACEHOLDER.findall(target + body + "".join(headers.values()))
        if left:
            failures.append(f"{example}: unknown placeholder {left[0]}")
            continue
        response = await client.request(
            example.method, target, headers=headers, content=body.encode() or None
        )
        if response.status_code != example.status:
            failures.append(
                f"{example}: {response.status_code} instead of {example.status}: "
                f"{response.text[:300]}"
            )
            continue
        if example.answer is not None:
            for key in missing_keys(example.answer, response.json()):
                failures.append(f"{example}: the answer has no {key}")
    assert not failures, "\n".join(failures)
