"""A column's cells as integer codes: the one way the pipeline looks at millions of names.

A text column of 7 million rows holds a few thousand distinct names. Looking each cell up
(a dict map, a MultiIndex) costs seconds; numbering the distinct names once and working on
the numbers costs milliseconds, and a categorical column already carries its numbers.

>>> import pandas as pd
>>> factorized(pd.Series(["Fife", "Angus", "Fife"]))
(array([0, 1, 0]), ['Fife', 'Angus'])
>>> codes_in(pd.Series(["Fife", "Moray", None]), ["Angus", "Fife"]).tolist()
[1, -1, -1]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["codes_in", "factorized"]


def factorized(column: pd.Series) -> tuple[NDArray[np.intp], list[object]]:
    """Each cell's code and the distinct values (a missing cell: code -1), from a
    categorical's own codes without looking at a cell."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array.codes.astype(np.intp), column.cat.categories.tolist()
    codes, uniques = pd.factorize(column)
    return codes.astype(np.intp, copy=False), list(uniques)


def codes_in(column: pd.Series, labels: Sequence[object]) -> NDArray[np.intp]:
    """Position of each cell of ``column`` in ``labels``; -1 when absent or missing."""
    codes, uniques = factorized(column)
    where = pd.Index(list(labels), dtype=object).get_indexer(pd.Index(uniques, dtype=object))
    # A code of -1 (a missing cell) picks the appended -1.
    return np.append(where, -1)[codes].astype(np.intp, copy=False)
