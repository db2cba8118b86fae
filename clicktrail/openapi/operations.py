"""What each API operation answers: one declarative line per operation.

A line names the success body and the error codes the operation itself can answer. The
builder (``clicktrail/openapi/document.py``) adds what every operation can answer
(``APP_WIDE``), renders each error in the dialect of the operation's path, and turns 400
and 404 into Scaleo's 422. An operation added to the API without a line here fails
``tests/test_openapi.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from clicktrail.access import schemas as ax
from clicktrail.audit.schemas import AuditOperationList
from clicktrail.click.schemas import TrackingLinkOut
from clicktrail.conversion.schemas import OfferPostbackOut
from clicktrail.coupon import schemas as cc
from clicktrail.openapi import affonso as af
from clicktrail.openapi import everflow_caps as ecap
from clicktrail.openapi import everflow_custom as ec
from clicktrail.openapi import everflow_entities as ee
from clicktrail.openapi import everflow_reports as er
from clicktrail.openapi.ops import Health, Ready
from clicktrail.openapi.scaleo import ScaleoConversion
from clicktrail.traffic import schemas as tr
from clicktrail.webhook import schemas as wh

#: Answered by any operation: the body limit, the rate limits, an unexpected error.
APP_WIDE: tuple[int, ...] = (413, 429, 500)
#: A keyed operation: no or an unknown key (401), a key of the other realm (403).
KEYED: tuple[int, ...] = (401, 403)
INVALID, MISSING, CONFLICT, UNSUPPORTED = 400, 404, 409, 415

CSV = ("text/csv",)
CSV_OR_NDJSON = ("text/csv", "application/x-ndjson")


@dataclass(frozen=True)
class Operation:
    """Success bodies by status code (a model, or media types of a file), error codes, and
    the media types of a raw request body the endpoint reads itself (FastAPI cannot see it)."""

    success: dict[int, type[BaseModel]]
    errors: tuple[int, ...]
    files: tuple[str, ...] = ()
    accepts: tuple[str, ...] = ()


def ok(model: type[BaseModel], *errors: int) -> Operation:
    """200 with ``model``."""
    return Operation({200: model}, errors)


def created(model: type[BaseModel], *errors: int, replayable: bool = False) -> Operation:
    """201 with ``model``; also 200 with it when a replay answers the stored result."""
    return Operation({201: model, 200: model} if replayable else {201: model}, errors)


def file(media_types: tuple[str, ...], *errors: int) -> Operation:
    """200 with a streamed file in one of ``media_types``."""
    return Operation({}, errors, files=media_types)


OPERATIONS: dict[str, Operation] = {
    # operations
    "GET /healthz": ok(Health),
    "GET /readyz": Operation({200: Ready, 503: Ready}, ()),
    # metadata (public)
    "GET /v1/meta/timezones": ok(ee.TimezoneList),
    "GET /v1/meta/currencies": ok(ee.CurrencyList),
    "GET /v1/meta/countries": ok(ee.CountryList),
    # network
    "GET /v1/networks": ok(ee.NetworkOut, *KEYED),
    "GET /v1/networks/info": ok(ee.NetworkOut, *KEYED),
    "PUT /v1/networks": ok(ee.NetworkOut, *KEYED, INVALID),
    "PUT /v1/networks/info": ok(ee.NetworkOut, *KEYED, INVALID),
    # advertisers, affiliates, offers
    "POST /v1/networks/advertisers": ok(ee.AdvertiserOut, *KEYED, INVALID),
    "GET /v1/networks/advertisers": ok(ee.AdvertiserList, *KEYED, INVALID),
    "GET /v1/networks/advertisers/{advertiser_id}": ok(ee.AdvertiserOut, *KEYED, INVALID, MISSING),
    "PUT /v1/networks/advertisers/{advertiser_id}": ok(ee.AdvertiserOut, *KEYED, INVALID, MISSING),
    "POST /v1/networks/affiliates": ok(ee.AffiliateOut, *KEYED, INVALID),
    "GET /v1/networks/affiliates": ok(ee.AffiliateList, *KEYED, INVALID),
    "GET /v1/networks/affiliates/{affiliate_id}": ok(ee.AffiliateOut, *KEYED, INVALID, MISSING),
    "PUT /v1/networks/affiliates/{affiliate_id}": ok(ee.AffiliateOut, *KEYED, INVALID, MISSING),
    "POST /v1/networks/offers": ok(ee.OfferOut, *KEYED, INVALID, MISSING),
    "GET /v1/networks/offers": ok(ee.OfferList, *KEYED, INVALID),
    "GET /v1/networks/offers/{offer_id}": ok(ee.OfferOut, *KEYED, INVALID, MISSING),
    "PUT /v1/networks/offers/{offer_id}": ok(ee.OfferOut, *KEYED, INVALID, MISSING),
    # custom payout/revenue settings
    "GET /v1/networks/custom/payoutrevenue": ok(ec.CustomPayoutRevenueList, *KEYED, INVALID),
    "POST /v1/networks/custom/payoutrevenue": ok(ec.CustomPayoutRevenueOut, *KEYED, INVALID),
    "GET /v1/networks/custom/payoutrevenue/{setting_id}": ok(
        ec.CustomPayoutRevenueOut, *KEYED, INVALID, MISSING
    ),
    "PUT /v1/networks/custom/payoutrevenue/{setting_id}": ok(
        ec.CustomPayoutRevenueOut, *KEYED, INVALID, MISSING
    ),
    "DELETE /v1/networks/custom/payoutrevenue/{setting_id}": ok(
        ee.Result, *KEYED, INVALID, MISSING
    ),
    # caps
    "GET /v1/networks/custom/caps": ok(ecap.CustomCapList, *KEYED, INVALID),
    "POST /v1/networks/custom/caps": ok(ecap.CustomCapOut, *KEYED, INVALID),
    "PATCH /v1/networks/custom/caps": ok(ee.Result, *KEYED, INVALID),
    "GET /v1/networks/custom/caps/{setting_id}": ok(ecap.CustomCapOut, *KEYED, INVALID, MISSING),
    "PUT /v1/networks/custom/caps/{setting_id}": ok(ecap.CustomCapOut, *KEYED, INVALID, MISSING),
    "DELETE /v1/networks/custom/caps/{setting_id}": ok(ee.Result, *KEYED, INVALID, MISSING),
    "POST /v1/networks/reporting/caps/offer": ok(ecap.CapReportOut, *KEYED, INVALID),
    # conversions
    "POST /v1/networks/conversions/reporting": ok(ee.Result, *KEYED, INVALID, MISSING, CONFLICT),
    "POST /v1/networks/conversions/reporting/transaction_ids": ok(
        ee.Result, *KEYED, INVALID, MISSING, CONFLICT
    ),
    "PATCH /v1/networks/reporting/conversions": ok(ee.Result, *KEYED, INVALID, MISSING),
    "PUT /v1/networks/reporting/conversions/{conversion_id}/payoutrevenue": ok(
        ee.Result, *KEYED, INVALID, MISSING
    ),
    "PUT /v1/networks/reporting/conversions/{conversion_id}/saleamount": ok(
        ee.Result, *KEYED, INVALID, MISSING
    ),
    "POST /v1/networks/reporting/conversions": ok(er.NetworkConversionList, *KEYED, INVALID),
    # audit log
    "POST /v1/networks/auditoperations": ok(AuditOperationList, *KEYED, INVALID),
    "GET /v1/networks/reporting/conversions/{conversion_id}": ok(
        er.NetworkConversionDetail, *KEYED, MISSING
    ),
    "POST /v1/affiliates/reporting/conversions": ok(er.AffiliateConversionList, *KEYED, INVALID),
    "POST /api/v2/network/tracking/conv-click-id": ok(
        ScaleoConversion, *KEYED, INVALID, MISSING, CONFLICT, UNSUPPORTED
    ),
    # conversion webhooks
    "POST /v1/networks/webhooks": ok(wh.WebhookWithSecret, *KEYED, INVALID),
    "GET /v1/networks/webhooks": ok(wh.WebhookList, *KEYED, INVALID),
    "GET /v1/networks/webhooks/{webhook_id}": ok(wh.WebhookOut, *KEYED, INVALID, MISSING),
    "PUT /v1/networks/webhooks/{webhook_id}": ok(wh.WebhookOut, *KEYED, INVALID, MISSING),
    "GET /v1/networks/webhooks/{webhook_id}/deliveries": ok(
        wh.WebhookDeliveryList, *KEYED, INVALID, MISSING
    ),
    "POST /v1/networks/webhooks/{webhook_id}/secret": ok(
        wh.WebhookWithSecret, *KEYED, INVALID, MISSING
    ),
    "DELETE /v1/networks/webhooks/{webhook_id}": ok(ee.Result, *KEYED, INVALID, MISSING),
    # coupon codes
    "POST /v1/networks/couponcodes": ok(cc.CouponCodeOut, *KEYED, INVALID),
    "POST /v1/networks/couponcodes/bulk": ok(cc.CouponCodeBulkOut, *KEYED, INVALID),
    "GET /v1/networks/couponcodes": ok(cc.CouponCodeList, *KEYED, INVALID),
    "GET /v1/networks/couponcodes/{coupon_code_id}": ok(cc.CouponCodeOut, *KEYED, INVALID, MISSING),
    "PUT /v1/networks/couponcodes/{coupon_code_id}": ok(cc.CouponCodeOut, *KEYED, INVALID, MISSING),
    "DELETE /v1/networks/couponcodes/{coupon_code_id}": ok(ee.Result, *KEYED, INVALID, MISSING),
    "GET /v1/affiliates/couponcodes": ok(cc.AffiliateCouponCodeList, *KEYED),
    # traffic controls and conversion throttles
    "POST /v1/networks/trafficcontrols": ok(tr.TrafficControlOut, *KEYED, INVALID),
    "GET /v1/networks/trafficcontrols": ok(tr.TrafficControlList, *KEYED, INVALID),
    "GET /v1/networks/trafficcontrols/{control_id}": ok(
        tr.TrafficControlOut, *KEYED, INVALID, MISSING
    ),
    "PUT /v1/networks/trafficcontrols/{control_id}": ok(
        tr.TrafficControlOut, *KEYED, INVALID, MISSING
    ),
    "DELETE /v1/networks/trafficcontrols/{control_id}": ok(ee.Result, *KEYED, INVALID, MISSING),
    "POST /v1/networks/conversionthrottles": ok(
        tr.ConversionThrottleOut, *KEYED, INVALID, CONFLICT
    ),
    "GET /v1/networks/conversionthrottles": ok(tr.ConversionThrottleList, *KEYED, INVALID),
    "GET /v1/networks/conversionthrottles/{throttle_id}": ok(
        tr.ConversionThrottleOut, *KEYED, INVALID, MISSING
    ),
    "PUT /v1/networks/conversionthrottles/{throttle_id}": ok(
        tr.ConversionThrottleOut, *KEYED, INVALID, MISSING, CONFLICT
    ),
    "DELETE /v1/networks/conversionthrottles/{throttle_id}": ok(
        ee.Result, *KEYED, INVALID, MISSING
    ),
    # pixels (affiliate postbacks)
    "GET /v1/networks/pixels": ok(ee.PixelList, *KEYED, INVALID),
    "POST /v1/networks/pixels": ok(ee.PixelOut, *KEYED, INVALID, MISSING),
    "GET /v1/networks/pixels/{pixel_id}": ok(ee.PixelOut, *KEYED, INVALID, MISSING),
    "PUT /v1/networks/pixels/{pixel_id}": ok(ee.PixelOut, *KEYED, INVALID, MISSING),
    "DELETE /v1/networks/pixels/{pixel_id}": ok(ee.Result, *KEYED, INVALID, MISSING),
    "POST /v1/networks/pixels/resend": ok(ee.ResendMany, *KEYED, INVALID),
    "POST /v1/networks/pixels/{pixel_id}/postbacks/{conversion_id}/resend": ok(
        ee.ResendOne, *KEYED, INVALID, MISSING, CONFLICT
    ),
    "GET /v1/affiliates/pixels": ok(ee.PixelList, *KEYED, INVALID),
    "POST /v1/affiliates/pixels": ok(ee.PixelOut, *KEYED, INVALID, MISSING),
    "GET /v1/affiliates/pixels/{pixel_id}": ok(ee.PixelOut, *KEYED, INVALID, MISSING),
    "PUT /v1/affiliates/pixels/{pixel_id}": ok(ee.PixelOut, *KEYED, INVALID, MISSING),
    "DELETE /v1/affiliates/pixels/{pixel_id}": ok(ee.Result, *KEYED, INVALID, MISSING),
    "POST /v1/affiliates/pixels/resend": ok(ee.ResendMany, *KEYED, INVALID),
    "POST /v1/affiliates/pixels/{pixel_id}/postbacks/{conversion_id}/resend": ok(
        ee.ResendOne, *KEYED, INVALID, MISSING, CONFLICT
    ),
    "POST /v1/networks/reporting/affiliate/pixels": ok(er.PixelReport, *KEYED, INVALID),
    "POST /v1/networks/reporting/affiliate/pixels/export": file(CSV_OR_NDJSON, *KEYED, INVALID),
    # offer visibility and applications (ADR 0095)
    "GET /v1/networks/offers/{offer_id}/visibility": ok(ax.OfferVisibilityOut, *KEYED, MISSING),
    "PUT /v1/networks/offers/{offer_id}/visibility": ok(
        ax.OfferVisibilityOut, *KEYED, INVALID, MISSING
    ),
    "PATCH /v1/networks/affiliates/{affiliate_id}/offers/visibility": ok(
        ax.ResultOut, *KEYED, INVALID, MISSING
    ),
    "GET /v1/networks/applications": ok(ax.ApplicationList, *KEYED, INVALID),
    "POST /v1/networks/applicationstable": ok(ax.ApplicationList, *KEYED, INVALID),
    "PATCH /v1/networks/applications": ok(ax.ResultOut, *KEYED, INVALID),
    "POST /v1/affiliates/applications": ok(ax.ApplyOut, *KEYED, INVALID),
    "GET /v1/affiliates/alloffers": ok(ax.AffiliateOfferList, *KEYED, INVALID),
    "GET /v1/affiliates/offersrunnable": ok(ax.AffiliateOfferList, *KEYED, INVALID),
    "GET /v1/affiliates/offers/{offer_id}": ok(ax.AffiliateOfferOut, *KEYED, INVALID, MISSING),
    "GET /v1/affiliates/offers/{offer_id}/url/{url_id}": ok(
        ax.TrackingUrlOut, *KEYED, INVALID, MISSING
    ),
    # clicks
    "POST /v1/networks/tracking/offers/clicks": ok(TrackingLinkOut, *KEYED, INVALID, MISSING),
    "GET /v1/networks/tracking/offers/{offer_id}/conversion": ok(
        OfferPostbackOut, *KEYED, INVALID, MISSING
    ),
    "POST /v1/affiliates/reporting/clicks/stream": ok(er.AffiliateClickStream, *KEYED, INVALID),
    "GET /v1/affiliates/reporting/clicks/{transaction_id}": ok(er.AffiliateClick, *KEYED, MISSING),
    "POST /v1/networks/reporting/clicks/stream": ok(er.NetworkClickStream, *KEYED, INVALID),
    "GET /v1/networks/reporting/clicks/{transaction_id}": ok(er.NetworkClick, *KEYED, MISSING),
    # aggregated reports
    "POST /v1/networks/reporting/entity/table": ok(er.NetworkReportTable, *KEYED, INVALID),
    "POST /v1/networks/reporting/entity/summary": ok(er.NetworkMetrics, *KEYED, INVALID),
    "POST /v1/networks/reporting/entity/table/export": file(CSV, *KEYED, INVALID),
    "POST /v1/affiliates/reporting/entity/table": ok(er.AffiliateReportTable, *KEYED, INVALID),
    "POST /v1/affiliates/reporting/entity/summary": ok(er.AffiliateMetrics, *KEYED, INVALID),
    "POST /v1/affiliates/reporting/entity/table/export": file(CSV, *KEYED, INVALID),
    # Affonso: referrals and conversions
    "POST /v1/clicks": created(af.Envelope[af.Click], *KEYED, INVALID, MISSING),
    "POST /v1/signups": created(
        af.Envelope[af.Referral], *KEYED, INVALID, MISSING, CONFLICT, replayable=True
    ),
    "GET /v1/referrals": ok(af.Page[list[af.Referral]], *KEYED, INVALID),
    "GET /v1/referrals/{referral_id}": ok(af.Envelope[af.Referral], *KEYED, MISSING),
    "PUT /v1/referrals/{referral_id}": ok(
        af.Envelope[af.Referral], *KEYED, INVALID, MISSING, CONFLICT
    ),
    "POST /v1/conversions": created(
        af.Envelope[af.Conversion], *KEYED, INVALID, MISSING, CONFLICT, replayable=True
    ),
    "GET /v1/conversions/{conversion_id}": ok(af.Envelope[af.Conversion], *KEYED, MISSING),
    "POST /v1/conversions/{conversion_id}/refund": ok(
        af.Envelope[af.Conversion], *KEYED, INVALID, MISSING, CONFLICT
    ),
    # Affonso: program administration
    "GET /v1/incentives": ok(af.Envelope[list[af.Incentive]], *KEYED, INVALID, MISSING),
    "POST /v1/incentives": created(af.Envelope[af.Incentive], *KEYED, INVALID, MISSING),
    "GET /v1/incentives/{incentive_id}": ok(af.Envelope[af.Incentive], *KEYED, MISSING),
    "PUT /v1/incentives/{incentive_id}": ok(af.Envelope[af.Incentive], *KEYED, INVALID, MISSING),
    "DELETE /v1/incentives/{incentive_id}": ok(af.Deleted, *KEYED, MISSING, CONFLICT),
    "GET /v1/program/groups": ok(af.Envelope[list[af.Group]], *KEYED),
    "POST /v1/program/groups": created(af.Envelope[af.Group], *KEYED, INVALID, CONFLICT),
    "GET /v1/program/groups/{group_id}": ok(af.Envelope[af.Group], *KEYED, MISSING),
    "PATCH /v1/program/groups/{group_id}": ok(
        af.Envelope[af.Group], *KEYED, INVALID, MISSING, CONFLICT
    ),
    "DELETE /v1/program/groups/{group_id}": ok(af.Deleted, *KEYED, MISSING, CONFLICT),
    "GET /v1/affiliate-codes": ok(af.Envelope[list[af.AffiliateCode]], *KEYED),
    "GET /v1/affiliate-codes/{affiliate_id}": ok(af.Envelope[af.AffiliateCode], *KEYED, MISSING),
    "PUT /v1/affiliate-codes/{affiliate_id}": ok(
        af.Envelope[af.AffiliateCode], *KEYED, INVALID, MISSING, CONFLICT
    ),
    "GET /v1/exchange-rates": ok(af.Envelope[list[af.ExchangeRate]], *KEYED, INVALID),
    "POST /v1/exchange-rates": ok(af.Envelope[af.ExchangeRate], *KEYED, INVALID),
    "POST /v1/exchange-rates/import": Operation(
        {200: af.Imported[list[af.ExchangeRate]]}, (*KEYED, INVALID), accepts=CSV
    ),
}
