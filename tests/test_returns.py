"""Blank templates, reading returns in both layouts, number handling and formula safety."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from outcomes import (
    DatasetSpec,
    Return,
    load_catalogue,
    read_returns,
    validate_returns,
    write_template,
)
from outcomes.core._io import csv_text, neutralise_formula, restore_text
from outcomes.errors import DataProblem
from outcomes.returns import blank_return, read_return
from outcomes.returns._rows import parse_number
from tests.returns_examples import example_return

SPEC = DatasetSpec.from_catalogue(load_catalogue())


# --- Numbers the way an analyst writes them ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1234", 1234.0), (" 1234 ", 1234.0), ("1234\u00a0", 1234.0), ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5), ("1 234", 1234.0), ("1.234.567", 1234567.0),
        ("1.234,5", 1234.5), ("0,5", 0.5), ("'1234", 1234.0), ("£1,200", 1200.0),
        ("(12)", -12.0), ("-12", -12.0), ("+12", 12.0), (".5", 0.5), ("1e3", 1000.0),
        ("12.50", 12.5), ("1.234", 1.234),
    ],
)  # fmt: skip
def test_numbers_are_read_as_an_analyst_expects(text: str, number: float) -> None:
    assert parse_number(text) == (number, None, "")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("12,5", DataProblem.AMBIGUOUS_NUMBER), ("1,23", DataProblem.AMBIGUOUS_NUMBER),
        ("1,2345", DataProblem.AMBIGUOUS_NUMBER), ("1.234.5", DataProblem.AMBIGUOUS_NUMBER),
        ("45%", DataProblem.PERCENTAGE), ("12.5 %", DataProblem.PERCENTAGE),
        ("2024-03-31", DataProblem.DATE_VALUE), ("31/03/2024", DataProblem.DATE_VALUE),
        ("2024-03-31T00:00:00", DataProblem.DATE_VALUE), ("1-Apr", DataProblem.DATE_VALUE),
        ("Mar-24", DataProblem.DATE_VALUE), ("n/a", DataProblem.NOT_A_NUMBER),
        ("-", DataProblem.NOT_A_NUMBER), ("#DIV/0!", DataProblem.NOT_A_NUMBER),
        ("=SUM(B2:B4)", DataProblem.NOT_A_NUMBER), ("twelve", DataProblem.NOT_A_NUMBER),
        ("inf", DataProblem.NOT_A_NUMBER), ("nan", DataProblem.NOT_A_NUMBER),
        ("1e999", DataProblem.NOT_A_NUMBER),
    ],
)  # fmt: skip
def test_anything_ambiguous_is_reported_never_guessed(text: str, problem: DataProblem) -> None:
    number, found, hint = parse_number(text)
    assert number is None
    assert found is problem
    assert hint


# --- Templates -----------------------------------------------------------------------------


def test_the_blank_return_lists_every_item_the_council_supplies_with_help() -> None:
    frame = blank_return("Fife", "2024-25")
    assert list(frame.columns) == [
        "area", "period", "item", "title", "unit", "value", "flag", "guidance",
    ]  # fmt: skip
    assert set(frame["item"]) == {item.name for item in SPEC if item.supplier == "council"}
    # What a national body already publishes is imported, never asked for again.
    national = {item.name for item in SPEC if item.supplier != "council"}
    assert national
    assert not national & set(frame["item"])
    assert (frame["value"] == "").all()
    assert frame["guidance"].str.contains("Used by: ").all()
    # Calendar-year items are returned for the calendar year the financial year starts in.
    periods = dict(zip(frame["item"], frame["period"], strict=False))
    assert periods["social_worker_vacancies_wte"] == "2024"
    assert periods["asp_inquiries_completed"] == "2024-25"


def test_a_multi_area_template_has_every_area() -> None:
    frame = blank_return(["Fife", "Angus", "Moray"], "2024-25")
    assert frame["area"].value_counts().to_dict() == {a: len(frame) // 3 for a in
                                                      ("Fife", "Angus", "Moray")}  # fmt: skip


def test_the_csv_template_opens_in_a_spreadsheet(tmp_path: Path) -> None:
    path = write_template(tmp_path / "fife.csv", "Fife", "2024-25")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfarea,period,item,title,unit,value,flag,guidance\n")
    assert "£000s".encode() in data
    blank = read_return(path)
    assert {row.problem for row in blank.problems} == {DataProblem.EMPTY_VALUE}


def test_the_xlsx_template_is_readable_and_checked(tmp_path: Path) -> None:
    path = write_template(tmp_path / "fife.xlsx", ["Fife", "Angus"], "2024-25")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Return", "Instructions"]
    sheet = workbook["Return"]
    assert sheet.freeze_panes == "D2"
    assert [cell.value for cell in sheet[1]] == [
        "area", "period", "item", "title", "unit", "value", "flag", "guidance",
    ]  # fmt: skip
    assert sheet[1][0].font.bold
    assert sheet.column_dimensions["H"].width == 90
    assert sheet.max_row == 1 + 2 * len(blank_return("Fife", "2024-25"))
    validations = sheet.data_validations.dataValidation
    kinds = {(v.type, v.operator) for v in validations}
    assert ("decimal", "greaterThanOrEqual") in kinds
    assert any(v.type == "list" and "not_collected" in (v.formula1 or "") for v in validations)
    assert "F2" in next(v for v in validations if v.type == "decimal").sqref
    notes = [row[0] for row in workbook["Instructions"].iter_rows(values_only=True)]
    assert notes[0] == "Social work data return: 2 areas, 2024-25"
    assert any("not_collected" in str(line) for line in notes)


def test_templates_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    digests = {
        hashlib.sha256(
            write_template(tmp_path / f"{n}.xlsx", "Fife", "2024-25").read_bytes()
        ).hexdigest()
        for n in range(2)
    }
    assert len(digests) == 1


def test_xlsx_round_trip_template_filled_then_read_back(tmp_path: Path) -> None:
    path = write_template(tmp_path / "fife.xlsx", "Fife", "2024-25")
    source = example_return()
    values = {
        (str(period), str(item)): (str(value), str(flag))
        for period, item, value, flag in zip(
            source["period"], source["item"], source["value"], source["flag"], strict=True
        )
    }
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Return"]
    header = [cell.value for cell in sheet[1]]
    period_col, item_col = header.index("period"), header.index("item")
    value_col, flag_col = header.index("value"), header.index("flag")
    for n, row in enumerate(sheet.iter_rows(min_row=2)):
        value, flag = values[(str(row[period_col].value), str(row[item_col].value))]
        if value == "":
            row[flag_col].value = flag
        elif n == 0:
            row[value_col].value = f"{float(value):,}"  # number stored as text, "1,234.0"
        elif n == 1:
            row[value_col].value = f"{value} "  # trailing space
        else:
            row[value_col].value = float(value)
            row[flag_col].value = flag or None
    workbook.save(path)
    back = read_return(path)
    assert back.problems == ()
    assert set(back.frame["sheet"]) == {"Return"}
    assert back.frame["row"].tolist() == list(range(2, len(source) + 2))
    checked = validate_returns([back])
    merged = checked.frame.merge(source, on=["area", "period", "item"], suffixes=("", "_in"))
    assert len(merged) == len(source)
    expected = pd.to_numeric(merged["value_in"], errors="coerce")
    assert ((merged["value"] == expected) | (merged["value"].isna() & expected.isna())).all()
    assert (merged["flag"] == merged["flag_in"]).all()


def test_dates_and_formulas_in_a_workbook_are_reported(tmp_path: Path) -> None:
    import datetime as dt

    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(["area", "period", "item", "value"])
    sheet.append(["Fife", "2024-25", "asp_inquiries_completed", dt.datetime(2024, 3, 31)])
    sheet.append(["Fife", "2024-25", "asp_inquiries_investigatory_powers", "=B2*2"])
    sheet.append([])
    sheet.append(["Fife", "2024-25", "asp_inquiries_completed_x", 3])
    workbook.save(tmp_path / "dates.xlsx")
    found = read_return(tmp_path / "dates.xlsx")
    located = {(row.row, row.problem) for row in found.problems}
    assert located == {(2, DataProblem.DATE_VALUE), (3, DataProblem.NOT_A_NUMBER)}
    assert found.frame["row"].tolist() == [2, 3, 5]


# --- Reading files -------------------------------------------------------------------------


def test_the_tidy_layout_is_read_too(tmp_path: Path) -> None:
    path = tmp_path / "fife.csv"
    example_return().to_csv(path, index=False)
    (back,) = read_returns([path])
    assert back.problems == ()
    assert back.frame.columns.tolist() == [
        "area", "period", "item", "value", "flag", "file", "sheet", "row",
    ]  # fmt: skip


def test_row_numbers_are_what_a_person_sees(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text(
        "\n\nArea , Period,ITEM,Value\nFife,2024-25,asp_inquiries_completed,12\n\n"
        'Fife,2024-25,asp_inquiries_investigatory_powers,"1,2"\n',
        encoding="utf-8",
    )
    back = read_return(path)
    assert back.frame["row"].tolist() == [4, 6]
    (problem,) = back.problems
    assert (problem.row, problem.column, problem.problem) == (
        6, "value", DataProblem.AMBIGUOUS_NUMBER,
    )  # fmt: skip


def test_a_windows_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "area,period,item,value\nFife,2024-25,asp_inquiries_completed,£12\n".encode("cp1252")
    )
    back = read_return(path)
    assert [row.problem for row in back.problems] == [DataProblem.NOT_UTF8]
    assert back.problems[0].severity.value == "warning"
    assert back.frame["value"].tolist() == [12.0]


@pytest.mark.parametrize(
    ("name", "content"),
    [("missing.csv", None), ("empty.csv", b""), ("broken.xlsx", b"PK\x03\x04 nonsense"),
     ("binary.csv", b"\x00\x01\x02"), ("quote.csv", b'area,period\n"Fife,2024')],
)  # fmt: skip
def test_unreadable_files_are_problems_not_crashes(
    tmp_path: Path, name: str, content: bytes | None
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    back = read_return(path)
    assert [row.problem for row in back.problems] == [DataProblem.UNREADABLE_FILE]
    assert back.problems[0].hint
    assert back.frame.empty


# --- Formula injection ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_is_neutralised(text: str) -> None:
    assert neutralise_formula(text) == "'" + text
    assert restore_text(neutralise_formula(text)) == text


def test_plain_text_and_numbers_are_left_alone() -> None:
    assert neutralise_formula("Fife") == "Fife"
    assert restore_text("'quoted") == "'quoted"
    frame = pd.DataFrame({"area": ['=HYPERLINK("http://x")'], "value": [-3.0]})
    assert csv_text(frame) == 'area,value\n"\'=HYPERLINK(""http://x"")",-3\n'


def test_templates_neutralise_every_text_cell(tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://evil.example","Fife")'
    csv_path = write_template(tmp_path / "evil.csv", [evil, "@Angus"], "2024-25")
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "\n\"'=HYPERLINK" in text
    assert "\n'@Angus," in text
    xlsx_path = write_template(tmp_path / "evil.xlsx", [evil], "2024-25")
    sheet = openpyxl.load_workbook(xlsx_path)["Return"]
    assert sheet["A2"].value == "'" + evil
    assert sheet["A2"].data_type == "s"
    # Read back, the area is the text that was meant.
    assert set(read_return(xlsx_path).frame["area"]) == {evil}


def test_from_frame_reads_either_layout() -> None:
    blank = blank_return("Fife", "2024-25").iloc[:2].copy()
    blank["value"] = ["12", "1,000"]
    back = Return.from_frame(blank, "fife.xlsx")
    assert back.frame["value"].tolist() == [12.0, 1000.0]
    assert back.problems == ()
