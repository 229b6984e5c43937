"""Reading the assessment workbook back (:mod:`._workbook` writes it).

Reading is lazy in pandera's sense: every sheet, row and cell is read, and one
:class:`~outcomes.errors.AssessmentError` lists every problem, each located by its sheet,
row (as a person sees it) and column (the header), with the dotted key it would have in
``assessment.toml``. Then the rules of :func:`check_assessment` run on what was read and
their problems are located the same way.

A workbook is what people make of it, so the reader takes what Excel and LibreOffice do
to cells in its stride: numbers typed where text is expected (an id ``1``) and text where
numbers are (``"3"``), surrounding spaces, dates stored as serial numbers or typed as text
(``2026-03-31``, or ``31/03/2026`` day first), Excel's ``_xHHHH_`` escapes and empty rows
anywhere. It refuses what would lose or garble text: merged cells, a sheet or column
missing or renamed, text outside the table, spreadsheet errors (``#N/A``). The workbook is
checked against the limits of a return before openpyxl reads it
(:mod:`outcomes.core._workbook_guard`), then streamed in read-only mode.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from xml.etree import ElementTree

import attrs

from outcomes.assessment._model import (
    AgreedAction,
    Assessment,
    CaseStudy,
    ExpectedDirection,
    Judgement,
    PeerAssessment,
    PeerMethod,
    Plan,
    PlanProgress,
    PreviousPlan,
    PromptAnswer,
    ProviderType,
    SectionReturn,
    SignOff,
    SignOffRole,
    Statement,
    StatutoryRecord,
    check_assessment,
    grade_label,
)
from outcomes.assessment._workbook import (
    ACHIEVEMENTS,
    AGREED_ACTIONS,
    CASE_STUDIES,
    COMMENTARY,
    FIELD_COLUMNS,
    NARRATIVE,
    PEER,
    PEER_FINDINGS,
    PEER_JUDGEMENTS,
    PEER_METHOD,
    PEER_SHEETS,
    PLANS,
    PREVIOUS_PLANS,
    REPORT,
    RETURN_SECTIONS,
    SELF_ASSESSMENT,
    SHEETS,
    SIGN_OFF,
    STATEMENT_KINDS,
    STATEMENTS,
    STATUTORY_FUNCTIONS,
    UNREAD_SHEETS,
    Column,
    Kind,
    SheetLayout,
    split_ids,
    text_of_cell,
)
from outcomes.core._suggest import did_you_mean
from outcomes.core._tables import column_letter
from outcomes.core._workbook_guard import SheetExtent, check_workbook
from outcomes.errors import (
    AssessmentError,
    AssessmentProblem,
    AssessmentProblemRow,
    ValidationError,
)
from outcomes.vocabulary import ReportSection, ReportStatus, ReturnSection, StatutoryFunction

if TYPE_CHECKING:
    import enum

    import pandas as pd
    from openpyxl import Workbook

    from outcomes.catalogue._catalogue import Catalogue

__all__ = [
    "ASSESSMENT_PROBLEM_COLUMNS",
    "assessment_problems_frame",
    "merge_peer_workbook",
    "read_assessment_workbook",
]

P = AssessmentProblem
_E = TypeVar("_E", bound="enum.Enum")

#: Columns of the problems table of an assessment (``outcomes assessment --report``).
ASSESSMENT_PROBLEM_COLUMNS = (
    "file", "sheet", "row", "column", "key", "value", "problem", "message", "hint",
)  # fmt: skip

#: Rules that weigh several rows together: while any cell cannot be read they would judge
#: an assessment with rows missing, so they wait until every cell reads.
_RULES_OF_SEVERAL_ROWS = frozenset(
    {P.NO_AGREED_ACTION, P.MISSING_JUDGEMENT, P.MISSING_SIGN_OFF, P.MISSING_KEY}
)
_EXCEL_LAST_SERIAL = 2_958_465  # 9999-12-31
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_GRADE = re.compile(r"(\d+)(?:\s*[-\u2013:.]?\s*(\D.*))?")
_DATE_HINT = "type a date such as 2026-03-31, or 31/03/2026 day first"


# ---------------------------------------------------------------------------------------
# The workbook as grids of cell values


class _SpreadsheetError(str):
    """The value of a cell holding a spreadsheet error such as ``#N/A``."""


@attrs.define
class _Grid:
    """One sheet's non-empty rows (numbered as a person sees them) and merged ranges."""

    title: str
    rows: dict[int, list[object]]
    merged: list[str]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _load(path: str | os.PathLike[str], file: str) -> dict[str, _Grid]:
    """Every sheet of the workbook but the instructions and lists, as grids; raises
    :class:`AssessmentError` (``UNREADABLE``) for a file that is no workbook or that the
    guard refuses."""
    import openpyxl

    try:
        source = open(path, "rb")  # noqa: SIM115 - closed below, after openpyxl is done
    except OSError as error:
        raise _unreadable(file, f"cannot open it: {error.strerror or error}") from error
    with source:
        try:
            check_workbook(source, file)
        except ValidationError as refused:
            row = refused.problems[0]
            raise _unreadable(file, row.hint, sheet=row.sheet) from None
        source.seek(0)
        try:
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True,
                                              keep_links=False)  # fmt: skip
        except Exception as error:  # openpyxl raises many kinds for a damaged workbook
            raise _unreadable(file, _damaged(error)) from None
        try:
            return _grids(workbook, file)
        except ValidationError as refused:
            row = refused.problems[0]
            raise _unreadable(file, row.hint, sheet=row.sheet) from None
        except AssessmentError:
            raise
        except Exception as error:
            raise _unreadable(file, _damaged(error)) from None
        finally:
            workbook.close()


def _damaged(error: Exception) -> str:
    return (
        f"not a valid .xlsx workbook ({type(error).__name__}): open it in Excel and save it "
        "again as an Excel Workbook (.xlsx)"
    )


def _unreadable(file: str, hint: str, sheet: str = "") -> AssessmentError:
    return AssessmentError(
        (
            AssessmentProblemRow(
                file=file, sheet=sheet, problem=P.UNREADABLE,
                message="the workbook cannot be read", hint=hint,
            ),
        )
    )  # fmt: skip


def _grids(workbook: Workbook, file: str) -> dict[str, _Grid]:
    """The sheets of the layout, read; other sheets (notes people add) by name only, for
    the hint when one of the layout's is missing."""
    known = {layout.name for layout in SHEETS}
    grids: dict[str, _Grid] = {}
    for sheet in workbook.worksheets:
        if sheet.title in UNREAD_SHEETS:
            continue
        if sheet.title not in known:
            grids[sheet.title] = _Grid(title=sheet.title, rows={}, merged=[])
            continue
        grids[sheet.title] = _Grid(
            title=sheet.title, rows=_rows(sheet, file), merged=_merged_ranges(sheet)
        )
    return grids


def _rows(sheet: Any, file: str) -> dict[int, list[object]]:
    """The non-empty rows of a read-only sheet, its real extent checked as it is read."""
    sheet.reset_dimensions()
    extent = SheetExtent(file=file, sheet=sheet.title)
    rows: dict[int, list[object]] = {}
    for number, row in enumerate(sheet.iter_rows(), start=1):
        values: list[object] = []
        for cell in row:
            value = cell.value
            if getattr(cell, "data_type", "") == "e" and value is not None:
                value = _SpreadsheetError(str(value))
            values.append(value)
        width = len(values)
        while width and _blank(values[width - 1]):
            width -= 1
        extent.add(number, len(values), width)
        if width:
            rows[number] = values[:width]
    return rows


def _merged_ranges(sheet: Any) -> list[str]:
    """The merged ranges of a read-only sheet, which openpyxl does not give in that mode.

    The guard has refused any DTD, so the XML holds no entity to expand."""
    ranges: list[str] = []
    with sheet._get_source() as source:
        data = source.read()
    if b"mergeCell" not in data:
        return ranges
    for _, element in ElementTree.iterparse(io.BytesIO(data)):
        if element.tag.rsplit("}", 1)[-1] == "mergeCell" and element.get("ref"):
            ranges.append(str(element.get("ref")))
        element.clear()
    return ranges


# ---------------------------------------------------------------------------------------
# Cells as typed values


class _BadCellError(Exception):
    """A cell that cannot be read as what its column holds."""

    def __init__(self, problem: AssessmentProblem, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.problem, self.message, self.hint = problem, message, hint


def cell_words(value: object) -> str:
    """A cell as the text a person sees, trimmed: numbers without ``.0``, dates as ISO.

    >>> cell_words(3.0), cell_words("  SW6 "), cell_words(dt.datetime(2026, 3, 31))
    ('3', 'SW6', '2026-03-31')
    """
    if isinstance(value, _SpreadsheetError):
        raise _BadCellError(P.BAD_VALUE, f"the cell holds the spreadsheet error {value}",
                            "type the value itself, not a formula")  # fmt: skip
    if isinstance(value, str):
        return text_of_cell(value.strip())
    return _words_of_value(value)


def _words_of_value(value: object) -> str:
    """A cell that is not text, as text: empty, a flag, a number or a date."""
    words = ""
    if isinstance(value, bool):
        words = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        words = str(int(value))
    elif isinstance(value, float):
        words = repr(value)
    elif isinstance(value, dt.datetime) and value.time() == dt.time():
        words = value.date().isoformat()
    elif isinstance(value, dt.date | dt.time):
        words = value.isoformat()
    elif value is not None:
        words = str(value)
    return words


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date stored as Excel's serial number (days since 1899-12-30).
        if 1 <= value <= _EXCEL_LAST_SERIAL and float(value).is_integer():
            from openpyxl.utils.datetime import from_excel

            serial: dt.datetime = from_excel(value)
            return serial.date()
        raise _BadCellError(P.WRONG_TYPE, f"{cell_words(value)} is not a date", _DATE_HINT)
    text = cell_words(value)
    for pattern, order in ((_ISO_DATE, (0, 1, 2)), (_DAY_FIRST, (2, 1, 0))):
        found = pattern.fullmatch(text)
        if found:
            year, month, day = (int(found.group(position + 1)) for position in order)
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise _BadCellError(P.WRONG_TYPE, f"{text!r} is not a date that exists",
                               _DATE_HINT) from None  # fmt: skip
    raise _BadCellError(P.WRONG_TYPE, f"{text!r} is not a date", _DATE_HINT)


def _recommendations(value: object) -> tuple[int, ...]:
    text = cell_words(value)
    numbers: list[int] = []
    for piece in (part.strip() for part in re.split(r"[;,]", text)):
        if not piece:
            continue
        if not re.fullmatch(r"\d+(?:\.0+)?", piece):
            raise _BadCellError(
                P.WRONG_TYPE, f"{piece!r} is not a recommendation number",
                "recommendations 1-13, several separated by '; ', e.g. 3; 11",
            )  # fmt: skip
        numbers.append(int(float(piece)))
    if len(set(numbers)) != len(numbers):
        raise _BadCellError(P.BAD_VALUE, f"a recommendation is listed twice in {text!r}")
    return tuple(numbers)


def _normalised(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _choice(enum_type: type[_E], value: object, what: str) -> _E:
    text = cell_words(value)
    wanted = _normalised(text)
    for member in enum_type:
        label = getattr(member, "label", "")
        if wanted == member.value or (label and wanted == _normalised(label)):
            return member
    raise _BadCellError(P.BAD_VALUE, f"{text!r} is not a known {what}",
                   did_you_mean(text, [str(member.value) for member in enum_type]))  # fmt: skip


_GRADE_WORDS = {grade_label(grade): grade for grade in range(1, 7)}
_GRADE_HINT = "6 excellent, 5 very good, 4 good, 3 adequate, 2 weak, 1 unsatisfactory"


def _count(value: object) -> int:
    """A whole number, typed as a number or as text (``1,380`` too)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_words(value).replace(",", "")
    if text.lstrip("-").isdigit():
        return int(text)
    raise _BadCellError(P.WRONG_TYPE, f"{cell_words(value)!r} is not a whole number",
                        "type a whole number, e.g. 214")  # fmt: skip


def _grade(value: object) -> int:
    """A grade from its drop-down choice (``5 very good``), its number or its word. A number
    off the scale is read, for the rules to report (``BAD_GRADE``)."""
    text = cell_words(value)
    words = " ".join(text.lower().split())
    found = _GRADE.fullmatch(words)
    if found:
        grade, word = int(found.group(1)), (found.group(2) or "").strip()
        if not word or _GRADE_WORDS.get(word) == grade:
            return grade
        raise _BadCellError(P.BAD_GRADE, f"{text!r}: grade {grade} is not {word!r}", _GRADE_HINT)
    if words in _GRADE_WORDS:
        return _GRADE_WORDS[words]
    raise _BadCellError(P.BAD_GRADE, f"{text!r} is not a grade", _GRADE_HINT)


def _flag(value: object) -> bool:
    text = cell_words(value).lower()
    if text in ("true", "yes", "y", "1"):
        return True
    if text in ("false", "no", "n", "0"):
        return False
    raise _BadCellError(P.BAD_VALUE, f"{cell_words(value)!r} is neither true nor false",
                   "choose true or false")  # fmt: skip


def _kind(value: object) -> str:
    text = cell_words(value)
    wanted = _normalised(text)
    for kind, plural in STATEMENT_KINDS.items():
        if wanted in (kind, plural):
            return kind
    raise _BadCellError(P.BAD_VALUE, f"{text!r} is neither a strength nor a priority",
                   did_you_mean(text, list(STATEMENT_KINDS)))  # fmt: skip


_CHOICES: dict[str, tuple[type[Any], str]] = {
    "provider": (ProviderType, "provider"),
    "status": (ReportStatus, "status"),
    "role": (SignOffRole, "role"),
    "return_section": (ReturnSection, "section of the return"),
    "report_section": (ReportSection, "report section"),
    "expected": (ExpectedDirection, "expected direction"),
    "progress": (PlanProgress, "progress"),
    "function": (StatutoryFunction, "statutory function"),
}


_READERS: dict[Kind, Callable[[object], object]] = {
    Kind.TEXT: cell_words,
    Kind.LONG_TEXT: cell_words,
    Kind.DATE: _date,
    Kind.RECOMMENDATIONS: _recommendations,
    Kind.INDICATORS: lambda value: split_ids(cell_words(value)),
    Kind.GRADE: _grade,
    Kind.FLAG: _flag,
    Kind.COUNT: _count,
}


def _value(column: Column, value: object) -> object:
    """A non-empty cell read as ``column`` holds it; raises :class:`_BadCellError`."""
    if column.kind is not Kind.CHOICE:
        return _READERS[column.kind](value)
    if column.choices == "kind":
        return _kind(value)
    enum_type, what = _CHOICES[column.choices]
    return _choice(enum_type, value, what)


# ---------------------------------------------------------------------------------------
# Sheets as entries


@attrs.frozen
class _Place:
    sheet: str
    row: int | None
    column: str


@attrs.frozen
class _Entry:
    """One row of a table sheet, read: its row, its values by column, and whether every
    value could be read."""

    row: int
    values: dict[str, Any]
    raw: dict[str, object]
    good: bool
    #: The positions of its problems in :attr:`_Reader.problems`.
    span: tuple[int, int]


class _Reader:
    """Reads the sheets of one workbook, keeping every problem with its place (one class
    because every sheet shares the problems, the places of keys and the grids)."""

    def __init__(self, file: str, grids: dict[str, _Grid]) -> None:
        self.file = file
        self.grids = grids
        self.problems: list[AssessmentProblemRow] = []
        #: Where each dotted key of a field, and each list of entries, was read.
        self.places: dict[str, _Place] = {}
        self.lists: dict[str, tuple[SheetLayout, list[tuple[int, int]]]] = {}
        #: Dotted keys of fields given but not readable (reported once, not again as missing).
        self.unreadable: set[str] = set()
        #: The sheets with rows below their header, read or not.
        self.filled: set[str] = set()

    def add(self, problem: AssessmentProblem, message: str, hint: str = "", *, key: str = "",
            place: _Place | None = None, value: str = "") -> None:  # fmt: skip
        self.problems.append(
            AssessmentProblemRow(
                file=self.file, key=key, problem=problem, message=message, hint=hint,
                sheet="" if place is None else place.sheet,
                row=None if place is None else place.row,
                column="" if place is None else place.column, value=value,
            )
        )  # fmt: skip

    # --- sheets, headers and stray cells ---------------------------------------------

    def grid(self, layout: SheetLayout) -> _Grid | None:
        grid = self.grids.get(layout.name)
        if grid is None:
            known = {sheet.name for sheet in SHEETS}
            others = [title for title in self.grids if title not in known]
            close = did_you_mean(layout.name, others) if others else ""
            hint = (f"was it renamed? {close}; " if close.startswith("did") else "") + (
                f"give the workbook its sheet '{layout.name}' back (copy it from a blank "
                "workbook: outcomes template --self-assessment --format xlsx)"
            )
            self.add(P.MISSING_KEY, f"the sheet '{layout.name}' is missing", hint,
                     place=_Place(layout.name, None, ""))  # fmt: skip
            return None
        self._merged(grid)
        return grid

    def _merged(self, grid: _Grid) -> None:
        from openpyxl.utils.cell import range_boundaries

        for reference in grid.merged:
            try:
                first_column, first_row, _, _ = range_boundaries(reference)
            except (TypeError, ValueError):
                continue
            self.add(
                P.MERGED_CELLS, f"cells {reference} are merged, so only the first holds text",
                "unmerge them (Home > Merge & Center) and give each cell its own value",
                place=_Place(grid.title, first_row, _header_at(grid, first_column or 1)),
                value=reference,
            )  # fmt: skip

    def header(self, grid: _Grid, names: Sequence[str], required: Iterable[str]) -> (
        tuple[int, dict[str, int]] | None
    ):  # fmt: skip
        """The header's row and the position (from 0) of each column named in ``names``;
        None when a required column is missing (each missing one is a problem)."""
        if not grid.rows:
            self.add(P.MISSING_KEY, "the sheet is empty: its header is missing",
                     "copy the sheet from a blank workbook",
                     place=_Place(grid.title, 1, ""))  # fmt: skip
            return None
        header_row = min(grid.rows)
        cells = [_shown(value).lower() for value in grid.rows[header_row]]
        positions = {name: cells.index(name) for name in names if name in cells}
        unknown = [c for c in cells if c and c not in names]
        missing = [name for name in required if name not in positions]
        for name in missing:
            close = did_you_mean(name, unknown) if unknown else ""
            hint = (f"was it renamed? {close}; " if close.startswith("did") else "") + (
                f"name the column '{name}' again"
            )
            self.add(P.MISSING_KEY, f"the column '{name}' is missing", hint,
                     place=_Place(grid.title, header_row, name))  # fmt: skip
        if missing:
            return None
        for position, name in enumerate(cells):
            if name and name not in names and self._filled_below(grid, header_row, position):
                self.add(
                    P.UNKNOWN_KEY, f"the column '{name}' is not part of the sheet, so its "
                    "text is not read", did_you_mean(name, names),
                    place=_Place(grid.title, header_row, name), value=name,
                )  # fmt: skip
        return header_row, positions

    @staticmethod
    def _filled_below(grid: _Grid, header_row: int, position: int) -> bool:
        return any(
            position < len(cells) and not _blank(cells[position])
            for number, cells in grid.rows.items()
            if number > header_row
        )

    def stray(self, grid: _Grid, number: int, cells: list[object], width: int) -> None:
        """Text beyond the table's columns is not read: say so rather than lose it."""
        for position in range(width, len(cells)):
            if not _blank(cells[position]):
                letter = column_letter(position + 1)
                self.add(
                    P.UNKNOWN_KEY, f"{letter}{number} is outside the table, so its text is "
                    "not read", "move it into a column of the table, or delete it",
                    place=_Place(grid.title, number, letter), value=_shown(cells[position]),
                )  # fmt: skip

    # --- the three layouts -------------------------------------------------------------

    def fields(self, layout: SheetLayout, prefix: str) -> dict[str, Any] | None:
        """A field sheet's values by field name (empty values left out); None when the
        sheet or its columns are missing. ``prefix`` makes the dotted keys (``sign_off.``)."""
        grid = self.grid(layout)
        if grid is None:
            return None
        found = self.header(grid, FIELD_COLUMNS, FIELD_COLUMNS[:2])
        if found is None:
            return None
        header_row, positions = found
        width = max(positions.values()) + 1
        values: dict[str, Any] = {}
        seen: set[str] = set()
        for number, cells in sorted(grid.rows.items()):
            if number > header_row:
                self.stray(grid, number, cells, width)
                name = _normalised(cell_words(_at(cells, positions["field"])))
                raw = _at(cells, positions["value"])
                self._field(layout, _Place(grid.title, number, "value"), name=name, raw=raw,
                            prefix=prefix, values=values, seen=seen)  # fmt: skip
        for column in layout.columns:
            key = _field_key(prefix, column.name)
            if not column.required or column.name in values or key in self.unreadable:
                continue
            if column.name in seen:
                self.add(P.MISSING_KEY, f"the {column.name} must be given", key=key,
                         place=self.places[key])  # fmt: skip
            else:
                self.add(P.MISSING_KEY, f"the field '{column.name}' is missing",
                         f"add a row '{column.name}' with its value", key=key,
                         place=_Place(grid.title, None, "field"))  # fmt: skip
        return values

    def _field(self, layout: SheetLayout, place: _Place, *, name: str, raw: object,
               prefix: str, values: dict[str, Any], seen: set[str]) -> None:  # fmt: skip
        """One row of a field sheet, read into ``values``."""
        names = [column.name for column in layout.columns]
        if name not in names:
            if not _blank(raw):
                problem, message = (
                    (P.UNKNOWN_KEY, f"'{name}' is not a field of this sheet")
                    if name else (P.MISSING_KEY, "a value without its field name is not read")
                )  # fmt: skip
                hint = did_you_mean(name, names) if name else "put it in the row of its field"
                self.add(problem, message, hint, place=attrs.evolve(place, column="field"),
                         value=_shown(raw))  # fmt: skip
            return
        key = _field_key(prefix, name)
        if name in seen:
            self.add(P.DUPLICATE, f"the field '{name}' is given twice", key=key,
                     place=attrs.evolve(place, column="field"))  # fmt: skip
            return
        seen.add(name)
        self.places[key] = place
        if _blank(raw):
            return
        try:
            values[name] = _value(layout.column(name), raw)
        except _BadCellError as bad:
            self.unreadable.add(key)
            self.add(bad.problem, bad.message, bad.hint, key=key, place=place,
                     value=_shown(raw))  # fmt: skip

    def table(self, layout: SheetLayout) -> list[_Entry] | None:
        """A table sheet's non-empty rows, each read; None when the sheet or a column is
        missing. Rows whose read columns are empty are skipped (help alone is a problem)."""
        grid = self.grid(layout)
        if grid is None:
            return None
        names = [column.name for column in layout.columns]
        required = [column.name for column in layout.columns if column.read and not column.hidden]
        found = self.header(grid, names, required)
        if found is None:
            return None
        header_row, positions = found
        width = len(grid.rows[header_row])
        entries: list[_Entry] = []
        for number, cells in sorted(grid.rows.items()):
            if number <= header_row:
                continue
            self.stray(grid, number, cells, width)
            raw = {name: _at(cells, position) for name, position in positions.items()}
            if all(_blank(value) for value in raw.values()):
                continue
            self.filled.add(grid.title)
            entries.append(self._entry(layout, grid.title, number, raw))
        return entries

    def _entry(self, layout: SheetLayout, sheet: str, number: int,
               raw: dict[str, object]) -> _Entry:  # fmt: skip
        values: dict[str, Any] = {}
        good = True
        first = len(self.problems)
        for column in layout.columns:
            if column.name not in raw or not column.read:
                continue
            cell = raw[column.name]
            place = _Place(sheet, number, column.name)
            if _blank(cell):
                if column.required:
                    good = False
                    self.add(P.MISSING_KEY, f"the {column.name} is missing",
                             f"give the {column.name} of this row, or clear the row",
                             place=place)  # fmt: skip
                continue
            try:
                values[column.name] = _value(column, cell)
            except _BadCellError as bad:
                good = False
                self.add(bad.problem, bad.message, bad.hint, place=place, value=_shown(cell))
        return _Entry(row=number, values=values, raw=raw, good=good,
                      span=(first, len(self.problems)))  # fmt: skip

    def columns(self, layout: SheetLayout) -> dict[str, tuple[str, ...]] | None:
        """A list sheet's lists, each read down its column, empty cells skipped."""
        entries = self.table(layout)
        if entries is None:
            return None
        return {
            column.name: tuple(e.values[column.name] for e in entries if column.name in e.values)
            for column in layout.columns
        }

    # --- keys of what was built --------------------------------------------------------

    def key_entry(self, entry: _Entry, key: str) -> None:
        """Give the problems of ``entry`` their dotted key (``plans[2].owner``): the entry's
        place among the non-empty rows, which is its place in the assessment once all read."""
        for position in range(*entry.span):
            problem = self.problems[position]
            field = problem.column if problem.column in entry.raw else ""
            self.problems[position] = attrs.evolve(problem, key=f"{key}.{field}" if field else key)

    def locate(self, problem: AssessmentProblemRow) -> AssessmentProblemRow:
        """A rule's problem, keyed in the built assessment, moved to its sheet, row and
        column, with the key it has in the workbook's entries."""
        if problem.key in self.places:
            place = self.places[problem.key]
            return attrs.evolve(problem, sheet=place.sheet, row=place.row, column=place.column)
        found = re.fullmatch(r"(.*?)\[(\d+)\](?:\.(\w+))?", problem.key)
        if found and found.group(1) in self.lists:
            layout, built = self.lists[found.group(1)]
            index = int(found.group(2))
            if index < len(built):
                entry, row = built[index]
                field = found.group(3) or ""
                key = f"{found.group(1)}[{entry}]" + (f".{field}" if field else "")
                return attrs.evolve(problem, key=key, sheet=layout.name, row=row, column=field)
        for prefix, place in _WHOLE_LISTS.items():
            if problem.key == prefix:
                return attrs.evolve(problem, sheet=place.sheet, row=place.row, column=place.column)
        section = re.fullmatch(r"sections\.(\w+)(?:\.(\w+))?", problem.key)
        if section and f"sections.{section.group(1)}" in self.places:
            place = self.places[f"sections.{section.group(1)}"]
            column = section.group(2) or "section"
            return attrs.evolve(problem, sheet=place.sheet, row=place.row, column=column)
        if section:
            return attrs.evolve(problem, sheet=RETURN_SECTIONS.name, column="section")
        return problem


_WHOLE_LISTS = {
    "peer_assessment.judgements": _Place(PEER_JUDGEMENTS.name, None, "section"),
    "peer_assessment": _Place(PEER.name, None, ""),
}


def _field_key(prefix: str, name: str) -> str:
    for who in ("area", "peer"):
        start = f"{who}_sign_off_"
        if name.startswith(start):
            return f"{prefix}{who}_sign_off.{name.removeprefix(start)}"
    return f"{prefix}{name}"


def _at(cells: list[object], position: int) -> object:
    return cells[position] if position < len(cells) else None


def _shown(value: object) -> str:
    try:
        return cell_words(value)
    except _BadCellError:
        return str(value)


def _header_at(grid: _Grid, column: int) -> str:
    if not grid.rows:
        return column_letter(column)
    header = grid.rows[min(grid.rows)]
    name = _shown(header[column - 1]) if column - 1 < len(header) else ""
    return name.lower() or column_letter(column)


# ---------------------------------------------------------------------------------------
# The parts of the assessment

_T = TypeVar("_T")


def _entries(
    reader: _Reader, layout: SheetLayout, prefix: str, build: Callable[[dict[str, Any]], _T]
) -> list[_T]:
    """The entries of a table sheet whose every cell reads, built; each entry's problems
    keyed ``prefix[n]``."""
    entries = reader.table(layout)
    built: list[_T] = []
    rows: list[tuple[int, int]] = []
    for index, entry in enumerate(entries or []):
        reader.key_entry(entry, f"{prefix}[{index}]")
        if entry.good:
            built.append(build(entry.values))
            rows.append((index, entry.row))
    reader.lists[prefix] = (layout, rows)
    return built


def _answers(reader: _Reader) -> list[PromptAnswer]:
    """The prompt questions answered, and those the assessment lists unanswered (marked in
    the hidden ``listed`` column); an unanswered question it does not list is left out."""
    built: list[PromptAnswer] = []
    rows: list[tuple[int, int]] = []
    index = 0
    for entry in reader.table(SELF_ASSESSMENT) or []:
        included = not (_blank(entry.raw.get("answer")) and _blank(entry.raw.get("listed")))
        if "prompt" in entry.values and not included:
            continue
        reader.key_entry(entry, f"self_assessment[{index}]")
        if entry.good:
            built.append(PromptAnswer(prompt=entry.values["prompt"],
                                      answer=entry.values.get("answer", "")))  # fmt: skip
            rows.append((index, entry.row))
        index += 1
    reader.lists["self_assessment"] = (SELF_ASSESSMENT, rows)
    return built


def _sections(reader: _Reader) -> list[SectionReturn]:
    """The sections of the return, in the return's order, with their strengths and
    priorities; statements of a section the return does not give are left out (the
    section's absence is reported by the rules)."""
    given: list[tuple[ReturnSection, bool, str]] = []
    for entry in reader.table(RETURN_SECTIONS) or []:
        section = entry.values.get("section")
        key = "sections" if section is None else f"sections.{section}"
        reader.key_entry(entry, key)
        if section is not None:
            reader.places[key] = _Place(RETURN_SECTIONS.name, entry.row, "section")
        if entry.good and section is not None:
            given.append((section, entry.values.get("provided", True),
                          entry.values.get("reason", "")))  # fmt: skip
    statements: dict[str, list[Statement]] = {}
    rows: dict[str, list[tuple[int, int]]] = {}
    counted: dict[str, int] = {}
    for entry in reader.table(STATEMENTS) or []:
        section, kind = entry.values.get("section"), entry.values.get("kind")
        if section is None or kind is None:
            reader.key_entry(entry, "sections")
            continue
        prefix = f"sections.{section}.{STATEMENT_KINDS[kind]}"
        index = counted.get(prefix, 0)
        counted[prefix] = index + 1
        reader.key_entry(entry, f"{prefix}[{index}]")
        if entry.good:
            statements.setdefault(prefix, []).append(_statement(entry.values))
            rows.setdefault(prefix, []).append((index, entry.row))
    for prefix, built in rows.items():
        reader.lists[prefix] = (STATEMENTS, built)
    sections = [
        SectionReturn(
            section=section, provided=provided, reason=reason,
            strengths=statements.get(f"sections.{section}.strengths", ()),
            priorities=statements.get(f"sections.{section}.priorities", ()),
        )
        for section, provided, reason in given
    ]  # fmt: skip
    return sorted(sections, key=lambda s: list(ReturnSection).index(s.section))


def _statement(values: dict[str, Any]) -> Statement:
    return Statement(
        text=values["text"],
        recommendations=values.get("recommendations", ()),
        indicators=values.get("indicators", ()),
        response=values.get("response", ""),
    )


def _plan(values: dict[str, Any]) -> Plan:
    return Plan(
        id=values["id"],
        action=values["action"],
        owner=values["owner"],
        due=values["due"],
        recommendations=values.get("recommendations", ()),
        indicators=values.get("indicators", ()),
        expected=values.get("expected", ExpectedDirection.IMPROVE),
    )


def _previous_plan(values: dict[str, Any]) -> PreviousPlan:
    return PreviousPlan(
        plan=_plan(values),
        progress=values.get("progress", PlanProgress.NOT_REPORTED),
        comment=values.get("comment", ""),
        response=values.get("response", ""),
    )


def _sign_off(reader: _Reader, values: dict[str, Any], prefix: str, key: str) -> SignOff | None:
    """A sign-off from the fields ``prefix`` + name, role and date: none when all three
    are empty; each missing one a problem when any is given."""
    given: dict[str, Any] = {
        name: values.get(f"{prefix}{name}") for name in ("name", "role", "date")
    }
    if all(value is None for value in given.values()):
        return None
    missing = [name for name, value in given.items() if value is None]
    for name in missing:
        where = f"{key}.{name}"
        if where in reader.unreadable:
            continue
        reader.add(P.MISSING_KEY, f"the sign-off's {name} is missing",
                   "a sign-off has a name, a role and a date", key=where,
                   place=reader.places.get(where))  # fmt: skip
    if missing:
        return None
    return SignOff(name=given["name"], role=given["role"], date=given["date"])


def _peer(reader: _Reader) -> PeerAssessment | None:
    """The peer annex; none when every one of its sheets is empty."""
    key = "peer_assessment"
    values = reader.fields(PEER, f"{key}.") or {}
    method = reader.columns(PEER_METHOD) or {}
    judgements = _entries(reader, PEER_JUDGEMENTS, f"{key}.judgements", _judgement)
    findings = reader.columns(PEER_FINDINGS) or {}
    actions = _entries(reader, AGREED_ACTIONS, f"{key}.actions", _action)
    anything = (values or judgements or actions or any(method.values())
                or any(findings.values()) or _peer_rows(reader))  # fmt: skip
    if not anything:
        return None
    missing = [name for name in ("peer_area", "peer_name", "started", "finished")
               if name not in values]  # fmt: skip
    for name in missing:
        where = f"{key}.{name}"
        if where in reader.unreadable:
            continue
        reader.add(P.MISSING_KEY, f"the peer assessment's {name} is missing",
                   "give it on the sheet 'Peer assessment'", key=where,
                   place=reader.places.get(where, _Place(PEER.name, None, "field")))  # fmt: skip
    area_sign_off = _sign_off(reader, values, "area_sign_off_", f"{key}.area_sign_off")
    peer_sign_off = _sign_off(reader, values, "peer_sign_off_", f"{key}.peer_sign_off")
    if missing:
        return None
    return PeerAssessment(
        peer_area=values["peer_area"],
        peer_name=values["peer_name"],
        started=values["started"],
        finished=values["finished"],
        method=PeerMethod(**method),
        judgements=judgements,
        strengths=findings.get("strengths", ()),
        improvements=findings.get("improvements", ()),
        actions=actions,
        area_sign_off=area_sign_off,
        peer_sign_off=peer_sign_off,
    )


def _peer_rows(reader: _Reader) -> bool:
    """Whether a peer sheet holds anything, read or not (so the annex is begun)."""
    return any(layout.name in reader.filled for layout in PEER_SHEETS) or any(
        key.startswith("peer_assessment.") for key in reader.unreadable
    )


def _judgement(values: dict[str, Any]) -> Judgement:
    return Judgement(
        section=values["section"],
        grade=values["grade"],
        evidence=values["evidence"],
        indicators=values.get("indicators", ()),
        response=values.get("response", ""),
    )


def _action(values: dict[str, Any]) -> AgreedAction:
    return AgreedAction(
        action=values["action"],
        owner=values["owner"],
        due=values["due"],
        section=values["section"],
        recommendations=values.get("recommendations", ()),
    )


def _assessment(reader: _Reader) -> Assessment | None:
    """Everything that reads, as an assessment; None when its area or period does not."""
    report = reader.fields(REPORT, "") or {}
    narrative = reader.fields(NARRATIVE, "narrative.") or {}
    answers = _answers(reader)
    sections = _sections(reader)
    achievements = _entries(reader, ACHIEVEMENTS, "achievements", _statement)
    comments = _entries(reader, COMMENTARY, "commentary",
                        lambda v: (v["indicator"], v["comment"]))  # fmt: skip
    statutory = _entries(reader, STATUTORY_FUNCTIONS, "statutory_functions",
                         lambda v: StatutoryRecord(**v))  # fmt: skip
    case_studies = _entries(reader, CASE_STUDIES, "case_studies", lambda v: CaseStudy(**v))
    # The rules key a comment by its indicator (as in the TOML file): place it on its row.
    for (indicator, _), (_, row) in zip(comments, reader.lists["commentary"][1], strict=True):
        reader.places[f"commentary.{indicator}.indicators"] = _Place(COMMENTARY.name, row,
                                                                      "indicator")  # fmt: skip
    plans = _entries(reader, PLANS, "plans", _plan)
    previous = _entries(reader, PREVIOUS_PLANS, "previous_plans", _previous_plan)
    sign_off = _sign_off(reader, reader.fields(SIGN_OFF, "sign_off.") or {}, "", "sign_off")
    peer = _peer(reader)
    if "area" not in report or "period" not in report:
        return None
    return Assessment(
        area=report["area"],
        period=report["period"],
        provider=report.get("provider", ProviderType.COUNCIL),
        status=report.get("status", ReportStatus.DRAFT),
        narrative=narrative,
        commentary=dict(comments),
        statutory_functions=statutory,
        case_studies=case_studies,
        self_assessment=answers,
        sections=sections,
        achievements=achievements,
        plans=plans,
        previous_plans=previous,
        sign_off=sign_off,
        peer_assessment=peer,
    )


def _checked(
    reader: _Reader,
    assessment: Assessment | None,
    catalogue: Catalogue | None,
    areas: Iterable[str] | None,
) -> tuple[AssessmentProblemRow, ...]:
    """Every problem: the cells', then the rules' on what read, each located. While any
    cell does not read, the rules that weigh several rows together wait."""
    problems = list(reader.problems)
    if assessment is not None:
        ruled = check_assessment(assessment, catalogue=catalogue, areas=areas, file=reader.file)
        problems += [
            reader.locate(row)
            for row in ruled
            if not (reader.problems and row.problem in _RULES_OF_SEVERAL_ROWS)
        ]
    order = {layout.name: position for position, layout in enumerate(SHEETS)}
    return tuple(
        sorted(problems, key=lambda row: (order.get(row.sheet, -1 if not row.sheet else 99),
                                          row.row or 0))
    )  # fmt: skip


def read_assessment_workbook(
    path: str | os.PathLike[str],
    *,
    catalogue: Catalogue | None = None,
    areas: Iterable[str] | None = None,
) -> Assessment:
    """Read an assessment workbook (:func:`assessment_workbook`) back into an assessment.

    Indicator ids are checked against ``catalogue`` and the area and peer area against
    ``areas`` when given, as :func:`read_assessment` does. Raises :class:`AssessmentError`
    listing every problem, each with its sheet, row and column.

    >>> from outcomes.assessment import read_assessment_workbook  # doctest: +SKIP
    >>> read_assessment_workbook("fife-2025-26.xlsx").area  # doctest: +SKIP
    'Fife'
    """
    file = str(path)
    reader = _Reader(file, _load(path, file))
    known = None if areas is None else list(areas)
    assessment = _assessment(reader)
    problems = _checked(reader, assessment, catalogue, known)
    if problems or assessment is None:
        raise AssessmentError(problems)
    return assessment


def merge_peer_workbook(
    assessment: Assessment,
    path: str | os.PathLike[str],
    *,
    catalogue: Catalogue | None = None,
    areas: Iterable[str] | None = None,
) -> Assessment:
    """``assessment`` with its peer annex taken from the workbook at ``path`` (a peer
    workbook, ``assessment_workbook(..., peer_only=True)``, or a full one); nothing else
    changes. The workbook must be for the assessment's area and period; the merged
    assessment is checked by the rules. Raises :class:`AssessmentError` listing every
    problem.
    """
    file = str(path)
    reader = _Reader(file, _load(path, file))
    report = reader.fields(REPORT, "") or {}
    for name in ("area", "period"):
        expected: str = getattr(assessment, name)
        if name in report and report[name] != expected:
            reader.add(
                P.BAD_VALUE, f"this workbook is for {name} {report[name]!r}, the assessment "
                f"for {expected!r}", "merge the peer workbook of this assessment's area and "
                "year", key=name, place=reader.places.get(name), value=str(report[name]),
            )  # fmt: skip
    peer = _peer(reader)
    merged = attrs.evolve(assessment, peer_assessment=peer)
    problems = _checked(reader, merged, catalogue, None if areas is None else list(areas))
    if problems:
        raise AssessmentError(problems)
    return merged


def assessment_problems_frame(problems: Iterable[AssessmentProblemRow]) -> pd.DataFrame:
    """The problems of an assessment as a table (:data:`ASSESSMENT_PROBLEM_COLUMNS`)."""
    import pandas as pd

    rows = [
        {**attrs.asdict(row), "problem": row.problem.name}
        for row in problems
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(ASSESSMENT_PROBLEM_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame
