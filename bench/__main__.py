"""``python -m bench``: run every benchmark in turn."""

from __future__ import annotations

import sys


def main() -> int:
    print("no benchmarks yet", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
