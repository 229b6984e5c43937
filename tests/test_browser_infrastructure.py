"""The real-browser checks themselves: they pass good pages and catch bad ones.

Tests using the ``browser_page`` fixture are marked ``browser`` by tests/conftest.py.

The report tests trust these helpers to fail when a page is inaccessible, runs a payload
or reaches the network, so each helper is shown failing here on a page made to be bad.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import jinja2
import pytest
from playwright.sync_api import Page

from tests.browser import (
    AXE_SCRIPT,
    HERE,
    XSS_MARKER,
    XSS_PAYLOADS,
    assert_accessible,
    assert_inert,
    assert_quiet,
    axe_version,
    axe_violations,
    events_of,
    format_violations,
    open_file,
    open_html,
    require_browser,
    screenshot,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def page_of(body: str, *, title: str = "Browser check", head: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n{head}</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>"
    )


GOOD_PAGE = page_of(
    """
<h1>Social work performance, 2024-25</h1>
<p>Three indicators for one council, against Scotland.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw=="
     alt="Sparkline: rising over five years" width="80" height="20">
<table>
  <caption>Headline indicators</caption>
  <thead><tr><th scope="col">Indicator</th><th scope="col">2023-24</th>
    <th scope="col">2024-25</th><th scope="col">Scotland</th></tr></thead>
  <tbody>
    <tr><th scope="row">SW1</th><td>71.2</td><td>73.5</td><td>70.1</td></tr>
    <tr><th scope="row">SW2</th><td>8.1</td><td>7.9</td><td>8.4</td></tr>
    <tr><th scope="row">SW3a</th><td>61.0</td><td>62.4</td><td>61.9</td></tr>
  </tbody>
</table>
<p><a href="#methods">Methods and data quality</a></p>
<h2 id="methods">Methods</h2>
<p style="color:#595959;background:#ffffff">Grey text that still meets 4.5:1.</p>
""",
    head="<style>body{font-family:'DejaVu Sans',sans-serif;margin:2rem}"
    "td,th{padding:.3rem .6rem;text-align:right}</style>\n",
)

BAD_ROWS = "".join(
    "<tr>" + "".join(f"<td>{row}.{column}</td>" for column in range(4)) + "</tr>"
    for row in range(4)
)
BAD_PAGE = page_of(
    f"""
<h1>Bad page</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==">
<p style="color:#aaaaaa;background:#ffffff">Low-contrast text.</p>
<table><caption>Numbers without headers</caption>{BAD_ROWS}</table>
<input type="text" name="unlabelled">
"""
)

# How a careless renderer would output each payload: raw HTML, a free-text URL put in an
# href, markdown turned into HTML without sanitising, escaped text unescaped again, or
# free text run as a Jinja template. Every payload needs an entry, proving the check
# catches it.
CARELESS = {
    payload: payload
    for payload in XSS_PAYLOADS
    if "<" in payload and not payload.startswith("&lt;") and not payload.startswith("**")
}
CARELESS |= {
    "javascript:window.__pwned=1": '<a href="javascript:window.__pwned=1">website</a>',
    "[click me](javascript:window.__pwned=1)": '<a href="javascript:window.__pwned=1">click me</a>',
    f"**bold** <b class={XSS_MARKER}>raw HTML in markdown</b>": (
        f"<strong>bold</strong> <b class={XSS_MARKER}>raw HTML in markdown</b>"
    ),
    f"&lt;b class={XSS_MARKER}&gt;already escaped&lt;/b&gt;": html.unescape(
        f"&lt;b class={XSS_MARKER}&gt;already escaped&lt;/b&gt;"
    ),
    "{{ 7*7 }}": jinja2.Environment().from_string("{{ 7*7 }}").render(),
    "{% for x in range(3) %}loop{% endfor %}": jinja2.Environment()
    .from_string("{% for x in range(3) %}loop{% endfor %}")
    .render(),
}


def payload_page(render: dict[str, str]) -> str:
    """A page showing each payload as a council name, a comment and a tooltip."""
    items = "\n".join(
        f'<li title="{html.escape(payload, quote=True)}">{render[payload]}</li>'
        for payload in render
    )
    return page_of(f"<h1>Council comments</h1>\n<ul>\n{items}\n</ul>")


def test_an_accessible_page_has_no_violations(browser_page: Page, tmp_path: Path) -> None:
    path = tmp_path / "good.html"
    path.write_text(GOOD_PAGE, encoding="utf-8")
    open_file(browser_page, path)

    assert axe_violations(browser_page) == []
    assert_accessible(browser_page)
    assert_quiet(browser_page)


def test_an_inaccessible_page_is_reported_rule_by_rule(browser_page: Page) -> None:
    open_html(browser_page, BAD_PAGE)

    violations = axe_violations(browser_page)

    assert {violation["id"] for violation in violations} >= {
        "image-alt",
        "color-contrast",
        "td-has-header",
        "label",
    }
    with pytest.raises(AssertionError) as failure:
        assert_accessible(browser_page)
    message = str(failure.value)
    assert f"axe-core {axe_version()}" in message
    assert "image-alt [critical] Images must have alternative text" in message
    assert 'at "img"' in message
    assert message.count("\n    at ") == sum(len(v["nodes"]) for v in violations)
    assert format_violations(violations) in message


def test_a_screenshot_is_written_to_build(browser_page: Page) -> None:
    open_html(browser_page, GOOD_PAGE)

    whole_page = screenshot(browser_page, "browser-infrastructure-good-page")

    viewport = whole_page.with_name("browser-infrastructure-good-page-viewport.png")
    assert whole_page.parts[-3:-1] == ("build", "screenshots")
    for png in (whole_page, viewport):
        assert png.read_bytes().startswith(PNG_SIGNATURE)
        assert png.stat().st_size > 1000


def test_a_screenshot_name_cannot_leave_build(browser_page: Page) -> None:
    with pytest.raises(ValueError, match="screenshot name"):
        screenshot(browser_page, "../escape")


def test_escaped_payloads_are_inert(browser_page: Page, tmp_path: Path) -> None:
    path = tmp_path / "escaped.html"
    path.write_text(
        payload_page({payload: html.escape(payload) for payload in XSS_PAYLOADS}),
        encoding="utf-8",
    )
    open_file(browser_page, path)

    assert_inert(browser_page, XSS_PAYLOADS)
    assert_quiet(browser_page)


def test_every_payload_has_a_careless_rendering() -> None:
    assert set(CARELESS) == set(XSS_PAYLOADS)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_a_carelessly_rendered_payload_is_caught(
    browser_page: Page, tmp_path: Path, payload: str
) -> None:
    path = tmp_path / "careless.html"
    path.write_text(payload_page({payload: CARELESS[payload]}), encoding="utf-8")
    open_file(browser_page, path)

    with pytest.raises(AssertionError, match="payloads were not inert"):
        assert_inert(browser_page, [payload])
    # Failed image loads, dialogs and the like are part of what was being shown. Closing
    # the page first lets every event it raised arrive before they are taken.
    browser_page.close()
    events_of(browser_page).take()


def test_a_page_reaching_the_network_is_caught(browser_page: Page, tmp_path: Path) -> None:
    path = tmp_path / "fetches.html"
    path.write_text(
        page_of(
            '<h1>Fetches</h1><img alt="remote" src="http://example.com/logo.png">',
            head=(
                '<link rel="stylesheet" href="https://example.com/style.css">\n'
                "<script>fetch('http://example.com/data.json').catch(() => {});\n"
                "new WebSocket('ws://example.com/socket');</script>\n"
            ),
        ),
        encoding="utf-8",
    )
    open_file(browser_page, path)
    expected = {
        "http://example.com/logo.png",
        "https://example.com/style.css",
        "http://example.com/data.json",
        "ws://example.com/socket",
    }
    for _ in range(40):  # the fetch and the WebSocket may be reported after "load"
        if set(events_of(browser_page).blocked_requests) >= expected:
            break
        browser_page.wait_for_timeout(50)

    with pytest.raises(AssertionError, match=re.escape("network request blocked: http://")):
        assert_quiet(browser_page)
    assert set(events_of(browser_page).take().blocked_requests) == expected


@pytest.mark.parametrize(
    ("script", "problem"),
    [
        ("console.error('boom')", "console error: boom"),
        ("throw new TypeError('bang')", "uncaught error: TypeError: bang"),
        ("alert('hello')", "dialog opened: alert('hello')"),
    ],
)
def test_a_noisy_page_is_caught(browser_page: Page, script: str, problem: str) -> None:
    open_html(browser_page, page_of(f"<h1>Noisy</h1><script>{script}</script>"))

    with pytest.raises(AssertionError) as failure:
        assert_quiet(browser_page)
    assert problem in str(failure.value)
    browser_page.close()
    events_of(browser_page).take()


def test_the_checks_keep_working_under_a_strict_content_security_policy(
    browser_page: Page,
) -> None:
    # A report may forbid every script; axe-core must still run on it.
    csp = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">\n'
    open_html(browser_page, page_of("<h1>Locked down</h1>", head=csp))

    assert axe_violations(browser_page) == []
    assert_inert(browser_page, [])


# Not browser tests: the skip policy and the npm pin, which need no browser.


@pytest.mark.parametrize(
    ("ci", "stop"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)]
)
def test_missing_tools_skip_locally_and_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci: str, stop: type[BaseException]
) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(stop, match=r"no-chromium \(apt-get install chromium"):
        require_browser(chromium=tmp_path / "no-chromium", axe_script=AXE_SCRIPT)


def test_axe_core_is_pinned_exactly() -> None:
    package = json.loads((HERE / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((HERE / "package-lock.json").read_text(encoding="utf-8"))
    pinned = package["dependencies"]["axe-core"]
    assert pinned[0].isdigit()  # no ^ or ~: the same axe-core rules everywhere
    assert lock["packages"]["node_modules/axe-core"]["version"] == pinned
    assert "resolved" not in lock["packages"]["node_modules/axe-core"]
