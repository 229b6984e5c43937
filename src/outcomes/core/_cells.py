"""A table's cells read once as typed Python values, for the pages that show them.

pandas holds a missing number as NaN, a missing word as NaN or None, a count as a float
once a column has a gap. Pages must not care: :class:`Cells` converts each column once,
vectorised, the first time it is read (``None`` for an empty number, ``""`` for an empty
text), and each :class:`Record` reads its row from those columns by name.

>>> import pandas as pd
>>> cells = Cells(pd.DataFrame({"area": ["Fife", None], "value": [1.5, float("nan")]}))
>>> [(r.text("area"), r.number("value")) for r in cells]
[('Fife', 1.5), ('', None)]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import TypeVar

import numpy as np
import pandas as pd

__all__ = ["Cells", "Record"]

T = TypeVar("T")


def _empty(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


class Cells:
    """The columns of one table as typed lists, made on first use."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        self._numbers: dict[str, list[float | None]] = {}
        self._texts: dict[str, list[str]] = {}
        self._words: dict[tuple[str, object], list[object]] = {}

    def __len__(self) -> int:
        return len(self._frame)

    def __iter__(self) -> Iterator[Record]:
        return (Record(self, position) for position in range(len(self._frame)))

    def numbers(self, column: str) -> list[float | None]:
        """The column as floats, None where empty."""
        if column not in self._numbers:
            values = pd.to_numeric(self._frame[column], errors="coerce")
            floats = values.to_numpy(dtype=np.float64, na_value=np.nan).tolist()
            self._numbers[column] = [None if math.isnan(v) else float(v) for v in floats]
        return self._numbers[column]

    def texts(self, column: str) -> list[str]:
        """The column as text, ``""`` where empty."""
        if column not in self._texts:
            self._texts[column] = [
                "" if _empty(v) else str(v) for v in self._frame[column].astype(object).tolist()
            ]
        return self._texts[column]

    def words(self, column: str, vocabulary: Callable[[str], T], empty: T) -> list[T]:
        """The column read by ``vocabulary`` (an enum, say), ``empty`` where empty."""
        key = (column, vocabulary)
        if key not in self._words:
            self._words[key] = [
                empty if text == "" else vocabulary(text) for text in self.texts(column)
            ]
        return self._words[key]  # type: ignore[return-value]


class Record:
    """One row of :class:`Cells`, read by column name."""

    __slots__ = ("_cells", "_position")

    def __init__(self, cells: Cells, position: int) -> None:
        self._cells = cells
        self._position = position

    def number(self, column: str) -> float | None:
        return self._cells.numbers(column)[self._position]

    def count(self, column: str) -> int:
        """A whole number such as a count of areas; an empty cell counts none."""
        value = self.number(column)
        return 0 if value is None else int(value)

    def text(self, column: str) -> str:
        return self._cells.texts(column)[self._position]

    def flag(self, column: str) -> bool:
        """A yes/no cell: ``True`` (or ``true``, ``1``) is yes; anything else, no."""
        return self.text(column).lower() in {"true", "1", "1.0"}

    def integer(self, column: str) -> int | None:
        value = self.number(column)
        return None if value is None else int(value)

    def word(self, column: str, vocabulary: Callable[[str], T], empty: T) -> T:
        return self._cells.words(column, vocabulary, empty)[self._position]
