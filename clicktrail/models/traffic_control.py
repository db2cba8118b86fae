"""Traffic controls: Everflow's block and allow lists of click variables.

One row per control, with Everflow's field names. The lists (variables, values and the
offers, affiliates and advertisers it applies to) are JSON arrays: a control is read whole,
never queried by its values, and the tracking cache compiles every active control into
matchers when it reloads (clicktrail/tracking/traffic.py). A write moves the cache generation
(clicktrail/models/cache_generation.py), so the next click sees it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base, JSONColumn


class TrafficControl(Base):
    __tablename__ = "traffic_control"

    network_traffic_control_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(255))
    #: active | inactive
    status: Mapped[str] = mapped_column(String(16), default="active")
    is_apply_all_affiliates: Mapped[bool] = mapped_column(default=True)
    is_apply_all_offers: Mapped[bool] = mapped_column(default=True)
    #: blacklist | whitelist
    control_type: Mapped[str] = mapped_column(String(16))
    #: block (the network fallback) | fail_traffic (the offer's fail-traffic redirect)
    targeting_action: Mapped[str] = mapped_column(String(16), default="block")
    #: exact_match | contains | begins_with | ends_with | does_not_contain | does_not_match
    #: | is_empty
    comparison_method: Mapped[str] = mapped_column(String(24))
    #: "YYYY-MM-DD" or "" (no bound); UTC days.
    date_valid_from: Mapped[str] = mapped_column(String(10), default="")
    date_valid_to: Mapped[str] = mapped_column(String(10), default="")
    variables: Mapped[list[str]] = mapped_column(JSONColumn, default=list)
    values: Mapped[list[str]] = mapped_column(JSONColumn, default=list)
    network_offer_ids: Mapped[list[int]] = mapped_column(JSONColumn, default=list)
    network_affiliate_ids: Mapped[list[int]] = mapped_column(JSONColumn, default=list)
    network_advertiser_ids: Mapped[list[int]] = mapped_column(JSONColumn, default=list)
    time_created: Mapped[datetime]
    time_saved: Mapped[datetime]
