"""The suite's Hypothesis profile: loaded by default, and immune to a slow machine."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@pytest.fixture(autouse=True)
def _ci_profile_chosen(request: pytest.FixtureRequest) -> None:
    """`--hypothesis-profile thorough` is a deliberate choice: these checks then do not apply."""
    if request.config.getoption("hypothesis_profile", None) not in (None, "ci"):
        pytest.skip("another Hypothesis profile was chosen on the command line")


def test_ci_profile_is_the_default() -> None:
    default = settings.default
    assert default is not None
    assert default.deadline is None
    assert default.derandomize is True
    assert default.database is None
    assert default.max_examples == 50
    for check in (HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much):
        assert check in default.suppress_health_check


_runs: list[int] = []


@given(st.integers())
def _count(value: int) -> None:
    _runs.append(value)


def test_a_property_without_settings_inherits_the_profile() -> None:
    """A bare @given runs the profile's bounded count, and the same examples every time."""
    _count()
    first = list(_runs)
    _runs.clear()
    _count()
    assert len(first) <= 50
    assert _runs == first
