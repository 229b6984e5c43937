"""Data returns: the blank template a council fills in, and reading filled returns back.

A return uses the tidy layout (``area, period, item, value, flag``); the template adds
read-only help columns (``title, unit, guidance``) that are ignored when read back, so a
filled template *is* tidy data and one reader handles both layouts, in CSV and XLSX.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from outcomes.catalogue._catalogue import BUNDLED, Catalogue, load_catalogue
from outcomes.catalogue._spec import DatasetItem, DatasetSpec
from outcomes.core._io import (
    csv_text,
    format_number,
    neutralise_formula,
    sheet_cell,
    write_bytes_atomic,
)
from outcomes.core._periods import Period, as_period
from outcomes.core._tables import INSTRUCTIONS_SHEET, RawTable, read_tables, table_from_text
from outcomes.errors import DataProblemRow, Severity
from outcomes.returns._rows import FLAGS, TIDY_COLUMNS, check_rows
from outcomes.vocabulary import NON_NEGATIVE_KINDS, ItemKind, PeriodType

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from outcomes.returns._tidy import Dataset

__all__ = [
    "TEMPLATE_COLUMNS",
    "Return",
    "blank_return",
    "read_return",
    "read_returns",
    "write_template",
]

#: Columns of a blank return. ``title``, ``unit`` and ``guidance`` are help for the
#: person filling it in and are not read back.
TEMPLATE_COLUMNS = ("area", "period", "item", "title", "unit", "value", "flag", "guidance")
HELP_COLUMNS = ("title", "unit", "guidance", "kind")
RETURN_SHEET = "Return"
#: Kinds whose values cannot be negative.
_WIDTHS = {"area": 20, "period": 9, "item": 40, "title": 55, "unit": 14, "value": 14,
           "flag": 14, "guidance": 90}  # fmt: skip
# Fixed so that the same template is the same bytes (no timestamps).
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


@attrs.frozen(kw_only=True)
class Return:
    """One return file, read into the tidy layout.

    ``frame`` has ``area, period, item, value, flag`` (``value`` float; NaN where empty or
    unreadable) and ``file, sheet, row`` locating each value as a person sees it.
    ``problems`` lists what was found while reading (the file, its columns, each cell's
    number); :func:`outcomes.validate_returns` adds the checks against the dataset.
    """

    file: str
    frame: pd.DataFrame = attrs.field(eq=False, repr=False)
    problems: tuple[DataProblemRow, ...] = ()

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, file: str = "<frame>", sheet: str = "") -> Return:
        """A return from a text frame in either layout (the header is row 1).

        >>> import pandas as pd
        >>> raw = pd.DataFrame({"area": ["Fife"], "period": ["2024-25"],
        ...                     "item": ["population_total"], "value": ["1,234"]})
        >>> Return.from_frame(raw).frame["value"].tolist()
        [1234.0]
        """
        return _from_tables(file, [_frame_table(frame, file, sheet)], [])

    @classmethod
    def from_csv_text(cls, text: str, file: str = "<text>") -> Return:
        """A return from CSV text in either layout."""
        tables, problems = table_from_text(text, file)
        return _from_tables(file, tables, problems)

    @property
    def has_errors(self) -> bool:
        """Whether reading found any error (not counting warnings)."""
        return any(row.severity is Severity.ERROR for row in self.problems)


def _frame_table(frame: pd.DataFrame, file: str, sheet: str) -> RawTable:
    rows = tuple(
        (number, tuple("" if cell is None else str(cell) for cell in record))
        for number, record in enumerate(frame.itertuples(index=False, name=None), start=2)
    )
    return RawTable(file=file, sheet=sheet, header=tuple(str(c) for c in frame.columns), rows=rows)


def _from_tables(
    file: str, tables: Sequence[RawTable], problems: Sequence[DataProblemRow]
) -> Return:
    import pandas as pd

    found = list(problems)
    frames = []
    allowed = set(TIDY_COLUMNS) | set(HELP_COLUMNS)
    for table in tables:
        checked = check_rows(
            table.to_frame(), file=file, sheet=table.sheet, header_row=table.header_row,
            allowed_columns=allowed,
        )  # fmt: skip
        found += checked.problems
        frames.append(checked.frame)
    if frames:
        frame = pd.concat(frames, ignore_index=True)
    else:
        frame = check_rows(pd.DataFrame(columns=list(TIDY_COLUMNS)), file=file).frame
    return Return(file=file, frame=frame, problems=tuple(found))


def read_return(path: str | os.PathLike[str]) -> Return:
    """Read one return (CSV or XLSX; template or tidy layout) without raising for its
    content: problems are listed in :attr:`Return.problems` for validation to report.

    >>> from outcomes.core._resources import bundled_path
    >>> data = read_return(bundled_path("example") / "data.csv")
    >>> data.has_errors, data.frame.columns.tolist()[:4]
    (False, ['area', 'period', 'item', 'value'])
    """
    tables, problems = read_tables(path)
    return _from_tables(str(path), tables, problems)


def read_returns(paths: Iterable[str | os.PathLike[str]]) -> tuple[Return, ...]:
    """Read several returns (see :func:`read_return`)."""
    return tuple(read_return(path) for path in paths)


def item_period_types(catalogue: Catalogue) -> dict[str, frozenset[PeriodType]]:
    """The kinds of year each data item is returned for, from the indicators using it."""
    types: dict[str, set[PeriodType]] = {}
    for indicator in catalogue.indicators:
        for name in indicator.items:
            types.setdefault(name, set()).add(indicator.period_type)
    return {name: frozenset(kinds) for name, kinds in types.items()}


def item_periods(types: frozenset[PeriodType], first_year: int) -> tuple[str, ...]:
    """The period labels an item is returned for in the return year starting ``first_year``.

    Items of financial or August-July indicators are returned for ``2024-25``; items of
    calendar-year indicators for the calendar year in which that year starts (``2024``);
    an item both kinds use, for both.

    >>> item_periods(frozenset([PeriodType.FINANCIAL_YEAR, PeriodType.CALENDAR_YEAR]), 2024)
    ('2024-25', '2024')
    """
    labels = []
    if not types or types - {PeriodType.CALENDAR_YEAR}:
        labels.append(Period.of_year(first_year, PeriodType.FINANCIAL_YEAR).label)
    if PeriodType.CALENDAR_YEAR in types:
        labels.append(Period.of_year(first_year, PeriodType.CALENDAR_YEAR).label)
    return tuple(labels)


def _guidance(item: DatasetItem) -> str:
    if item.kind is ItemKind.SCORE:
        rule = "A score."
    elif item.kind is ItemKind.MONEY:
        rule = f"An amount in {item.unit}, 0 or more."
    elif item.kind is ItemKind.SD:
        rule = "A standard deviation, 0 or more."
    else:
        rule = f"A number of {item.unit}, 0 or more."
    parts = [item.description.strip(), rule,
             "If you do not collect it, leave the value empty and set flag to not_collected.",
             f"Used by: {', '.join(item.indicators)}."]  # fmt: skip
    return " ".join(part for part in parts if part)


def _catalogue(catalogue: Catalogue | None) -> Catalogue:
    return catalogue if catalogue is not None else load_catalogue(BUNDLED)


def blank_return(
    areas: str | Sequence[str],
    period: str | Period,
    *,
    catalogue: Catalogue | None = None,
    data: Dataset | None = None,
) -> pd.DataFrame:
    """The blank return: one row per area and data item of the minimal dataset that the
    council supplies (national figures are imported, not re-keyed), with
    the columns of :data:`TEMPLATE_COLUMNS` and empty ``value`` and ``flag``. With
    ``data``, the values and flags it holds are filled in (a completed return).

    >>> frame = blank_return("Fife", "2024-25")
    >>> frame.columns.tolist()
    ['area', 'period', 'item', 'title', 'unit', 'value', 'flag', 'guidance']
    >>> frame.loc[frame["item"] == "social_worker_vacancies_wte", "period"].item()
    '2024'
    """
    import pandas as pd

    chosen = _catalogue(catalogue)
    # The return asks only for what the council alone holds (DatasetSpec.returned).
    spec = DatasetSpec.from_catalogue(chosen).returned()
    types = item_period_types(chosen)
    year = as_period(period).first_year
    names = [areas] if isinstance(areas, str) else list(areas)
    rows = [
        (area, label, item.name, item.title, item.unit, "", "", _guidance(item))
        for area in names
        for item in spec
        for label in item_periods(types[item.name], year)
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(TEMPLATE_COLUMNS), dtype=object)
    if data is not None:
        keys = ["area", "period", "item"]
        known = data.frame.set_index(keys)
        index = pd.MultiIndex.from_frame(frame[keys])
        values = known["value"].reindex(index).to_numpy()
        # Exactly as held (the shortest text that reads back as the same number): a
        # pre-filled return must not round what it was filled from.
        frame["value"] = ["" if pd.isna(v) else format_number(float(v)) for v in values]
        frame["flag"] = known["flag"].reindex(index).fillna("").to_numpy()
    return frame


def write_template(
    path: str | os.PathLike[str],
    areas: str | Sequence[str],
    period: str | Period,
    *,
    catalogue: Catalogue | None = None,
    format: str | None = None,
    data: Dataset | None = None,
) -> Path:
    """Write a blank return as CSV or XLSX (``format``, else from the file's suffix).

    The CSV starts with a byte-order mark so spreadsheet programs read ``£`` right. The
    XLSX has a frozen header, readable column widths, number checks on the ``value``
    column, a list of flags, and an *Instructions* sheet. Same inputs, same bytes.
    With ``data``, the return is filled in from it.
    """
    year = as_period(period)
    frame = blank_return(areas, year, catalogue=catalogue, data=data)
    chosen = format or ("xlsx" if str(path).lower().endswith((".xlsx", ".xlsm")) else "csv")
    if chosen == "csv":
        return write_bytes_atomic(path, ("\ufeff" + csv_text(frame)).encode("utf-8"))
    if chosen != "xlsx":
        raise ValueError(f"format must be 'csv' or 'xlsx', not {chosen!r}")
    spec = DatasetSpec.from_catalogue(_catalogue(catalogue)).returned()
    return write_bytes_atomic(path, _template_xlsx(frame, spec, year))


def _template_xlsx(frame: pd.DataFrame, spec: DatasetSpec, period: Period) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = RETURN_SHEET
    columns = list(frame.columns)
    sheet.append([sheet_cell(column) for column in columns])
    for record in frame.itertuples(index=False, name=None):
        sheet.append([sheet_cell(str(cell)) for cell in record])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    help_fill = PatternFill("solid", fgColor="F2F2F2")
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = _WIDTHS.get(column, 15)
        if column in HELP_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.fill = help_fill
                cell.alignment = Alignment(wrap_text=column == "guidance", vertical="top")
    _lock_all_but_values(sheet, columns)
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = sheet.dimensions
    value = get_column_letter(columns.index("value") + 1)
    flag = get_column_letter(columns.index("flag") + 1)
    kinds = {item.name: item.kind for item in spec}
    non_negative = DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
        showErrorMessage=True, errorTitle="Not a number",
        error="Type a number, 0 or more, with no % sign. Leave it empty and set the flag "
        "to not_collected if you do not collect it.",
    )  # fmt: skip
    any_number = DataValidation(
        type="decimal", operator="between", formula1="-1E+300", formula2="1E+300",
        allow_blank=True, showErrorMessage=True, errorTitle="Not a number",
        error="Type a number with no % sign.",
    )  # fmt: skip
    flags = DataValidation(
        type="list", formula1='"' + ",".join(FLAGS) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle="Unknown flag",
        error="Leave the flag empty, or choose one of: " + ", ".join(FLAGS),
    )  # fmt: skip
    for number, item in enumerate(frame["item"], start=2):
        target = non_negative if kinds[item] in NON_NEGATIVE_KINDS else any_number
        target.add(f"{value}{number}")
    if len(frame):
        flags.add(f"{flag}2:{flag}{len(frame) + 1}")
    for validation in (non_negative, any_number, flags):
        if validation.sqref.ranges:
            sheet.add_data_validation(validation)
    areas = sorted(set(frame["area"]))
    notes = workbook.create_sheet(INSTRUCTIONS_SHEET)
    notes.column_dimensions["A"].width = 110
    for line in _instructions(areas, period, len(spec)):
        notes.append([neutralise_formula(line)])
    notes["A1"].font = Font(bold=True, size=14)
    return _reproducible(workbook)


def _lock_all_but_values(sheet: Worksheet, columns: Sequence[str]) -> None:
    """Only value and flag are for people to type in: area, period, item and the help are
    locked (no password: it guards against slips, not against the person returning)."""
    from openpyxl.styles import Protection

    editable = Protection(locked=False)
    for position, column in enumerate(columns, start=1):
        if column in ("value", "flag"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.protection = editable
    sheet.protection.sheet = True
    sheet.protection.autoFilter = False  # filtering and widths stay allowed
    sheet.protection.formatColumns = False


def _instructions(areas: Sequence[str], period: Period, items: int) -> list[str]:
    who = areas[0] if len(areas) == 1 else f"{len(areas)} areas"
    return [
        f"Social work data return: {who}, {period}",
        "",
        f"The sheet '{RETURN_SHEET}' lists the {items} data items of the minimal national "
        "dataset for each area: only what an indicator needs (Changing Lives, rec. 11).",
        "Fill in the 'value' column. Do not change area, period or item; the grey columns "
        "(title, unit, guidance) are help and are not read back.",
        "Numbers: type plain numbers (1234 or 1234.5). Thousands separators such as 1,234 "
        "are fine; write decimals with a point. Do not type percentages or dates.",
        "Give counts and amounts, never rates: indicators are computed from them.",
        "Not collected: leave the value empty and choose 'not_collected' in the flag column.",
        "Other flags: provisional (may change), estimated (not counted in full), revised "
        "(changed since a previous return).",
        "Rows are checked all at once by 'outcomes validate'; every problem is listed with "
        "its row, so the return can be corrected in one pass.",
    ]


def _reproducible(workbook: Workbook) -> bytes:
    """Workbook bytes with fixed timestamps, so the same inputs give the same bytes."""
    import datetime as dt

    from openpyxl.writer.excel import ExcelWriter

    fixed = dt.datetime(*_ZIP_TIME)
    properties = workbook.properties
    properties.created = properties.modified = fixed
    properties.creator = "outcomes"
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
