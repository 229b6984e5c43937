"""The annual report: its typed context, its rendering, and the ``report`` verb."""

from __future__ import annotations

import os
import re
from pathlib import Path

import attrs
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import outcomes
import outcomes._cli
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
    latest = given.results.published().latest_periods(PERIOD)
    for row in example_report().headline:
        label = str(latest[row.indicator])
        expected = published.xs((row.indicator, AREA, label))
        if label != PERIOD and label != PERIOD[:4]:  # two-yearly or lagged: says which
            assert f"latest published: {label}" in row.this_year
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
    calendar = [i for i in example().catalogue if i.period_type == "calendar_year"]
    assert calendar
    for indicator in calendar:
        detail = next(d for d in report.indicators if d.id == indicator.id)
        assert detail.years[-1].period.label == PERIOD[:4]


def test_each_indicator_appears_in_exactly_one_section() -> None:
    report = example_report()
    parts = [report.governance, *report.service_delivery, report.public_protection,
             report.resources, report.workforce]  # fmt: skip
    shown = [d.id for part in parts for d in part.indicators]
    compact = [h.indicator for part in parts for h in part.compact]
    assert sorted(shown + compact) == sorted(example().catalogue.ids)
    assert shown
    assert compact
    assert [d.id for d in report.indicators] == list(example().catalogue.ids)


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


@pytest.mark.parametrize("kind", ["md", "html", "data.html"])
def test_golden_file(kind: str) -> None:
    """The example council's report and its data annex, compared with reviewed copies.

    Regenerate deliberately with OUTCOMES_REGENERATE_GOLDEN=1 and review the diff.
    """
    from outcomes.report._render import render_annex

    report = example_report()
    rendered = str(render_annex(report, "html") if kind == "data.html"
                   else outcomes.render_report(report, kind))  # fmt: skip
    golden = golden_path(f"fife-2024-25{'-' if kind == 'data.html' else '.'}{kind}")
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
        "fife-2024-25-data.csv",
        "fife-2024-25-data.html",
        "fife-2024-25-data.xlsx",
        "fife-2024-25.html",
        "fife-2024-25.md",
    ]
    report = (tmp_path / "reports" / "fife-2024-25.html").read_text(encoding="utf-8")
    assert 'href="fife-2024-25-data.html"' in report


def test_report_all_fails_only_the_area_with_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _inputs(tmp_path)
    broken = inputs / "assessments" / "dundee-city.toml"
    broken.write_text(broken.read_text().replace("grade = 3", "grade = 9"))
    code = main(["report", "--data", str(inputs / "data.csv"), "--areas",
                 str(inputs / "areas.csv"), "--all", "--assessments",
                 str(inputs / "assessments"), "--period", PERIOD, "--format", "md",
                 "--out", str(tmp_path / "reports"), "--jobs", "1"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "Dundee City" in err
    assert "grade" in err
    written = {p.name for p in (tmp_path / "reports").iterdir()}
    assert "dundee-city-2024-25.md" not in written
    assert "dundee-city-2024-25-data.html" not in written
    reports = {name for name in written if name.endswith(".md")}
    assert len(reports) == len(example().areas.names) - 1
    assert len(written) == 4 * len(reports)  # each with its annex: html, csv, xlsx
    assert "Status: Published" in (tmp_path / "reports" / "fife-2024-25.md").read_text()
    assert EXAMPLE.exists()


def test_report_all_in_two_processes_writes_the_same_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--jobs 2`` renders the second half of the areas in a process started afresh (run
    here as the real command, ``python -m outcomes``): the same files, byte for byte, and
    the same failures, an area that fails in either process named."""
    import subprocess
    import sys

    inputs = _inputs(tmp_path)
    for name in ("dundee-city.toml", "west-lothian.toml"):  # one in each half
        broken = inputs / "assessments" / name
        text = re.sub(r'status = "[a-z]+"', 'status = "maybe"', broken.read_text(), count=1)
        broken.write_text(text)
    arguments = ["report", "--data", str(inputs / "data.csv"), "--areas",
                 str(inputs / "areas.csv"), "--all", "--assessments",
                 str(inputs / "assessments"), "--period", PERIOD, "--format", "md"]  # fmt: skip
    one = tmp_path / "one"
    assert main([*arguments, "--out", str(one), "--jobs", "1"]) == 1
    alone = capsys.readouterr().err
    two = tmp_path / "two"
    run = subprocess.run([sys.executable, "-m", "outcomes", *arguments, "--out", str(two),
                          "--jobs", "2"], capture_output=True, text=True, check=False)  # fmt: skip
    assert run.returncode == 1, run.stderr
    for area in ("Dundee City", "West Lothian"):
        assert f"{area}: " in run.stderr
        assert f"{area}: " in alone
    said = run.stderr.splitlines()[-1].replace(str(two), str(one))
    assert said == alone.splitlines()[-1]  # "wrote N file(s) for M area(s) ...; 2 failed"
    files = sorted(path.name for path in one.iterdir())
    assert files == sorted(path.name for path in two.iterdir())
    assert len(files) == 4 * (len(example().areas.names) - 2)
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_report_jobs_must_be_one_or_more(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["report", "--data", "d.csv", "--areas", "a.csv", "--all", "--period", PERIOD,
              "--out", "o", "--jobs", "0"])  # fmt: skip
    assert caught.value.code == 2
    assert "--jobs: must be a whole number 1 or more, or auto, not '0'" in capsys.readouterr().err


@pytest.mark.parametrize(("cores", "areas", "jobs"), [(2, 32, 2), (8, 32, 4), (2, 12, 1),
                                                       (1, 32, 1), (4, 3, 1)])  # fmt: skip
def test_report_jobs_auto_is_one_process_per_core_with_enough_areas_each(
    monkeypatch: pytest.MonkeyPatch, cores: int, areas: int, jobs: int
) -> None:
    import os

    from outcomes._cli import AREAS_PER_JOB, _auto_jobs

    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(cores)), raising=False)
    monkeypatch.setattr(outcomes._cli, "CPU_LIMIT", Path("/nonexistent/cpu.max"))
    assert _auto_jobs(areas) == jobs
    assert _auto_jobs(areas) * AREAS_PER_JOB <= max(areas, AREAS_PER_JOB)


@pytest.mark.parametrize(("limit", "jobs"), [("max 100000", 4), ("100000 100000", 1),
                                             ("250000 100000", 2), ("nonsense", 4)])  # fmt: skip
def test_report_jobs_auto_keeps_to_a_containers_cpu_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, limit: str, jobs: int
) -> None:
    import os

    from outcomes._cli import _auto_jobs

    (tmp_path / "cpu.max").write_text(limit + "\n")
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(4)), raising=False)
    monkeypatch.setattr(outcomes._cli, "CPU_LIMIT", tmp_path / "cpu.max")
    assert _auto_jobs(32) == jobs


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


# --- issue 16: concise report, at a glance, the data annex ---------------------------------


def _published_row(indicator_id: str) -> outcomes.results.ResultRow | None:
    """The area's published row of the indicator's latest published period (the report's
    year, or a two-yearly survey's last year, or a lagged figure's)."""
    published = example().results.published()
    latest = published.latest_periods(PERIOD)[indicator_id]
    return None if latest is None else published.lookup().row(indicator_id, AREA, latest)


def test_at_a_glance_says_only_what_the_statistics_support() -> None:
    from outcomes.vocabulary import Comparison, Direction, Trend

    glance = example_report().glance
    ids = list(example().catalogue.ids)
    lists = ((glance.improved, Direction.IMPROVED, Trend.IMPROVING),
             (glance.worsened, Direction.WORSENED, Trend.WORSENING))  # fmt: skip
    for found, direction, trend in lists:
        assert found
        for finding in found:
            row = _published_row(finding.indicator)
            assert row is not None
            assert finding.indicator in finding.words or finding.title
            assert (row.change_significant is True and row.direction is direction) or (
                row.trend is trend
            ), finding
        positions = [ids.index(f.indicator) for f in found]
        assert positions == sorted(positions)
    for finding in glance.watch:
        row = _published_row(finding.indicator)
        assert row is not None
        significant_move = row.change_significant is True or row.trend in (
            Trend.INCREASING, Trend.DECREASING)  # fmt: skip
        assert row.vs_scotland is Comparison.WORSE or significant_move
    for found in (glance.improved, glance.worsened, glance.watch):
        assert len(found) <= outcomes.report._report.GLANCE_LIST


def test_the_spine_chart_has_every_indicator_in_symbol_and_word() -> None:
    report = example_report()
    chart = report.glance.chart
    assert chart.count("<circle") == sum(
        1 for h in report.headline if h.this_year not in ("[c]", "[x]", "[z]")
    )
    for h in report.headline:
        assert f">{h.indicator} " in chart
    for word in ("▲ better", "▼ worse", "● similar"):
        assert word in chart
    # Scotland's tick on every indicator but the counts, whose Scotland figure is the
    # national total and not on the areas' scale.
    catalogue = example().catalogue
    ticks = chart.count('stroke-width="2"/>')
    assert ticks == sum(1 for i in catalogue if i.measure != "count")
    assert ticks < len(catalogue)


def test_only_notable_indicators_are_shown_in_full() -> None:
    report = example_report()
    parts = [report.governance, *report.service_delivery, report.public_protection,
             report.resources, report.workforce]  # fmt: skip
    for part in parts:
        for detail in part.indicators:
            assert detail.notable
        for line in part.compact:
            row = _published_row(line.indicator)
            assert not outcomes.report._report.notable_reasons(row)
    # A comment makes an indicator notable, and it is shown beside the indicator's figure.
    commented = example().assessment.commentary
    assert "SW1" in commented
    resources = {d.id: d for d in report.resources.indicators}
    assert resources["SW1"].commentary == commented["SW1"]
    html = str(outcomes.render_report(report, "html"))
    article = html[html.index('id="indicator-sw1"') :]
    article = article[: article.index("</article>")]
    assert "The council's comment:" in article
    assert "trend" in article


def test_statutory_functions_come_from_the_assessment_and_the_catalogue() -> None:
    from outcomes.vocabulary import StatutoryFunction

    report = example_report()
    assert [r.function for r in report.statutory_functions] == [f.label for f in StatutoryFunction]
    given = {r.function.label: r for r in example().assessment.statutory_functions}
    for row in report.statutory_functions:
        assert row.count == f"{given[row.function].count:,}"
    # Every function has its national figures, each count from the published results and
    # its source the publication that supplies the item.
    catalogue = example().catalogue
    by_function = {r.function: r for r in report.statutory_functions}
    for function, ids in outcomes.report._report.STATUTORY_INDICATORS.items():
        row = by_function[function.label]
        for indicator_id in ids:
            published = _published_row(indicator_id)
            assert published is not None
            assert published.numerator is not None
            assert f"{published.numerator:,.0f}: " in row.figures
            assert f"({indicator_id}, {published.period})" in row.figures
            item = catalogue.items[catalogue[indicator_id].numerator]
            where = (f"the council's return ({indicator_id})" if item.supplier == "council"
                     else item.publication)  # fmt: skip
            assert where in row.source
    assert set(outcomes.report._report.STATUTORY_INDICATORS) == set(StatutoryFunction)
    bare = example_report(assessment=None).statutory_functions
    assert all(r.count == "not given" for r in bare)


def test_the_report_is_concise_and_links_to_its_annex() -> None:
    report = example_report()
    html = str(outcomes.render_report(report, "html"))
    assert report.annex == "fife-2024-25-data.html"
    assert "chart rank" not in html  # rank charts are in the annex only
    assert html.count('class="notable"') == sum(
        len(p.indicators) for p in (report.governance, *report.service_delivery,
                                     report.public_protection, report.resources, report.workforce)
    )  # fmt: skip
    for part in (*report.service_delivery, report.public_protection):
        for line in part.compact:
            assert f'href="{report.annex}#{line.anchor}"' in html
    for heading in ("At a glance", "Service delivery landscape", "Statutory functions",
                    "The voice of people", "Case studies", "Annex A: peer assessment"):  # fmt: skip
        assert heading in html


def test_the_annex_holds_every_indicator_in_full() -> None:
    from outcomes.report._render import annex_tables, render_annex

    report = example_report()
    html = str(render_annex(report, "html"))
    for detail in report.indicators:
        assert f'id="{detail.anchor}"' in html
        assert f'id="{detail.anchor}-rank-caption"' in html
    tables = annex_tables(report)
    assert len(tables["Trend data"]) == sum(len(d.years) for d in report.indicators)
    assert len(tables["Every indicator"]) == len(report.headline)
    csv = str(render_annex(report, "csv"))
    assert csv.splitlines()[0].startswith("indicator,title,period,Fife")
    assert len(csv.splitlines()) == len(tables["Trend data"]) + 1
    workbook = render_annex(report, "xlsx")
    assert isinstance(workbook, bytes)
    assert workbook == render_annex(report, "xlsx")
    assert render_annex(report, "html") == html


def test_an_assessment_without_the_new_fields_still_reads_and_reports() -> None:
    bare = attrs.evolve(example().assessment, narrative={}, commentary={},
                        statutory_functions=(), case_studies=())  # fmt: skip
    report = example_report(assessment=bare)
    assert report.case_studies_missing
    assert report.landscape.missing
    assert report.voice.missing
    assert all(not d.commentary for d in report.indicators)


@given(st.lists(st.text(min_size=1), min_size=1, max_size=80, unique=True),
       st.integers(min_value=1, max_value=8))  # fmt: skip
def test_report_shares_cover_every_area_once_in_order_this_process_the_largest(
    areas: list[str], jobs: int
) -> None:
    from outcomes._cli import STARTUP_AREAS, _shares

    shares = _shares(areas, jobs)
    assert [area for share in shares for area in share] == areas
    assert all(shares)
    assert len(shares) <= jobs
    others = {len(share) for share in shares[1:]}
    assert len(others) <= 1  # the other processes' shares are the same size
    if len(areas) >= STARTUP_AREAS + jobs:
        assert len(shares) == jobs
        assert len(shares[0]) >= STARTUP_AREAS + min(others, default=0)
