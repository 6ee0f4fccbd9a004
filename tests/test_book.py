"""The book's structure: six chapters in the article's order, every notebook in the TOC, executed,
clean, seeded and importing the companion package."""

from __future__ import annotations

import json
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
