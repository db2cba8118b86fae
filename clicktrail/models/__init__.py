"""SQLAlchemy models, one file per model. Importing this package registers them all."""

from clicktrail.models.advertiser import Advertiser
from clicktrail.models.affiliate import Affiliate
from clicktrail.models.affiliate_code import AffiliateCode
from clicktrail.models.affiliate_group import AffiliateGroup
from clicktrail.models.api_key import ApiKey
from clicktrail.models.audit_entry import AuditEntry
from clicktrail.models.base import Base
from clicktrail.models.cache_generation import CacheGeneration
from clicktrail.models.cap_counter import CapCounter
from clicktrail.models.click import Click
from clicktrail.models.commission import Commission
from clicktrail.models.commission_refund import CommissionRefund
from clicktrail.models.conversion import Conversion
from clicktrail.models.conversion_change import ConversionChange
from clicktrail.models.conversion_throttle import ConversionThrottle
from clicktrail.models.coupon_code import CouponCode
from clicktrail.models.custom_cap_setting import CustomCapSetting
from clicktrail.models.custom_payout_revenue import CustomPayoutRevenue
from clicktrail.models.exchange_rate import ExchangeRate
from clicktrail.models.impression import Impression
from clicktrail.models.incentive import Incentive
from clicktrail.models.network import Network
from clicktrail.models.network_webhook import NetworkWebhook
from clicktrail.models.offer import Offer
from clicktrail.models.offer_application import OfferApplication
from clicktrail.models.offer_payout_revenue import OfferPayoutRevenue
from clicktrail.models.offer_visibility import OfferVisibility
from clicktrail.models.pixel import Pixel
from clicktrail.models.postback_attempt import PostbackAttempt
from clicktrail.models.postback_delivery import PostbackDelivery
from clicktrail.models.referral import Referral
from clicktrail.models.rollup import TABLES as ROLLUP_TABLES  # noqa: F401  (registers them)
from clicktrail.models.sign_in_attempt import SignInAttempt
from clicktrail.models.traffic_control import TrafficControl
from clicktrail.models.user import User
from clicktrail.models.web_session import WebSession

__all__ = [
    "Advertiser",
    "Affiliate",
    "AffiliateCode",
    "AffiliateGroup",
    "ApiKey",
    "AuditEntry",
    "Base",
    "CacheGeneration",
    "CapCounter",
    "Click",
    "Commission",
    "CommissionRefund",
    "Conversion",
    "ConversionChange",
    "ConversionThrottle",
    "CouponCode",
    "CustomCapSetting",
    "CustomPayoutRevenue",
    "ExchangeRate",
    "Impression",
    "Incentive",
    "Network",
    "NetworkWebhook",
    "Offer",
    "OfferApplication",
    "OfferPayoutRevenue",
    "OfferVisibility",
    "Pixel",
    "PostbackAttempt",
    "PostbackDelivery",
    "Referral",
    "SignInAttempt",
    "TrafficControl",
    "User",
    "WebSession",
]
