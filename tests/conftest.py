"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest

# The real-browser fixtures (headless Chromium, see tests/browser/__init__.py).
from tests.browser import browser_page, chromium_browser

__all__ = ["browser_page", "chromium_browser"]

_BROWSER_FIXTURES = frozenset(__all__)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Any test that opens the browser is marked, so `-m "not browser"` leaves them all out.
    for item in items:
        if _BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
