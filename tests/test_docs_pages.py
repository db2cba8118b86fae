"""The prose docs stay usable: ADRs within their length, links that resolve, and no
measured timings in code comments (they belong in docs/benchmarks.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADRS = sorted((ROOT / "docs" / "adr").glob("*.md"))
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: A measured speed in prose: microseconds, or "3x faster" / "four times slower".
TIMING = re.compile(
    r"\d\s?µs|\b(\d+(\.\d+)?x|twice|(two|three|four|five|ten) times) (faster|slower|cheaper)"
)


@pytest.mark.parametrize("adr", ADRS, ids=lambda p: p.name)
def test_an_adr_says_it_in_at_most_600_words(adr: Path) -> None:
    words = len(adr.read_text(encoding="utf-8").split())
    assert words <= 600, f"{adr.name} has {words} words; move measurements to benchmarks.md"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_resolve(page: Path) -> None:
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8"))
    local = [t for t in targets if "://" not in t and not t.startswith("mailto:")]
    missing = [t for t in local if not (page.parent / t).exists()]
    assert not missing, f"{page.name} links to missing files: {missing}"


def test_no_measured_timings_in_code() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "clicktrail").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TIMING.search(line)
    ]
    assert not found, f"move these measurements to docs/benchmarks.md: {found}"
