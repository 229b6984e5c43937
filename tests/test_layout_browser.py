"""The pages at a desktop's width and a phone's: nothing clipped, nothing wider than the screen.

At 1280 px and at 390 px the page never scrolls sideways, and every table either fits the
window or scrolls inside a box that a keyboard can reach and a screen reader can name
(``<div class="table-wrap" tabindex="0" role="region" aria-labelledby=...>``, see
report_templates/style.css). The checks are made with every ``<details>`` open as well,
since a reader may open any of them. Screenshots: ``build/screenshots/<page>-<width>.png``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

import outcomes
from outcomes.assessment._model import Assessment
from outcomes.national import (
    networks,
    render_overview,
    render_scrutiny,
    scrutiny,
    scrutiny_profile,
)
from tests.browser import SCREENSHOTS, assert_accessible, open_file, screenshot
from tests.report_examples import AREA, EXAMPLE, PERIOD, example, example_report
from tests.test_overview_page import national

pytestmark = pytest.mark.browser

#: (width, height) of a desktop window and of a phone (an iPhone 12 to 15, in CSS pixels).
VIEWPORTS = {"1280": (1280, 900), "390": (390, 844)}


@functools.cache
def _annual_report_html() -> str:
    return str(outcomes.render_report(example_report(), "html"))


@functools.cache
def _data_annex_html() -> str:
    from outcomes.report._render import render_annex

    return str(render_annex(example_report(), "html"))


@functools.cache
def _overview_with_networks_html() -> str:
    given = example()
    assessments = outcomes.read_assessments(EXAMPLE / "assessments", catalogue=given.catalogue)
    found = networks({area: a for area, a in assessments.items() if isinstance(a, Assessment)},
                     given.catalogue, results=given.results.published(), period=PERIOD,
                     areas=given.areas)  # fmt: skip
    return render_overview(national(), given.catalogue, networks=found)


@functools.cache
def _scrutiny_profile_html() -> str:
    given = example()
    view = scrutiny(given.results, AREA, PERIOD, areas=given.areas)
    profile = scrutiny_profile(view, given.catalogue, assessment=given.assessment,
                               results=given.results)  # fmt: skip
    return render_scrutiny(view, given.catalogue, profile=profile)


PAGES: dict[str, Callable[[], str]] = {
    "overview": _overview_with_networks_html,
    "annual-report": _annual_report_html,
    "data-annex": _data_annex_html,
    "scrutiny-profile": _scrutiny_profile_html,
}

# Returns every way the page breaks the layout rules, in words; an empty list is a pass.
_LAYOUT_PROBLEMS = """
() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    const pageWidth = document.documentElement.scrollWidth;
    if (pageWidth > width) {
        problems.push(`the page is ${pageWidth}px wide in a ${width}px window`);
    }
    const nameOf = element => {
        const labelledBy = (element.getAttribute('aria-labelledby') || '').split(/\\s+/);
        const label = labelledBy.filter(Boolean)
            .map(id => (document.getElementById(id) || {textContent: ''}).textContent)
            .join(' ');
        return (label || element.getAttribute('aria-label') || '').trim();
    };
    for (const table of document.querySelectorAll('table')) {
        const caption = (table.caption ? table.caption.textContent : table.outerHTML).slice(0, 80);
        const box = table.getBoundingClientRect();
        if (box.left >= -0.5 && box.right <= width + 0.5) continue;
        // The nearest ancestor that does not let the table overflow: it must scroll, not clip.
        let container = table.parentElement;
        while (container && getComputedStyle(container).overflowX === 'visible') {
            container = container.parentElement;
        }
        if (!container || container === document.documentElement || container === document.body) {
            problems.push(`table "${caption}" spans ${box.left}px to ${box.right}px ` +
                          `of a ${width}px window and nothing scrolls it`);
            continue;
        }
        const where = `the box around table "${caption}"`;
        const overflow = getComputedStyle(container).overflowX;
        if (overflow !== 'auto' && overflow !== 'scroll') {
            problems.push(`${where} clips it (overflow-x: ${overflow}) instead of scrolling`);
            continue;
        }
        const edges = container.getBoundingClientRect();
        if (edges.left < -0.5 || edges.right > width + 0.5) {
            problems.push(`${where} spans ${edges.left}px to ${edges.right}px ` +
                          `of a ${width}px window`);
        }
        if (container.scrollWidth < Math.floor(box.width)) {
            problems.push(`${where} scrolls ${container.scrollWidth}px of a ${box.width}px table`);
        }
        if (container.getAttribute('tabindex') !== '0') {
            problems.push(`${where} cannot be reached by keyboard (no tabindex="0")`);
        }
        if (container.getAttribute('role') !== 'region') {
            problems.push(`${where} is not a region (role="region")`);
        }
        if (!nameOf(container)) {
            problems.push(`${where} has no accessible name (aria-label or aria-labelledby)`);
        }
    }
    return problems;
}
"""


def layout_problems(page: Page) -> list[str]:
    """How the loaded page breaks the rules above, one sentence each."""
    problems: list[str] = page.evaluate(_LAYOUT_PROBLEMS)
    return problems


def open_every_details(page: Page) -> int:
    """Open every ``<details>`` on the page, as a reader might; return how many."""
    opened: int = page.evaluate(
        "() => { const all = document.querySelectorAll('details');"
        " all.forEach(d => { d.open = true; }); return all.length; }"
    )
    return opened


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGES)
def test_the_page_fits_the_window(
    browser_page: Page, tmp_path: Path, name: str, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    browser_page.set_viewport_size({"width": width, "height": height})
    path = tmp_path / f"{name}.html"
    path.write_text(PAGES[name](), encoding="utf-8")
    open_file(browser_page, path)
    screenshot(browser_page, f"{name}-{viewport}")
    assert browser_page.evaluate("() => document.documentElement.clientWidth") == width
    assert layout_problems(browser_page) == []
    # The annual report has no <details> since issue 16: its long tables are in the annex.
    assert open_every_details(browser_page) > 0 or name == "annual-report"
    assert layout_problems(browser_page) == []
    assert_accessible(browser_page)


def open_overview(page: Page, tmp_path: Path, viewport: str) -> None:
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    path = tmp_path / "overview.html"
    path.write_text(PAGES["overview"](), encoding="utf-8")
    open_file(page, path)


def test_a_heat_table_scrolls_from_the_keyboard(browser_page: Page, tmp_path: Path) -> None:
    open_overview(browser_page, tmp_path, "1280")
    region = browser_page.locator(".table-wrap:has(table.heat)").first
    assert region.evaluate("el => el.scrollWidth > el.clientWidth && el.scrollLeft === 0")
    region.focus()
    browser_page.keyboard.press("ArrowRight")
    assert region.evaluate("el => el.scrollLeft") > 0


def test_the_indicators_table_fits_a_desktop_window(browser_page: Page, tmp_path: Path) -> None:
    # Twelve columns; their last ones were cut off at 1280 px before issue 19.
    open_overview(browser_page, tmp_path, "1280")
    region = browser_page.locator(".table-wrap:has(table.wide)")
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth")


def test_a_scrolled_caption_stays_in_view(browser_page: Page, tmp_path: Path) -> None:
    # At 390 px the caption wraps to the box's width, not the table's, and stays put.
    open_overview(browser_page, tmp_path, "390")
    region = browser_page.locator(".table-wrap:has(table.heat)").first
    before = region.locator("caption").bounding_box()
    region.evaluate("el => { el.scrollLeft = 1000; }")
    after = region.locator("caption").bounding_box()
    box = region.bounding_box()
    assert before is not None
    assert box is not None
    assert after == before
    assert box["x"] <= before["x"]
    assert before["x"] + before["width"] <= box["x"] + box["width"] + 0.5


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_at_a_glance_fits_a_phone_and_a_desktop(
    browser_page: Page, tmp_path: Path, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    browser_page.set_viewport_size({"width": width, "height": height})
    path = tmp_path / "annual-report.html"
    path.write_text(_annual_report_html(), encoding="utf-8")
    open_file(browser_page, path)
    glance = browser_page.locator("section.glance")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    glance.screenshot(path=SCREENSHOTS / f"at-a-glance-{viewport}.png", animations="disabled")
    box = glance.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width
    assert browser_page.evaluate("() => document.documentElement.scrollWidth") <= width
    chart = browser_page.locator("section.glance svg.spine").bounding_box()
    assert chart is not None
    assert chart["x"] + chart["width"] <= width


#: A4's width less the printed page's margins (210 mm - 2 x 15 mm), in CSS pixels.
A4_CONTENT_WIDTH = round((210 - 2 * 15) / 25.4 * 96)


@pytest.mark.parametrize("name", ["annual-report", "data-annex"])
def test_no_table_is_wider_than_the_printed_page(
    browser_page: Page, tmp_path: Path, name: str
) -> None:
    browser_page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1123})
    path = tmp_path / f"{name}.html"
    path.write_text(PAGES[name](), encoding="utf-8")
    open_file(browser_page, path)
    browser_page.emulate_media(media="print")
    wide = browser_page.evaluate(
        """width => [...document.querySelectorAll('table')]
            .map(table => [table.caption ? table.caption.textContent.slice(0, 60) : '',
                           table.getBoundingClientRect()])
            .filter(([, box]) => box.left < -0.5 || box.right > width + 0.5)
            .map(([caption, box]) => `${caption}: ${box.left} to ${box.right}`)""",
        A4_CONTENT_WIDTH,
    )
    assert wide == []
