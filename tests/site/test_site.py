"""The built site in a real browser (Debian's chromium), with every request outside the site blocked.

Run after the book is built (``make test`` builds it first).  Each page must load with no request
leaving the site, no JavaScript error, every image decoded and every equation typeset by the
MathJax copy served from ``_static``.
"""

from __future__ import annotations

import functools
import http.server
import os
import pathlib
import re
import shutil
import threading

import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from toc_notebooks import toc_notebooks  # noqa: E402

SITE = ROOT / "_build" / "html"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHAPTER_PAGES = [
    "chapters/01-background/background.html",
    "chapters/02-brain/concepts.html",
    "chapters/03-training/training.html",
    "chapters/04-keras/keras.html",
    "chapters/05-future/future.html",
    "chapters/06-faq/faq.html",
]
# every page of the table of contents (chapters and their sections), plus the non-notebook pages
PAGES = ["index.html", "intro.html", "api.html", "references.html"] + [
    str(p.with_suffix(".html")) for p in toc_notebooks(ROOT)
]

if not (SITE / "index.html").exists():
    pytest.fail(f"{SITE} has no index.html: build the book first (make book)", pytrace=False)


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is not installed (make chromium installs Debian's package)", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


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
