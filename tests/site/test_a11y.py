"""Accessibility of the built site: axe-core (WCAG 2.0/2.1 A and AA), keyboard, console, both themes.

Every page of the table of contents is opened once per colour theme, in a fresh browser context
whose system preference (``prefers-color-scheme``) is light or dark: the book's default mode is
``auto``, so that is how a reader's theme is chosen.  One visit per page and theme collects
everything the tests below assert:

* axe-core (bundled by ``axe-playwright-python``, so it runs offline) finds no violation of the
  WCAG 2.0/2.1 A and AA rules - no rule is switched off;
* the console shows no error or warning and no request fails (a missing ``favicon.ico`` included);
* the theme really applies (``data-theme`` and the computed background of ``body``);
* from page load, Tab reaches the skip link first and then the search button, Enter on that button
  puts the cursor in the search field, and the skip link moves focus to the main content.

``python tests/site/test_a11y.py`` prints the axe results per rule (page-views and elements).
"""

from __future__ import annotations

import collections
import dataclasses
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from test_site import PAGES, chromium, serve  # noqa: E402

THEMES = ("light", "dark")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
MAX_TABS = 60  # Tab presses allowed to reach the search button from page load
SEARCH_BUTTON = ".search-button__button"
SEARCH_FIELD = ".search-button__search-container input[name='q'], form.bd-search input[name='q']"
# A11Y_PAGES are the TOC pages without index.html, which only redirects to intro.html
A11Y_PAGES = [p for p in PAGES if p != "index.html"]


@dataclasses.dataclass
class Visit:
    """What one page showed in one theme."""

    page: str
    theme: str
    console: list[str]          # console errors and warnings, uncaught exceptions
    failed: list[str]           # requests answered >= 400 or not answered
    data_theme: str             # <html data-theme>, as the theme's script set it
    body_luminance: float       # relative luminance of body's computed background colour
    tab_order: list[str]        # what Tab focused, in order, until the search button
    search_field_focused: bool  # Enter on the search button put the cursor in the search field
    skip_lands_in_main: bool    # after the skip link, the next Tab focuses something in <main>
    violations: list[dict]      # axe-core violations (id, impact, help, nodes)


_JS_DESCRIBE = """e => !e || e === document.body ? 'body' :
    e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
    (e.closest('#pst-skip-link') ? '[skip-link]' : '')"""

_JS_LUMINANCE = """() => {
    const m = getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number);
    const c = m.slice(0, 3).map(v => v / 255)
        .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}"""


def visit(browser, server: str, page_path: str, theme: str) -> Visit:
    """Open ``page_path`` with the system colour scheme ``theme``; keyboard walk, then axe-core."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=theme)
    page = context.new_page()
    console: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: console.append(f"exception: {e}"))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    try:
        page.goto(f"{server}/{page_path}", wait_until="load")
        page.wait_for_load_state("networkidle")
        if page.locator(".math").count():  # axe must see the typeset equations
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.evaluate("MathJax.startup.promise")
        data_theme = page.evaluate("document.documentElement.dataset.theme")
        luminance = page.evaluate(_JS_LUMINANCE)

        # keyboard: from page load, Tab until the search button (the skip link should come first)
        tab_order: list[str] = []
        for _ in range(MAX_TABS):
            page.keyboard.press("Tab")
            tab_order.append(page.evaluate(f"({_JS_DESCRIBE})(document.activeElement)"))
            if page.evaluate(f"document.activeElement.matches({SEARCH_BUTTON!r})"):
                break
        search_field_focused = False
        if page.evaluate(f"document.activeElement.matches({SEARCH_BUTTON!r})"):
            page.keyboard.press("Enter")
            page.wait_for_timeout(100)
            search_field_focused = page.evaluate(f"document.activeElement.matches({SEARCH_FIELD!r})")
            page.keyboard.press("Escape")
        page.focus("#pst-skip-link a")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        skip_lands_in_main = page.evaluate("!!document.activeElement.closest('main')")

        # console and requests are judged before axe runs: axe fetches stylesheets again for its
        # CSS rules and resolves their @import against the page, not the stylesheet (a 404 of its own)
        console_seen, failed_seen = list(console), list(failed)
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    finally:
        context.close()
    return Visit(page_path, theme, console_seen, failed_seen, data_theme, luminance, tab_order,
                 search_field_focused, skip_lands_in_main, violations)


def describe(violations: list[dict], where: str, examples: int = 3) -> str:
    """One line per axe violation: rule id, impact, where, element count, a few target selectors."""
    lines = []
    for v in violations:
        targets = ["".join(map(str, n["target"])) for n in v["nodes"][:examples]]
        lines.append(f"{v['id']} ({v['impact']}) on {where}: {len(v['nodes'])} element(s), "
                     f"e.g. {targets} - {v['help']}")
    return "\n".join(lines)


# one browser and one server for the module; each (page, theme) is visited once, on first use
@pytest.fixture(scope="module")
def visits():
    with serve() as server, chromium() as browser:
        cache: dict[tuple[str, str], Visit] = {}

        def get(page_path: str, theme: str) -> Visit:
            if (page_path, theme) not in cache:
                cache[page_path, theme] = visit(browser, server, page_path, theme)
            return cache[page_path, theme]

        yield get


CASES = [pytest.param(p, t, id=f"{t}-{p}") for t in THEMES for p in A11Y_PAGES]


@pytest.mark.parametrize(("page_path", "theme"), CASES)
def test_axe_finds_no_wcag_violation(visits, page_path, theme):
    v = visits(page_path, theme)
    where = f"{page_path} [{theme}]"
    assert v.violations == [], "axe-core, WCAG 2.0/2.1 A+AA:\n" + describe(v.violations, where)


@pytest.mark.parametrize(("page_path", "theme"), CASES)
def test_console_is_clean_and_every_request_succeeds(visits, page_path, theme):
    v = visits(page_path, theme)
    assert v.console == [], f"console errors/warnings on {page_path} [{theme}]: {v.console}"
    assert v.failed == [], f"failed requests on {page_path} [{theme}]: {v.failed}"


@pytest.mark.parametrize(("page_path", "theme"), CASES)
def test_theme_applies(visits, page_path, theme):
    v = visits(page_path, theme)
    assert v.data_theme == theme, f"{page_path}: system prefers {theme}, page has data-theme={v.data_theme!r}"
    shown = f"{page_path} [{theme}]: body background has luminance {v.body_luminance:.2f}"
    if theme == "dark":
        assert v.body_luminance < 0.05, shown
    else:
        assert v.body_luminance > 0.9, shown


@pytest.mark.parametrize(("page_path", "theme"), CASES)
def test_keyboard_reaches_skip_link_and_search(visits, page_path, theme):
    v = visits(page_path, theme)
    where = f"{page_path} [{theme}]"
    first = v.tab_order[:1]
    assert first and first[0].endswith("[skip-link]"), f"first Tab on {where} focuses {first}"
    assert any(SEARCH_BUTTON.lstrip(".") in t for t in v.tab_order), (
        f"search button not reached in {MAX_TABS} Tabs on {where}; focus went {v.tab_order[:8]}...")
    assert v.search_field_focused, f"Enter on the search button of {where} does not focus the search field"
    assert v.skip_lands_in_main, f"after the skip link on {where}, Tab does not land in the main content"


def test_describe_names_rule_page_theme_and_targets():
    violation = {"id": "color-contrast", "impact": "serious", "help": "Elements must meet contrast",
                 "nodes": [{"target": [f"#a{i}"]} for i in range(5)]}
    text = describe([violation], "intro.html [dark]")
    assert text.startswith("color-contrast (serious) on intro.html [dark]: 5 element(s)")
    assert "#a0" in text and "#a2" in text and "#a3" not in text


def main() -> int:
    """Print axe's violations per rule and theme (page-views, elements), console and request failures."""
    per_rule: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    problems = []
    with serve() as server, chromium() as browser:
        for theme in THEMES:
            for page_path in A11Y_PAGES:
                v = visit(browser, server, page_path, theme)
                for violation in v.violations:
                    per_rule[violation["id"], theme][0] += 1
                    per_rule[violation["id"], theme][1] += len(violation["nodes"])
                problems += [f"{page_path} [{theme}] {x}" for x in v.console + v.failed]
    print(f"{len(A11Y_PAGES)} pages x {len(THEMES)} themes; axe-core violations (WCAG 2.0/2.1 A+AA):")
    for (rule, theme), (views, elements) in sorted(per_rule.items()):
        print(f"  {rule:28s} {theme:5s} page-views {views:3d}  elements {elements:4d}")
    print(f"  total: {sum(n for n, _ in per_rule.values())} page-views with a violation")
    print(f"console errors/warnings and failed requests: {len(problems)}")
    for line in problems[:20]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
