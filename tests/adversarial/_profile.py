"""How many hostile cases each property runs: the fast profile by default, CI's budget with
``OUTCOMES_ADVERSARIAL=ci`` (what ``./run test`` uses when ``CI=true``: about a twelfth of
the slow profile, a minute or so), and the slow profile with ``OUTCOMES_ADVERSARIAL=1``
(about 13 minutes on two cores). All use a fixed seed, so every run draws the same cases."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

#: Whether the slow profile is selected; or CI's budget.
SLOW = os.environ.get("OUTCOMES_ADVERSARIAL", "") == "1"
CI = os.environ.get("OUTCOMES_ADVERSARIAL", "") == "ci"

#: Whether a failing case is shrunk to a smaller one (``OUTCOMES_ADVERSARIAL_SHRINK=1``). Off by
#: default: a return has a hundred rows, and shrinking it takes minutes; a failing case is
#: kept on disk instead (see :func:`tests.adversarial._verdict.observed`).
SHRINK = os.environ.get("OUTCOMES_ADVERSARIAL_SHRINK", "") == "1"

#: Cases per kind of input in each profile. The slow counts are also the least the tally
#: accepts as a complete run.
FAST_CASES = {"returns": 30, "datasets": 20, "assessments": 25, "indicators": 20, "outputs": 2}
SLOW_CASES = {"returns": 1000, "datasets": 300, "assessments": 300, "indicators": 150,
              "outputs": 50}  # fmt: skip
CI_CASES = {"returns": 80, "datasets": 30, "assessments": 30, "indicators": 20, "outputs": 4}


def budget(kind: str) -> settings:
    """Hypothesis settings for the properties of ``kind``: derandomized (the same cases on
    every run and machine), no deadline, no example database, as many cases as the profile
    says."""
    return settings(
        max_examples=(SLOW_CASES if SLOW else CI_CASES if CI else FAST_CASES)[kind],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, *([Phase.shrink] if SHRINK else [])],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much, HealthCheck.large_base_example],
    )  # fmt: skip
