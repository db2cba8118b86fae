"""The project's own metadata builds without setuptools warnings (issue 15, item 8)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_license_is_an_spdx_expression_that_setuptools_reads() -> None:
    project = tomllib.loads(PYPROJECT.read_text())
    # A table (``{text = ...}``) is deprecated: setuptools warns on every build.
    assert isinstance(project["project"]["license"], str)
    requires = [Requirement(r) for r in project["build-system"]["requires"]]
    [setuptools] = [r for r in requires if r.name == "setuptools"]
    # SPDX strings need setuptools 77 or newer; an older one would refuse the string.
    assert not setuptools.specifier.contains(Version("76.9"))
    assert setuptools.specifier.contains(Version("77.0"))
