"""``/app/``: the console's dashboard (today, yesterday, last 7 and 30 days in the network
timezone, a 30-day chart, the top offers and affiliates of the last 7 days).

The figures come from ``clicktrail.report.dashboard`` (aggregated reports through the
ReportStore seam). An affiliate or advertiser user who opens ``/app/`` goes to its own part
of the site.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from clicktrail.deps import ReadSession
from clicktrail.kit.timeutil import utcnow
from clicktrail.report.dashboard import Dashboard, dashboard
from clicktrail.users.roles import CONSOLE_ROLES, landing
from clicktrail.web.guard import DEFAULT_NETWORK, NetworkInfo, WebUser
from clicktrail.web.templating import render

router = APIRouter()


def network_of(request: Request) -> NetworkInfo:
    found = getattr(request.state, "web_network", None)
    return found if isinstance(found, NetworkInfo) else DEFAULT_NETWORK


def series_chart(board: Dashboard) -> dict[str, Any]:
    """The Chart.js configuration of the 30-day chart: clicks and conversions on the left
    axis, money on the right."""
    labels = [point.day.isoformat() for point in board.series]
    datasets: list[dict[str, Any]] = [
        {"label": "Clicks", "data": [p.clicks for p in board.series], "yAxisID": "y"},
        {"label": "Conversions", "data": [p.conversions for p in board.series], "yAxisID": "y"},
        {"label": "Payout", "data": [float(p.payout) for p in board.series], "yAxisID": "money"},
    ]
    if not board.partner:
        datasets += [
            {
                "label": "Revenue",
                "data": [float(p.revenue or 0) for p in board.series],
                "yAxisID": "money",
            },
            {
                "label": "Profit",
                "data": [float(p.profit or 0) for p in board.series],
                "yAxisID": "money",
            },
        ]
    return {
        "type": "line",
        "data": {"labels": labels, "datasets": datasets},
        "options": {
            "interaction": {"mode": "index", "intersect": False},
            "scales": {
                "y": {"position": "left", "beginAtZero": True},
                "money": {
                    "position": "right",
                    "beginAtZero": True,
                    "grid": {"drawOnChartArea": False},
                },
            },
        },
    }


@router.get("/app/", include_in_schema=False)
async def home(request: Request, user: WebUser, session: ReadSession) -> Response:
    if user.role not in CONSOLE_ROLES:
        return RedirectResponse(landing(user.role), status_code=303)
    network = network_of(request)
    board = await dashboard(session, tz=network.timezone, now=utcnow())
    return render(
        request,
        "console/dashboard/index.html",
        {"board": board, "series": series_chart(board)},
    )
