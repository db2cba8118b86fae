"""Test-fire a pixel: render its postback URL for a made-up conversion and send it once.

The request goes through the delivery worker's own code: the URL is rendered by
:mod:`clicktrail.postback.macros`, refused by :func:`clicktrail.postback.outbox.refused` when
a macro could move it off its origin, and sent by a :class:`PostbackSender` with the
settings' limits, so the address guard refuses a private address exactly as it does for a
real delivery. Nothing is stored: a test is not a delivery and never counts toward the
pixel's failure streak.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.config import Settings
from clicktrail.errors import ValidationFailed
from clicktrail.kit.ids import new_hex_id
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Conversion, Pixel
from clicktrail.postback import macros, outbox, repository
from clicktrail.postback.sender import AttemptResult, PostbackSender, SenderLimits
from clicktrail.postback.service import get_pixel

#: What the made-up conversion carries in sub1, so the receiver can tell a test apart.
TEST_MARK = "clicktrail-test"


async def _sample(session: AsyncSession, pixel: Pixel) -> tuple[Conversion, dict[str, str]]:
    """A conversion that was never made, with the pixel's offer's base payout when known."""
    now = utcnow()
    offer = (
        await repository.offer_by_id(session, pixel.network_offer_id)
        if pixel.network_offer_id
        else None
    )
    entry = offer.default_entry() if offer is not None else None
    conversion = Conversion(
        conversion_id=new_hex_id(),
        transaction_id=new_hex_id(),
        network_id=pixel.network_id,
        network_offer_id=pixel.network_offer_id,
        network_affiliate_id=pixel.network_affiliate_id,
        network_advertiser_id=0,
        event_id=0,
        is_event=False,
        status="approved",
        created_at=now,
        updated_at=now,
        click_at=now,
        payout=entry.payout_amount if entry is not None else Decimal(0),
        sale_amount=Decimal(0),
        currency_id=offer.currency_id if offer is not None else "USD",
        order_id="",
        coupon_code="",
        source_id="",
        sub1=TEST_MARK,
        sub2="",
        sub3="",
        sub4="",
        sub5="",
        adv1="",
        adv2="",
        adv3="",
        adv4="",
        adv5="",
        creative_id=None,
        conversion_user_ip="",
        user_ip="",
        country_code="",
        region_name="",
        city_name="",
        device_type="",
        platform_name="",
        browser_name="",
    )
    extra = {"event_name": "", "offer_name": offer.name if offer is not None else ""}
    return conversion, extra


async def fire_test(
    session: AsyncSession, pixel_id: int, *, affiliate_id: int | None, settings: Settings
) -> AttemptResult:
    """Send one request to the pixel's postback URL and answer what came back (a refused
    or unreachable address is a result too, with its ``error``). ``affiliate_id``: the
    caller's affiliate (another's pixel is NotFound), None for the network."""
    pixel = await get_pixel(session, pixel_id, affiliate_id=affiliate_id)
    if pixel.delivery_method != "postback":
        raise ValidationFailed(
            "an HTML pixel is fired by the browser; only postback pixels can be test-fired",
            field="delivery_method",
        )
    conversion, extra = await _sample(session, pixel)
    url = macros.render(pixel.postback_url, macros.macro_values(conversion, extra))
    if outbox.refused(pixel, pixel.postback_url, url):
        return AttemptResult(url=url, started_at=utcnow(), error=outbox.REFUSED_NOTE, blocked=True)
    sender = PostbackSender(SenderLimits.of(settings))
    try:
        return await sender.send(url)
    finally:
        await sender.close()
