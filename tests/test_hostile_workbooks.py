"""Hostile XLSX returns are refused quickly and cheaply, with a problem naming the file; a
return written by ``write_template`` and filled in reads as before.

Each hostile workbook is built here from raw XML and a hand-written zip archive
(tests/hostile_workbooks.py): tiny on disk, some of them enormous once unpacked or expanded.
Each is read by ``outcomes.validate_returns`` in a child process, whose time and peak memory
are measured, so that a regression costs a failed test rather than the test run's memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from outcomes import load_catalogue, validate_returns, write_template
from outcomes.catalogue import BUNDLED
from outcomes.core._tables import RawTable, read_tables
from outcomes.core._workbook_guard import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_PARTS,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    MAX_SHEETS,
    MAX_TOTAL_BYTES,
)
from outcomes.errors import DataProblem, OutcomesError, ValidationError
from tests.hostile_workbooks import MAIN_NS, inline_row, pack, sheet_xml, workbook_parts, write_zip

CATALOGUE = load_catalogue(BUNDLED)
#: What a refusal may cost, measured in a child process: interpreter start and import
#: included.
MAX_SECONDS = 5.0
MAX_RSS_MB = 300.0

HEADER = inline_row(1, ["area", "period", "item", "value"])
DATA = inline_row(2, ["Fife", "2024-25", "asp_inquiries_completed", 12])

Build = Callable[[Path], Path]


# --- The hostile workbooks --------------------------------------------------------------


def _one_sheet(path: Path, rows: str, dimension: str | None) -> Path:
    return write_zip(path, workbook_parts([sheet_xml(rows, dimension)]))


def one_cell_at_a1048576(path: Path) -> Path:
    return _one_sheet(path, inline_row(1_048_576, [1]), "A1048576")


def cells_at_a1048576_and_xfd1(path: Path) -> Path:
    rows = (
        '<row r="1"><c r="XFD1"><v>1</v></c></row>'
        '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    )
    return _one_sheet(path, rows, "A1:XFD1048576")


def dimension_lies_huge(path: Path) -> Path:
    return _one_sheet(path, HEADER + DATA, "A1:XFD1048576")


def no_dimension_300_000_rows(path: Path) -> Path:
    # One row repeated, without row numbers; its value changes so that the part packs like
    # a real sheet (identical rows would be refused as a zip bomb first).
    row = '<row><c t="inlineStr"><is><t>Fife</t></is></c><c><v>{}</v></c></row>'
    sheet = pack([sheet_xml(HEADER + "".join(row.format(n) for n in range(300_000)))])
    return write_zip(path, workbook_parts([sheet]))


def dimension_lies_small_300_000_rows(path: Path) -> Path:
    sheet = pack([sheet_xml(HEADER + "".join(inline_row(n, [n]) for n in range(2, 300_002)), "A1")])
    return write_zip(path, workbook_parts([sheet]))


def utf16_300_000_rows(path: Path) -> Path:
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 300_001))
    text = sheet_xml(rows).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return write_zip(path, workbook_parts([pack([text.encode("utf-16")])]))


def prefixed_300_000_rows(path: Path) -> Path:
    rows = "".join(
        f'<x:row r="{n}"><x:c r="A{n}"><x:v>{n}</x:v></x:c></x:row>' for n in range(1, 300_001)
    )
    return write_zip(path, workbook_parts([pack([_prefixed(rows)])]))


def _prefixed(rows: str) -> bytes:
    return (
        f'<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>{rows}</x:sheetData></x:worksheet>'
    ).encode()


def no_dimension_cell_at_a1048576(path: Path) -> Path:
    return _one_sheet(path, HEADER + DATA + inline_row(1_048_576, [1]), None)


def no_dimension_cell_at_xfd1(path: Path) -> Path:
    return _one_sheet(path, '<row r="1"><c r="XFD1"><v>1</v></c></row>', None)


def used_range_too_large(path: Path) -> Path:
    # Within the row and column limits, but rows x columns is the grid kept in memory.
    rows = '<row r="1"><c r="A1"><v>1</v></c><c r="GR1"><v>1</v></c></row>' + "".join(
        f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>'
        for n in range(2, MAX_CELLS // MAX_COLUMNS + 100)
    )
    return _one_sheet(path, rows, None)


def sheets_20_000_empty(path: Path) -> Path:
    empty = pack([sheet_xml("", "A1")])
    return write_zip(path, workbook_parts([empty] * 20_000))


def sheets_over_the_limit(path: Path) -> Path:
    empty = pack([sheet_xml("", "A1")])
    return write_zip(path, workbook_parts([sheet_xml(HEADER + DATA), *[empty] * MAX_SHEETS]))


def one_part_as_many_sheets(path: Path) -> Path:
    parts = [
        (
            name,
            content.replace(b"sheet2.xml", b"sheet1.xml")
            if isinstance(content, bytes) and name.endswith(".rels")
            else content,
        )
        for name, content in workbook_parts([sheet_xml(HEADER + DATA)] * 2)
    ]
    return write_zip(path, parts)


def zip_bomb_50_mb_part(path: Path) -> Path:
    bomb = pack((b"\0" * 1_000_000 for _ in range(50)), level=9)
    return write_zip(path, [*workbook_parts([sheet_xml(HEADER + DATA)]), ("xl/media/a.bin", bomb)])


def parts_50_000(path: Path) -> Path:
    tiny = pack([b"<a/>"])
    parts = workbook_parts([sheet_xml(HEADER + DATA)])
    return write_zip(path, [*parts, *((f"xl/p{n}.xml", tiny) for n in range(50_000))])


def total_over_the_limit(path: Path) -> Path:
    # Each part packs about ten times, like a real sheet: no single part is refused.
    block = "".join(inline_row(n, ["Fife", n * 7919 % 100_003]) for n in range(1, 20_000))
    size = MAX_TOTAL_BYTES // 3 + 1_000_000
    chunk = block.encode()
    part = pack((chunk for _ in range(size // len(chunk) + 1)), level=1)
    parts = workbook_parts([sheet_xml(HEADER + DATA)])
    return write_zip(path, [*parts, *((f"xl/media/big{n}.bin", part) for n in range(3))])


def not_a_zip(path: Path) -> Path:
    path.write_text(
        "area,period,item,value\nFife,2024-25,asp_inquiries_completed,12\n", encoding="utf-8"
    )
    return path


def truncated_zip(path: Path) -> Path:
    write_template(path, "Fife", "2024-25", catalogue=CATALOGUE)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def xxe_entity(path: Path) -> Path:
    doctype = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    rows = HEADER + inline_row(2, ["Fife", "2024-25", "asp_inquiries_completed", "&xxe;"])
    return write_zip(path, workbook_parts([sheet_xml(rows, "A1:D2", doctype=doctype)]))


def billion_laughs(path: Path) -> Path:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(entities)}]>'
        f'<sst xmlns="{MAIN_NS}"><si><t>&lol9;</t></si></sst>'
    ).encode()
    rows = HEADER + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return write_zip(path, workbook_parts([sheet_xml(rows)], shared_strings=strings))


def path_traversal(path: Path) -> Path:
    parts = workbook_parts([sheet_xml(HEADER + DATA, "A1:D2")])
    return write_zip(path, [*parts, ("../../evil", b"#!/bin/sh\necho pwned\n")])


def shared_strings_bomb(path: Path) -> Path:
    count = MAX_SHARED_STRINGS + 100_000
    strings = pack(
        [
            f'<sst xmlns="{MAIN_NS}">'.encode(),
            *(f"<si><t>text number {n}</t></si>".encode() for n in range(count)),
            b"</sst>",
        ]
    )
    rows = HEADER + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return write_zip(path, workbook_parts([sheet_xml(rows)], shared_strings=strings))


def merged_cells_200_000(path: Path) -> Path:
    merged = "".join(f'<mergeCell ref="A{n}:B{n}"/>' for n in range(3, 200_003))
    sheet = sheet_xml(HEADER + DATA, "A1:D2").replace(
        b"</worksheet>", f"<mergeCells>{merged}</mergeCells></worksheet>".encode()
    )
    return write_zip(path, workbook_parts([pack([sheet])]))


def cell_formats_200_000(path: Path) -> Path:
    formats = "".join(
        f'<xf numFmtId="{n % 97}" xfId="0" applyProtection="{n}"/>' for n in range(200_000)
    )
    parts = [
        (
            name,
            content.replace(b'<cellXfs count="1"><xf/>', f"<cellXfs>{formats}".encode())
            if name == "xl/styles.xml" and isinstance(content, bytes)
            else content,
        )
        for name, content in workbook_parts([sheet_xml(HEADER + DATA, "A1:D2")])
    ]
    return write_zip(path, parts)


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def old_xls_or_password(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    return path


PARTS_LIMIT = (
    f"(sheets, drawings and other files inside it); a return may hold at most {MAX_PARTS:,}"
)

#: Each hostile workbook, and a phrase of its refusal that shows the reason.
SHAPES: dict[str, tuple[Build, str]] = {
    build.__name__: (build, reason)
    for build, reason in [
        (one_cell_at_a1048576, "row 1,048,576"),
        (cells_at_a1048576_and_xfd1, "column 16,384"),
        (dimension_lies_huge, "A1:XFD1048576"),
        (no_dimension_300_000_rows, f"more than {MAX_ROWS:,} rows"),
        (dimension_lies_small_300_000_rows, f"more than {MAX_ROWS:,} rows"),
        (utf16_300_000_rows, f"more than {MAX_ROWS:,} rows"),
        (prefixed_300_000_rows, f"more than {MAX_ROWS:,} rows"),
        (no_dimension_cell_at_a1048576, f"rows below row {MAX_ROWS:,}"),
        (no_dimension_cell_at_xfd1, f"beyond column {MAX_COLUMNS}"),
        (used_range_too_large, f"more than {MAX_CELLS:,} cells"),
        (sheets_20_000_empty, f"holds 20,005 parts {PARTS_LIMIT}"),
        (sheets_over_the_limit, f"more than {MAX_SHEETS} sheets"),
        (one_part_as_many_sheets, "as two sheets"),
        (zip_bomb_50_mb_part, "zip bomb"),
        (parts_50_000, f"holds 50,006 parts {PARTS_LIMIT}"),
        (total_over_the_limit, "more than 100.0 MB"),
        (not_a_zip, "not a zip archive"),
        (truncated_zip, "incomplete or damaged"),
        (xxe_entity, "DTD"),
        (billion_laughs, "DTD"),
        (path_traversal, "../../evil"),
        (shared_strings_bomb, "shared strings"),
        (merged_cells_200_000, "tags outside its cells"),
        (cell_formats_200_000, "tags of cell formats"),
        (old_xls_or_password, "password-protected"),
        (empty_file, "the file is empty"),
    ]
}


# The child caps its address space, so that a regression fails rather than swaps, and
# reports its peak resident memory from /proc (VmHWM, the peak of this program alone: the
# ru_maxrss of getrusage also counts the parent's memory at the fork before exec).
CHILD = """
import json, resource, sys, time
start = time.perf_counter()
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
import outcomes
from outcomes.errors import OutcomesError
outcome = {"refused": False}
try:
    outcomes.validate_returns([sys.argv[1]])
except OutcomesError as error:
    outcome = {"refused": True, "error": type(error).__name__, "message": str(error),
               "problems": [row.problem.name for row in getattr(error, "problems", ())]}
outcome["seconds"] = time.perf_counter() - start
with open("/proc/self/status") as status:
    peak = next(line for line in status if line.startswith("VmHWM:"))
outcome["max_rss_mb"] = int(peak.split()[1]) / 1024
print(json.dumps(outcome))
"""


def read_in_child(path: Path) -> tuple[dict[str, object], float]:
    """What the child reported, and its wall time seen from here (start-up included)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    wall = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-2000:]
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report, wall


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The path of a hostile workbook, made once for the tests of this module."""
    folder = tmp_path_factory.mktemp("hostile")
    built: dict[str, Path] = {}

    def path_of(shape: str) -> Path:
        if shape not in built:
            built[shape] = SHAPES[shape][0](folder / f"{shape}.xlsx")
        return built[shape]

    return path_of


# First, so that a regression is met in a child process, not in this one.
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("shape", list(SHAPES))
def test_refusing_a_hostile_workbook_is_quick_and_cheap(
    hostile: Callable[[str], Path], shape: str
) -> None:
    path = hostile(shape)
    report, wall = read_in_child(path)
    assert report["refused"], report
    assert report["error"] == "ValidationError"
    assert report["problems"] == ["UNREADABLE_FILE"]
    assert str(path) in str(report["message"])
    assert SHAPES[shape][1] in str(report["message"]), report["message"]
    assert wall < MAX_SECONDS, f"{shape}: {wall:.2f} s"
    assert float(str(report["max_rss_mb"])) < MAX_RSS_MB, f"{shape}: {report['max_rss_mb']} MB"


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_hostile_workbook_is_refused_naming_the_file(
    hostile: Callable[[str], Path], shape: str
) -> None:
    path = hostile(shape)
    with pytest.raises(ValidationError) as raised:
        validate_returns([path], catalogue=CATALOGUE)
    assert isinstance(raised.value, OutcomesError)
    assert [row.problem for row in raised.value.problems] == [DataProblem.UNREADABLE_FILE]
    (problem,) = raised.value.problems
    assert problem.file == str(path)
    assert str(path) in str(raised.value)
    assert SHAPES[shape][1] in problem.hint


def test_the_workbooks_are_hostile_only_where_meant(tmp_path: Path) -> None:
    """The workbooks the hostile ones are made from are read, so each refusal is for the
    part that was made hostile; prefixed elements too."""
    plain = _one_sheet(tmp_path / "plain.xlsx", HEADER + DATA, "A1:D2")
    rows = (
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>area</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2"><x:v>12</x:v></x:c></x:row>'
    )
    prefixed = write_zip(tmp_path / "prefixed.xlsx", workbook_parts([_prefixed(rows)]))
    header = ("area", "period", "item", "value")
    assert read_tables(plain) == (
        [
            RawTable(
                file=str(plain),
                sheet="Sheet1",
                header=header,
                rows=((2, ("Fife", "2024-25", "asp_inquiries_completed", "12")),),
            )
        ],
        [],
    )
    assert read_tables(prefixed) == (
        [RawTable(file=str(prefixed), sheet="Sheet1", header=("area",), rows=((2, ("12",)),))],
        [],
    )


# --- Normal returns read as before ------------------------------------------------------


def _read_like_before(path: Path) -> list[tuple[str, int, tuple[str, ...]]]:
    """Every data sheet's non-empty rows as the reader of 0.1 read them: the whole workbook
    in normal mode, formulas replaced by their saved results."""
    from outcomes.core._tables import INSTRUCTIONS_SHEET, _cell_text

    workbook = openpyxl.load_workbook(path)
    saved = openpyxl.load_workbook(path, data_only=True)
    found = []
    for sheet in workbook.worksheets:
        if sheet.title == INSTRUCTIONS_SHEET or sheet.sheet_state != "visible":
            continue
        for number, row in enumerate(sheet.iter_rows(), start=1):
            texts = []
            for column, cell in enumerate(row, start=1):
                value: object = cell.value
                if cell.data_type == "f":
                    result = saved[sheet.title].cell(row=number, column=column).value
                    value = str(value) if result is None else result
                texts.append(_cell_text(value))
            while texts and not texts[-1].strip():
                texts.pop()
            if texts:
                found.append((sheet.title, number, tuple(texts)))
    return found


def _read_now(path: Path) -> list[tuple[str, int, tuple[str, ...]]]:
    tables, problems = read_tables(path)
    assert problems == []
    return [
        (table.sheet, number, cells)
        for table in tables
        for number, cells in ((table.header_row, table.header), *table.rows)
    ]


def test_a_filled_template_reads_as_before(tmp_path: Path) -> None:
    import datetime as dt

    path = write_template(
        tmp_path / "fife.xlsx", ["Fife", "Angus"], "2024-25", catalogue=CATALOGUE, format="xlsx"
    )
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Return"]
    values: list[int | float | str | None] = [3, "1,000", 1.5, None]
    for number, row in enumerate(sheet.iter_rows(min_row=2, max_row=60), start=2):
        row[5].value = values[number % 4]
        row[6].value = "not_collected" if number % 4 == 3 else None
    sheet["F61"] = dt.date(2024, 3, 31)
    sheet["F62"] = "=F2*2"  # no saved result: read as the formula's text
    sheet["K5"] = "a note far to the right"
    sheet.merge_cells("I1:J1")
    sheet["I1"] = "merged header"
    sheet["H400"].font = openpyxl.styles.Font(bold=True)  # an empty cell far below, styled
    hidden = workbook.create_sheet("Hidden")
    hidden.sheet_state = "hidden"
    hidden.append(["area", "period", "item", "value"])
    workbook.save(path)
    assert _read_now(path) == _read_like_before(path)


def test_saved_results_of_formulas_and_a_wrong_dimension_read_as_before(
    tmp_path: Path,
) -> None:
    """Excel saves a formula with its result; some writers declare a dimension smaller than
    the data (read-only mode would stop there) or larger (it would pad every row)."""
    more = "".join(inline_row(n, ["Fife", "2024-25", f"item_{n}", n]) for n in range(5, 60))
    rows = (
        HEADER + DATA + '<row r="3"><c r="A3" t="inlineStr"><is><t>Fife</t></is></c>'
        '<c r="D3"><f>D2*2</f><v>24</v></c></row>' + more
    )
    for dimension in ("A1", "A1:Z100", None):
        path = _one_sheet(tmp_path / f"{dimension}.xlsx", rows, dimension)
        assert _read_now(path) == _read_like_before(path)
        assert _read_now(path)[2] == ("Sheet1", 3, ("Fife", "", "", "24"))
        assert len(_read_now(path)) == 58
