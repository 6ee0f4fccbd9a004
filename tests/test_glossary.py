"""The bilingual glossary: every entry has its Chinese term, a definition and a link to the section
that explains it; every entry is linked from the book's pages, and every link names an entry.

The glossary is Sphinx's ``glossary`` directive in ``glossary.md``; pages link a term at its first use
with the ``{term}`` role. Sphinx resolves ``{term}`` case-insensitively, so the checks here do too.
"""

from __future__ import annotations

import json
import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "glossary.md"

# The keys fixed for every chapter to link (more may be added; none may be renamed or removed).
KEYS = [
    "neuron", "synapse", "dendrite", "axon", "action potential", "membrane potential", "spike",
    "firing rate", "Hodgkin-Huxley model", "leaky integrate-and-fire neuron", "synaptic plasticity",
    "Hebbian learning", "artificial neural network", "McCulloch-Pitts neuron", "perceptron", "layer",
    "hidden layer", "dense layer", "weight", "bias", "activation function", "ReLU", "sigmoid",
    "softmax", "forward pass", "loss function", "cross-entropy", "backpropagation", "gradient",
    "gradient descent", "stochastic gradient descent", "learning rate", "mini-batch", "epoch",
    "optimizer", "Adam", "momentum", "weight initialisation", "vanishing gradient", "overfitting",
    "regularisation", "dropout", "early stopping", "training set", "validation set", "test set",
    "generalisation", "convolutional neural network", "feedback alignment", "scaling law",
    "interpretability", "differential privacy", "adversarial example", "fairness",
]
CJK = re.compile(r"[\u4e00-\u9fff]")
TERM_ROLE = re.compile(r"\{term\}`([^`]*)`")
LABEL = re.compile(r"^\(([^)\s]+)\)=\s*$", re.M)
REF_ROLE = re.compile(r"\{ref\}`(?:[^`<]*<)?([^`>]+)>?`")
PAGE_LINK = re.compile(r"\[[^\]]*\]\(([^)#\s]+\.(?:ipynb|md))(?:#[^)]*)?\)")


def _key(text: str) -> str:
    """What Sphinx matches a term by: the target (``text <target>`` form), lower-cased, one space."""
    target = re.search(r"<([^<>]+)>\s*$", text)
    return " ".join((target.group(1) if target else text).split()).lower()


def parse_glossary(text: str) -> dict[str, str]:
    """Entries of the ``{glossary}`` block: term (as written) -> its definition (indented lines).

    >>> parse_glossary("```{glossary}\\n:sorted:\\n\\nneuron\\n  神经元. A cell.\\n```")
    {'neuron': '神经元. A cell.'}
    """
    block = re.search(r"^```\{glossary\}[^\n]*\n(.*?)^```", text, re.S | re.M)
    assert block, "glossary.md has no ```{glossary} block"
    entries: dict[str, list[str]] = {}
    terms: list[str] = []
    for line in block.group(1).splitlines():
        if not line.strip() or line.startswith(":"):
            terms = [] if not line.strip() else terms
            continue
        if line[0].isspace():
            assert terms, f"definition line without a term: {line!r}"
            for term in terms:
                entries[term].append(line.strip())
        else:
            if terms and entries[terms[-1]]:
                terms = []
            terms.append(line.strip())
            assert line.strip() not in entries, f"duplicate glossary term {line.strip()!r}"
            entries[line.strip()] = []
    return {term: " ".join(lines) for term, lines in entries.items()}


def toc_pages() -> list[pathlib.Path]:
    """Every page the table of contents lists (``.md`` or ``.ipynb``), in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found: list[pathlib.Path] = []

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                found.extend(p for p in (ROOT / (entry["file"] + ext) for ext in (".ipynb", ".md"))
                             if p.exists())
            for key in ("chapters", "sections", "parts"):
                walk(entry.get(key, []))

    walk([{"file": toc["root"]}] + toc.get("chapters", []) + toc.get("parts", []))
    return found


def markdown(path: pathlib.Path) -> str:
    """A page's markdown: the file, or a notebook's markdown cells."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf8")


ENTRIES = parse_glossary(GLOSSARY.read_text(encoding="utf8"))
PAGES = [p for p in toc_pages() if p != GLOSSARY]


def test_the_glossary_is_a_page_of_the_book_and_sorted():
    assert GLOSSARY in toc_pages()
    text = GLOSSARY.read_text(encoding="utf8")
    assert re.search(r"^```\{glossary\}\n:sorted:", text, re.M), "use the glossary's :sorted: option"


def test_every_fixed_key_has_an_entry():
    defined = {_key(term) for term in ENTRIES}
    missing = [key for key in KEYS if key.lower() not in defined]
    assert not missing, f"glossary.md lacks the fixed keys {missing}"
    assert len(ENTRIES) >= len(KEYS)


@pytest.mark.parametrize("term", sorted(ENTRIES, key=str.lower))
def test_entry_has_chinese_term_definition_and_link(term):
    definition = ENTRIES[term]
    chinese = definition.split(".")[0]
    assert CJK.search(chinese), f"{term}: the definition must open with the Chinese term"
    sentences = definition.split(". ", 1)[1] if ". " in definition else ""
    assert len(sentences.split()) >= 8, f"{term}: needs a one- or two-sentence definition"
    assert REF_ROLE.search(definition) or PAGE_LINK.search(definition), (
        f"{term}: link the section that explains it ({{ref}}`label` or [](chapters/...ipynb))")


def test_every_link_of_the_glossary_points_into_the_book():
    labels = {label for page in toc_pages() for label in LABEL.findall(markdown(page))}
    pages = {p.relative_to(ROOT).as_posix() for p in toc_pages()}
    for term, definition in ENTRIES.items():
        for label in REF_ROLE.findall(definition):
            assert label in labels, f"{term}: no page of the book defines the label ({label})="
        for path in PAGE_LINK.findall(definition):
            assert path in pages, f"{term}: {path} is not a page of the book"


def test_every_term_role_names_an_entry():
    defined = {_key(term) for term in ENTRIES}
    unknown = sorted({(page.relative_to(ROOT).as_posix(), role)
                      for page in toc_pages() for role in TERM_ROLE.findall(markdown(page))
                      if _key(role) not in defined})
    assert not unknown, f"{{term}} roles without a glossary entry: {unknown}"


def test_every_entry_is_linked_from_the_book():
    used = {_key(role) for page in PAGES for role in TERM_ROLE.findall(markdown(page))}
    unused = sorted(term for term in ENTRIES if _key(term) not in used)
    assert not unused, f"glossary terms no page links with {{term}}: {unused}"


def test_the_checks_see_what_they_should():
    """The parsing the tests rely on: a role's target, case folding, and a definition's lines."""
    assert _key("Neurons <neuron>") == "neuron" and _key("Gradient\n descent") == "gradient descent"
    parsed = parse_glossary("```{glossary}\n:sorted:\n\nspike\n  脉冲. A pulse.\n  More.\n\n"
                            "ReLU\n  线性整流函数. Max.\n```\n")
    assert parsed == {"spike": "脉冲. A pulse. More.", "ReLU": "线性整流函数. Max."}
    assert TERM_ROLE.findall("a {term}`spike` and {term}`spikes <spike>`") == ["spike", "spikes <spike>"]
