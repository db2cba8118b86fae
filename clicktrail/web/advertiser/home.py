"""``/advertiser/``: an advertiser user's read-only view of its own offers: clicks,
conversions and revenue (what it pays the network) for today, yesterday, 7 and 30 days,
a daily chart, its top offers and its offer list. Never the affiliates' payouts, the
network's profit or which affiliates sent the traffic."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from clicktrail.deps import ReadSession
from clicktrail.offer import repository as offers
from clicktrail.report.dashboard import Dashboard, dashboard
from clicktrail.web.guard import AdvertiserUser
from clicktrail.web.partner.context import network_clock
from clicktrail.web.templating import render

router = APIRouter()

#: Offers listed on the page.
MAX_OFFERS = 200


def _chart(board: Dashboard) -> dict[str, Any]:
    series = board.series
    return {
        "type": "line",
        "data": {
            "labels": [p.day.isoformat() for p in series],
            "datasets": [
                {"label": "Clicks", "data": [p.clicks for p in series], "yAxisID": "count"},
                {
                    "label": "Conversions",
                    "data": [p.conversions for p in series],
                    "yAxisID": "count",
                },
                {
                    "label": "Revenue",
                    "data": [float(p.revenue or 0) for p in series],
                    "yAxisID": "money",
                },
            ],
        },
        "options": {
            "scales": {
                "count": {"type": "linear", "position": "left", "beginAtZero": True},
                "money": {"type": "linear", "position": "right", "beginAtZero": True},
            }
        },
    }


@router.get("/advertiser/", include_in_schema=False)
async def home(request: Request, user: AdvertiserUser, session: ReadSession) -> Response:
    clock = network_clock(request)
    # The reports first: each must open its transaction's snapshot.
    board = await dashboard(
        session, tz=clock.timezone, now=clock.now, advertiser_id=user.advertiser_id
    )
    own = await offers.of_advertiser(session, user.advertiser_id, MAX_OFFERS)
    return render(
        request,
        "advertiser/home.html",
        {
            "advertiser_id": user.advertiser_id,
            "board": board,
            "chart": _chart(board),
            "offers": own,
        },
    )
