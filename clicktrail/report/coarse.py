"""The coarse cubes' rows that one finished day's click or conversion adds to (ADR 0040,
0045, 0046): pure, shared by the late writers' path in ``report/rollup.py``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from clicktrail.models.rollup import COARSE, COARSE_SOURCE, DIMS_KEYS, ENTITY_VALUES, VALUE_DIMS

#: Coarse cube -> positions of its keys in a dims-cube key (entity keys, then dims), for
#: the coarse cubes summed from the entity or dims cube (those of values are apart).
PICKS: dict[str, tuple[int, ...]] = {
    cube: tuple(DIMS_KEYS.index(k) for k in keys)
    for cube, keys in COARSE.items()
    if COARSE_SOURCE[cube] != "value"
}
#: Coarse cubes of values by entity -> positions of their entity keys (before the value)
#: and of the event id (after it) in a dims-cube key.
_ENTITY_VALUES: dict[str, tuple[tuple[int, ...], int]] = {
    cube: (
        tuple(DIMS_KEYS.index(k) for k in COARSE[cube][1 : COARSE[cube].index("value")]),
        DIMS_KEYS.index("event_id"),
    )
    for cube in ENTITY_VALUES
}


def coarse_keys(
    head: tuple[int, ...], full: tuple[Any, ...], values: Sequence[tuple[str, str]]
) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(cube, key) of every coarse row at ``head`` (a bucket, or a block's start and
    length) for a dims-cube key ``full`` and the (dim, value) pairs with a value. The
    coarse values cube keeps the empty value too: a dimension without a value adds to its
    ``""`` row (ADR 0046); the cubes of values by entity do not (ADR 0049)."""
    for cube, picks in PICKS.items():
        yield cube, (*head, *(full[i] for i in picks))
    given = dict(values)
    for dim in VALUE_DIMS:
        yield "values", (*head, dim, given.get(dim, ""))
    # Like the value cube, no rows for empty values (ADR 0041, 0049).
    for cube, (entity, event) in _ENTITY_VALUES.items():
        keys = tuple(full[i] for i in entity)
        for dim, value in values:
            yield cube, (*head, dim, *keys, value, full[event])
