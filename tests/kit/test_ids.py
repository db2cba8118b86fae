"""Hex ids: well-formed, unique, and never shared with a forked child."""

from __future__ import annotations

import os

from clicktrail.kit.ids import is_hex_id, new_hex_id


def test_ids_are_32_hex_and_unique_across_pool_refills() -> None:
    ids = [new_hex_id() for _ in range(10_000)]  # about 40 refills of the pool
    assert all(is_hex_id(i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_forked_child_does_not_repeat_the_parents_ids() -> None:
    new_hex_id()  # the pool now holds ids the parent will hand out next
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_end)
        os.write(write_end, "".join(new_hex_id() for _ in range(8)).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        child = pipe.read().decode()
    os.waitpid(pid, 0)
    parents = {new_hex_id() for _ in range(8)}
    childs = {child[i : i + 32] for i in range(0, len(child), 32)}
    assert len(childs) == 8
    assert not parents & childs


def test_is_hex_id_rejects_other_shapes() -> None:
    assert not is_hex_id("A" * 32)
    assert not is_hex_id("a" * 31)
    assert not is_hex_id("g" * 32)
