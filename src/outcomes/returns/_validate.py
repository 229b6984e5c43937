"""Validating returns against the minimal dataset, the areas and the previous year.

Lazy, like pandera: every check runs on every file and every problem is gathered into one
table (:data:`outcomes.errors.PROBLEM_COLUMNS`); errors are raised once, together, as
:class:`ValidationError`. Warnings never stop anything.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import attrs

from outcomes.catalogue._catalogue import BUNDLED, Catalogue, load_catalogue
from outcomes.catalogue._spec import DatasetItem, DatasetSpec
from outcomes.core._io import format_number
from outcomes.core._periods import Period, parse_period
from outcomes.core._suggest import did_you_mean
from outcomes.errors import (
    DataProblem,
    DataProblemRow,
    PeriodError,
    Severity,
    ValidationError,
    problems_frame,
)
from outcomes.returns._returns import (
    Return,
    item_period_types,
    item_periods,
    read_return,
)
from outcomes.returns._rows import TIDY_COLUMNS
from outcomes.returns._tidy import Areas, Dataset
from outcomes.vocabulary import (
    NON_NEGATIVE_KINDS,
    SCOTLAND,
    ItemKind,
    Measure,
    PeriodType,
    is_computed_area,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_JUMP_FACTOR", "ValidatedReturns", "validate_returns"]

#: A value more than this many times its previous value, or less than its reciprocal, is
#: reported as an implausible change (a warning).
DEFAULT_JUMP_FACTOR = 2.0
_KEYS = ["area", "period", "item"]


@attrs.frozen(kw_only=True)
class ValidatedReturns:
    """Returns that passed validation: their rows, and the warnings found.

    ``frame`` holds every file's rows in the tidy layout with ``file, sheet, row``.
    """

    returns: tuple[Return, ...]
    frame: pd.DataFrame = attrs.field(eq=False, repr=False)
    problems: tuple[DataProblemRow, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The problems table (warnings only: errors would have been raised)."""
        return problems_frame(self.problems)


def validate_returns(
    returns: Iterable[Return | str | os.PathLike[str]],
    *,
    catalogue: Catalogue | None = None,
    areas: Areas | None = None,
    previous: Dataset | None = None,
    jump_factor: float = DEFAULT_JUMP_FACTOR,
    progress: Callable[[int, int, str], None] | None = None,
) -> ValidatedReturns:
    """Check returns against the minimal dataset of ``catalogue`` (default: bundled),
    the ``areas`` (when given) and the ``previous`` dataset (when given).

    ``progress(done, total, name)`` is called after each return is read, the slow part.

    Raises :class:`ValidationError` listing every problem (errors and warnings, each
    with file, sheet, row and column) when any is an error; otherwise returns the rows
    with the warnings.

    >>> import pandas as pd
    >>> raw = pd.DataFrame({"area": ["Fife"], "period": ["2024-25"],
    ...                     "item": ["care_hours"], "value": ["12,5"]})
    >>> try:
    ...     validate_returns([Return.from_frame(raw, "fife.csv")])
    ... except ValidationError as error:
    ...     sorted({row.problem.name for row in error.problems})[:3]
    ['AMBIGUOUS_NUMBER', 'MISSING_ITEM', 'UNKNOWN_ITEM']
    """
    import pandas as pd

    if not (jump_factor > 1 and math.isfinite(jump_factor)):
        raise ValueError(f"jump_factor must be a number above 1, not {jump_factor}")
    given = list(returns)
    read_so_far: list[Return] = []
    for done, one in enumerate(given, start=1):
        read_so_far.append(one if isinstance(one, Return) else read_return(one))
        if progress is not None:
            progress(done, len(given), read_so_far[-1].file)
    read = tuple(read_so_far)
    chosen = catalogue if catalogue is not None else load_catalogue(BUNDLED)
    spec = DatasetSpec.from_catalogue(chosen)
    problems: list[DataProblemRow] = [row for r in read for row in r.problems]
    for one in read:
        problems += _dataset_checks(one.frame, spec, chosen, areas)
        if not len(one.frame) and not one.problems:
            problems.append(DataProblemRow(file=one.file, problem=DataProblem.NO_DATA,
                                           hint="fill in the return, or leave it out"))  # fmt: skip
    combined = pd.concat([r.frame for r in read], ignore_index=True) if read else None
    if combined is not None and len(combined):
        # Only what the council supplies is missing; national figures are imported.
        problems += _missing_items(combined, spec.returned(), chosen)
        problems += _numerator_checks(combined, chosen)
        problems += _across_files(combined)
        if previous is not None:
            problems += _jumps(combined, previous, jump_factor)
    order = {r.file: n for n, r in enumerate(read)}
    problems.sort(key=lambda row: _place(row, order))
    if any(row.severity is Severity.ERROR for row in problems):
        raise ValidationError(tuple(problems))
    frame = combined if combined is not None else _empty_rows()
    return ValidatedReturns(returns=read, frame=frame, problems=tuple(problems))


def _empty_rows() -> pd.DataFrame:
    """An empty frame in the layout of :attr:`Return.frame`."""
    import pandas as pd

    return Return.from_frame(pd.DataFrame(columns=list(TIDY_COLUMNS))).frame


def _place(row: DataProblemRow, order: dict[str, int]) -> tuple[int, str, float, int, str]:
    columns = [*TIDY_COLUMNS]
    return (
        order.get(row.file, len(order)),
        row.sheet,
        # Problems with the whole file first, missing items (no row) last.
        (0 if not row.item else math.inf) if row.row is None else row.row,
        columns.index(row.column) if row.column in columns else -1,
        row.problem.name,
    )


def _period(label: str) -> Period | None:
    try:
        return parse_period(label)
    except PeriodError:
        return None


def _problem(
    frame: pd.DataFrame,
    i: int,
    column: str,
    problem: DataProblem,
    hint: str,
    *,
    severity: Severity = Severity.ERROR,
) -> DataProblemRow:
    value: object = frame.at[i, column]
    text = _text(value) if isinstance(value, float) else "" if value is None else str(value)
    return DataProblemRow(
        file=str(frame.at[i, "file"]), sheet=str(frame.at[i, "sheet"]),
        row=int(str(frame.at[i, "row"])), column=column, area=str(frame.at[i, "area"]),
        period=str(frame.at[i, "period"]), item=str(frame.at[i, "item"]), value=text,
        severity=severity, problem=problem, hint=hint,
    )  # fmt: skip


def _dataset_checks(
    frame: pd.DataFrame, spec: DatasetSpec, catalogue: Catalogue, areas: Areas | None
) -> list[DataProblemRow]:
    """Checks against the minimal dataset and the areas, for one file."""
    problems: list[DataProblemRow] = []
    if not len(frame):
        return problems
    items = {item.name: item for item in spec}
    types = item_period_types(catalogue)
    periods = {label: _period(label) for label in frame["period"].unique()}
    known_areas = set(areas.names) if areas is not None else None
    for i, area, label, name, value in zip(
        frame.index, frame["area"], frame["period"], frame["item"], frame["value"], strict=True
    ):
        period = periods[label]
        # A national body's published figure for Scotland is kept, not computed.
        published = area == SCOTLAND and name in items and not items[name].from_council
        if is_computed_area(area) and not published:
            problems.append(_problem(frame, i, "area", DataProblem.RESERVED_AREA,
                                     "national and family-group rows are computed, not "
                                     "returned"))  # fmt: skip
        elif known_areas is not None and area and area not in known_areas:
            problems.append(_problem(frame, i, "area", DataProblem.UNKNOWN_AREA,
                                     did_you_mean(area, known_areas)))  # fmt: skip
        if not name:
            continue
        if name not in items:
            hint = did_you_mean(name.lower(), items)
            if hint.startswith("none of"):
                hint += "; 'outcomes dataset' lists them"
            problems.append(_problem(frame, i, "item", DataProblem.UNKNOWN_ITEM, hint))
            continue
        item_types = types[name]
        if period is not None:
            calendar = period.type is PeriodType.CALENDAR_YEAR
            if calendar and PeriodType.CALENDAR_YEAR not in item_types:
                problems.append(_problem(frame, i, "period", DataProblem.BAD_PERIOD,
                    f"{name} is returned for a split year such as "
                    f"'{item_periods(frozenset(), period.first_year)[0]}'"))  # fmt: skip
            elif not calendar and item_types == frozenset([PeriodType.CALENDAR_YEAR]):
                problems.append(_problem(frame, i, "period", DataProblem.BAD_PERIOD,
                    f"{name} is returned for the calendar year, e.g. "
                    f"'{period.first_year}'"))  # fmt: skip
        if items[name].kind in NON_NEGATIVE_KINDS and value < 0:
            problems.append(_problem(frame, i, "value", DataProblem.NEGATIVE_COUNT,
                f"{items[name].title} ({items[name].unit}) cannot be below 0"))  # fmt: skip
        elif _whole(items[name]) and math.isfinite(value) and value != round(value):
            problems.append(_problem(frame, i, "value", DataProblem.FRACTIONAL_COUNT,
                f"{items[name].title} counts {items[name].unit}: check the cell (a "
                "percentage or an average typed as a count?)",
                severity=Severity.WARNING))  # fmt: skip
    return problems


#: Counts whose unit may be fractional: whole-time equivalents and weighted survey counts.
_FRACTIONAL_UNITS = re.compile(r"\b(?:WTE|FTE|weighted|equivalents?)\b", re.IGNORECASE)


def _whole(item: DatasetItem) -> bool:
    """Whether an item counts whole things (people, orders), so 1921.5 is suspicious."""
    return item.kind is ItemKind.COUNT and not _FRACTIONAL_UNITS.search(item.unit)


def _missing_items(
    frame: pd.DataFrame, spec: DatasetSpec, catalogue: Catalogue
) -> list[DataProblemRow]:
    """Every item of the dataset for every area and year some file returns. A return may
    be split over files, so this looks at all of them together."""
    types = item_period_types(catalogue)
    periods = {label: _period(label) for label in frame["period"].unique()}
    blocks: dict[tuple[str, int], int] = {}
    present: set[tuple[str, str, str]] = set()
    for i, area, label, name in zip(
        frame.index, frame["area"], frame["period"], frame["item"], strict=True
    ):
        period = periods[label]
        if not area or area == SCOTLAND or period is None:
            continue
        blocks.setdefault((area, period.first_year), i)
        if name in types and label not in item_periods(types[name], period.first_year):
            # Reported as BAD_PERIOD; counting it here keeps one problem per mistake.
            present.update((area, other, name) for other in
                           item_periods(types[name], period.first_year))  # fmt: skip
        present.add((area, label, name))
    problems: list[DataProblemRow] = []
    for (area, year), first in blocks.items():
        for item in spec:
            for label in item_periods(types[item.name], year):
                if (area, label, item.name) in present:
                    continue
                problems.append(DataProblemRow(
                    file=str(frame.at[first, "file"]), sheet=str(frame.at[first, "sheet"]),
                    area=area, period=label, item=item.name,
                    problem=DataProblem.MISSING_ITEM,
                    hint=f"add a row for '{item.title}' ({item.unit}); if you do not "
                    "collect it, leave the value empty with flag not_collected",
                ))  # fmt: skip
    return problems


def _first_values(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per area, period and item: the first with a readable value."""
    usable = frame[frame["value"].notna()]
    return usable.drop_duplicates(_KEYS)


def _numerator_checks(frame: pd.DataFrame, catalogue: Catalogue) -> list[DataProblemRow]:
    values = _first_values(frame)
    by_item = dict(tuple(values.groupby("item", sort=False)))
    empty = values.iloc[0:0]
    problems: list[DataProblemRow] = []
    checked: set[tuple[str, str]] = set()
    for indicator in catalogue.indicators:
        if indicator.measure is not Measure.PROPORTION or indicator.denominator is None:
            continue
        pair = (indicator.numerator, indicator.denominator)
        if pair in checked:
            continue
        checked.add(pair)
        numerators = by_item.get(pair[0], empty)
        denominators = by_item.get(pair[1], empty)[["area", "period", "value", "row"]]
        joined = numerators.reset_index().merge(
            denominators, on=["area", "period"], suffixes=("", "_denominator")
        )
        above = joined[joined["value"] > joined["value_denominator"]]
        for _, row in above.iterrows():
            index = int(row["index"])
            problems.append(_problem(frame, index, "value",
                DataProblem.NUMERATOR_ABOVE_DENOMINATOR,
                f"{indicator.id} divides {pair[0]} by {pair[1]}, which is "
                f"{row['value_denominator']:g} (row {int(row['row_denominator'])})"))  # fmt: skip
    return problems


def _across_files(frame: pd.DataFrame) -> list[DataProblemRow]:
    """The same area, period and item in more than one file, or on more than one sheet of
    a workbook: the same value is a warning, different values an error on every row
    involved. (Twice on one sheet is the row checks' duplicate.)"""
    usable = frame[(frame["value"].notna() | (frame["flag"] == "not_collected"))
                   & (frame["area"] != "") & (frame["item"] != "")]  # fmt: skip
    firsts = usable.drop_duplicates([*_KEYS, "file", "sheet"])
    shared = firsts[firsts.duplicated(_KEYS, keep=False)]
    problems: list[DataProblemRow] = []
    for _, group in shared.groupby(_KEYS, sort=False):
        cells = {(_text(v), f) for v, f in zip(group["value"], group["flag"], strict=True)}
        for i in group.index:
            others = "; ".join(
                f"{_where(group, j)} has "
                f"{_text(group.at[j, 'value']) or 'no value'}"
                + (f" ({group.at[j, 'flag']!s})" if group.at[j, "flag"] else "")
                for j in group.index
                if j != i
            )
            if len(cells) > 1:
                problems.append(_problem(frame, i, "value", DataProblem.CONFLICTING_VALUES,
                                         f"{others}; keep the right one"))  # fmt: skip
            elif i != group.index[0]:
                problems.append(_problem(frame, i, "item", DataProblem.DUPLICATE_ROW,
                                         f"the same value is in {_where(group, group.index[0])}",
                                         severity=Severity.WARNING))  # fmt: skip
    return problems


def _where(group: pd.DataFrame, j: object) -> str:
    """``file, sheet S, row N`` of one row, for a message about another."""
    sheet = str(group.at[j, "sheet"] or "")
    return (
        f"{group.at[j, 'file']!s}"
        + (f", sheet {sheet}" if sheet else "")
        + (f", row {group.at[j, 'row']!s}")
    )


def _text(value: object) -> str:
    """A value for a message: empty when missing, whole numbers without ``.0``."""
    if not isinstance(value, int | float) or math.isnan(value):
        return "" if value is None or isinstance(value, float) else str(value)
    return format_number(float(value))


def _jumps(frame: pd.DataFrame, previous: Dataset, factor: float) -> list[DataProblemRow]:
    """Values more than ``factor`` times (or less than 1/``factor`` of) the previous
    period's value for the same area and item. Zeros are left alone: a ratio to zero says
    nothing about plausibility."""
    import numpy as np

    current = _first_values(frame)
    current = current[current["value"] > 0]
    before: list[str] = []
    for label in current["period"]:
        period = _period(str(label))
        before.append(period.previous().label if period is not None else "")
    earlier_values = previous.frame[previous.frame["value"] > 0].drop_duplicates(_KEYS)
    lookup = dict(
        zip(
            zip(earlier_values["area"], earlier_values["period"], earlier_values["item"],
                strict=True),
            earlier_values["value"],
            strict=True,
        )
    )  # fmt: skip
    keys = list(zip(current["area"], before, current["item"], strict=True))
    earlier = np.array([lookup.get(key, np.nan) for key in keys], dtype=float)
    ratio = current["value"].to_numpy(dtype=float) / earlier
    problems: list[DataProblemRow] = []
    for position in np.flatnonzero((ratio > factor) | (ratio < 1 / factor)):
        i = int(current.index[int(position)])
        times = ratio[position] if ratio[position] >= 1 else 1 / ratio[position]
        way = "more" if ratio[position] >= 1 else "less"
        problems.append(_problem(frame, i, "value", DataProblem.IMPLAUSIBLE_CHANGE,
            f"was {_text(earlier[position])} in {keys[position][1]}: {times:.1f} times {way}; "
            "check it, or flag it estimated or revised if it is right",
            severity=Severity.WARNING))  # fmt: skip
    return problems
