"""Generator of large rollup data for the aggregated-report benchmark.

It writes rollup rows directly (plain INSERT / COPY), as the click writer and compaction
would have left them, for ``CLICKS`` clicks and about ``CONVERSIONS`` conversions over
``DAYS`` days, without creating raw clicks. Traffic is skewed like a real network's:
offer x affiliate pairs, countries, devices follow Zipf-like weights. Two sub dimensions:

* ``sub1`` is hostile: every click has its own value (an ad network's click id), so the
  value cube admits ``rollup_values_per_day`` (and per affiliate) values a day and counts
  the rest as (other), exactly as the write path does;
* ``sub2`` is friendly: 20 campaign names per affiliate.

Rows are produced one UTC hour at a time (memory stays bounded) and day rows are derived
from the day's hour rows, so every cube agrees with every other.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import accumulate

from clicktrail.models.rollup import METRICS, OTHER

HOUR = 3600
DAY = 86400

Row = tuple[object, ...]
#: table -> rows; one flush per generated day
Batch = dict[str, list[Row]]


@dataclass(frozen=True)
class Shape:
    clicks: int = 10_000_000
    conversions: int = 100_000
    days: int = 90
    offers: int = 100
    affiliates: int = 500
    pairs: int = 2000
    values_per_day: int = 2000
    values_per_affiliate: int = 500
    seed: int = 42

    @property
    def tag(self) -> str:
        return f"c{self.clicks}_d{self.days}_p{self.pairs}_s{self.seed}"


_COUNTRIES = ["US", "GB", "DE", "FR", "CA", "AU", "BR", "IN", "ES", "IT", "MX", "NL", "PL"]
_DEVICES = ["Mobile", "PC", "Tablet"]
_PLATFORMS = ["Android", "iOS", "Windows", "macOS"]
_BROWSERS = ["Chrome", "Safari", "Samsung Internet", "Firefox"]


def _zipf(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (r**s) for r in range(1, n + 1)]


def _cum(weights: list[float]) -> list[float]:
    return list(accumulate(weights))


def _metrics(clicks: int, rng: random.Random, cv_rate: float) -> list[int]:
    """Counters for ``clicks`` clicks (80% unique, 3% invalid) and their conversions."""
    invalid = clicks * 3 // 100
    total = clicks - invalid
    unique = total * 4 // 5
    expected = total * cv_rate
    cv = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
    pending = 1 if cv and rng.random() < 0.1 else 0
    row = dict.fromkeys(METRICS, 0)
    row.update(
        total_click=total,
        unique_click=unique,
        invalid_click=invalid,
        cv=cv,
        payout=cv * 5_000_000,
        revenue=cv * 8_000_000,
        sale_amount=cv * 40_000_000,
        pending_cv=pending,
        pending_payout=pending * 5_000_000,
        pending_revenue=pending * 8_000_000,
    )
    return [row[m] for m in METRICS]


Acc = dict[tuple[object, ...], list[int]]


def _add(target: Acc, key: tuple[object, ...], m: list[int]) -> None:
    row = target.get(key)
    if row is None:
        target[key] = list(m)
    else:
        for i, v in enumerate(m):
            row[i] += v


def generate(shape: Shape, start: int, progress: Callable[[str], None]) -> Iterator[Batch]:
    """One Batch per UTC day: rows of the six rollup tables."""
    rng = random.Random(shape.seed)
    pairs = []
    for _ in range(shape.pairs):
        offer = 1 + int(rng.paretovariate(1.1)) % shape.offers
        affiliate = 1 + rng.randrange(shape.affiliates)
        pairs.append((offer, affiliate, 1 + offer % 20))
    pair_cum = _cum(_zipf(len(pairs)))
    combos = []
    for _ in range(300):
        country = rng.choices(_COUNTRIES, _zipf(len(_COUNTRIES)))[0]
        combos.append(
            (
                country,
                f"{country}-R{rng.randrange(3)}",
                rng.choices(_DEVICES, [6, 3, 1])[0],
                rng.choices(_PLATFORMS, [5, 4, 2, 1])[0],
                rng.choices(_BROWSERS, [6, 4, 1, 1])[0],
            )
        )
    combo_cum = _cum(_zipf(len(combos), 1.2))
    sub2_cum = _cum(_zipf(20))
    per_hour = shape.clicks / (shape.days * 24)
    cv_rate = shape.conversions / shape.clicks
    serial = 0
    for day_index in range(shape.days):
        day = start + day_index * DAY
        batch: Batch = {}
        day_acc: dict[str, dict[tuple[object, ...], list[int]]] = {
            "entity": {},
            "dims": {},
            "value": {},
        }
        admitted = 0
        admitted_by: Counter[int] = Counter()
        for hour_index in range(24):
            hour = day + hour_index * HOUR
            n_hour = int(per_hour * rng.uniform(0.6, 1.4))
            counts = Counter(rng.choices(range(len(pairs)), cum_weights=pair_cum, k=n_hour))
            entity_rows: Acc = {}
            dims_rows: Acc = {}
            value_rows: Acc = {}
            for pair_index, n in counts.items():
                offer, affiliate, advertiser = pairs[pair_index]
                entity: tuple[object, ...] = (offer, affiliate, advertiser, 0)
                for combo_index, c in Counter(
                    rng.choices(range(len(combos)), cum_weights=combo_cum, k=n)
                ).items():
                    m = _metrics(c, rng, cv_rate)
                    _add(dims_rows, (hour, *entity, *combos[combo_index]), m)
                    _add(entity_rows, (hour, *entity), m)
                for sub_index, c in Counter(
                    rng.choices(range(20), cum_weights=sub2_cum, k=n)
                ).items():
                    key = (hour, "sub2", f"a{affiliate}-camp{sub_index}", *entity)
                    _add(value_rows, key, _metrics(c, rng, cv_rate))
                # sub1: a new value per click; the day's first ones are admitted.
                take = min(
                    n,
                    shape.values_per_day - admitted,
                    shape.values_per_affiliate - admitted_by[affiliate],
                )
                take = max(take, 0)
                for _ in range(take):
                    serial += 1
                    _add(value_rows, (hour, "sub1", f"clk{serial:x}", *entity), _metrics(1, rng, 0))
                admitted += take
                admitted_by[affiliate] += take
                if n > take:
                    _add(
                        value_rows, (hour, "sub1", OTHER, *entity), _metrics(n - take, rng, cv_rate)
                    )
            for name, rows in (("entity", entity_rows), ("dims", dims_rows), ("value", value_rows)):
                out = batch.setdefault(f"rollup_{name}_hour", [])
                target = day_acc[name]
                for key, m in rows.items():
                    out.append(_ordered(name, key, m))
                    _add(target, (day, *key[1:]), m)
        for name, rows in day_acc.items():
            batch[f"rollup_{name}_day"] = [_ordered(name, key, m) for key, m in rows.items()]
        progress(f"day {day_index + 1}/{shape.days}: {sum(len(r) for r in batch.values())} rows")
        yield batch


def _ordered(cube: str, key: tuple[object, ...], m: list[int]) -> Row:
    """Rows in table column order: bucket, keys..., metrics (value cube: bucket, dim, value)."""
    return (*key, *m)


def columns(cube: str) -> list[str]:
    from clicktrail.models.rollup import CUBES

    return ["bucket", *CUBES[cube], *METRICS]
