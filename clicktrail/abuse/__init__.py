"""Limits on abuse: request size before work, rate limits per key and per address.

- ``limiter``: counters (the ``limits`` library; in process, or in Redis when
  ``CLICKTRAIL_REDIS_URL`` is set) and the per-address caps on stored garbage.
- ``guards``: the limits one process enforces, built once from the settings.
- ``body``: the request-body limit (413 before reading).
- ``gate``: the API surfaces' door: body limit, authentication before the body, failed-auth
  throttle and per-key limits.
- ``answers``: 401/403/413/429 in each surface's dialect.
- ``protocol``: uvicorn's HTTP protocol with limits on the request head (URL, headers, time).

ADRs 0063 (limits before work) and 0064 (rate limits).
"""
