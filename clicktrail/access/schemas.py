"""Everflow's wire shapes for offer visibility and applications, and the affiliate's offers.

Network: ``/v1/networks/offers/{offerId}/visibility``,
``/v1/networks/affiliates/{affiliateId}/offers/visibility``, ``/v1/networks/applications``,
``/v1/networks/applicationstable``. Affiliate: ``/v1/affiliates/applications``,
``/v1/affiliates/alloffers``, ``/v1/affiliates/offersrunnable``,
``/v1/affiliates/offers/{offerId}`` and its ``/url/{urlId}``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from clicktrail.kit.paging import Paging
from clicktrail.kit.timeutil import unix
from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Affiliate, Offer, OfferApplication

NETWORK_ID = 1

Id = Annotated[int, Field(ge=1, le=MAX_INT32)]
#: Most ids one request may name.
MAX_IDS = 1000

VisibilityType = Literal["visible", "hidden", "rejected"]
ApplicationStatus = Literal["pending", "approved", "rejected"]


class OfferVisibilityIn(BaseModel):
    """PUT /v1/networks/offers/{offerId}/visibility: the affiliates of ``set_type``, exactly."""

    model_config = ConfigDict(extra="ignore")

    network_affiliate_ids: list[Id] = Field(max_length=MAX_IDS)
    set_type: VisibilityType


class OfferVisibilityOut(BaseModel):
    network_id: int
    network_offer_id: int
    network_affiliate_visible_ids: list[int]
    network_affiliate_rejected_ids: list[int]
    network_affiliate_hidden_ids: list[int]


class AffiliateVisibilityIn(BaseModel):
    """PATCH /v1/networks/affiliates/{affiliateId}/offers/visibility."""

    model_config = ConfigDict(extra="ignore")

    network_offer_ids: list[Id] = Field(min_length=1, max_length=MAX_IDS)
    visibility_type: VisibilityType


class ResultOut(BaseModel):
    result: bool


class ApplicationPatch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    field_name: Literal["application_status"]
    field_value: Literal["approved", "rejected"]


class ApplicationsPatchIn(BaseModel):
    """PATCH /v1/networks/applications: approve or reject applications in bulk."""

    model_config = ConfigDict(extra="ignore")

    network_application_ids: list[Id] = Field(min_length=1, max_length=MAX_IDS)
    patches: list[ApplicationPatch] = Field(min_length=1, max_length=1)
    #: Accepted for Everflow's sake; clicktrail sends no email.
    send_email: bool = False


class SearchTerm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    search_type: Literal["name"] = "name"
    value: str = Field("", max_length=255)


class ApplicationFilters(BaseModel):
    model_config = ConfigDict(extra="ignore")

    network_affiliate_ids: list[Id] = Field(default_factory=list, max_length=MAX_IDS)
    network_advertiser_ids: list[Id] = Field(default_factory=list, max_length=MAX_IDS)
    network_offer_group_ids: list[Annotated[int, Field(ge=0, le=MAX_INT32)]] = Field(
        default_factory=list, max_length=MAX_IDS
    )
    network_offer_ids: list[Id] = Field(default_factory=list, max_length=MAX_IDS)
    #: Accepted and ignored: clicktrail has no account managers.
    account_manager_ids: list[Annotated[int, Field(ge=0, le=MAX_INT32)]] = Field(
        default_factory=list, max_length=MAX_IDS
    )
    application_status: ApplicationStatus | None = None


class ApplicationsTableIn(BaseModel):
    """POST /v1/networks/applicationstable."""

    model_config = ConfigDict(extra="ignore")

    search_terms: list[SearchTerm] = Field(default_factory=list, max_length=10)
    filters: ApplicationFilters = Field(default_factory=ApplicationFilters)


class ApplicationOffer(BaseModel):
    network_id: int
    network_offer_id: int
    network_advertiser_id: int
    network_offer_group_id: int
    name: str
    offer_status: str
    visibility: str
    currency_id: str
    network_tracking_domain_id: int


class ApplicationAffiliate(BaseModel):
    network_id: int
    network_affiliate_id: int
    name: str
    account_status: str


class ApplicationRelationship(BaseModel):
    offer: ApplicationOffer
    affiliate: ApplicationAffiliate


class ApplicationOut(BaseModel):
    network_application_id: int
    network_id: int
    network_offer_id: int
    network_affiliate_id: int
    network_affiliate_user_id: int
    application_status: str
    time_created: int
    time_saved: int
    relationship: ApplicationRelationship


class ApplicationList(BaseModel):
    applications: list[ApplicationOut]
    paging: Paging


class ApplyIn(BaseModel):
    """POST /v1/affiliates/applications."""

    model_config = ConfigDict(extra="ignore")

    network_offer_id: Id
    message: str = Field("", max_length=2000)


class ApplyOut(BaseModel):
    network_offer_application_id: int
    network_offer_id: int
    status: str


class AffiliatePayout(BaseModel):
    event_id: int
    name: str
    payout_type: str
    payout_amount: float
    payout_percentage: float


class AffiliatePayouts(BaseModel):
    entries: list[AffiliatePayout]
    total: int


class AffiliateOfferRelationship(BaseModel):
    offer_affiliate_status: str
    payouts: AffiliatePayouts


class AffiliateOfferOut(BaseModel):
    network_offer_id: int
    network_id: int
    name: str
    thumbnail_url: str
    network_category_id: int
    preview_url: str
    offer_status: str
    currency_id: str
    html_description: str
    visibility: str
    network_tracking_domain_id: int
    tracking_url: str
    time_created: int
    time_saved: int
    relationship: AffiliateOfferRelationship


class AffiliateOfferList(BaseModel):
    offers: list[AffiliateOfferOut]
    paging: Paging


class TrackingUrlOut(BaseModel):
    url: str


def application_out(
    application: OfferApplication, offer: Offer, affiliate: Affiliate
) -> dict[str, Any]:
    """One application in Everflow's shape, with its offer and affiliate."""
    return {
        "network_application_id": application.network_application_id,
        "network_id": NETWORK_ID,
        "network_offer_id": application.network_offer_id,
        "network_affiliate_id": application.network_affiliate_id,
        "network_affiliate_user_id": 0,
        "application_status": application.application_status,
        "time_created": unix(application.time_created),
        "time_saved": unix(application.time_saved),
        "relationship": {
            "offer": {
                "network_id": NETWORK_ID,
                "network_offer_id": offer.network_offer_id,
                "network_advertiser_id": offer.network_advertiser_id,
                "network_offer_group_id": offer.network_offer_group_id,
                "name": offer.name,
                "offer_status": offer.offer_status,
                "visibility": offer.visibility,
                "currency_id": offer.currency_id,
                "network_tracking_domain_id": offer.network_tracking_domain_id,
            },
            "affiliate": {
                "network_id": NETWORK_ID,
                "network_affiliate_id": affiliate.network_affiliate_id,
                "name": affiliate.name,
                "account_status": affiliate.account_status,
            },
        },
    }
