"""``python -m bench [NAME ...]``: run the benchmarks (all of them by default).

Each benchmark is a module ``bench/<name>.py`` with ``def main() -> None`` that measures,
prints its figures and rewrites its own section of docs/benchmarks.md. Add yours to BENCHES.
"""

from __future__ import annotations

import importlib
import sys

#: Module names under bench/, in the order ``make bench`` runs them.
BENCHES: list[str] = []
BENCHES += ["click"]
BENCHES += ["impression"]
BENCHES += ["conversion"]
BENCHES += ["referral"]
BENCHES += ["report"]
BENCHES += ["console"]
BENCHES += ["late"]
BENCHES += ["postback"]
BENCHES += ["sdk"]
BENCHES += ["webhook"]
BENCHES += ["coupon"]
BENCHES += ["partitions"]


def main(argv: list[str]) -> int:
    chosen = argv or BENCHES
    unknown = [name for name in chosen if name not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHES)}")
        return 2
    for name in chosen:
        print(f"== bench {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
