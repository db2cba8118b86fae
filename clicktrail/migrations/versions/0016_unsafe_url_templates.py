"""url templates: flag the rows whose macros could choose a URL's host

Revision ID: 0016
Revises: 0017
Create Date: 2026-12-02

From now on a URL template with a macro in its scheme, host, port or user part is refused
on save (``kit.urltemplate``, ADR 0066). Rows saved before are flagged here, so that nothing
sends a visitor or a postback where a macro says:

* an offer whose ``destination_url`` has one: ``paused`` when it was active, with a note
  at the top of ``internal_notes`` saying so (fix the URL, then set the offer active);
* a postback pixel whose ``postback_url`` has one: ``inactive`` with ``disabled_reason``
  saying why (as auto-disable does), and its pending postbacks ``paused``: they are
  rendered again when the URL is fixed and sent when the pixel is active again;
* the network's ``fallback_url`` with one: cleared (visitors of unknown links get the plain
  404 page); the old value is written to the migration's log.

Downgrading changes no data: the flags are what an operator would set by hand, and they are
undone the same way, by fixing the URL and setting the status again.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from clicktrail.kit import urltemplate
from clicktrail.kit.timeutil import utcnow
from clicktrail.models.base import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0017"
branch_labels: str | None = None
depends_on: str | None = None

log = logging.getLogger("alembic.runtime.migration")

REASON = "has a macro in its scheme, host or port, so a visitor could choose where it goes"
OFFER_NOTE = (
    "[migration 0016] Paused (it was active): destination_url {reason}. "
    "Fix the URL, then set the offer active again."
)
PIXEL_REASON = "[migration 0016] postback_url {reason}. Fix the URL, then set the pixel active."
DELIVERY_NOTE = "Paused: the pixel's postback_url has a macro in its host (migration 0016)"
MAX_NOTES = 65536

offer = sa.table(
    "offer",
    sa.column("network_offer_id", sa.Integer()),
    sa.column("offer_status", sa.String()),
    sa.column("destination_url", sa.Text()),
    sa.column("internal_notes", sa.Text()),
    sa.column("time_saved", UTCDateTime(timezone=True)),
)
pixel = sa.table(
    "pixel",
    sa.column("network_pixel_id", sa.Integer()),
    sa.column("delivery_method", sa.String()),
    sa.column("pixel_status", sa.String()),
    sa.column("postback_url", sa.Text()),
    sa.column("is_deleted", sa.Boolean()),
    sa.column("disabled_reason", sa.Text()),
    sa.column("disabled_at", UTCDateTime(timezone=True)),
    sa.column("time_saved", UTCDateTime(timezone=True)),
)
delivery = sa.table(
    "postback_delivery",
    sa.column("network_pixel_id", sa.Integer()),
    sa.column("state", sa.String()),
    sa.column("debug_information", sa.Text()),
    sa.column("updated_at", UTCDateTime(timezone=True)),
)
network = sa.table(
    "network",
    sa.column("network_id", sa.Integer()),
    sa.column("fallback_url", sa.String()),
    sa.column("time_saved", UTCDateTime(timezone=True)),
)


def _unsafe(url: str | None) -> bool:
    return bool(url) and urltemplate.problem(str(url)) == urltemplate.MACRO_IN_ORIGIN


def _flag_offers(conn: sa.Connection) -> None:
    now = utcnow()
    rows = conn.execute(
        sa.select(offer.c.network_offer_id, offer.c.destination_url, offer.c.internal_notes)
        .where(offer.c.offer_status == "active")
        .order_by(offer.c.network_offer_id)
    )
    for offer_id, url, notes in list(rows):
        if not _unsafe(url):
            continue
        note = OFFER_NOTE.format(reason=REASON)
        notes = str(notes or "")
        if len(note) + 2 + len(notes) <= MAX_NOTES:
            notes = f"{note}\n\n{notes}" if notes else note
        conn.execute(
            sa.update(offer)
            .where(offer.c.network_offer_id == offer_id)
            .values(offer_status="paused", internal_notes=notes, time_saved=now)
        )
        log.warning("offer %s paused: destination_url %s: %s", offer_id, REASON, url)


def _flag_pixels(conn: sa.Connection) -> None:
    now = utcnow()
    rows = conn.execute(
        sa.select(pixel.c.network_pixel_id, pixel.c.postback_url)
        .where(pixel.c.delivery_method == "postback", sa.not_(pixel.c.is_deleted))
        .order_by(pixel.c.network_pixel_id)
    )
    for pixel_id, url in list(rows):
        if not _unsafe(url):
            continue
        conn.execute(
            sa.update(pixel)
            .where(pixel.c.network_pixel_id == pixel_id)
            .values(
                pixel_status="inactive",
                disabled_reason=PIXEL_REASON.format(reason=REASON),
                disabled_at=now,
                time_saved=now,
            )
        )
        conn.execute(
            sa.update(delivery)
            .where(delivery.c.network_pixel_id == pixel_id, delivery.c.state == "pending")
            .values(state="paused", debug_information=DELIVERY_NOTE, updated_at=now)
        )
        log.warning("pixel %s made inactive: postback_url %s: %s", pixel_id, REASON, url)


def _clear_fallback(conn: sa.Connection) -> None:
    rows = conn.execute(sa.select(network.c.network_id, network.c.fallback_url))
    for network_id, url in list(rows):
        if not _unsafe(url):
            continue
        conn.execute(
            sa.update(network)
            .where(network.c.network_id == network_id)
            .values(fallback_url=None, time_saved=utcnow())
        )
        log.warning("network %s fallback_url cleared: it %s: %s", network_id, REASON, url)


def upgrade() -> None:
    conn = op.get_bind()
    _flag_offers(conn)
    _flag_pixels(conn)
    _clear_fallback(conn)


def downgrade() -> None:
    """Nothing to undo: see the module's docstring."""
