"""Print the whole book to one PDF, offline, with Debian's chromium (``make pdf``).

1. Build the book as one HTML page (``jupyter-book build --builder singlehtml``) from the committed
   notebook outputs: the configuration is ``_config.yml`` with execution off, written by
   ``tools/book_config.py`` (strict nbval is what proves those outputs reproduce).
2. Serve that page on 127.0.0.1 and open it in chromium through Playwright. Every request that does
   not go to that server is aborted, and the build fails if one was attempted: the PDF is made with
   the network cut, exactly as a reader on a plane would make it.
3. Wait until every image has decoded, MathJax (served from ``_static/mathjax``) has typeset every
   equation and the web fonts are loaded; open the exercises' solutions (a reader of paper cannot
   click them open) and hide the site's navigation.
4. Print with ``page.pdf()``: A4, margins, page numbers in the footer, the headings as the PDF's
   outline (bookmarks).

Usage::

    python tools/make_pdf.py                       # writes _build/pdf/book.pdf
    python tools/make_pdf.py --site _build/html    # ... and copies it into the site as book.pdf
    python tools/make_pdf.py --html DIR            # print an existing single-page build in DIR

The single-page build lands next to the PDF (``_build/pdf/_build/singlehtml``); Sphinx rebuilds only
what changed on a repeated run.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PDF = ROOT / "_build" / "pdf" / "book.pdf"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The name the site's download menu links to (see _templates/article-header-buttons.html).
SITE_NAME = "book.pdf"
# Flags that work for Debian's chromium as root with no network (TOOLCHAIN.md, trap 14).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

# Print rules added to the page: the theme's own print sheet keeps the header bar, the article's
# buttons and the previous/next links; a book on paper needs none of them.
PRINT_CSS = """
@page { size: A4; }
.bd-header, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary, .prev-next-area,
.bd-footer, .bd-footer-article, .bd-footer-content, #pst-back-to-top, .search-button__wrapper,
.skip-link, .toggle-button, button.copybtn, a.headerlink, #jb-print-toc {
  display: none !important; }
.bd-main .bd-content { margin-left: 0 !important; }
.bd-container, .bd-container__inner, .bd-page-width, .bd-main, .bd-content, .bd-article-container,
.bd-article { max-width: 100% !important; width: 100% !important; padding-left: 0 !important;
  padding-right: 0 !important; margin: 0 !important; }
h1, h2, h3, h4 { break-after: avoid; }
div.cell_output img, figure, table, .admonition, div.cell_input { break-inside: avoid; }
pre { white-space: pre-wrap !important; word-break: break-word; }
/* every chapter (a page of the table of contents; its h1 is an h2 here) starts a page */
.bd-article > section > .toctree-wrapper > section { break-before: page; }
"""
# The page's text width in CSS pixels (A4 is 210 mm wide; 96 px to the inch): the page is laid out
# at this width before wide equations and tables are measured and shrunk to fit.
MARGIN_MM = {"top": 18, "bottom": 20, "left": 16, "right": 16}
TEXT_WIDTH_PX = round((210 - MARGIN_MM["left"] - MARGIN_MM["right"]) / 25.4 * 96)
# On screen a too-wide equation or table scrolls; on paper it would be cut off at the margin.
FIT_WIDE = """() => {
    const wide = document.querySelectorAll(
        'mjx-container[display="true"], .pst-scrollable-table-container, .bd-article table');
    let shrunk = 0;
    for (const el of wide) {
        if (el.scrollWidth > el.clientWidth + 1) {
            el.style.zoom = (0.98 * el.clientWidth / el.scrollWidth).toFixed(3);
            shrunk += 1;
        }
    }
    return shrunk;
}"""

FOOTER = (
    '<div style="font-size:8pt; width:100%; text-align:center; color:#555;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


class OutsideRequest(RuntimeError):
    """A request tried to leave the machine while the book was printed."""


def build_singlehtml(work: Path) -> Path:
    """Build the book as one HTML page under ``work``; return the folder that holds it."""
    config = work / "config-committed-outputs.yml"
    run([sys.executable, str(ROOT / "tools" / "book_config.py"), "off", str(config)])
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    run([str(jupyter_book), "build", str(ROOT), "--builder", "singlehtml",
         "--path-output", str(work), "--config", str(config), "-W", "--keep-going", "--quiet"])
    return work / "_build" / "singlehtml"


def run(cmd: list[str]) -> None:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0", PYTHONHASHSEED="0",
               MPLBACKEND="Agg")
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free port of 127.0.0.1; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def root_page(root: Path = ROOT) -> str:
    """The single page's file name: the table of contents' root (``intro`` -> ``intro.html``)."""
    import yaml

    return yaml.safe_load((root / "_toc.yml").read_text(encoding="utf8"))["root"] + ".html"


def print_pdf(html_dir: Path, pdf: Path, page_name: str | None = None) -> dict:
    """Open ``html_dir/page_name`` in chromium, offline, and print it to ``pdf``.

    Returns what was waited for: the number of equations typeset and of images decoded.
    Raises :class:`OutsideRequest` if any request tried to leave 127.0.0.1.
    """
    from playwright.sync_api import sync_playwright

    page_name = page_name or root_page()
    if not (html_dir / page_name).exists():
        raise FileNotFoundError(f"{html_dir / page_name} does not exist: build the book first")
    if not os.path.exists(CHROMIUM):
        raise FileNotFoundError("chromium is missing (make chromium installs Debian's package)")
    outside: list[str] = []
    tmp = pdf.with_suffix(".pdf.part")
    with serve(html_dir) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": TEXT_WIDTH_PX, "height": 1000})

            def route(r):  # type: ignore[no-untyped-def]
                url = r.request.url
                if url.startswith(server + "/") or url.startswith(("data:", "blob:", "about:")):
                    r.continue_()
                else:
                    outside.append(url)
                    r.abort()

            page.route("**/*", route)
            page.goto(f"{server}/{page_name}", wait_until="load", timeout=300_000)
            counts = _settle(page)
            page.add_style_tag(content=PRINT_CSS)
            page.emulate_media(media="print")
            counts["shrunk to fit"] = page.evaluate(FIT_WIDE)
            pdf.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(tmp), format="A4", print_background=True, outline=True, tagged=True,
                     margin={side: f"{mm}mm" for side, mm in MARGIN_MM.items()},
                     display_header_footer=True, header_template="<div></div>",
                     footer_template=FOOTER)
        except Exception as error:
            if outside:  # the cause of a missing image or a MathJax time-out: name it first
                raise OutsideRequest(_outside_message(outside)) from error
            raise
        finally:
            browser.close()
    if outside:
        tmp.unlink(missing_ok=True)
        raise OutsideRequest(_outside_message(outside))
    tmp.replace(pdf)
    return counts


def _outside_message(outside: list[str]) -> str:
    return f"{len(outside)} request(s) tried to leave the machine (aborted): {outside[:5]}"


def _settle(page) -> dict:  # type: ignore[no-untyped-def]
    """Wait until the page is complete on paper: images, equations, solutions, fonts."""
    # images below the fold may be lazy: load them all, then wait until each has decoded
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    page.wait_for_function(
        "Array.from(document.images).every(i => i.complete)", timeout=120_000, polling=250)
    broken = page.evaluate(
        "Array.from(document.images).filter(i => !(i.naturalWidth > 0)).map(i => i.src)")
    if broken:
        raise RuntimeError(f"images that did not load: {broken[:5]}")
    n_math = page.locator(".math").count()
    if n_math:
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=120_000)
        page.evaluate("MathJax.startup.promise")
        typeset = page.locator("mjx-container").count()
        if typeset < n_math:
            raise RuntimeError(f"MathJax typeset {typeset} of {n_math} equations")
        # a TeX error is typeset as a red message: list it (the PDF's test fails on it)
        errors = page.evaluate("""Array.from(document.querySelectorAll('mjx-merror')).map(e =>
            `${(e.closest('section') || {}).id}: ${e.getAttribute('data-mjx-error')}`)""")
        for error in errors:
            print(f"warning: MathJax error in #{error}", file=sys.stderr)
    # on paper a solution cannot be clicked open: show every toggled block
    page.evaluate("""() => {
        document.querySelectorAll('.toggle-hidden')
            .forEach(e => e.classList.remove('toggle-hidden'));
        document.querySelectorAll('details').forEach(d => d.open = true);
    }""")
    page.evaluate("document.fonts.ready")
    return {"equations": n_math, "images": page.evaluate("document.images.length")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_PDF, help="the PDF to write")
    parser.add_argument("--html", type=Path,
                        help="print this single-page build instead of building one")
    parser.add_argument("--site", type=Path,
                        help=f"also copy the PDF into this site folder as {SITE_NAME}")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    start = time.perf_counter()
    html_dir = args.html.resolve() if args.html else build_singlehtml(out.parent)
    built = time.perf_counter()
    counts = print_pdf(html_dir, out)
    done = time.perf_counter()
    from pypdf import PdfReader

    pages = len(PdfReader(out).pages)
    print(f"{out}: {pages} pages, {out.stat().st_size / 1e6:.1f} MB, "
          f"{counts['equations']} equations, {counts['images']} images, "
          f"{counts['shrunk to fit']} wide equations or tables shrunk to fit; "
          f"single-page build {built - start:.0f} s, printing {done - built:.0f} s")
    if args.site:
        if not args.site.is_dir():
            print(f"{args.site} does not exist: the PDF was not copied into the site",
                  file=sys.stderr)
            return 1
        shutil.copyfile(out, args.site / SITE_NAME)
        print(f"copied to {args.site / SITE_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
