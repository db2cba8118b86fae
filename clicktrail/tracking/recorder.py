"""From a visit to a click row: run the click steps, then hand the row to the writer.

The steps (clicktrail.tracking.steps) run in order through a
:class:`~clicktrail.tracking.pipeline.ClickPipeline`: ``resolve``, ``stamp``, ``enrich``,
``visibility`` (clicktrail.tracking.visibility), ``targeting``, ``traffic`` (robots,
proxies, traffic controls: clicktrail.tracking.screen), ``caps``, ``settle``. An unresolved
or refused link is still a click, stored invalid with its
:class:`~clicktrail.tracking.refusals.ClickRefusal` in ``error_code``/``error_message``;
``is_unique`` is settled by the writer. Nothing here touches the database or the network.
"""

from __future__ import annotations

from clicktrail.tracking.cache import TrackingCache
from clicktrail.tracking.device import DeviceDetector
from clicktrail.tracking.draft import Draft, Visit
from clicktrail.tracking.geo import GeoLocator
from clicktrail.tracking.params import LinkQuery
from clicktrail.tracking.pipeline import ClickPipeline
from clicktrail.tracking.rows import blank_row
from clicktrail.tracking.screen import Screen
from clicktrail.tracking.steps import Caps, Enrich, Resolve, Settle, Stamp, Step
from clicktrail.tracking.targeting import Target
from clicktrail.tracking.visibility import Visibility
from clicktrail.tracking.writer import ClickWriter

__all__ = ["ClickRecorder", "Draft", "Visit", "default_steps"]


def default_steps(cache: TrackingCache, geo: GeoLocator, device: DeviceDetector) -> list[Step]:
    """The click path, in order. A rule goes in as a step before ``settle``."""
    return [
        Resolve(cache),
        Stamp(),
        Enrich(geo, device),
        Visibility(),
        Target(),
        Screen(),
        Caps(cache.click_caps),
        Settle(),
    ]


class ClickRecorder:
    def __init__(
        self,
        cache: TrackingCache,
        writer: ClickWriter,
        geo: GeoLocator,
        device: DeviceDetector,
        steps: list[Step] | None = None,
    ) -> None:
        self.cache = cache
        self.writer = writer
        self.geo = geo
        self.device = device
        self.pipeline = ClickPipeline(
            steps if steps is not None else default_steps(cache, geo, device)
        )

    def draft(
        self,
        offer_id: int | None,
        affiliate_id: int | None,
        query: LinkQuery,
        visit: Visit,
    ) -> Draft:
        return self.pipeline.run(Draft(offer_id, affiliate_id, query, visit, blank_row()))
