"""Networks of shared interest (outcomes.national._networks): constructed assessments whose
networks are worked out by hand, constructed results for each verdict, a property over any
assessments, and the bundled example with its generated sibling assessments."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

import outcomes
from outcomes import Assessment, Results
from outcomes.assessment import ExpectedDirection, Plan, SectionReturn, Statement
from outcomes.core._resources import bundled_path
from outcomes.errors import AssessmentError, AssessmentProblem, NoResultsError
from outcomes.national import (
    NATIONAL_PRIORITY_COLUMNS,
    NETWORK_MEMBER_COLUMNS,
    OFFER_COLUMNS,
    SHARED_PRIORITY_COLUMNS,
    VERDICTS,
    Networks,
    networks,
)
from outcomes.results import RESULT_COLUMNS
from outcomes.vocabulary import ReturnSection
from tests.scripts import EXAMPLES, load_script
from tests.strategies import network_assessments

CATALOGUE = outcomes.load_catalogue()
PERIOD = "2024-25"
EXAMPLE = bundled_path("example")
CF, CC, CJ, WS, NATIONAL = ReturnSection


# --- constructing assessments -----------------------------------------------------------------


def said(
    text: str, recommendations: Sequence[int] = (), indicators: Sequence[str] = ()
) -> Statement:
    return Statement(text=text, recommendations=recommendations, indicators=indicators)


def plan(recommendations: Sequence[int] = (), indicators: Sequence[str] = (), *,
         expected: str = "improve", number: int = 1) -> Plan:  # fmt: skip
    return Plan(id=f"P{number}", action="Act.", owner="Owner", due=dt.date(2026, 3, 31),
                recommendations=recommendations, indicators=indicators,
                expected=ExpectedDirection(expected))  # fmt: skip


def assessment(
    area: str,
    *,
    priorities: Mapping[ReturnSection, Sequence[Statement]] | None = None,
    strengths: Mapping[ReturnSection, Sequence[Statement]] | None = None,
    not_provided: Iterable[ReturnSection] = (),
    achievements: Sequence[Statement] = (),
    plans: Sequence[Plan] = (),
    period: str = PERIOD,
    status: str = "draft",
) -> Assessment:
    """An assessment of ``area`` giving every section of the return."""
    priorities, strengths, left_out = priorities or {}, strengths or {}, set(not_provided)
    sections = [
        SectionReturn(section=section, provided=section not in left_out,
                      reason="Not ours." if section in left_out else "",
                      priorities=priorities.get(section, ()),
                      strengths=strengths.get(section, ()))
        for section in ReturnSection
    ]  # fmt: skip
    return Assessment(area=area, period=period, status=status, sections=sections,
                      achievements=achievements, plans=plans)  # fmt: skip


def keyed(*given: Assessment) -> dict[str, Assessment]:
    return {one.area: one for one in given}


def rows(table: pd.DataFrame, *columns: str) -> list[tuple[object, ...]]:
    return list(table[list(columns)].itertuples(index=False, name=None))


# --- constructing results ---------------------------------------------------------------------


def result_row(
    indicator: str, area: str, value: float | None, **words: object
) -> dict[str, object]:
    """One results row for the return year: a value and the words of ``words``."""
    row: dict[str, object] = dict.fromkeys(RESULT_COLUMNS, np.nan)
    year = outcomes.parse_period(PERIOD).in_type(CATALOGUE[indicator].period_type)
    row.update(indicator=indicator, area=area, period=year.label,
               previous_period=year.previous().label, previous_value=1.0,
               value=np.nan if value is None else value, change_significant=None,
               direction="no_significant_change", vs_scotland="similar",
               vs_family_group="not_compared", trend="no_significant_trend",
               suppressed=False, note="")  # fmt: skip
    row.update(words)
    return row


def results_of(records: Iterable[dict[str, object]]) -> Results:
    frame = pd.DataFrame.from_records(list(records), columns=list(RESULT_COLUMNS))
    return Results(frame=frame, catalogue=CATALOGUE)


# --- shared priorities ------------------------------------------------------------------------


def three_areas() -> dict[str, Assessment]:
    """A, B and C: recommendation 3 named by all three; recommendation 1, children and
    families, CHN9 and SW6 by two each; the rest by one, or only by a plan to maintain."""
    return keyed(
        assessment("A", priorities={CF: [said("a", [1, 3], ["SW6"])]},
                   plans=[plan([4], ["CJ07"]), plan([5], ["CF04"], expected="maintain",
                                                    number=2)]),
        assessment("B", priorities={CC: [said("b", [3], ["SW6", "CHN9"])]}),
        assessment("C", priorities={CF: [said("c", [1], ["CHN9"])]}, plans=[plan([3])]),
    )  # fmt: skip


def test_a_shared_priority_is_a_key_named_by_two_or_more_areas() -> None:
    found = networks(three_areas(), CATALOGUE)
    assert tuple(found.shared_priorities.columns) == SHARED_PRIORITY_COLUMNS
    assert rows(found.shared_priorities, "kind", "key", "areas", "members") == [
        ("recommendation", "3", 3, "A; B; C"),
        ("recommendation", "1", 2, "A; C"),
        ("section", "children_families", 2, "A; C"),
        ("indicator", "CHN9", 2, "B; C"),
        ("indicator", "SW6", 2, "A; B"),
    ]
    labels = dict(zip(found.shared_priorities["key"], found.shared_priorities["label"],
                      strict=True))  # fmt: skip
    assert labels["3"] == "Prevention and earlier intervention"
    assert labels["children_families"] == "Children and families"
    assert labels["CHN9"] == CATALOGUE["CHN9"].title


def test_shared_priorities_are_sorted_by_size_kind_and_natural_key() -> None:
    # Every key below is named by X and Y; recommendation 10 by Z too.
    everything = said("x", [10, 2], ["ZZ1", "CF04", "AA1", "CHN23"])
    found = networks(keyed(
        assessment("X", priorities={WS: [everything], CJ: [said("x")]}),
        assessment("Y", priorities={WS: [everything], CJ: [said("y")]}),
        assessment("Z", priorities={CC: [said("z", [10])]}),
    ), CATALOGUE)  # fmt: skip
    # Recommendations by number (2 before 10 once sizes tie), sections in the return's
    # order, catalogue indicators in catalogue order (CHN23 before CF04), unknown ids last by id.
    assert rows(found.shared_priorities, "kind", "key", "areas", "label") == [
        ("recommendation", "10", 3, "Enabling leadership"),
        ("recommendation", "2", 2, "Build individual, family and community capacity"),
        ("section", "criminal_justice", 2, "Criminal justice"),
        ("section", "whole_service", 2, "The whole service"),
        ("indicator", "CHN23", 2, CATALOGUE["CHN23"].title),
        ("indicator", "CF04", 2, CATALOGUE["CF04"].title),
        ("indicator", "AA1", 2, ""),
        ("indicator", "ZZ1", 2, ""),
    ]


def test_sections_left_out_section_five_and_plans_to_maintain_are_not_priorities() -> None:
    found = networks(keyed(
        assessment("A", priorities={CJ: [said("a", [7])], NATIONAL: [said("n", [8])]},
                   not_provided=[CJ], plans=[plan([9], expected="maintain")]),
        assessment("B", priorities={CJ: [said("b", [7])], NATIONAL: [said("n", [8])]},
                   not_provided=[CJ], plans=[plan([9], expected="maintain")]),
    ), CATALOGUE)  # fmt: skip
    assert found.shared_priorities.empty
    assert tuple(found.shared_priorities.columns) == SHARED_PRIORITY_COLUMNS
    assert rows(found.national_priorities, "kind", "key", "areas") == [("recommendation", "8", 2)]


def test_names_come_from_the_areas_file_in_the_order_of_the_identifiers() -> None:
    areas = outcomes.Areas.from_frame(pd.DataFrame({
        "area": ["Edinburgh City", "Angus"], "name": ["City of Edinburgh", "Angus"],
        "family_group": ["People 1", "People 2"],
    }))  # fmt: skip
    found = networks(keyed(
        assessment("Edinburgh City", priorities={CF: [said("e", [1])]}),
        assessment("Angus", priorities={CF: [said("a", [1])]}),
    ), CATALOGUE, areas=areas)  # fmt: skip
    first = found.shared_priorities.iloc[0]
    assert (first["members"], first["names"]) == ("Angus; Edinburgh City",
                                                  "Angus; City of Edinburgh")  # fmt: skip
    assert rows(found.members, "area", "name", "family_group") == [
        ("Angus", "Angus", "People 2"),
        ("Edinburgh City", "City of Edinburgh", "People 1"),
    ]


# --- offers -----------------------------------------------------------------------------------


def offering_areas() -> dict[str, Assessment]:
    """B and C seek SW6 and recommendation 4; A claims a strength and an achievement on
    them; C claims a strength on SW6 too, but seeks it itself; D claims CJ07, sought by no
    one."""
    return keyed(
        assessment("A", strengths={CC: [said("A is good at SW6", [4], ["SW6"])]},
                   achievements=[said("A did SW6", [], ["SW6"])]),
        assessment("B", priorities={CC: [said("b", [4], ["SW6"])]}),
        assessment("C", priorities={CC: [said("c", [], ["SW6"])]},
                   strengths={CC: [said("C is good at SW6", [], ["SW6"])]}),
        assessment("D", strengths={CJ: [said("D is good at CJ07", [], ["CJ07"])]}),
    )  # fmt: skip


def test_an_offer_is_a_strength_where_others_and_not_the_area_itself_seek_to_improve() -> None:
    found = networks(offering_areas(), CATALOGUE)
    offers = found.offers
    assert tuple(offers.columns) == OFFER_COLUMNS
    # SW6 is sought by two areas, recommendation 4 by one: the most sought first.
    assert rows(offers, "kind", "key", "area", "seeking", "source", "claim") == [
        ("indicator", "SW6", "A", "B; C", "sections.community_care.strengths[0]",
         "A is good at SW6"),
        ("indicator", "SW6", "A", "B; C", "achievements[0]", "A did SW6"),
        ("recommendation", "4", "A", "B", "sections.community_care.strengths[0]",
         "A is good at SW6"),
    ]  # fmt: skip
    # Without results nothing is tested, and no figure is made up.
    assert set(offers["verdict"]) == {"not_tested"}
    assert set(offers["evidence"]) == {"no results were given"}
    assert offers["value"].isna().all()
    assert set(offers["period"]) == {""}
    assert rows(found.shared_priorities, "key", "offering") == [("community_care", 0), ("SW6", 1)]
    assert rows(found.members, "area", "priorities", "strengths", "achievements", "offers") == [
        ("A", 0, 1, 1, 2),
        ("B", 1, 0, 0, 0),
        ("C", 1, 1, 0, 0),
        ("D", 0, 1, 0, 0),
    ]


#: Case -> (the strong area's SW6 value, the words of its row, the verdict). SW6 (readmissions)
#: is lower-is-better: 40 against Scotland's 50.
VERDICT_CASES: dict[str, tuple[float | None, dict[str, object], str]] = {
    "better than Scotland": (40.0, {"vs_scotland": "better"}, "supported"),
    "improved significantly": (
        40.0, {"direction": "improved", "change_significant": True}, "supported"),
    "improving trend": (40.0, {"trend": "improving"}, "supported"),
    "worsened significantly, though better": (
        40.0, {"direction": "worsened", "change_significant": True, "vs_scotland": "better"},
        "contradicted"),
    "worse and a worsening trend": (
        40.0, {"vs_scotland": "worse", "trend": "worsening"}, "contradicted"),
    "worse and an untested worsening": (
        40.0, {"vs_scotland": "worse", "direction": "worsened"}, "contradicted"),
    "worse, but improving": (40.0, {"vs_scotland": "worse", "trend": "improving"}, "supported"),
    "worse, and nothing more": (40.0, {"vs_scotland": "worse"}, "contradicted"),
    "similar, no change": (40.0, {}, "not_tested"),
    "an untested improvement": (40.0, {"direction": "improved"}, "not_tested"),
    "no value": (None, {}, "no_data"),
    "suppressed": (None, {"suppressed": True, "direction": "suppressed"}, "no_data"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(VERDICT_CASES))
def test_the_figures_judge_a_claimed_strength(case: str) -> None:
    value, words, verdict = VERDICT_CASES[case]
    results = results_of([result_row("SW6", "A", value, **words),
                          result_row("SW6", "Scotland", 50.0)])  # fmt: skip
    found = networks(offering_areas(), CATALOGUE, results=results, period=PERIOD)
    indicator = found.offers[found.offers["kind"] == "indicator"].iloc[0]
    assert verdict in VERDICTS
    assert indicator["verdict"] == verdict
    assert indicator["period"] == PERIOD
    assert indicator["scotland_value"] == 50.0
    if value is None:
        assert math.isnan(indicator["value"])
        assert indicator["direction"] == ""
        expected = "suppressed" if "suppressed" in words else "no value for 2024-25"
        assert expected in str(indicator["evidence"])
    else:
        assert indicator["value"] == value
        assert indicator["direction"] == words.get("direction", "no_significant_change")
        assert indicator["evidence"]
    # The recommendation is judged by the indicators its claim names: here SW6 alone.
    recommendation = found.offers[found.offers["kind"] == "recommendation"].iloc[0]
    assert recommendation["verdict"] == verdict
    assert recommendation["evidence"].startswith("SW6 (")
    assert math.isnan(recommendation["value"])
    assert recommendation["period"] == ""


def test_the_evidence_gives_the_figures_as_a_report_shows_them() -> None:
    results = results_of([
        result_row("SW6", "A", 40.0, vs_scotland="better", trend="improving"),
        result_row("SW6", "Scotland", 50.0),
    ])  # fmt: skip
    offer = networks(offering_areas(), CATALOGUE, results=results).offers.iloc[0]
    assert offer["evidence"] == (
        "significantly better than Scotland (40.0 per 1,000 vs 50.0 per 1,000), "
        "no significant change since 2023-24 (1.0 per 1,000 to 40.0 per 1,000), "
        "improving trend"
    )


def test_a_recommendation_is_contradicted_by_any_of_its_indicators() -> None:
    given = keyed(
        assessment("A", strengths={CC: [said("good", [4], ["SW6", "CJ07", "CHN9"])]}),
        assessment("B", priorities={CC: [said("b", [4])]}),
    )  # fmt: skip
    results = results_of([
        result_row("SW6", "A", 40.0, vs_scotland="better"),
        result_row("CJ07", "A", 40.0, direction="worsened", change_significant=True),
    ])  # fmt: skip
    found = networks(given, CATALOGUE, results=results)
    (offer,) = found.offers.itertuples()
    assert offer.verdict == "contradicted"
    assert offer.indicators == "SW6; CJ07; CHN9"
    assert "CHN9 (no data): no value for 2024-25" in str(offer.evidence)
    # Without any indicator there is nothing to test.
    bare = keyed(assessment("A", strengths={CC: [said("good", [4])]}),
                 assessment("B", priorities={CC: [said("b", [4])]}))  # fmt: skip
    (offer,) = networks(bare, CATALOGUE, results=results).offers.itertuples()
    assert (offer.verdict, offer.evidence) == ("not_tested", "the claim names no indicator")


def test_results_for_another_year_are_refused() -> None:
    results = results_of([result_row("SW6", "A", 40.0)])
    with pytest.raises(NoResultsError, match="2020-21"):
        networks({}, CATALOGUE, results=results, period="2020-21")


# --- national priorities, periods, files ------------------------------------------------------


def test_national_priorities_are_counted_by_recommendation_and_indicator() -> None:
    found = networks(keyed(
        assessment("B", priorities={NATIONAL: [said("Recruit social workers.", [8])]}),
        assessment("A", priorities={NATIONAL: [said("Workforce plan.", [8, 9], ["WS01"]),
                                               said("New legislation.")]}),
        assessment("C", priorities={NATIONAL: [said("Recruit social workers.", [8])]}),
    ), CATALOGUE)  # fmt: skip
    table = found.national_priorities
    assert tuple(table.columns) == NATIONAL_PRIORITY_COLUMNS
    assert rows(table, "kind", "key", "areas", "members", "texts") == [
        ("recommendation", "8", 3, "A; B; C", "Workforce plan.\nRecruit social workers."),
        ("recommendation", "9", 1, "A", "Workforce plan."),
        ("indicator", "WS01", 1, "A", "Workforce plan."),
        ("unlinked", "", 1, "A", "New legislation."),
    ]
    assert table["label"].tolist()[-1] == "not linked to a recommendation or indicator"
    assert rows(found.members, "area", "national_priorities") == [("A", 2), ("B", 1), ("C", 1)]


def test_assessments_of_another_year_or_twice_one_area_are_refused() -> None:
    given = {"A": assessment("A"), "B": assessment("B", period="2023-24")}
    with pytest.raises(AssessmentError) as caught:
        networks(given, CATALOGUE, period=PERIOD)
    assert [(p.problem, p.key) for p in caught.value.problems] == [
        (AssessmentProblem.BAD_VALUE, "period")
    ]
    with pytest.raises(AssessmentError):
        networks(given, CATALOGUE)  # the later year is taken; B's is another
    twice = {"A": assessment("A"), "also A": assessment("A")}
    with pytest.raises(AssessmentError) as caught:
        networks(twice, CATALOGUE)
    assert caught.value.problems[0].problem is AssessmentProblem.DUPLICATE


def test_no_assessments_give_empty_tables_with_their_columns() -> None:
    found = networks({}, CATALOGUE)
    assert found.period is None
    columns = (SHARED_PRIORITY_COLUMNS, OFFER_COLUMNS, NATIONAL_PRIORITY_COLUMNS,
               NETWORK_MEMBER_COLUMNS)  # fmt: skip
    for table, expected in zip(found.tables().values(), columns, strict=True):
        assert table.empty
        assert tuple(table.columns) == expected


def test_tables_are_written_as_csv_with_the_same_bytes(tmp_path: Path) -> None:
    found = networks(offering_areas(), CATALOGUE, results=results_of(
        [result_row("SW6", "A", 40.0, vs_scotland="better"),
         result_row("SW6", "Scotland", 50.0)]))  # fmt: skip
    first = found.to_csv(tmp_path / "one")
    second = networks(offering_areas(), CATALOGUE, results=results_of(
        [result_row("SW6", "A", 40.0, vs_scotland="better"),
         result_row("SW6", "Scotland", 50.0)])).to_csv(tmp_path / "two")  # fmt: skip
    assert [path.name for path in first] == [
        "networks_shared_priorities.csv", "networks_offers.csv",
        "networks_national_priorities.csv", "networks_members.csv"]  # fmt: skip
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()
    offers = pd.read_csv(first[1], dtype=str, keep_default_na=False)
    assert list(offers.columns) == list(OFFER_COLUMNS)
    recommendation = offers[offers["kind"] == "recommendation"].iloc[0]
    assert recommendation["value"] == ""  # NaN is an empty cell
    assert "nan" not in first[1].read_text()


# --- properties -------------------------------------------------------------------------------


def text_cells(found: Networks) -> list[object]:
    """Every cell of every text column (not counts, not figures)."""
    cells: list[object] = []
    for table in found.tables().values():
        for column in table.columns:
            if table[column].dtype == object:
                cells += table[column].tolist()
    return cells


def assert_no_missing_text(found: Networks) -> None:
    for cell in text_cells(found):
        assert isinstance(cell, str), cell
        assert cell not in {"nan", "None", "NaN", "<NA>"}


def naming(given: Mapping[str, Assessment]) -> dict[tuple[str, str], set[str]]:
    """Which areas name each key a priority, worked out from the rules in words."""
    found: dict[tuple[str, str], set[str]] = {}

    def add(area: str, recommendations: Iterable[int], indicators: Iterable[str]) -> None:
        for number in recommendations:
            found.setdefault(("recommendation", str(number)), set()).add(area)
        for indicator in indicators:
            found.setdefault(("indicator", indicator), set()).add(area)

    for one in given.values():
        for section in one.sections:
            if section.provided and section.section is not NATIONAL:
                for statement in section.priorities:
                    found.setdefault(("section", section.section.value), set()).add(one.area)
                    add(one.area, statement.recommendations, statement.indicators)
        for each in one.plans:
            if each.expected is ExpectedDirection.IMPROVE:
                add(one.area, each.recommendations, each.indicators)
    return found


@settings(max_examples=60, deadline=None)
@given(given=network_assessments())
def test_every_shared_priority_is_exactly_the_areas_naming_it(
    given: dict[str, Assessment],
) -> None:
    found = networks(given, CATALOGUE)
    expected = {key: areas for key, areas in naming(given).items() if len(areas) >= 2}
    shared = found.shared_priorities
    assert (shared["areas"] >= 2).all()
    assert {(kind, key): set(str(members).split("; ")) for kind, key, members in
            rows(shared, "kind", "key", "members")} == expected  # fmt: skip
    sizes = shared["members"].map(lambda members: len(str(members).split("; ")))
    assert (shared["areas"] == sizes).all()
    # Sorted by the stated rule: most areas first, and never two rows for one key.
    assert shared["areas"].is_monotonic_decreasing
    assert not shared.duplicated(["kind", "key"]).any()
    # No area offers what it seeks itself; every offer is sought by someone.
    for kind, key, area, seeking in rows(found.offers, "kind", "key", "area", "seeking"):
        assert area not in str(seeking).split("; ")
        assert set(str(seeking).split("; ")) == naming(given)[str(kind), str(key)]
    assert sorted(found.members["area"]) == sorted(given)
    assert_no_missing_text(found)


# --- the example ------------------------------------------------------------------------------


@functools.cache
def example_assessments() -> dict[str, Assessment]:
    areas = outcomes.read_areas(EXAMPLE / "areas.csv")
    return {
        path.name: outcomes.read_assessment(path, catalogue=CATALOGUE, areas=areas.names)
        for path in sorted((EXAMPLE / "assessments").glob("*.toml"))
    }


@functools.cache
def example_networks() -> Networks:
    areas = outcomes.read_areas(EXAMPLE / "areas.csv")
    data = outcomes.read_dataset(EXAMPLE / "data.csv")
    results = outcomes.compute(data, CATALOGUE, areas,
                               deflators=outcomes.read_deflators(EXAMPLE / "deflators.csv"),
                               base_period=PERIOD)  # fmt: skip
    given = {one.area: one for one in example_assessments().values()}
    return networks(given, CATALOGUE, results=results.published(), areas=areas)


def test_every_example_assessment_reads_without_a_problem() -> None:
    read = example_assessments()
    assert {"fife.toml", "dundee-city.toml"} <= set(read)
    assert len(read) >= 12
    assert {one.period for one in read.values()} == {PERIOD}


def test_the_example_has_networks_of_three_or_more_councils() -> None:
    found = example_networks()
    shared = found.shared_priorities
    indicators = shared[(shared["kind"] == "indicator") & (shared["areas"] >= 3)]
    assert len(indicators) >= 1
    assert (found.national_priorities["areas"] >= 3).any()
    assert len(found.members) == len(example_assessments())
    assert (found.offers["verdict"] == "supported").any()
    assert_no_missing_text(found)


def test_the_generated_strengths_are_never_contradicted_by_their_own_figures() -> None:
    offers = example_networks().offers
    generated = offers[~offers["area"].isin(["Fife", "Dundee City"])]
    assert not generated.empty
    assert set(generated["verdict"]) <= {"supported"}


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_script(EXAMPLES / "make_example_assessments.py")


def test_committed_example_assessments_are_what_the_script_writes(
    script: ModuleType, tmp_path: Path
) -> None:
    messages: list[str] = []
    assert script.main(["--out", str(tmp_path)], echo=messages.append) == 0
    written = sorted(path.name for path in tmp_path.iterdir())
    assert "fife.toml" not in written
    assert "dundee-city.toml" not in written
    assert len(written) == len(script.COUNCILS)
    for name in written:
        committed = EXAMPLES / "inputs" / "assessments" / name
        assert (tmp_path / name).read_bytes() == committed.read_bytes(), (
            f"examples/inputs/assessments/{name} is stale: rerun PYTHONPATH=src python "
            "examples/make_example_assessments.py and commit the result"
        )
        assert script.FICTIONAL in committed.read_text(encoding="utf-8")
