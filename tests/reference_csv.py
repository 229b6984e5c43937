"""``csv_text`` as it was before it was vectorised (issue 20): every cell formatted by
itself in Python. The reference the vectorised serialiser is compared with, byte for byte
(tests/test_columnar.py)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from outcomes.core._io import (
    _csv_field,
    _number_cell,
    _text_cell,
    format_number,
    neutralise_formula,
)

if TYPE_CHECKING:
    import pandas as pd


def csv_text_by_cell(frame: pd.DataFrame, *, float_format: str | None = None) -> str:
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
    from pandas.api.types import is_bool_dtype, is_integer_dtype, is_numeric_dtype

    columns: list[list[str]] = []
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        missing = series.isna().to_numpy()
        if is_bool_dtype(series):
            cells = ["" if gap else "true" if flag else "false"
                     for flag, gap in zip(series, missing, strict=True)]  # fmt: skip
        elif is_integer_dtype(series):
            cells = ["" if gap else str(int(number))
                     for number, gap in zip(series, missing, strict=True)]  # fmt: skip
        elif is_numeric_dtype(series):
            numbers = series.astype("float64")
            if float_format is None:
                cells = [format_number(number) for number in numbers]
            else:
                cells = ["" if math.isnan(number) else float_format % number for number in numbers]
            cells = [_csv_field(_number_cell(cell)) if cell else cell for cell in cells]
        else:
            texts = {value: _csv_field(_text_cell(value)) for value in series.dropna().unique()}
            cells = [texts.get(value, "") for value in series]
        columns.append(cells)
    header = [_csv_field(neutralise_formula(str(column))) for column in frame.columns]
    if len(columns) == 1:
        # A row of one empty cell is written "" so that it is not read as no row at all.
        columns = [[cell or '""' for cell in columns[0]]]
        header = [cell or '""' for cell in header]
    rows = [",".join(row) for row in zip(*columns, strict=True)] if columns else [""] * len(frame)
    return "\n".join([",".join(header), *rows]) + "\n"
