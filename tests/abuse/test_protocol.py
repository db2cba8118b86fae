"""Limits before work, against a real ``clicktrail serve`` on loopback (issue 14, item 3):
the request head (URL, header size and count, time) and the body (size; the key checked
before a byte of it is read). Raw sockets, so that what the client did not send is known."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clicktrail.db import Database
from tests.fixtures.factories import make_key
from tests.fixtures.server import free_port, kill_group, ready, serve

pytestmark = pytest.mark.slow


@dataclass
class Server:
    port: int
    key: str


@pytest.fixture
async def server(database_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    db = Database(database_url)
    key = await make_key(db, "network")
    await db.dispose()
    port = free_port()
    log = tmp_path / "server.log"
    env = {"CLICKTRAIL_HEADER_TIMEOUT_SECONDS": "1", "CLICKTRAIL_MAX_HEADERS": "50"}
    process = serve(database_url, port, log, env=env)
    try:
        await ready(port, process, log)
        yield Server(port, key)
    finally:
        kill_group(process)


async def _exchange(port: int, *parts: bytes, pause: float = 0.0) -> bytes:
    """Send ``parts`` (waiting up to ``pause`` for an answer between them, and sending no
    more once one came), then read until the server closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answer = b""
    try:
        for part in parts:
            try:
                writer.write(part)
                await writer.drain()
            except ConnectionError:
                break  # the server answered and closed while we were still sending
            if pause:
                try:
                    answer = await asyncio.wait_for(reader.read(65536), timeout=pause)
                    break
                except TimeoutError:
                    continue
        return answer + await asyncio.wait_for(reader.read(), timeout=20)
    finally:
        writer.close()


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


async def test_the_request_head_is_bounded(server: Server) -> None:
    port = server.port
    long_url = b"GET /c?sub1=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = await _exchange(port, long_url)
    assert _status(answer) == 414

    many = b"".join(b"X-H%d: v\r\n" % i for i in range(60))
    answer = await _exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert _status(answer) == 431
    assert b"Too many request header fields" in answer

    # A 10 MB User-Agent: refused once the head passes 32 KiB, the rest never buffered.
    huge = b"GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: " + b"u" * 10_000_000
    answer = await _exchange(port, huge)
    assert _status(answer) == 431

    # Trickling the head: answered 408 and closed once the header timeout has passed.
    parts = [b"GET /healthz HTTP/1.1\r\n", *[b"X-Slow: 1\r\n"] * 40]
    answer = await _exchange(port, *parts, pause=0.1)
    assert _status(answer) == 408

    # Within the limits, the same server answers as usual.
    answer = await _exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert _status(answer) == 200


async def _answer(reader: asyncio.StreamReader) -> bytes:
    """One answer without a body (``/healthz`` answers a short JSON body: read it too)."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return head + await asyncio.wait_for(reader.readexactly(length), timeout=10)


async def test_the_head_clock_restarts_for_each_request_of_a_connection(server: Server) -> None:
    """The header timeout (1 s here) counts from the start of each request's head, not from
    the connection's first request: a kept-alive connection's later request is neither
    refused early nor allowed to trickle its head for ever."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _status(await _answer(reader)) == 200
        await asyncio.sleep(0.6)
        # A head begun 0.6 s after the connection opened and completed 0.6 s later: past
        # one second since the connection opened, within one second of its own start.
        writer.write(b"GET /healthz HTTP/1.1\r\n")
        await writer.drain()
        await asyncio.sleep(0.6)
        writer.write(b"Host: x\r\n\r\n")
        assert _status(await _answer(reader)) == 200
        # The next head trickles: refused once its own second has passed.
        writer.write(b"GET /healthz HTTP/1.1\r\n")
        answer = b""
        for _ in range(40):
            try:
                writer.write(b"X-Slow: 1\r\n")
                await writer.drain()
                answer = await asyncio.wait_for(reader.read(65536), timeout=0.1)
            except TimeoutError:
                continue
            except ConnectionError:
                break
            if answer:
                break
        assert _status(answer) == 408
    finally:
        writer.close()


def _post(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: x", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def test_bodies_are_bounded_and_keys_checked_before_reading_them(server: Server) -> None:
    port = server.port
    path = "/v1/networks/advertisers"
    # 200 MB announced, nothing sent: 413 at once, in the Everflow dialect.
    answer = await _exchange(port, _post(path, {"Content-Length": "200000000"}))
    assert _status(answer) == 413
    assert b'"Error":"request body is larger than 1048576 bytes"' in answer

    # A wrong key with a body under the limit that is never sent: the 401 comes anyway.
    head = _post(
        path, {"Content-Length": "500000", "X-Eflow-API-Key": "wrong", "Connection": "close"}
    )
    answer = await _exchange(port, head)
    assert _status(answer) == 401
    assert b"Invalid API key" in answer

    # A chunked body from a valid key is cut off once it passes 1 MiB.
    head = _post(path, {"Transfer-Encoding": "chunked", "X-Eflow-API-Key": server.key})
    chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
    answer = await _exchange(port, head, *[chunk] * 40)
    assert _status(answer) == 413
    assert b"larger than 1048576 bytes" in answer
