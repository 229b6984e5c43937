"""The tally of the slow profile runs after every property, whatever order was asked for."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A stable sort: only the tally moves, to the end, so that it counts every case run.
    items.sort(key=lambda item: "tests/adversarial/test_tally.py" in item.nodeid)
