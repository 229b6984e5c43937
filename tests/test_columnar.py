"""The columnar path of issue 20: tidy rows checked column by column give the problems and
the frame that checking row by row gave, and a dataset read by Arrow (plain CSV, Parquet)
is the dataset the csv module reads."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes import read_dataset
from outcomes.core import _io
from outcomes.core._io import csv_chunks, csv_text
from outcomes.errors import DataProblemRow, ValidationError
from outcomes.returns import _tidy
from outcomes.returns._rows import check_rows
from tests.reference_csv import csv_text_by_cell
from tests.reference_rows import check_rows_by_row
from tests.strategies import messy_tidy_frames


def _same_checks(frame: pd.DataFrame, **options: object) -> None:
    expected = check_rows_by_row(frame.copy(), file="f.csv", **options)  # type: ignore[arg-type]
    got = check_rows(frame.copy(), file="f.csv", **options)  # type: ignore[arg-type]
    assert got.problems == expected.problems
    pd.testing.assert_frame_equal(got.frame, expected.frame)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_tidy_frames(), st.booleans())
def test_column_checks_find_what_row_checks_find(frame: pd.DataFrame, allowed: bool) -> None:
    _same_checks(frame, allowed_columns=("note",) if allowed else None)


def test_every_kind_of_problem_is_found_alike() -> None:
    frame = pd.DataFrame({
        "area": ["A", "A", "", "B", "B", "C", "", "D"],
        "period": ["2024-25", "2024-25", "2024-25", "nope", "2024", "nope", "", "2024-25"],
        "item": ["x", "x", "y", "x", "", "x", "", "x"],
        "value": ["1", "2", "12,5", "5%", "", "n/a", "", "1e400"],
        "flag": ["", "odd", "", "", "not_collected", "", "", ""],
        "extra": ["", "", "", "", "", "", "", "filled"],
    }, dtype=object)  # fmt: skip
    _same_checks(frame, allowed_columns=())
    kinds = {row.problem.name for row in check_rows(frame, file="f.csv").problems}
    assert kinds >= {"DUPLICATE_ROW", "UNKNOWN_FLAG", "UNKNOWN_AREA", "AMBIGUOUS_NUMBER",
                     "PERCENTAGE", "BAD_PERIOD", "UNKNOWN_ITEM", "NOT_A_NUMBER"}  # fmt: skip


def _read_by_csv_module(path: Path) -> pd.DataFrame | tuple[DataProblemRow, ...]:
    """What reading gave before Arrow: the frame, or the problems raised."""
    try:
        raw = _tidy._read_csv(path)
    except ValidationError as error:
        return error.problems
    checked = check_rows_by_row(raw, file=str(path))
    if checked.has_errors:
        return checked.problems
    return checked.frame[list(_tidy.DATASET_COLUMNS)].reset_index(drop=True)


def _read_now(path: Path) -> pd.DataFrame | tuple[DataProblemRow, ...]:
    try:
        return read_dataset(path).frame
    except ValidationError as error:
        return error.problems


PLAIN_FILES = {
    "plain": "area,period,item,value,flag\nA,2024-25,x,5,\nB,2024-25,x,7,provisional\n",
    "byte order mark and CRLF": "\ufeffarea,period,item,value\r\nA,2024-25,x,5\r\n",
    "quoted header": '"area","period","item","value"\nA,2024-25,x,5\n',
    "spaces and case": " Area ,PERIOD,item ,value,Flag\n A ,2024-25, x , 1 234 ,PROVISIONAL\n",
    "blank line": "area,period,item,value\nA,2024-25,x,5\n\nB,2024-25,x,6\n",
    "empty cells row": "area,period,item,value\n,,,\nA,2024-25,x,5\n",
    "ragged row": "area,period,item,value\nA,2024-25,x,5,extra\nB,2024-25,x,6\n",
    "short row": "area,period,item,value\nA,2024-25,x\n",
    "quoted cells": 'area,period,item,value\nA,2024-25,x,"1,234"\n',
    "bad cells": "area,period,item,value,flag\nA,24,x,12,5,odd\nA,2024-25,x,(3),\nA,2024-25,x,4,\n",
    "problems": "area,period,item,value,flag\nA,2024-25,x,n/a,\n,2024-25,,5%,odd\nA,2024-25,x,1,\n",
    "missing column": "area,period,value\nA,2024-25,5\n",
    "duplicate column": "area,period,item,value,Value\nA,2024-25,x,5,6\n",
    "header only": "area,period,item,value\n",
    "words Arrow could take for null": "area,period,item,value,flag\nNA,2024-25,x,NA,\n"
    "NULL,2024-25,y,#N/A,NaN\nnan,2024-25,z,null,\n",
    "formula marker": "area,period,item,value\n'=A,2024-25,x,'5\n",
}


@pytest.mark.parametrize("name", sorted(PLAIN_FILES))
def test_arrow_reads_what_the_csv_module_reads(tmp_path: Path, name: str) -> None:
    path = tmp_path / "data.csv"
    path.write_text(PLAIN_FILES[name], encoding="utf-8", newline="")
    expected, got = _read_by_csv_module(path), _read_now(path)
    if isinstance(expected, pd.DataFrame) and not len(expected):
        assert isinstance(got, tuple)
        assert got[0].problem.name == "NO_DATA"
    elif isinstance(expected, pd.DataFrame):
        assert isinstance(got, pd.DataFrame)
        pd.testing.assert_frame_equal(got, expected)
    else:
        assert got == expected


def test_a_windows_1252_file_is_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("area,period,item,value\nCôte,2024-25,x,5\n".encode("cp1252"))
    frame = read_dataset(path).frame
    assert frame["area"].tolist() == ["Côte"]


@settings(max_examples=60, deadline=None)
@given(messy_tidy_frames())
def test_any_frame_written_as_csv_reads_as_before(frame: pd.DataFrame) -> None:
    import tempfile

    text = frame.astype(str).to_csv(index=False, lineterminator="\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "data.csv")
        path.write_text(text, encoding="utf-8", newline="")
        expected, got = _read_by_csv_module(path), _read_now(path)
    if isinstance(expected, pd.DataFrame) and not len(expected):
        assert isinstance(got, tuple)
        assert got[0].problem.name == "NO_DATA"
    elif isinstance(expected, pd.DataFrame):
        assert isinstance(got, pd.DataFrame)
        pd.testing.assert_frame_equal(got, expected)
    else:
        assert got == expected


def test_parquet_holds_the_same_dataset(tmp_path: Path) -> None:
    from outcomes.core._resources import bundled_path

    csv_data = read_dataset(bundled_path("example") / "data.csv").frame
    path = tmp_path / "data.parquet"
    csv_data.to_parquet(path, index=False)
    pd.testing.assert_frame_equal(read_dataset(path).frame, csv_data)


def test_parquet_problems_name_the_row_its_csv_would_have(tmp_path: Path) -> None:
    path = tmp_path / "data.PARQUET"
    pd.DataFrame({"area": ["A", "A"], "period": ["2024-25", "2024-25"], "item": ["x", "x"],
                  "value": [1.0, float("inf")]}).to_parquet(path)  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        read_dataset(path)
    found = [(row.row, row.column, row.problem.name) for row in caught.value.problems]
    assert found == [(3, "value", "NOT_A_NUMBER"), (3, "item", "DUPLICATE_ROW")]


def test_a_damaged_parquet_file_is_a_validation_error(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(ValidationError) as caught:
        read_dataset(path)
    assert caught.value.problems[0].problem.name == "UNREADABLE_FILE"


# --- The vectorised CSV writer ---------------------------------------------------------------

_awkward_text = st.one_of(
    st.none(),
    st.sampled_from(["", ",", '"', "a\nb", "a\rb", "=1+1", "+x", "-y", "@z", "\tt", "\rr", "'",
                     "true", "1,5", "Fife"]),
    st.text(max_size=6),
)  # fmt: skip
_awkward_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e13, max_value=1e13),
    st.decimals(min_value=-10**6, max_value=10**6, places=6).map(float),
    st.sampled_from([0.0, -0.0, 0.5, 2.5, 1e-4, 9.99999999999995e-5, 1e12, 999999999999.5,
                     99999999999.95, 0.1 + 0.2, 1 / 3, 1e15, 123456789012.5]),
)  # fmt: skip


@st.composite
def awkward_frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(min_value=0, max_value=30))
    frame = pd.DataFrame({
        "=text": pd.Series(draw(st.lists(_awkward_text, min_size=rows, max_size=rows)),
                           dtype=object),
        "number": pd.Series(draw(st.lists(_awkward_numbers, min_size=rows, max_size=rows)),
                            dtype="float64"),
        "count": pd.array(draw(st.lists(st.one_of(st.none(), st.integers(-10**12, 10**12)),
                                        min_size=rows, max_size=rows)), dtype="Int64"),
        "yes": pd.Series(draw(st.lists(st.booleans(), min_size=rows, max_size=rows)),
                         dtype=bool),
        "word": pd.Categorical(draw(st.lists(st.sampled_from(["up", "-down", None]),
                                             min_size=rows, max_size=rows))),
        "mixed": pd.Series(draw(st.lists(st.one_of(st.integers(0, 2), st.sampled_from(
            [1.0, True, "1", None])), min_size=rows, max_size=rows)), dtype=object),
    })  # fmt: skip
    chosen = draw(st.lists(st.sampled_from(list(frame.columns)), min_size=0, max_size=6,
                           unique=True))  # fmt: skip
    return frame[chosen]


@settings(max_examples=400, deadline=None)
@given(awkward_frames(), st.sampled_from([None, "%.12g", "%.3f"]))
def test_the_vectorised_writer_writes_the_same_bytes(
    frame: pd.DataFrame, float_format: str | None
) -> None:
    assert csv_text(frame, float_format=float_format) == csv_text_by_cell(
        frame, float_format=float_format
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(_awkward_numbers, min_size=1, max_size=200))
def test_twelve_significant_digits_as_python_writes_them(numbers: list[float]) -> None:
    frame = pd.DataFrame({"value": numbers, "other": numbers[::-1]})
    assert csv_text(frame, float_format="%.12g") == csv_text_by_cell(frame, float_format="%.12g")


_note = st.one_of(
    st.sampled_from(["", "", "", None]),
    _awkward_text,
    st.text(min_size=60, max_size=300),  # longer than a row of characters holds
    st.builds(lambda areas: "total excludes " + ", ".join(areas) + " (not reported)",
              st.lists(st.sampled_from(["A00001", "Fife", '"Q"', "=x"]), max_size=40)),
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(awkward_frames(), st.data(), st.integers(min_value=1, max_value=40))
def test_a_last_column_of_few_texts_is_written_as_cell_by_cell(
    frame: pd.DataFrame, data: st.DataObject, rows: int
) -> None:
    """The results' notes: empty but in a few rows, some of them long; put in their lines
    after the rest of the line is written, in every chunk of ``rows`` rows."""
    count = len(frame)
    shown = data.draw(st.lists(st.integers(0, max(count - 1, 0)), max_size=max(count // 8, 1)))
    notes: list[str | None] = [""] * count
    for row in shown if count else []:
        notes[row] = data.draw(_note)
    frame = frame.assign(note=pd.Series(notes, index=frame.index, dtype=object))
    expected = csv_text_by_cell(frame, float_format="%.12g")
    assert csv_text(frame, float_format="%.12g") == expected
    # (A column of mixed cells is left out of the chunks: 1 and 1.0 are one key, the one
    # met first in the chunk, which the chunks cannot keep as the whole column does.)
    plain = frame.drop(columns=["mixed"], errors="ignore")
    chunks = csv_chunks(plain, float_format="%.12g", rows=rows)
    assert b"".join(chunks).decode("utf-8") == csv_text_by_cell(plain, float_format="%.12g")


def test_chunks_join_to_the_whole(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [f"=x{i}" for i in range(10)], "b": [i / 7 for i in range(10)]})
    whole = csv_text(frame, float_format="%.12g")
    parts = b"".join(csv_chunks(frame, float_format="%.12g", rows=3)).decode()
    assert parts == whole == csv_text_by_cell(frame, float_format="%.12g")
    assert len(whole.splitlines()) == 11


def _parquet_texts_cell_by_cell(path: Path) -> pd.DataFrame:
    """The Parquet reader's frame built the plain way: every cell cast to text, then the
    column dictionary-encoded (the oracle of the reader's each-distinct-cell-once path)."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    table = pq.read_table(path)
    columns = {}
    for name, read in zip(table.column_names, table.columns, strict=True):
        column = read.cast(read.type.value_type) if pa.types.is_dictionary(read.type) else read
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            column = pc.cast(column, pa.string())
        columns[name] = pc.dictionary_encode(column)
    frame: pd.DataFrame = pa.table(columns).to_pandas()
    return frame


_parquet_numbers = st.one_of(
    st.none(),
    st.sampled_from([0.0, -0.0, float("nan"), float("inf"), -1.5, 1e-7, 1e21]),
    st.floats(allow_nan=True, allow_infinity=True),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["A", "B", " A ", ""]), st.sampled_from(["2024-25", "x"]),
                       _parquet_numbers, st.integers(-3, 3)), min_size=1, max_size=30),
    st.booleans(), st.integers(1, 7),
)  # fmt: skip
def test_parquet_cells_read_as_text_once_a_distinct_cell(
    rows: list[tuple[str, str, float | None, int]], categorical: bool, row_group: int
) -> None:
    """Text, float (NaN, -0.0, infinities, nulls) and whole-number columns, plain or
    dictionary-encoded, over several row groups: the same categorical texts as casting
    every cell."""
    import tempfile

    frame = pd.DataFrame(rows, columns=["area", "period", "value", "item"])
    if categorical:
        frame["area"] = frame["area"].astype("category")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.parquet"
        frame.to_parquet(path, index=False, row_group_size=row_group)
        got = _tidy._read_parquet(path)
        expected = _parquet_texts_cell_by_cell(path)
    assert list(got.columns) == list(expected.columns)
    for column in got.columns:
        assert got[column].astype(object).tolist() == expected[column].astype(object).tolist()


@given(st.lists(st.integers(0, 2**40), max_size=50), st.booleans())
def test_keys_are_told_distinct_only_when_no_key_repeats(keys: list[int], small: bool) -> None:
    """Counted when the keys span little, else left to hashing: never a false 'distinct'."""
    import numpy as np

    from outcomes.returns._rows import _all_distinct

    array = np.array([k % 1000 if small else k for k in keys], dtype=np.int64)
    if _all_distinct(array):
        assert len(set(array.tolist())) == len(array)
    if small:  # a small span is always counted, so the answer is exact
        assert _all_distinct(array) == (len(set(array.tolist())) == len(array))


# --- Twelve significant digits: the edges of each path of _twelve_digits ---------------------


def _nudged(number: float, steps: int) -> float:
    """``number`` moved ``steps`` floats up (down when negative)."""
    for _ in range(abs(steps)):
        number = math.nextafter(number, math.inf if steps > 0 else -math.inf)
    return number


_edge_magnitudes = st.one_of(
    # whole numbers: all the digits, up to twelve and just past
    st.integers(0, 10**12 + 10).map(float),
    st.integers(0, 10**5).map(lambda below: float(10**12 - below)),
    # exactly twelve significant digits, at every place of the point fixed notation has
    st.builds(lambda digits, power: digits * 10.0**power,
              st.integers(10**11, 10**12 - 1), st.integers(-16, 1)),
    # half a twelfth digit: ties, and the numbers either side of them
    st.builds(lambda digits, power, steps: _nudged((digits + 0.5) * 10.0**power, steps),
              st.integers(10**11, 10**12 - 1), st.integers(-16, 0), st.integers(-2, 2)),
    # powers of ten and their neighbours, where the exponent changes
    st.builds(lambda power, steps: _nudged(10.0**power, steps),
              st.integers(-7, 14), st.integers(-3, 3)),
    # rounding up into the next power of ten
    st.builds(lambda power, nines: (1 - 10.0**-nines) * 10.0**power,
              st.integers(-5, 13), st.integers(11, 14)),
    st.sampled_from([0.0, 1e-4, 0.0001, 9.99999999999995e-5, 0.000099999999999995, 1e-5,
                     99999999999.95, 999999999999.5, 999999999999.4, 1e12, 1e12 - 1, 0.5,
                     0.1 + 0.2, 1 / 3, 2 / 3, 5e-324, 1e300, math.inf, math.nan]),
)  # fmt: skip
_edge_numbers = st.builds(lambda size, negative: -size if negative else size,
                          _edge_magnitudes, st.booleans())  # fmt: skip
_whole_or_missing = st.one_of(
    st.integers(-(10**12) + 1, 10**12 - 1).map(float), st.sampled_from([-0.0, math.nan])
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_edge_numbers, min_size=1, max_size=80),
       st.lists(_whole_or_missing, min_size=1, max_size=80),
       st.sampled_from([1, 3, 16, 1 << 16]))  # fmt: skip
def test_twelve_digits_at_the_edges_of_each_path(
    numbers: list[float], whole: list[float], block: int
) -> None:
    """Any number, and a column of whole numbers only (written as integers), formatted a
    block at a time (blocks of one kind and the other in one column), as Python writes
    them, cell by cell."""
    rows = range(max(len(numbers), len(whole)))
    frame = pd.DataFrame({
        "value": [numbers[row % len(numbers)] for row in rows],
        "whole": [whole[row % len(whole)] for row in rows],
        "both": [numbers[row % len(numbers)] if row // 3 % 2 else whole[row % len(whole)]
                 for row in rows],  # runs of three of each
    })  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_io, "_DIGITS_BLOCK", block)
        written = csv_text(frame, float_format="%.12g")
    assert written == csv_text_by_cell(frame, float_format="%.12g")


def test_a_column_of_several_blocks_is_written_as_cell_by_cell() -> None:
    """Blocks of the real size, the last one of whole numbers only."""
    random = np.random.default_rng(20)
    rows = _io._DIGITS_BLOCK + 1000
    counts = random.integers(0, 5000, rows).astype(float)
    rates = counts / random.integers(1, 5000, rows) * 100
    counts[random.random(rows) < 0.1] = np.nan
    rates[::7] = -rates[::7]
    rates[_io._DIGITS_BLOCK - 5 :] = np.round(rates[_io._DIGITS_BLOCK - 5 :])
    frame = pd.DataFrame({"count": counts, "rate": rates, "small": rates * 1e-5})
    assert csv_text(frame, float_format="%.12g") == csv_text_by_cell(frame, float_format="%.12g")


def test_parquet_results_have_the_contracts_types_and_the_published_cells(tmp_path: Path) -> None:
    """docs/contracts.md, ``outcomes compute``: numbers as float64, rank, rank_of and
    quartile as int64, the two flags as booleans, words and names as text (a reader sees
    plain text, not a dictionary), missing values as nulls; every cell as published."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from outcomes import compute, load_catalogue, read_areas
    from outcomes.core._resources import bundled_path
    from outcomes.results._results import RESULT_COLUMNS

    example = bundled_path("example")
    results = compute(read_dataset(example / "data.csv"), load_catalogue(),
                      read_areas(example / "areas.csv")).published()  # fmt: skip
    path = results.write(tmp_path / "results.parquet")
    table = pq.read_table(path)
    assert table.column_names == list(RESULT_COLUMNS)
    numbers = {"numerator", "denominator", "value", "lower", "upper", "previous_value",
               "change", "change_lower", "change_upper"}  # fmt: skip
    for field in table.schema:
        if field.name in numbers:
            assert field.type == pa.float64(), field
        elif field.name in ("rank", "rank_of", "quartile"):
            assert field.type == pa.int64(), field
        elif field.name in ("change_significant", "suppressed"):
            assert field.type == pa.bool_(), field
        else:
            assert field.type == pa.string(), field
    frame = results.frame
    for name in RESULT_COLUMNS:
        written = table.column(name).to_pylist()
        expected = [None if pd.isna(cell) else cell for cell in frame[name].astype(object)]
        assert written == expected, name
    assert frame["suppressed"].any()  # nulls where published figures are hidden
    assert table.column("value").null_count >= int(frame["suppressed"].sum())
