"""The examples in docstrings run, against the installed package."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import outcomes

MODULES = sorted(
    module.name for module in pkgutil.walk_packages(outcomes.__path__, prefix="outcomes.")
    if module.name not in {"outcomes.__main__"}
)  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_doctests_exist() -> None:
    finder = doctest.DocTestFinder()
    examples = sum(
        len(test.examples)
        for name in MODULES
        for test in finder.find(importlib.import_module(name))
    )
    assert examples >= 10
