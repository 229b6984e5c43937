"""Typed results: every cell of the results table read once into a ResultRow, and the
rankings the report draws ordered by a stated rule, never by how a sort treats ties."""

from __future__ import annotations

import math
import random

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes import parse_period
from outcomes.core._cells import Cells
from outcomes.results import RESULT_COLUMNS, ResultRow
from outcomes.vocabulary import Comparison, Direction, Polarity, Trend
from tests.report_examples import AREA, PERIOD, example

#: How an empty cell of each word column reads (docs/contracts.md, "Results").
EMPTY_WORDS = {
    "direction": "not_comparable", "vs_scotland": "not_compared",
    "vs_family_group": "not_compared", "trend": "",
}  # fmt: skip


def test_every_row_and_cell_of_the_table_is_in_the_lookup() -> None:
    results = example().results.published()
    frame = results.frame
    lookup = results.lookup()
    assert sum(len(by_period) for by_period in lookup.rows.values()) == len(frame)
    for record in frame.sample(200, random_state=1).to_dict("records"):
        indicator = results.catalogue[str(record["indicator"])]
        period = parse_period(str(record["period"]), indicator.period_type)
        row = lookup.row(indicator.id, str(record["area"]), period)
        assert row is not None
        for column in RESULT_COLUMNS:
            cell, typed = record[column], getattr(row, column)
            if column in ("period", "previous_period"):
                assert (typed.label if typed else "") == (cell or "")
            elif column in EMPTY_WORDS:
                assert (typed.value if typed else "") == (
                    EMPTY_WORDS[column] if pd.isna(cell) else cell
                )
            elif isinstance(typed, float):
                assert typed == pytest.approx(float(cell))
            elif typed is None:
                assert cell is None or pd.isna(cell)
            else:
                assert typed == cell


def test_empty_words_read_as_not_comparable_and_not_compared() -> None:
    results = example().results.published()
    suppressed = next(
        row for by_period in results.lookup().rows.values() for row in by_period.values()
        if row.suppressed
    )  # fmt: skip
    assert suppressed.direction is Direction.SUPPRESSED
    assert suppressed.vs_scotland is Comparison.NOT_COMPARED
    assert suppressed.value is None
    typed = [f.name for f in attrs.fields(ResultRow)]
    assert typed == list(RESULT_COLUMNS)


def test_the_lookup_is_read_once_per_results() -> None:
    results = example().results
    assert results.lookup() is results.lookup()
    assert results.published() is results.published()
    assert results.published(3) is not results.published()


def test_the_report_area_has_a_row_for_the_report_year() -> None:
    results = example().results.published()
    row = results.lookup().row("SW6", AREA, parse_period(PERIOD))
    assert row is not None
    assert isinstance(row.direction, Direction)
    assert row.trend is None or isinstance(row.trend, Trend)


def ranked_areas(values: dict[str, float], polarity: Polarity) -> list[str]:
    """The ranking of a one-indicator, one-period results table with these values."""
    results = example().results
    indicator = next(i for i in results.catalogue if i.polarity is polarity)
    period = parse_period(PERIOD).in_type(indicator.period_type)
    template = results.frame.iloc[[0]]
    rows = []
    for area, value in values.items():
        row = template.copy()
        row["indicator"], row["area"], row["period"], row["value"] = (
            indicator.id, area, period.label, value,
        )  # fmt: skip
        rows.append(row)
    frame = pd.concat(rows, ignore_index=True)
    lookup = attrs.evolve(results, frame=frame).lookup()
    return [row.area for row in lookup.ranked(indicator, period)]


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.text("ABCDEFGHIJ", min_size=1, max_size=4),
        st.sampled_from([1.0, 2.0, 2.0, 3.0, math.pi]),
        min_size=2,
        max_size=12,
    ),
    st.sampled_from([Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.NEUTRAL]),
    st.randoms(),
)
def test_rankings_are_best_first_then_by_area_name_whatever_the_input_order(
    values: dict[str, float], polarity: Polarity, shuffler: random.Random
) -> None:
    order = list(values)
    shuffler.shuffle(order)
    ranked = ranked_areas({area: values[area] for area in order}, polarity)
    sign = 1.0 if polarity is Polarity.LOWER_IS_BETTER else -1.0
    assert ranked == sorted(values, key=lambda area: (sign * values[area], area))


def test_cells_read_numbers_text_and_words_once() -> None:
    frame = pd.DataFrame(
        {
            "n": [1.5, np.nan, None],
            "t": ["a", None, np.nan],
            "d": ["improved", "", None],
            "b": [True, False, None],
        }
    )
    cells = Cells(frame)
    assert cells.numbers("n") == [1.5, None, None]
    assert cells.texts("t") == ["a", "", ""]
    assert cells.words("d", Direction, Direction.NOT_COMPARABLE) == [
        Direction.IMPROVED, Direction.NOT_COMPARABLE, Direction.NOT_COMPARABLE,
    ]  # fmt: skip
    assert [record.flag("b") for record in cells] == [True, False, False]
    assert cells.numbers("n") is cells.numbers("n")
