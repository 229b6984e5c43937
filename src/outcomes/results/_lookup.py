"""The results table read once into typed rows, for the report and the national pages.

:class:`~outcomes.Results` keeps the table as a pandas frame (exact, vectorised, written
to CSV). Everything that shows results to people reads them as :class:`ResultRow` objects
from a :class:`ResultLookup`: numbers are ``float`` or ``None``, words are the enums of
:mod:`outcomes.vocabulary`, periods are :class:`~outcomes.Period` objects. The cells are
converted here, once, column by column; nothing downstream tests for NaN or parses a word.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar, cast

import attrs
import pandas as pd

from outcomes.core._cells import Cells
from outcomes.core._periods import Period, parse_period
from outcomes.vocabulary import (
    Comparison,
    Direction,
    PeriodType,
    Polarity,
    Trend,
    is_computed_area,
)

if TYPE_CHECKING:
    from outcomes.catalogue._catalogue import Catalogue, Indicator

__all__ = ["ResultLookup", "ResultRow"]

T = TypeVar("T")


@attrs.frozen(kw_only=True, slots=True)
class ResultRow:
    """One row of the results table (docs/contracts.md, "Results"), typed.

    An empty cell is ``None``; an empty ``direction`` reads as not comparable and an empty
    comparison as not compared, wherever the row comes from.
    """

    indicator: str
    area: str
    period: Period
    numerator: float | None
    denominator: float | None
    value: float | None
    lower: float | None
    upper: float | None
    previous_period: Period | None
    previous_value: float | None
    change: float | None
    change_lower: float | None
    change_upper: float | None
    change_significant: bool | None
    direction: Direction
    vs_scotland: Comparison
    vs_family_group: Comparison
    rank: int | None
    rank_of: int | None
    quartile: int | None
    trend: Trend | None
    suppressed: bool
    note: str


@attrs.frozen(kw_only=True)
class ResultLookup:
    """The results by indicator, area and period, read once.

    >>> import outcomes
    >>> from outcomes.core._resources import bundled_path
    >>> example = bundled_path("example")
    >>> results = outcomes.compute(outcomes.read_dataset(example / "data.csv"),
    ...                            outcomes.load_catalogue())
    >>> row = results.lookup().row("SW6", "Fife", outcomes.parse_period("2024-25"))
    >>> row.direction.word, row.period.label
    ('no significant change', '2024-25')
    """

    catalogue: Catalogue = attrs.field(repr=False)
    rows: Mapping[tuple[str, str], Mapping[Period, ResultRow]] = attrs.field(repr=False)
    #: The reported areas (not Scotland, not family groups), by name.
    areas: tuple[str, ...]
    _ranked: dict[tuple[str, Period], tuple[ResultRow, ...]] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )
    _shared: dict[Hashable, object] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    @classmethod
    def of(cls, frame: pd.DataFrame, catalogue: Catalogue) -> ResultLookup:
        """Read a results frame (columns as in :data:`~outcomes.RESULT_COLUMNS`)."""
        types = {i.id: i.period_type for i in catalogue}
        period_of = functools.cache(_period)
        cells = Cells(frame)
        indicators = cells.texts("indicator")
        kinds = [types.get(i, PeriodType.FINANCIAL_YEAR) for i in indicators]
        periods = [period_of(p, k) for p, k in zip(cells.texts("period"), kinds, strict=True)]
        previous = [
            period_of(p, k) if p else None
            for p, k in zip(cells.texts("previous_period"), kinds, strict=True)
        ]
        yes_no = {"True": True, "False": False}
        significant = [yes_no.get(text) for text in cells.texts("change_significant")]
        n = cells.numbers

        def integers(column: str) -> list[int | None]:
            return [None if v is None else int(v) for v in n(column)]

        columns = zip(
            indicators, cells.texts("area"), periods, n("numerator"), n("denominator"),
            n("value"), n("lower"), n("upper"), previous, n("previous_value"), n("change"),
            n("change_lower"), n("change_upper"), significant,
            cells.words("direction", Direction, Direction.NOT_COMPARABLE),
            cells.words("vs_scotland", Comparison, Comparison.NOT_COMPARED),
            cells.words("vs_family_group", Comparison, Comparison.NOT_COMPARED),
            integers("rank"), integers("rank_of"), integers("quartile"),
            cells.words("trend", Trend, None),
            [bool(v) for v in frame["suppressed"].tolist()], cells.texts("note"),
            strict=True,
        )  # fmt: skip
        rows: dict[tuple[str, str], dict[Period, ResultRow]] = {}
        # The columns above are in the order of ResultRow's fields, as in the results table.
        names = [field.name for field in attrs.fields(ResultRow)]
        for values in columns:
            row = ResultRow(**dict(zip(names, values, strict=True)))
            rows.setdefault((row.indicator, row.area), {})[row.period] = row
        areas = sorted({area for _, area in rows if not is_computed_area(area)})
        return cls(catalogue=catalogue, rows=rows, areas=tuple(areas))

    def row(self, indicator: str, area: str, period: Period) -> ResultRow | None:
        """The row of ``indicator``, ``area`` and ``period``, or None when there is none."""
        return self.rows.get((indicator, area), {}).get(period)

    def series(
        self, indicator: str, area: str, periods: Sequence[Period]
    ) -> tuple[ResultRow | None, ...]:
        """The rows of one area over ``periods``, None where a period has no row."""
        by_period = self.rows.get((indicator, area), {})
        return tuple(by_period.get(period) for period in periods)

    def periods(self) -> tuple[Period, ...]:
        """Every period the results hold, oldest first."""

        def every() -> tuple[Period, ...]:
            found = {period for by_period in self.rows.values() for period in by_period}
            return tuple(sorted(found, key=lambda p: (p.start, p.type.value)))

        return self.shared("periods", every)

    def ranked(self, indicator: Indicator, period: Period) -> tuple[ResultRow, ...]:
        """The reported areas with a value for ``period``, best first.

        Higher values come first unless lower is better; equal values are ordered by area
        name, so the order never depends on how a sort treats ties.
        """
        key = (indicator.id, period)
        if key not in self._ranked:
            shown = [
                row
                for area in self.areas
                if (row := self.row(indicator.id, area, period)) is not None
                and row.value is not None
            ]
            sign = 1.0 if indicator.polarity is Polarity.LOWER_IS_BETTER else -1.0
            shown.sort(key=lambda row: (sign * (row.value or 0.0), row.area))
            self._ranked[key] = tuple(shown)
        return self._ranked[key]

    def shared(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, made once per lookup and ``key``: for what follows from the rows
        alone and is the same in every area's report (an indicator's formatted ranking, say),
        so that a batch of 32 reports makes it once. ``key`` must name everything ``make``
        reads besides the rows."""
        if key not in self._shared:
            self._shared[key] = make()
        return cast("T", self._shared[key])


def _period(label: str, kind: PeriodType) -> Period:
    return parse_period(label, kind)
