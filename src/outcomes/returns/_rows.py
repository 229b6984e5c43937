"""Checks on rows of the tidy layout (``area, period, item, value, flag``).

The one place these rules live: :func:`outcomes.read_dataset` and return validation both
call :func:`check_rows`, so a row is judged the same way wherever it comes from.

Numbers are read the way a council analyst expects (see :func:`parse_number`); anything
that could be read two ways is reported, never guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from outcomes.core._io import restore_text
from outcomes.core._periods import parse_period
from outcomes.core._tables import ROW_NUMBERS, pop_row_numbers
from outcomes.errors import DataProblem, DataProblemRow, PeriodError, Severity

if TYPE_CHECKING:
    from typing import Any, TypeAlias

    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    #: Codes into a column's distinct texts (-1: none), of any width of signed integer.
    Codes: TypeAlias = NDArray[np.integer[Any]]

__all__ = [
    "FLAGS", "TIDY_COLUMNS", "CheckedColumns", "CheckedRows", "as_text", "check_columns",
    "check_rows",
    "parse_number",
]  # fmt: skip

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
    checked = check_columns(raw, file=file, sheet=sheet, header_row=header_row, rows=rows,
                            allowed_columns=allowed_columns)  # fmt: skip
    if checked.frame is None:
        return CheckedRows(frame=_empty_frame(), problems=checked.problems)
    frame = checked.frame
    for column in ("area", "period", "item", "flag"):
        frame[column] = as_text(frame[column])
    frame["file"] = file
    frame["sheet"] = sheet
    frame["row"] = checked.rows
    columns = [*TIDY_COLUMNS, *LOCATION_COLUMNS]
    return CheckedRows(frame=frame[columns], problems=checked.problems)


@attrs.frozen(kw_only=True)
class CheckedColumns:
    """What :func:`check_columns` found: the tidy columns (``area, period, item, flag`` as
    categoricals of their cleaned text, ``value`` float), each row's number, every problem.
    ``frame`` is None when a required column is missing."""

    frame: pd.DataFrame | None = attrs.field(eq=False, repr=False)
    rows: NDArray[np.int64] = attrs.field(eq=False, repr=False)
    problems: tuple[DataProblemRow, ...]


def _texts(column: pd.Series) -> tuple[Codes, list[str]]:
    """A column as codes into its distinct cells as text (:func:`_cell`); code -1 is ``""``.

    Columns of text (object, string or categorical) are factorised as they are; any other
    column is turned into text cell by cell first, as ``1`` and ``1.0`` are equal keys but
    different texts.
    """
    import numpy as np
    import pandas as pd
    from pandas.api.types import infer_dtype

    if isinstance(column.dtype, pd.CategoricalDtype):
        if infer_dtype(column.cat.categories, skipna=True) in ("string", "empty"):
            categories = [_cell(value) for value in column.cat.categories.tolist()]
            # The categorical's own codes (int8 to int32), not widened: at 14M rows each
            # column's copy as intp was 112 MB of fresh memory.
            return column.array.codes, categories
        column = column.astype(object)
    if infer_dtype(column, skipna=True) not in ("string", "empty"):
        column = pd.Series([_cell(value) for value in column], dtype=object)
    cells = column.astype(object).to_numpy()  # NA, None and NaN all factorise to -1
    codes, uniques = pd.factorize(cells)
    return codes.astype(np.intp, copy=False), [_cell(value) for value in uniques]


def _cleaned(column: pd.Series, clean: Callable[[str], str]) -> tuple[Codes, NDArray[np.object_]]:
    """Codes into the distinct cleaned texts of a column (each distinct text cleaned once)."""
    import numpy as np
    import pandas as pd

    codes, texts = _texts(column)
    cleaned = np.array([*texts, clean("")], dtype=object)
    # A text of letters, digits and . _ + - alone is clean as it is (no space to squeeze,
    # no marker to undo): at national scale, 200,000 distinct values are not cleaned one by
    # one in Python. Flags are lowered too, so each is cleaned.
    plain = _plain_texts(texts) if clean is _clean_cell else np.zeros(len(texts), dtype=bool)
    for position in np.flatnonzero(~plain).tolist():
        cleaned[position] = clean(texts[position])
    remap, distinct = pd.factorize(cleaned)
    count = len(texts)
    if np.array_equal(remap[:count], np.arange(count)) and (not len(codes) or codes.min() >= 0):
        # Cleaning changed no text into another (the usual case): the codes stand, and
        # the texts are theirs (without the empty text added for a missing cell: none is).
        return codes, np.asarray(distinct[:count], dtype=object)
    return remap[codes].astype(np.intp, copy=False), np.asarray(distinct, dtype=object)


#: Texts that :func:`_clean_cell` leaves as they are (a subset: some others are left too).
_PLAIN_TEXT = r"^[0-9A-Za-z._+-]*$"


def _plain_texts(texts: list[str]) -> NDArray[np.bool_]:
    """Whether each text is one :func:`_clean_cell` leaves as it is (:data:`_PLAIN_TEXT`),
    told for all at once by Arrow."""
    import numpy as np
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    if not texts:
        return np.zeros(0, dtype=bool)
    found = pc.match_substring_regex(_arrow_strings(texts), _PLAIN_TEXT)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def _arrow_strings(texts: Sequence[str]) -> Any:
    """The texts as an Arrow array, a text that is not valid Unicode (a lone surrogate, from
    a frame made in Python) as a line break: that matches no pattern of this module, so the
    text is looked at in Python like any other unusual text."""
    import pyarrow as pa

    try:
        return pa.array(texts, type=pa.string())
    except UnicodeEncodeError:
        return pa.array([text if _encodable(text) else "\n" for text in texts], pa.string())


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _clean_cell(text: str) -> str:
    return restore_text(_SPACES.sub(" ", text).strip())


def _clean_flag(text: str) -> str:
    return _clean_cell(text).lower()


# A value cell that is a plain number with nothing to clean: read by Arrow, all at once.
_PLAIN_CELL = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def _parsed_values(texts: NDArray[np.object_]) -> tuple[NDArray[np.float64], list[int]]:
    """The numbers of distinct cleaned value texts (NaN where not read) and the positions
    that are not plain numbers within range, which :func:`parse_number` reads one by one."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    strings = _arrow_strings(list(texts))
    plain = pc.fill_null(pc.match_substring_regex(strings, _PLAIN_CELL), False)
    numbers = pc.cast(pc.if_else(plain, strings, "0"), pa.float64()).to_numpy(zero_copy_only=False)
    numbers = np.array(numbers, dtype=np.float64)
    size = np.abs(numbers)
    fine = np.asarray(plain.to_numpy(zero_copy_only=False), dtype=bool) & np.isfinite(numbers)
    fine &= (size <= LARGEST_VALUE) & ((numbers == 0) | (size >= SMALLEST_VALUE))
    numbers[~fine] = np.nan
    return numbers, np.flatnonzero(~fine).tolist()


def _tidy_columns(
    frame: pd.DataFrame,
    *,
    file: str,
    sheet: str,
    header_row: int,
    allowed_columns: Collection[str] | None,
    problems: list[DataProblemRow],
) -> dict[str, pd.Series]:
    """The tidy columns of ``frame`` by their cleaned names; a repeated name or (when
    ``allowed_columns`` is given) a filled column outside the layout is added to ``problems``."""
    names = [str(column).strip().lower() for column in frame.columns]
    keep: list[int] = []
    seen: set[str] = set()
    for position, (name, original) in enumerate(zip(names, frame.columns, strict=True)):
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
        elif (
            allowed_columns is not None
            and name not in allowed_columns
            and frame.iloc[:, position].astype(str).str.strip().ne("").any()
        ):
            problems.append(DataProblemRow(
                file=file, sheet=sheet, row=header_row, column=str(original),
                severity=Severity.WARNING, problem=DataProblem.EXTRA_COLUMN,
                hint="this column is not read; the layout is "
                + ", ".join(TIDY_COLUMNS),
            ))  # fmt: skip
    return {names[position]: frame.iloc[:, position] for position in keep}


def check_columns(  # noqa: PLR0912 - the checks in the row-by-row order
    raw: pd.DataFrame,
    *,
    file: str,
    sheet: str = "",
    header_row: int = 1,
    rows: Sequence[int] | NDArray[np.int64] | None = None,
    allowed_columns: Collection[str] | None = None,
) -> CheckedColumns:
    """:func:`check_rows`, column by column: each distinct text of a column is cleaned and
    read once, and a row costs Python time only when it has a problem.

    The problems, their order and their messages are those of checking row by row.
    """
    import numpy as np
    import pandas as pd

    if rows is not None and ROW_NUMBERS not in raw.columns:
        frame, numbers = raw, np.asarray(rows, dtype=np.int64)
    else:
        frame = raw.copy(deep=False)
        numbers = np.asarray(pop_row_numbers(frame, header_row), dtype=np.int64)
    problems: list[DataProblemRow] = []
    columns = _tidy_columns(
        frame, file=file, sheet=sheet, header_row=header_row,
        allowed_columns=allowed_columns, problems=problems,
    )  # fmt: skip
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    header = ", ".join(str(column) for column in raw.columns if column != ROW_NUMBERS)
    for column in missing:
        problems.append(DataProblemRow(
            file=file, sheet=sheet, row=header_row, column=column,
            problem=DataProblem.MISSING_COLUMN,
            hint=f"the header has {header or 'no columns'}; the layout is "
            + ", ".join(TIDY_COLUMNS),
        ))  # fmt: skip
    if missing:
        return CheckedColumns(frame=None, rows=numbers[:0], problems=tuple(problems))
    size = len(frame)
    codes: dict[str, Codes] = {}
    texts: dict[str, NDArray[np.object_]] = {}
    for column in TIDY_COLUMNS:
        if column in columns:
            clean = _clean_flag if column == "flag" else _clean_cell
            codes[column], texts[column] = _cleaned(columns[column], clean)
        else:
            codes[column], texts[column] = np.zeros(size, np.intp), np.array([""], dtype=object)
    # A row whose every cell is empty is no row (a spreadsheet's blank line).
    blank: NDArray[np.bool_] | None = np.ones(size, dtype=bool)
    for column in TIDY_COLUMNS:
        empty_cells = None if blank is None else _rows_where(texts[column] == "", codes[column])
        blank = None if blank is None or empty_cells is None else blank & empty_cells
    if blank is not None and blank.any():
        codes = {column: code[~blank] for column, code in codes.items()}
        numbers = numbers[~blank]

    def cells(column: str, mask: NDArray[np.bool_]) -> tuple[NDArray[np.intp], list[str]]:
        where = np.flatnonzero(mask)
        return where, texts[column][codes[column][where]].tolist()

    def located(
        mask: NDArray[np.bool_] | None, column: str, problem: DataProblem, hint: str | list[str]
    ) -> list[DataProblemRow]:
        if mask is None or not mask.any():
            return []
        where, values = cells(column, mask)
        areas, periods, items = (cells(name, mask)[1] for name in ("area", "period", "item"))
        hints = hint if isinstance(hint, list) else [hint] * len(where)
        return [
            DataProblemRow(
                file=file, sheet=sheet, row=int(numbers[i]), column=column, area=area,
                period=period, item=item, value=value, problem=problem, hint=why,
            )
            for i, area, period, item, value, why in zip(
                where, areas, periods, items, values, hints, strict=True
            )
        ]  # fmt: skip

    # Values: plain numbers all at once; anything else through parse_number, once a text.
    value_texts = texts["value"]
    numbers_of, unusual = _parsed_values(value_texts)
    kinds_of = np.zeros(len(value_texts), dtype=np.int8)  # 0: read or empty
    hints_of = [""] * len(value_texts)
    kind_list = (DataProblem.NOT_A_NUMBER, DataProblem.AMBIGUOUS_NUMBER,
                 DataProblem.DATE_VALUE, DataProblem.PERCENTAGE)  # fmt: skip
    for position in unusual:
        number, kind, why = parse_number(value_texts[position])
        numbers_of[position] = np.nan if number is None else number
        if kind is not None:
            kinds_of[position] = kind_list.index(kind) + 1
            hints_of[position] = why
    value_codes = codes["value"]
    kinds = kinds_of[value_codes] if kinds_of.any() else None  # None: every value read
    for number, problem in enumerate(kind_list, start=1):
        mask = _rows_where(kinds_of == number, value_codes)
        if mask is not None and mask.any():
            where = np.flatnonzero(mask)
            value_hints = [hints_of[code] for code in value_codes[where].tolist()]
            problems += located(mask, "value", problem, value_hints)
    values = numbers_of[value_codes]
    # Empty as read, not as typed: Excel's text marker alone (') is an empty cell too.
    empty = np.isnan(values) if kinds is None else np.isnan(values) & (kinds == 0)
    flag_texts = texts["flag"]
    not_collected = _rows_where(flag_texts == "not_collected", codes["flag"])
    problems += located(empty if not_collected is None else empty & ~not_collected, "value",
                        DataProblem.EMPTY_VALUE,
                        "give a value, or flag the cell not_collected")  # fmt: skip
    problems += located(None if not_collected is None else ~empty & not_collected, "flag",
                        DataProblem.VALUE_NOT_COLLECTED,
                        "empty the value, or remove the not_collected flag")  # fmt: skip
    known_flag = np.array([text in ("", *FLAGS) for text in flag_texts], dtype=bool)
    problems += located(_rows_where(~known_flag, codes["flag"]), "flag",
                        DataProblem.UNKNOWN_FLAG, "use one of: " + ", ".join(FLAGS))  # fmt: skip
    problems += located(_rows_where(texts["area"] == "", codes["area"]), "area",
                        DataProblem.UNKNOWN_AREA, "name the area")  # fmt: skip
    problems += located(_rows_where(texts["item"] == "", codes["item"]), "item",
                        DataProblem.UNKNOWN_ITEM, "name the data item")  # fmt: skip
    period_errors: dict[int, str] = {}
    # Only the labels of some row: the empty text added for missing cells may be unused.
    used = _counts(codes["period"], len(texts["period"])) > 0
    for code, label in enumerate(texts["period"].tolist()):
        if not used[code]:
            continue
        try:
            parse_period(label)
        except PeriodError as error:
            period_errors[code] = str(error)
    if period_errors:
        period_codes = codes["period"]
        # In the order the labels first appear, as reading row by row finds them.
        distinct, first = np.unique(period_codes, return_index=True)
        for code in distinct[np.argsort(first)].tolist():
            if code in period_errors:
                problems += located(period_codes == code, "period", DataProblem.BAD_PERIOD,
                                    period_errors[code])  # fmt: skip
    key = codes["area"].astype(np.int64)
    for column in ("period", "item"):
        key = key * len(texts[column]) + codes[column]
    if _all_distinct(key):
        duplicated = np.zeros(len(key), dtype=bool)
    else:
        duplicated = pd.Series(key).duplicated(keep="first").to_numpy()
    if duplicated.any():
        first_of = pd.Series(numbers).groupby(key).transform("first").to_numpy()
        duplicate_hints = [
            f"row {first} has the same area, period and item; keep one row"
            for first in first_of[duplicated].tolist()
        ]
        problems += located(duplicated, "item", DataProblem.DUPLICATE_ROW, duplicate_hints)
    built: dict[str, pd.Categorical | NDArray[np.float64]] = {"value": values}
    for column in TIDY_COLUMNS:
        if column != "value":
            built[column] = _categorical(codes[column], texts[column])
    # The values not copied into the frame: at 14M rows, 112 MB.
    result = pd.DataFrame({column: built[column] for column in TIDY_COLUMNS}, copy=False)
    result.columns = pd.Index(list(TIDY_COLUMNS), dtype=object)
    return CheckedColumns(frame=result, rows=numbers, problems=tuple(problems))


def _rows_where(chosen: NDArray[np.bool_], codes: Codes) -> NDArray[np.bool_] | None:
    """Whether each row's text is one of those ``chosen`` (a flag per distinct text of the
    column, ``codes`` each row's); None when none is chosen, without a pass over the rows:
    at 14M rows each pass is tens of milliseconds, and most checks find nothing."""
    return chosen[codes] if chosen.any() else None


def _counts(codes: Codes, size: int) -> NDArray[np.intp]:
    """How many times each code 0 to ``size - 1`` occurs (``np.bincount``), a block of
    codes at a time: bincount widens its input to 64-bit integers, and 14M narrow codes
    widened at once were 112 MB of fresh memory, which took longer than the counting."""
    import numpy as np

    counts = np.zeros(size, dtype=np.intp)
    for start in range(0, len(codes), _COUNT_BLOCK):
        counts += np.bincount(codes[start : start + _COUNT_BLOCK], minlength=size)
    return counts


#: Codes counted at a time by :func:`_counts`.
_COUNT_BLOCK = 1 << 18


def _all_distinct(key: NDArray[np.int64]) -> bool:
    """Whether no key repeats, told by counting when the keys are few enough to count
    (a tally per possible key), which is many times faster than hashing; else False (the
    caller then looks for the repeats)."""
    import numpy as np

    if not len(key):
        return True
    if int(key.min()) < 0:
        return False
    span = int(key.max()) + 1
    if span > max(4 * len(key), 1 << 20):
        return False
    return int(np.bincount(key, minlength=span).max()) <= 1


def as_text(column: pd.Series) -> pd.Series:
    """A categorical column of text as an object column of the same strings."""
    import numpy as np
    import pandas as pd

    texts = np.asarray(column.cat.categories, dtype=object)[column.array.codes]
    return pd.Series(texts, index=column.index, dtype=object)


def _categorical(codes: Codes, texts: NDArray[np.object_]) -> pd.Categorical:
    """Codes into texts as a categorical whose categories are the texts used, sorted."""
    import numpy as np
    import pandas as pd

    used = np.flatnonzero(_counts(codes, len(texts)))  # no unused category
    order = used[np.argsort(texts[used].astype(str), kind="stable")]
    categories = pd.Index(texts[order].tolist(), dtype=object)
    if (order == np.arange(len(order))).all():
        # The texts used are the first ones, already in order (a file sorted by area, its
        # periods in time order): the codes stand, and 14M of them are not renumbered.
        return pd.Categorical.from_codes(codes, categories=categories)
    rank = np.full(len(texts), -1, dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return pd.Categorical.from_codes(rank[codes], categories=categories)
