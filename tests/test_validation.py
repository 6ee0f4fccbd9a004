"""companion._validation: the one validation layer (here: the checks that no other test covers)."""

from __future__ import annotations

import numpy as np
import pytest

from companion._validation import check_bool


@pytest.mark.parametrize("value", [True, False, np.bool_(True), np.bool_(False)])
def test_check_bool_returns_a_python_bool(value):
    result = check_bool("flag", value)
    assert type(result) is bool and result == bool(value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1, r"int \(1\)"), (0, r"int \(0\)"), ("yes", r"str \('yes'\)"), (None, r"NoneType \(None\)"),
     (np.int64(1), r"int64 \(np.int64\(1\)\)"), (np.array([True]), r"ndarray")],
)
def test_check_bool_refuses_anything_else_and_names_the_argument(value, shown):
    with pytest.raises(TypeError, match=rf"^shuffle must be a bool, got {shown}"):
        check_bool("shuffle", value)
