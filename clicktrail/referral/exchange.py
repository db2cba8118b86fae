"""Exchange rates: set one, import a CSV of them, and convert a sale with the rate in force.

``1 currency = rate quote_currency`` from ``effective_date`` on; the rate in force on a day
is the latest one effective on or before it. A conversion never guesses: an unknown
currency, or no rate on or before the sale's day, is a 400 naming the field.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import ValidationFailed
from clicktrail.kit.money import CENT, MONEY_MAX, check_rate, quantize, to_decimal, within_bound
from clicktrail.kit.timeutil import check_day, utcnow
from clicktrail.meta.currencies import BY_CODE
from clicktrail.models import ExchangeRate
from clicktrail.referral import repository
from clicktrail.referral.affonso_schemas import RateIn

MAX_IMPORT_ROWS = 100_000
ONE = Decimal(1)


@dataclass(slots=True, frozen=True)
class Converted:
    amount: Decimal
    currency: str
    rate: Decimal
    rate_date: date | None


def known_currency(code: str, field: str) -> str:
    upper = code.strip().upper()
    if upper not in BY_CODE:
        raise ValidationFailed(f"unknown currency {code!r}", field=field)
    return upper


async def set_rate(
    session: AsyncSession,
    body: RateIn,
    *,
    field_prefix: str = "",
) -> ExchangeRate:
    """Insert or replace the rate of ``currency`` for one day (quote: the network currency
    unless given)."""
    currency = known_currency(body.currency, f"{field_prefix}currency")
    quote = known_currency(
        body.quote_currency or await repository.network_currency(session),
        f"{field_prefix}quote_currency",
    )
    if currency == quote:
        raise ValidationFailed("currency and quote_currency are the same", field="currency")
    now = utcnow()
    row = await repository.rate_exact(session, currency, quote, body.date)
    if row is None:
        row = ExchangeRate(
            currency_id=currency,
            quote_currency_id=quote,
            effective_date=body.date,
            rate=body.rate,
            source=body.source,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
    else:
        row.rate = body.rate
        row.source = body.source
        row.updated_at = now
    await session.flush()
    return row


def parse_csv(text: str) -> list[RateIn]:
    """Rows of ``currency,rate,date[,quote_currency]`` (a header line naming the columns is
    required; extra columns are ignored). Any bad line fails the whole file, naming it."""
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.strip().lower() for name in reader.fieldnames or []}
    missing = [name for name in ("currency", "rate", "date") if name not in columns]
    if missing:
        raise ValidationFailed(
            f"the CSV header must name currency, rate and date (missing {', '.join(missing)})",
            field="file",
        )
    rows: list[RateIn] = []
    for line, raw in enumerate(reader, start=2):
        record = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(record.values()):
            continue
        if len(rows) >= MAX_IMPORT_ROWS:
            raise ValidationFailed(f"more than {MAX_IMPORT_ROWS} rows", field="file")
        try:
            rate = check_rate(to_decimal(record.get("rate", "")))
        except ValueError as exc:
            raise ValidationFailed(f"line {line}: rate {exc}", field="rate") from None
        text = record.get("date", "")
        try:
            day = date.fromisoformat(text) if text.isascii() else None
        except ValueError:
            day = None
        if day is None:
            raise ValidationFailed(f"line {line}: date must be YYYY-MM-DD", field="date")
        try:
            check_day(day)
        except ValueError as exc:
            raise ValidationFailed(f"line {line}: date {exc}", field="date") from None
        for name in ("currency", "quote_currency"):
            value = record.get(name)
            if value and value.upper() not in BY_CODE:
                raise ValidationFailed(f"line {line}: unknown currency {value!r}", field=name)
        rows.append(
            RateIn(
                currency=record["currency"].upper(),
                rate=rate,
                date=day,
                quote_currency=(record.get("quote_currency") or None),
                source="import",
            )
        )
    if not rows:
        raise ValidationFailed("the CSV holds no rates", field="file")
    return rows


async def import_csv(session: AsyncSession, text: str) -> list[ExchangeRate]:
    """Set every rate of the file in the caller's transaction (all or nothing)."""
    return [await set_rate(session, row) for row in parse_csv(text)]


async def convert(
    session: AsyncSession, amount: Decimal, currency: str, quote: str, day: date, field: str
) -> Converted:
    """``amount`` of ``currency`` in ``quote`` at the rate in force on ``day``, to the cent."""
    currency = known_currency(currency, field)
    if currency == quote:
        return Converted(amount, quote, ONE, None)
    row = await repository.rate_on(session, currency, quote, day)
    if row is None:
        raise ValidationFailed(
            f"no exchange rate from {currency} to {quote} on or before {day.isoformat()}",
            field=field,
        )
    converted = quantize(amount * row.rate, CENT)
    if not within_bound(converted):
        raise ValidationFailed(
            f"{amount} {currency} is more than {MONEY_MAX} {quote} at the rate of "
            f"{row.effective_date.isoformat()}",
            field=field,
        )
    return Converted(converted, quote, row.rate, row.effective_date)
