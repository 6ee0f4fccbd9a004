"""The site's own search, in a real browser: a glossary term typed in Chinese finds the glossary.

The article behind the book is Chinese, so a reader may search for 反向传播 rather than
"backpropagation". Sphinx's search index splits text into words and the browser looks the query up
in it; these tests run that lookup in Debian's chromium on the built site (the folder in the
environment variable ``BOOK_HTML``, by default ``_build/html``), with every request outside the site
blocked, and read the results the page lists.
"""

from __future__ import annotations

import os
import pathlib
import re
import sys
from urllib.parse import quote

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from test_site import chromium, serve  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = pathlib.Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
FINISHED = re.compile(r"found (\d+) pages?", re.IGNORECASE)

if not (SITE / "search.html").exists():
    pytest.fail(f"{SITE} has no search.html: build the book first (make book), or point BOOK_HTML "
                "at a built site", pytrace=False)


@pytest.fixture(scope="module")
def server():
    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def search(browser, server, query: str) -> list[str]:
    """Run the site's search for ``query``; return the result pages' paths (``chapters/...html``)."""
    context = browser.new_context()
    page = context.new_page()
    page.route(re.compile(r"^(?!" + re.escape(server) + ")"), lambda route: route.abort())
    try:
        page.goto(f"{server}/search.html?q={quote(query)}")
        # searchtools.js writes its summary ("Search finished, found N page(s) ..." or "Your search
        # did not match any documents ...") once every result is listed
        page.wait_for_function(
            "() => (document.querySelector('#search-results .search-summary')?.innerText || '')"
            ".length > 0", timeout=30_000)
        status = page.inner_text("#search-results .search-summary")
        links = page.eval_on_selector_all(
            "#search-results ul.search > li > a:first-of-type", "els => els.map(e => e.href)")
    finally:
        context.close()
    found = FINISHED.search(status)
    count = int(found.group(1)) if found else 0
    assert found or "did not match" in status, f"unexpected search summary: {status!r}"
    paths = [link.removeprefix(server + "/").split("#")[0].split("?")[0] for link in links]
    assert len(paths) == count, f"the page says {count} results but lists {len(paths)}"
    return paths


def chinese_terms() -> list[str]:
    """The Chinese term that opens every entry of ``glossary.md`` ("神经元 (shénjīngyuán). A nerve ...")."""
    text = (ROOT / "glossary.md").read_text(encoding="utf8")
    return re.findall(r"^[^\s:`].*\n  ([^(\n]*?[\u4e00-\u9fff][^(\n]*?) \(", text, re.M)


def test_the_glossary_gives_every_term_in_chinese():
    terms = chinese_terms()
    assert "反向传播" in terms and len(terms) >= 50, terms


@pytest.mark.parametrize("query", chinese_terms())
def test_a_term_typed_in_chinese_finds_the_glossary(browser, server, query):
    results = search(browser, server, query)
    assert "glossary.html" in results, f"searching {query} listed {results}, not the glossary"


def test_english_search_still_finds_the_pages_it_found(browser, server):
    # 16 pages mention backpropagation; the Chinese search must not cost the English one any
    results = search(browser, server, "backpropagation")
    assert len(results) >= 10, f"searching backpropagation found only {results}"
    assert "chapters/03-training/backprop.html" in results
    assert "glossary.html" in results
