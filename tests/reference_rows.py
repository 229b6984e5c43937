"""The row-by-row ``check_rows`` as it was before it was vectorised (issue 20), kept as the
reference the vectorised one is compared with (tests/test_rows_vectorised.py)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from outcomes.core._io import restore_text
from outcomes.core._periods import parse_period
from outcomes.core._tables import ROW_NUMBERS, pop_row_numbers
from outcomes.errors import DataProblem, DataProblemRow, PeriodError, Severity
from outcomes.returns._rows import (
    _SPACES,
    FLAGS,
    LOCATION_COLUMNS,
    REQUIRED_COLUMNS,
    TIDY_COLUMNS,
    CheckedRows,
    _cell,
    _empty_frame,
    parse_number,
)

if TYPE_CHECKING:
    import pandas as pd


def check_rows_by_row(  # noqa: PLR0915 - kept as it was
    raw: pd.DataFrame,
    *,
    file: str,
    sheet: str = "",
    header_row: int = 1,
    rows: Sequence[int] | None = None,
    allowed_columns: Collection[str] | None = None,
) -> CheckedRows:
    """Check every row of a text frame in the tidy layout and read its values.

    Column names are matched without regard to case or surrounding spaces. ``rows`` gives
    each row's number as a person sees it (default: the row below the header, counting
    on). Columns other than the tidy ones are dropped; when ``allowed_columns`` is given,
    any column outside it and the tidy ones is reported as ``EXTRA_COLUMN`` (a warning,
    or an error when its name repeats a column already read).
    """
    import numpy as np
    import pandas as pd

    frame = raw.copy()
    numbers = (
        list(rows) if rows is not None and ROW_NUMBERS not in frame.columns
        else pop_row_numbers(frame, header_row)
    )  # fmt: skip
    problems: list[DataProblemRow] = []
    names = [str(column).strip().lower() for column in frame.columns]
    keep: list[int] = []
    seen: set[str] = set()
    for position, (name, original) in enumerate(zip(names, frame.columns, strict=True)):
        filled = frame.iloc[:, position].astype(str).str.strip().ne("").any()
        if name in seen:
            problems.append(DataProblemRow(
                file=file, sheet=sheet, row=header_row, column=str(original),
                problem=DataProblem.EXTRA_COLUMN,
                hint=f"the column {name!r} appears twice; keep one",
            ))  # fmt: skip
            continue
        seen.add(name)
        if name in TIDY_COLUMNS:
            keep.append(position)
        elif allowed_columns is not None and name not in allowed_columns and filled:
            problems.append(DataProblemRow(
                file=file, sheet=sheet, row=header_row, column=str(original),
                severity=Severity.WARNING, problem=DataProblem.EXTRA_COLUMN,
                hint="this column is not read; the layout is "
                + ", ".join(TIDY_COLUMNS),
            ))  # fmt: skip
    frame = frame.iloc[:, keep]
    frame.columns = pd.Index([names[position] for position in keep], dtype=object)
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    header = ", ".join(str(column) for column in raw.columns if column != ROW_NUMBERS)
    for column in missing:
        problems.append(DataProblemRow(
            file=file, sheet=sheet, row=header_row, column=column,
            problem=DataProblem.MISSING_COLUMN,
            hint=f"the header has {header or 'no columns'}; the layout is "
            + ", ".join(TIDY_COLUMNS),
        ))  # fmt: skip
    if missing:
        return CheckedRows(frame=_empty_frame(), problems=tuple(problems))
    if "flag" not in frame.columns:
        frame["flag"] = ""
    for column in TIDY_COLUMNS:
        cells = pd.Series([_cell(value) for value in frame[column]], index=frame.index,
                          dtype=object)  # fmt: skip
        # Columns repeat few distinct texts: clean each once.
        clean = {text: restore_text(_SPACES.sub(" ", text).strip()) for text in cells.unique()}
        if column == "flag":
            clean = {text: cleaned.lower() for text, cleaned in clean.items()}
        frame[column] = cells.map(clean).astype(object)
    frame["row"] = np.asarray(numbers, dtype="int64")
    blank = (frame[list(TIDY_COLUMNS)] == "").all(axis=1)
    frame = frame[~blank].reset_index(drop=True)
    frame["file"] = file
    frame["sheet"] = sheet

    def located(
        mask: pd.Series,
        column: str,
        problem: DataProblem,
        hint: str,
        hints: pd.Series | None = None,
    ) -> list[DataProblemRow]:
        return [
            DataProblemRow(
                file=file, sheet=sheet, row=int(str(frame.at[i, "row"])), column=column,
                area=str(frame.at[i, "area"]), period=str(frame.at[i, "period"]),
                item=str(frame.at[i, "item"]), value=str(frame.at[i, column]), problem=problem,
                hint=str(hints[i]) if hints is not None else hint,
            )
            for i in frame.index[mask]
        ]  # fmt: skip

    parsed = {text: parse_number(text) for text in frame["value"].unique()}
    values = frame["value"].map(lambda text: parsed[text][0])
    kinds = frame["value"].map(lambda text: parsed[text][1])
    hints = frame["value"].map(lambda text: parsed[text][2])
    for problem in (DataProblem.NOT_A_NUMBER, DataProblem.AMBIGUOUS_NUMBER,
                    DataProblem.DATE_VALUE, DataProblem.PERCENTAGE):  # fmt: skip
        problems += located(kinds == problem, "value", problem, "", hints)
    # Empty as read, not as typed: Excel's text marker alone (') is an empty cell too.
    empty = values.isna() & kinds.isna()
    not_collected = frame["flag"] == "not_collected"
    problems += located(empty & ~not_collected, "value", DataProblem.EMPTY_VALUE,
                        "give a value, or flag the cell not_collected")  # fmt: skip
    problems += located(~empty & not_collected, "flag", DataProblem.VALUE_NOT_COLLECTED,
                        "empty the value, or remove the not_collected flag")  # fmt: skip
    problems += located(~frame["flag"].isin(["", *FLAGS]), "flag", DataProblem.UNKNOWN_FLAG,
                        "use one of: " + ", ".join(FLAGS))  # fmt: skip
    problems += located(frame["area"] == "", "area", DataProblem.UNKNOWN_AREA, "name the area")
    problems += located(frame["item"] == "", "item", DataProblem.UNKNOWN_ITEM,
                        "name the data item")  # fmt: skip
    for label in frame["period"].unique():
        try:
            parse_period(label)
        except PeriodError as error:
            problems += located(frame["period"] == label, "period", DataProblem.BAD_PERIOD,
                                str(error))  # fmt: skip
    keys = ["area", "period", "item"]
    duplicated = frame.duplicated(keys, keep="first")
    first_row = frame.drop_duplicates(keys).set_index(keys)["row"]
    duplicate_hints = pd.Series(
        {
            i: f"row {first_row[tuple(frame.loc[i, keys])]} has the same area, period and "
            "item; keep one row"
            for i in frame.index[duplicated]
        },
        dtype=object,
    )
    problems += located(duplicated, "item", DataProblem.DUPLICATE_ROW, "", duplicate_hints)
    frame["value"] = values.astype(float)
    columns = [*TIDY_COLUMNS, *LOCATION_COLUMNS]
    return CheckedRows(frame=frame[columns].reset_index(drop=True), problems=tuple(problems))
