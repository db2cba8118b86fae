"""SQLAlchemy models, one file per model. Importing this package registers them all."""

from clicktrail.models.advertiser import Advertiser
from clicktrail.models.affiliate import Affiliate
from clicktrail.models.api_key import ApiKey
from clicktrail.models.base import Base
from clicktrail.models.click import Click
from clicktrail.models.conversion import Conversion
from clicktrail.models.network import Network
from clicktrail.models.offer import Offer
from clicktrail.models.offer_payout_revenue import OfferPayoutRevenue

__all__ = [
    "Advertiser",
    "Affiliate",
    "ApiKey",
    "Base",
    "Click",
    "Conversion",
    "Network",
    "Offer",
    "OfferPayoutRevenue",
]
