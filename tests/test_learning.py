"""Learn-from suggestions on constructed results: expectations are worked out here from the
results table itself, row by row, and compared with :func:`outcomes.learn_from`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import outcomes
from outcomes import Catalogue, Dataset, Results, compute
from outcomes.catalogue import DataItem
from outcomes.errors import NoResultsError, PeriodError
from outcomes.results._learning import LEARN_COLUMNS, LEARNING_COLUMNS, NO_ONE, learn_from
from outcomes.returns._tidy import Areas
from tests.strategies import proportion_panels
from tests.test_compute import one_indicator_catalogue, panel_dataset

PERIODS = ("2023-24", "2024-25")
GROUP_OF = {"A1": "North", "A2": "North", "A3": "North", "A4": "North",
            "B1": "South", "B2": "South", "B3": "South", "B4": "South"}  # fmt: skip
#: (area, indicator) -> (numerator last year, numerator this year), out of 1,000 each year.
#: P1 (higher is better): A1 worsens; A2 (same group) and B1 improve to clearly above A1;
#: A3 improves too but stays below A1 (never a suggestion); B2 and B3 lead.
#: P2 (lower is better): A1 is best but worsens; nobody else changes, nobody does better.
#: P3 (higher is better): only A1 reports this year, so it alone is ranked (quartile 4) and
#: there is nobody to learn from.
COUNTS: dict[str, dict[str, tuple[int, int | None]]] = {
    "P1": {"A1": (600, 450), "A2": (300, 600), "A3": (200, 300), "A4": (700, 700),
           "B1": (400, 550), "B2": (900, 900), "B3": (850, 850), "B4": (550, 550)},
    "P2": {"A1": (100, 200), "A2": (300, 300), "A3": (350, 350), "A4": (400, 400),
           "B1": (450, 450), "B2": (500, 500), "B3": (550, 550), "B4": (600, 600)},
    "P3": {"A1": (500, 400), "A2": (500, None), "B1": (500, None)},
}  # fmt: skip
POLARITY = {"P1": "higher_is_better", "P2": "lower_is_better", "P3": "higher_is_better"}


def catalogue() -> Catalogue:
    indicators = [
        outcomes.Indicator(
            id=code, title=f"Indicator {code}", measure="proportion", numerator=f"{code}_n",
            denominator=f"{code}_d", multiplier=100, unit="%", polarity=POLARITY[code],
            branch="community_care", recommendations=[11],
            outcome_for=["people_who_use_services"], period_type="financial_year",
            source="test",
        )
        for code in COUNTS
    ]  # fmt: skip
    items = {
        f"{code}_{role}": DataItem(name=f"{code}_{role}", title=code, unit="people", kind="count")
        for code in COUNTS
        for role in ("n", "d")
    }
    return Catalogue(indicators=indicators, items=items)


def areas_table(group_of: Mapping[str, str]) -> Areas:
    return Areas.from_frame(pd.DataFrame({"area": list(group_of), "name": list(group_of),
                                          "family_group": list(group_of.values())}))  # fmt: skip


def constructed() -> Results:
    rows = []
    for code, counts in COUNTS.items():
        for area, numerators in counts.items():
            for period, numerator in zip(PERIODS, numerators, strict=True):
                if numerator is None:
                    rows += [(area, period, f"{code}_{r}", "", "not_collected") for r in "nd"]
                else:
                    rows += [(area, period, f"{code}_n", str(numerator), ""),
                             (area, period, f"{code}_d", "1000", "")]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["area", "period", "item", "value", "flag"])
    return compute(Dataset.from_frame(frame), catalogue(), areas_table(GROUP_OF))


def expected(results: Results, area: str, period: str, group_of: Mapping[str, str],
             limit: int) -> list[tuple[str, str, str, bool]]:  # fmt: skip
    """``(indicator, why, learn_from_area, family_group_match)`` worked out row by row."""
    frame = results.frame
    frame = frame[(frame["period"] == period) & (frame["area"] != "Scotland")
                  & ~frame["area"].str.startswith("family_group:")]  # fmt: skip
    out: list[tuple[str, str, str, bool]] = []
    for indicator in results.catalogue.ids:
        own = frame[(frame["indicator"] == indicator) & (frame["area"] == area)]
        if own.empty:
            continue
        row = own.iloc[0]
        worsened = row["direction"] == "worsened"
        bottom = not pd.isna(row["quartile"]) and int(row["quartile"]) == 4
        worse = row["vs_scotland"] == "worse"
        if not (worsened or bottom or worse):
            continue
        why = ("worsened and bottom quartile" if worsened and bottom
               else "worsened" if worsened else "bottom quartile" if bottom
               else "worse than Scotland")  # fmt: skip
        keyed = []
        for _, other in frame[(frame["indicator"] == indicator)
                              & (frame["area"] != area)].iterrows():  # fmt: skip
            improved = other["direction"] == "improved"
            significant = improved and other["change_significant"] is True
            top = not pd.isna(other["quartile"]) and int(other["quartile"]) == 1
            if not (significant or top) or not clearly_better(other, row, indicator, results):
                continue
            match = bool(group_of.get(area)) and group_of.get(other["area"]) == group_of.get(area)
            rank = math.inf if pd.isna(other["rank"]) else int(other["rank"])
            key = (not match, not significant, not improved, not top, rank, other["area"])
            keyed.append((key, other["area"], match))
        keyed.sort()
        if not keyed:
            out.append((indicator, why, "", False))
        out += [(indicator, why, name, match) for _, name, match in keyed[:limit]]
    return out


def clearly_better(other: pd.Series, own: pd.Series, indicator: str, results: Results) -> bool:
    """A better value by polarity, a better rank where both are ranked, and intervals that
    do not overlap where both have them."""
    higher = results.catalogue[indicator].polarity.value == "higher_is_better"
    if not (other["value"] > own["value"] if higher else other["value"] < own["value"]):
        return False
    if not pd.isna(other["rank"]) and not pd.isna(own["rank"]) and other["rank"] >= own["rank"]:
        return False
    intervals = [other["lower"], other["upper"], own["lower"], own["upper"]]
    if any(pd.isna(bound) for bound in intervals):
        return True
    return bool(other["lower"] > own["upper"] if higher else other["upper"] < own["lower"])


def actual(frame: pd.DataFrame) -> list[tuple[str, str, str, bool]]:
    return list(zip(frame["indicator"], frame["why"], frame["learn_from_area"],
                    frame["family_group_match"].astype(bool), strict=True))  # fmt: skip


@pytest.fixture(scope="module")
def results() -> Results:
    return constructed()


def test_the_constructed_case_covers_every_kind_of_suggestion(results: Results) -> None:
    suggestions = learn_from(results, "A1", "2024-25")
    frame = suggestions.frame
    assert list(frame.columns) == list(LEARNING_COLUMNS)
    assert actual(frame) == expected(results, "A1", "2024-25", GROUP_OF, 3)
    assert suggestions.indicators == ["P1", "P2", "P3"]
    p1 = frame[frame["indicator"] == "P1"]
    # A same-group improver comes first, then the strongest evidence from elsewhere.
    assert p1["family_group_match"].tolist()[0]
    assert p1["learn_from_reason"].iloc[0].startswith("same family group (North): improved "
                                                      "significantly since 2023-24")  # fmt: skip
    assert not p1["family_group_match"].iloc[1:].any()
    assert "top quartile (rank 1 of 8)" in " ".join(p1["learn_from_reason"])
    p1_value = results.row("P1", "A1", "2024-25")["value"]
    assert (p1["area_value"] == p1_value).all()
    first = results.row("P1", p1["learn_from_area"].iloc[0], "2024-25")["value"]
    assert p1["learn_from_value"].iloc[0] == first
    # A3 improved significantly too, but to below A1: never a suggestion.
    assert "A3" not in p1["learn_from_area"].tolist()
    # P2: A1 leads but worsened; A2 shares the top quartile but does worse: nobody to ask.
    p2 = frame[frame["indicator"] == "P2"]
    assert p2["why"].tolist() == ["worsened"]
    assert p2["learn_from_area"].tolist() == [""]
    assert p2["learn_from_reason"].tolist() == [NO_ONE]
    # P3: nobody else reports this year: one row saying so.
    p3 = frame[frame["indicator"] == "P3"]
    assert p3["why"].tolist() == ["worsened and bottom quartile"]
    assert p3["learn_from_area"].tolist() == [""]
    assert p3["learn_from_reason"].tolist() == [NO_ONE]
    assert p3["learn_from_value"].isna().all()


@pytest.mark.parametrize("area", sorted(GROUP_OF))
@pytest.mark.parametrize("limit", [1, 2, 5])
def test_every_area_gets_the_suggestions_worked_out_from_the_table(
    results: Results, area: str, limit: int
) -> None:
    frame = learn_from(results, area, "2024-25", limit=limit).frame
    assert actual(frame) == expected(results, area, "2024-25", GROUP_OF, limit)
    assert not frame["learn_from_area"].isin(["Scotland", "family_group:North"]).any()
    assert (frame["learn_from_area"] != area).all()


def test_family_groups_given_replace_those_of_the_results(results: Results) -> None:
    regrouped = {name: ("East" if name in {"A1", "B3"} else "West") for name in GROUP_OF}
    frame = learn_from(results, "A1", "2024-25", areas=areas_table(regrouped)).frame
    assert actual(frame) == expected(results, "A1", "2024-25", regrouped, 3)
    p1 = frame[frame["indicator"] == "P1"]
    assert p1["learn_from_area"].iloc[0] == "B3"
    assert p1["learn_from_family_group"].iloc[0] == "East"


def test_published_results_give_suggestions_too(results: Results) -> None:
    published = results.published()
    frame = learn_from(published, "A1", "2024-25").frame
    assert actual(frame) == expected(published, "A1", "2024-25", GROUP_OF, 3)


def test_the_csv_is_deterministic(results: Results) -> None:
    text = learn_from(results, "A1", "2024-25").to_csv()
    assert text == learn_from(constructed(), "A1", "2024-25").to_csv()
    assert text.splitlines()[0] == ",".join(LEARNING_COLUMNS)


def test_unknown_areas_and_periods_are_reported(results: Results) -> None:
    with pytest.raises(NoResultsError, match="did you mean 'A1'"):
        learn_from(results, "A11", "2024-25")
    with pytest.raises(NoResultsError, match="no area 'Scotland'"):
        learn_from(results, "Scotland", "2024-25")
    with pytest.raises(NoResultsError, match="2023-24, 2024-25"):
        learn_from(results, "A1", "2022-23")
    with pytest.raises(PeriodError):
        learn_from(results, "A1", "2024-26")
    with pytest.raises(ValueError, match="limit"):
        learn_from(results, "A1", "2024-25", limit=0)


@given(
    rows=proportion_panels(max_areas=8),
    groups=st.lists(st.sampled_from(["G1", "G2", ""]), min_size=8, max_size=8),
    pick=st.integers(min_value=0, max_value=7),
    limit=st.integers(min_value=1, max_value=4),
)
@settings(max_examples=40, deadline=None)
def test_suggestions_follow_the_rules_on_any_panel(
    rows: list[tuple[str, str, int, int]], groups: list[str], pick: int, limit: int
) -> None:
    names = sorted({area for area, *_ in rows})
    group_of = dict(zip(names, groups, strict=False))
    results = compute(panel_dataset(rows), one_indicator_catalogue(), areas_table(group_of))
    area = names[pick % len(names)]
    frame = learn_from(results, area, "2024-25", limit=limit).frame
    assert actual(frame) == expected(results, area, "2024-25", group_of, limit)


@given(
    rows=proportion_panels(max_areas=8),
    pick=st.integers(min_value=0, max_value=7),
)
@settings(max_examples=40, deadline=None)
def test_an_area_is_never_suggested_to_one_it_does_not_beat(
    rows: list[tuple[str, str, int, int]], pick: int
) -> None:
    names = sorted({area for area, *_ in rows})
    results = compute(panel_dataset(rows), one_indicator_catalogue())
    area = names[pick % len(names)]
    frame = learn_from(results, area, "2024-25", limit=8).frame
    higher = results.catalogue[results.catalogue.ids[0]].polarity.value == "higher_is_better"
    own = results.row(results.catalogue.ids[0], area, "2024-25")
    for peer in frame["learn_from_area"]:
        if not peer:
            continue
        theirs = results.row(results.catalogue.ids[0], peer, "2024-25")
        assert theirs["value"] > own["value"] if higher else theirs["value"] < own["value"]
        assert pd.isna(own["rank"]) or theirs["rank"] < own["rank"]


def test_outcomes_learn_writes_the_contract_columns_and_markdown(tmp_path: Path) -> None:
    from outcomes._cli import main

    inputs = tmp_path / "inputs"
    outcomes.write_example(inputs)
    arguments = ["learn", "--data", str(inputs / "data.csv"), "--areas",
                 str(inputs / "areas.csv"), "--area", "Fife", "--period", "2024-25",
                 "--quiet"]  # fmt: skip
    assert main([*arguments, "--out", str(tmp_path / "learn.csv")]) == 0
    table = pd.read_csv(tmp_path / "learn.csv")
    assert list(table.columns) == list(LEARN_COLUMNS)
    assert (table["area"] == "Fife").all()
    assert len(table) > 0
    assert main([*arguments, "--format", "md", "--out", str(tmp_path / "learn.md")]) == 0
    markdown = (tmp_path / "learn.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Whom Fife could learn from, 2024-25")
    assert markdown.count("\n|") == len(table) + 2
