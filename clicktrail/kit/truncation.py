"""Response headers of a listing capped at a row limit (raw clicks, pixel reports).

``X-Clicktrail-Truncated`` is ``true`` when rows past the limit were left out;
``X-Clicktrail-Row-Limit`` is the limit that applied.
"""

from __future__ import annotations

TRUNCATED_HEADER = "X-Clicktrail-Truncated"
LIMIT_HEADER = "X-Clicktrail-Row-Limit"
