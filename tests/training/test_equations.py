"""The equation table of chapter 3 is complete and points at real functions and tests."""

import pathlib

import pytest

from companion.training import equations

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_equation_table_is_complete_and_consistent():
    counts = equations.check_table(ROOT)
    assert counts["equations"] == len(equations.EQUATIONS) >= 20


def test_resolve():
    assert equations.resolve("companion.training.loop.steps_per_epoch")(10, 3) == 4
    with pytest.raises(AttributeError):
        equations.resolve("companion.training.loop.no_such_function")
