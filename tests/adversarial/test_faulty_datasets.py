"""Faulty tidy datasets: read and computed, or refused with an OutcomesError that says where;
never another exception, never a warning (pytest makes warnings errors), and every value
read as it was written."""

from __future__ import annotations

import functools
import math
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import example, given

import outcomes
from outcomes import Areas, Catalogue
from tests.adversarial._profile import budget
from tests.adversarial._verdict import Case, observed, run_cases, unlocated_data_problems
from tests.strategies import (
    EXACT,
    FaultyDataset,
    csv_field,
    example_rows,
    faulty_datasets,
    plain_number,
)

pytestmark = pytest.mark.adversarial


@functools.cache
def bundled_catalogue() -> Catalogue:
    return outcomes.load_catalogue()


def check_read(seen: Case, case: FaultyDataset, frame: pd.DataFrame) -> None:
    """Every planted row whose reading is known is in the dataset exactly as planted."""
    keys = zip(frame["area"].astype(str), frame["period"].astype(str),
               frame["item"].astype(str), strict=True)  # fmt: skip
    cells = zip(frame["value"].astype(float).tolist(), frame["flag"].astype(str), strict=True)
    read = dict(zip(keys, cells, strict=True))
    for planted in case.rows:
        if planted.expect != EXACT:
            continue
        got = read.get((planted.area, planted.period, planted.item))
        want = (planted.value, planted.flag)
        if got is None:
            seen.lost(f"row {planted.row} {planted.area, planted.period, planted.item} not read")
        elif not ((math.isnan(got[0]) and math.isnan(want[0])) or got[0] == want[0]) or (
            got[1] != want[1]
        ):
            seen.lost(f"row {planted.row}: planted {want}, read {got}")


def example_dataset(area: str, period: str, item: str, value: str) -> FaultyDataset:
    """The example's data of three areas over five years, with one cell rewritten: a case
    found by the slow profile, run first in every profile (no planted rows to check)."""
    keep = {"Fife", "Angus", "Falkirk", area}
    first_years = range(2020, 2025)
    labels = {label for y in first_years for label in (str(y), f"{y}-{(y + 1) % 100:02d}")}
    lines = ["area,period,item,value,flag"]
    for row in example_rows():
        if row[0] in keep and row[1] in labels:
            text = value if row[:3] == (area, period, item) else plain_or_empty(row[3])
            lines.append(",".join(csv_field(cell) for cell in (*row[:3], text, row[4])))
    return FaultyDataset(
        text="\n".join(lines) + "\n", encoding="utf-8", rows=[], areas=None, deflators=None,
        base_period=None, confidence=0.95, suppress_below=None, faults=[f"{item} = {value}"],
    )  # fmt: skip


def plain_or_empty(value: float) -> str:
    return "" if math.isnan(value) else plain_number(value)


@budget("datasets")
@given(case=faulty_datasets())
# A subnormal denominator: the ratio overflowed (a RuntimeWarning from compute).
@example(case=example_dataset("Falkirk", "2022-23", "child_protection_registrations", "5e-324"))
# A tiny previous value: the relative change overflowed (a RuntimeWarning from compute).
@example(case=example_dataset("Falkirk", "2023-24", "social_work_sickness_absence_days", "1e-310"))
def faulty_dataset_cases(case: FaultyDataset) -> None:
    with (
        tempfile.TemporaryDirectory() as temporary,
        observed("datasets", Path(temporary), case) as seen,
    ):
        path = Path(temporary) / "data.csv"
        try:
            path.write_bytes(case.text.encode(case.encoding))
        except UnicodeEncodeError:
            path.write_bytes(case.text.encode("utf-8"))
        files = [str(path)]

        def locate(error: outcomes.OutcomesError) -> list[str]:
            return unlocated_data_problems(error, files, tables=["<frame>", "deflators"])

        data = seen.attempt(lambda: outcomes.read_dataset(path), locate=locate)
        if data is None:
            return
        check_read(seen, case, data.frame)
        areas = None
        if case.areas is not None:
            table = pd.DataFrame(case.areas, columns=["area", "name", "family_group"])
            areas = seen.attempt(lambda: Areas.from_frame(table))
            if areas is None:
                return
        results = seen.attempt(
            lambda: outcomes.compute(
                data, bundled_catalogue(), areas, case.confidence,
                deflators=case.deflators, base_period=case.base_period,
            ),
            locate=locate,
        )  # fmt: skip
        if results is None:
            return
        published = seen.attempt(lambda: results.published(case.suppress_below), primary=False)
        if published is not None:
            out = Path(temporary) / "out" / "results.csv"
            if seen.attempt(lambda: published.to_csv(out), primary=False) is not None:
                seen.check_cells([out])
        seen.attempt(lambda: outcomes.burden(data, bundled_catalogue()), primary=False)


def test_a_faulty_dataset_is_computed_or_refused_with_its_place() -> None:
    run_cases("datasets", faulty_dataset_cases)
