"""Every API router, in the order they are mounted. A domain adds its router here."""

from __future__ import annotations

from fastapi import APIRouter

from clicktrail.access.affiliate_endpoints import router as affiliate_offers_router
from clicktrail.access.endpoints import router as access_router
from clicktrail.advertiser.endpoints import router as advertiser_router
from clicktrail.affiliate.endpoints import router as affiliate_router
from clicktrail.audit.endpoints import router as audit_router
from clicktrail.caps.endpoints import router as caps_router
from clicktrail.click.endpoints import router as click_router
from clicktrail.compat.scaleo import router as scaleo_router
from clicktrail.conversion.endpoints import router as conversion_router
from clicktrail.coupon.endpoints import router as coupon_router
from clicktrail.meta.endpoints import router as meta_router
from clicktrail.network.endpoints import router as network_router
from clicktrail.offer.custom_endpoints import router as custom_payout_router
from clicktrail.offer.endpoints import router as offer_router
from clicktrail.ops.endpoints import router as ops_router
from clicktrail.postback.endpoints import router as pixel_router
from clicktrail.postback.report_endpoints import router as pixel_report_router
from clicktrail.referral.endpoints import router as referral_router
from clicktrail.report.endpoints import router as report_router
from clicktrail.traffic.endpoints import router as traffic_router
from clicktrail.webhook.endpoints import router as webhook_router

ROUTERS: list[APIRouter] = [ops_router]
ROUTERS += [meta_router, network_router, advertiser_router, affiliate_router, offer_router]
ROUTERS += [custom_payout_router]
ROUTERS += [conversion_router, scaleo_router]
ROUTERS += [pixel_router, pixel_report_router]
ROUTERS += [referral_router]
ROUTERS += [click_router]
ROUTERS += [report_router]
ROUTERS += [audit_router]
ROUTERS += [access_router, affiliate_offers_router, caps_router, traffic_router]
ROUTERS += [webhook_router]
ROUTERS += [coupon_router]
