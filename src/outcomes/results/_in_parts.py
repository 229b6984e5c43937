"""``outcomes compute`` into a CSV file a part of the catalogue at a time.

Every indicator is computed from its own items alone (docs/performance.md, "Beyond one
machine"), so the indicators can be computed in parts, in catalogue order, and their
published rows written one part after another: the file is the one run's, byte for byte.
On one machine that lets the results of one part be formatted and written while the next
part is computed, on the other core, and holds a part's results at a time rather than all.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TypedDict, Unpack

import numpy as np
import pandas as pd

from outcomes.catalogue._catalogue import Catalogue
from outcomes.core._io import csv_chunks, map_ahead, write_chunks_atomic
from outcomes.core._periods import Period
from outcomes.errors import OutcomesError, OutputError
from outcomes.results._compute import _coded, compute
from outcomes.returns._tidy import Areas, Dataset
from outcomes.vocabulary import SCOTLAND

#: Input rows of a part (counted by the items its indicators use): a dataset with fewer
#: than two parts' worth is computed in one run. At 14M rows, about fourteen parts: few
#: enough that each call's fixed costs do not add up, many enough that the first part's
#: compute and the last part's write, which nothing overlaps, are short.
PART_ROWS = 1 << 20


class ComputeOptions(TypedDict, total=False):
    """The keyword arguments of :func:`compute` that :func:`write_published` passes on."""

    confidence: float
    deflators: Mapping[str, float] | None
    base_period: str | Period | None


def write_published(
    path: str | os.PathLike[str],
    dataset: Dataset,
    catalogue: Catalogue,
    areas: Areas | None = None,
    *,
    suppress_below: int | None = None,
    part_rows: int | None = None,
    **options: Unpack[ComputeOptions],
) -> Path:
    """Write ``compute(dataset, catalogue, areas, **options).published(suppress_below)``
    to ``path`` as CSV, the bytes of
    :meth:`Results.write` whatever the name (a Parquet file is written in one run by the
    command), computing the indicators in parts of about ``part_rows`` input rows
    (:data:`PART_ROWS` when None), each while the part before is written.

    The parts are computed alone, so a problem in the data (a negative count, an unknown
    area, a missing deflator) is found by the first part that has it; the one run is then
    done instead, whose error names every instance in the whole dataset. Without
    ``areas``, the areas are those of the data: a part lacking one of them would leave its
    rows out, so such a dataset is computed in one run.
    """
    whole = _coded(dataset)

    def one_run() -> Path:
        return compute(whole, catalogue, areas, **options).published(suppress_below).write(path)

    size = PART_ROWS if part_rows is None else part_rows
    parts = _part_rows(whole.frame, catalogue, size, every_area=areas is None)
    if len(parts) < 2:
        return one_run()

    def part_csv(part: tuple[Catalogue, np.ndarray]) -> pd.DataFrame:
        chosen, positions = part
        rows_of = Dataset(frame=whole.frame.iloc[positions], source=whole.source)
        return compute(rows_of, chosen, areas, **options).published(suppress_below)._csv_frame()

    def chunks() -> Iterator[memoryview]:
        for number, frame in enumerate(map_ahead(part_csv, parts, workers=1)):
            written = csv_chunks(frame, float_format="%.12g")
            header = next(written)
            if not number:
                yield header
            yield from written

    try:
        return write_chunks_atomic(path, chunks())
    except OutputError:
        raise
    except (OutcomesError, ValueError):  # found by a part: the one run's error says it all
        return one_run()


def _part_rows(
    frame: pd.DataFrame, catalogue: Catalogue, part_rows: int, *, every_area: bool
) -> list[tuple[Catalogue, np.ndarray]]:
    """The parts: consecutive indicators of ``catalogue`` with about ``part_rows`` rows of
    their items in ``frame`` (categoricals; the first part, a quarter of that), each with
    the positions of those rows in order; a part with no rows is left out, as its
    indicators have no results. One part (the whole catalogue, no positions) when the
    dataset is not split: under two parts' worth of rows, or ``every_area`` and a part
    lacking one of the areas of the data."""
    unsplit = [(catalogue, np.empty(0, dtype=np.intp))]
    if len(frame) < 2 * part_rows:
        return unsplit
    item = frame["item"].array.codes
    names = frame["item"].cat.categories
    counts = np.bincount(item[item >= 0], minlength=len(names))
    position = {str(name): code for code, name in enumerate(names)}
    groups: list[list[str]] = [[]]
    filled = 0
    for indicator in catalogue:
        # The first part is a quarter of the others: nothing is written while it is
        # computed, and the sooner it is done, the sooner both cores are at work.
        if filled >= (part_rows if len(groups) > 1 else part_rows // 4):
            groups.append([])
            filled = 0
        groups[-1].append(indicator.id)
        filled += sum(int(counts[position[name]]) for name in indicator.items if name in position)
    # The rows of every part from one stable sort of the rows by their item's bucket: a
    # part's items in a bucket of its own, an item of two parts or more (a shared
    # denominator) in one of its own. One pass over the rows, not one a part.
    chosen = [catalogue.select(ids) for ids in groups]
    uses = np.array([names.isin(list(selected.items)) for selected in chosen])  # part × item
    shared = np.flatnonzero(uses.sum(axis=0) > 1)
    # Small integers: numpy sorts them stably by radix sort (int32: by merging, 0.5 s).
    small = np.int16 if len(chosen) + len(shared) < 2**15 else np.int32
    bucket_of = np.full(len(names) + 1, -1, dtype=small)  # code -1: no item, no bucket
    used = uses.any(axis=0)
    bucket_of[:-1][used] = np.argmax(uses, axis=0)[used]
    bucket_of[shared] = len(chosen) + np.arange(len(shared), dtype=small)
    bucket = bucket_of[item]
    order = np.argsort(bucket, kind="stable")
    ends = np.cumsum(np.bincount(bucket + 1, minlength=len(chosen) + len(shared) + 1))

    def rows_of(number: int) -> np.ndarray:
        buckets = [number, *(len(chosen) + np.flatnonzero(uses[number, shared])).tolist()]
        found = [order[ends[b] : ends[b + 1]] for b in buckets]
        return found[0] if len(found) == 1 else np.sort(np.concatenate(found))

    area = frame["area"].array.codes
    listed = np.bincount(area[area >= 0], minlength=len(frame["area"].cat.categories)) > 0
    scotland = frame["area"].cat.categories == SCOTLAND
    parts = []
    for number, selected in enumerate(chosen):
        positions = rows_of(number)
        if not len(positions):
            continue
        if every_area:
            codes = area[positions]
            present = np.bincount(codes[codes >= 0], minlength=len(listed)) > 0
            if ((listed != present) & ~scotland).any():
                return unsplit
        parts.append((selected, positions))
    return parts
