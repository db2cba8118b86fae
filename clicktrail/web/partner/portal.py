"""The partner portal under ``/partner/``: one affiliate's own offers, reports,
conversions, postbacks, API key and stats, payout side only, for users of role
``affiliate`` (guard ``PartnerUser``). Every page calls the services the Everflow
Affiliate API calls, with the user's affiliate, so the affiliate realm's rules apply."""

from __future__ import annotations

from fastapi import APIRouter

from clicktrail.web.partner import apikey, coupons, dashboard, offers, postbacks, reports

router = APIRouter()
for _module in (dashboard, offers, reports, postbacks, coupons, apikey):
    router.include_router(_module.router)
