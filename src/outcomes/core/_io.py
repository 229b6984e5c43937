"""Writing output files so that a failed run never leaves a half-written file behind."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from outcomes.errors import OutputError

if TYPE_CHECKING:
    import pandas as pd


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    Parent folders are created. Any failure raises :class:`OutputError` naming the path
    and leaves an existing file at ``path`` untouched.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise OutputError(f"cannot write {target}: {error.strerror or error}") from error
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text with Unix newlines atomically (see :func:`write_bytes_atomic`)."""
    return write_bytes_atomic(path, text.encode("utf-8"))


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


def csv_text(frame: pd.DataFrame) -> str:
    """A frame as deterministic CSV text: numbers by :func:`format_number`, booleans as
    ``true``/``false``, missing values empty, and every text cell neutralised against
    formula injection. Every CSV the package writes goes through here."""
    import pandas as pd
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        series = frame[column]
        if is_bool_dtype(series):
            out[column] = series.map(lambda flag: "true" if flag else "false")
        elif is_numeric_dtype(series):
            numbers = series.astype("float64")
            out[column] = [format_number(value) for value in numbers]
        else:
            texts = {value: _text_cell(value) for value in series.dropna().unique()}
            out[column] = [texts.get(value, "") for value in series]
    header = pd.DataFrame([[neutralise_formula(str(c)) for c in frame.columns]])
    body: str = out.to_csv(index=False, header=False, lineterminator="\n")
    head: str = header.to_csv(index=False, header=False, lineterminator="\n")
    return head + body


def slug(name: str) -> str:
    """A file-name-safe form of an area name, as used in file names of reports and returns.

    >>> slug("Argyll & Bute"), slug("Na h-Eileanan Siar")
    ('argyll-bute', 'na-h-eileanan-siar')
    """
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "area"
