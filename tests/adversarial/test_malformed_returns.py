"""Malformed returns: validation keeps every value exactly or refuses the return, naming the
file (and the row and column of every fault in a row); collation keeps what validation
accepted, value for value, and writes no cell a spreadsheet would run."""

from __future__ import annotations

import functools
import math
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import example, given

import outcomes
from outcomes import Areas
from outcomes.core._resources import bundled_path
from outcomes.errors import DataProblem, Severity, ValidationError
from tests.adversarial._files import write_return_file
from tests.adversarial._profile import budget
from tests.adversarial._verdict import Case, Verdict, observed, run_cases, unlocated_data_problems
from tests.strategies import (
    EXACT,
    REFUSE,
    TIDY,
    HostileFile,
    HostileReturn,
    HostileSheet,
    PlantedRow,
    example_block,
    hostile_returns,
    plain_number,
)

pytestmark = pytest.mark.adversarial

#: Problems that refuse a file or sheet as a whole, so that its rows are not judged.
_WHOLE = frozenset({DataProblem.UNREADABLE_FILE, DataProblem.MISSING_COLUMN,
                    DataProblem.EXTRA_COLUMN})  # fmt: skip

Key = tuple[str, str, int]


@functools.cache
def example_areas() -> Areas:
    return outcomes.read_areas(bundled_path("example") / "areas.csv")


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def tidy_rows(frame: pd.DataFrame) -> dict[tuple[str, str, str], tuple[float, str]]:
    """The first value and flag of each area, period and item of a tidy frame."""
    firsts = frame.drop_duplicates(["area", "period", "item"], keep="first")
    keys = zip(firsts["area"].astype(str), firsts["period"].astype(str),
               firsts["item"].astype(str), strict=True)  # fmt: skip
    cells = zip(firsts["value"].astype(float).tolist(), firsts["flag"].astype(str), strict=True)
    return dict(zip(keys, cells, strict=True))


def check_refusal(
    seen: Case, case: HostileReturn, error: ValidationError, names: dict[str, str]
) -> None:
    """Every planted fault in a row is reported at that row (unless its whole file or sheet
    was refused for its header or its bytes)."""
    refused_whole = {(row.file, row.sheet) for row in error.problems
                     if row.problem in _WHOLE and row.severity is Severity.ERROR}  # fmt: skip
    refused_files = {file for file, sheet in refused_whole if not sheet}
    located = {(row.file, row.sheet, row.row) for row in error.problems}
    for planted in case.rows:
        path = names[planted.file]
        if planted.expect != REFUSE or path in refused_files:
            continue
        if (path, planted.sheet) in refused_whole:
            continue
        if "conflict" in planted.fault and refused_whole:
            continue  # the other value may be in what was refused whole, and unread
        if (path, planted.sheet, planted.row) not in located:
            seen.unlocated(f"{planted.fault} planted at {planted.file} sheet {planted.sheet!r} "
                           f"row {planted.row} is not reported there")  # fmt: skip


def check_accepted(
    seen: Case, case: HostileReturn, frame: pd.DataFrame, names: dict[str, str]
) -> None:
    """Every planted row read exactly as planted, at its place."""
    if case.must_refuse:
        faulty = [f"{r.fault} at {r.file} row {r.row}" for r in case.rows if r.expect == REFUSE]
        seen.lost(f"accepted a return that must be refused ({case.faults}; {faulty[:3]})")
    places = zip(frame["file"].astype(str), frame["sheet"].astype(str),
                 frame["row"].astype(int).tolist(), strict=True)  # fmt: skip
    texts = [frame[column].astype(str) for column in ("area", "period", "item")]
    values = frame["value"].astype(float).tolist()
    rows = zip(*texts, values, frame["flag"].astype(str), strict=True)
    read: dict[Key, tuple[str, str, str, float, str]] = dict(zip(places, rows, strict=True))
    for planted in case.rows:
        if planted.expect != EXACT:
            continue
        got = read.get((names[planted.file], planted.sheet, planted.row))
        want = (planted.area, planted.period, planted.item, planted.value, planted.flag)
        if got is None:
            seen.lost(f"{planted.file} sheet {planted.sheet!r} row {planted.row} {want} is not "
                      "among the rows read")  # fmt: skip
            continue
        have = got
        if have[:3] != want[:3] or not same(have[3], want[3]) or have[4] != want[4]:
            seen.lost(f"{planted.file} sheet {planted.sheet!r} row {planted.row}: planted "
                      f"{want}, read {have}")  # fmt: skip


def check_collation(seen: Case, accepted: pd.DataFrame, collated: pd.DataFrame, what: str) -> None:
    """The collated dataset holds exactly the values validation accepted."""
    want, have = tidy_rows(accepted), tidy_rows(collated)
    for key, (value, flag) in want.items():
        if key not in have:
            seen.lost(f"{what}: {key} = {value} was accepted but is not in the dataset")
        elif not same(have[key][0], value) or have[key][1] != flag:
            seen.lost(f"{what}: {key} accepted as {(value, flag)}, collated as {have[key]}")
    for key in have.keys() - want.keys():
        seen.lost(f"{what}: {key} is in the dataset but was never accepted")


def hidden_sheet_return(*, bad_value_at: int | None = None) -> HostileReturn:
    """A workbook whose visible sheet holds Fife's return and whose hidden sheet holds
    Angus's, with ``abc`` as the value in row ``bad_value_at`` of the visible sheet when
    given: cases found by the slow profile, run first in every profile."""
    sheets = {"Fife": HostileSheet("Return", [list(TIDY)]),
              "Angus": HostileSheet("Lookup", [list(TIDY)], hidden=True)}  # fmt: skip
    planted = []
    for area, period, item, value, flag in example_block(["Fife", "Angus"], 2024):
        sheet = sheets[area]
        bad = area == "Fife" and len(sheet.records) + 1 == bad_value_at
        sheet.records.append([area, period, item, "abc" if bad else plain_or_empty(value), flag])
        planted.append(PlantedRow(file="fife.xlsx", sheet=sheet.title, row=len(sheet.records),
                                  area=area, period=period, item=item, value=value, flag=flag,
                                  expect=REFUSE if bad else EXACT,
                                  fault="value_trap" if bad else ""))  # fmt: skip
    workbook = HostileFile(name="fife.xlsx", kind="xlsx", sheets=list(sheets.values()))
    return HostileReturn(files=[workbook], rows=planted, faults=["hidden_sheet"],
                         must_refuse=bad_value_at is not None, with_areas=True)  # fmt: skip


def plain_or_empty(value: float) -> str:
    return "" if math.isnan(value) else plain_number(value)


@budget("returns")
@given(case=hostile_returns())
# Values on a hidden sheet: once dropped without a word; they must be read or refused.
@example(case=hidden_sheet_return())
# ... and refusing them must not hide a fault on the visible sheet (every problem at once).
@example(case=hidden_sheet_return(bad_value_at=5))
def hostile_return_cases(case: HostileReturn) -> None:
    with (
        tempfile.TemporaryDirectory() as temporary,
        observed("returns", Path(temporary), case) as seen,
    ):
        folder = Path(temporary)
        paths = [write_return_file(folder, file) for file in case.files]
        names = {file.name: str(path) for file, path in zip(case.files, paths, strict=True)}
        areas = example_areas() if case.with_areas else None
        given_files = list(names.values())

        def locate(error: outcomes.OutcomesError) -> list[str]:
            return unlocated_data_problems(error, given_files)

        checked = seen.attempt(lambda: outcomes.validate_returns(paths, areas=areas), locate=locate)
        if seen.verdict is Verdict.REFUSED and isinstance(seen.error, ValidationError):
            check_refusal(seen, case, seen.error, names)
            if not case.must_refuse:
                seen.unplanned += sorted({row.problem.name for row in seen.error.problems
                                          if row.severity is Severity.ERROR})  # fmt: skip
        if checked is None:
            return
        check_accepted(seen, case, checked.frame, names)
        collation = seen.attempt(
            lambda: outcomes.collate(paths, areas=areas), locate=locate, primary=False
        )
        if collation is None:
            seen.lost("validation accepted the return but collation did not")
            return
        check_collation(seen, checked.frame, collation.dataset.frame, "collate")
        out = folder / "out" / "data.csv"
        written = seen.attempt(lambda: collation.write(out), primary=False)
        if written is None:
            seen.lost("the collated dataset could not be written")
            return
        seen.check_cells(written)
        reread = seen.attempt(lambda: outcomes.read_dataset(out), locate=locate, primary=False)
        if reread is None:
            seen.lost("the collated data.csv could not be read back")
            return
        check_collation(seen, checked.frame, reread.frame, "data.csv read back")


def test_a_hostile_return_is_kept_exactly_or_refused_where_it_is_wrong() -> None:
    run_cases("returns", hostile_return_cases)
