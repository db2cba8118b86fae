"""``/partner/``: the affiliate's own stats (today, yesterday, 7 and 30 days; a chart)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from clicktrail.deps import ReadSession
from clicktrail.web.guard import PartnerUser
from clicktrail.web.partner.context import network_clock
from clicktrail.web.partner.stats import partner_stats
from clicktrail.web.templating import render

router = APIRouter()


@router.get("/partner/", response_class=HTMLResponse)
async def dashboard(request: Request, session: ReadSession, user: PartnerUser) -> HTMLResponse:
    clock = await network_clock(session)
    stats = await partner_stats(
        session, user.affiliate_id, today=clock.today, timezone_id=clock.timezone_id
    )
    chart = {
        "type": "line",
        "data": {
            "labels": [d.isoformat() for d in stats.days],
            "datasets": [
                {"label": "Clicks", "data": stats.clicks, "yAxisID": "count"},
                {"label": "Conversions", "data": stats.conversions, "yAxisID": "count"},
                {"label": "Payout", "data": stats.payout, "yAxisID": "money"},
            ],
        },
        "options": {
            "scales": {
                "count": {"type": "linear", "position": "left", "beginAtZero": True},
                "money": {"type": "linear", "position": "right", "beginAtZero": True},
            }
        },
    }
    return render(request, "partner/dashboard.html", {"stats": stats, "chart": chart})
