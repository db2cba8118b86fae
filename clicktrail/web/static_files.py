"""``/static/``: our own app.css and app.js, and an allowlist of files from the npm packages
installed in ``assets/node_modules`` (ADR 0085). Nothing else under node_modules is served."""

from __future__ import annotations

from pathlib import Path

import structlog
from fastapi import APIRouter
from fastapi.responses import Response

log = structlog.get_logger("clicktrail.web.static")

HERE = Path(__file__).parent
NODE_MODULES = HERE / "assets" / "node_modules"
#: Served name -> file in node_modules.
VENDOR = {
    "pico.min.css": "@picocss/pico/css/pico.min.css",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
}
OWN = ("app.css", "app.js")
_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
_CACHE = "public, max-age=86400"

router = APIRouter()
_loaded: dict[str, bytes] = {}


def _file(path: Path) -> Response:
    key = str(path)
    body = _loaded.get(key)
    if body is None:
        try:
            body = path.read_bytes()
        except OSError:
            log.warning("static_file_missing", path=key, hint="run make install (npm ci)")
            return Response("Not Found", status_code=404, media_type="text/plain")
        _loaded[key] = body
    media = _TYPES.get(path.suffix, "application/octet-stream")
    return Response(body, media_type=media, headers={"cache-control": _CACHE})


@router.get("/static/vendor/{name}", include_in_schema=False)
async def vendor(name: str) -> Response:
    relative = VENDOR.get(name)
    if relative is None:
        return Response("Not Found", status_code=404, media_type="text/plain")
    return _file(NODE_MODULES / relative)


@router.get("/static/{name}", include_in_schema=False)
async def own(name: str) -> Response:
    if name not in OWN:
        return Response("Not Found", status_code=404, media_type="text/plain")
    return _file(HERE / "static" / name)
