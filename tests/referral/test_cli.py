"""``clicktrail referral …`` in-process (typer's CliRunner) on a temporary SQLite file."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clicktrail.cli import app
from clicktrail.config import get_settings
from clicktrail.db import Database
from clicktrail.migrations import upgrade
from tests.fixtures.factories import make_affiliate, make_offer

runner = CliRunner()


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, int]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)

    async def _make() -> tuple[int, int]:
        db = Database(url)
        try:
            offer = await make_offer(db)
            affiliate = await make_affiliate(db)
            return offer.network_offer_id, affiliate.network_affiliate_id
        finally:
            await db.dispose()

    ids = asyncio.run(_make())
    monkeypatch.setenv("CLICKTRAIL_DATABASE_URL", url)
    get_settings.cache_clear()
    yield ids
    get_settings.cache_clear()


def _json_lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_incentives_rates_groups_codes(world: tuple[int, int], tmp_path: Path) -> None:
    offer_id, affiliate_id = world
    group = runner.invoke(app, ["referral", "groups", "create", "Agencies", "--default"])
    assert group.exit_code == 0, group.output
    group_id = _json_lines(group.stdout)[0]["id"]
    code = runner.invoke(
        app,
        [
            "referral",
            "codes",
            "set",
            str(affiliate_id),
            "--tracking-id",
            "acme",
            "--group",
            str(group_id),
        ],
    )
    assert code.exit_code == 0, code.output
    assert _json_lines(code.stdout)[0]["tracking_id"] == "acme"

    created = runner.invoke(
        app,
        [
            "referral",
            "incentives",
            "create",
            "--program",
            str(offer_id),
            "--amount",
            "12.5",
            "--hold-days",
            "14",
            "--product",
            "p1",
            "--product",
            "p2",
            "--first-sale",
        ],
    )
    assert created.exit_code == 0, created.output
    incentive = _json_lines(created.stdout)[0]
    assert (incentive["amount"], incentive["hold_period_days"]) == (12.5, 14)
    assert (incentive["product_ids"], incentive["apply_to"]) == (["p1", "p2"], "first_sale")
    updated = runner.invoke(
        app, ["referral", "incentives", "update", str(incentive["id"]), "--inactive"]
    )
    assert _json_lines(updated.stdout)[0]["is_active"] is False
    listed = runner.invoke(app, ["referral", "incentives", "list"])
    assert [i["id"] for i in _json_lines(listed.stdout)] == [incentive["id"]]

    bad = runner.invoke(
        app, ["referral", "incentives", "create", "--program", "999", "--amount", "5"]
    )
    assert bad.exit_code == 2
    assert "program_id" in bad.stderr

    one = runner.invoke(app, ["referral", "rates", "set", "EUR", "1.08", "--date", "2026-01-01"])
    assert one.exit_code == 0, one.output
    csv_file = tmp_path / "rates.csv"
    csv_file.write_text("currency,rate,date\nGBP,1.27,2026-01-01\nEUR,1.09,2026-01-02\n")
    imported = runner.invoke(app, ["referral", "rates", "import", str(csv_file)])
    assert imported.exit_code == 0, imported.output
    rates = _json_lines(runner.invoke(app, ["referral", "rates", "list"]).stdout)
    assert [(r["currency"], r["date"], r["rate"]) for r in rates] == [
        ("EUR", "2026-01-01", 1.08),
        ("EUR", "2026-01-02", 1.09),
        ("GBP", "2026-01-01", 1.27),
    ]
    csv_file.write_text("currency,rate,date\nCHF,-1,2026-01-01\n")
    refused = runner.invoke(app, ["referral", "rates", "import", str(csv_file)])
    assert refused.exit_code == 2
    released = runner.invoke(app, ["referral", "release-holds"])
    assert _json_lines(released.stdout) == [{"released": 0}]
