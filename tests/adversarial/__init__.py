"""Adversarial tests: hostile returns, datasets, assessments, indicator files and names,
held to the promises of docs/security.md.

Each property writes a hostile input built on the bundled example, runs the library on it and
classifies what happened (:mod:`tests.adversarial._verdict`): accepted (and then kept exactly,
with no spreadsheet formula or live markup in anything written), refused with an error that
locates every problem, or a traceback. A fast profile runs by default; ``OUTCOMES_ADVERSARIAL=1``
runs the slow profile (thousands of cases, fixed seed) and the tally that asserts the counts::

    pytest tests/adversarial                                  # fast profile, about a minute
    OUTCOMES_ADVERSARIAL=1 pytest tests/adversarial -m adversarial  # slow profile and tally
"""
