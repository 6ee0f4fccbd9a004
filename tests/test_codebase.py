"""The package as a codebase: no module reaches into another module's private names.

A leading underscore marks a name as its module's own business. Another module (or a reader's
notebook) that reads it couples itself to an implementation detail; it must use a public, documented
seam instead. Checked on the syntax tree:

* ``from companion.x import _name`` anywhere outside ``companion/x``;
* ``obj._name`` in a module that does not itself define ``_name`` (as ``self._name = ...``, a class
  attribute, a function or a module-level name), and ``obj._name`` in notebooks' code.

Package-internal modules whose names start with an underscore (``companion._validation``) are shared
on purpose: importing them is allowed, their names are public within the package.
"""

from __future__ import annotations

import ast
import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "companion").rglob("*.py"))
NOTEBOOKS = sorted((ROOT / "chapters").glob("*/*.ipynb"))
SHARED_PRIVATE_MODULES = {"_validation"}
# collections.namedtuple's public API carries a leading underscore to avoid clashing with fields
NAMEDTUPLE_API = {"_replace", "_asdict", "_fields", "_make", "_field_defaults"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _defined_private_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if _private(n)}


def private_uses(source: str, own: set[str] | None = None) -> list[str]:
    """Private names of other modules that ``source`` imports or reads, as ``"line: text"``."""
    tree = ast.parse(source)
    own = _defined_private_names(tree) if own is None else own
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if _private(alias.name) and alias.name not in SHARED_PRIVATE_MODULES:
                    found.append(f"{node.lineno}: from {node.module} import {alias.name}")
        elif (isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in own
              and node.attr not in NAMEDTUPLE_API):
            found.append(f"{node.lineno}: .{node.attr}")
    return found


def test_the_check_finds_what_it_should():
    source = (
        "from companion.seed import _check_seed\n"
        "from companion import _validation\n"
        "class A:\n"
        "    def __init__(self):\n        self._z = 1\n"
        "    def f(self, other):\n        return other._z + layer._a\n"
    )
    assert private_uses(source) == ["1: from companion.seed import _check_seed", "7: ._a"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_reads_another_modules_private_names(path):
    uses = private_uses(path.read_text())
    assert not uses, f"{path.relative_to(ROOT)} reaches into private names: {uses}; add a public seam"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name + "/" + p.stem)
def test_reader_code_uses_no_private_names(path):
    cells = json.loads(path.read_text())["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    uses = private_uses(source, own=set())
    assert not uses, f"reader code uses private names: {uses}"
