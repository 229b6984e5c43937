"""Validation lists every problem at once; each kind of problem is found in a real-looking
return made from one council's example data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from outcomes import Return, read_areas, read_dataset, validate_returns
from outcomes.core._resources import bundled_path
from outcomes.errors import DataProblem, Severity, ValidationError
from outcomes.returns._validate import DEFAULT_JUMP_FACTOR
from tests.returns_examples import example_return, row_of

EXAMPLE = bundled_path("example")
AREAS = read_areas(EXAMPLE / "areas.csv")
PREVIOUS = read_dataset(EXAMPLE / "data.csv")

Edit = Callable[[pd.DataFrame], pd.DataFrame]


def _set(item: str, column: str, text: str, period: str = "2024-25") -> Edit:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row_of(frame, item, period), column] = text
        return frame

    return edit


def _problems(*frames: pd.DataFrame, previous: bool = False) -> pd.DataFrame:
    returns = [Return.from_frame(frame, f"return{n}.csv") for n, frame in enumerate(frames)]
    try:
        checked = validate_returns(returns, areas=AREAS, previous=PREVIOUS if previous else None)
    except ValidationError as error:
        return error.to_frame()
    return checked.to_frame()


def test_a_clean_return_has_no_problems() -> None:
    checked = validate_returns([Return.from_frame(example_return(), "fife.csv")], areas=AREAS,
                               previous=PREVIOUS)  # fmt: skip
    assert checked.problems == ()
    assert len(checked.frame) == len(example_return())


#: A count the council returns, to plant problems on.
ITEM = "asp_inquiries_completed"

CASES: dict[DataProblem, tuple[Edit, str, str]] = {
    # problem: (edit, item, column) where the problem must be reported
    DataProblem.UNKNOWN_ITEM: (
        _set(ITEM, "item", "asp_inquiries_complete"), "asp_inquiries_complete", "item"),
    DataProblem.UNKNOWN_AREA: (_set(ITEM, "area", "Fyfe"), ITEM, "area"),
    DataProblem.RESERVED_AREA: (_set(ITEM, "area", "Scotland"), ITEM, "area"),
    DataProblem.BAD_PERIOD: (_set(ITEM, "period", "2024-26"), ITEM, "period"),
    DataProblem.NOT_A_NUMBER: (_set(ITEM, "value", "n/a"), ITEM, "value"),
    DataProblem.AMBIGUOUS_NUMBER: (_set(ITEM, "value", "12,5"), ITEM, "value"),
    DataProblem.DATE_VALUE: (_set(ITEM, "value", "01/04/2024"), ITEM, "value"),
    DataProblem.PERCENTAGE: (_set(ITEM, "value", "12%"), ITEM, "value"),
    DataProblem.NEGATIVE_COUNT: (_set(ITEM, "value", "-12"), ITEM, "value"),
    DataProblem.NUMERATOR_ABOVE_DENOMINATOR: (
        _set("asp_inquiries_completed_within_timescale", "value", "99999"),
        "asp_inquiries_completed_within_timescale", "value"),
    DataProblem.EMPTY_VALUE: (_set(ITEM, "value", ""), ITEM, "value"),
    DataProblem.UNKNOWN_FLAG: (_set(ITEM, "flag", "final"), ITEM, "flag"),
    DataProblem.VALUE_NOT_COLLECTED: (
        _set(ITEM, "flag", "not_collected"), ITEM, "flag"),
    DataProblem.DUPLICATE_ROW: (
        lambda f: pd.concat([f, f[f["item"] == ITEM]], ignore_index=True),
        ITEM, "item"),
    DataProblem.MISSING_ITEM: (
        lambda f: f[f["item"] != ITEM].reset_index(drop=True), ITEM, ""),
    DataProblem.EXTRA_COLUMN: (lambda f: f.assign(comment="checked by JS"), "", "comment"),
    DataProblem.MISSING_COLUMN: (lambda f: f.drop(columns="period"), "", "period"),
}  # fmt: skip


@pytest.mark.parametrize("problem", list(CASES), ids=lambda p: p.name)
def test_each_problem_is_found_where_it_is(problem: DataProblem) -> None:
    edit, item, column = CASES[problem]
    frame = edit(example_return())
    table = _problems(frame)
    found = table[table["problem"] == problem.name]
    assert len(found) == 1, table.to_string()
    (row,) = found.itertuples()
    assert (row.item, row.column) == (item, column)
    assert row.file == "return0.csv"
    assert row.hint
    if problem is DataProblem.MISSING_ITEM:
        assert str(row.row) == "<NA>"
    elif problem.name.endswith("_COLUMN"):
        assert row.row == 1
    elif problem is DataProblem.DUPLICATE_ROW:
        assert row.row == len(frame) + 1
    else:
        assert row.row == row_of(frame, item, str(row.period)) + 2


def test_every_problem_is_listed_at_once() -> None:
    frame = _set("asp_inquiries_completed", "value", "n/a")(example_return())
    frame = _set("cjsw_reports_requested", "flag", "final")(frame)
    frame = _set("asp_inquiries_investigatory_powers", "value", "-1")(frame)
    frame = _set("nqsw_employed", "value", "1.234,5")(frame)  # read as 1234.5 people
    table = _problems(frame)
    assert sorted(table["problem"]) == [
        "FRACTIONAL_COUNT", "NEGATIVE_COUNT", "NOT_A_NUMBER", "UNKNOWN_FLAG",
    ]  # fmt: skip
    fractional = table[table["problem"] == "FRACTIONAL_COUNT"]
    assert fractional[["item", "severity"]].values.tolist() == [["nqsw_employed", "warning"]]
    assert table["row"].is_monotonic_increasing


def test_unknown_items_suggest_the_right_name() -> None:
    table = _problems(
        _set("asp_inquiries_completed", "item", "ASP_inquiries_completed")(example_return())
    )
    hint = table.loc[table["problem"] == "UNKNOWN_ITEM", "hint"].item()
    assert "'asp_inquiries_completed'" in hint


def test_a_calendar_item_in_a_financial_year_is_a_bad_period() -> None:
    frame = _set("social_worker_vacancies_wte", "period", "2024-25", period="2024")(
        example_return()
    )
    table = _problems(frame)
    assert table["problem"].tolist() == ["BAD_PERIOD"]
    assert "'2024'" in table["hint"].item()


def test_conflicting_values_across_files_are_errors_in_both() -> None:
    main = example_return()
    other = main[main["item"].isin(["asp_inquiries_completed", "cjsw_reports_requested"])].copy()
    other.loc[other["item"] == "asp_inquiries_completed", "value"] = "1"
    table = _problems(main, other)
    conflicts = table[table["problem"] == "CONFLICTING_VALUES"]
    assert sorted(conflicts["file"]) == ["return0.csv", "return1.csv"]
    assert set(conflicts["item"]) == {"asp_inquiries_completed"}
    assert (conflicts["severity"] == "error").all()
    same = table[table["problem"] == "DUPLICATE_ROW"]
    assert same[["file", "item", "severity"]].values.tolist() == [
        ["return1.csv", "cjsw_reports_requested", "warning"]
    ]


def test_a_return_may_be_split_over_files() -> None:
    main = example_return()
    children = main["item"].str.contains("child|lac|care_leav|aftercare|young")
    checked = validate_returns(
        [Return.from_frame(main[children], "children.csv"),
         Return.from_frame(main[~children], "adults.csv")], areas=AREAS,
    )  # fmt: skip
    assert checked.problems == ()


def test_implausible_changes_are_warnings_against_the_previous_year() -> None:
    frame = _set("asp_inquiries_completed", "value", "9000")(example_return())
    table = _problems(frame, previous=True)
    assert table[["problem", "severity", "item"]].values.tolist() == [
        ["IMPLAUSIBLE_CHANGE", "warning", "asp_inquiries_completed"]
    ]
    assert "in 2023-24" in table["hint"].item()
    relaxed = validate_returns([Return.from_frame(frame, "f.csv")], previous=PREVIOUS,
                               jump_factor=1000)  # fmt: skip
    assert relaxed.problems == ()
    assert DEFAULT_JUMP_FACTOR == 2.0
    with pytest.raises(ValueError, match="above 1"):
        validate_returns([], jump_factor=0.5)


def test_unreadable_files_are_listed_with_the_others(tmp_path: Path) -> None:
    good = tmp_path / "fife.csv"
    example_return().to_csv(good, index=False)
    with pytest.raises(ValidationError) as caught:
        validate_returns([good, tmp_path / "angus.xlsx"])
    assert [(row.file, row.problem) for row in caught.value.problems] == [
        (str(tmp_path / "angus.xlsx"), DataProblem.UNREADABLE_FILE)
    ]


def test_not_utf8_is_a_warning_only(tmp_path: Path) -> None:
    path = tmp_path / "fife.csv"
    frame = example_return().assign(note="\u00a3 checked")
    path.write_bytes(frame.to_csv(index=False).encode("cp1252"))
    checked = validate_returns([path])
    assert [row.problem for row in checked.problems] == [
        DataProblem.NOT_UTF8, DataProblem.EXTRA_COLUMN,
    ]  # fmt: skip
    assert {row.severity for row in checked.problems} == {Severity.WARNING}


def test_an_areas_file_with_a_duplicate_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text("area,name\nFife,Fife\nFife,Fife again\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_areas(path)
    assert [(r.row, r.problem) for r in caught.value.problems] == [(3, DataProblem.DUPLICATE_AREA)]


def test_every_problem_kind_is_tested() -> None:
    covered = set(CASES) | {
        DataProblem.CONFLICTING_VALUES, DataProblem.IMPLAUSIBLE_CHANGE,
        DataProblem.UNREADABLE_FILE, DataProblem.NOT_UTF8, DataProblem.DUPLICATE_AREA,
        DataProblem.SELF_PAIR,  # tests/test_pairing.py
        DataProblem.FRACTIONAL_COUNT,  # test_every_problem_is_listed_at_once
        DataProblem.NO_DATA,  # tests/test_untrusted_input.py
        DataProblem.HIDDEN_DATA,  # tests/test_untrusted_input.py
        DataProblem.UNKNOWN_CODE,  # tests/test_import.py
        DataProblem.INCONSISTENT_CODE,  # tests/test_import.py
    }  # fmt: skip
    assert covered == set(DataProblem)


def test_severity_is_error_unless_said_otherwise() -> None:
    table = _problems(_set("asp_inquiries_completed", "value", "n/a")(example_return()))
    assert table["severity"].tolist() == [Severity.ERROR.value]
