"""Process-level tuning for long-running clicktrail processes (server, postback worker)."""

from __future__ import annotations

import gc

#: Allocations between young-generation collections (CPython's default is 700).
GC_YOUNG_THRESHOLD = 50_000


def tune_gc() -> None:
    """Collect less often, and never walk the startup heap again.

    Every click, postback and delivery allocates many short-lived objects, so with the
    default thresholds the collector runs every few requests, and each older-generation
    pass walks every module, class and cached row loaded at startup. Freezing moves what
    exists now into the permanent generation; a higher young threshold makes collections
    rarer. Reference cycles are still collected.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)
