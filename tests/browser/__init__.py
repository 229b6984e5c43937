"""Real-browser checks for rendered HTML: headless Chromium, axe-core and XSS payloads.

The annual report and the national overview are checked in the browser a reader uses:
Debian's Chromium (``/usr/bin/chromium``) driven by Playwright, with no browser download,
and axe-core from npm (pinned in ``tests/browser/package-lock.json``). ``./run test``
installs both. Without them the browser tests skip locally and fail when ``CI=true``.

Every page opened through the ``browser_page`` fixture is isolated (a new browser
context), cannot reach the network (anything but ``file:``, ``data:``, ``blob:`` and
``about:`` is blocked and recorded, which is how a test asserts that a page is
self-contained), and fails its test if it logs a console error, throws, opens a dialog or
tries to fetch something, unless the test takes those events with :func:`events_of`.

Example::

    pytestmark = pytest.mark.browser

    def test_report_in_the_browser(browser_page: Page, tmp_path: Path) -> None:
        path = tmp_path / "report.html"
        path.write_text(render_html(report_with(XSS_PAYLOADS)), encoding="utf-8")
        open_file(browser_page, path)
        screenshot(browser_page, "annual-report")  # build/screenshots/annual-report.png
        assert_accessible(browser_page)  # axe-core, WCAG 2.2 AA: zero violations
        assert_inert(browser_page, XSS_PAYLOADS)  # no script ran, nothing injected
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import attrs
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        ConsoleMessage,
        Dialog,
        Error,
        Page,
        Route,
        WebSocketRoute,
    )

__all__ = [
    "AXE_SCRIPT",
    "AXE_TAGS",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "HERE",
    "SCREENSHOTS",
    "XSS_MARKER",
    "XSS_PAYLOADS",
    "PageEvents",
    "assert_accessible",
    "assert_inert",
    "assert_quiet",
    "axe_version",
    "axe_violations",
    "browser_page",
    "chromium_browser",
    "events_of",
    "format_violations",
    "missing_browser_requirements",
    "open_file",
    "open_html",
    "require_browser",
    "screenshot",
    "watch",
]

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]

#: Debian's package ``chromium``; ``OUTCOMES_CHROMIUM`` points elsewhere (another OS).
CHROMIUM = Path(os.environ.get("OUTCOMES_CHROMIUM", "/usr/bin/chromium"))
#: Installed by ``npm ci --prefix tests/browser`` (``./run test`` does it).
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
#: Where screenshots go for a person to look at (``build/`` is ignored by git).
SCREENSHOTS = REPOSITORY / "build" / "screenshots"

# Playwright adds --headless itself. The network here is closed: without the
# background-networking flags Chromium floods it with failing connections at start.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--font-render-hinting=none",
)

# Fixed so that screenshots and layout-dependent checks (target size, reflow) repeat.
CONTEXT_OPTIONS: dict[str, Any] = {
    "viewport": {"width": 1280, "height": 800},
    "device_scale_factor": 1,
    "locale": "en-GB",
    "timezone_id": "Europe/London",
    "color_scheme": "light",
    "reduced_motion": "reduce",
}

#: WCAG 2.2 level A and AA, as axe-core tags its rules.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
# td-has-header (WCAG 1.3.1, level A) is marked experimental in axe-core and so is off
# unless asked for; our reports are mostly tables, so we ask for it.
AXE_EXTRA_RULES = ("td-has-header",)

_LOCAL_SCHEMES = frozenset({"file", "data", "blob", "about"})

#: Class and id carried by every element a payload would inject.
XSS_MARKER = "xss-marker"

#: Free text that a council, a CSWO or a peer could type. Rendered anywhere, each must
#: show as the same visible text: no script runs, no element appears, no template runs.
XSS_PAYLOADS: tuple[str, ...] = (
    "<script>window.__pwned=1</script>",
    f'<img src=x id={XSS_MARKER} class={XSS_MARKER} onerror="window.__pwned=1">',
    f'"><svg class={XSS_MARKER} onload=window.__pwned=1>',
    f"'><script>alert('{XSS_MARKER}')</script>",
    f'<a class={XSS_MARKER} href="javascript:window.__pwned=1">link</a>',
    "javascript:window.__pwned=1",
    "[click me](javascript:window.__pwned=1)",
    f"**bold** <b class={XSS_MARKER}>raw HTML in markdown</b>",
    f'<iframe class={XSS_MARKER} srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    f"</title></textarea></style></script><b class={XSS_MARKER}>breakout</b>",
    f"<style class={XSS_MARKER}>body{{visibility:hidden}}</style>",
    f"&lt;b class={XSS_MARKER}&gt;already escaped&lt;/b&gt;",
    "{{ 7*7 }}",
    "{% for x in range(3) %}loop{% endfor %}",
)

_INERTNESS_SCRIPT = """
marker => {
    const found = [];
    if (window.__pwned !== undefined) found.push('window.__pwned was set: a payload script ran');
    for (const el of document.querySelectorAll(`.${marker}, #${marker}`)) {
        found.push('injected element: ' + el.outerHTML.slice(0, 160));
    }
    for (const el of document.scripts) {
        if (el.text.includes('__pwned') || el.text.includes(marker)) {
            found.push('injected script: ' + el.outerHTML.slice(0, 160));
        }
    }
    const urlAttributes = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data'];
    for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
            const name = attr.name.toLowerCase();
            if (name.startsWith('on')) {
                found.push(`event-handler attribute ${name}="${attr.value}" on <${el.localName}>`);
            } else if (urlAttributes.includes(name) && /^\\s*javascript:/i.test(attr.value)) {
                found.push(`javascript: URL in ${name}="${attr.value}" on <${el.localName}>`);
            }
        }
    }
    return {found: found, text: document.body ? document.body.innerText : ''};
}
"""


@attrs.define
class PageEvents:
    """What a page did that a static, self-contained report never should."""

    console_errors: list[str] = attrs.Factory(list)
    page_errors: list[str] = attrs.Factory(list)
    dialogs: list[str] = attrs.Factory(list)
    blocked_requests: list[str] = attrs.Factory(list)

    def problems(self) -> list[str]:
        return [
            *(f"console error: {text}" for text in self.console_errors),
            *(f"uncaught error: {text}" for text in self.page_errors),
            *(f"dialog opened: {text}" for text in self.dialogs),
            *(f"network request blocked: {url}" for url in self.blocked_requests),
        ]

    def take(self) -> PageEvents:
        """Return the events so far and forget them (the test has dealt with them)."""
        taken = PageEvents(
            console_errors=list(self.console_errors),
            page_errors=list(self.page_errors),
            dialogs=list(self.dialogs),
            blocked_requests=list(self.blocked_requests),
        )
        for events in (self.console_errors, self.page_errors, self.dialogs, self.blocked_requests):
            events.clear()
        return taken


_WATCHED: WeakKeyDictionary[Page, PageEvents] = WeakKeyDictionary()


def missing_browser_requirements(
    chromium: Path = CHROMIUM, axe_script: Path = AXE_SCRIPT
) -> list[str]:
    """What the browser tests need and cannot find, each with how to install it."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (pip install -e '.[dev]')")
    if not chromium.is_file():
        missing.append(f"{chromium} (apt-get install chromium fonts-dejavu-core)")
    if not axe_script.is_file():
        missing.append(f"{axe_script} (npm ci --prefix tests/browser)")
    return missing


def require_browser(chromium: Path = CHROMIUM, axe_script: Path = AXE_SCRIPT) -> None:
    """Skip the calling test when the browser tools are missing; fail instead in CI."""
    missing = missing_browser_requirements(chromium, axe_script)
    if not missing:
        return
    reason = "browser tests need " + "; ".join(missing) + " — ./run test installs them"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests are never skipped in CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session (starting it takes about a second)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium_browser: Browser) -> Iterator[Page]:
    """A fresh, offline, watched page; its test fails on any event left untaken."""
    context = chromium_browser.new_context(**CONTEXT_OPTIONS)
    page = context.new_page()
    events = watch(page)
    yield page
    context.close()
    _assert_no_events(events)


def watch(page: Page) -> PageEvents:
    """Record console errors, uncaught errors and dialogs; block and record the network."""
    if page in _WATCHED:
        return _WATCHED[page]
    events = PageEvents()
    _WATCHED[page] = events

    def on_console(message: ConsoleMessage) -> None:
        # A request we blocked is already in blocked_requests; its console echo comes
        # late and would only repeat it.
        if message.type == "error" and "net::ERR_BLOCKED_BY_CLIENT" not in message.text:
            events.console_errors.append(message.text)

    def on_page_error(error: Error) -> None:
        events.page_errors.append(f"{error.name}: {error.message}")

    def on_dialog(dialog: Dialog) -> None:
        events.dialogs.append(f"{dialog.type}({dialog.message!r})")
        dialog.dismiss()

    def on_request(route: Route) -> None:
        url = route.request.url
        if url.partition(":")[0].lower() in _LOCAL_SCHEMES:
            route.continue_()
        else:
            events.blocked_requests.append(url)
            route.abort("blockedbyclient")

    def on_web_socket(socket: WebSocketRoute) -> None:
        # Never connected to a server: the socket has nowhere to go.
        events.blocked_requests.append(socket.url)

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("dialog", on_dialog)
    page.route("**/*", on_request)
    page.route_web_socket(re.compile(".*"), on_web_socket)
    return events


def events_of(page: Page) -> PageEvents:
    """The events recorded on a watched page (``browser_page`` is watched)."""
    try:
        return _WATCHED[page]
    except KeyError:
        raise ValueError("this page is not watched: use the browser_page fixture") from None


def open_file(page: Page, path: Path) -> None:
    """Load a rendered file as a reader would, from disk, and wait for its fonts."""
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.evaluate("() => document.fonts.ready.then(() => true)")


def open_html(page: Page, html: str) -> None:
    """Load HTML from a string (relative links resolve against ``about:blank``)."""
    page.set_content(html, wait_until="load")
    page.evaluate("() => document.fonts.ready.then(() => true)")


def assert_quiet(page: Page) -> None:
    """Fail if the page logged an error, threw, opened a dialog or tried the network."""
    _assert_no_events(events_of(page))


def _assert_no_events(events: PageEvents) -> None:
    problems = events.problems()
    assert not problems, "the page was not quiet:\n" + "\n".join(f"  - {p}" for p in problems)


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_version() -> str:
    """The pinned axe-core version, from its installed package.json."""
    package = json.loads((AXE_SCRIPT.parent / "package.json").read_text(encoding="utf-8"))
    return str(package["version"])


def axe_violations(page: Page, tags: Iterable[str] = AXE_TAGS) -> list[dict[str, Any]]:
    """Run axe-core on the loaded page and return its violations (WCAG 2.2 AA by default).

    axe is evaluated through the DevTools protocol rather than added as a ``<script>``,
    so it neither changes the DOM it checks nor needs the page's CSP to allow it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    violations: list[dict[str, Any]] = page.evaluate(
        """([tags, extraRules]) => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            rules: Object.fromEntries(extraRules.map(id => [id, {enabled: true}])),
            resultTypes: ['violations'],
        }).then(results => results.violations)""",
        [list(tags), list(AXE_EXTRA_RULES)],
    )
    return violations


def format_violations(violations: Iterable[dict[str, Any]]) -> str:
    """One block per axe rule: id, impact, help, then each offending element."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} [{violation['impact']}] {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            target = " ".join(json.dumps(part) for part in node["target"])
            lines.append(f"    at {target}: {node['html'][:160]}")
            summary = str(node.get("failureSummary") or "").strip()
            lines.extend(f"        {line.strip()}" for line in summary.splitlines())
    return "\n".join(lines)


def assert_accessible(page: Page, tags: Iterable[str] = AXE_TAGS) -> None:
    """Fail, listing every violation and where it is, unless axe-core finds none."""
    violations = axe_violations(page, tags)
    assert not violations, (
        f"{len(violations)} axe-core {axe_version()} rule(s) violated:\n"
        + format_violations(violations)
    )


def screenshot(page: Page, name: str) -> Path:
    """Save ``build/screenshots/<name>.png`` (whole page) and ``<name>-viewport.png``.

    Returns the whole-page file; the viewport file shows what a reader sees first.
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise ValueError(f"screenshot name {name!r}: use letters, digits, '.', '_' and '-'")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    whole_page = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=whole_page, full_page=True, animations="disabled", caret="hide")
    page.screenshot(path=SCREENSHOTS / f"{name}-viewport.png", animations="disabled", caret="hide")
    return whole_page


def assert_inert(page: Page, payloads: Iterable[str] = XSS_PAYLOADS) -> None:
    """Fail unless the payloads rendered as plain text and did nothing.

    Checks the whole page: no payload script ran (``window.__pwned`` unset, no dialog),
    no element carrying :data:`XSS_MARKER` was injected, no ``on*`` attribute or
    ``javascript:`` URL exists, and each of ``payloads`` appears verbatim in the visible
    text (so it was neither dropped, nor run as a template, nor unescaped). Pass only the
    payloads placed in visible text; ones placed in attributes are covered by the rest.
    """
    result = page.evaluate(_INERTNESS_SCRIPT, XSS_MARKER)
    problems: list[str] = list(result["found"])
    problems.extend(f"dialog opened: {dialog}" for dialog in events_of(page).dialogs)
    text = str(result["text"])
    problems.extend(
        f"payload not shown verbatim as text: {payload!r}"
        for payload in payloads
        if payload not in text
    )
    assert not problems, "payloads were not inert:\n" + "\n".join(f"  - {p}" for p in problems)
