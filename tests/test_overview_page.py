"""The national overview and scrutiny pages: rendering, the CLI verbs, and the browser."""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

import attrs
import pandas as pd
import pytest
from playwright.sync_api import Page

import outcomes
from outcomes._cli import main
from outcomes.national._overview import Overview, overview, scrutiny
from outcomes.national._overview_page import OverviewPage, ScrutinyPage
from outcomes.report._render import render
from outcomes.report._report import IndicatorDetail
from tests.browser import XSS_PAYLOADS, assert_accessible, assert_inert, open_file, screenshot
from tests.report_examples import AREA, PERIOD, example, example_report

POISONED_AREA = f"Fife {XSS_PAYLOADS[0]}{XSS_PAYLOADS[1]}"


@functools.cache
def national() -> Overview:
    given = example()
    return overview(given.results, PERIOD, areas=given.areas, burden=given.burden)


def overview_html(national_view: Overview | None = None) -> str:
    page = OverviewPage.build(national_view or national(), example().catalogue)
    return render(page, "html", template="overview.html.j2")


def test_overview_renders_the_same_bytes_twice() -> None:
    assert overview_html() == overview_html()


def test_every_area_outside_the_998_limits_is_named_on_the_page() -> None:
    html = overview_html()
    outliers = national().funnel_outliers
    names = {
        name
        for column in ("areas_above", "areas_below")
        for joined in outliers[column].dropna()
        for name in str(joined).split("; ")
        if name
    }
    assert names
    page = OverviewPage.build(national(), example().catalogue)
    listed = {n for f in page.funnels for n in (f.above + "; " + f.below).split("; ") if n}
    assert listed == names
    assert all(name.replace("&", "&amp;") in html for name in names)


def test_heat_table_has_every_area_in_both_orders() -> None:
    page = OverviewPage.build(national(), example().catalogue)
    for table in page.heat:
        assert sorted(r.area for r in table.by_area) == sorted(r.area for r in table.by_worsened)
        assert len(table.by_area) == page.area_count
        worsened = [r.worsened for r in table.by_worsened]
        assert worsened == sorted(worsened, reverse=True)
        for row in table.by_area:
            assert all(cell.symbol and cell.word for cell in row.cells)


def test_scrutiny_page_sorts_every_indicator_into_one_judgement() -> None:
    given = example()
    view = scrutiny(given.results, AREA, PERIOD, areas=given.areas)
    page = ScrutinyPage.build(view, given.catalogue)
    shown = sum(len(group.rows) for group in page.groups) + len(page.no_evidence)
    assert shown == len(view.table)
    assert [word for word, _ in page.counts] == ["Concern", "Watch", "No evidence", "Assurance"]
    for group in page.groups:
        judged = view.table[view.table["judgement"] == group.judgement]
        assert [row.indicator for row in group.rows] == list(judged["indicator"])


def test_overview_and_scrutiny_verbs_write_html_and_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "inputs"
    outcomes.write_example(inputs)
    common = ["--data", str(inputs / "data.csv"), "--areas", str(inputs / "areas.csv"),
              "--period", PERIOD, "--out", str(tmp_path / "out")]  # fmt: skip
    code = main(["overview", *common, "--assessments", str(inputs / "assessments")])
    assert code == 0, capsys.readouterr().err
    code = main(["scrutiny", *common, "--area", AREA])
    assert code == 0, capsys.readouterr().err
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"overview.html", "indicators.csv", "funnel_outliers.csv", "reports.csv",
            "scrutiny-fife-2024-25.html", "scrutiny-fife-2024-25.csv"} <= written  # fmt: skip
    reports = (tmp_path / "out" / "reports.csv").read_text()
    assert "Fife" in reports
    assert "published" in reports


def test_the_overview_shows_the_networks_the_assessments_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "inputs"
    outcomes.write_example(inputs)
    out = tmp_path / "out"
    code = main(["overview", "--data", str(inputs / "data.csv"), "--areas",
                 str(inputs / "areas.csv"), "--period", PERIOD, "--out", str(out),
                 "--assessments", str(inputs / "assessments")])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    shared = pd.read_csv(out / "networks_shared_priorities.csv")
    assert (shared["areas"] >= 2).all()
    members = pd.read_csv(out / "networks_members.csv")
    assert len(members) == len(list((inputs / "assessments").glob("*.toml")))
    page = html.unescape((out / "overview.html").read_text(encoding="utf-8"))
    assert "8. Networks of shared interest" in page
    # Every shared priority of three or more councils is on the page with its members.
    for row in shared[shared["areas"] >= 3].itertuples():
        assert str(row.names) in page
    national = pd.read_csv(out / "networks_national_priorities.csv")
    assert not national.empty
    assert str(national["texts"].iloc[0]).split("\n")[0] in page


def test_scrutiny_of_an_unknown_area_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "inputs"
    outcomes.write_example(inputs)
    code = main(["scrutiny", "--data", str(inputs / "data.csv"), "--areas",
                 str(inputs / "areas.csv"), "--period", PERIOD, "--area", "Fyfe",
                 "--out", str(tmp_path / "out")])  # fmt: skip
    assert code == 1
    assert "Fife" in capsys.readouterr().err


def _poisoned_overview() -> Overview:
    given = example()
    frame = given.results.frame.replace({"area": {AREA: POISONED_AREA}})
    groups = {POISONED_AREA if k == AREA else k: v for k, v in given.results.family_groups.items()}
    results = attrs.evolve(given.results, frame=frame, family_groups=groups)
    return overview(results, PERIOD, assessments={POISONED_AREA: "published"})


@pytest.mark.browser
def test_overview_meets_wcag_22_aa(browser_page: Page, tmp_path: Path) -> None:
    path = tmp_path / "overview.html"
    path.write_text(overview_html(), encoding="utf-8")
    open_file(browser_page, path)
    screenshot(browser_page, "national-overview-2024-25")
    assert_accessible(browser_page)


@pytest.mark.browser
def test_scrutiny_page_meets_wcag_22_aa(browser_page: Page, tmp_path: Path) -> None:
    given = example()
    page = ScrutinyPage.build(scrutiny(given.results, AREA, PERIOD), given.catalogue)
    path = tmp_path / "scrutiny.html"
    path.write_text(render(page, "html", template="scrutiny.html.j2"), encoding="utf-8")
    open_file(browser_page, path)
    screenshot(browser_page, "scrutiny-fife-2024-25")
    assert_accessible(browser_page)


@pytest.mark.browser
def test_area_names_render_inert_in_the_overview(browser_page: Page, tmp_path: Path) -> None:
    path = tmp_path / "poisoned.html"
    path.write_text(overview_html(_poisoned_overview()), encoding="utf-8")
    open_file(browser_page, path)
    assert_inert(browser_page, XSS_PAYLOADS[:2])


@pytest.mark.browser
def test_area_names_render_inert_in_the_scrutiny_view(browser_page: Page, tmp_path: Path) -> None:
    poisoned = _poisoned_overview().scrutiny_of(POISONED_AREA)
    page = ScrutinyPage.build(poisoned, example().catalogue)
    html = render(page, "html", template="scrutiny.html.j2")
    assert XSS_PAYLOADS[0] not in html  # escaped, not removed: the name is still there
    path = tmp_path / "poisoned-scrutiny.html"
    path.write_text(html, encoding="utf-8")
    open_file(browser_page, path)
    assert_inert(browser_page, XSS_PAYLOADS[:2])


def test_overview_takes_each_peer_from_the_assessment_before_a_pairs_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "inputs"
    outcomes.write_example(inputs)
    pairs = tmp_path / "pairs.csv"
    assert main(["pair", "--areas", str(inputs / "areas.csv"), "--period", "2025-26",
                 "--out", str(pairs)]) == 0  # fmt: skip
    code = main(["overview", "--data", str(inputs / "data.csv"), "--areas",
                 str(inputs / "areas.csv"), "--period", PERIOD, "--assessments",
                 str(inputs / "assessments"), "--pairs", str(pairs), "--out",
                 str(tmp_path / "out")])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    reports = pd.read_csv(tmp_path / "out" / "reports.csv").set_index("area")
    assert reports.loc["Dundee City", "peer_area"] == "Angus"
    assert reports.loc["Fife", "peer_area"] == "Falkirk"
    assert reports["peer_area"].notna().all()


#: Words a missing number or an unset value turns into when it slips through to a page.
LEAKED = re.compile(r"(?<![\w-])(?:nan|NaN|inf|-inf|null|NaT|<NA>)(?![\w-])")
#: ``None`` is a fine word in prose ("None."), never the whole of a table cell.
LEAKED_CELL = re.compile(r"<t[dh][^>]*>\s*None\s*</t[dh]>|\|\s*None\s*\|")


def visible_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_no_missing_value_ever_reaches_a_page() -> None:
    given = example()
    national = overview(given.results.published(), PERIOD, areas=given.areas,
                        assessments={AREA: "published"}, burden=given.burden)  # fmt: skip
    pages = {
        "overview": overview_html(national),
        "scrutiny": render(
            ScrutinyPage.build(scrutiny(given.results, AREA, PERIOD, areas=given.areas),
                               given.catalogue),
            "html", template="scrutiny.html.j2",
        ),
    }  # fmt: skip
    report = outcomes.AnnualReport.build(given.results, AREA, PERIOD,
                                         assessment=given.assessment, areas=given.areas,
                                         burden=given.burden)  # fmt: skip
    pages["report.html"] = str(outcomes.render_report(report, "html"))
    pages["report.md"] = str(outcomes.render_report(report, "md"))
    for name, page in pages.items():
        assert not LEAKED.findall(visible_text(page)), name
        assert not LEAKED_CELL.findall(page), name
    # The scan itself finds a leaked value.
    assert LEAKED.findall(visible_text("<td>nan</td><td>12</td>"))
    assert LEAKED_CELL.findall("| a | None | b |")


def test_the_pages_say_whether_costs_are_cash_or_real_terms(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    outcomes.write_example(inputs)
    common = ["--data", str(inputs / "data.csv"), "--areas", str(inputs / "areas.csv"),
              "--period", PERIOD, "--quiet"]  # fmt: skip
    real = ["--deflators", str(inputs / "deflators.csv"), "--base-period", PERIOD]
    assert main(["overview", *common, *real, "--out", str(tmp_path / "real")]) == 0
    assert main(["overview", *common, "--out", str(tmp_path / "cash")]) == 0
    assert main(["scrutiny", *common, *real, "--area", AREA, "--out", str(tmp_path / "s")]) == 0
    assert f"Costs are in real terms ({PERIOD} prices)." in (
        tmp_path / "real" / "overview.html"
    ).read_text(encoding="utf-8")  # fmt: skip
    assert "Costs are in cash." in (tmp_path / "cash" / "overview.html").read_text("utf-8")
    scrutiny_page = next((tmp_path / "s").glob("*.html")).read_text(encoding="utf-8")
    assert f"Costs are in real terms ({PERIOD} prices)." in scrutiny_page
    # The overview's figures are the report's figures when both use the same prices.
    given = example()
    deflated = outcomes.compute(given.data, given.catalogue, given.areas,
                                deflators=outcomes.read_deflators(inputs / "deflators.csv"),
                                base_period=PERIOD)  # fmt: skip
    assert deflated.prices == f"real terms ({PERIOD} prices)"
    table = pd.read_csv(tmp_path / "real" / "heat.csv")
    sw5 = table[(table["indicator"] == "SW5") & (table["area"] == AREA)]["value"].item()
    assert sw5 == pytest.approx(deflated.row("SW5", AREA, PERIOD)["value"])
    assert main(["overview", *common, "--deflators", str(inputs / "deflators.csv"),
                 "--out", str(tmp_path / "x")]) == 2  # fmt: skip


def test_the_report_and_the_overview_print_the_same_name_for_an_area() -> None:
    given = example()
    report = example_report()
    named = dict(zip(given.areas.frame["area"], given.areas.frame["name"], strict=True))
    ranked = {row.area for detail in _details(report) for row in detail.ranks}
    overview_names = set(national().heat["name"])
    assert ranked
    assert ranked <= overview_names
    assert {row.peer for row in report.learning} <= overview_names
    # Where a code and its name differ, the report prints the name.
    differing = {code for code, name in named.items() if code != name}
    assert differing
    assert not ranked & differing


def _details(report: outcomes.AnnualReport) -> list[IndicatorDetail]:
    parts = [report.governance, *report.service_delivery, report.public_protection,
             report.resources, report.workforce]  # fmt: skip
    return [detail for part in parts for detail in part.indicators]
