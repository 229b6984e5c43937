"""The annual report: its typed context, its rendering, and the ``report`` verb."""

from __future__ import annotations

import os
import re
from pathlib import Path

import attrs
import pandas as pd
import pytest

import outcomes
import outcomes.errors
import outcomes.vocabulary
from outcomes._cli import main
from outcomes.core._markdown import md
from tests.report_examples import (
    ALL_PAYLOADS,
    AREA,
    EXAMPLE,
    PERIOD,
    example,
    example_report,
    golden_path,
    poisoned_assessment,
)

REGENERATE = os.environ.get("OUTCOMES_REGENERATE_GOLDEN") == "1"


# --- the context ------------------------------------------------------------------------


def test_headline_has_one_row_per_indicator_in_catalogue_order() -> None:
    report = example_report()
    assert [row.indicator for row in report.headline] == list(example().catalogue.ids)


def test_headline_figures_come_from_the_published_results() -> None:
    given = example()
    published = given.results.published().frame.set_index(["indicator", "area", "period"])
    for row in example_report().headline:
        indicator = given.catalogue[row.indicator]
        label = PERIOD[:4] if indicator.period_type == "calendar_year" else PERIOD
        expected = published.xs((row.indicator, AREA, label))
        assert row.direction.code == expected["direction"]
        assert row.rank == (
            "" if expected["rank"] is pd.NA else f"{expected['rank']} of {expected['rank_of']}"
        )


def test_every_direction_has_a_symbol_and_a_word() -> None:
    for row in example_report().headline:
        assert row.direction.symbol.strip()
        assert row.direction.word.strip()
        assert row.direction.word != row.direction.symbol


def test_calendar_year_indicators_report_the_year_the_period_starts() -> None:
    report = example_report()
    workforce = {d.id: d for d in report.workforce.indicators}
    calendar = [i for i in example().catalogue if i.period_type == "calendar_year"]
    assert calendar
    for indicator in calendar:
        detail = next(
            d
            for part in (report.workforce, report.governance, report.resources)
            for d in part.indicators
            if d.id == indicator.id
        )
        assert detail.years[-1].period.label == PERIOD[:4]
    assert workforce


def test_each_indicator_appears_in_exactly_one_section() -> None:
    report = example_report()
    parts = [report.governance, *report.service_delivery, report.public_protection,
             report.resources, report.workforce]  # fmt: skip
    shown = [d.id for part in parts for d in part.indicators]
    assert sorted(shown) == sorted(example().catalogue.ids)


def test_every_section_is_present_and_says_what_is_missing_without_an_assessment() -> None:
    report = example_report(assessment=None, burden=None)
    assert report.status is outcomes.vocabulary.ReportStatus.DRAFT
    for part in (report.governance, *report.service_delivery, report.public_protection,
                 report.resources, report.workforce, report.achievements):  # fmt: skip
        assert any("No assessment file" in line for line in part.missing), part.key
    assert report.self_assessment_missing
    assert report.plans_missing
    assert report.peer_assessment.missing
    assert report.burden.missing
    assert len(report.self_assessment) == 13


def test_status_comes_from_the_assessment() -> None:
    published = example_report()
    assert published.status is outcomes.vocabulary.ReportStatus.PUBLISHED
    draft = attrs.evolve(example().assessment, status="draft")
    assert example_report(assessment=draft).status_label == "Draft"


def test_last_years_plans_say_whether_their_indicators_moved_as_expected() -> None:
    report = example_report()
    assert report.previous_plans
    for plan in report.previous_plans:
        verdicts = {moved for _, _, moved in plan.moves}
        for _, direction, moved in plan.moves:
            if plan.expected == "improve":
                assert (moved == "yes") == (direction.code == "improved")
        if verdicts == {"yes"}:
            assert plan.verdict == "yes"


def test_a_report_for_an_unknown_area_names_the_nearest_area() -> None:
    with pytest.raises(outcomes.errors.ValidationError) as caught:
        outcomes.AnnualReport.build(example().results, "Fyfe", PERIOD)
    assert "Fife" in str(caught.value)


def test_suppressed_values_show_the_symbol_and_are_footnoted() -> None:
    given = example()
    frame = given.results.frame.copy()
    fife = (frame["area"] == AREA) & (frame["indicator"] == "CF09") & (frame["period"] == PERIOD)
    frame.loc[fife, "numerator"] = 2.0
    results = attrs.evolve(given.results, frame=frame)
    report = outcomes.AnnualReport.build(results, AREA, PERIOD, areas=given.areas)
    row = next(r for r in report.headline if r.indicator == "CF09")
    assert row.suppressed
    assert row.this_year == "[c]"
    assert any(symbol == "[c]" for symbol, _ in report.symbols)
    assert any(q.indicator == "CF09" for q in report.methods.suppressed)


# --- rendering --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["html", "md"])
def test_rendering_twice_gives_identical_bytes(kind: str) -> None:
    first = outcomes.render_report(example_report(), kind)
    second = outcomes.render_report(example_report(), kind)
    assert first == second


def test_html_is_self_contained() -> None:
    html = outcomes.render_report(example_report(), "html")
    assert isinstance(html, str)
    assert "<script" not in html
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assert "<link" not in html


@pytest.mark.parametrize("kind", ["html", "md"])
def test_the_status_is_on_the_cover_and_in_the_footer(kind: str) -> None:
    text = str(outcomes.render_report(example_report(), kind))
    assert text.count("Published") >= 2


def test_html_escapes_every_free_text_field() -> None:
    report = example_report(assessment=poisoned_assessment())
    html = str(outcomes.render_report(report, "html"))
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html
    assert "loop" not in html.replace("{% for x in range(3) %}loop{% endfor %}", "")


def test_markdown_escapes_every_free_text_field() -> None:
    report = example_report(assessment=poisoned_assessment())
    text = str(outcomes.render_report(report, "md"))
    assert "<script>" not in text
    assert "<img" not in text
    # A link needs an unescaped "](": every "]" of free text is escaped.
    assert not re.search(r"(?<!\\)\]\(javascript:", text)
    assert md(ALL_PAYLOADS) in text


def test_user_templates_override_the_bundled_ones(tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("Local report for {{ report.area }}\n")
    text = outcomes.render_report(example_report(), "md", templates=tmp_path)
    assert text == f"Local report for {AREA}\n"
    # Templates not overridden still come from the package.
    assert "<!DOCTYPE html>" in str(outcomes.render_report(example_report(), "html",
                                                           templates=tmp_path))  # fmt: skip


def test_a_broken_template_is_an_outcomes_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("{{ report.no_such_field }}\n")
    with pytest.raises(outcomes.OutcomesError, match=r"report\.md\.j2"):
        outcomes.render_report(example_report(), "md", templates=tmp_path)


@pytest.mark.parametrize("kind", ["md", "html"])
def test_golden_file(kind: str) -> None:
    """The example council's report, compared with a reviewed copy.

    Regenerate deliberately with OUTCOMES_REGENERATE_GOLDEN=1 and review the diff.
    """
    rendered = str(outcomes.render_report(example_report(), kind))
    golden = golden_path(f"fife-2024-25.{kind}")
    if REGENERATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert golden.exists(), "run with OUTCOMES_REGENERATE_GOLDEN=1 to create the golden file"
    assert rendered == golden.read_text(encoding="utf-8")


# --- the report verb --------------------------------------------------------------------


def _inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    outcomes.write_example(folder)
    return folder


def test_report_verb_writes_html_and_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _inputs(tmp_path)
    code = main(["report", "--data", str(inputs / "data.csv"), "--areas",
                 str(inputs / "areas.csv"), "--area", AREA, "--period", PERIOD,
                 "--assessment", str(inputs / "assessments" / "fife.toml"),
                 "--out", str(tmp_path / "reports")])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "fife-2024-25.html",
        "fife-2024-25.md",
    ]


def test_report_all_fails_only_the_area_with_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _inputs(tmp_path)
    broken = inputs / "assessments" / "dundee-city.toml"
    broken.write_text(broken.read_text().replace("grade = 3", "grade = 9"))
    code = main(["report", "--data", str(inputs / "data.csv"), "--areas",
                 str(inputs / "areas.csv"), "--all", "--assessments",
                 str(inputs / "assessments"), "--period", PERIOD, "--format", "md",
                 "--out", str(tmp_path / "reports")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "Dundee City" in err
    assert "grade" in err
    written = {p.name for p in (tmp_path / "reports").iterdir()}
    assert "dundee-city-2024-25.md" not in written
    assert len(written) == len(example().areas.names) - 1
    assert "Status: Published" in (tmp_path / "reports" / "fife-2024-25.md").read_text()
    assert EXAMPLE.exists()


# --- what a newcomer tripped over ---------------------------------------------------------


def test_an_assessment_of_another_year_is_refused() -> None:
    last_year = attrs.evolve(example().assessment, period="2023-24")
    with pytest.raises(outcomes.errors.AssessmentError) as caught:
        example_report(assessment=last_year)
    assert caught.value.problems[0].key == "period"


def test_a_period_with_no_data_is_refused_naming_the_latest() -> None:
    with pytest.raises(outcomes.errors.NoResultsError, match="latest year is 2024-25"):
        outcomes.AnnualReport.build(example().results, AREA, "2030-31")


def test_untested_indicators_say_so_instead_of_not_enough_data() -> None:
    given = example()
    report = example_report()
    for row in report.headline:
        indicator = given.catalogue[row.indicator]
        if indicator.measure in ("cost", "count"):
            assert row.trend in {"not tested (not a sample)", "suppressed"}


def test_self_assessment_links_name_the_return_section_not_a_recommendation() -> None:
    report = example_report()
    linked = [s for r in report.self_assessment for s in (*r.strengths, *r.priorities)]
    assert linked
    assert all(s.section and not s.recommendations for s in linked)
    markdown = str(outcomes.render_report(report, "md"))
    assert "recommendations Children and families" not in markdown


def test_the_national_recommendation_is_not_reported_as_unassessed() -> None:
    report = example_report(assessment=None)
    national = [r for r in report.self_assessment if r.national]
    assert [r.number for r in national] == [13]
    markdown = str(outcomes.render_report(report, "md"))
    assert markdown.count("Nothing was assessed against this recommendation") == 12
