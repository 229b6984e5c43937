"""The tidy national dataset (area, period, item, value, flag) and the areas table.

Reading checks every row and raises one :class:`ValidationError` listing every problem,
each with its file, row and column. Values are kept as floats; nothing is dropped.
"""

from __future__ import annotations

import csv
import functools
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from outcomes.core._geography import AREA_TYPES, KnownArea, area_key, lookup_area
from outcomes.core._io import map_ahead
from outcomes.core._periods import parse_period
from outcomes.core._tables import pop_row_numbers, read_tables
from outcomes.errors import (
    DataProblem,
    DataProblemRow,
    PeriodError,
    Severity,
    UnknownAreaError,
    ValidationError,
)
from outcomes.returns._rows import FLAGS, TIDY_COLUMNS, as_text, check_columns
from outcomes.vocabulary import SCOTLAND

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

__all__ = ["FLAGS", "SCOTLAND", "Areas", "Dataset", "read_areas", "read_dataset", "read_deflators"]

#: The name of the computed national row; never listed in an areas file.
DATASET_COLUMNS = TIDY_COLUMNS
AREA_COLUMNS = ("area", "name", "family_group", "type")
_HEADER_ROWS = 1


@attrs.frozen(kw_only=True)
class Dataset:
    """The tidy dataset: one row per area x period x item.

    ``frame`` has the columns ``area, period, item, value, flag`` (``value`` float, NaN
    where not collected; ``flag`` text, empty when none). ``source`` names where it came
    from, for messages. Like :class:`~outcomes.Results`, a dataset is treated as
    read-only: change a copy of the frame and wrap it again (:meth:`from_frame`).
    """

    _frame: pd.DataFrame | None = attrs.field(alias="frame", eq=False, repr=False)
    source: str = ""
    #: The same rows with the text columns as categoricals, when checking made them (a
    #: read or checked dataset): :func:`outcomes.compute` works on their codes rather than
    #: looking up millions of texts again, and the text frame is made only when asked for.
    _coded: pd.DataFrame | None = attrs.field(default=None, init=False, eq=False, repr=False)

    @property
    def frame(self) -> pd.DataFrame:
        """The rows, text columns as text (made from the checked categoricals on first use)."""
        if self._frame is None:
            if self._coded is None:
                raise ValueError("a Dataset needs a frame")
            frame = self._coded.copy(deep=False)
            for column in ("area", "period", "item", "flag"):
                frame[column] = as_text(self._coded[column])
            object.__setattr__(self, "_frame", frame)
            return frame
        return self._frame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, source: str = "<frame>") -> Dataset:
        """Check a frame with the tidy columns and wrap it (same checks as reading a file)."""
        return cls._checked(_checked_dataset(frame, source), source)

    @classmethod
    def _checked(cls, coded: pd.DataFrame, source: str) -> Dataset:
        """A dataset of checked rows whose text columns are categoricals: they are kept for
        computing, and :attr:`frame` gives them as text when first asked for."""
        dataset = cls(frame=None, source=source)
        object.__setattr__(dataset, "_coded", coded)
        return dataset

    @property
    def periods(self) -> list[str]:
        """Period labels present, in time order."""
        labels = self._text_columns()["period"].unique().tolist()
        return sorted(labels, key=lambda label: parse_period(label).start)

    @property
    def areas(self) -> list[str]:
        """Areas present, sorted."""
        return sorted(self._text_columns()["area"].unique().tolist())

    def _text_columns(self) -> pd.DataFrame:
        """The frame, or the checked categoricals when the frame is not made yet."""
        return self._coded if self._frame is None and self._coded is not None else self.frame


@attrs.frozen(kw_only=True)
class Areas:
    """The areas a dataset reports on, with their names and family groups.

    ``frame`` has the columns ``area, name, family_group, type`` (text; empty where not
    given) and any extra columns of the file (such as ``population``).
    """

    frame: pd.DataFrame = attrs.field(eq=False, repr=False)
    source: str = ""

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, source: str = "<frame>") -> Areas:
        """Check a frame with at least ``area`` and ``name`` and wrap it."""
        return cls(frame=_checked_areas(frame, source), source=source)

    @property
    def names(self) -> list[str]:
        """Area codes (the ``area`` column) in file order."""
        return self.frame["area"].tolist()

    def area_for(self, name: str) -> str:
        """The ``area`` of this file that ``name`` means: the name itself when listed,
        else the listed area that a publisher's spelling, alias or GSS code stands for
        (through the bundled geography and the file's ``code`` column), else ``name``
        unchanged.

        >>> import pandas as pd
        >>> areas = Areas.from_frame(pd.DataFrame({"area": ["Edinburgh City"],
        ...                                        "name": ["City of Edinburgh"]}))
        >>> areas.area_for("City of Edinburgh"), areas.area_for("S12000036")
        ('Edinburgh City', 'Edinburgh City')
        """
        return self._area_by_spelling.get(name) or self._area_by_spelling.get(
            _known_code(name), name
        )

    @functools.cached_property
    def _area_by_spelling(self) -> dict[str, str]:
        found: dict[str, str] = {}
        codes = self.frame["code"] if "code" in self.frame.columns else [""] * len(self.frame)
        for area, name, code in zip(self.frame["area"], self.frame["name"], codes, strict=True):
            found.setdefault(area, area)
            for spelling in (code, area, name):
                known = _known_code(spelling)
                if known:
                    found.setdefault(known, area)
        return found

    @property
    def family_group_of(self) -> dict[str, str]:
        """Each area's family group (``""`` when it has none)."""
        # As lists first: iterating a column of text cell by cell is slow (Arrow strings).
        areas, groups = self.frame["area"].tolist(), self.frame["family_group"].tolist()
        return dict(zip(areas, groups, strict=True))

    @property
    def family_groups(self) -> dict[str, list[str]]:
        """Each family group's member areas, sorted."""
        grouped = self.frame[self.frame["family_group"] != ""].groupby("family_group")["area"]
        return {str(group): sorted(members.tolist()) for group, members in grouped}


def _read_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The first table of a CSV (or XLSX) file as text, with a hidden column of row numbers
    (see :class:`outcomes.core._tables.RawTable`); raises when the file cannot be read."""
    tables, problems = read_tables(path)
    if any(row.severity is Severity.ERROR for row in problems) or not tables:
        raise ValidationError(tuple(problems))
    return tables[0].to_frame()


#: A tidy dataset in this format is read and written as Parquet; any other, as CSV.
PARQUET_SUFFIX = ".parquet"
# Bytes read at a time when looking over a CSV file before Arrow reads it.
_SCAN_BYTES = 1 << 24
#: Bytes of the file Arrow parses at a time: each block is a chunk of every column, with
#: its own dictionary of texts, and the chunks' dictionaries are unified when the table
#: becomes a frame. Arrow's 1 MiB made 445 chunks of a 445 MiB file, whose unifying took
#: 1.8 s; at 16 MiB, 28 chunks, 0.5 s, the two cores still parsing a block each.
_ARROW_BLOCK_BYTES = 1 << 24


def _read_tidy(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, NDArray[np.int64] | None]:
    """The dataset file as a frame of its columns and each row's number (None when the
    frame carries them, as :func:`_read_csv` gives them). Parquet and plain CSV files are
    read by Arrow, one column at a time; any other CSV file by :func:`_read_csv`, whose
    problems (quoted cells, blank lines, ragged rows, other encodings) are worded for people.
    """
    import numpy as np

    if Path(path).suffix.lower() == PARQUET_SUFFIX:
        frame = _read_parquet(path)
        return frame, np.arange(_HEADER_ROWS + 1, _HEADER_ROWS + 1 + len(frame), dtype=np.int64)
    plain = _read_plain_csv(path)
    if plain is None:
        return _read_csv(path), None
    return plain, np.arange(_HEADER_ROWS + 1, _HEADER_ROWS + 1 + len(plain), dtype=np.int64)


def _read_plain_csv(path: str | os.PathLike[str]) -> pd.DataFrame | None:  # noqa: PLR0911
    """A CSV file with no quotes below its header, no NUL and a header of distinct names,
    read by Arrow, each column as a dictionary of its distinct texts; None for any other
    file (or one Arrow refuses: a ragged or blank row, text that is not UTF-8), which is
    read as before."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.csv as pa_csv  # type: ignore[import-untyped]

    try:
        with open(path, "rb") as source:
            first = source.readline()  # the header's names may be quoted
            if b"\0" in first:
                return None
            while chunk := source.read(_SCAN_BYTES):
                if b'"' in chunk or b"\0" in chunk:
                    return None
        names = next(csv.reader([first.decode("utf-8-sig").rstrip("\r\n")]), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    cleaned = [name.strip().lower() for name in names]
    if (
        "" in cleaned
        or len(set(cleaned)) < len(cleaned)
        or not set(DATASET_COLUMNS[:4]) <= set(cleaned)
    ):
        return None
    text = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(block_size=_ARROW_BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, text), strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )  # fmt: skip
    except (pa.ArrowInvalid, OSError):
        return None
    if table.column_names != names:
        return None
    return _frame_of(table)


def _frame_of(table: Any) -> pd.DataFrame:
    """An Arrow table of dictionary columns as a frame of categoricals, its columns
    converted side by side (:func:`~outcomes.core._io.map_ahead`): each column's chunks'
    dictionaries are unified on its own, and at 14M rows two columns at a time took 0.4 s
    where Arrow's own conversion of the table took 0.6-0.7 s."""
    import pandas as pd

    columns = map_ahead(lambda column: column.to_pandas(), table.columns, workers=2)
    return pd.DataFrame(dict(zip(table.column_names, columns, strict=True)), copy=False)


def _read_parquet(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A Parquet dataset's columns, each as a categorical of its texts (numbers as their
    shortest text, so that every value is checked as a CSV's would be)."""
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    try:
        schema = pq.read_schema(path)
        texts = [
            field.name
            for field in schema
            if pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
        ]
        table = pq.read_table(path, read_dictionary=texts)
    except (OSError, pa.ArrowException) as error:
        hint = f"not a readable Parquet file ({error})"
        raise ValidationError(
            (DataProblemRow(file=str(path), problem=DataProblem.UNREADABLE_FILE, hint=hint),)
        ) from error
    columns = {}
    for name, read in zip(table.column_names, table.columns, strict=True):
        # Each distinct cell is turned into text once: a column is dictionary-encoded as
        # it is (numbers as numbers), then only its dictionary is cast to text.
        typed = pc.cast(read, pa.string()) if pa.types.is_null(read.type) else read  # all empty
        column = typed if pa.types.is_dictionary(typed.type) else pc.dictionary_encode(typed)
        column = column.unify_dictionaries() if column.num_chunks > 1 else column
        chunks = []
        for chunk in column.chunks:
            words = chunk.dictionary
            if not (pa.types.is_string(words.type) or pa.types.is_large_string(words.type)):
                words = pc.cast(words, pa.string())
            chunks.append(pa.DictionaryArray.from_arrays(chunk.indices.cast(pa.int32()), words))
        columns[name] = pa.chunked_array(chunks, type=pa.dictionary(pa.int32(), pa.string()))
    return _frame_of(pa.table(columns))


def read_dataset(path: str | os.PathLike[str]) -> Dataset:
    """Read the tidy dataset (``area, period, item, value[, flag]``), checking every row.

    A ``.parquet`` file is read as Parquet; any other as CSV.

    >>> from outcomes.core._resources import bundled_path
    >>> data = read_dataset(bundled_path("example") / "data.csv")
    >>> data.periods[-1]
    '2024-25'
    """
    raw, rows = _read_tidy(path)
    frame = _checked_dataset(raw, str(path), rows)
    if not len(frame):
        hint = "a dataset file holds at least one row; collate returns into it"
        raise ValidationError(
            (DataProblemRow(file=str(path), problem=DataProblem.NO_DATA, hint=hint),)
        )
    return Dataset._checked(frame, str(path))


def read_areas(path: str | os.PathLike[str]) -> Areas:
    """Read an areas CSV (``area, name`` and optionally ``family_group, type``)."""
    return Areas(frame=_checked_areas(_read_csv(path), str(path)), source=str(path))


def _header_problems(
    frame: pd.DataFrame, required: Iterable[str], file: str
) -> list[DataProblemRow]:
    """Required columns that are missing, and columns named twice (either would make a
    column ambiguous: which of two ``name`` columns is the name?)."""
    names = [str(column) for column in frame.columns]
    twice = sorted({name for name in names if names.count(name) > 1})
    return [
        DataProblemRow(
            file=file, row=_HEADER_ROWS, column=column, problem=DataProblem.MISSING_COLUMN,
            hint=f"the header has {', '.join(names) or 'no columns'}",
        )
        for column in required
        if column not in names
    ] + [
        DataProblemRow(
            file=file, row=_HEADER_ROWS, column=column, problem=DataProblem.EXTRA_COLUMN,
            hint=f"the column {column!r} appears twice; keep one",
        )
        for column in twice
    ]  # fmt: skip


def _checked_dataset(
    raw: pd.DataFrame, file: str, rows: NDArray[np.int64] | None = None
) -> pd.DataFrame:
    """The tidy columns once every row passes: ``area, period, item, flag`` categorical
    text and ``value`` float (:meth:`Dataset._checked` turns them into a dataset)."""
    # The row rules are shared with return validation (outcomes.returns._rows), so they live once.
    checked = check_columns(raw, file=file, header_row=_HEADER_ROWS, rows=rows)
    if checked.frame is None or any(row.severity is Severity.ERROR for row in checked.problems):
        raise ValidationError(checked.problems)
    return checked.frame[list(DATASET_COLUMNS)]


def _checked_areas(raw: pd.DataFrame, file: str) -> pd.DataFrame:
    frame = raw.copy()
    lines = pop_row_numbers(frame, _HEADER_ROWS)
    frame = frame.reset_index(drop=True)
    frame.columns = [str(column).strip() for column in frame.columns]
    problems = _header_problems(frame, AREA_COLUMNS[:2], file)
    if problems:
        raise ValidationError(tuple(problems))
    for column in AREA_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str).str.strip()
    for position, area in enumerate(frame["area"]):
        row = lines[position]
        if area == SCOTLAND:
            problems.append(DataProblemRow(
                file=file, row=row, column="area", area=area, value=area,
                problem=DataProblem.RESERVED_AREA,
                hint="Scotland is computed from the areas; do not list it",
            ))  # fmt: skip
        elif area == "":
            problems.append(DataProblemRow(
                file=file, row=row, column="area", problem=DataProblem.UNKNOWN_AREA,
                hint="every row needs an area",
            ))  # fmt: skip
    for position in frame.index[frame.duplicated("area")]:
        problems.append(DataProblemRow(
            file=file, row=lines[int(position)], column="area",
            area=str(frame.at[position, "area"]), value=str(frame.at[position, "area"]),
            problem=DataProblem.DUPLICATE_AREA, hint="list each area once",
        ))  # fmt: skip
    if "code" in frame.columns:
        frame["code"] = frame["code"].fillna("").astype(str).str.strip()
        problems += _code_problems(frame, lines, file)
    if problems:
        raise ValidationError(tuple(problems))
    return frame.reset_index(drop=True)


def _known_code(name: str) -> str:
    """The GSS code the bundled geography gives ``name``, or ``""``."""
    if not area_key(name):
        return ""
    try:
        return lookup_area(name).code
    except UnknownAreaError:
        return ""


def _code_problems(frame: pd.DataFrame, lines: list[int], file: str) -> list[DataProblemRow]:
    """A given ``code`` must be a known GSS code, and the row's ``area`` or ``name`` must
    be a spelling of that area; a given ``type`` must be that area's type."""
    problems: list[DataProblemRow] = []
    for position, (area, name, code, kind) in enumerate(
        zip(frame["area"], frame["name"], frame["code"], frame["type"], strict=True)
    ):
        if not code:
            continue
        row = lines[position]
        try:
            known = lookup_area(code)
        except UnknownAreaError as error:
            problems.append(DataProblemRow(
                file=file, row=row, column="code", area=area, value=code,
                problem=DataProblem.UNKNOWN_CODE,
                hint="a council's code starts S12, a partnership's S37; " + error.hint,
            ))  # fmt: skip
            continue
        if not _spells(known, area) and not _spells(known, name):
            problems.append(DataProblemRow(
                file=file, row=row, column="code", area=area, value=code,
                problem=DataProblem.INCONSISTENT_CODE,
                hint=f"{code} is {known.name} ({known.type}), not {name or area!r}",
            ))  # fmt: skip
        if kind and kind != known.type and kind in AREA_TYPES:
            problems.append(DataProblemRow(
                file=file, row=row, column="type", area=area, value=kind,
                problem=DataProblem.INCONSISTENT_CODE,
                hint=f"{code} is a {known.type}",
            ))  # fmt: skip
    return problems


def _spells(known: KnownArea, name: str) -> bool:
    """Whether ``name`` is one of the spellings of ``known``."""
    return bool(name) and area_key(name) in {area_key(n) for n in (known.name, *known.aliases)}


def read_deflators(path: str | os.PathLike[str]) -> dict[str, float]:
    """Read a deflator table (``period, deflator``) into ``{period: index}``.

    Every period must be valid and appear once; every deflator a positive number.
    """
    import pandas as pd

    file = str(path)
    frame = _read_csv(path)
    lines = pop_row_numbers(frame, _HEADER_ROWS)
    frame.columns = [str(column).strip() for column in frame.columns]
    problems = _header_problems(frame, ("period", "deflator"), file)
    if problems:
        raise ValidationError(tuple(problems))
    values = pd.to_numeric(frame["deflator"].str.strip(), errors="coerce")
    for position, (label, text, value) in enumerate(
        zip(frame["period"].str.strip(), frame["deflator"], values, strict=True)
    ):
        row = lines[position]
        try:
            parse_period(label)
        except PeriodError as error:
            problems.append(DataProblemRow(file=file, row=row, column="period", period=label,
                                           value=label, problem=DataProblem.BAD_PERIOD,
                                           hint=str(error)))  # fmt: skip
        if not value > 0:
            problems.append(DataProblemRow(file=file, row=row, column="deflator", period=label,
                                           value=text, problem=DataProblem.NOT_A_NUMBER,
                                           hint="a deflator is a positive number"))  # fmt: skip
    duplicated = frame["period"].str.strip().duplicated()
    problems += [
        DataProblemRow(file=file, row=lines[int(i)], column="period",
                       value=str(frame.at[i, "period"]), problem=DataProblem.DUPLICATE_ROW,
                       hint="give each period once")
        for i in frame.index[duplicated]
    ]  # fmt: skip
    if problems:
        raise ValidationError(tuple(problems))
    return dict(zip(frame["period"].str.strip(), values.astype(float), strict=True))
