"""'Did you mean ...?' hints for misspelt names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """Return a hint naming the closest choices, or listing them all when none is close.

    >>> did_you_mean("comunity_care", ["children_families", "community_care", "whole_service"])
    "did you mean 'community_care'?"
    """
    options = sorted(set(choices))
    close = difflib.get_close_matches(value, options, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(repr(name) for name in close) + "?"
    if len(options) <= 12:
        return "expected one of: " + ", ".join(options)
    return f"none of the {len(options)} known names is close"
