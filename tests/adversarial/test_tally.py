"""The tally of the slow profile: every promise kept over thousands of hostile cases.

Runs with ``OUTCOMES_ADVERSARIAL=1``, after the properties (tests/adversarial/conftest.py);
a property that has not run in this session (the tally run alone) is run here. The table of
counts is written to ``adversarial-tally.json`` in pytest's temporary folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.adversarial._profile import SLOW, SLOW_CASES
from tests.adversarial._verdict import TALLY
from tests.adversarial.test_faulty_datasets import faulty_dataset_cases
from tests.adversarial.test_malformed_returns import hostile_return_cases
from tests.adversarial.test_mutated_assessments import mutated_assessment_cases
from tests.adversarial.test_mutated_indicators import mutated_catalogue_cases
from tests.adversarial.test_output_safety import payload_name_cases

pytestmark = [
    pytest.mark.adversarial,
    pytest.mark.skipif(
        not SLOW, reason="the tally counts the slow profile: OUTCOMES_ADVERSARIAL=1"
    ),
]

PROPERTIES: dict[str, Callable[[], None]] = {
    "returns": hostile_return_cases,
    "datasets": faulty_dataset_cases,
    "assessments": mutated_assessment_cases,
    "indicators": mutated_catalogue_cases,
    "outputs": payload_name_cases,
}


def test_the_slow_profile_keeps_every_promise(tmp_path_factory: pytest.TempPathFactory) -> None:
    for kind, cases in PROPERTIES.items():
        if TALLY.cases(kind) == 0:
            start = time.perf_counter()
            cases()
            TALLY.wall[kind] = time.perf_counter() - start
    table = TALLY.table()
    TALLY.write_json(
        tmp_path_factory.getbasetemp() / "adversarial-tally.json",
        profile="slow",
        targets=SLOW_CASES,
        session_seconds=round(time.perf_counter() - TALLY.started, 1),
        defects={kind: found[:20] for kind, found in TALLY.defects.items()},
    )
    short = {kind: table.get(kind, {}).get("cases", 0) for kind, least in SLOW_CASES.items()
             if table.get(kind, {}).get("cases", 0) < least}  # fmt: skip
    total = table["total"]
    assert not short, f"too few cases run: {short} (at least {SLOW_CASES})"
    assert total["tracebacks"] == 0
    assert total["refused_without_location"] == 0
    assert total["losses"] == 0
    assert total["executable_cells"] == 0
    assert total["live_markup"] == 0
