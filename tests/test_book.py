"""The book's structure: six chapters in the article's order, every notebook in the TOC, executed,
clean, seeded and importing the companion package."""

from __future__ import annotations

import json
import pathlib
import re
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from toc_notebooks import toc_notebooks  # noqa: E402

CHAPTERS = ["01-background", "02-brain", "03-training", "04-keras", "05-future", "06-faq"]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*/*.ipynb"))


def _code_cells(path: pathlib.Path) -> list[dict]:
    nb = json.loads(path.read_text())
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_six_chapters_in_the_articles_order():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [entry["file"] for entry in toc["chapters"]]
    chapter_files = [f for f in files if f.startswith("chapters/")]
    assert [f.split("/")[1] for f in chapter_files] == CHAPTERS


def test_every_notebook_is_in_the_toc_and_every_toc_entry_exists():
    listed = {ROOT / p for p in toc_notebooks(ROOT)}
    assert set(NOTEBOOKS) == listed
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for entry in toc["chapters"]:
        assert any((ROOT / (entry["file"] + ext)).exists() for ext in (".ipynb", ".md")), entry


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_notebook_is_executed_in_order_and_clean(path):
    cells = _code_cells(path)
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), "run it top to bottom in a fresh kernel"
    for c in cells:
        for out in c["outputs"]:
            assert out["output_type"] != "error", "".join(c["source"])
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), out["text"]
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            # a memory address differs on every run: strict nbval would fail on it
            assert " at 0x" not in text, text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name + "/" + p.stem)
def test_notebook_imports_companion_and_seeds_first(path):
    """A hidden first cell turns a missing package into a message that says how to install it."""
    guard, first = _code_cells(path)[:2]
    source = "".join(guard["source"])
    assert "import companion" in source and "except ModuleNotFoundError" in source
    assert "pip install" in source and "Run this book" in source
    assert "remove-cell" in guard["metadata"].get("tags", []), "hide the guard cell from the page"
    assert guard["outputs"] == []
    first = "".join(first["source"])
    assert "import companion" in first or "from companion" in first
    assert "seed_everything(" in first or "tf.setup(seed=" in first


def test_guard_cell_explains_a_missing_companion_package():
    """Run the guard cell of a notebook where ``companion`` cannot be imported."""
    import subprocess

    guard = "".join(_code_cells(NOTEBOOKS[0])[0]["source"])
    blocker = "import sys; sys.modules['companion'] = None\n"  # importing it now raises ModuleNotFoundError
    run = subprocess.run([sys.executable, "-c", blocker + guard], capture_output=True, text=True)
    assert run.returncode == 1
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: This notebook needs the book's companion package"), last


@pytest.mark.parametrize("path", NOTEBOOKS + sorted(ROOT.glob("*.md")), ids=lambda p: p.name)
def test_no_todo_pages(path):
    assert "TODO" not in path.read_text()


def test_mathjax_is_served_locally():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "sphinx-mathjax-offline" in config["sphinx"]["extra_extensions"]
    assert config["execute"]["stderr_output"] == "error"


# --- outputs that reproduce on any machine (see the README's "How outputs are compared") ---

_DECIMAL = re.compile(r"(?<![\w.])[-+]?(\d+\.\d+)(?:[eE][-+]?\d+)?(?![\w.])")
#: A float's digits beyond this many belong to the CPU (its BLAS kernel, its SIMD paths), not to the
#: book: a committed output that shows more fails strict nbval on a reader's machine.
MAX_SIGNIFICANT_DIGITS = 7


def _significant_digits(literal: str) -> int:
    return len(literal.replace(".", "").lstrip("0").rstrip("0"))


def _output_texts(path: pathlib.Path):
    """Every text a notebook's committed outputs show or glue, with its code cell's number."""
    for number, cell in enumerate(_code_cells(path), start=1):
        for out in cell["outputs"]:
            if "text" in out:
                yield number, "".join(out["text"])
            for key, value in out.get("data", {}).items():
                if key.endswith(("text/plain", "text/html", "text/markdown")):
                    yield number, "".join(value) if isinstance(value, list) else value


def test_significant_digits_counts_what_a_reader_sees():
    assert _significant_digits("0.000117") == 3
    assert _significant_digits("150000000000000.0") == 2
    assert _significant_digits("1.0962632048324197") == 17
    found = [m.group(1) for m in _DECIMAL.finditer("loss 0.1661, 1.5e-05 and v1.2.3 x2.5")]
    assert found == ["0.1661", "1.5"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name + "/" + p.stem)
def test_no_output_shows_float_noise(path):
    noisy = [(cell, m.group(0)) for cell, text in _output_texts(path) for m in _DECIMAL.finditer(text)
             if _significant_digits(m.group(1)) > MAX_SIGNIFICANT_DIGITS]
    assert not noisy, (
        f"code cells show floats with more than {MAX_SIGNIFICANT_DIGITS} significant digits: {noisy[:5]}; "
        "round them to what the text means (companion.report.glue/sig/below)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name + "/" + p.stem)
def test_notebooks_glue_through_companion_report(path):
    """myst_nb.glue stores a float's full repr; companion.report.glue rounds it first."""
    for cell in _code_cells(path):
        assert "myst_nb" not in "".join(cell["source"]), "use companion.report.glue"


def _sanitize_rules() -> list[tuple[str, str]]:
    # the same pattern nbval uses to read --nbval-sanitize-with files
    text = (ROOT / "nbval_sanitize.cfg").read_text()
    return re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.MULTILINE)


def _sanitize(text: str) -> str:
    for regex, replace in _sanitize_rules():
        text = re.sub(regex, replace, text)
    return text


def test_sanitize_masks_glued_png_bytes_and_keras_timings_only():
    pngs = [out["data"][key] for path in NOTEBOOKS for cell in _code_cells(path) for out in cell["outputs"]
            for key in out.get("data", {}) if key == "application/papermill.record/image/png"]
    assert pngs, "the book glues its figures"
    for png in pngs:
        assert _sanitize("".join(png)) == "<PNG image>"
    line = "\x1b[1m45/45\x1b[0m \x1b[1m0s\x1b[0m 923us/step - accuracy: 0.8379 - loss: 1.0950   \n"
    assert _sanitize(line) == "\x1b[1m45/45\x1b[0m \x1b[1mTIME/step - accuracy: 0.8379 - loss: 1.0950\n"
    # numbers, words and other base64 are compared as they are
    for kept in ("loss 0.1661 accuracy 0.961\n", "iVBORw0K is not a PNG", "QUJD"):
        assert _sanitize(kept) == kept


def test_test_build_uses_the_committed_outputs():
    sys.path.insert(0, str(ROOT / "tools"))
    from book_config import variant

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    off = variant("off")
    assert config["execute"]["execute_notebooks"] == "cache"  # make book: executed, cached
    assert off["execute"]["execute_notebooks"] == "off"
    ext = off["sphinx"]["local_extensions"]["terminal_streams"]
    assert pathlib.Path(ext).is_absolute() and (pathlib.Path(ext) / "terminal_streams.py").exists()
    off["execute"]["execute_notebooks"] = "cache"
    off["sphinx"]["local_extensions"] = config["sphinx"]["local_extensions"]
    assert off == config  # nothing else differs
    with pytest.raises(ValueError, match="mode must be one of"):
        variant("sometimes")


# --- Every number in the prose is computed, cited or a fact of the set-up ----------------------------
# Numbers a page may type: facts of the set-up that no code on the page can change. Anything else (a
# result, a cited fact, a setting such as epochs, sizes, steps or seeds) must come from a glue role, so
# prose and code cannot drift apart. Years of cited events are allowed by the pattern in _typed_numbers.
TYPED_NUMBER_ALLOW_LIST = {
    "10": "the article's 10 classes / 10 x 10 pixels / 10 epochs",
    "64": "the article's hidden-layer width",
    "100": "the article's 100 inputs",
    "32": "Keras's default batch size",
}
_ROLE = re.compile(r"\{[a-z:-]+\}`[^`]*`")
_SKIP = [
    re.compile(r"```\{math\}.*?```", re.S),               # display math blocks
    re.compile(r"\$\$.*?\$\$", re.S),                      # display math
    _ROLE,                                                   # glue, cite, ref, eq, term ... roles
    re.compile(r"`[^`\n]*`"),                               # code spans
    re.compile(r"\$[^$\n]+\$"),                              # inline math
    re.compile(r"\]\([^)]*\)"),                              # link targets
    re.compile(r"^\([^)]*\)=\s*$", re.M),                     # MyST labels
    re.compile(r"^:[a-z-]+:.*$", re.M),                      # directive options (:label: ex-ch3-...)
    re.compile(r"<!--.*?-->", re.S),                         # comments
    re.compile(r"<[^>]+>"),                                  # HTML tags
    # identifiers, not quantities: GDPR "Article 22", "Articles 13-15", "Recital 71"
    re.compile(r"\b(?:Articles?|Recitals?)\s+\d+(?:\s*[-–]\s*\d+)?"),
]
_NUMBER = re.compile(r"(?<![\w.\-])(\d[\d,]*(?:\.\d+)?)(\s*%)?")
_YEAR = re.compile(r"^(1[6-9]\d\d|20[0-2]\d)$")
PROSE_PAGES = NOTEBOOKS + sorted((ROOT / "chapters").glob("*/*.md")) + [ROOT / "intro.md"]


def _prose(path: pathlib.Path) -> list[str]:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text())
        return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    return [path.read_text()]


_FENCE = re.compile(r"^\s*(`{3,}|:{3,})(.*)$")


def _without_code_fences(text: str) -> str:
    """Drop the lines inside code fences; keep directives' bodies (```{note} ... ```), which are prose.

    Fences nest (a directive may hold a code block), so they are matched line by line on a stack.
    """
    kept, stack = [], []  # stack of (fence, is_code)
    for line in text.splitlines():
        m = _FENCE.match(line)
        if m:
            fence, info = m.group(1), m.group(2).strip()
            if stack and not info and fence == stack[-1][0]:
                stack.pop()
            else:
                stack.append((fence, not info.startswith("{")))
            continue
        if not any(is_code for _, is_code in stack):
            kept.append(line)
    return "\n".join(kept)


def _typed_numbers(text: str) -> list[str]:
    """Numbers typed in markdown outside glue roles, math, citations and code spans.

    Single digits are words ("3 layers"); a number of two or more digits, a decimal or a percentage is
    flagged unless it is on the allow-list or a year.
    """
    text = _without_code_fences(text)
    for rx in _SKIP:
        text = rx.sub(" ", text)
    found = []
    for m in _NUMBER.finditer(text):
        number, percent = m.group(1).rstrip(",."), m.group(2)
        digits = re.sub(r"\D", "", number)
        if len(digits) < 2 and not percent and "." not in number:
            continue
        if not percent and (number in TYPED_NUMBER_ALLOW_LIST or _YEAR.match(number)):
            continue
        found.append(number + (percent or "").strip())
    return found


def test_typed_number_scan_sees_prose_only():
    text = ("After 150 epochs {glue:text}`acc:.3f` $x^{20}$ `n=50` {cite:p}`hebb1949` in 1986 "
            "[link](https://a.b/12) reaches 97.5% with 10 classes, 0.5 and 3 layers.")
    assert _typed_numbers(text) == ["150", "97.5%", "0.5"]
    # prose between two directives is scanned; code inside a directive is not
    fenced = ("```{note}\nA note, 11 units.\n```\nAfter 300 epochs.\n```{exercise}\nTry 12.\n"
              "```python\nfit(epochs=400)\n```\n```\n```\nprint(500)\n```\n")
    assert _typed_numbers(fenced) == ["11", "300", "12"]
    assert _typed_numbers("GDPR Article 22, Articles 13–15 and Recital 71 on 22 people") == ["22"]


@pytest.mark.parametrize("path", PROSE_PAGES, ids=lambda p: p.parent.name + "/" + p.stem)
def test_no_typed_numbers(path):
    typed = [n for text in _prose(path) for n in _typed_numbers(text)]
    assert not typed, (
        f"numbers typed into the prose: {typed}. Glue results, settings and cited facts "
        "(companion.report.glue, companion.facts), or add a set-up fact to TYPED_NUMBER_ALLOW_LIST "
        "with a comment"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name + "/" + p.stem)
def test_every_page_states_objectives_and_ends_with_a_summary(path):
    """Learning objectives near the top (the first two markdown cells) and a Summary section."""
    prose = _prose(path)
    head = "\n".join(prose[:2])
    assert "Learning objectives" in head or "you will be able to" in head, "state the objectives first"
    assert any(re.search(r"^#+ Summary", text, re.M) for text in prose), "end with a '## Summary'"
