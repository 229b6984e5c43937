"""The national overview and the inspectorate's view (outcomes.national._overview), on a constructed
panel with planted outliers and on the bundled example."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from scipy import stats as scipy_stats

import outcomes
from outcomes import Areas, compute, load_catalogue, read_areas, read_dataset
from outcomes.core._resources import bundled_path
from outcomes.errors import NoResultsError
from outcomes.national._overview import (
    FAMILY_GROUP_COLUMNS,
    FUNNEL_COLUMNS,
    FUNNEL_LINE_COLUMNS,
    FUNNEL_OUTLIER_COLUMNS,
    HEAT_COLUMNS,
    INDICATOR_COLUMNS,
    JUDGEMENTS,
    REPORT_COLUMNS,
    SCRUTINY_COLUMNS,
    SCRUTINY_REASONS,
    Overview,
    overview,
    scrutiny,
)
from outcomes.returns._burden import BURDEN_COLUMNS
from outcomes.stats import FUNNEL_POSITIONS, funnel_proportion_limits
from outcomes.vocabulary import Direction
from tests.strategies import proportion_panels
from tests.test_compute import one_indicator_catalogue, panel_dataset

EXAMPLE = bundled_path("example")
PERIODS = ("2020-21", "2021-22", "2022-23", "2023-24", "2024-25")
LATEST = PERIODS[-1]
# Twelve ordinary areas a little either side of 50%, each steady over the five years.
ORDINARY = {f"Area {k:02d}": 490 + 2 * k for k in range(12)}


def constructed_rows() -> list[tuple[str, str, int, int]]:
    """Ordinary areas near 50% of 1,000, and planted ones:

    - ``Far`` falls to 30% in the latest year (far below Scotland, outside 99.8%);
    - ``High`` rises to 70% (far above: outside on the better side);
    - ``Small`` has 7 of 20 (35%), inside its wide funnel;
    - ``Recovering`` is at 40%, far below Scotland, but up from 33% a year before;
    - ``Tiny`` has 3 of 400, a count that publication suppresses.
    """
    rows = [(area, period, numerator, 1000) for area, numerator in ORDINARY.items()
            for period in PERIODS]  # fmt: skip
    rows += [("Far", p, 300 if p == LATEST else 500, 1000) for p in PERIODS]
    rows += [("High", p, 700 if p == LATEST else 500, 1000) for p in PERIODS]
    rows += [("Small", p, 7 if p == LATEST else 10, 20) for p in PERIODS]
    rows += [("Recovering", p, {"2023-24": 330, LATEST: 400}.get(p, 450), 1000) for p in PERIODS]
    rows += [("Tiny", p, 3 if p == LATEST else 200, 400) for p in PERIODS]
    return rows


def constructed_areas() -> Areas:
    names = [*ORDINARY, "Far", "High", "Small", "Recovering", "Tiny"]
    return Areas.from_frame(
        pd.DataFrame({
            "area": names,
            "name": [f"{name} Council" for name in names],
            "family_group": ["North" if k % 2 else "South" for k in range(len(names))],
        })
    )  # fmt: skip


@pytest.fixture(scope="module")
def constructed() -> outcomes.Results:
    return compute(panel_dataset(constructed_rows()), one_indicator_catalogue(),
                   constructed_areas())  # fmt: skip


@pytest.fixture(scope="module")
def national(constructed: outcomes.Results) -> Overview:
    """The exact limits: the funnel tests below check them against exact tests."""
    return overview(constructed, LATEST, areas=constructed_areas(), overdispersion=False)


@pytest.fixture(scope="module")
def example() -> outcomes.Results:
    return compute(read_dataset(EXAMPLE / "data.csv"), load_catalogue(),
                   read_areas(EXAMPLE / "areas.csv"))  # fmt: skip


def latest_area_rows(results: outcomes.Results) -> pd.DataFrame:
    frame = results.frame
    is_area = (frame["area"] != "Scotland") & ~frame["area"].str.startswith("family_group:")
    return frame[is_area & (frame["period"] == LATEST)]


# --- the tables' shapes ---------------------------------------------------------------------


def test_every_table_has_its_documented_columns(national: Overview) -> None:
    expected = {
        "indicators": INDICATOR_COLUMNS, "family_groups": FAMILY_GROUP_COLUMNS,
        "heat": HEAT_COLUMNS, "funnel": FUNNEL_COLUMNS, "funnel_lines": FUNNEL_LINE_COLUMNS,
        "funnel_outliers": FUNNEL_OUTLIER_COLUMNS, "scrutiny": SCRUTINY_COLUMNS,
        "reports": REPORT_COLUMNS,
    }  # fmt: skip
    tables = national.tables()
    for name, columns in expected.items():
        assert tuple(tables[name].columns) == columns, name
    assert tuple(tables["burden"].columns) == BURDEN_COLUMNS
    assert list(national.heat_wide.columns) == ["area", "name", "P1"]


# --- the indicators summary ----------------------------------------------------------------------


def test_the_summary_counts_directions_as_the_results_have_them(
    constructed: outcomes.Results, national: Overview
) -> None:
    row = national.indicators.set_index("indicator").loc["P1"]
    areas = latest_area_rows(constructed)
    counted = areas["direction"].astype(str).value_counts()
    for direction in ("improved", "worsened", "no_significant_change", "not_comparable"):
        assert row[direction] == counted.get(direction, 0), direction
    assert row["worsened"] >= 1  # Far, at least
    assert row["improved"] >= 2  # High and Recovering
    assert row["areas_reported"] == len(areas)
    directions = [c for c in INDICATOR_COLUMNS if c in set(Direction)]
    assert row[directions].sum() == len(areas)


def test_the_summary_gives_scotland_and_the_spread(
    constructed: outcomes.Results, national: Overview
) -> None:
    row = national.indicators.set_index("indicator").loc["P1"]
    latest = [r for r in constructed_rows() if r[1] == LATEST]
    scotland = 100 * sum(r[2] for r in latest) / sum(r[3] for r in latest)
    assert row["scotland_value"] == pytest.approx(scotland, rel=1e-12)
    assert row["scotland_lower"] < row["scotland_value"] < row["scotland_upper"]
    values = np.array([100 * r[2] / r[3] for r in latest])
    quartiles = np.quantile(values, [0, 0.25, 0.5, 0.75, 1])
    assert np.allclose(row[["min", "q1", "median", "q3", "max"]].to_numpy(dtype=float),
                       quartiles)  # fmt: skip
    assert row["vs_scotland_worse"] >= 2  # Far and Recovering
    assert row["vs_scotland_better"] >= 1  # High
    assert bool(row["funnel"])
    assert row["outside_998"] == (national.funnel["position"].isin(
        ["above 99.8%", "below 99.8%"])).sum()  # fmt: skip


# --- family groups and the heat table ----------------------------------------------------------


def test_family_group_values_are_the_pooled_rows(
    constructed: outcomes.Results, national: Overview
) -> None:
    groups = national.family_groups.set_index("family_group")
    assert sorted(groups.index) == ["North", "South"]
    membership = constructed_areas().family_group_of
    latest = [r for r in constructed_rows() if r[1] == LATEST]
    for group in ("North", "South"):
        members = [r for r in latest if membership[r[0]] == group]
        expected = 100 * sum(r[2] for r in members) / sum(r[3] for r in members)
        assert groups.at[group, "value"] == pytest.approx(expected, rel=1e-12)
        assert groups.loc[group, "members_reported"] == len(members)


def test_the_heat_table_has_each_areas_direction(
    constructed: outcomes.Results, national: Overview
) -> None:
    areas = latest_area_rows(constructed).set_index("area")["direction"].astype(str)
    heat = national.heat.set_index("area")["direction"]
    assert heat.to_dict() == areas.to_dict()
    wide = national.heat_wide.set_index("area")
    assert wide["P1"].to_dict() == areas.to_dict()
    assert wide.loc["Far", "name"] == "Far Council"
    assert list(wide.index) == list(constructed_areas().names)


# --- funnel plots -------------------------------------------------------------------------------


def test_planted_areas_fall_outside_the_funnel_and_are_named(national: Overview) -> None:
    points = national.funnel.set_index("area")
    assert points.loc["Far", "position"] == "below 99.8%"
    assert points.loc["High", "position"] == "above 99.8%"
    assert points.loc["Small", "position"] == "within"
    outliers = national.funnel_outliers.set_index("indicator").loc["P1"]
    assert "Far Council" in outliers["areas_below"].split("; ")
    assert "High Council" in outliers["areas_above"].split("; ")
    assert outliers["below_998"] == len(outliers["areas_below"].split("; "))


def test_funnel_limits_are_the_exact_limits_around_scotland(national: Overview) -> None:
    points = national.funnel
    target = points["target"].iloc[0] / 100
    lower, upper = funnel_proportion_limits(target, points["denominator"], 0.998)
    assert np.allclose(points["lower998"], 100 * lower)
    assert np.allclose(points["upper998"], 100 * upper)
    assert (points["target"] == national.indicators["scotland_value"].iloc[0]).all()


def test_funnel_positions_agree_with_exact_binomial_tests(national: Overview) -> None:
    points = national.funnel
    target = points["target"].to_numpy() / 100
    x, n = points["numerator"].to_numpy(), points["denominator"].to_numpy()
    for level, low, high in ((0.998, "below 99.8%", "above 99.8%"),
                             (0.95, "below 95%", "above 95%")):  # fmt: skip
        tail = (1 - level) / 2
        significantly_low = scipy_stats.binom.cdf(x, n, target) < tail
        significantly_high = scipy_stats.binom.sf(x - 1, n, target) < tail
        if level == 0.998:
            assert ((points["position"] == low).to_numpy() == significantly_low).all()
            assert ((points["position"] == high).to_numpy() == significantly_high).all()
        else:
            beyond = points["position"].isin([low, high, "below 99.8%", "above 99.8%"])
            assert (beyond.to_numpy() == (significantly_low | significantly_high)).all()


def test_funnel_lines_cover_the_denominators_and_widen_to_the_left(national: Overview) -> None:
    lines = national.funnel_lines
    assert len(lines) == 100
    assert lines["denominator"].is_monotonic_increasing
    assert lines["denominator"].min() <= national.funnel["denominator"].min()
    assert lines["denominator"].max() >= national.funnel["denominator"].max()
    assert lines["lower998"].is_monotonic_increasing
    assert lines["upper998"].is_monotonic_decreasing
    assert ((lines["lower998"] <= lines["target"]) & (lines["target"] <= lines["upper998"])).all()


def test_suppressed_points_are_not_placed_on_a_published_funnel(
    constructed: outcomes.Results,
) -> None:
    published = overview(constructed.published(), LATEST, areas=constructed_areas())
    tiny = published.funnel.set_index("area").loc["Tiny"]
    assert tiny["position"] == "not_compared"
    view = published.scrutiny_of("Tiny").table.iloc[0]
    assert view["judgement"] == "no_evidence"
    assert view["evidence"] == "suppressed to protect confidentiality"
    # Computed, not published, figures place it: 3 of 400 is far below Scotland.
    computed = overview(constructed, LATEST).funnel.set_index("area")
    assert computed.loc["Tiny", "position"] == "below 99.8%"


# --- scrutiny -----------------------------------------------------------------------------------


def test_an_area_far_below_scotland_gives_concern_with_its_evidence(
    constructed: outcomes.Results,
) -> None:
    view = scrutiny(constructed, "Far", LATEST, areas=constructed_areas())
    row = view.table.iloc[0]
    assert view.name == "Far Council"
    assert row["judgement"] == "concern"
    assert row["worse_than_scotland"]
    assert row["outside_funnel"]
    assert row["worsened"]
    assert not row["better_than_funnel"]
    scotland = f"{row['scotland_value']:.1f}%"
    assert f"significantly worse than Scotland (30.0% vs {scotland})" in row["evidence"]
    assert "worsened significantly since 2023-24 (50.0% to 30.0%)" in row["evidence"]
    assert "outside the 99.8% funnel limit (30.0% is below " in row["evidence"]
    assert row["other_evidence"] == ""
    assert len(view.concerns) == 1
    assert view.assurances.empty


def test_an_area_far_above_scotland_gives_assurance(constructed: outcomes.Results) -> None:
    row = scrutiny(constructed, "High", LATEST).table.iloc[0]
    assert row["judgement"] == "assurance"
    assert row["better_than_scotland"]
    assert row["improved"]
    assert row["better_than_funnel"]
    assert "outside the 99.8% funnel limit on the better side (70.0% is above" in row["evidence"]
    assert row["name"] == "High"  # no areas table: the code stands for the name


def test_assurance_beside_a_concern_is_kept_as_other_evidence(
    constructed: outcomes.Results,
) -> None:
    row = scrutiny(constructed, "Recovering", LATEST).table.iloc[0]
    assert row["judgement"] == "concern"
    assert row["improved"]
    assert row["worse_than_scotland"]
    assert "improved significantly since 2023-24 (33.0% to 40.0%)" in row["other_evidence"]
    assert "improved" not in row["evidence"]


def test_sitting_inside_the_funnel_is_no_evidence_of_good_performance(
    constructed: outcomes.Results,
) -> None:
    table = scrutiny(constructed, "Small", LATEST).table
    row = table.iloc[0]
    assert row["judgement"] == "no_evidence"
    assert not row[list(SCRUTINY_REASONS)].any()
    assert row["evidence"].endswith(")")
    assert "inside the 95% funnel limits (" in row["evidence"]
    # The ordinary areas too: near Scotland, unchanged, inside the funnel, so no assurance.
    national = overview(constructed, LATEST)
    ordinary = national.scrutiny[national.scrutiny["area"].isin(ORDINARY)]
    assert set(ordinary["judgement"]) == {"no_evidence"}


def test_one_signal_of_going_wrong_is_a_watch_and_two_a_concern() -> None:
    rows = constructed_rows()
    dipping = dict(zip(PERIODS, (500, 500, 520, 570, 500), strict=True))
    rows += [("Dipping", period, dipping[period], 1000) for period in PERIODS]
    results = compute(panel_dataset(rows), one_indicator_catalogue())
    table = overview(results, LATEST).scrutiny.set_index("area")
    watched = table.loc["Dipping"]
    assert watched["judgement"] == "watch"
    signals = watched[list(SCRUTINY_REASONS[:4])]
    assert signals.sum() == 1
    assert watched["worsened"]
    assert watched["evidence"] == "worsened significantly since 2023-24 (57.0% to 50.0%)"
    # Recovering is worse than Scotland with a worsening trend, beyond the 99.8% limit.
    assert table.loc["Recovering", "judgement"] == "concern"
    counts = {judgement: int((table["judgement"] == judgement).sum()) for judgement in JUDGEMENTS}
    assert sum(counts.values()) == len(table)


def test_assurance_needs_positive_evidence_and_nothing_going_wrong(
    constructed: outcomes.Results,
) -> None:
    table = overview(constructed, LATEST).scrutiny
    assured = table[table["judgement"] == "assurance"]
    going_wrong = assured[list(SCRUTINY_REASONS[:4])].to_numpy().any(axis=1)
    assert not going_wrong.any()
    standing = assured["better_than_scotland"] | assured["better_than_funnel"]
    sustained = assured["improved"] & assured["improving_trend"]
    assert (standing | sustained).all()
    assert list(assured["area"]) == ["High"]


def test_neutral_indicators_give_neither_concern_nor_assurance() -> None:
    results = compute(panel_dataset(constructed_rows()), one_indicator_catalogue("neutral"))
    national = overview(results, LATEST)
    assert set(national.scrutiny["judgement"]) == {"no_evidence"}
    assert not national.scrutiny[list(SCRUTINY_COLUMNS[-8:])].to_numpy().any()
    far = national.scrutiny_of("Far").table.iloc[0]
    assert "significantly lower than Scotland" in far["evidence"]
    assert "outside the 99.8% funnel limit (30.0% is below" in far["evidence"]


def test_the_overview_scrutiny_is_every_areas_scrutiny(
    constructed: outcomes.Results, national: Overview
) -> None:
    areas = constructed_areas()
    adjusted = overview(constructed, LATEST, areas=areas)
    for area in ("Far", "Area 03", "Small"):
        alone = scrutiny(constructed, area, LATEST, areas=areas, overdispersion=False).table
        pd.testing.assert_frame_equal(national.scrutiny_of(area).table, alone)
        # With limits adjusted for overdispersion (the default), the same holds.
        alone = scrutiny(constructed, area, LATEST, areas=areas).table
        pd.testing.assert_frame_equal(adjusted.scrutiny_of(area).table, alone)
    assert len(national.scrutiny) == len(areas.names)


def test_unknown_areas_and_periods_are_reported(constructed: outcomes.Results) -> None:
    with pytest.raises(NoResultsError, match="did you mean 'Far'"):
        scrutiny(constructed, "Farr", LATEST)
    with pytest.raises(NoResultsError, match="2019-20"):
        overview(constructed, "2019-20")
    with pytest.raises(LookupError):
        overview(constructed, LATEST).scrutiny_of("Nowhere")


# --- reports and burden -------------------------------------------------------------------------


def test_report_statuses_and_peer_pairs_are_tabled(constructed: outcomes.Results) -> None:
    pairs = pd.DataFrame({
        "area": ["Far", "High"], "peer_area": ["High", "Far"],
        "family_group": ["South", "North"], "reason": ["same family group", ""],
    })  # fmt: skip
    national = overview(constructed, LATEST, areas=constructed_areas(),
                        assessments={"Far": "draft", "High": "published"}, pairs=pairs)  # fmt: skip
    reports = national.reports.set_index("area")
    assert len(reports) == len(constructed_areas().names)
    assert reports.loc["Far", "status"] == "draft"
    assert reports.loc["High", "status"] == "published"
    assert reports.loc["Far", "peer_area"] == "High"
    assert reports.loc["Far", "peer_reason"] == "same family group"
    assert pd.isna(reports["status"].get("Small"))
    assert reports.loc["Far", "name"] == "Far Council"
    with pytest.raises(ValueError, match="did you mean 'published'"):
        overview(constructed, LATEST, assessments={"Far": "publised"})
    with pytest.raises(NoResultsError, match="Nowhere"):
        overview(constructed, LATEST, assessments={"Nowhere": "draft"})
    assert overview(constructed, LATEST).reports.empty


def test_the_burden_summary_is_kept_as_is(constructed: outcomes.Results) -> None:
    found = outcomes.burden(panel_dataset(constructed_rows()), one_indicator_catalogue())
    national = overview(constructed, LATEST, burden=found)
    pd.testing.assert_frame_equal(national.burden, found.to_frame())


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_tables_are_written_with_the_same_bytes_each_time(
    constructed: outcomes.Results, tmp_path: Path
) -> None:
    first = overview(constructed, LATEST, areas=constructed_areas()).to_csv(tmp_path / "one")
    second = overview(constructed, LATEST, areas=constructed_areas()).to_csv(tmp_path / "two")
    assert [p.name for p in first] == [
        "indicators.csv", "family_groups.csv", "heat.csv", "heat_wide.csv", "funnel.csv",
        "funnel_lines.csv", "funnel_outliers.csv", "scrutiny.csv", "reports.csv", "burden.csv",
    ]  # fmt: skip
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.name
    funnel = (tmp_path / "one" / "funnel.csv").read_text(encoding="utf-8").splitlines()
    assert funnel[0] == ",".join(FUNNEL_COLUMNS)
    scrutiny_csv = (tmp_path / "one" / "scrutiny.csv").read_text(encoding="utf-8")
    assert ",concern," in scrutiny_csv
    assert ",true," in scrutiny_csv
    written = scrutiny(constructed, "Far", LATEST).to_csv(tmp_path)
    assert [p.name for p in written] == [f"scrutiny-far-{LATEST}.csv"]


# --- the bundled example ------------------------------------------------------------------------


def test_the_example_overview_reads_calendar_year_indicators_for_the_year_it_starts(
    example: outcomes.Results,
) -> None:
    national = overview(example, LATEST, areas=read_areas(EXAMPLE / "areas.csv"))
    summary = national.indicators.set_index("indicator")
    assert list(summary.index) == list(load_catalogue().ids)
    assert summary.loc["WS01", "period"] == "2024"
    assert summary.loc["SW6", "period"] == LATEST
    assert (summary["areas_reported"] == 32).all()
    funnel_ids = set(national.funnel["indicator"])
    assert funnel_ids == set(summary.index[summary["funnel"]])
    assert {"SW5", "CHN8a", "NI-15"}.isdisjoint(funnel_ids)  # costs; a proportion of days
    assert set(national.funnel["position"]) <= set(FUNNEL_POSITIONS)
    assert set(national.scrutiny["judgement"]) == set(JUDGEMENTS)


def test_example_positions_agree_with_exact_tests_wherever_counts_are_whole(
    example: outcomes.Results,
) -> None:
    points = overview(example, LATEST, overdispersion=False).funnel
    catalogue = load_catalogue()
    whole = (points["numerator"] % 1 == 0) & (points["denominator"] % 1 == 0)
    points = points[whole]
    multiplier = points["indicator"].map({i.id: i.multiplier for i in catalogue})
    x, n = points["numerator"].to_numpy(), points["denominator"].to_numpy()
    share = (points["target"] / multiplier).to_numpy()
    proportion = (points["measure"] == "proportion").to_numpy()
    expected_events = share * n
    cdf = np.where(proportion, scipy_stats.binom.cdf(x, n, share),
                   scipy_stats.poisson.cdf(x, expected_events))  # fmt: skip
    sf = np.where(proportion, scipy_stats.binom.sf(x - 1, n, share),
                  scipy_stats.poisson.sf(x - 1, expected_events))  # fmt: skip
    assert ((points["position"] == "below 99.8%").to_numpy() == (cdf < 0.001)).all()
    assert ((points["position"] == "above 99.8%").to_numpy() == (sf < 0.001)).all()
    assert len(points) > 500


# --- properties ---------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(proportion_panels())
def test_counts_add_up_and_every_point_is_placed(rows: list[tuple[str, str, int, int]]) -> None:
    results = compute(panel_dataset(rows), one_indicator_catalogue())
    national = overview(results, LATEST)
    summary = national.indicators.iloc[0]
    areas = latest_area_rows(results)
    directions = [c for c in INDICATOR_COLUMNS if c in set(Direction)]
    assert summary[directions].sum() == len(areas)
    assert len(national.funnel) == len(areas)
    points = national.funnel
    # The Scotland value lies inside every limit.
    assert (points["lower998"] <= points["lower95"]).all()
    assert (points["lower95"] <= points["target"]).all()
    assert (points["target"] <= points["upper95"]).all()
    assert (points["upper95"] <= points["upper998"]).all()
    table = national.scrutiny
    assert set(table["judgement"]) <= set(JUDGEMENTS)
    assert (table["evidence"] != "").all()
    # The rules: a concern is corroborated or beyond 99.8%; assurance has nothing against it.
    against = table[list(SCRUTINY_REASONS[:4])].sum(axis=1)
    concern = table["judgement"] == "concern"
    assert (table.loc[concern, "outside_funnel"] | (against[concern] >= 2)).all()
    assert (against[table["judgement"] == "watch"] == 1).all()
    assert (against[table["judgement"].isin(["assurance", "no_evidence"])] == 0).all()


# --- overdispersion -------------------------------------------------------------------------------


def test_overdispersed_funnels_are_widened_and_say_so(example: outcomes.Results) -> None:
    exact = overview(example, LATEST, overdispersion=False)
    adjusted = overview(example, LATEST)
    outside = ("above 99.8%", "below 99.8%")
    before = int(exact.funnel["position"].isin(outside).sum())
    after = int(adjusted.funnel["position"].isin(outside).sum())
    assert after < before / 4  # from 359 to 30 points of 1,472 on the example
    table = adjusted.funnel_outliers.set_index("indicator")
    widened = table[table["limits"] == "adjusted for overdispersion"]
    assert len(widened) > 0
    assert (widened["tau2"] > 0).all()
    assert (table.loc[table["tau2"] == 0, "limits"] == "exact").all()
    for indicator in widened.index[:5]:
        wide = adjusted.funnel[adjusted.funnel["indicator"] == indicator]
        narrow = exact.funnel[exact.funnel["indicator"] == indicator]
        assert (wide["upper998"].to_numpy() >= narrow["upper998"].to_numpy() - 1e-9).all()
    for indicator in table.index[table["limits"] == "exact"]:
        same = adjusted.funnel[adjusted.funnel["indicator"] == indicator]
        pd.testing.assert_frame_equal(
            same.reset_index(drop=True),
            exact.funnel[exact.funnel["indicator"] == indicator].reset_index(drop=True),
        )


def test_two_yearly_and_lagged_indicators_show_their_latest_published_period(
    example: outcomes.Results,
) -> None:
    published = example.published()
    national = overview(published, "2024-25", areas=read_areas(EXAMPLE / "areas.csv"))
    periods = dict(zip(national.indicators["indicator"], national.indicators["period"],
                       strict=True))  # fmt: skip
    latest = published.latest_periods("2024-25")
    assert periods["SW6"] == "2024-25"
    # The survey is two-yearly (last in 2023-24), reconvictions appear two years late.
    assert periods["SW4b"] == str(latest["SW4b"]) == "2023-24"
    assert periods["CJ02"] == str(latest["CJ02"]) == "2022-23"
    heat = national.heat[national.heat["indicator"] == "SW4b"]
    assert set(heat["period"]) == {"2023-24"}
    assert heat["value"].notna().sum() > 0


def test_the_overview_and_the_report_name_an_area_alike(example: outcomes.Results) -> None:
    areas = read_areas(EXAMPLE / "areas.csv")
    national = overview(example.published(), "2024-25", areas=areas)
    names = dict(zip(national.heat["area"], national.heat["name"], strict=True))
    report = outcomes.AnnualReport.build(example, "Edinburgh City", "2024-25", areas=areas)
    # The areas file's name: City of Edinburgh, however the data spell the council.
    assert names["Edinburgh City"] == report.area == "City of Edinburgh"
    assert report.code == "Edinburgh City"
