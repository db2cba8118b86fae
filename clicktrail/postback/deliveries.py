"""The console's postback delivery log: failures first, one delivery's attempts, resend.

The filters arrive as text (a web form's query string) and are read here, so a bad value is
a :class:`ValidationFailed` naming its field. Days are the network's (``zone``). Resending
goes through :mod:`clicktrail.postback.resend`, the service the API's resend endpoint uses.
Services never commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.timeutil import check_day, to_utc
from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Affiliate, Offer, Pixel, PostbackAttempt, PostbackDelivery
from clicktrail.postback import repository, resend
from clicktrail.postback.repository import DeliveryLogScope

PAGE_SIZE = 50
MAX_PAGE = 10_000
#: The longest window a list may span, in days.
MAX_DAYS = 366
DEFAULT_DAYS = 7
#: Attempts shown on a delivery's page (the latest ones).
MAX_ATTEMPTS = 100

#: The status filter's values and their labels; "" is every delivery.
STATUSES: dict[str, str] = {
    "": "All",
    "failure": "Failing (not delivered, an attempt failed)",
    "failed": "Gave up",
    "pending": "Pending",
    "paused": "Paused",
    "succeeded": "Delivered",
    "canceled": "Canceled",
    "skipped": "Skipped",
}


@dataclass(frozen=True, slots=True)
class LogFilters:
    """What the list shows: network-local days ``start_day``..``end_day`` (inclusive)."""

    start_day: date
    end_day: date
    status: str = ""
    affiliate_id: int | None = None
    offer_id: int | None = None
    page: int = 1

    def scope(self, zone: ZoneInfo) -> DeliveryLogScope:
        start = to_utc(
            datetime(self.start_day.year, self.start_day.month, self.start_day.day), zone
        )
        after = self.end_day + timedelta(days=1)
        end = to_utc(datetime(after.year, after.month, after.day), zone)
        return DeliveryLogScope(start, end, self.status, self.affiliate_id, self.offer_id)

    def query(self, **changes: Any) -> dict[str, str]:
        """These filters as query parameters (for links), with ``changes`` applied."""
        values: dict[str, Any] = {
            "from": self.start_day.isoformat(),
            "to": self.end_day.isoformat(),
            "status": self.status,
            "affiliate_id": self.affiliate_id,
            "offer_id": self.offer_id,
            "page": self.page,
        }
        values.update(changes)
        if values["page"] == 1:
            del values["page"]
        return {k: str(v) for k, v in values.items() if v is not None and v != ""}


def _day(text: str, name: str) -> date:
    try:
        if not text.isascii():
            raise ValueError
        return check_day(date.fromisoformat(text))
    except ValueError as exc:
        raise ValidationFailed(
            f"{name} must be a date (YYYY-MM-DD) between 1970 and 2099", field=name
        ) from exc


def _id(text: str, name: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not 1 <= int(text) <= MAX_INT32:
        raise ValidationFailed(f"{name} must be a positive whole number", field=name)
    return int(text)


def parse_filters(params: Mapping[str, str], today: date) -> LogFilters:
    """The list's filters from query parameters; ``today`` is the network's day."""
    end_day = _day(params["to"].strip(), "to") if params.get("to", "").strip() else today
    start_text = params.get("from", "").strip()
    start_day = _day(start_text, "from") if start_text else end_day - timedelta(DEFAULT_DAYS - 1)
    if end_day < start_day:
        raise ValidationFailed("to must not be before from", field="to")
    if (end_day - start_day).days >= MAX_DAYS:
        raise ValidationFailed(f"the range may span at most {MAX_DAYS} days", field="from")
    status = params.get("status", "").strip()
    if status not in STATUSES:
        raise ValidationFailed("status must be one of the listed statuses", field="status")
    page_text = params.get("page", "").strip() or "1"
    if not (page_text.isascii() and page_text.isdigit()) or not 1 <= int(page_text) <= MAX_PAGE:
        raise ValidationFailed(f"page must be a whole number from 1 to {MAX_PAGE}", field="page")
    return LogFilters(
        start_day,
        end_day,
        status,
        _id(params.get("affiliate_id", ""), "affiliate_id"),
        _id(params.get("offer_id", ""), "offer_id"),
        int(page_text),
    )


@dataclass
class LogRow:
    delivery: PostbackDelivery
    offer_name: str
    affiliate_name: str


@dataclass
class DeliveryLog:
    filters: LogFilters
    rows: list[LogRow]
    #: Deliveries matching every filter (the pages' total).
    total: int
    #: Per state (and ``failure``) in the window and owners, whatever the status filter.
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    def count_of(self, status: str) -> int:
        """Deliveries in the window and owners with this status filter ("" for all)."""
        if status:
            return self.counts.get(status, 0)
        return sum(n for state, n in self.counts.items() if state != "failure")


async def _names(
    session: AsyncSession, offer_ids: set[int], affiliate_ids: set[int]
) -> tuple[dict[int, Offer], dict[int, Affiliate]]:
    offers = await repository.offers_by_ids(session, offer_ids)
    affiliates = await repository.affiliates_by_ids(session, affiliate_ids)
    return offers, affiliates


async def delivery_log(session: AsyncSession, filters: LogFilters, zone: ZoneInfo) -> DeliveryLog:
    scope = filters.scope(zone)
    counts = await repository.delivery_log_counts(session, scope)
    deliveries = await repository.delivery_log_page(
        session, scope, offset=(filters.page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    offers, affiliates = await _names(
        session,
        {d.network_offer_id for d in deliveries},
        {d.network_affiliate_id for d in deliveries},
    )
    rows = [
        LogRow(
            d,
            offers[d.network_offer_id].name if d.network_offer_id in offers else "",
            affiliates[d.network_affiliate_id].name if d.network_affiliate_id in affiliates else "",
        )
        for d in deliveries
    ]
    log = DeliveryLog(filters, rows, 0, counts)
    log.total = log.count_of(filters.status)
    return log


@dataclass
class DeliveryDetail:
    delivery: PostbackDelivery
    pixel: Pixel | None  # None once the pixel is deleted
    offer: Offer | None
    affiliate: Affiliate | None
    attempts: Sequence[PostbackAttempt]

    @property
    def can_resend(self) -> bool:
        """What :func:`resend.resend_one` accepts: a failed delivery of an approved
        conversion whose pixel still exists."""
        d = self.delivery
        return d.state == "failed" and d.conversion_status == "approved" and self.pixel is not None


async def delivery_detail(session: AsyncSession, delivery_id: int) -> DeliveryDetail:
    delivery = await repository.delivery_by_id(session, delivery_id)
    if delivery is None:
        raise NotFound(f"postback delivery {delivery_id} does not exist", field="id")
    pixel_id = delivery.network_pixel_id
    return DeliveryDetail(
        delivery,
        None if pixel_id is None else await repository.pixel_by_id(session, pixel_id),
        await repository.offer_by_id(session, delivery.network_offer_id),
        await repository.affiliate_by_id(session, delivery.network_affiliate_id),
        await repository.delivery_attempts(session, delivery.id, limit=MAX_ATTEMPTS),
    )


async def resend_delivery(session: AsyncSession, delivery_id: int) -> dict[str, Any]:
    """Queue a failed delivery again (network realm): the API's resend rules and result."""
    delivery = await repository.delivery_by_id(session, delivery_id)
    if delivery is None:
        raise NotFound(f"postback delivery {delivery_id} does not exist", field="id")
    if delivery.network_pixel_id is None:
        raise ValidationFailed("a webhook delivery is not resent from here", field="id")
    return await resend.resend_one(
        session, delivery.network_pixel_id, delivery.conversion_id, affiliate_id=None
    )
