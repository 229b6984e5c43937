"""Writing the hostile inputs that tests/strategies.py describes to real files."""

from __future__ import annotations

import io
from pathlib import Path

from tests.strategies import HostileFile, XlsxFormula, csv_field


def csv_bytes(file: HostileFile) -> bytes:
    """A CSV file's bytes: its records, its line endings, its encoding and its damage."""
    records = file.sheets[0].records
    text = file.newline.join(",".join(csv_field(str(cell)) for cell in r) for r in records)
    text += file.newline
    if file.damage == "utf16":
        return text.encode("utf-16")
    if file.damage == "double_bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8-sig")
    try:
        return text.encode(file.encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


def xlsx_bytes(file: HostileFile) -> bytes:
    """A workbook's bytes: one sheet per sheet, text cells as text (never formulas) except
    :class:`XlsxFormula` cells, numbers, dates and booleans as typed cells."""
    import openpyxl

    workbook = openpyxl.Workbook()
    for default in list(workbook.worksheets):
        workbook.remove(default)
    for sheet in file.sheets:
        worksheet = workbook.create_sheet(title=sheet.title or "Sheet")
        worksheet.sheet_state = "hidden" if sheet.hidden else "visible"
        for number, record in enumerate(sheet.records, start=1):
            for column, value in enumerate(record, start=1):
                if value is None or value == "":
                    continue
                cell = worksheet.cell(row=number, column=column)
                cell.value = value
                if isinstance(value, str) and not isinstance(value, XlsxFormula):
                    cell.data_type = "s"  # text that starts with "=" stays text
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    return data[: len(data) // 2] if file.damage == "truncate" else data


def write_return_file(folder: Path, file: HostileFile) -> Path:
    """Write one file of a hostile return into ``folder``; its path."""
    path = folder / file.name
    if file.damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(csv_bytes(file) if file.kind == "csv" else xlsx_bytes(file))
    return path


def write_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``name -> bytes`` below ``folder`` (names may hold sub-folders); the paths."""
    paths = []
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    return paths
