"""What users install: bundled files are found inside the installed package."""

from __future__ import annotations

from pathlib import Path

import outcomes
from outcomes.core._resources import bundled_path

PACKAGE = Path(outcomes.__file__).parent


def test_bundled_folders_exist() -> None:
    for name in ("indicators", "report_templates", "example"):
        assert bundled_path(name).is_dir()
    assert any(bundled_path("indicators").glob("*.toml"))


def test_an_installed_wheel_uses_its_own_copy() -> None:
    """From a wheel (as CI runs), every bundled folder lives inside the package; from a
    source checkout they are the repository's top-level folders."""
    installed = (PACKAGE / "_bundled").is_dir()
    for name in ("indicators", "report_templates", "example"):
        folder = bundled_path(name)
        assert folder.is_relative_to(PACKAGE) is installed


def test_type_information_is_shipped() -> None:
    assert (PACKAGE / "py.typed").is_file()


def test_public_api_is_explicit() -> None:
    assert len(set(outcomes.__all__)) == len(outcomes.__all__)
    for name in outcomes.__all__:
        assert hasattr(outcomes, name), name
