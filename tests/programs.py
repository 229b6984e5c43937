"""The outside programs some tests drive (LibreOffice, poppler), found on the PATH."""

from __future__ import annotations

import os
import shutil

import pytest


def program(name: str, reason: str) -> str:
    """The program ``name``; skips the test without it locally (saying ``reason``), fails
    it in CI (``CI=true``), where ``./run test`` has installed it."""
    found = shutil.which(name)
    if found is not None:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: never skipped in CI)", pytrace=False)
    pytest.skip(reason)
