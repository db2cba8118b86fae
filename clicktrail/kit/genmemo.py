"""Values read from a database, kept while the database's change counter stands.

A :class:`GenerationMemo` holds, per database (the engine or connection a session is bound
to, weakly, so a closed engine's values go with it), the values loaded at one generation of
a counter that every relevant write moves in its own transaction. A caller that read the
counter in its transaction gets the values loaded at that same generation, or an empty
mapping to fill when the counter has moved: a value is never used past a change.
"""

from __future__ import annotations

from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

K = TypeVar("K")
V = TypeVar("V")


class GenerationMemo(Generic[K, V]):
    def __init__(self) -> None:
        self._held: WeakKeyDictionary[object, tuple[int, dict[K, V]]] = WeakKeyDictionary()

    def at(self, bind: object, generation: int) -> dict[K, V]:
        """The values loaded for ``bind`` at ``generation`` (a mapping the caller fills with
        what it loads); a new, empty one when the generation differs from the held one."""
        held = self._held.get(bind)
        if held is None or held[0] != generation:
            held = (generation, {})
            self._held[bind] = held
        return held[1]

    def clear(self) -> None:
        """Forget every database's values (the next :meth:`at` of each starts empty)."""
        self._held.clear()
