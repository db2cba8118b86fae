"""``clicktrail referral …``: incentives, affiliate groups and codes, exchange rates, holds.

Every command prints the objects it touched as JSON lines on stdout (the same shapes as
the Affonso API's ``data``); messages and errors go to stderr (exit status 2 on an error).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.config import get_settings
from clicktrail.db import Database
from clicktrail.errors import ClicktrailError
from clicktrail.referral import affonso
from clicktrail.referral.affonso_schemas import (
    AffiliateCodeIn,
    GroupIn,
    IncentiveIn,
    IncentiveUpdate,
    RateIn,
)

app = typer.Typer(help="Referral conversions (Affonso): incentives, groups, codes, rates.")
incentives_app = typer.Typer(help="Commission rules of offers (Affonso incentives).")
rates_app = typer.Typer(help="Exchange rates to the network currency.")
groups_app = typer.Typer(help="Affiliate groups (incentives may target one).")
codes_app = typer.Typer(help="Affiliates' tracking ids and groups.")
app.add_typer(incentives_app, name="incentives")
app.add_typer(rates_app, name="rates")
app.add_typer(groups_app, name="groups")
app.add_typer(codes_app, name="codes")

Rows = list[dict[str, Any]]


def _run(work: Callable[[AsyncSession], Awaitable[Rows]], *, write: bool = True) -> None:
    from clicktrail.command import run_with_db

    async def _main(db: Database) -> Rows:
        async with db.write() if write else db.read() as session:
            return await work(session)

    try:
        rows = run_with_db(get_settings(), _main)
    except ClicktrailError as exc:
        where = f" ({exc.field})" if exc.field else ""
        typer.echo(f"error{where}: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        typer.echo(f"error ({field}): {first['msg']}", err=True)
        raise typer.Exit(2) from exc
    for row in rows:
        typer.echo(json.dumps(row))


# --- incentives --------------------------------------------------------------------------


@incentives_app.command("list")
def incentives_list(
    program: Annotated[str | None, typer.Option(help="Only this offer's incentives.")] = None,
) -> None:
    """List incentives.

    Example: clicktrail referral incentives list --program 3
    """
    from clicktrail.referral import incentive

    async def work(session: AsyncSession) -> Rows:
        return [affonso.incentive_object(i) for i in await incentive.listing(session, program)]

    _run(work, write=False)


@incentives_app.command("create")
def incentives_create(
    program: Annotated[str, typer.Option(help="The offer (Affonso program) id.")],
    amount: Annotated[Decimal, typer.Option(help="Percent of the sale, or a fixed amount.")],
    fixed: Annotated[bool, typer.Option("--fixed", help="A fixed amount, not a %.")] = False,
    currency: Annotated[str | None, typer.Option(help="Currency of a fixed amount.")] = None,
    name: Annotated[str, typer.Option(help="A label.")] = "",
    group: Annotated[str | None, typer.Option(help="Only affiliates of this group.")] = None,
    first_sale: Annotated[
        bool, typer.Option("--first-sale", help="The referral's first sale only.")
    ] = False,
    interval: Annotated[
        str | None, typer.Option(help="Only subscriptions billed monthly or yearly.")
    ] = None,
    product: Annotated[list[str] | None, typer.Option(help="Match a product id.")] = None,
    price: Annotated[list[str] | None, typer.Option(help="Match a price id.")] = None,
    hold_days: Annotated[int, typer.Option(help="Days a commission stays pending.")] = 0,
    cap: Annotated[Decimal | None, typer.Option(help="Most earned per customer.")] = None,
    manual: Annotated[bool, typer.Option("--manual", help="Manual approval.")] = False,
) -> None:
    """Create an incentive.

    Example: clicktrail referral incentives create --program 3 --amount 30 --hold-days 30
    """
    from clicktrail.referral import incentive

    async def work(session: AsyncSession) -> Rows:
        body = IncentiveIn.model_validate(
            {
                "program_id": program,
                "amount": amount,
                "is_percentage": not fixed,
                "currency": currency,
                "name": name,
                "group_id": group,
                "apply_to": "first_sale" if first_sale else "all_sales",
                "interval": interval,
                "product_ids": product or None,
                "price_ids": price or None,
                "hold_period_days": hold_days,
                "commission_cap": cap,
                "approval_type": "manual" if manual else "auto",
            }
        )
        return [affonso.incentive_object(await incentive.create(session, body))]

    _run(work)


@incentives_app.command("update")
def incentives_update(
    incentive_id: Annotated[str, typer.Argument(help="The incentive's id.")],
    amount: Annotated[Decimal | None, typer.Option(help="New amount.")] = None,
    hold_days: Annotated[int | None, typer.Option(help="New hold period.")] = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive")] = None,
) -> None:
    """Change an incentive's amount, hold period or activity.

    Example: clicktrail referral incentives update 4 --amount 25 --inactive
    """
    from clicktrail.referral import incentive

    async def work(session: AsyncSession) -> Rows:
        fields: dict[str, Any] = {}
        if amount is not None:
            fields["amount"] = amount
        if hold_days is not None:
            fields["hold_period_days"] = hold_days
        if active is not None:
            fields["is_active"] = active
        body = IncentiveUpdate.model_validate(fields)
        return [affonso.incentive_object(await incentive.update(session, incentive_id, body))]

    _run(work)


@incentives_app.command("delete")
def incentives_delete(incentive_id: Annotated[str, typer.Argument()]) -> None:
    """Delete an incentive.

    Example: clicktrail referral incentives delete 4
    """
    from clicktrail.referral import incentive

    async def work(session: AsyncSession) -> Rows:
        await incentive.delete(session, incentive_id)
        return []

    _run(work)
    typer.echo(f"incentive {incentive_id} deleted", err=True)


# --- exchange rates ----------------------------------------------------------------------


@rates_app.command("set")
def rates_set(
    currency: Annotated[str, typer.Argument(help="ISO 4217 code, e.g. EUR.")],
    rate: Annotated[Decimal, typer.Argument(help="1 CURRENCY = RATE quote currency.")],
    on: Annotated[str | None, typer.Option("--date", help="Effective date (default today).")] = (
        None
    ),
    quote: Annotated[str | None, typer.Option(help="Default: the network currency.")] = None,
) -> None:
    """Set one exchange rate, effective from a date.

    Example: clicktrail referral rates set EUR 1.0842 --date 2026-01-01
    """
    from clicktrail.referral import exchange

    async def work(session: AsyncSession) -> Rows:
        body = RateIn.model_validate(
            {
                "currency": currency,
                "rate": rate,
                "date": on or date.today().isoformat(),
                "quote_currency": quote,
                "source": "cli",
            }
        )
        return [affonso.rate_object(await exchange.set_rate(session, body))]

    _run(work)


@rates_app.command("import")
def rates_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Import a CSV of rates: header currency,rate,date[,quote_currency]; all or nothing.

    Example: clicktrail referral rates import ecb-2026.csv
    """
    from clicktrail.referral import exchange

    text = path.read_text(encoding="utf-8-sig")

    async def work(session: AsyncSession) -> Rows:
        return affonso.rate_list(await exchange.import_csv(session, text))

    _run(work)


@rates_app.command("list")
def rates_list(
    currency: Annotated[str | None, typer.Option(help="Only this currency.")] = None,
) -> None:
    """List exchange rates.

    Example: clicktrail referral rates list --currency EUR
    """
    from clicktrail.referral import repository

    async def work(session: AsyncSession) -> Rows:
        return affonso.rate_list(
            await repository.rates(session, currency.upper() if currency else None)
        )

    _run(work, write=False)


# --- groups and codes --------------------------------------------------------------------


@groups_app.command("create")
def groups_create(
    name: Annotated[str, typer.Argument()],
    default: Annotated[bool, typer.Option("--default", help="Affiliates without a group.")] = (
        False
    ),
) -> None:
    """Create an affiliate group.

    Example: clicktrail referral groups create Agencies
    """
    from clicktrail.referral import partners

    async def work(session: AsyncSession) -> Rows:
        group = await partners.create_group(session, GroupIn(name=name, is_default=default))
        return [affonso.group_object(group, 0)]

    _run(work)


@groups_app.command("list")
def groups_list() -> None:
    """List affiliate groups.

    Example: clicktrail referral groups list
    """
    from clicktrail.referral import repository

    async def work(session: AsyncSession) -> Rows:
        counts = await repository.group_member_counts(session)
        return [
            affonso.group_object(g, counts.get(g.affiliate_group_id, 0))
            for g in await repository.groups(session)
        ]

    _run(work, write=False)


@codes_app.command("set")
def codes_set(
    affiliate_id: Annotated[str, typer.Argument(help="The affiliate's id.")],
    tracking_id: Annotated[str | None, typer.Option(help="Its code in ?ref= links.")] = None,
    group: Annotated[str | None, typer.Option(help="Its affiliate group id.")] = None,
) -> None:
    """Set an affiliate's tracking id and/or group.

    Example: clicktrail referral codes set 7 --tracking-id partner123 --group 2
    """
    from clicktrail.referral import partners

    async def work(session: AsyncSession) -> Rows:
        fields: dict[str, Any] = {}
        if tracking_id is not None:
            fields["tracking_id"] = tracking_id
        if group is not None:
            fields["group_id"] = group
        body = AffiliateCodeIn.model_validate(fields)
        code = await partners.set_code(session, affiliate_id, body)
        return [affonso.affiliate_code_object(code)]

    _run(work)


@app.command("release-holds")
def release_holds() -> None:
    """Release every commission whose hold period is over (the server also does this).

    Example: clicktrail referral release-holds
    """
    from clicktrail.referral.tasks import release_due_holds

    async def work(session: AsyncSession) -> Rows:
        return [{"released": await release_due_holds(session)}]

    _run(work)
