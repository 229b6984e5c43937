"""Checks on rows of the tidy layout (``area, period, item, value, flag``).

The one place these rules live: :func:`outcomes.read_dataset` and return validation both
call :func:`check_rows`, so a row is judged the same way wherever it comes from.

Numbers are read the way a council analyst expects (see :func:`parse_number`); anything
that could be read two ways is reported, never guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import attrs

from outcomes.core._io import restore_text
from outcomes.core._periods import parse_period
from outcomes.core._tables import ROW_NUMBERS, pop_row_numbers
from outcomes.errors import DataProblem, DataProblemRow, PeriodError, Severity

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FLAGS", "TIDY_COLUMNS", "CheckedRows", "check_rows", "parse_number"]

#: Flags a value may carry in the tidy dataset.
FLAGS = ("provisional", "estimated", "revised", "not_collected")
#: The tidy layout (docs/contracts.md, "Tidy dataset"); ``flag`` is optional.
TIDY_COLUMNS = ("area", "period", "item", "value", "flag")
REQUIRED_COLUMNS = TIDY_COLUMNS[:4]
#: No count, amount or duration in social work reaches this: a larger value is a mistake, and
#: summing such values over 32 areas would overflow to infinity.
LARGEST_VALUE = 1e15
#: Nor is any non-zero one this small: 1e-310 is a mistake, and dividing by it overflows.
SMALLEST_VALUE = 1e-9
#: Where each row came from, kept beside the tidy columns.
LOCATION_COLUMNS = ("file", "sheet", "row")

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
# Numbers are read in ASCII digits only (re.ASCII): Python's float() also reads Arabic-Indic
# or full-width digits, which no return means and which would pass unnoticed.
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_COMMA_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", re.ASCII)
_SPACE_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:\.\d+)?", re.ASCII)
_DOT_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3}){2,}", re.ASCII)
_DECIMAL_COMMA = re.compile(r"[+-]?(?:0|\d{1,3}(?:[. ]\d{3})+),\d+", re.ASCII)
_NUMBERISH = re.compile(r"[+-]?[\d., ]*\d[\d., ]*", re.ASCII)
_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    r"|\d{1,2}[ -](?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(?:[ -]\d{2,4})?"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[ -]\d{2,4}",
    re.IGNORECASE | re.ASCII,
)
_PLACEHOLDERS = frozenset(
    ["-", "\u2013", "\u2014", "n/a", "na", "n.a.", ".", "..", "*", "x", "c", "nil", "none", "null",
     "not collected", "not available", "unknown", "tbc"]
)  # fmt: skip
_NOT_COLLECTED_HINT = "leave the value empty and set the flag to not_collected"
_PLAIN_HINT = "write a plain number such as 1234.5"

Parsed = tuple[float | None, DataProblem | None, str]


def parse_number(text: str) -> Parsed:
    """Read one value cell: ``(number, problem, hint)``; number is None when not read.

    Accepted: plain numbers, thousands separators (``1,234``, ``1 234``, ``1.234.567``),
    a leading ``£``, accounting negatives ``(12)``, Excel's text marker ``'``, spaces.
    A decimal comma is read only where no thousands separator could be meant
    (``1.234,5``, ``0,5``); ``12,5`` is :attr:`DataProblem.AMBIGUOUS_NUMBER`. Dates and
    percentages are reported as such.

    >>> parse_number(" 1,234 ")
    (1234.0, None, '')
    >>> parse_number("12,5")[1]
    <DataProblem.AMBIGUOUS_NUMBER: 'the value could be read more than one way'>
    """
    original = _SPACES.sub(" ", text).strip()
    cell = original.removeprefix("'").strip()
    if not cell:
        return None, None, ""
    if cell.lower() in _PLACEHOLDERS:
        return None, DataProblem.NOT_A_NUMBER, _NOT_COLLECTED_HINT
    if cell.startswith("#"):
        return None, DataProblem.NOT_A_NUMBER, "the cell shows a spreadsheet error; fix it"
    if cell.startswith("="):
        return (
            None,
            DataProblem.NOT_A_NUMBER,
            (
                "a formula without a saved result: type the number, or open and save the file "
                "in a spreadsheet program"
            ),
        )
    if _DATE.fullmatch(cell):
        return (
            None,
            DataProblem.DATE_VALUE,
            (
                "a spreadsheet may have turned the number into a date: format the cell as "
                "Number and type it again"
            ),
        )
    negative = cell.startswith("(") and cell.endswith(")")
    if negative:
        cell = cell[1:-1].strip()
    sign = ""
    if cell[:1] in "+-":
        sign, cell = cell[0], cell[1:].strip()
    cell = cell.removeprefix("£").strip()
    if cell.endswith("%") and _read(cell[:-1].strip()) is not None:
        return (
            None,
            DataProblem.PERCENTAGE,
            (
                "give the count or amount itself; indicators compute percentages from their "
                "numerator and denominator"
            ),
        )
    number = _read(cell)
    if number is None:
        if _NUMBERISH.fullmatch(cell):
            return (
                None,
                DataProblem.AMBIGUOUS_NUMBER,
                (
                    f"{original!r} could be read more than one way (a decimal comma or a "
                    "thousands separator?): write it with a point for decimals and no "
                    "separators, e.g. 12.5 or 12500"
                ),
            )
        return None, DataProblem.NOT_A_NUMBER, _PLAIN_HINT
    if sign == "-" or negative:
        number = -number
    beyond = _beyond_any_amount(number)
    if beyond:
        return None, DataProblem.NOT_A_NUMBER, f"the number is {beyond} than any count or amount"
    return number, None, ""


def _beyond_any_amount(number: float) -> str:
    """``larger`` or ``smaller`` where a number cannot be a count or amount, else ``""``."""
    if not math.isfinite(number) or abs(number) > LARGEST_VALUE:
        return "larger"
    return "smaller" if number and abs(number) < SMALLEST_VALUE else ""


def _read(cell: str) -> float | None:
    if _PLAIN.fullmatch(cell):
        return float(cell)
    if _COMMA_THOUSANDS.fullmatch(cell):
        return float(cell.replace(",", ""))
    if _SPACE_THOUSANDS.fullmatch(cell):
        return float(cell.replace(" ", ""))
    if _DOT_THOUSANDS.fullmatch(cell):
        return float(cell.replace(".", ""))
    if _DECIMAL_COMMA.fullmatch(cell):
        return float(cell.replace(".", "").replace(" ", "").replace(",", "."))
    return None


@attrs.frozen(kw_only=True)
class CheckedRows:
    """Rows after the shared checks.

    ``frame`` has the tidy columns (``value`` float, NaN where empty or unreadable) and
    ``file, sheet, row``; rows that failed a check are kept so later checks can still
    look at them. ``problems`` lists every problem found, errors and warnings.
    """

    frame: pd.DataFrame = attrs.field(eq=False, repr=False)
    problems: tuple[DataProblemRow, ...]

    @property
    def has_errors(self) -> bool:
        """Whether any problem is an error."""
        return any(row.severity is Severity.ERROR for row in self.problems)


def _cell(value: object) -> str:
    """A cell as text; missing values (None, NaN, NA) are empty."""
    if type(value) is str:
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    return "" if text == "<NA>" and type(value).__name__ == "NAType" else text


def _empty_frame() -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame({column: pd.Series([], dtype=object) for column in TIDY_COLUMNS})
    frame["value"] = frame["value"].astype(float)
    for column in LOCATION_COLUMNS:
        frame[column] = pd.Series([], dtype=object if column != "row" else "int64")
    return frame


def check_rows(
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
