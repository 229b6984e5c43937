"""The data annex's workbook (``core/_xlsx.py``, written as XML parts, not by openpyxl):
every table a sheet with the same cells, the header bold and frozen, nothing a formula, and a
file that LibreOffice opens and saves with the same cells."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.core._io import sheet_cell
from outcomes.core._xlsx import table_workbook
from outcomes.report._render import annex_tables, render_annex
from tests.report_examples import example_report
from tests.test_assessment_workbook import soffice


def _cells(workbook: openpyxl.Workbook) -> dict[str, list[list[object]]]:
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
            for sheet in workbook.worksheets}  # fmt: skip


def _expected(tables: dict[str, pd.DataFrame]) -> dict[str, list[list[object]]]:
    """What openpyxl gives back for each table: the header, then each row, every cell as
    ``sheet_cell`` makes it (missing cells empty), rows padded to the header's width."""
    found = {}
    for name, frame in tables.items():
        rows = [[sheet_cell(str(column)) for column in frame.columns]]
        rows += [[sheet_cell(value) for value in row] for row in frame.itertuples(index=False)]
        found[name] = rows
    return found


def test_the_annex_workbook_holds_every_table_cell_for_cell() -> None:
    report = example_report()
    tables = annex_tables(report)
    data = render_annex(report, "xlsx")
    assert isinstance(data, bytes)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == list(tables)
    assert _cells(workbook) == _expected(dict(tables))
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        assert not any(cell.font.b for cell in sheet[2])


_values = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(["=1+1", " padded ", "<b>&amp;", "\x07bell", "@x", ""]),
)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(_values, min_size=3, max_size=3), min_size=0, max_size=8),
    st.sampled_from(["Trend data", "A name longer than thirty-one characters", "<&>"]),
)
def test_any_cells_read_back_as_sheet_cell_makes_them(rows: list[list[object]], name: str) -> None:
    frame = pd.DataFrame(rows, columns=["area", "=value", "note"], dtype=object)
    workbook = openpyxl.load_workbook(io.BytesIO(table_workbook({name: frame})))
    assert workbook.sheetnames == [name[:31]]
    got = _cells(workbook)[name[:31]]
    expected = _expected({name: frame})[name]
    while len(expected) > 1 and all(value in (None, "") for value in expected[-1]):
        expected.pop()  # a sheet ends at its last row with a value, in any writer
    assert len(got) == len(expected)
    for read, wanted in zip(got, expected, strict=True):
        for cell, value in zip(read, wanted, strict=True):
            assert cell == value or (cell is None and value in (None, ""))


def test_the_same_tables_give_the_same_bytes() -> None:
    tables = {"t": pd.DataFrame({"a": [1, 2.5, None], "b": ["x", None, "=y"]})}
    assert table_workbook(tables) == table_workbook(tables)


def test_libreoffice_opens_the_annex_workbook_and_keeps_its_cells(tmp_path: Path) -> None:
    program = soffice()
    report = example_report()
    source = tmp_path / "annex.xlsx"
    data = render_annex(report, "xlsx")
    assert isinstance(data, bytes)
    source.write_bytes(data)
    out = tmp_path / "libreoffice"
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    saved = out / source.name
    assert saved.read_bytes() != data  # LibreOffice wrote it anew
    again = openpyxl.load_workbook(saved, data_only=True)  # its booleans are =FALSE()
    assert again.sheetnames == list(annex_tables(report))
    assert _cells(again) == _cells(openpyxl.load_workbook(io.BytesIO(data)))
