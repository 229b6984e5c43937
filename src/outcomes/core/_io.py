"""Writing output files: atomically, never over anything but a regular file, and every
CSV or XLSX cell through one formula guard."""

from __future__ import annotations

import contextlib
import errno
import math
import os
import re
import secrets
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outcomes.errors import OutputError

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
            for data in chunks:
                stream.write(data)
        os.replace(temporary, target)
    except BaseException:  # KeyboardInterrupt too: never leave the temporary file behind
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


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


#: Rows formatted at a time by :func:`csv_chunks`: the text of one chunk is held at once.
CSV_CHUNK_ROWS = 250_000


def csv_chunks(
    frame: pd.DataFrame, *, float_format: str | None = None, rows: int = CSV_CHUNK_ROWS
) -> Iterator[memoryview]:
    """:func:`csv_text` as UTF-8, the header then ``rows`` rows at a time, each column
    formatted as a whole (Arrow): text cells once per distinct value, numbers with
    ``"%.12g"`` vectorised (cells near a rounding tie or needing an exponent by Python's
    own ``%``), so the bytes are those of formatting cell by cell."""
    import pyarrow as pa  # type: ignore[import-untyped]

    header = [_csv_field(neutralise_formula(str(column))) for column in frame.columns]
    if frame.shape[1] == 1:
        header = [cell or '""' for cell in header]
    yield memoryview((",".join(header) + "\n").encode("utf-8"))
    if not frame.shape[1]:
        yield memoryview(b"\n" * len(frame))
        return
    for start in range(0, len(frame), rows):
        part = frame.iloc[start : start + rows]
        columns = [_csv_column(part.iloc[:, position], float_format)
                   for position in range(part.shape[1])]  # fmt: skip
        if len(columns) == 1:
            # A row of one empty cell is written "" so that it is not read as no row at all.
            columns = [_pc().if_else(_pc().equal(columns[0], ""), '""', columns[0])]
        lines = _pc().binary_join_element_wise(*columns, ",")
        lines = _pc().binary_join_element_wise(lines, "", "\n")
        yield _string_bytes(pa.array(lines, pa.string()))


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


def _csv_column(series: pd.Series, float_format: str | None) -> Any:
    """One column's cells as an Arrow string array, formatted as :func:`csv_text` says."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    from pandas.api.types import infer_dtype, is_bool_dtype, is_integer_dtype, is_numeric_dtype

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
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        uniques = list(series.cat.categories)
    elif infer_dtype(series, skipna=True) in ("string", "empty"):
        codes, uniques_index = pd.factorize(series.astype(object).to_numpy())
        uniques = list(uniques_index)
    else:  # mixed cells: looked up as they always were (1 and 1.0 are one key)
        known = {value: _csv_field(_text_cell(value)) for value in series.dropna().unique()}
        return pa.array([known.get(value, "") for value in series], pa.string())
    texts = [_csv_field(_text_cell(value)) for value in uniques]
    return _pc().take(pa.array([*texts, ""], pa.string()),
                      pa.array(np.where(codes < 0, len(texts), codes)))  # fmt: skip


def _twelve_digits(numbers: NDArray[np.float64]) -> Any:
    """``"%.12g" % number`` of every number (empty for NaN), as a CSV cell, vectorised.

    A number is scaled to twelve digits left of the point and rounded; as the scaling
    rounds once, by at most 1e-4 of the last digit, a number whose twelfth digit could
    round either way (within 1e-3 of a tie), or that ``%g`` writes with an exponent
    (below 1e-4 or from 1e12), or that is not finite, is formatted by Python instead.
    """
    import numpy as np
    import pyarrow as pa

    size = np.abs(numbers)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        exponent = np.floor(np.log10(np.where(size > 0, size, 1.0)))
        exponent = np.where(np.isfinite(exponent), exponent, 0).astype(np.int64)
        exponent = np.clip(exponent, -5, 12)
        scaled = size * 10.0 ** (11 - exponent)
        # log10 can be one off near a power of ten: bring the scaled number into range.
        low, high = scaled < 1e11, scaled >= 1e12
        exponent = exponent - low + high
        scaled = np.where(low | high, size * 10.0 ** (11 - exponent), scaled)
        rounded = np.rint(scaled)
        tie = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-3
    carried = rounded >= 1e12
    rounded = np.where(carried, rounded / 10, rounded)
    exponent = exponent + carried
    fast = np.isfinite(numbers) & (size > 0) & ~tie & (exponent >= -4) & (exponent <= 11)
    fast &= (scaled >= 1e11) & (scaled < 1e12 + 1)
    zero = numbers == 0
    empty = np.isnan(numbers)
    slow = ~(fast | zero | empty)
    pieces: list[Any] = []
    where: list[NDArray[np.intp]] = []
    negative = np.signbit(numbers)
    chosen = np.flatnonzero(fast)
    if len(chosen):
        pieces.append(_fixed_notation(rounded[chosen].astype(np.int64), exponent[chosen],
                                      negative[chosen]))  # fmt: skip
        where.append(chosen)
    signed_zero = np.where(negative, "-0", "0")
    for mask, cells in ((zero, signed_zero), (empty, np.full(len(numbers), ""))):
        chosen = np.flatnonzero(mask)
        if len(chosen):
            pieces.append(pa.array(cells[chosen], pa.string()))
            where.append(chosen)
    chosen = np.flatnonzero(slow)
    if len(chosen):
        python = "%.12g"  # what the cell would be, formatted alone
        pieces.append(pa.array([_csv_field(_number_cell(python % number))
                                for number in numbers[chosen].tolist()], pa.string()))  # fmt: skip
        where.append(chosen)
    if not pieces:
        return pa.array([], pa.string())
    order = np.concatenate(where)
    inverse = np.empty(len(order), dtype=np.intp)
    inverse[order] = np.arange(len(order))
    return pa.concat_arrays(pieces).take(pa.array(inverse))


def _fixed_notation(
    twelve: NDArray[np.int64], power: NDArray[np.int64], negative: NDArray[np.bool_]
) -> Any:
    """Numbers given as their twelve significant digits (1e11 to 1e12 - 1) and the power of
    ten of the first (-4 to 11), as ``%g`` writes them without an exponent: no trailing
    zeros, no bare point. Built as a matrix of characters, one row a number."""
    import numpy as np
    import pyarrow as pa

    size = len(twelve)
    width = 19  # "-0.000" and twelve digits
    chars = np.zeros((size, width), dtype=np.uint8)  # 0: no character
    chars[:, 0] = np.where(negative, ord("-"), 0)
    flat = chars.reshape(-1)
    start = np.arange(size, dtype=np.int64) * width + 1  # each row's first place after the sign
    small = power < 0
    zeros = np.where(small, -power - 1, 0)  # zeros after "0." below 1
    # Places of the digits: after "0.000" below 1, else with the point after the units.
    first = start + np.where(small, 2 + zeros, 0)
    rest = twelve.copy()
    last = np.full(size, -1, dtype=np.int64)  # the last non-zero digit
    digit_places = []
    for position in range(11, -1, -1):
        digit = rest % 10
        rest //= 10
        last = np.where((last < 0) & (digit != 0), position, last)
        digit_places.append((position, digit))
    shown = np.maximum(last + 1, np.where(small, 0, power + 1))  # whole digits always shown
    for position, digit in digit_places:
        place = first + position + ((~small) & (position > power))
        keep = position < shown
        flat[place[keep]] = (digit[keep] + ord("0")).astype(np.uint8)
    point = small | (shown > power + 1)
    flat[(start + np.where(small, 1, power + 1))[point]] = ord(".")
    flat[start[small]] = ord("0")
    for zero in range(4):
        lead = small & (zeros > zero)
        flat[(start + 2 + zero)[lead]] = ord("0")
    present = chars != 0
    offsets = np.zeros(size + 1, dtype=np.int32)
    np.cumsum(present.sum(axis=1), out=offsets[1:])
    data = chars[present]
    return pa.StringArray.from_buffers(size, pa.py_buffer(offsets), pa.py_buffer(data))


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
    text, never as formulas."""
    import pyarrow as pa
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return write_chunks_atomic(path, (memoryview(sink.getvalue()),))


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
