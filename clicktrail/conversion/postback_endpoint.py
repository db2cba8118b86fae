"""The advertiser server postback on the tracking host: ``GET|POST /?nid=1&transaction_id=…``.

CONTRACT: the tracking app mounts ``advertiser_postback`` at ``/`` for GET and POST. Owned by
the conversions work; until it lands it answers 404.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response


async def advertiser_postback(request: Request) -> Response:
    return PlainTextResponse("Not Found", status_code=404)
