"""The fast engine (outcomes.results._compute) gives byte-identical results to the plain pandas
engine (tests/reference_engine.py): same CSV, before and after publication."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import outcomes
import outcomes.errors
from outcomes import Areas, Catalogue, Dataset, load_catalogue, read_areas, read_dataset
from outcomes.catalogue import DataItem
from outcomes.core._resources import bundled_path
from outcomes.results import _compute
from tests import reference_engine
from tests.strategies import proportion_panels
from tests.test_compute import lgbf_inputs, one_indicator_catalogue, panel_dataset

DATA = Path(__file__).parent / "data"
EXAMPLE = bundled_path("example")


def assert_same_csv(expected: str, actual: str) -> None:
    """Equal text, or the first differing line in the failure message."""
    if expected == actual:
        return
    expected_lines, actual_lines = expected.splitlines(), actual.splitlines()
    for number, (want, got) in enumerate(zip(expected_lines, actual_lines, strict=False), 1):
        assert want == got, f"line {number} differs"
    assert len(expected_lines) == len(actual_lines), "different numbers of rows"


def assert_engines_agree(dataset: Dataset, catalogue: Catalogue, **options: object) -> None:
    with warnings.catch_warnings():
        # The pandas engine warns on a total with at most one observation (sqrt of a
        # negative pooled variance); the dense engine computes the same NaN silently.
        warnings.simplefilter("ignore", RuntimeWarning)
        current = reference_engine.compute(dataset, catalogue, **options)  # type: ignore[arg-type]
    dense = _compute.compute(dataset, catalogue, **options)  # type: ignore[arg-type]
    assert_same_csv(current.to_csv(), dense.to_csv())
    assert_same_csv(current.published().to_csv(), dense.published().to_csv())
    assert_same_csv(current.published(suppress_below=10).to_csv(),
                    dense.published(suppress_below=10).to_csv())  # fmt: skip


# --- The example data -------------------------------------------------------------------------


@pytest.mark.parametrize("with_areas", [True, False], ids=["areas", "no-areas"])
def test_example_data(with_areas: bool) -> None:
    areas = read_areas(EXAMPLE / "areas.csv") if with_areas else None
    assert_engines_agree(read_dataset(EXAMPLE / "data.csv"), load_catalogue(), areas=areas)


def test_example_data_in_real_terms_at_other_confidence_levels() -> None:
    assert_engines_agree(
        read_dataset(EXAMPLE / "data.csv"), load_catalogue(),
        areas=read_areas(EXAMPLE / "areas.csv"),
        deflators=outcomes.read_deflators(EXAMPLE / "deflators.csv"), base_period="2024-25",
        confidence=0.99, trend_confidence=0.95,
    )  # fmt: skip


def test_the_same_errors() -> None:
    data = panel_dataset([("A", "2024-25", 5, 10), ("Z", "2024-25", 5, 10)])
    areas = Areas.from_frame(pd.DataFrame({"area": ["A"], "name": ["Area A"]}))
    for engine in (reference_engine.compute, _compute.compute):
        with pytest.raises(outcomes.errors.ValidationError) as caught:
            engine(data, one_indicator_catalogue(), areas)
        assert [row.area for row in caught.value.problems] == ["Z"]
        with pytest.raises(outcomes.errors.ValidationError):
            engine(read_dataset(EXAMPLE / "data.csv"), load_catalogue(),
                   deflators={"2024-25": 100.0}, base_period="2024-25")  # fmt: skip
        with pytest.raises(ValueError, match="both"):
            engine(data, one_indicator_catalogue(), deflators={"2024-25": 1.0})


# --- The LGBF data with published figures -----------------------------------------------------


def test_lgbf_data_with_published_figures() -> None:
    dataset, catalogue, given_values, _ = lgbf_inputs()
    assert_engines_agree(dataset, catalogue, published=given_values)


# --- Small panels -------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(proportion_panels(), st.sampled_from(["higher_is_better", "lower_is_better", "neutral"]))
def test_proportion_panels(rows: list[tuple[str, str, int, int]], polarity: str) -> None:
    assert_engines_agree(panel_dataset(rows), one_indicator_catalogue(polarity))


LONG_PERIODS = tuple(f"{year}-{(year + 1) % 100:02d}" for year in range(2015, 2023))


@settings(max_examples=60, deadline=None)
@given(
    proportion_panels(max_areas=6, periods=LONG_PERIODS),
    st.sets(st.integers(min_value=0, max_value=200), max_size=30),
)
def test_long_panels_with_gaps(rows: list[tuple[str, str, int, int]], dropped: set[int]) -> None:
    kept = [row for position, row in enumerate(rows) if position not in dropped]
    if not kept:
        return
    areas = sorted({area for area, *_ in rows})
    family_groups = [("", "G1", "G2")[k % 3] for k in range(len(areas))]
    groups = pd.DataFrame({"area": areas, "name": areas, "family_group": family_groups})
    assert_engines_agree(panel_dataset(kept), one_indicator_catalogue(),
                         areas=Areas.from_frame(groups))  # fmt: skip


# --- Every measure, with missing cells, flags, money and means --------------------------------


def mixed_catalogue() -> Catalogue:
    def indicator(  # noqa: PLR0917 - one line per indicator below
        id_: str,
        measure: str,
        numerator: str,
        denominator: str | None,
        multiplier: float = 1,
        polarity: str = "higher_is_better",
        period_type: str = "financial_year",
        sd: str | None = None,
        materiality: float = 0.0,
        deflate: bool = False,
    ) -> outcomes.Indicator:
        return outcomes.Indicator(
            id=id_, title=id_, measure=measure, numerator=numerator, denominator=denominator,
            unit="u", branch="community_care", recommendations=[11],
            outcome_for=["people_who_use_services"], source="test", multiplier=multiplier,
            polarity=polarity, period_type=period_type, sd=sd, materiality=materiality,
            deflate=deflate,
        )  # fmt: skip

    indicators = [
        indicator("P", "proportion", "events", "people", multiplier=100),
        indicator("R", "rate", "events", "population", multiplier=1000, polarity="neutral"),
        indicator("M", "mean", "score_sum", "people", sd="score_sd",
                  polarity="lower_is_better"),
        indicator("C", "count", "events", None, materiality=0.05),
        indicator("K", "cost", "spend", "people", deflate=True, materiality=0.02,
                  polarity="lower_is_better"),
        indicator("Y", "proportion", "events", "people", period_type="calendar_year"),
        indicator("S", "proportion", "spend", "budget", polarity="neutral"),
    ]  # fmt: skip
    kinds = {"events": "count", "people": "count", "population": "count", "score_sum": "days",
             "score_sd": "sd", "spend": "money", "budget": "money"}  # fmt: skip
    items = {name: DataItem(name=name, title=name, unit="u", kind=kind)
             for name, kind in kinds.items()}  # fmt: skip
    return Catalogue(indicators=indicators, items=items)


MIXED_PERIODS = (*LONG_PERIODS[:7], "2016", "2017", "2018", "2019", "2020", "2021")


@st.composite
def mixed_data(draw: st.DrawFn) -> tuple[Dataset, Areas]:
    n_areas = draw(st.integers(min_value=1, max_value=6))
    areas = [f"Area {chr(ord('F') - k)}" for k in range(n_areas)]  # not in name order
    periods = draw(st.lists(st.sampled_from(MIXED_PERIODS), min_size=1, max_size=12,
                            unique=True))  # fmt: skip
    rows = []
    for area in areas:
        for period in periods:
            people = draw(st.integers(min_value=0, max_value=500))
            values = {
                "people": people,
                "events": draw(st.integers(min_value=0, max_value=max(people + 3, 0))),
                "population": draw(st.integers(min_value=0, max_value=50_000)),
                "score_sum": draw(st.integers(min_value=0, max_value=10**6)) / 100,
                "score_sd": draw(st.integers(min_value=0, max_value=10**4)) / 100,
                "spend": draw(st.integers(min_value=0, max_value=10**9)) / 100,
                "budget": draw(st.integers(min_value=1, max_value=10**9)) / 100,
            }
            for item, value in values.items():
                fate = draw(st.sampled_from(["value"] * 8 + ["absent", "not_collected",
                                             "provisional", "estimated", "revised"]))  # fmt: skip
                if fate == "absent":
                    continue
                if fate == "not_collected":
                    rows.append((area, period, item, "", "not_collected"))
                else:
                    rows.append((area, period, item, repr(float(value)),
                                 "" if fate == "value" else fate))  # fmt: skip
    if not rows:
        rows.append((areas[0], periods[0], "events", "1.0", ""))
    data = Dataset.from_frame(pd.DataFrame(rows, columns=["area", "period", "item", "value",
                                                          "flag"]))  # fmt: skip
    groups = [draw(st.sampled_from(["", "North", "South"])) for _ in areas]
    table = Areas.from_frame(pd.DataFrame({"area": areas, "name": areas, "family_group": groups}))
    return data, table


@settings(max_examples=40, deadline=None)
@given(mixed_data(), st.booleans(), st.booleans())
def test_every_measure_with_gaps_flags_money_and_means(
    data_and_areas: tuple[Dataset, Areas], with_areas: bool, real_terms: bool
) -> None:
    data, areas = data_and_areas
    options: dict[str, object] = {"areas": areas if with_areas else None}
    if real_terms:
        # The pandas engine fails (TypeError) when no period holds a cost to deflate.
        costs = data.frame["item"].eq("spend") & ~data.frame["period"].str.fullmatch(r"\d{4}")
        assume(costs.any())
        options["deflators"] = {label: 90.0 + 1.37 * k for k, label in enumerate(MIXED_PERIODS)}
        options["base_period"] = MIXED_PERIODS[3]
    assert_engines_agree(data, mixed_catalogue(), **options)


# --- A few indicators at a time --------------------------------------------------------------


@pytest.mark.parametrize("inputs", ["example", "lgbf"])
def test_figures_made_one_indicator_at_a_time(inputs: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """At national scale the figures are made a few indicators at a time, in the rows of the
    results' block when every indicator has every period (the LGBF data; the example's do
    not): one indicator at a time gives the pandas engine's results too."""
    monkeypatch.setattr(_compute, "_BLOCK_CELLS", 1)
    if inputs == "lgbf":
        dataset, catalogue, _, _ = lgbf_inputs()
        assert_engines_agree(dataset, catalogue)
    else:
        assert_engines_agree(read_dataset(EXAMPLE / "data.csv"), load_catalogue(),
                             areas=read_areas(EXAMPLE / "areas.csv"))  # fmt: skip
