"""GenerationMemo keeps a database's values while its counter stands; clear() forgets them."""

from __future__ import annotations

from clicktrail.kit.genmemo import GenerationMemo
from tests.fixtures.engines import forget_memos


class _Bind:
    """Stands for an engine (weakly referenced, as one is)."""


def test_values_live_while_the_generation_stands() -> None:
    memo: GenerationMemo[str, int] = GenerationMemo()
    bind, other = _Bind(), _Bind()
    memo.at(bind, 1)["a"] = 1
    assert memo.at(bind, 1) == {"a": 1}
    assert memo.at(other, 1) == {}
    assert memo.at(bind, 2) == {}  # the counter moved: the old values are gone
    assert memo.at(bind, 1) == {}


def test_clear_forgets_every_database() -> None:
    memo: GenerationMemo[str, int] = GenerationMemo()
    bind, other = _Bind(), _Bind()
    memo.at(bind, 1)["a"] = 1
    memo.at(other, 3)["b"] = 2
    memo.clear()
    assert memo.at(bind, 1) == {}
    assert memo.at(other, 3) == {}


def test_the_fixture_empties_clicktrails_module_memos() -> None:
    """What a test's app starts with: no values a previous test's engine left behind."""
    from clicktrail.caps import counting
    from clicktrail.conversion import repository

    bind = _Bind()
    memos: list[GenerationMemo[int, object]] = [counting._SETTINGS, repository._CUSTOM_RATES]  # type: ignore[list-item]
    for memo in memos:
        memo.at(bind, 1)[7] = object()
    forget_memos()
    for memo in memos:
        assert memo.at(bind, 1) == {}
