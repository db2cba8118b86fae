"""Seed 002: the affiliate postback report (one row per delivery) and its export.

The table endpoint returns at most 1000 rows; the export streams every row in keyset pages
of ``PAGE`` (each page its own short read transaction), so memory stays constant whatever
the volume. Rows come in (timestamp, delivery id) order.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.db import Database
from clicktrail.errors import ValidationFailed
from clicktrail.kit import csvcell
from clicktrail.kit.timeutil import parse_local_date_or_datetime, unix
from clicktrail.kit.wire import MAX_INT32
from clicktrail.meta.timezones import zone_for
from clicktrail.models import Affiliate, Offer
from clicktrail.postback import repository
from clicktrail.postback.repository import ReportScope
from clicktrail.postback.schemas import PixelExportIn, PixelReportIn, ReportFilter
from clicktrail.postback.service import affiliate_relationship, offer_relationship

TABLE_LIMIT = 1000
PAGE = 1000
RESOURCE_TYPES = ("offer", "affiliate", "delivery_status")
DELIVERY_STATUSES = ("success", "failure")
FORMATS = ("csv", "json")

CSV_COLUMNS = (
    "network_id",
    "network_offer_id",
    "network_offer_payout_revenue_id",
    "affiliate_id",
    "pixel_id",
    "conversion_id",
    "transaction_id",
    "timestamp",
    "delivery_method",
    "pixel_level",
    "pixel_status",
    "pixel_type",
    "payload",
    "is_success",
    "debug_information",
    "last_attempt",
    "failed_attempts",
    "offer_name",
    "affiliate_name",
)


def _bound(text: str, field: str, body: PixelReportIn, *, end: bool) -> Any:
    try:
        zone = zone_for(body.timezone_id)
    except KeyError as exc:
        raise ValidationFailed(
            f"unknown timezone_id {body.timezone_id}", field="timezone_id"
        ) from exc
    try:
        moment = parse_local_date_or_datetime(text.strip(), zone, end=end)
    except ValueError as exc:
        raise ValidationFailed(
            f"{field} must be YYYY-mm-DD or YYYY-mm-DD HH:MM:SS", field=field
        ) from exc
    if end and len(text.strip()) == len("2024-01-01 00:00:00"):
        # The [from, to] interval includes the "to" second.
        moment += timedelta(seconds=1)
    return moment


def _resources(
    items: list[ReportFilter], field: str
) -> tuple[frozenset[int], frozenset[int], frozenset[str]]:
    """(offer ids, affiliate ids, delivery statuses) named by ``query.filters`` or
    ``query.exclusions``; 400 naming the item for anything else."""
    offers: set[int] = set()
    affiliates: set[int] = set()
    statuses: set[str] = set()
    for index, item in enumerate(items):
        kind = item.resource_type.strip().lower()
        value = item.filter_id_value.strip()
        where = f"{field}.{index}"
        if kind not in RESOURCE_TYPES:
            raise ValidationFailed(
                f"{where}.resource_type must be one of {', '.join(RESOURCE_TYPES)}",
                field=f"{where}.resource_type",
            )
        if kind == "delivery_status":
            if value.lower() not in DELIVERY_STATUSES:
                raise ValidationFailed(
                    f"{where}.filter_id_value must be success or failure for delivery_status",
                    field=f"{where}.filter_id_value",
                )
            statuses.add(value.lower())
            continue
        if not (value.isascii() and value.isdigit()) or len(value) > 10:
            raise ValidationFailed(
                f"{where}.filter_id_value must be an integer {kind} id",
                field=f"{where}.filter_id_value",
            )
        number = int(value)
        if number > MAX_INT32:
            raise ValidationFailed(
                f"{where}.filter_id_value is out of range", field=f"{where}.filter_id_value"
            )
        (offers if kind == "offer" else affiliates).add(number)
    return frozenset(offers), frozenset(affiliates), frozenset(statuses)


def scope_of(body: PixelReportIn) -> ReportScope:
    start = _bound(body.from_, "from", body, end=False)
    end = _bound(body.to, "to", body, end=True)
    if end <= start:
        raise ValidationFailed("to must not be before from", field="to")
    offers, affiliates, statuses = _resources(body.query.filters, "query.filters")
    no_offers, no_affiliates, no_statuses = _resources(body.query.exclusions, "query.exclusions")
    return ReportScope(
        start,
        end,
        offers,
        affiliates,
        statuses,
        excluded_offer_ids=no_offers,
        excluded_affiliate_ids=no_affiliates,
        excluded_statuses=no_statuses,
    )


def check_format(body: PixelExportIn) -> str:
    fmt = body.format.strip().lower()
    if fmt not in FORMATS:
        raise ValidationFailed("format must be csv or json", field="format")
    return fmt


class Relations:
    """Offers and affiliates of the rows, fetched once per id."""

    def __init__(self) -> None:
        self.offers: dict[int, dict[str, Any]] = {}
        self.affiliates: dict[int, dict[str, Any]] = {}

    async def load(self, session: AsyncSession, rows: list[Any]) -> None:
        offer_ids = {r.network_offer_id for r in rows} - self.offers.keys()
        affiliate_ids = {r.network_affiliate_id for r in rows} - self.affiliates.keys()
        for oid, offer in (await repository.offers_by_ids(session, offer_ids)).items():
            self.offers[oid] = offer_relationship(offer)
        for aid, aff in (await repository.affiliates_by_ids(session, affiliate_ids)).items():
            self.affiliates[aid] = affiliate_relationship(aff)
        for oid in offer_ids - self.offers.keys():
            self.offers[oid] = offer_relationship(Offer(network_offer_id=oid, **_GONE_OFFER))
        for aid in affiliate_ids - self.affiliates.keys():
            self.affiliates[aid] = affiliate_relationship(
                Affiliate(network_affiliate_id=aid, **_GONE_AFFILIATE)
            )


_GONE_OFFER: dict[str, Any] = {
    "network_id": 1,
    "network_advertiser_id": 0,
    "network_offer_group_id": 0,
    "name": "",
    "offer_status": "deleted",
    "network_tracking_domain_id": 0,
    "visibility": "",
    "currency_id": "",
}
_GONE_AFFILIATE: dict[str, Any] = {
    "network_id": 1,
    "name": "",
    "account_status": "deleted",
    "network_traffic_source_id": 0,
}


def row_to_wire(row: Any, relations: Relations) -> dict[str, Any]:
    failed = int(row.failed_attempts)
    last = row.last_attempt_at
    return {
        "network_id": row.network_id,
        "network_offer_id": row.network_offer_id,
        # Seed 002: 0 for a base conversion; an event's payout/revenue entry otherwise.
        "network_offer_payout_revenue_id": (
            row.network_offer_payout_revenue_id if row.event_id else 0
        ),
        "affiliate_id": row.network_affiliate_id,
        "pixel_id": row.network_pixel_id,
        "conversion_id": row.conversion_id,
        "transaction_id": row.transaction_id,
        "timestamp": unix(row.created_at),
        "delivery_method": row.delivery_method,
        "pixel_level": row.pixel_level,
        "pixel_status": "deleted" if row.pixel_deleted else row.pixel_status,
        "pixel_type": row.pixel_type,
        "payload": row.payload,
        "is_success": row.state == "succeeded",
        "debug_information": row.debug_information,
        "last_attempt": unix(last) if failed and last is not None else 0,
        "failed_attempts": failed,
        "relationship": {
            "offer": relations.offers[row.network_offer_id],
            "affiliate": relations.affiliates[row.network_affiliate_id],
        },
    }


@dataclass
class Table:
    """The table endpoint's rows; ``truncated`` says more than :data:`TABLE_LIMIT` matched."""

    body: dict[str, Any]
    truncated: bool


async def table(session: AsyncSession, body: PixelReportIn) -> Table:
    scope = scope_of(body)
    rows = await repository.report_page(session, scope, limit=TABLE_LIMIT + 1)
    truncated = len(rows) > TABLE_LIMIT
    rows = rows[:TABLE_LIMIT]
    relations = Relations()
    await relations.load(session, rows)
    return Table({"pixels": [row_to_wire(r, relations) for r in rows]}, truncated)


async def stream_rows(db: Database, scope: ReportScope) -> AsyncIterator[dict[str, Any]]:
    relations = Relations()
    after = None
    while True:
        async with db.read() as session:
            rows = await repository.report_page(session, scope, limit=PAGE, after=after)
            await relations.load(session, rows)
        for row in rows:
            yield row_to_wire(row, relations)
        if len(rows) < PAGE:
            return
        after = (rows[-1].created_at, rows[-1].id)
        if len(relations.offers) + len(relations.affiliates) > 100_000:
            relations = Relations()  # keep memory bounded on pathological cardinality


def _csv_line(values: list[Any]) -> bytes:
    """One CSV line; text cells quoted and neutralised for spreadsheets (``kit.csvcell``)."""
    buffer = io.StringIO()
    csvcell.writer(buffer).writerow(csvcell.cells(values))
    return buffer.getvalue().encode("utf-8")


def _csv_values(row: dict[str, Any]) -> list[Any]:
    rel = row["relationship"]
    values = [row[c] for c in CSV_COLUMNS[:-2]]
    values = ["true" if v is True else "false" if v is False else v for v in values]
    return [*values, rel["offer"]["name"], rel["affiliate"]["name"]]


def encoder(fmt: str) -> tuple[bytes, Callable[[dict[str, Any]], bytes], str]:
    """(header bytes, row encoder, media type) for an export format."""
    if fmt == "csv":
        return _csv_line(list(CSV_COLUMNS)), lambda r: _csv_line(_csv_values(r)), "text/csv"
    return b"", lambda r: orjson.dumps(r) + b"\n", "application/x-ndjson"


async def export_bytes(db: Database, scope: ReportScope, fmt: str) -> AsyncIterator[bytes]:
    header, encode, _media = encoder(fmt)
    if header:
        yield header
    chunk: list[bytes] = []
    async for row in stream_rows(db, scope):
        chunk.append(encode(row))
        if len(chunk) >= 200:
            yield b"".join(chunk)
            chunk = []
    if chunk:
        yield b"".join(chunk)


def export_filename(body: PixelReportIn, fmt: str) -> str:
    span = f"{body.from_}_{body.to}".replace(" ", "T").replace(":", "")
    safe = "".join(ch for ch in span if ch.isalnum() or ch in "-_T")
    return f"affiliate-postbacks-{safe}.{fmt}"
