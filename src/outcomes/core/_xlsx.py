"""Plain tables as an ``.xlsx`` workbook, written directly as the XML parts of the format
(ECMA-376, SpreadsheetML): one sheet a table, the header row bold and frozen, text as inline
strings, numbers as numbers, empty cells left out.

For the data annex of every report: openpyxl builds a Python object per cell (about 20 µs
a cell, a quarter of a second a council), where these tables need nothing it offers beyond
the cells. Every cell goes through :func:`~outcomes.core._io.sheet_cell` first (no formula,
no character XML cannot hold), and the bytes are the same on every run (fixed zip times).
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Mapping
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from outcomes.core._io import sheet_cell
from outcomes.core._tables import column_letter

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["table_workbook"]

#: The zip entries' time: fixed, so that the same tables give the same bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT = "application/vnd.openxmlformats-officedocument"
_SHEET_NAME_MAX = 31  # Excel's limit
#: A carriage return as a character reference: XML readers turn a bare one into a newline.
_KEEP = {"\r": "&#13;"}


def table_workbook(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """The tables as an ``.xlsx`` workbook, one sheet each, in order, named by their keys
    (cut to Excel's 31 characters); the header row bold and frozen.

    >>> import pandas as pd, openpyxl, io
    >>> data = table_workbook({"Trend": pd.DataFrame({"area": ["Fife"], "value": [1.5]})})
    >>> sheet = openpyxl.load_workbook(io.BytesIO(data))["Trend"]
    >>> [[cell.value for cell in row] for row in sheet.iter_rows()], sheet["A1"].font.b
    ([['area', 'value'], ['Fife', 1.5]], True)
    """
    names = [str(name)[:_SHEET_NAME_MAX] for name in tables]
    sheets = [(f"{_RELATIONSHIPS}/worksheet", f"worksheets/sheet{k}.xml")
              for k in range(1, len(names) + 1)]  # fmt: skip
    styles = f"{_RELATIONSHIPS}/styles"
    parts: dict[str, str] = {
        "[Content_Types].xml": _content_types(len(names)),
        "_rels/.rels": _relationships([(f"{_RELATIONSHIPS}/officeDocument", "xl/workbook.xml")]),
        "xl/workbook.xml": _workbook(names),
        "xl/_rels/workbook.xml.rels": _relationships([*sheets, (styles, "styles.xml")]),
        "xl/styles.xml": _STYLES,
    }
    for number, frame in enumerate(tables.values(), start=1):
        parts[f"xl/worksheets/sheet{number}.xml"] = _sheet(frame)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            # Level 1: a sixth larger than the default 6 (about 110 KB an annex), twice as fast.
            archive.writestr(entry, text.encode("utf-8"), compresslevel=1)
    return out.getvalue()


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{k}.xml" '
        f'ContentType="{_DOCUMENT}.spreadsheetml.worksheet+xml"/>'
        for k in range(1, sheets + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_DOCUMENT}.spreadsheetml.'
        'sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_DOCUMENT}.spreadsheetml.'
        f'styles+xml"/>{overrides}</Types>'
    )


def _relationships(targets: list[tuple[str, str]]) -> str:
    listed = "".join(
        f'<Relationship Id="rId{k}" Type="{kind}" Target="{target}"/>'
        for k, (kind, target) in enumerate(targets, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">{listed}</Relationships>'
    )


def _workbook(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{k}" r:id="rId{k}"/>'
        for k, name in enumerate(names, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>{sheets}</sheets>'
        "</workbook>"
    )


# Style 0: the default; style 1: bold (the header row).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _cell(value: object) -> str:
    """One cell's XML after its reference (``<c r="A2"`` and the style come first); empty
    (no cell) for a missing value."""
    value = sheet_cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"><v>{value!r}</v></c>"
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="inlineStr"><is><t{space}>{escape(text, _KEEP)}</t></is></c>'


@functools.lru_cache(maxsize=1 << 14)
def _row(number: int, cells: tuple[str, ...]) -> str:
    """Row ``number``'s XML from its cells' (empty for none): made once for the same row of
    every council's annex (the ranks of all areas differ only where the council is)."""
    shown = "".join(
        f'<c r="{letter}{number}"{xml}'
        for letter, xml in zip(_letters(len(cells)), cells, strict=True)
        if xml
    )
    return f'<row r="{number}">{shown}</row>'


@functools.cache
def _letters(count: int) -> tuple[str, ...]:
    return tuple(column_letter(number) for number in range(1, count + 1))


_known_text = functools.lru_cache(maxsize=1 << 16)(_cell)


def _sheet(frame: pd.DataFrame) -> str:
    letters = _letters(frame.shape[1])
    header = "".join(
        f'<c r="{letter}1" s="1"{cell}'
        for letter, name in zip(letters, frame.columns, strict=True)
        if (cell := _cell(str(name)))
    )
    rows = [f'<row r="1">{header}</row>']
    # Column by column, each distinct text's XML made once (_known_text): the annex's
    # tables repeat area names, indicator ids and figures thousands of times, and every
    # council's annex the same ones.

    def xml_of(value: object) -> str:
        # Text only: equal numbers may be written differently (0.0 and -0.0, Decimals).
        return _known_text(value) if type(value) is str else _cell(value)

    columns = [[xml_of(value) for value in frame.iloc[:, k].tolist()] for k in range(len(letters))]
    rows += [
        _row(number, cells) for number, cells in enumerate(zip(*columns, strict=True), start=2)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/></sheetView></sheetViews>'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )
