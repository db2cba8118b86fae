"""The coarse cubes' rows that one finished day's click or conversion adds to (ADR 0040,
0045, 0046): pure, shared by the late writers' path in ``report/rollup.py``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from clicktrail.models.rollup import COARSE, DIMS_KEYS, VALUE_DIMS

#: Coarse cube -> positions of its keys in a dims-cube key (entity keys, then dims), for
#: the coarse cubes summed from the entity or dims cube (``values`` is handled apart).
PICKS: dict[str, tuple[int, ...]] = {
    cube: tuple(DIMS_KEYS.index(k) for k in keys)
    for cube, keys in COARSE.items()
    if cube != "values"
}


def coarse_keys(
    head: tuple[int, ...], full: tuple[Any, ...], values: Sequence[tuple[str, str]]
) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(cube, key) of every coarse row at ``head`` (a bucket, or a block's start and
    length) for a dims-cube key ``full`` and the (dim, value) pairs with a value. The
    coarse values cube keeps the empty value too: a dimension without a value adds to its
    ``""`` row (ADR 0046)."""
    for cube, picks in PICKS.items():
        yield cube, (*head, *(full[i] for i in picks))
    given = dict(values)
    for dim in VALUE_DIMS:
        yield "values", (*head, dim, given.get(dim, ""))
