"""Reading CSV and XLSX files into text tables, keeping the row numbers a person sees.

Every cell becomes text, so one set of rules (:mod:`outcomes.returns._rows`) reads numbers from
both formats. Spreadsheet numbers are written without a trailing ``.0``; dates become ISO
text, which the number rules then report as a date. Nothing here raises for a bad file:
the problem is returned, so that validation can list every file's problems at once.

A workbook is checked against the limits of a return before openpyxl opens it
(:mod:`outcomes.core._workbook_guard`: size, parts, sheets, rows, columns, cells, no DTDs),
then read in read-only mode a row at a time, its real extent checked as it goes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs

from outcomes.core._workbook_guard import SheetExtent, check_workbook
from outcomes.errors import DataProblem, DataProblemRow, Severity, ValidationError

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl import Workbook

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
    """Check the workbook against the limits of a return (:mod:`._workbook_guard`), then
    stream its sheets in openpyxl's read-only mode, checking their real extent as they go."""
    import openpyxl

    with open(path, "rb") as source:
        try:
            check_workbook(source, name)
        except ValidationError as refused:
            return [], list(refused.problems)
        source.seek(0)
        try:
            workbook = openpyxl.load_workbook(source, read_only=True, keep_links=False)
        except OSError:
            raise
        except Exception as error:  # openpyxl raises many kinds for a damaged workbook
            return [], [_unreadable(name, _damaged(error))]
        try:
            tables, hidden = _read_sheets(workbook, source, name)
        except ValidationError as refused:
            return [], list(refused.problems)
        except OSError:
            raise
        except Exception as error:
            return [], [_unreadable(name, _damaged(error))]
        finally:
            workbook.close()
    if not tables and not hidden:
        return [], [_unreadable(name, "no sheet holds any data")]
    return tables, hidden


def _damaged(error: Exception) -> str:
    return f"not a valid .xlsx workbook ({type(error).__name__})"


def _read_sheets(
    workbook: Workbook, source: IO[bytes], name: str
) -> tuple[list[RawTable], list[DataProblemRow]]:
    """The visible sheets as tables, and a problem for each hidden sheet holding data."""
    # A formula's saved result is only in the data-only view; it is opened when needed.
    results: list[Workbook] = []

    def saved_results() -> Workbook:
        if not results:
            source.seek(0)
            results.append(_saved_results_view(source))
        return results[0]

    tables: list[RawTable] = []
    hidden: list[DataProblemRow] = []
    try:
        for sheet in workbook.worksheets:
            if sheet.title.strip().lower() == INSTRUCTIONS_SHEET.lower():
                continue
            table = _table(name, sheet.title, _sheet_rows(sheet, name, saved_results))
            if sheet.sheet_state != "visible":
                # A hidden sheet is a lookup or notes, and is not read, unless it holds data
                # in the layout of a return: that would be lost unseen, so it is refused.
                if (
                    table is not None
                    and table.rows
                    and {cell.strip().lower() for cell in table.header} >= _TIDY
                ):
                    hidden.append(DataProblemRow(
                        file=name, sheet=sheet.title, row=table.header_row,
                        column=table.header[0], problem=DataProblem.HIDDEN_DATA,
                        hint=f"the hidden sheet holds {len(table.rows)} row(s) of data: unhide "
                        "it to return them, or delete it",
                    ))  # fmt: skip
                continue
            if table is not None:
                tables.append(table)
    finally:
        for opened in results:
            opened.close()
    return tables, hidden


#: The columns that make a sheet's rows data in the layout of a return.
_TIDY = frozenset({"area", "period", "item", "value"})


def _saved_results_view(source: IO[bytes]) -> Workbook:
    """The data-only view of a workbook, which holds the saved results of formulas."""
    import openpyxl

    return openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False)


def _sheet_rows(
    sheet: Any, file: str, saved_results: Callable[[], Workbook]
) -> Iterator[tuple[int, list[str]]]:
    """The rows of a read-only sheet as text, numbered from 1, refused past the limits.

    The sheet's declared dimension is set aside (it may be wrong either way: too small, and
    read-only mode would stop early; too large, and it would pad every row), so rows come as
    long as their last cell and missing rows as empty ones. (``sheet`` is a read-only
    worksheet, whose rows the openpyxl stubs leave untyped.)"""
    sheet.reset_dimensions()
    extent = SheetExtent(file=file, sheet=sheet.title)
    rows: list[tuple[int, list[str]]] = []
    formulas: set[tuple[int, int]] = set()
    for number, row in enumerate(sheet.iter_rows(), start=1):
        texts = [_cell_text(cell.value, getattr(cell, "number_format", "")) for cell in row]
        for column, cell in enumerate(row, start=1):
            if cell.data_type == "f":
                formulas.add((number, column))
                texts[column - 1] = str(cell.value)
        width = len(texts)
        while width and not texts[width - 1].strip():
            width -= 1
        extent.add(number, len(texts), width)
        if width:
            rows.append((number, texts[:width]))
    if formulas:
        _put_saved_results(rows, formulas, saved_results()[sheet.title])
    return iter(rows)


def _put_saved_results(
    rows: list[tuple[int, list[str]]], formulas: set[tuple[int, int]], saved: Any
) -> None:
    """Replace each formula by its saved result, where the workbook holds one."""
    saved.reset_dimensions()
    last = max(number for number, _ in formulas)
    texts = dict(rows)
    for number, row in enumerate(saved.iter_rows(max_row=last), start=1):
        for column, cell in enumerate(row, start=1):
            if (number, column) in formulas and cell.value is not None:
                texts[number][column - 1] = _cell_text(cell.value)


def _cell_text(value: object, number_format: str | None = "") -> str:
    """A cell as its text; a number shown as a percentage reads as one (``0.85`` in a cell
    formatted ``0%`` is ``85%``), so that a percentage typed for a count is caught."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value, "%" in (number_format or ""))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _number_text(value: float, shown_as_percentage: bool) -> str:
    if shown_as_percentage:
        return f"{value * 100:.12g}%"
    if isinstance(value, int):
        return str(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _unreadable(file: str, hint: str) -> DataProblemRow:
    return DataProblemRow(file=file, problem=DataProblem.UNREADABLE_FILE, hint=hint)


def _reason(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    if isinstance(error, zipfile.BadZipFile | KeyError):
        return "not a valid .xlsx workbook"
    return str(error)
