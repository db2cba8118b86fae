"""Helpers every benchmark shares: ports, server readiness, the machine, PostgreSQL admin."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import Advertiser, Affiliate, Offer, OfferPayoutRevenue

#: The project's root, and the file every benchmark writes its section of.
ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until the server on ``port`` answers /healthz; fail if ``proc`` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not become ready")


def machine() -> str:
    """Cores, CPU model and Python version, for the benchmarks page."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


async def pg_admin(base_url: str, sql: str) -> None:
    """Run one administrative statement (CREATE/DROP DATABASE) on the server of
    ``base_url``, a SQLAlchemy URL."""
    dsn = make_url(base_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


#: Where benchmarks create their throwaway PostgreSQL databases unless told otherwise.
PG_DEFAULT = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


async def add_offer_and_affiliate(
    session: AsyncSession, entry: OfferPayoutRevenue, offer_name: str = "Bench offer"
) -> tuple[Offer, Affiliate]:
    """One advertiser, one active offer with ``entry`` as its base payout/revenue, and one
    affiliate, flushed so their ids are known."""
    now = datetime.now(UTC)
    advertiser = Advertiser(name="Bench advertiser", time_created=now, time_saved=now)
    session.add(advertiser)
    await session.flush()
    offer = Offer(
        name=offer_name,
        network_advertiser_id=advertiser.network_advertiser_id,
        destination_url="https://example.com/?t={transaction_id}",
        time_created=now,
        time_saved=now,
    )
    offer.payout_revenue = [entry]
    affiliate = Affiliate(name="Bench partner", time_created=now, time_saved=now)
    session.add_all([offer, affiliate])
    await session.flush()
    return offer, affiliate


def write_section(doc: Path, section: str, lines: list[str]) -> None:
    """Replace ``section`` (a ``## `` heading up to the next one) of ``doc`` by ``lines``,
    or append it."""
    text = doc.read_text() if doc.exists() else "# Benchmarks\n\n"
    body = "\n".join(lines).rstrip("\n") + "\n"
    start = text.find(section)
    if start < 0:
        doc.write_text(text.rstrip("\n") + "\n\n" + body)
        return
    end = text.find("\n## ", start + len(section))
    doc.write_text(text[:start] + body + ("\n" + text[end + 1 :] if end >= 0 else ""))
