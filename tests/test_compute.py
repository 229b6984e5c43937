"""The statistics engine: results rows, Scotland and family groups, change, ranks, trend,
and publication with disclosure control."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from numpy.typing import NDArray
from scipy.stats import rankdata

import outcomes
import outcomes.errors
from outcomes import (
    Areas,
    Catalogue,
    Dataset,
    compute,
    load_catalogue,
    read_areas,
    read_dataset,
    read_deflators,
)
from outcomes.catalogue import DataItem
from outcomes.core._resources import bundled_path
from outcomes.results import RESULT_COLUMNS
from outcomes.results._compute import min_ranks
from tests.strategies import proportion_panels

DATA = Path(__file__).parent / "data"
EXAMPLE = bundled_path("example")


@pytest.fixture(scope="module")
def example() -> outcomes.Results:
    return compute(
        read_dataset(EXAMPLE / "data.csv"), load_catalogue(), read_areas(EXAMPLE / "areas.csv")
    )


def one_indicator_catalogue(polarity: str = "higher_is_better") -> Catalogue:
    indicator = outcomes.Indicator(
        id="P1", title="Share supported", measure="proportion", numerator="supported",
        denominator="assessed", multiplier=100, unit="%", polarity=polarity,
        branch="community_care", recommendations=[11], outcome_for=["people_who_use_services"],
        period_type="financial_year", source="test",
    )  # fmt: skip
    items = {
        name: DataItem(name=name, title=name, unit="people", kind="count")
        for name in ("supported", "assessed")
    }
    return Catalogue(indicators=[indicator], items=items)


def panel_dataset(rows: list[tuple[str, str, int, int]]) -> Dataset:
    tidy = [
        (area, period, item, float(value), "")
        for area, period, numerator, denominator in rows
        for item, value in (("supported", numerator), ("assessed", denominator))
    ]
    return Dataset.from_frame(
        pd.DataFrame(tidy, columns=["area", "period", "item", "value", "flag"])
    )


# --- The LGBF rebuild: real published figures ------------------------------------------------


def lgbf_inputs() -> tuple[Dataset, Catalogue, pd.DataFrame, dict[str, str]]:
    """The real LGBF SW5/SW6 data as a tidy dataset, the two indicators, the published
    figures keyed by our indicator ids, and the map from LGBF codes to those ids."""
    published = pd.read_csv(DATA / "lgbf_sw5_sw6.csv")
    bundled = load_catalogue()
    indicators = [bundled.by_alias("lgbf", code) for code in ("SW5", "SW6")]
    catalogue = Catalogue(
        indicators=indicators,
        items={name: bundled.items[name] for i in indicators for name in i.items},
    )
    item_of = {(i.aliases["lgbf"], role): getattr(i, role) for i in indicators
               for role in ("numerator", "denominator")}  # fmt: skip
    councils = published[published["area"] != "Scotland"]
    tidy = pd.concat(
        [
            pd.DataFrame({
                "area": councils["area"], "period": councils["period"],
                "item": councils["indicator"].map(lambda code, r=role: item_of[(code, r)]),
                "value": councils[role], "flag": "",
            })
            for role in ("numerator", "denominator")
        ]
    )  # fmt: skip
    tidy["flag"] = np.where(tidy["value"].isna(), "not_collected", "")
    ids = {i.aliases["lgbf"]: i.id for i in indicators}
    given = published.assign(indicator=published["indicator"].map(ids),
                             value=published["published_value"])  # fmt: skip
    dataset = Dataset.from_frame(tidy.astype({"value": str}).replace({"value": {"nan": ""}}))
    return dataset, catalogue, given, ids


def test_lgbf_council_and_scotland_values_are_rebuilt_from_numerators_and_denominators() -> None:
    dataset, catalogue, given, ids = lgbf_inputs()
    published = pd.read_csv(DATA / "lgbf_sw5_sw6.csv")
    councils = published[published["area"] != "Scotland"]
    indicators = list(catalogue.indicators)
    results = compute(dataset, catalogue, published=given).frame

    merged = results.merge(given, on=["indicator", "area", "period"], suffixes=("", "_published"))
    council_rows = merged[(merged["area"] != "Scotland") & merged["value"].notna()]
    assert len(council_rows) > 600
    assert np.allclose(council_rows["value"], council_rows["value_published"], atol=5e-5)

    # Scotland: Σ numerators / Σ denominators over the councils that reported both.
    reported = councils.dropna(subset=["numerator", "denominator"])
    sums = reported.groupby(["indicator", "period"])[["numerator", "denominator"]].sum()
    multiplier = {i.aliases["lgbf"]: i.multiplier for i in indicators}
    codes = sums.index.get_level_values(0)
    expected = sums["numerator"] / sums["denominator"] * codes.map(multiplier)
    expected.index = pd.MultiIndex.from_arrays([codes.map(ids), sums.index.get_level_values(1)])
    scotland = merged[merged["area"] == "Scotland"].set_index(["indicator", "period"])
    assert np.allclose(scotland["value"].reindex(expected.index), expected, rtol=1e-12)

    # Where the published Scotland figure is not Σnum/Σden, the note says so - and only there.
    differs = ~np.isclose(scotland["value_published"], scotland["value"], atol=5e-5)
    noted = scotland["note"].str.contains("published value", regex=False)
    assert (differs == noted).all()
    assert differs.any(), "the real data holds Scotland rows that were not updated"


# --- The results table -------------------------------------------------------------------------


def test_results_have_exactly_the_design_columns(example: outcomes.Results) -> None:
    assert tuple(example.frame.columns) == RESULT_COLUMNS
    header = example.published().to_csv().splitlines()[0]
    assert header == ",".join(RESULT_COLUMNS)


def test_every_indicator_area_and_period_has_one_row(example: outcomes.Results) -> None:
    frame = example.frame
    assert not frame.duplicated(["indicator", "area", "period"]).any()
    areas = read_areas(EXAMPLE / "areas.csv")
    expected = {"Scotland", *areas.names, *(f"family_group:{g}" for g in areas.family_groups)}
    assert set(frame["area"]) == expected
    assert set(frame["indicator"]) == set(load_catalogue().ids)


def test_values_lie_inside_their_intervals(example: outcomes.Results) -> None:
    frame = example.frame.dropna(subset=["lower", "upper"])
    assert len(frame) > 1000
    assert (frame["lower"] <= frame["value"] + 1e-9).all()
    assert (frame["value"] <= frame["upper"] + 1e-9).all()


def test_costs_and_counts_have_no_interval(example: outcomes.Results) -> None:
    catalogue = load_catalogue()
    untested = [i.id for i in catalogue if i.measure.value in ("cost", "count")]
    rows = example.frame[example.frame["indicator"].isin(untested)]
    assert rows["lower"].isna().all()
    assert set(rows["direction"]) <= {"improved", "worsened", "no_change", "increased",
                                      "decreased", "not_comparable"}  # fmt: skip


def test_family_group_rows_pool_their_members(example: outcomes.Results) -> None:
    areas = read_areas(EXAMPLE / "areas.csv")
    frame = example.frame
    for group, members in areas.family_groups.items():
        rows = frame[(frame["indicator"] == "SW6") & (frame["period"] == "2024-25")]
        own = rows[rows["area"].isin(members)]
        pooled = rows[rows["area"] == f"family_group:{group}"].iloc[0]
        assert pooled["numerator"] == own["numerator"].sum()
        assert math.isclose(
            pooled["value"], 1000 * own["numerator"].sum() / own["denominator"].sum()
        )


def test_a_missing_previous_period_is_not_comparable_not_two_years_back() -> None:
    rows = [("A", "2022-23", 50, 100), ("A", "2024-25", 70, 100), ("B", "2022-23", 50, 100),
            ("B", "2023-24", 60, 100), ("B", "2024-25", 70, 100)]  # fmt: skip
    results = compute(panel_dataset(rows), one_indicator_catalogue())
    a = results.row("P1", "A", "2024-25")
    assert a["direction"] == "not_comparable"
    assert a["previous_period"] == "2023-24"
    assert pd.isna(a["previous_value"])
    assert results.row("P1", "B", "2024-25")["previous_value"] == 60


def test_trend_needs_five_consecutive_periods() -> None:
    periods = ["2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
    rising = [("A", p, 100 + 40 * n, 1000) for n, p in enumerate(periods)]
    gap = [("B", p, 100 + 40 * n, 1000) for n, p in enumerate(periods) if p != "2020-21"]
    results = compute(panel_dataset(rising + gap), one_indicator_catalogue())
    assert results.row("P1", "A", "2022-23")["trend"] == "improving"
    assert results.row("P1", "A", "2021-22")["trend"] == "not_enough_data"
    assert results.row("P1", "B", "2023-24")["trend"] == "not_enough_data"
    lower_better = compute(panel_dataset(rising), one_indicator_catalogue("lower_is_better"))
    assert lower_better.row("P1", "A", "2023-24")["trend"] == "worsening"


def test_real_terms_costs_use_the_deflator_of_each_period(example: outcomes.Results) -> None:
    deflators = read_deflators(EXAMPLE / "deflators.csv")
    real = compute(read_dataset(EXAMPLE / "data.csv"), load_catalogue(),
                   read_areas(EXAMPLE / "areas.csv"), deflators=deflators,
                   base_period="2024-25")  # fmt: skip
    cash = example.row("SW5", "Scotland", "2019-20")["value"]
    deflated = real.row("SW5", "Scotland", "2019-20")
    assert math.isclose(deflated["value"], cash * deflators["2024-25"] / deflators["2019-20"])
    assert "real terms" in deflated["note"]
    latest = real.row("SW5", "Scotland", "2024-25")["value"]
    assert math.isclose(latest, example.row("SW5", "Scotland", "2024-25")["value"])


# --- Properties -----------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(proportion_panels())
def test_scotland_lies_between_the_lowest_and_highest_area(
    rows: list[tuple[str, str, int, int]],
) -> None:
    frame = compute(panel_dataset(rows), one_indicator_catalogue()).frame
    for _, period_rows in frame.groupby("period"):
        areas = period_rows[period_rows["area"] != "Scotland"]["value"]
        scotland = period_rows[period_rows["area"] == "Scotland"]["value"].iloc[0]
        assert areas.min() - 1e-9 <= scotland <= areas.max() + 1e-9


@settings(max_examples=25, deadline=None)
@given(proportion_panels())
def test_direction_and_comparisons_flip_with_polarity(
    rows: list[tuple[str, str, int, int]],
) -> None:
    data = panel_dataset(rows)
    up = compute(data, one_indicator_catalogue()).frame
    down = compute(data, one_indicator_catalogue("lower_is_better")).frame
    swap = {"improved": "worsened", "worsened": "improved", "better": "worse", "worse": "better"}
    assert down["direction"].tolist() == up["direction"].replace(swap).tolist()
    assert down["vs_scotland"].tolist() == up["vs_scotland"].replace(swap).tolist()


@settings(max_examples=25, deadline=None)
@given(proportion_panels())
def test_ranks_are_a_permutation_with_ties_sharing_the_lowest(
    rows: list[tuple[str, str, int, int]],
) -> None:
    frame = compute(panel_dataset(rows), one_indicator_catalogue()).frame
    for _, period_rows in frame[frame["area"] != "Scotland"].groupby("period"):
        ranked = period_rows.dropna(subset=["rank"])
        expected = (-ranked["value"]).rank(method="min").astype(int)
        assert ranked["rank"].astype(int).tolist() == expected.tolist()
        assert (ranked["rank_of"] == len(ranked)).all()
        assert ranked["quartile"].between(1, 4).all()
        assert (ranked.loc[ranked["rank"] == 1, "value"] == ranked["value"].max()).all()


@settings(max_examples=50, deadline=None)
@given(proportion_panels())
def test_suppression_never_leaves_one_hidden_count_recoverable(
    rows: list[tuple[str, str, int, int]],
) -> None:
    results = compute(panel_dataset(rows), one_indicator_catalogue())
    published = results.published().frame
    areas = published[published["area"] != "Scotland"]
    exact = results.frame[results.frame["area"] != "Scotland"]
    small = exact["numerator"].between(1, 4)
    assert areas.loc[small.to_numpy(), "suppressed"].all(), "a count of 1-4 was shown"
    shown_zero = exact["numerator"] == 0
    assert (
        not areas.loc[shown_zero.to_numpy() & ~areas["suppressed"].to_numpy(), "value"].isna().any()
    )
    for _, period_rows in areas.groupby("period"):
        assert period_rows["suppressed"].sum() != 1
    hidden = published[published["suppressed"]]
    assert hidden[["numerator", "denominator", "value"]].isna().all().all()
    assert (hidden["direction"] == "suppressed").all()
    # The next period must not reveal a hidden value through previous_value.
    later = published[published["previous_period"].isin(hidden["period"])]
    revealed = later.merge(hidden[["area", "period"]], left_on=["area", "previous_period"],
                           right_on=["area", "period"])  # fmt: skip
    assert revealed["previous_value"].isna().all()


def test_computing_never_suppresses(example: outcomes.Results) -> None:
    assert not example.frame["suppressed"].any()
    assert example.frame["numerator"].between(1, 4).any()


def test_unknown_areas_in_the_data_are_reported() -> None:
    data = panel_dataset([("A", "2024-25", 5, 10), ("Z", "2024-25", 5, 10)])
    areas = Areas.from_frame(pd.DataFrame({"area": ["A"], "name": ["Area A"]}))
    with pytest.raises(outcomes.errors.ValidationError) as caught:
        compute(data, one_indicator_catalogue(), areas)
    assert [row.area for row in caught.value.problems] == ["Z"]


def test_the_compute_command_writes_the_published_results(tmp_path: Path) -> None:
    from outcomes._cli import main

    out = tmp_path / "results.csv"
    code = main([
        "compute", "--data", str(EXAMPLE / "data.csv"), "--areas", str(EXAMPLE / "areas.csv"),
        "--deflators", str(EXAMPLE / "deflators.csv"), "--base-period", "2024-25",
        "--out", str(out), "--quiet",
    ])  # fmt: skip
    assert code == 0
    written = pd.read_csv(out, keep_default_na=False, dtype=str)
    assert tuple(written.columns) == RESULT_COLUMNS
    assert set(written["suppressed"]) == {"true", "false"}
    hidden = written[written["suppressed"] == "true"]
    assert (hidden["numerator"] == "").all()
    assert (hidden["direction"] == "suppressed").all()


def test_the_compute_command_reports_bad_data_with_file_and_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from outcomes._cli import main

    data = tmp_path / "data.csv"
    data.write_text("area,period,item,value\nA,2024-25,supported,12\nA,2024-26,assessed,x\n",
                    encoding="utf-8")  # fmt: skip
    code = main(["compute", "--data", str(data), "--out", str(tmp_path / "r.csv")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{data}, row 3, column period" in err
    assert f"{data}, row 3, column value" in err
    assert not (tmp_path / "r.csv").exists()


def test_the_spc_view_flags_a_sustained_shift() -> None:
    periods = [f"{year}-{(year + 1) % 100:02d}" for year in range(2010, 2024)]
    shares = [40, 41, 39, 40, 41, 40, 55, 56, 55, 56, 55, 56, 55, 56]
    rows = [("A", p, share * 10, 1000) for p, share in zip(periods, shares, strict=True)]
    chart = compute(panel_dataset(rows), one_indicator_catalogue()).spc("P1", "A")
    assert chart["period"].tolist() == periods
    assert chart["run_of_7"].tolist() == [False] * 6 + [True] * 8
    assert (chart["lower_limit"] < chart["centre"]).all()


def test_an_impossible_proportion_is_computed_and_explained_not_fatal() -> None:
    periods = ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
    rows = [("A", p, 120 if p == "2021-22" else 50, 100) for p in periods]
    rows += [("B", p, 50, 100) for p in periods]
    results = compute(panel_dataset(rows), one_indicator_catalogue())
    odd = results.row("P1", "A", "2021-22")
    assert odd["value"] == 120
    assert pd.isna(odd["lower"])
    assert "numerator exceeds denominator" in odd["note"]
    assert results.row("P1", "A", "2023-24")["trend"] == "not_enough_data"
    assert results.row("P1", "B", "2023-24")["trend"] == "no_significant_trend"


def test_deflator_problems_name_the_row_a_person_sees(tmp_path: Path) -> None:
    path = tmp_path / "deflators.csv"
    path.write_text("period,deflator\n2023-24,98.1\n\n2024-25,-1\n2024-26,100\n", encoding="utf-8")
    with pytest.raises(outcomes.errors.ValidationError) as caught:
        read_deflators(path)
    found = {(row.row, row.column, row.problem.name) for row in caught.value.problems}
    assert found == {(4, "deflator", "NOT_A_NUMBER"), (5, "period", "BAD_PERIOD")}


@given(
    arrays(
        np.float64,
        array_shapes(min_dims=1, max_dims=3, max_side=12),
        elements=st.sampled_from([np.nan, -1.5, -0.0, 0.0, 2.0, 3.25, 1e300]),
    )
)
def test_ranks_are_scipys_min_ranks_with_missing_values_left_out(
    values: NDArray[np.float64],
) -> None:
    """Ties share the lowest rank and NaN stays unranked, as scipy's ``rankdata`` does."""
    expected = rankdata(values, method="min", axis=-1, nan_policy="omit")
    np.testing.assert_array_equal(min_ranks(values), expected)
