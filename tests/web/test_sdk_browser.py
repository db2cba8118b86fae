"""The JavaScript SDK in Chromium: a landing page on another origin loads /scripts/main.js,
records a direct-link click from its URL and an impression, and a later page records the
conversion without passing the transaction id; the rows and the entity report credit the
right affiliate."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import Click, Conversion, Impression
from tests.fixtures.browser import SCREENSHOTS, LiveServer
from tests.fixtures.factories import make_affiliate, make_key, make_offer

LANDING = """<!doctype html><html><head><meta charset="utf-8"><title>Landing</title>
<style>body{font:16px sans-serif;margin:2rem}code{word-break:break-all}</style></head>
<body><h1>Spring sale</h1><p>Click recorded: <code id="tid">pending</code></p>
<p><a id="buy" href="/thanks.html">Buy now</a></p>
<script src="%(tracking)s/scripts/main.js"></script>
<script>
EF.click({
  offer_id: EF.urlParameter('oid'),
  affiliate_id: EF.urlParameter('affid'),
  sub1: EF.urlParameter('sub1'),
  source_id: EF.urlParameter('source_id'),
}).then(function (tid) { document.getElementById('tid').textContent = tid; },
        function (err) { document.getElementById('tid').textContent = 'error: ' + err.message; });
</script></body></html>"""

THANKS = """<!doctype html><html><head><meta charset="utf-8"><title>Thanks</title>
<style>body{font:16px sans-serif;margin:2rem}code{word-break:break-all}</style></head>
<body><h1>Thank you for your order</h1><p>Conversion: <code id="result">pending</code></p>
<script src="%(tracking)s/scripts/main.js"></script>
<script>
EF.conversion({ offer_id: %(oid)d, amount: 25, order_id: 'order-1' }).then(
  function (r) {
    document.getElementById('result').textContent = r.status + ' ' + r.transaction_id;
  },
  function (err) { document.getElementById('result').textContent = 'error: ' + err.message; });
</script></body></html>"""


class _Landing(BaseHTTPRequestHandler):
    pages: dict[str, str] = {}

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        page = self.pages.get(path)
        body = (page or "").encode()
        # A page, or nothing at all (the browser asks for /favicon.ico).
        self.send_response(200 if page else 204 if path == "/favicon.ico" else 404)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def landing() -> Iterator[tuple[str, type[_Landing]]]:
    """A landing page server on another loopback port: another origin than the tracker's."""
    handler = type("Landing", (_Landing,), {"pages": {}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


async def _seed(db: Database) -> tuple[int, int, int, str]:
    offer = await make_offer(db, destination_url="https://shop.example/", name="Direct")
    await make_affiliate(db, name="Someone else")
    affiliate = await make_affiliate(db, name="Direct Partner")
    key = await make_key(db, "network")
    return offer.network_offer_id, affiliate.network_affiliate_id, offer.network_advertiser_id, key


async def _rows(db: Database) -> tuple[list[Click], list[Conversion], list[Impression]]:
    async with db.read() as session:
        clicks = list(await session.scalars(select(Click)))
        conversions = list(await session.scalars(select(Conversion)))
        impressions = list(await session.scalars(select(Impression)))
    return clicks, conversions, impressions


def test_direct_link_click_then_conversion_on_a_later_page(
    live_server: LiveServer, browser: Any, landing: tuple[str, type[_Landing]]
) -> None:
    origin, handler = landing
    oid, affid, _aid, key = live_server.call(_seed)
    handler.pages["/landing.html"] = LANDING % {"tracking": live_server.url}
    handler.pages["/thanks.html"] = THANKS % {"tracking": live_server.url, "oid": oid}

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" else None,
    )
    try:
        tab.goto(f"{origin}/landing.html?oid={oid}&affid={affid}&sub1=banner-7&source_id=news")
        tab.wait_for_function("document.getElementById('tid').textContent !== 'pending'")
        transaction_id = tab.inner_text("#tid")
        assert len(transaction_id) == 32, transaction_id
        # Kept first-party on the landing origin and in a cookie on the tracking host.
        stored = tab.evaluate(
            f"[EF.getTransactionId({oid}), localStorage.getItem('_ef_transaction_id')]"
        )
        assert stored == [transaction_id, transaction_id]
        cookies = {(c["name"], c["value"]) for c in context.cookies()}
        assert (f"ef_tid_o_{oid}", transaction_id) in cookies

        # An impression, recorded by the tracking host for the same affiliate (CORS with
        # credentials, like the click).
        impression = tab.evaluate(
            f"EF.impression({{offer_id: {oid}, affiliate_id: {affid}, sub2: 'x y',"
            " gclid: 'not-sent', parameters: {a: 1}})"
        )
        assert isinstance(impression, str)
        assert len(impression) == 32, impression

        tab.click("#buy")
        tab.wait_for_url(f"{origin}/thanks.html")
        tab.wait_for_function("document.getElementById('result').textContent !== 'pending'")
        assert tab.inner_text("#result") == f"approved {transaction_id}"
        # A visit without a direct link's ids records nothing and keeps the stored id.
        organic = tab.evaluate(f"EF.click({{offer_id: {oid}, affiliate_id: ''}})")
        assert (organic, tab.evaluate(f"EF.getTransactionId({oid})")) == ("", transaction_id)
        if live_server.database_url.startswith("sqlite"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SCREENSHOTS / "sdk-thanks-1280.png"), full_page=True)
    finally:
        context.close()
    assert not problems, problems

    clicks, conversions, impressions = live_server.call(_rows)
    [seen] = impressions
    assert (seen.impression_id, seen.network_affiliate_id, seen.sub2) == (impression, affid, "x y")
    [click] = clicks
    assert (click.transaction_id, click.network_affiliate_id, click.sub1, click.source_id) == (
        transaction_id,
        affid,
        "banner-7",
        "news",
    )
    [conversion] = conversions
    assert (conversion.transaction_id, conversion.network_affiliate_id, conversion.source) == (
        transaction_id,
        affid,
        "sdk",
    )
    assert (conversion.order_id, conversion.sub1) == ("order-1", "banner-7")

    today = datetime.now(UTC).date()
    body = {
        "from": (today - timedelta(days=1)).isoformat(),
        "to": (today + timedelta(days=1)).isoformat(),
        "timezone_id": 67,
        "currency_id": "USD",
        "columns": [{"column": "affiliate"}],
        "query": {"filters": []},
    }
    response = httpx.post(
        f"{live_server.url}/v1/networks/reporting/entity/table",
        json=body,
        headers={"X-Eflow-API-Key": key},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    [row] = response.json()["table"]
    assert row["columns"][0]["id"] == str(affid)
    assert (row["reporting"]["imp"], row["reporting"]["total_click"], row["reporting"]["cv"]) == (
        1,
        1,
        1,
    )
