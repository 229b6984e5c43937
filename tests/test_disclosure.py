"""A published rank never reveals where a suppressed area sits (docs/contracts.md, "Results").

Ranks are counted among the areas whose figures are shown: a rank counted among all areas
leaves gaps where the hidden ones sit ("ranked 29 of 15", ranks 1, 1, 1, 15, 16 ...), and so
places them.
"""

from __future__ import annotations

import functools

import attrs
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import outcomes
from outcomes.vocabulary import Polarity
from tests import reference_publish
from tests.report_examples import AREA, PERIOD, example
from tests.strategies import proportion_panels
from tests.test_compute import one_indicator_catalogue, panel_dataset


def _ranks_from_shown_values(frame: pd.DataFrame, catalogue: outcomes.Catalogue) -> pd.Series:
    """The ranks a reader could compute from the shown values alone (ties share the lowest)."""
    sign = frame["indicator"].map(
        {i.id: -1.0 if i.polarity is Polarity.HIGHER_IS_BETTER else 1.0 for i in catalogue}
    )
    ranked = frame["rank"].notna()
    oriented = (frame["value"].astype(float) * sign).where(ranked)
    return oriented.groupby([frame["indicator"], frame["period"]]).rank(method="min")


def _assert_ranks_tell_nothing_hidden(published: outcomes.Results) -> None:
    frame = published.frame
    ranked = frame[frame["rank"].notna()]
    # A suppressed row has no rank, and every rank is what the shown values give.
    assert not frame.loc[frame["suppressed"], ["rank", "rank_of", "quartile"]].notna().any().any()
    expected = _ranks_from_shown_values(frame, published.catalogue)[ranked.index]
    assert (ranked["rank"].astype(float) == expected).all()
    shown = ranked.groupby(["indicator", "period"])["rank"].transform("size")
    assert (ranked["rank_of"].astype(int) == shown).all()
    quartile = np.ceil(4 * ranked["rank"].astype(float) / ranked["rank_of"].astype(float))
    assert (ranked["quartile"].astype(float) == quartile).all()


def test_published_ranks_are_counted_among_the_areas_shown() -> None:
    published = example().results.published()
    assert published.frame["suppressed"].any()
    _assert_ranks_tell_nothing_hidden(published)


def test_ranks_without_suppression_are_the_computed_ones() -> None:
    results = example().results
    computed = results.frame
    published = results.published().frame
    # Where nothing of an indicator's year is hidden, publication changes no rank.
    touched = published.groupby(["indicator", "period"])["suppressed"].transform("any")
    assert touched.any()
    assert not touched.all()
    for column in ("rank", "rank_of", "quartile"):
        assert computed.loc[~touched, column].equals(published.loc[~touched, column])


@settings(max_examples=40, deadline=None)
@given(proportion_panels())
def test_no_published_rank_places_a_suppressed_area(rows: list[tuple[str, str, int, int]]) -> None:
    results = outcomes.compute(panel_dataset(rows), one_indicator_catalogue())
    _assert_ranks_tell_nothing_hidden(results.published())


@functools.cache
def _planted() -> tuple[outcomes.Results, str]:
    """The example with one more council's CHN22 count made too small to publish."""
    given_ = example()
    data = given_.data.frame.copy()
    chn22 = given_.catalogue["CHN22"].numerator
    planted = "Clackmannanshire"
    row = (data["area"] == planted) & (data["item"] == chn22) & (data["period"] == PERIOD)
    assert row.sum() == 1
    data.loc[row, "value"] = 2
    dataset = outcomes.Dataset.from_frame(data)
    return outcomes.compute(dataset, given_.catalogue, given_.areas), planted


def test_a_planted_suppressed_council_cannot_be_placed_from_any_output() -> None:
    results, planted = _planted()
    published = results.published()
    row = published.frame[(published.frame["indicator"] == "CHN22")
                          & (published.frame["area"] == planted)
                          & (published.frame["period"] == PERIOD)].iloc[0]  # fmt: skip
    assert row["suppressed"]
    _assert_ranks_tell_nothing_hidden(published)
    # The report: its caption and headline agree, and its rank table has no gap.
    report = outcomes.AnnualReport.build(results, AREA, PERIOD, areas=example().areas)
    detail = next(d for d in report.public_protection.indicators if d.id == "CHN22")
    assert planted not in {r.area for r in detail.ranks}
    this = next(r for r in detail.ranks if r.highlighted)
    assert f"ranked {this.rank} of {len(detail.ranks)}" in detail.rank_text
    assert detail.headline.rank == f"{this.rank} of {len(detail.ranks)}"
    assert max(int(r.rank) for r in detail.ranks) <= len(detail.ranks)
    # The published results CSV holds no rank, value or count for it.
    text = published.to_csv()
    line = next(line for line in text.splitlines()
                if line.startswith(f"CHN22,{planted},{PERIOD},"))  # fmt: skip
    header = text.splitlines()[0].split(",")
    cells = dict(zip(header, line.split(","), strict=False))
    for column in ("numerator", "value", "rank", "rank_of", "quartile"):
        assert cells[column] == "", column
    # The overview places it nowhere either.
    national = outcomes.national.overview(published, PERIOD, areas=example().areas)
    heat = national.heat[(national.heat["indicator"] == "CHN22")
                         & (national.heat["area"] == planted)].iloc[0]  # fmt: skip
    assert pd.isna(heat["value"])
    assert pd.isna(heat["quartile"])


@functools.cache
def _computed_example() -> outcomes.Results:
    given_ = example()
    return outcomes.compute(given_.data, given_.catalogue, given_.areas)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 6)), min_size=0, max_size=40),
    st.sampled_from([None, 3, 10]),
)
def test_publication_by_codes_matches_the_row_wise_reference(
    small: list[tuple[int, int]], suppress_below: int | None
) -> None:
    """Counts made small at random places (so that primary and secondary suppression, the
    next period's previous value and the re-ranking all happen), then published: the same
    frame as the plain row-wise publication of ``tests/reference_publish.py``."""
    computed = _computed_example()
    frame = computed.frame.copy()
    for place, count in small:
        frame.loc[place % len(frame), "numerator"] = float(count)
    results = attrs.evolve(computed, frame=frame)
    published = results.published(suppress_below).frame
    expected = reference_publish.published_frame(results, suppress_below)
    assert published["suppressed"].sum() == expected["suppressed"].sum()
    pd.testing.assert_frame_equal(published, expected)


@given(st.lists(st.tuples(st.integers(0, 3), st.one_of(st.sampled_from([1.0, 2.0, -0.0, 0.0]),
                                                       st.floats(-5, 5), st.just(np.nan))),
                max_size=60))  # fmt: skip
def test_ranks_in_one_sort_are_pandas_min_ranks(cells: list[tuple[int, float]]) -> None:
    from outcomes.results._results import _min_ranks

    group = np.array([g for g, _ in cells], dtype=np.intp)
    values = np.array([v for _, v in cells], dtype=np.float64)
    rank, counted = _min_ranks(values, group)
    series = pd.Series(values)
    expected = series.groupby(group).rank(method="min").to_numpy()
    expected_count = series.groupby(group).transform("count").where(series.notna()).to_numpy()
    assert np.array_equal(rank, expected, equal_nan=True)
    assert np.array_equal(counted, expected_count, equal_nan=True)


@given(st.lists(st.tuples(st.integers(0, 3), st.one_of(st.sampled_from([1.0, 2.0, -0.0, 0.0]),
                                                       st.floats(-5, 5), st.just(np.nan)),
                          st.booleans()), max_size=60))  # fmt: skip
def test_ranks_counted_again_from_the_ranks_are_those_of_one_sort(
    cells: list[tuple[int, float, bool]],
) -> None:
    """Results of ``compute`` are ranked again among the shown rows from their ranks among
    all (no sort): the same ranks and counts as sorting the shown values."""
    from outcomes.results._results import _min_ranks, _ranks_among_shown

    group = np.array([g for g, _, _ in cells], dtype=np.intp)
    values = np.array([v for _, v, _ in cells], dtype=np.float64)
    hidden = np.array([h for _, _, h in cells], dtype=bool)
    among_all, _ = _min_ranks(values, group)
    counted = _ranks_among_shown(pd.Series(among_all).astype("Int64"), group, hidden)
    expected = _min_ranks(np.where(hidden, np.nan, values), group)
    if counted is None:  # nothing ranked
        assert np.isnan(among_all).all()
        return
    assert np.array_equal(counted[0], expected[0], equal_nan=True)
    assert np.array_equal(counted[1], expected[1], equal_nan=True)
