"""Writing output files: atomically, never over anything but a regular file, and every
CSV or XLSX cell through one formula guard."""

from __future__ import annotations

import collections
import contextlib
import errno
import functools
import math
import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from outcomes.errors import OutputError

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray


#: Marks the temporary file of a write in progress: ``.<name>.outcomes-tmp-<8 hex digits>``.
TEMPORARY_MARK = ".outcomes-tmp-"
#: A temporary file older than this (seconds) was left by a killed run: the next write of
#: the same target removes it. Younger ones may belong to a write still running elsewhere.
STALE_TEMPORARY_AGE = 3600.0
# Longest file name most file systems allow, in bytes.
_NAME_MAX = 255
_RANDOM_DIGITS = 8


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    - Parent folders are created.
    - Only a regular file is ever replaced: a symbolic link, named pipe, device, socket or
      folder at ``path`` is refused with :class:`OutputError` and left as it is.
    - A new file gets the permissions the umask (and a default ACL) gives any new file,
      ``0o666 & ~umask``; a replaced file keeps its permissions.
    - The temporary file, ``.<name>.outcomes-tmp-<8 hex digits>``, is removed on any
      failure or interruption. One left behind by a killed run is removed by the next write
      of the same ``path`` once it is :data:`STALE_TEMPORARY_AGE` old (a younger one may
      belong to another process writing the same file).

    Any failure raises :class:`OutputError` naming the path and leaves an existing file at
    ``path`` untouched.
    """
    return write_chunks_atomic(path, (data,))


def write_chunks_atomic(path: str | os.PathLike[str], chunks: Iterable[bytes | memoryview]) -> Path:
    """:func:`write_bytes_atomic` of the chunks one after the other, as they are made, so
    that a large file is never held whole in memory."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = _regular_or_absent(target)
        _remove_stale_temporaries(target)
        _replace(target, chunks, previous)
    except OutputError:
        raise
    except OSError as error:
        raise OutputError(f"cannot write {target}: {error.strerror or error}") from error
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text with Unix newlines atomically (see :func:`write_bytes_atomic`).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_text_atomic(Path(folder, "out", "fife.csv"), "area\\nFife\\n").read_bytes()
    b'area\\nFife\\n'
    """
    return write_bytes_atomic(path, text.encode("utf-8"))


def _regular_or_absent(target: Path) -> os.stat_result | None:
    """The status of the regular file at ``target``, ``None`` when nothing is there;
    :class:`OutputError` for anything else (never followed, never replaced)."""
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(status.st_mode):
        raise OutputError(
            f"cannot write {target}: it is {_kind_of(status.st_mode)}, not a regular file, "
            "and is left as it is; choose another output path"
        )
    return status


def _kind_of(mode: int) -> str:
    kinds = (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((word for test, word in kinds if test(mode)), "a special file")


def _temporary_prefix(target: Path) -> str:
    """``.<name>.outcomes-tmp-``, the name shortened so that the whole fits ``_NAME_MAX``."""
    room = _NAME_MAX - len(TEMPORARY_MARK) - _RANDOM_DIGITS - 1
    name = target.name
    if len(os.fsencode(name)) > room:
        name = os.fsencode(name)[:room].decode("utf-8", "ignore")
    return f".{name}{TEMPORARY_MARK}"


def _remove_stale_temporaries(target: Path) -> None:
    """Remove this target's temporary files left by killed runs (see STALE_TEMPORARY_AGE)."""
    prefix = _temporary_prefix(target)
    now = time.time()
    try:
        entries = os.scandir(target.parent)
    except OSError:
        return
    with entries:
        for entry in entries:
            suffix = entry.name[len(prefix) :]
            if not entry.name.startswith(prefix) or not _is_random_suffix(suffix):
                continue
            with contextlib.suppress(OSError):
                status = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(status.st_mode) and now - status.st_mtime > STALE_TEMPORARY_AGE:
                    os.unlink(entry.path)


def _is_random_suffix(text: str) -> bool:
    return len(text) == _RANDOM_DIGITS and all(c in "0123456789abcdef" for c in text)


def _replace(
    target: Path, chunks: Iterable[bytes | memoryview], previous: os.stat_result | None
) -> None:
    """Write ``chunks`` to a new temporary file beside ``target`` and rename it over it."""
    prefix = _temporary_prefix(target)
    # Created, never opened if present (O_EXCL, no link followed), with the mode the umask
    # gives a new file: mkstemp would make every output 0600.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = target.parent / f"{prefix}{secrets.token_hex(_RANDOM_DIGITS // 2)}"
        try:
            handle = os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue  # another write's temporary name: draw again
        break
    else:
        raise FileExistsError(errno.EEXIST, "no free temporary file name", str(target.parent))
    try:
        with os.fdopen(handle, "wb") as stream:
            if previous is not None:
                _keep_mode(stream.fileno(), temporary, previous)
            written = started = 0
            for data in chunks:
                stream.write(data)
                written += memoryview(data).nbytes
                if written - started >= WRITEBACK_BYTES:
                    stream.flush()
                    _start_writeback(stream.fileno(), started, written - started)
                    started = written
        os.replace(temporary, target)
    except BaseException:  # KeyboardInterrupt too: never leave the temporary file behind
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


#: Bytes of a large file written before the system is asked to start writing them to disk
#: (:func:`_start_writeback`).
WRITEBACK_BYTES = 1 << 26


def _start_writeback(handle: int, offset: int, length: int) -> None:
    """Have the system start writing these bytes of a file to disk now, without waiting
    for it (``posix_fadvise``, where there is one; pages already written are dropped from
    its cache). Left to the system, a 1.4 GB results file was gigabytes of unwritten pages
    by the end: writing it took 2.1-5.2 s of processor time and replacing the old file
    0.8 s, waiting for them; written this way 1.3 s and 0.3 s."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:  # pragma: no cover - macOS, Windows
        return
    with contextlib.suppress(OSError):
        advise(handle, offset, length, os.POSIX_FADV_DONTNEED)


def _keep_mode(handle: int, temporary: Path, previous: os.stat_result) -> None:
    """Give the temporary file the replaced file's permissions (never set-user/group-id)."""
    mode = stat.S_IMODE(previous.st_mode) & ~(stat.S_ISUID | stat.S_ISGID)
    if hasattr(os, "fchmod"):
        os.fchmod(handle, mode)
    else:  # pragma: no cover - Windows before Python 3.13
        os.chmod(temporary, mode)


#: A text cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Prefixed to such a cell so that it is shown as text (OWASP's advice for CSV injection).
TEXT_MARKER = "'"


def neutralise_formula(text: str) -> str:
    """Make a text cell safe to open in a spreadsheet: prefix ``'`` when it could run.

    Every writer of CSV or XLSX passes its text cells through here (numbers are written as
    numbers and never need it). Readers undo it with :func:`restore_text`.

    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")"), neutralise_formula("Fife")
    ('\\'=HYPERLINK("http://x")', 'Fife')
    """
    return TEXT_MARKER + text if text.startswith(FORMULA_TRIGGERS) else text


def restore_text(text: str) -> str:
    """Undo :func:`neutralise_formula` on a cell read back from a file.

    >>> restore_text("'=1+1"), restore_text("'quoted")
    ('=1+1', "'quoted")
    """
    if text.startswith(TEXT_MARKER) and text[1:2] and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def format_number(value: float) -> str:
    """A number as CSV text: empty for NaN, no ``.0`` on whole numbers, else shortest repr.

    >>> format_number(352.0), format_number(294921.07), format_number(float("nan"))
    ('352', '294921.07', '')
    """
    if math.isnan(value):
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _text_cell(value: object) -> str:
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return neutralise_formula(str(value))


def _number_cell(text: str) -> str:
    """A formatted number as written: ``-inf`` is no number to a spreadsheet, but a formula."""
    return text if text[1:2].isdigit() or text[1:2] == "." else neutralise_formula(text)


def _csv_field(text: str) -> str:
    """A cell as CSV: quoted when it holds a comma, a quote or a line break of either kind.

    The csv module quotes only the characters of its own line terminator, so a bare
    carriage return went out unquoted and started a new row in every spreadsheet program,
    one whose first cell escaped the formula guard.
    """
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_text(frame: pd.DataFrame, *, float_format: str | None = None) -> str:
    """A frame as deterministic CSV text, the one serialiser of every CSV the package writes.

    Whole numbers are written as such, other numbers by :func:`format_number` (or
    ``float_format % value`` when given, e.g. ``"%.12g"``), booleans as ``true``/``false``,
    missing values as empty cells, with Unix line endings; every text cell, the header
    included, is neutralised against formula injection (:func:`neutralise_formula`) and
    quoted as the csv module would, and also when it holds a carriage return.

    >>> import pandas as pd
    >>> print(csv_text(pd.DataFrame({"area": ["=1+1", "Fife"], "value": [0.5, None]})), end="")
    area,value
    '=1+1,0.5
    Fife,
    """
    return b"".join(csv_chunks(frame, float_format=float_format)).decode("utf-8")


#: Rows formatted at a time by :func:`csv_chunks`: the text of one chunk is held at once,
#: and its rows of characters (:func:`_csv_lines`) stay within the processor's cache.
CSV_CHUNK_ROWS = 1 << 16


def csv_chunks(
    frame: pd.DataFrame, *, float_format: str | None = None, rows: int = CSV_CHUNK_ROWS
) -> Iterator[memoryview]:
    """:func:`csv_text` as UTF-8, the header then ``rows`` rows at a time, each column
    formatted as a whole: text cells once per distinct value, numbers with ``"%.12g"``
    vectorised (cells near a rounding tie or needing an exponent by Python's own ``%``),
    so the bytes are those of formatting cell by cell (:func:`_csv_lines`)."""
    import pyarrow as pa  # type: ignore[import-untyped]

    header = [_csv_field(neutralise_formula(str(column))) for column in frame.columns]
    if frame.shape[1] == 1:
        header = [cell or '""' for cell in header]
    yield memoryview((",".join(header) + "\n").encode("utf-8"))
    if not frame.shape[1]:
        yield memoryview(b"\n" * len(frame))
        return
    # Each column is looked at once (its kind, its texts numbered): a chunk is then slices
    # of arrays, not a Series of every column made afresh and inspected again.
    columns = [_Column(frame.iloc[:, position], float_format)
               for position in range(frame.shape[1])] if frame.shape[1] > 1 else []  # fmt: skip

    def lines(start: int) -> memoryview:
        if columns:
            return _csv_lines(columns, slice(start, start + rows))
        column = _csv_column(frame.iloc[start : start + rows, 0], float_format)
        # A row of one empty cell is written "" so that it is not read as no row at all.
        column = _pc().if_else(_pc().equal(column, ""), '""', column)
        joined = _pc().binary_join_element_wise(column, "", "\n")
        return _string_bytes(pa.array(joined, pa.string()))

    starts = range(0, len(frame), rows)
    if len(starts) < 2:  # one chunk: nothing to overlap
        yield from map(lines, starts)
        return
    yield from map_ahead(lines, starts, workers=CSV_WORKERS, initializer=_reuse_rows)


#: Threads formatting chunks of a large CSV while the one before is written: Arrow and
#: numpy do most of the work without holding the interpreter, so two cores share it.
CSV_WORKERS = min(2, os.cpu_count() or 1)


def map_ahead(
    work: Callable[[ItemT], ResultT],
    items: Iterable[ItemT],
    *,
    workers: int,
    initializer: Callable[[], None] | None = None,
) -> Iterator[ResultT]:
    """``map(work, items)`` with up to ``workers`` items worked on ahead in threads
    (``initializer`` run in each), results in order; at most ``workers + 1`` results are
    held at once. An item's exception is raised when its result is reached; the items not
    started then are never started."""
    from concurrent.futures import Future, ThreadPoolExecutor

    pending: collections.deque[Future[ResultT]] = collections.deque()
    with ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="ahead",
                            initializer=initializer) as pool:  # fmt: skip
        try:
            for item in items:
                pending.append(pool.submit(work, item))
                if len(pending) > workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _pc() -> Any:
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    return pc


def _string_bytes(strings: Any) -> memoryview:
    """The characters of an Arrow string array, one after the other, without a copy."""
    import numpy as np

    if not len(strings):
        return memoryview(b"")
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)
    first, last = offsets[strings.offset], offsets[strings.offset + len(strings)]
    return memoryview(strings.buffers()[2])[first:last]


def _csv_lines(columns: list[_Column], rows: slice) -> memoryview:
    """The ``rows`` of a frame's ``columns`` (two or more) as CSV lines, one after the other.

    Most columns are written as rows of characters (:class:`_Cells`): every row of a run
    of such columns is one row of a matrix, its cells side by side with a ``,`` before
    each but the first, and the characters of all the lines are gathered at once
    (:func:`_without_nul`). A column whose cells cannot be (long or mixed texts, numbers in
    another format) is an Arrow array of its cells, joined to the runs beside it; but a
    last column of texts that is mostly empty (the results' notes) is written empty in its
    run, and its few texts put in their lines afterwards (:meth:`_Column.sparse`).
    """
    import pyarrow as pa

    pieces: list[Any] = []  # each an Arrow array of cells, or a list of _Cells (a run)
    sparse: tuple[NDArray[np.intp], list[bytes]] | None = None
    for position, column in enumerate(columns):
        cells = column.fixed(rows)
        if cells is None and position == len(columns) - 1:
            sparse = column.sparse(rows)
            if sparse is not None:  # each cell empty here, its text put in afterwards
                cells = _Cells(len(range(*rows.indices(column.length))), 1, _leave_empty)
        if cells is None:
            pieces.append(column.arrow(rows))
        elif pieces and isinstance(pieces[-1], list):
            pieces[-1].append(cells)
        else:
            pieces.append([cells])
    ends_fixed = isinstance(pieces[-1], list)
    strings = [_run_lines(piece, newline=ends_fixed and index == len(pieces) - 1)
               if isinstance(piece, list) else piece
               for index, piece in enumerate(pieces)]  # fmt: skip
    if len(strings) == 1 and ends_fixed:
        lines = strings[0]
    else:
        joined = _pc().binary_join_element_wise(*strings, ",")
        if not ends_fixed:
            joined = _pc().binary_join_element_wise(joined, "", "\n")
        lines = pa.array(joined, pa.string())
    if sparse is None:
        return _string_bytes(lines)
    return _before_newlines(lines, *sparse)


def _leave_empty(rows: NDArray[np.uint32]) -> None:
    """Write nothing: the rows are zeros, no characters (an empty cell)."""


#: A last column of texts is written as :meth:`_Column.sparse` when at most this share of
#: its cells in a chunk are not empty.
_SPARSE_SHARE = 1 / 8


class _Column:
    """One column of a frame being written as CSV, looked at once: its kind, its numbers
    as an array, its texts numbered (:func:`_text_codes`) and made into rows of characters
    (:func:`_text_table`). Each chunk's cells are then made from slices of those arrays,
    as the same text :func:`_csv_column` gives cell by cell.

    A column of mixed cells, or of numbers in a format other than ``%.12g``, is handed to
    :func:`_csv_column` a chunk at a time, as it always was.
    """

    def __init__(self, series: pd.Series, float_format: str | None) -> None:
        import numpy as np
        from pandas.api.types import is_bool_dtype, is_integer_dtype, is_numeric_dtype

        self.series = series
        self.length = len(series)
        self.float_format = float_format
        #: The cells of a slice of rows as rows of characters, or None (then :meth:`arrow`).
        self.fixed: Callable[[slice], _Cells | None] = _no_cells
        self.codes: NDArray[Any] | None = None  # for texts: each cell's, -1 when missing
        self.texts: list[str] = []
        self.table: NDArray[np.uint32] = np.zeros((0, 1), dtype=np.uint32)
        values = series.array
        if is_bool_dtype(series):
            self.fixed = functools.partial(_bool_cells, values)
        elif is_integer_dtype(series):
            self.fixed = functools.partial(_whole_number_cells, values)
        elif is_numeric_dtype(series):
            if float_format == "%.12g":
                self.fixed = functools.partial(_float_cells, values)
        else:
            coded = _text_codes(series)
            if coded is not None:
                codes, self.texts = coded
                self.codes = codes.astype(_code_type(len(self.texts)), copy=False)
                self.table = _text_table([*self.texts, ""])
                if len(self.table):
                    self.fixed = functools.partial(_coded_cells, self.table, self.codes)

    def arrow(self, rows: slice) -> Any:
        """The cells of a slice of rows as an Arrow array of strings."""
        if self.codes is None:
            return _csv_column(self.series.iloc[rows], self.float_format)
        return _coded_texts(self.texts, self.codes[rows])

    def sparse(self, rows: slice) -> tuple[NDArray[np.intp], list[bytes]] | None:
        """For a column of texts, the rows in the slice whose cells are not empty and
        those cells (UTF-8), when they are few (:data:`_SPARSE_SHARE`); else None."""
        import numpy as np

        if self.codes is None:
            return None
        cells, shown = self._encoded
        codes = self.codes[rows]
        found = np.flatnonzero(shown[codes])
        if len(found) > _SPARSE_SHARE * len(codes):
            return None
        return found, [cells[code] for code in codes[found].tolist()]

    @functools.cached_property
    def _encoded(self) -> tuple[list[bytes], NDArray[np.bool_]]:
        """Each text as UTF-8, and whether it is not empty (one more, False, for code -1)."""
        import numpy as np

        cells = [text.encode("utf-8") for text in self.texts]
        return cells, np.array([bool(cell) for cell in cells] + [False])


def _no_cells(rows: slice) -> None:
    return None


def _coded_cells(table: NDArray[np.uint32], codes: NDArray[Any], rows: slice) -> _Cells | None:
    """Cells of texts, each a row of ``table`` (the last: a missing cell's) by its code."""
    import numpy as np

    chosen = codes[rows]
    return _table_cells(table, np.where(chosen < 0, len(table) - 1, chosen))


def _code_type(count: int) -> Any:
    """The narrowest signed integers that number ``count`` texts and -1."""
    import numpy as np

    return np.int8 if count < 2**7 else np.int16 if count < 2**15 else np.int32


def _bool_cells(values: Any, rows: slice) -> _Cells | None:
    import numpy as np

    chunk = values[rows]
    missing = np.asarray(chunk.isna(), dtype=bool)
    codes = np.where(missing, 2, chunk.to_numpy(dtype=bool, na_value=False).astype(np.int8))
    return _table_cells(_text_table([b"false", b"true", b""]), codes)


def _whole_number_cells(values: Any, rows: slice) -> _Cells | None:
    import numpy as np

    chunk = values[rows]
    missing = np.asarray(chunk.isna(), dtype=bool)
    whole = chunk.to_numpy(dtype=np.int64, na_value=0)
    if not ((whole > -(10**12)) & (whole < 10**12)).all():
        return None  # beyond the twelve digits _digit_cells writes
    return _digit_cells(np.abs(whole), None, 0, whole < 0, blank=missing)


def _float_cells(values: Any, rows: slice) -> _Cells | None:
    import numpy as np

    return _number_cells(values[rows].to_numpy(dtype=np.float64, na_value=np.nan))


def _before_newlines(lines: Any, rows: NDArray[np.intp], cells: list[bytes]) -> memoryview:
    """The characters of ``lines`` (an Arrow string array, each line ending ``\\n``), with
    each of ``cells`` put before the newline of its line in ``rows`` (ascending)."""
    import numpy as np

    characters = _string_bytes(lines)
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    ends = offsets[lines.offset + 1 : lines.offset + len(lines) + 1] - offsets[lines.offset] - 1
    pieces: list[bytes | memoryview] = []
    start = 0
    for end, cell in zip(ends[rows].tolist(), cells, strict=True):
        pieces += (characters[start:end], cell)
        start = end
    pieces.append(characters[start:])
    return memoryview(b"".join(pieces))


def _run_lines(run: list[_Cells], *, newline: bool) -> Any:
    """A run of columns written side by side as rows of characters, ``,`` between cells
    (and ``\\n`` at the end when ``newline``), gathered into one string a row."""
    import numpy as np

    count = run[0].count
    slots = [cells.slots for cells in run]
    used = sum(slots) + newline
    rows = _zeroed_rows(count, used + used % 2)  # a multiple of 8 bytes
    start = 0
    for cells in run:
        cells.write(rows[:, start : start + cells.slots])
        start += cells.slots
    characters = rows.view(np.uint8)
    # The first byte of each column's cells is left NUL for the ',' before it.
    characters[:, 4 * np.cumsum(slots[:-1], dtype=np.intp)] = ord(",")
    if newline:
        characters[:, 4 * start] = ord("\n")
    return _without_nul(characters)


#: Each worker thread's memory for the rows of :func:`_run_lines`, reused from chunk to
#: chunk (:func:`csv_chunks` marks its threads; the memory goes with the thread).
_ROWS = threading.local()


def _reuse_rows() -> None:
    _ROWS.reuse = True


def _zeroed_rows(count: int, slots: int) -> NDArray[np.uint32]:
    """Zeros, ``count`` rows by ``slots``; in a worker thread, in its memory for rows: an
    array of tens of megabytes made afresh for every chunk is zeroed page by page by the
    system as it is first written, which took longer than writing the characters."""
    import numpy as np

    if not getattr(_ROWS, "reuse", False):
        return np.zeros((count, slots), dtype=np.uint32)
    held: NDArray[np.uint32] | None = getattr(_ROWS, "memory", None)
    if held is None or held.size < count * slots:
        held = np.empty(count * slots, dtype=np.uint32)
        _ROWS.memory = held
    rows = held[: count * slots].reshape(count, slots)
    rows.fill(0)
    return rows


class _Cells:
    """A column's cells as rows of characters to be written: ``slots`` groups of four
    bytes a row, a NUL byte being no character. The first byte of a row is always NUL,
    left for the separator before the cell (:func:`_run_lines`)."""

    __slots__ = ("count", "slots", "write")

    def __init__(self, count: int, slots: int, write: Callable[[NDArray[np.uint32]], None]) -> None:
        self.count = count
        self.slots = slots
        #: Writes the rows into an array of ``count`` rows by ``slots`` (zeros before).
        self.write = write


#: Longest text cell (bytes) written by rows of characters; a column with a longer one is
#: joined as an Arrow array (a note that names many areas), not padded to it on every row.
_TEXT_ROW_BYTES = 63


def _text_codes(series: pd.Series) -> tuple[NDArray[np.intp], list[str]] | None:
    """Each cell's code (-1 when missing) and the CSV cell of each distinct text, for a
    column of texts (categorical or not); None for a column of anything else."""
    import numpy as np
    import pandas as pd
    from pandas.api.types import infer_dtype

    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.array.codes
        uniques = series.cat.categories.tolist()
    elif infer_dtype(series, skipna=True) in ("string", "empty"):
        codes, uniques_index = pd.factorize(series.astype(object).to_numpy())
        uniques = list(uniques_index)
    else:
        return None
    return codes.astype(np.intp, copy=False), _text_cells(uniques)


def _text_cells(uniques: Iterable[object]) -> list[str]:
    return [_csv_field(_text_cell(value)) for value in uniques]


def _text_table(texts: list[str] | list[bytes]) -> NDArray[np.uint32]:
    """Rows of characters for ``texts`` (the last one: a missing cell's), each after a NUL
    byte left for the separator, as :class:`_Cells` rows; one row of no text when a text
    holds a NUL character or is longer than :data:`_TEXT_ROW_BYTES` (then unused)."""
    import numpy as np

    encoded = [text.encode("utf-8") if isinstance(text, str) else text for text in texts]
    width = 4 * -(-(1 + max(map(len, encoded), default=0)) // 4)
    if width > 1 + _TEXT_ROW_BYTES + 3 or any(b"\0" in text for text in encoded):
        return np.zeros((0, 1), dtype=np.uint32)
    table = b"".join(b"\0" + text.ljust(width - 1, b"\0") for text in encoded)
    return np.frombuffer(table, dtype=np.uint8).reshape(len(encoded), width).view(np.uint32)


def _table_cells(table: NDArray[np.uint32], codes: NDArray[Any]) -> _Cells | None:
    """Cells that are rows of ``table``, ``codes`` picking one a cell."""
    if not len(table):
        return None

    def write(out: NDArray[np.uint32]) -> None:
        import numpy as np

        if len(table) == 1:
            out[:] = table[0]
            return
        # Each cell's slots copied whole, as one item of their width: one pass, not one a slot.
        whole = np.dtype((np.void, table.itemsize * table.shape[1]))
        out.view(whole)[:, 0] = table.view(whole)[:, 0][codes]

    return _Cells(len(codes), table.shape[1], write)


def _csv_column(series: pd.Series, float_format: str | None) -> Any:
    """One column's cells as an Arrow string array, formatted as :func:`csv_text` says."""
    import numpy as np
    import pyarrow as pa
    from pandas.api.types import is_bool_dtype, is_integer_dtype, is_numeric_dtype

    missing = series.isna().to_numpy()
    if is_bool_dtype(series):
        codes = np.where(missing, -1, series.fillna(False).to_numpy(dtype=bool).astype(np.int8))
        return _pc().take(pa.array(["false", "true", ""]), pa.array(np.where(codes < 0, 2, codes)))
    if is_integer_dtype(series):
        whole = pa.array(series.to_numpy(dtype=np.int64, na_value=0), mask=missing)
        return _pc().fill_null(_pc().cast(whole, pa.string()), "")
    if is_numeric_dtype(series):
        numbers = series.to_numpy(dtype=np.float64, na_value=np.nan)
        if float_format == "%.12g":
            return _twelve_digits(numbers)
        if float_format is None:
            cells = [format_number(number) for number in numbers.tolist()]
        else:
            cells = ["" if math.isnan(number) else float_format % number
                     for number in numbers.tolist()]  # fmt: skip
        return pa.array([_csv_field(_number_cell(cell)) if cell else cell for cell in cells],
                        pa.string())  # fmt: skip
    coded = _text_codes(series)
    if coded is None:  # mixed cells: looked up as they always were (1 and 1.0 are one key)
        known = {value: _csv_field(_text_cell(value)) for value in series.dropna().unique()}
        return pa.array([known.get(value, "") for value in series], pa.string())
    codes, texts = coded
    return _coded_texts(texts, codes)


def _coded_texts(texts: list[str], codes: NDArray[Any]) -> Any:
    """The cells of a column of texts as an Arrow array: each code's text (-1: empty)."""
    import numpy as np
    import pyarrow as pa

    return _pc().take(pa.array([*texts, ""], pa.string()),
                      pa.array(np.where(codes < 0, len(texts), codes)))  # fmt: skip


def _twelve_digits(numbers: NDArray[np.float64]) -> Any:
    """``"%.12g" % number`` of every number (empty for NaN), as an Arrow array of CSV
    cells (:func:`_number_cells`), :data:`_DIGITS_BLOCK` numbers at a time."""
    import numpy as np
    import pyarrow as pa

    if len(numbers) > _DIGITS_BLOCK:
        return pa.concat_arrays([_twelve_digits(numbers[start : start + _DIGITS_BLOCK])
                                 for start in range(0, len(numbers), _DIGITS_BLOCK)])  # fmt: skip
    cells = _number_cells(numbers)
    rows = np.zeros((len(numbers), cells.slots + cells.slots % 2), dtype=np.uint32)
    cells.write(rows[:, : cells.slots])
    return _without_nul(rows.view(np.uint8))


def _number_cells(numbers: NDArray[np.float64]) -> _Cells:
    """``"%.12g" % number`` of every number (empty for NaN), as CSV cells, vectorised.

    Whole numbers below 1e12 only (counts kept as floats), whose ``%g`` is the integer's
    decimal text, are written as such. Otherwise a number is scaled to twelve digits left
    of the point and rounded; as the scaling rounds once, by at most 1e-4 of the last
    digit, a number whose twelfth digit could round either way (within 1e-3 of a tie), or
    that ``%g`` writes with an exponent (below 1e-4 or from 1e12), or that is not finite,
    is formatted by Python instead. The twelve digits of the rest are cut at the point,
    exactly (all below 2**53), into a whole part and a fraction, which
    :func:`_digit_cells` writes as characters.
    """
    import numpy as np

    size = np.abs(numbers)
    negative = np.signbit(numbers)
    with np.errstate(invalid="ignore"):
        whole = (size == np.rint(size)) & (size < 1e12)
    if (whole | np.isnan(numbers)).all():
        units = np.where(whole, size, 0).astype(np.int64)
        return _digit_cells(units, None, 0, negative & whole, blank=~whole)
    powers = _powers_of_ten()
    finite = np.fmin(size, 1e300)
    finite *= size < np.inf  # NaN and infinities as 0, never written here
    # floor(log10(finite)): floor(binary exponent * log10(2)), then one up from the next
    # power of ten; exact from 1e-5 (no float lies between a power and its nearest float)
    binary = np.clip((finite.view(np.int64) >> 52) - 1023, -40, 60)
    exponent = (binary * 1233) >> 12
    exponent += finite >= powers[exponent + (_POWER_OFFSET + 1)]
    np.clip(exponent, -5, 12, out=exponent)
    scaled = finite * powers[(_POWER_OFFSET + 11) - exponent]  # 1e11 to 1e12 where fast
    rounded = np.rint(scaled)
    tie = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-3
    carried = np.flatnonzero(rounded >= 1e12)
    if len(carried):
        rounded[carried] /= 10
        exponent[carried] += 1
    fast = (finite > 0) & ~tie & (exponent >= -4) & (exponent <= 11)
    fast &= (scaled >= 1e11) & (scaled < 1e12 + 1)
    shown = fast | (numbers == 0)
    # The twelve digits have ``11 - exponent`` (0 to 15) after the point: the fraction is
    # written with ``places`` digits, as many as the longest needs (3, 7, 11 or 15).
    after = (11 - exponent) * fast
    places = _FRACTION_PLACES[int(after.max())]
    rounded *= fast
    divisor = powers[after + _POWER_OFFSET]
    units = np.floor(rounded / divisor)
    fraction = (rounded - units * divisor) * powers[(_POWER_OFFSET + places) - after]
    slow = np.flatnonzero(~shown & ~np.isnan(numbers))
    python = "%.12g"  # what the cell would be, formatted alone
    texts = [_csv_field(_number_cell(python % number)).encode("ascii")
             for number in numbers[slow].tolist()]  # fmt: skip
    return _digit_cells(units.astype(np.int64), fraction.astype(np.int64), places,
                        negative & shown, blank=~shown, texts=(slow, texts))  # fmt: skip


#: Numbers formatted at a time by :func:`_twelve_digits`: the arrays of a block stay in the
#: processor's cache and are reused by the memory allocator, never handed back to the system
#: and faulted in again (a chunk of 250,000 numbers at once took up to twice as long).
_DIGITS_BLOCK = 1 << 16
#: The digits :func:`_digit_cells` writes after the point, by how many there are at most:
#: three, then groups of four.
_FRACTION_PLACES = (3, 3, 3, 3, 7, 7, 7, 7, 11, 11, 11, 11, 15, 15, 15, 15)
#: Where each kind of group starts in :func:`_digit_groups`.
_LEADING, _UNITS, _FRACTION, _POINT = 0, 20_000, 40_000, 60_000
#: ``_powers_of_ten()[k + _POWER_OFFSET]`` is ``10.0 ** k``.
_POWER_OFFSET = 20


@functools.cache
def _powers_of_ten() -> NDArray[np.float64]:
    """``1e-20`` to ``1e20``, each the float nearest the power (exact from ``1e0``)."""
    import numpy as np

    return np.array([float(f"1e{power}") for power in range(-_POWER_OFFSET, _POWER_OFFSET + 1)])


@functools.cache
def _digit_groups() -> NDArray[np.uint32]:
    """The characters of every group of four digits, 0 to 9999, as one uint32 each (four
    bytes of ASCII, a NUL byte being no character), in the kinds :func:`_digit_cells`
    needs, each kind twice over: at ``2 * group`` alone, at ``2 * group + 1`` with a digit
    other than 0 before it (whole part) or after it (fraction):

    - ``_LEADING``, a group of the whole part but the units: ``42``, nothing for 0; with a
      digit before it ``0042``;
    - ``_UNITS``: ``42``, ``0`` for 0; with a digit before it ``0042``;
    - ``_FRACTION``, a group after the point: ``0042``, ``42`` for 4200, nothing for 0;
      with a digit after it ``4200``;
    - ``_POINT``, the point and the first three digits after it (0 to 999): ``.42`` for
      420, nothing for 0; with a digit after it ``.420``, ``.000``.
    """
    import numpy as np

    texts = [b"%04d" % group for group in range(10_000)]
    points = [b".%03d" % group for group in range(1000)]
    kinds = (  # each group alone, then with a digit beside it
        ([text.lstrip(b"0").rjust(4, b"\0") for text in texts], texts),
        ([(text.lstrip(b"0") or b"0").rjust(4, b"\0") for text in texts], texts),
        ([text.rstrip(b"0").ljust(4, b"\0") for text in texts], texts),
        ([point.rstrip(b"0").rstrip(b".").ljust(4, b"\0") for point in points], points),
    )
    table = b"".join(alone + beside for kind in kinds for alone, beside in zip(*kind, strict=True))
    return np.frombuffer(table, dtype=np.uint32)


def _digit_cells(
    units: NDArray[np.int64],
    fraction: NDArray[np.int64] | None,
    places: int,
    negative: NDArray[np.bool_],
    *,
    blank: NDArray[np.bool_],
    texts: tuple[NDArray[np.intp], list[bytes]] | None = None,
) -> _Cells:
    """Numbers given as their whole part (below 1e12) and the ``places`` digits after the
    point (3, 7, 11 or 15; ``fraction`` ``None`` for none), as ``%g`` writes them without
    an exponent: no trailing zeros, no bare point, ``-`` where ``negative``; nothing where
    ``blank`` (whose numbers must be 0). ``texts``: rows written as the bytes given
    instead (positions, texts), which must be blank.

    Every number gets a row of fixed places as :class:`_Cells`, uint32 of four characters:
    the separator's byte and the sign, the whole part right-aligned in groups of four
    digits, the point and three digits, then groups of four digits. Each group's
    characters are looked up whole in :func:`_digit_groups`, leading zeros of the whole
    part and trailing zeros of the fraction being NUL bytes, as is the point of a whole
    number: a row's characters are its bytes other than NUL.
    """
    count = len(units)
    top = int(units.max()) if count else 0
    whole_groups = 1 if top < 10**4 else 2 if top < 10**8 else 3
    used = 1 + whole_groups + (0 if fraction is None else 1 + (places - 3) // 4)
    given, given_texts = texts if texts is not None else (None, [])
    slots = max(used, -(-(1 + max(map(len, given_texts), default=0)) // 4))

    def write(out: NDArray[np.uint32]) -> None:
        import numpy as np

        # Written in rows of their own, then copied into ``out`` at once: a chunk's rows of
        # every column are too many to stay in the processor's cache, and a pass over them
        # for each group of digits was a third slower.
        if out.flags.c_contiguous:
            _write_digits(out)
            return
        rows = np.zeros((count, slots), dtype=np.uint32)
        _write_digits(rows)
        out[...] = rows

    def _write_digits(rows: NDArray[np.uint32]) -> None:
        import numpy as np

        table = _digit_groups()
        characters = rows.view(np.uint8)
        characters[:, 1] = negative.view(np.uint8) * np.uint8(ord("-"))
        rest = units
        for place in range(whole_groups, 0, -1):  # groups of four, from the units
            kind = _UNITS if place == whole_groups else _LEADING
            higher = rest // 10_000
            index = (rest - higher * 10_000) * 2
            if place > 1:  # a digit before the group: its zeros are shown
                index += units >= 10 ** (4 * (whole_groups - place + 1))
            rows[:, place] = table[kind:][index]
            rest = higher
        if blank.any():
            rows[:, whole_groups] *= ~blank
        if fraction is not None:
            rest = fraction
            later = np.zeros(count, dtype=bool)  # a digit after the group: its zeros are shown
            for place in range(used - 1, whole_groups + 1, -1):  # groups of four, from the last
                higher = rest // 10_000
                group = rest - higher * 10_000
                rows[:, place] = table[_FRACTION:][group * 2 + later]
                later |= group > 0
                rest = higher
            rows[:, whole_groups + 1] = table[_POINT:][rest * 2 + later]
        if given is not None and len(given):
            width = 4 * slots
            written = b"".join(b"\0" + text.ljust(width - 1, b"\0") for text in given_texts)
            characters[given] = np.frombuffer(written, dtype=np.uint8).reshape(-1, width)

    return _Cells(count, slots, write)


@functools.cache
def _bits_set() -> NDArray[np.uint8]:
    """How many bits are set in each byte, 0 to 255."""
    import numpy as np

    return np.array([bin(byte).count("1") for byte in range(256)], dtype=np.uint8)


def _without_nul(rows: NDArray[np.uint8]) -> Any:
    """A string for every row of bytes (a multiple of eight of them), its bytes other than
    NUL (ASCII), as Arrow.

    The characters are gathered by Arrow's filter, with a bitmap of the bytes that are not
    NUL; a row's length is the number of bits set in its bytes of the bitmap.
    """
    import numpy as np
    import pyarrow as pa

    count, width = rows.shape
    characters = pa.Array.from_buffers(
        pa.uint8(), count * width, [None, pa.py_buffer(np.ascontiguousarray(rows))]
    )
    present = _pc().not_equal(characters, pa.scalar(0, pa.uint8()))  # a bitmap, in Arrow's pool
    data = _pc().filter(characters, present)
    bits = np.frombuffer(present.buffers()[1], dtype=np.uint8, count=count * width // 8)
    per_byte = _bits_set()[bits].reshape(count, width // 8)
    lengths = per_byte[:, 0].astype(np.int32)
    for column in range(1, width // 8):
        lengths += per_byte[:, column]
    offsets = np.zeros(count + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.StringArray.from_buffers(count, pa.py_buffer(offsets), data.buffers()[1])


def write_csv(
    path: str | os.PathLike[str],
    frame: pd.DataFrame,
    *,
    float_format: str | None = None,
    byte_order_mark: bool = False,
) -> tuple[Path, str]:
    """Write ``frame`` as :func:`csv_text` to ``path`` atomically (:func:`write_bytes_atomic`),
    after a byte-order mark when asked; return the path and the text written (without the
    mark). Every CSV file the package writes goes through here."""
    text = csv_text(frame, float_format=float_format)
    data = ("\ufeff" + text if byte_order_mark else text).encode("utf-8")
    return write_bytes_atomic(path, data), text


def write_parquet(path: str | os.PathLike[str], frame: pd.DataFrame) -> Path:
    """Write ``frame`` as Parquet to ``path`` atomically (:func:`write_bytes_atomic`),
    without its index. Text cells are kept as they are: a Parquet reader gives them as
    text, never as formulas.

    Text columns are handed to the writer as dictionaries (each distinct text once, as
    Parquet stores them anyway) and the file carries no Arrow schema, so that a reader sees
    plain text columns; numbers keep their type, a missing cell is a null."""
    import pyarrow as pa
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    table = pa.table({str(name): _arrow_column(frame[name]) for name in frame.columns})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, store_schema=False)
    return write_chunks_atomic(path, (memoryview(sink.getvalue()),))


def _arrow_column(series: pd.Series) -> Any:
    """One column as an Arrow array: text as a dictionary of its distinct texts (missing
    cells null), anything else as Arrow converts it (NaN as null)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    from pandas.api.types import infer_dtype

    from outcomes.core._codes import factorized

    categorical = isinstance(series.dtype, pd.CategoricalDtype)
    texts = series.cat.categories if categorical else series
    if not (categorical or series.dtype == object) or infer_dtype(texts, skipna=True) not in (
        "string", "empty",
    ):  # fmt: skip
        return pa.array(series, from_pandas=True)
    codes, uniques = factorized(series)
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array([str(u) for u in uniques], pa.string()))


def sheet_cell(value: object) -> object:
    """A value as an XLSX cell, the one conversion of every cell the package writes to a
    workbook: empty for missing values, booleans and finite numbers as they are, anything
    else as text neutralised by :func:`neutralise_formula`, so that no cell is a formula.

    >>> sheet_cell("=SUM(A1:A9)"), sheet_cell(12.5), sheet_cell(""), sheet_cell(None)
    ("'=SUM(A1:A9)", 12.5, None, None)
    """
    import numbers

    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(value):
        return float(value)
    # XML 1.0, inside every XLSX file, cannot hold most control characters: show where
    # one was rather than fail to write the workbook.
    return _XML_ILLEGAL.sub("\ufffd", _text_cell(value)) or None


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


#: Longest slug, in UTF-8 bytes: room for ``-<period>.<ext>`` and a temporary file's mark
#: within the 255 bytes a file name may have.
SLUG_MAX_BYTES = 120


def slug(name: str) -> str:
    """A file-name-safe form of an area name, as used in file names of reports and returns.

    Letters are lower-cased; those with an ASCII form once accents are dropped take it
    (``é`` → ``e``, ``ß`` → ``ss``, ``ﬁ`` → ``fi``). Letters and digits of other scripts are
    kept as they are, so that ``日本`` and ``中国`` stay readable and distinct, with their
    combining marks. Every run of anything else (spaces, punctuation, symbols, dots,
    slashes) becomes one ``-``, and ``-`` is trimmed from both ends. A slug is at most
    :data:`SLUG_MAX_BYTES` bytes of UTF-8, cut at a character. A name with no letter or
    digit at all gets ``area-`` and eight hex digits of its SHA-256, so a slug is never
    empty, ``.``, ``..``, hidden (a leading dot) or a path. The same name always gives the
    same slug; different names can share one (``FIFE`` and ``fife!``), which writers of
    several files check (:func:`outcomes.report.write_reports`).

    >>> slug("Argyll & Bute"), slug("Na h-Eileanan Siar"), slug("Côte-d'Or"), slug("日本")
    ('argyll-bute', 'na-h-eileanan-siar', 'cote-d-or', '日本')
    >>> slug(".."), slug("../etc/passwd")
    ('area-5ec1f7e7', 'etc-passwd')
    """
    import hashlib
    import unicodedata

    pieces: list[str] = []
    last = ""  # what the previous character became: "ascii", "kept" or "-"
    for character in unicodedata.normalize("NFC", name.casefold()):
        kind = unicodedata.category(character)[0]
        if kind == "M" and last:
            # A combining mark: dropped after an ASCII letter (an accent), kept after a
            # letter of another script (a vowel sign, say), else a separator.
            pieces.append(character if last == "kept" else "" if last == "ascii" else "-")
            continue
        plain = "".join(
            part
            for part in unicodedata.normalize("NFKD", character)
            if not unicodedata.category(part).startswith("M")
        )
        if plain and plain.isascii():
            pieces.extend(c if c.isalnum() else "-" for c in plain)
            last = "-" if pieces[-1] == "-" else "ascii"
        elif kind in "LN":
            pieces.append(character)
            last = "kept"
        else:
            pieces.append("-")
            last = "-"
    text = "-".join(part for part in "".join(pieces).split("-") if part)
    text = text.encode("utf-8")[:SLUG_MAX_BYTES].decode("utf-8", "ignore").strip("-")
    if not text:
        return "area-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return unicodedata.normalize("NFC", text)
