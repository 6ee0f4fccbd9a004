"""The built site in a real browser (Debian's chromium), with every request outside the site blocked.

Run after the book is built (``make test`` builds it first).  Each page must load with no request
leaving the site, no JavaScript error, every image decoded and every equation typeset by the
MathJax copy served from ``_static``.  The site is ``_build/html``, or the folder named by the
environment variable ``BOOK_HTML`` (``BOOK_HTML=/tmp/site/_build/html pytest tests/site``).
Accessibility (axe-core, keyboard, console, both themes) is checked in ``test_a11y.py``.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import re
import sys
from collections.abc import Iterator

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = pathlib.Path(os.environ.get("BOOK_HTML") or ROOT / "_build" / "html").resolve()
# the local server and the chromium flags of the PDF build (tools/make_pdf.py), shared, not copied
sys.path.insert(0, str(ROOT / "tools"))
from make_pdf import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from make_pdf import serve as serve_folder  # noqa: E402

CHAPTER_PAGES = [
    "chapters/01-background/background.html",
    "chapters/02-brain/concepts.html",
    "chapters/03-training/training.html",
    "chapters/04-keras/keras.html",
    "chapters/05-future/future.html",
    "chapters/06-faq/faq.html",
]


def toc_pages(root: pathlib.Path = ROOT) -> list[str]:
    """The HTML page of every entry of ``_toc.yml`` (root, chapters, sections, parts), in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf8"))
    found: list[str] = []

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                found.append(str(pathlib.PurePosixPath(entry["file"]).with_suffix(".html")))
            for key in ("chapters", "sections", "parts"):
                walk(entry.get(key, []))

    walk([{"file": toc["root"]}] + toc.get("chapters", []) + toc.get("parts", []))
    return found


# every page of the table of contents, plus the redirect Jupyter Book writes as index.html
PAGES = ["index.html"] + toc_pages()

if not (SITE / "index.html").exists():
    pytest.fail(f"{SITE} has no index.html: build the book first (make book)", pytrace=False)


def serve(site: pathlib.Path = SITE) -> contextlib.AbstractContextManager[str]:
    """Serve ``site`` on a free local port for the duration of the block; yield its base URL."""
    return serve_folder(site)


@contextlib.contextmanager
def chromium() -> Iterator:
    """One headless Debian chromium, driven by Playwright, for the duration of the block."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is not installed (make chromium installs Debian's package)", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def server():
    with serve() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _visit(browser, server, page_path):
    """Load one page; return (page, outside requests, JS errors)."""
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(server) or url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/{page_path}", wait_until="load")
    page.wait_for_load_state("networkidle")
    return context, page, outside, errors


def test_pages_come_from_the_table_of_contents():
    """Every TOC entry is checked, so a page added to _toc.yml is checked without editing a list."""
    assert "intro.html" in PAGES and "references.html" in PAGES and "api.html" in PAGES
    assert set(CHAPTER_PAGES) <= set(PAGES)
    assert len(PAGES) == len(set(PAGES)), "a page is listed twice"


@pytest.mark.parametrize("page_path", PAGES)
def test_page_renders_offline(browser, server, page_path):
    assert (SITE / page_path).exists(), f"{page_path} was not built"
    raw = (SITE / page_path).read_text()
    # progress bars must be shown as a terminal shows them, not as boxes for control characters
    assert "\x08" not in raw and "\r" not in raw, "control characters in the page"
    context, page, outside, errors = _visit(browser, server, page_path)
    try:
        assert outside == [], f"requests left the site: {outside}"
        assert errors == [], f"JavaScript errors: {errors}"
        assert page.locator("h1").count() >= 1
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
            ".map(i => i.src)"
        )
        assert broken == [], f"images that did not load: {broken}"
        missing_alt = page.evaluate(
            "Array.from(document.querySelectorAll('main img')).filter(i => !i.alt).map(i => i.src)"
        )
        assert missing_alt == [], f"figures without alt text: {missing_alt}"
        n_math = page.locator("main .math").count()
        if n_math:
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.evaluate("MathJax.startup.promise")
            typeset = page.locator("main mjx-container").count()
            assert typeset >= n_math, f"{typeset} of {n_math} equations typeset"
            # MathJax shows a TeX error as red text on yellow instead of failing: find them
            math_errors = page.evaluate(
                "Array.from(document.querySelectorAll('main mjx-merror'))"
                ".map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 80))"
            )
            assert math_errors == [], f"equations MathJax could not typeset: {math_errors}"
            mathjax_src = page.evaluate(
                "Array.from(document.scripts).map(s => s.src).filter(s => /mathjax/i.test(s))"
            )
            assert mathjax_src and all(s.startswith(server) for s in mathjax_src)
    finally:
        context.close()


def test_navigation_lists_the_six_chapters(browser, server):
    context, page, _, _ = _visit(browser, server, "intro.html")
    try:
        hrefs = page.evaluate(
            "Array.from(document.querySelectorAll('nav.bd-links a')).map(a => a.getAttribute('href'))"
        )
        for chapter in CHAPTER_PAGES:
            name = chapter.rsplit("/", 1)[-1]
            assert any(h and h.endswith(name) for h in hrefs), f"{chapter} missing from navigation"
    finally:
        context.close()


def test_chapter4_prose_matches_printed_accuracy(browser, server):
    """The accuracy glued into the prose is the one the article's `print` shows on the page."""
    context, page, _, _ = _visit(browser, server, "chapters/04-keras/keras.html")
    try:
        text = page.inner_text("main")
        printed = re.search(r"Accuracy: (0\.\d+)", text)
        assert printed, "the article's print(f'Accuracy: {accuracy:.4f}') output is not on the page"
        expected = f"{float(printed.group(1)):.1%}"
        assert f"classifies {expected} of" in text.replace("\n", " ")
    finally:
        context.close()
