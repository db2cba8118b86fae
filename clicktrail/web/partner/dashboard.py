"""``/partner/``: the affiliate's own stats (today, yesterday, 7 and 30 days; a chart; its
top offers), from ``clicktrail.report.dashboard`` in the partner's view: the affiliate's
reports only, ``revenue`` and ``profit`` None, offers ranked by its payout."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from clicktrail.deps import ReadSession
from clicktrail.report.dashboard import Dashboard, dashboard
from clicktrail.web.guard import PartnerUser
from clicktrail.web.partner.context import network_clock
from clicktrail.web.templating import render

router = APIRouter()


def chart_config(board: Dashboard) -> dict[str, Any]:
    """Chart.js: clicks and conversions per day (left axis), payout (right axis)."""
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
                {"label": "Payout", "data": [float(p.payout) for p in series], "yAxisID": "money"},
            ],
        },
        "options": {
            "scales": {
                "count": {"type": "linear", "position": "left", "beginAtZero": True},
                "money": {"type": "linear", "position": "right", "beginAtZero": True},
            }
        },
    }


@router.get("/partner/", response_class=HTMLResponse)
async def partner_dashboard(
    request: Request, session: ReadSession, user: PartnerUser
) -> HTMLResponse:
    clock = network_clock(request)
    board = await dashboard(
        session,
        tz=clock.timezone,
        now=clock.now,
        affiliate_id=user.affiliate_id,
    )
    return render(
        request,
        "partner/dashboard.html",
        {"board": board, "chart": chart_config(board), "affiliate_id": user.affiliate_id},
    )
