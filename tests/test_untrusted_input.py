"""Untrusted input gets a located error, never a traceback, and never loses data.

Each case here is one an adversarial run found to fail (docs/security.md): a file that is
not UTF-8, arrays nested a thousand deep, a multiplier of ``1e999``, digits that are not
ASCII, a negative count that reached the statistics, a column named twice, and two sheets
of one workbook that disagree. Each asserts the promise: an :class:`OutcomesError` that
names the file (and row, column or key), or through the CLI exit code 1 and no traceback.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import outcomes
from outcomes.core._resources import bundled_path
from outcomes.errors import (
    AssessmentError,
    AssessmentProblem,
    CatalogueError,
    CatalogueProblem,
    DataProblem,
    PeriodError,
    ValidationError,
)
from outcomes.returns._rows import parse_number

EXAMPLE = bundled_path("example")

#: Digits that Python's int() and float() read but no return means.
#: Full-width, Arabic-Indic, Eastern Arabic-Indic and Devanagari zero to nine.
FOREIGN_DIGITS = st.sampled_from(
    ["".join(chr(zero + d) for d in range(10)) for zero in (0xFF10, 0x0660, 0x06F0, 0x0966)]
)
FULL_WIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}


def full_width(text: str) -> str:
    return "".join(FULL_WIDTH.get(c, c) for c in text)


def run_cli(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "outcomes", *map(str, arguments)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


def assert_clean_failure(completed: subprocess.CompletedProcess[str], *names: str) -> None:
    """Exit 1 with a message naming each of ``names``, and no traceback."""
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    for name in names:
        assert name in completed.stderr


def assessment_text(extra: str = "") -> str:
    return f'schema = 1\narea = "Fife"\nperiod = "2024-25"\n{extra}'


# --- TOML written by people ----------------------------------------------------------------


def test_an_assessment_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "fife.toml"
    path.write_bytes(assessment_text('# café\n[narrative]\nintroduction = "ok"\n').encode("cp1252"))
    with pytest.raises(AssessmentError) as caught:
        outcomes.read_assessment(path)
    (problem,) = caught.value.problems
    assert problem.problem is AssessmentProblem.UNREADABLE
    assert problem.file == str(path)
    assert "line 4" in problem.message
    assert "UTF-8" in problem.hint


def test_a_bom_from_notepad_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "fife.toml"
    blank = outcomes.assessment.blank_assessment("Fife", "2024-25")
    path.write_bytes(b"\xef\xbb\xbf" + blank.encode("utf-8"))
    assert outcomes.read_assessment(path).area == "Fife"


@pytest.mark.parametrize("depth", [100, 1_000, 5_000])
def test_deeply_nested_arrays_are_refused_not_a_recursion_error(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "fife.toml"
    path.write_text(assessment_text("x = " + "[" * depth + "]" * depth + "\n"), encoding="utf-8")
    with pytest.raises(AssessmentError) as caught:
        outcomes.read_assessment(path)
    assert all(row.file == str(path) for row in caught.value.problems)


def test_an_indicator_file_nested_too_deep_is_a_catalogue_problem(tmp_path: Path) -> None:
    (tmp_path / "deep.toml").write_text("x = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        outcomes.load_catalogue(tmp_path)
    assert caught.value.problems[0].problem is CatalogueProblem.TOML_SYNTAX


def indicator_file(multiplier: str) -> str:
    return f"""
[[indicator]]
id = "T1"
title = "Test"
measure = "rate"
numerator = "events"
denominator = "people"
multiplier = {multiplier}
unit = "per 1,000 people"
polarity = "lower_is_better"
branch = "community_care"
recommendations = [11]
outcome_for = ["people_who_use_services"]
period_type = "financial_year"
source = "a test"

[[item]]
name = "events"
title = "Events"
unit = "events"
kind = "count"

[[item]]
name = "people"
title = "People"
unit = "people"
kind = "count"
"""


@pytest.mark.parametrize(
    "multiplier",
    [
        '"1e999"',
        '"1e999999999"',
        '"1/1e999"',
        '"0"',
        "inf",
        "nan",
        "-5",
        "1e300",
        f'"{full_width("1000")}"',
    ],
)
def test_an_impossible_multiplier_is_a_located_problem(tmp_path: Path, multiplier: str) -> None:
    (tmp_path / "t.toml").write_text(indicator_file(multiplier), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        outcomes.load_catalogue(tmp_path)
    (problem,) = caught.value.problems
    assert problem.file.endswith("t.toml")
    assert problem.key == "multiplier"


def test_a_ratio_multiplier_is_still_parsed(tmp_path: Path) -> None:
    (tmp_path / "t.toml").write_text(indicator_file('"1000/52"'), encoding="utf-8")
    assert outcomes.load_catalogue(tmp_path)["T1"].multiplier == pytest.approx(1000 / 52)


# --- numbers and periods ---------------------------------------------------------------------


@given(FOREIGN_DIGITS, st.integers(min_value=0, max_value=9999))
def test_numbers_in_other_digits_are_not_read_as_numbers(digits: str, number: int) -> None:
    text = "".join(digits[int(d)] for d in str(number))
    value, problem, _ = parse_number(text)
    assert value is None
    assert problem is DataProblem.NOT_A_NUMBER


@given(FOREIGN_DIGITS)
def test_periods_in_other_digits_are_refused(digits: str) -> None:
    label = "".join(digits[int(c)] if c.isdigit() else c for c in "2024-25")
    with pytest.raises(PeriodError):
        outcomes.parse_period(label)


@pytest.mark.parametrize("text", ["1e308", "-1e308", "1e16", "9" * 400])
def test_values_larger_than_any_count_are_refused(text: str) -> None:
    value, problem, hint = parse_number(text)
    assert value is None
    assert problem is DataProblem.NOT_A_NUMBER
    assert "larger" in hint


def test_a_return_with_phantom_period_digits_is_an_error_not_a_second_year(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fife.csv"
    outcomes.write_template(path, "Fife", "2024-25", format="csv")
    text = path.read_text(encoding="utf-8-sig").replace(
        ",2024-25,", f",{full_width('2024-25')},", 1
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        outcomes.validate_returns([path])
    bad = [row for row in caught.value.problems if row.problem is DataProblem.BAD_PERIOD]
    assert [(row.row, row.column) for row in bad] == [(2, "period")]


# --- the tidy dataset, areas and deflators --------------------------------------------------------


def test_a_negative_count_in_the_dataset_is_refused_before_the_statistics(
    tmp_path: Path,
) -> None:
    catalogue = outcomes.load_catalogue()
    counts = {item.name for item in catalogue.items.values() if item.kind.value == "count"}
    with (EXAMPLE / "data.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    target = next(r for r in rows[1:] if r[2] in counts and r[3] not in ("", "0"))
    target[3] = "-" + target[3]
    path = tmp_path / "data.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(rows)
    data = outcomes.read_dataset(path)  # a count's sign needs the catalogue to judge
    with pytest.raises(ValidationError) as caught:
        outcomes.compute(data, catalogue)
    (problem,) = caught.value.problems
    assert problem.problem is DataProblem.NEGATIVE_COUNT
    assert (problem.file, problem.area, problem.period, problem.item) == (
        str(path), target[0], target[1], target[2],
    )  # fmt: skip
    assert_clean_failure(run_cli("compute", "--data", path, "--out", tmp_path / "r.csv"),
                         str(path), target[0])  # fmt: skip


@pytest.mark.parametrize(
    ("name", "header", "row", "reader"),
    [
        ("areas.csv", "area,name,name", "Fife,Fife,Fife", outcomes.read_areas),
        ("areas.csv", "area,area,name", "Fife,Fife,Fife", outcomes.read_areas),
        ("deflators.csv", "period,deflator,deflator", "2024-25,1,1", outcomes.read_deflators),
    ],
)
def test_a_column_named_twice_is_a_header_problem(
    tmp_path: Path, name: str, header: str, row: str, reader: object
) -> None:
    path = tmp_path / name
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        reader(path)  # type: ignore[operator]
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.problem) == (str(path), 1, DataProblem.EXTRA_COLUMN)
    assert "appears twice" in problem.hint


def test_a_base_period_that_is_not_a_period_says_so(tmp_path: Path) -> None:
    completed = run_cli(
        "compute", "--data", EXAMPLE / "data.csv", "--deflators", EXAMPLE / "deflators.csv",
        "--base-period", "2024/25", "--out", tmp_path / "r.csv",
    )  # fmt: skip
    assert_clean_failure(completed, "2024/25")
    assert "data item" not in completed.stderr


# --- workbooks ------------------------------------------------------------------------------------


def filled_workbook(path: Path, second_sheet_value: float | None) -> None:
    """Fife's return with every value 10, and a copy of the sheet whose first value is
    ``second_sheet_value``."""
    outcomes.write_template(path, "Fife", "2024-25")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    value_column = [cell.value for cell in sheet[1]].index("value") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, value_column).value = 10
    copy = workbook.copy_worksheet(sheet)
    copy.title = "Second"
    copy.cell(2, value_column).value = second_sheet_value
    workbook.save(path)


def test_two_sheets_that_disagree_are_an_error_on_both(tmp_path: Path) -> None:
    path = tmp_path / "fife.xlsx"
    filled_workbook(path, 99)
    with pytest.raises(ValidationError) as caught:
        outcomes.validate_returns([path])
    conflicts = [r for r in caught.value.problems if r.problem is DataProblem.CONFLICTING_VALUES]
    assert {(r.sheet, r.row, r.value) for r in conflicts} == {("Return", 2, "10"),
                                                             ("Second", 2, "99")}  # fmt: skip
    assert_clean_failure(run_cli("collate", path, "--out", tmp_path / "data.csv"), "Second")
    assert not (tmp_path / "data.csv").exists()


def test_two_sheets_that_agree_are_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "fife.xlsx"
    filled_workbook(path, 10)
    checked = outcomes.validate_returns([path])
    duplicates = [r for r in checked.problems if r.problem is DataProblem.DUPLICATE_ROW]
    assert duplicates
    assert all(r.severity.value == "warning" and r.sheet == "Second" for r in duplicates)


# --- empty files and empty cells ----------------------------------------------------------------


def test_a_header_only_return_says_it_has_no_data(tmp_path: Path) -> None:
    path = tmp_path / "fife.csv"
    path.write_text("area,period,item,value,flag\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        outcomes.validate_returns([path])
    assert [(row.file, row.problem) for row in caught.value.problems] == [
        (str(path), DataProblem.NO_DATA)
    ]


def test_a_header_only_dataset_says_it_has_no_data(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("area,period,item,value\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        outcomes.read_dataset(path)
    assert caught.value.problems[0].problem is DataProblem.NO_DATA
    assert_clean_failure(run_cli("compute", "--data", path, "--out", tmp_path / "r.csv"),
                         str(path), "no rows")  # fmt: skip


def test_a_lone_text_marker_is_an_empty_cell_in_the_return_not_later(tmp_path: Path) -> None:
    path = tmp_path / "fife.csv"
    outcomes.write_template(path, "Fife", "2024-25", format="csv")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    value = rows[0].index("value")
    for row in rows[1:]:
        row[value] = "5"
    rows[1][value] = "'"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    with pytest.raises(ValidationError) as caught:
        outcomes.validate_returns([path])
    assert [(r.file, r.row, r.column, r.problem) for r in caught.value.problems] == [
        (str(path), 2, "value", DataProblem.EMPTY_VALUE)
    ]


@pytest.mark.parametrize("out", ["t.docx", "t.txt", "t.toml"])
def test_a_template_is_never_written_under_another_formats_name(tmp_path: Path, out: str) -> None:
    completed = run_cli("template", "--area", "Fife", "--period", "2024-25",
                        "--out", tmp_path / out)  # fmt: skip
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert not (tmp_path / out).exists()


def test_the_templates_fixed_cells_are_locked_and_the_values_are_not(tmp_path: Path) -> None:
    path = tmp_path / "fife.xlsx"
    outcomes.write_template(path, "Fife", "2024-25")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.protection.sheet
    header = [cell.value for cell in sheet[1]]
    second = {name: sheet.cell(2, position) for position, name in enumerate(header, start=1)}
    assert not second["value"].protection.locked
    assert not second["flag"].protection.locked
    assert all(second[name].protection.locked for name in ("area", "period", "item"))


def test_an_item_no_indicator_uses_is_named_not_silently_ignored(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    text = (EXAMPLE / "data.csv").read_text(encoding="utf-8")
    path.write_text(text + "Fife,2024-25,populaton_total,5,\n", encoding="utf-8")
    results = outcomes.compute(outcomes.read_dataset(path), outcomes.load_catalogue())
    assert results.unused_items == ("populaton_total",)
    completed = run_cli("compute", "--data", path, "--out", tmp_path / "r.csv")
    assert completed.returncode == 0
    assert "populaton_total" in completed.stderr
    assert outcomes.compute(outcomes.read_dataset(EXAMPLE / "data.csv"),
                            outcomes.load_catalogue()).unused_items == ()  # fmt: skip


def test_a_count_typed_as_a_percentage_in_excel_is_caught(tmp_path: Path) -> None:
    """0.85 in a cell formatted as a percentage shows as 85%: a share, not a count."""
    path = tmp_path / "fife.xlsx"
    filled_workbook(path, 10)
    workbook = openpyxl.load_workbook(path)
    del workbook["Second"]
    sheet = workbook.worksheets[0]
    value_column = [cell.value for cell in sheet[1]].index("value") + 1
    sheet.cell(2, value_column).value = 0.85
    sheet.cell(2, value_column).number_format = "0%"
    workbook.save(path)
    with pytest.raises(ValidationError) as caught:
        outcomes.validate_returns([path])
    assert [(r.row, r.column, r.value, r.problem) for r in caught.value.problems] == [
        (2, "value", "85%", DataProblem.PERCENTAGE)
    ]


def test_data_on_a_hidden_sheet_is_refused_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "fife.xlsx"
    filled_workbook(path, 10)
    workbook = openpyxl.load_workbook(path)
    workbook["Second"].title = "Lookup"
    workbook["Lookup"].sheet_state = "hidden"
    workbook.save(path)
    with pytest.raises(ValidationError) as caught:
        outcomes.validate_returns([path])
    (problem,) = caught.value.problems
    assert (problem.file, problem.sheet, problem.row, problem.problem) == (
        str(path), "Lookup", 1, DataProblem.HIDDEN_DATA,
    )  # fmt: skip
    assert "unhide" in problem.hint
    # A hidden sheet of anything else (a lookup of names) is not data, and is not read.
    workbook = openpyxl.load_workbook(path)
    lookup = workbook["Lookup"]
    workbook.remove(lookup)
    names = workbook.create_sheet("Names")
    names.append(["code", "name"])
    names.append(["S12000047", "Fife"])
    names.sheet_state = "hidden"
    workbook.save(path)
    assert outcomes.validate_returns([path]).problems == ()


def test_a_pre_filled_return_keeps_every_digit(tmp_path: Path) -> None:
    frame = outcomes.read_dataset(EXAMPLE / "data.csv").frame.copy()
    council_items = outcomes.DatasetSpec.from_catalogue(outcomes.load_catalogue()).returned()
    row = frame.index[(frame["area"] == "Fife") & (frame["period"] == "2024-25")
                      & frame["item"].isin(council_items.names)][0]  # fmt: skip
    frame.loc[row, "value"] = 123456.789012345
    data = outcomes.Dataset.from_frame(frame)
    template = outcomes.returns.blank_return("Fife", "2024-25", data=data)
    item = frame.loc[row, "item"]
    assert template.loc[template["item"] == item, "value"].item() == "123456.789012345"
