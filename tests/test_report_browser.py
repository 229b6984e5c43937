"""The annual report in a real browser: WCAG 2.2 AA with axe-core, and inert free text."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from playwright.sync_api import Page

import outcomes
from tests.browser import XSS_PAYLOADS, assert_accessible, assert_inert, open_file, screenshot
from tests.report_examples import AREA, PERIOD, example, example_report, poisoned_assessment

pytestmark = pytest.mark.browser

POISONED_AREA = f"Fife {XSS_PAYLOADS[0]}{XSS_PAYLOADS[1]}"


def _poisoned_report() -> outcomes.AnnualReport:
    """The example report with payloads in the council's name and every free-text field."""
    given = example()
    frame = given.results.frame.replace({"area": {AREA: POISONED_AREA}})
    groups = {POISONED_AREA if k == AREA else k: v for k, v in given.results.family_groups.items()}
    results = attrs.evolve(given.results, frame=frame, family_groups=groups)
    assessment = attrs.evolve(poisoned_assessment(), area=POISONED_AREA)
    return outcomes.AnnualReport.build(results, POISONED_AREA, PERIOD, assessment=assessment)


def test_example_report_meets_wcag_22_aa(browser_page: Page, tmp_path: Path) -> None:
    path = tmp_path / "fife-2024-25.html"
    path.write_text(str(outcomes.render_report(example_report(), "html")), encoding="utf-8")
    open_file(browser_page, path)
    screenshot(browser_page, "annual-report-fife-2024-25")
    assert_accessible(browser_page)
    heading = browser_page.locator("h1").inner_text()
    assert heading.startswith(AREA)
    assert PERIOD in heading


def test_payloads_in_names_and_free_text_render_inert(browser_page: Page, tmp_path: Path) -> None:
    path = tmp_path / "poisoned.html"
    path.write_text(str(outcomes.render_report(_poisoned_report(), "html")), encoding="utf-8")
    open_file(browser_page, path)
    assert_inert(browser_page, XSS_PAYLOADS)
    assert POISONED_AREA in browser_page.locator("h1").inner_text()


def test_the_data_annex_meets_wcag_22_aa(browser_page: Page, tmp_path: Path) -> None:
    from outcomes.report._render import render_annex

    report = example_report()
    path = tmp_path / report.annex
    path.write_text(str(render_annex(report, "html")), encoding="utf-8")
    open_file(browser_page, path)
    screenshot(browser_page, "data-annex-fife-2024-25")
    assert_accessible(browser_page)
    assert browser_page.locator("article.indicator").count() == len(report.indicators)
