"""The whole book as one PDF (``make pdf``), opened with pypdf and checked against its sources.

Every page of the table of contents must be in it, as a bookmark and in the text; the article's
Chinese must be text set in a CJK font (not boxes for missing glyphs); every equation must be
typeset by MathJax (its fonts are embedded, no raw TeX and no TeX error is left in the text); every
numbered figure must be there as an image; the site's navigation must not be printed.

The PDF is ``_build/pdf/book.pdf``, or the file named by ``BOOK_PDF``. It is built
(tools/make_pdf.py, a few minutes) when it is missing or older than the site build
(``_build/html/index.html``, or ``BOOK_HTML``), so ``make test`` always checks a PDF of the book it
has just built; the build time is printed in the test report.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PDF = ROOT / "_build" / "pdf" / "book.pdf"
PDF = Path(os.environ.get("BOOK_PDF", DEFAULT_PDF)).resolve()
SITE = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# What is left in the text when MathJax did not run (delimiters) or failed (its messages).
RAW_TEX = ["\\(", "\\)", "\\[", "\\]", "$$", "\\begin{", "\\frac{"]
TEX_ERRORS = ["not allowed in", "Undefined control sequence", "Missing close brace",
              "Extra close brace", "Unknown environment", "Misplaced &"]
# Text that only the site's navigation carries (header, sidebars, search, footer links).
NAVIGATION = ["Skip to main content", "Search this book", "Ctrl+K", "Back to top",
              "Toggle navigation"]


@dataclass
class Book:
    reader: PdfReader
    pages: list[str]  # extracted text, one string per page

    @cached_property
    def text(self) -> str:
        return "\n".join(self.pages)

    @cached_property
    def squashed(self) -> str:
        return squash(self.text)

    @cached_property
    def bookmarks(self) -> list[str]:
        return [squash(title) for title in _outline_titles(self.reader.outline)]


def squash(text: str) -> str:
    """Text as compared across PDF and sources: no ligatures, plain quotes, no spaces.

    Sphinx turns ' and " into typographic quotes, Chromium sets "fi" as a ligature, and a title may
    wrap onto a second line (pypdf then drops the space at the break).
    """
    text = unicodedata.normalize("NFKC", text)
    quotes = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
    text = text.translate(str.maketrans(quotes))
    return re.sub(r"\s+", "", text)


def _stale() -> bool:
    if not PDF.exists():
        return True
    index = SITE / "index.html"
    return index.exists() and index.stat().st_mtime > PDF.stat().st_mtime


@pytest.fixture(scope="module")
def book(request: pytest.FixtureRequest) -> Book:
    if _stale():
        cmd = [sys.executable, str(ROOT / "tools" / "make_pdf.py"), "--out", str(PDF)]
        if PDF == DEFAULT_PDF and SITE.is_dir():
            cmd += ["--site", str(SITE)]  # as `make pdf` does: the download menu links to it
        start = time.perf_counter()
        run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if run.returncode != 0:
            pytest.fail(f"tools/make_pdf.py failed:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}",
                        pytrace=False)
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("")
            for line in run.stdout.strip().splitlines() + run.stderr.strip().splitlines():
                reporter.write_line(f"make_pdf: {line}")
            seconds = time.perf_counter() - start
            reporter.write_line(f"make_pdf: built by the test in {seconds:.0f} s")
    reader = PdfReader(PDF)
    return Book(reader, [page.extract_text() for page in reader.pages])


def toc_files(root: Path = ROOT) -> list[Path]:
    """Every page of the table of contents (root, chapters, sections), in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf8"))
    names = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            names.append(entry["file"])
            walk(entry.get("sections", []))

    walk(toc.get("chapters", []))
    return [next(root / (n + ext) for ext in (".md", ".ipynb") if (root / (n + ext)).exists())
            for n in names]


def _markdown(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf8"))["cells"]
        return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    return [path.read_text(encoding="utf8")]


def page_title(path: Path) -> str:
    """The page's h1 as a reader sees it: roles, code spans and emphasis reduced to their text."""
    for text in _markdown(path):
        match = re.search(r"^# (.+)$", text, re.M)
        if match:
            title = match.group(1)
            title = re.sub(r"\{[\w:-]+\}`([^`<]*?)\s*(<[^>]*>)?`", r"\1", title)  # {r}`a <b>`
            title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)               # [a](b)
            return re.sub(r"[`*_]", "", title).strip()
    raise AssertionError(f"{path.relative_to(ROOT)} has no '# title' line")


def _outline_titles(outline: list) -> list[str]:
    titles: list[str] = []
    for item in outline:
        if isinstance(item, list):
            titles += _outline_titles(item)
        else:
            titles.append(item.title)
    return titles


def _fonts(page) -> set[str]:  # type: ignore[no-untyped-def]
    """Names of the fonts a page uses (a Type0 font's name is in its descendant)."""
    names = set()
    for ref in (page.get("/Resources") or {}).get("/Font", {}).values():
        font = ref.get_object()
        names.add(str(font.get("/BaseFont")))
        for descendant in font.get("/DescendantFonts", []):
            names.add(str(descendant.get_object().get("/BaseFont")))
        if "/FontDescriptor" in font:
            names.add(str(font["/FontDescriptor"].get_object().get("/FontName")))
    return names


def _images(page) -> set[int]:  # type: ignore[no-untyped-def]
    """Object numbers of the images drawn on a page (also inside form XObjects)."""
    found: set[int] = set()

    def walk(xobjects) -> None:  # type: ignore[no-untyped-def]
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found.add(ref.idnum)
            elif obj.get("/Subtype") == "/Form":
                walk((obj.get("/Resources") or {}).get("/XObject", {}))

    walk((page.get("/Resources") or {}).get("/XObject", {}))
    return found


def test_squash_and_titles_read_as_the_reader_sees_them():
    assert squash("The article\u2019s \ufb01rst\nstep") == squash("The article's first step")
    assert squash("a b") != squash("a c")
    assert page_title(ROOT / "intro.md") == "Neural Networks and the Brain"


def test_page_count_is_sane(book):
    """Every chapter starts a page; a layout fault (a figure per page) multiplies them."""
    n_pages, n_toc = len(book.pages), len(toc_files())
    assert 4 * n_toc <= n_pages <= 20 * n_toc, f"{n_pages} pages for {n_toc} pages of the book"


@pytest.mark.parametrize("path", toc_files(), ids=lambda p: p.stem)
def test_every_page_of_the_toc_is_in_the_pdf(book, path):
    """The page's title is in the text and is a bookmark of the PDF's outline."""
    title, shown = squash(page_title(path)), page_title(path)
    assert title in book.squashed, f"{shown!r} is not in the PDF's text"
    assert any(title in entry for entry in book.bookmarks), f"{shown!r} is not a bookmark"


def test_chinese_text_is_rendered(book):
    """Every run of Chinese in the book's prose is in the PDF, set in a CJK font."""
    runs = {run for path in toc_files() for text in _markdown(path) for run in CJK.findall(text)}
    assert runs, "the book's prose has no Chinese: the article's terms were expected"
    missing = sorted(run for run in runs if run not in book.squashed)
    assert not missing, f"Chinese text missing from the PDF: {missing[:10]}"
    pages = zip(book.reader.pages, book.pages, strict=True)
    cjk_pages = [page for page, page_text in pages if CJK.search(page_text)]
    no_font = [page for page in cjk_pages if not any("WenQuanYi" in f for f in _fonts(page))]
    assert not no_font, f"{len(no_font)} of {len(cjk_pages)} pages with Chinese use no CJK font"


def test_equations_are_typeset_by_mathjax(book):
    fonts = set().union(*(_fonts(page) for page in book.reader.pages))
    mathjax = sorted(f for f in fonts if "MathJax_" in f)
    assert any("MathJax_Main" in f for f in mathjax), f"MathJax's fonts are not in: {sorted(fonts)}"
    assert any("MathJax_Math" in f for f in mathjax), f"no math italic among {mathjax}"
    raw = {marker: book.text.count(marker) for marker in RAW_TEX if marker in book.text}
    assert not raw, f"TeX left untypeset in the PDF: {raw}"


def test_no_tex_errors(book):
    """MathJax typesets a TeX error as a red message in place of the equation."""
    errors = [line.strip() for line in book.text.splitlines() if any(e in line for e in TEX_ERRORS)]
    assert not errors, f"{len(errors)} TeX errors printed in the PDF, e.g. {errors[:3]}"


def test_every_numbered_figure_is_an_image(book):
    numbers = sorted({int(n) for n in re.findall(r"\bFig\. (\d+)\b", book.text)})
    assert numbers, "no figure captions in the PDF"
    assert numbers == list(range(1, numbers[-1] + 1)), "figure numbers are not contiguous"
    images = set().union(*(_images(page) for page in book.reader.pages))
    assert len(images) >= numbers[-1], f"{len(images)} images for {numbers[-1]} figures"


def test_navigation_is_not_printed(book):
    printed = [text for text in NAVIGATION if text in book.text]
    assert not printed, f"the site's navigation is in the PDF: {printed}"


def test_run_page_quotes_the_message_of_a_notebook_without_the_package(book):
    """'Run this book' quotes exactly what a downloaded notebook raises without ``companion``."""
    notebook = next(p for p in toc_files() if p.suffix == ".ipynb")
    cells = json.loads(notebook.read_text(encoding="utf8"))["cells"]
    guard = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    blocker = "import sys; sys.modules['companion'] = None\n"  # importing it now raises
    run = subprocess.run([sys.executable, "-c", blocker + guard], capture_output=True, text=True)
    message = run.stderr.strip().splitlines()[-1]
    assert message.startswith("ModuleNotFoundError: This notebook needs"), message
    assert squash(message) in book.squashed
