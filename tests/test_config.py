"""docs/settings.md documents every setting; the defaults are what the docs say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clicktrail.config import Settings

DOC = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def documented() -> set[str]:
    return set(re.findall(r"`CLICKTRAIL_([A-Z0-9_]+)`", DOC.read_text(encoding="utf-8")))


def test_every_setting_is_documented() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    missing = sorted(fields - documented())
    assert not missing, f"add these to docs/settings.md: {', '.join(missing)}"


def test_no_documented_setting_is_stale() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    stale = sorted(documented() - fields)
    assert not stale, f"docs/settings.md documents settings that do not exist: {stale}"


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLICKTRAIL_PORT", "18080")
    monkeypatch.setenv("CLICKTRAIL_TRUSTED_PROXIES", '["10.0.0.0/8"]')
    settings = Settings()
    assert settings.port == 18080
    assert settings.trusted_proxies == ["10.0.0.0/8"]
    assert settings.public_tracking_url() == "http://127.0.0.1:18080"


def test_bad_port_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLICKTRAIL_PORT", "70000")
    with pytest.raises(ValueError, match="port"):
        Settings()
