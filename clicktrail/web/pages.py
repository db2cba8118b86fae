"""Every page router of the web app. Each area adds ONE line."""

from __future__ import annotations

from fastapi import APIRouter

from clicktrail.web import signin, static_files
from clicktrail.web.advertiser import home as advertiser_home
from clicktrail.web.console import advertisers as console_advertisers
from clicktrail.web.console import affiliate_page as console_affiliate_page
from clicktrail.web.console import affiliates as console_affiliates
from clicktrail.web.console import audit as console_audit
from clicktrail.web.console import clicks as console_clicks
from clicktrail.web.console import conversions as console_conversions
from clicktrail.web.console import dashboard as console_dashboard
from clicktrail.web.console import keys as console_keys
from clicktrail.web.console import offer_applications as console_offer_applications
from clicktrail.web.console import offer_coupons as console_offer_coupons
from clicktrail.web.console import offers as console_offers
from clicktrail.web.console import postbacks as console_postbacks
from clicktrail.web.console import reports as console_reports
from clicktrail.web.console import settings as console_settings
from clicktrail.web.console import traffic as console_traffic
from clicktrail.web.console import users as console_users
from clicktrail.web.partner import portal as partner_portal

PAGE_ROUTERS: list[APIRouter] = [
    static_files.router,
    signin.router,
    console_offers.router,
    console_offer_applications.router,
    console_offer_coupons.router,
    console_advertisers.router,
    console_affiliates.router,
    console_affiliate_page.router,
    console_dashboard.router,
    console_reports.router,
    console_clicks.router,
    console_conversions.router,
    partner_portal.router,
    console_postbacks.router,
    console_settings.router,
    console_keys.router,
    console_users.router,
    console_audit.router,
    console_traffic.router,
    advertiser_home.router,
]
