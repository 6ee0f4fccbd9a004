"""The equation table of chapter 3 is complete and points at real functions and tests.

The table (:data:`companion.training.equations.EQUATIONS`) lives in the package; the checks against
the repository's layout (test files, notebooks) live here.
"""

import ast
import pathlib
import re

import pytest

from companion.training import equations

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "chapters" / "03-training"


def _test_names(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def _labels_defined_in_the_chapter() -> set[str]:
    defined: set[str] = set()
    for nb in sorted(CHAPTER.glob("*.ipynb")):
        defined |= set(re.findall(r"\$\$ \((eq-ch3-[\w-]+)\)", nb.read_text()))
    return defined


def test_every_function_exists_and_names_its_label():
    assert equations.unnamed_labels() == []
    assert equations.check_table() == equations.counts()


def test_every_listed_test_exists():
    missing = []
    for eq in equations.EQUATIONS:
        for test in eq.tests:
            file, name = test.split("::")
            path = ROOT / file
            if not path.is_file():
                missing.append(f"{test} (for {eq.label}): no file {file}")
            elif name not in _test_names(path):
                missing.append(f"{test} (for {eq.label}): {file} has no test {name}")
    assert not missing, "the equation table lists tests that do not exist:\n" + "\n".join(missing)


def test_the_table_lists_exactly_the_labels_the_chapter_defines():
    defined = _labels_defined_in_the_chapter()
    listed = {eq.label for eq in equations.EQUATIONS}
    assert defined, f"no $$ (eq-ch3-...) label found in {CHAPTER}/*.ipynb"
    assert defined - listed == set(), f"defined in the chapter but not listed: {sorted(defined - listed)}"
    assert listed - defined == set(), f"listed but not defined in the chapter: {sorted(listed - defined)}"
    assert equations.counts()["equations"] == len(equations.EQUATIONS) >= 20


def test_a_wrong_row_is_reported_by_name(monkeypatch):
    bad = equations.Equation("eq-ch3-adam", "ch3-update", ("companion.training.loss.one_hot",), ())
    gone = equations.Equation("eq-ch3-adam", "ch3-update", ("companion.training.loss.nope",), ())
    monkeypatch.setattr(equations, "EQUATIONS", (bad, gone))
    assert equations.unnamed_labels() == [
        "companion.training.loss.one_hot does not name eq-ch3-adam in its docstring or its module's",
        "companion.training.loss.nope (listed for eq-ch3-adam) does not exist",
    ]
    with pytest.raises(ValueError, match="the equation table disagrees with the code: companion"):
        equations.check_table()


def test_resolve():
    assert equations.resolve("companion.training.loop.steps_per_epoch")(10, 3) == 4
    with pytest.raises(AttributeError):
        equations.resolve("companion.training.loop.no_such_function")
