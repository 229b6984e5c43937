"""Reading CSV and XLSX files into text tables, keeping the row numbers a person sees.

Every cell becomes text, so one set of rules (:mod:`outcomes.returns._rows`) reads numbers from
both formats. Spreadsheet numbers are written without a trailing ``.0``; dates become ISO
text, which the number rules then report as a date. Nothing here raises for a bad file:
the problem is returned, so that validation can list every file's problems at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from outcomes.errors import DataProblem, DataProblemRow, Severity

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["INSTRUCTIONS_SHEET", "RawTable", "column_letter", "read_tables", "table_from_text"]

#: The sheet of a template that explains how to fill it; never read as data.
INSTRUCTIONS_SHEET = "Instructions"
XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")

#: Hidden column of :meth:`RawTable.to_frame` holding each row's number as a person sees it.
ROW_NUMBERS = "\0row"


def pop_row_numbers(frame: pd.DataFrame, header_row: int = 1) -> list[int]:
    """Remove and return the row numbers of ``frame``; frames built in memory, without the
    hidden column, are numbered from the row after the header."""
    if ROW_NUMBERS in frame.columns:
        return [int(number) for number in frame.pop(ROW_NUMBERS)]
    return list(range(header_row + 1, header_row + 1 + len(frame)))


@attrs.frozen(kw_only=True)
class RawTable:
    """One sheet (or CSV file) as text: a header row and the data rows below it.

    ``rows`` pairs each row's number as a person sees it (the first row of the file is 1)
    with its cells; fully empty rows are left out. ``header_row`` is the header's number.
    """

    file: str
    sheet: str = ""
    header: tuple[str, ...]
    header_row: int = 1
    rows: tuple[tuple[int, tuple[str, ...]], ...]

    def to_frame(self) -> pd.DataFrame:
        """The cells as a text frame; cells beyond the header are named by column letter,
        and a ``row`` column holds each row's number."""
        import pandas as pd

        width = max([len(self.header), *(len(cells) for _, cells in self.rows)])
        names = [
            name if position < len(self.header) and name else column_letter(position + 1)
            for position, name in enumerate([*self.header, *[""] * (width - len(self.header))])
        ]
        body = [[*cells, *[""] * (width - len(cells))] for _, cells in self.rows]
        frame = pd.DataFrame(body, columns=range(width), dtype=object)
        frame.columns = pd.Index(names, dtype=object)
        frame[ROW_NUMBERS] = [number for number, _ in self.rows]
        return frame


def column_letter(number: int) -> str:
    """The spreadsheet letter of a 1-based column number.

    >>> column_letter(1), column_letter(27)
    ('A', 'AA')
    """
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def read_tables(path: str | os.PathLike[str]) -> tuple[list[RawTable], list[DataProblemRow]]:
    """Read a CSV file (one table) or an XLSX workbook (one table per data sheet)."""
    name = str(path)
    suffix = Path(name).suffix.lower()
    try:
        if suffix in XLSX_SUFFIXES:
            return _read_xlsx(path, name)
        data = Path(path).read_bytes()
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        return [], [_unreadable(name, _reason(error))]
    if suffix not in CSV_SUFFIXES and data[:2] == b"PK":
        return [], [_unreadable(name, "this looks like a spreadsheet: name it .xlsx")]
    problems: list[DataProblemRow] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            return [], [_unreadable(name, f"not a text file ({error.reason})")]
        problems.append(
            DataProblemRow(
                file=name, problem=DataProblem.NOT_UTF8, severity=Severity.WARNING,
                hint="save it as 'CSV UTF-8' to be sure symbols such as £ are read right",
            )
        )  # fmt: skip
    tables, more = table_from_text(text, name)
    return tables, problems + more


def table_from_text(text: str, file: str) -> tuple[list[RawTable], list[DataProblemRow]]:
    """Read CSV text (see :func:`read_tables`)."""
    if "\0" in text:
        return [], [_unreadable(file, "the file holds binary data, not CSV text")]
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        return [], [_unreadable(file, f"not valid CSV: {error}")]
    table = _table(file, "", enumerate(records, start=1))
    if table is None:
        return [], [_unreadable(file, "the file is empty")]
    return [table], []


def _table(file: str, sheet: str, numbered: Iterable[tuple[int, Iterable[str]]]) -> RawTable | None:
    header: tuple[str, ...] | None = None
    header_row = 1
    rows: list[tuple[int, tuple[str, ...]]] = []
    for number, raw in numbered:
        cells = tuple(raw)
        while cells and not cells[-1].strip():
            cells = cells[:-1]
        if not cells:
            continue
        if header is None:
            header, header_row = cells, number
        else:
            rows.append((number, cells))
    if header is None:
        return None
    return RawTable(file=file, sheet=sheet, header=header, header_row=header_row, rows=tuple(rows))


def _read_xlsx(
    path: str | os.PathLike[str], name: str
) -> tuple[list[RawTable], list[DataProblemRow]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, data_only=False)
        # A formula's saved result is only in the data-only view; read it when needed.
        results = (
            openpyxl.load_workbook(path, data_only=True)
            if any(
                cell.data_type == "f"
                for sheet in workbook.worksheets
                for row in sheet.iter_rows()
                for cell in row
            )
            else None
        )
    except OSError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        return [], [_unreadable(name, f"not a valid .xlsx workbook ({type(error).__name__})")]
    tables: list[RawTable] = []
    for sheet in workbook.worksheets:
        if sheet.title.strip().lower() == INSTRUCTIONS_SHEET.lower():
            continue
        if sheet.sheet_state != "visible":
            continue
        saved = results[sheet.title] if results is not None else None

        def text(cell: Any, saved: Any = saved) -> str:
            if cell.data_type == "f" and saved is not None:
                result = saved.cell(row=cell.row, column=cell.column).value
                return str(cell.value) if result is None else _cell_text(result)
            return _cell_text(cell.value)

        numbered = (
            (int(row[0].row or 0), [text(cell) for cell in row]) for row in sheet.iter_rows() if row
        )
        table = _table(name, sheet.title, numbered)
        if table is not None:
            tables.append(table)
    if not tables:
        return [], [_unreadable(name, "no sheet holds any data")]
    return tables, []


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _unreadable(file: str, hint: str) -> DataProblemRow:
    return DataProblemRow(file=file, problem=DataProblem.UNREADABLE_FILE, hint=hint)


def _reason(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    if isinstance(error, zipfile.BadZipFile | KeyError):
        return "not a valid .xlsx workbook"
    return str(error)
