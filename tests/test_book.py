"""The book's structure: six chapters in the article's order, every notebook in the TOC, executed,
clean, seeded and importing the companion package."""

from __future__ import annotations

import json
import re
import pathlib
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_notebook_imports_companion_and_seeds_first(path):
    first = "".join(_code_cells(path)[0]["source"])
    assert "import companion" in first
    assert "seed_everything(" in first or "tf.setup(seed=" in first


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
    assert [m.group(1) for m in _DECIMAL.finditer("loss 0.1661, 1.5e-05 and v1.2.3 x2.5")] == ["0.1661", "1.5"]


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
