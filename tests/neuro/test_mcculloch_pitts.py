"""McCulloch-Pitts units: gate truth tables, the XOR impossibility, validation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.neuro import (
    GATES,
    XOR_TABLE,
    McCullochPittsUnit,
    boolean_inputs,
    logic_gate,
    search_threshold_unit,
    truth_table,
)

TABLES_2 = {
    "AND": [0, 0, 0, 1],
    "OR": [0, 1, 1, 1],
    "NAND": [1, 1, 1, 0],
    "NOR": [1, 0, 0, 0],
}


def test_boolean_inputs_order():
    np.testing.assert_array_equal(boolean_inputs(2), [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert boolean_inputs(3).shape == (8, 3)


@pytest.mark.parametrize("name, expected", TABLES_2.items())
def test_two_input_gates(name, expected):
    inputs, outputs = truth_table(logic_gate(name))
    np.testing.assert_array_equal(inputs, boolean_inputs(2))
    np.testing.assert_array_equal(outputs, expected)


@pytest.mark.parametrize("name", ["AND", "OR", "NAND", "NOR"])
@pytest.mark.parametrize("n", [1, 3, 4])
def test_n_input_gates_match_their_definition(name, n):
    inputs, outputs = truth_table(logic_gate(name, n))
    np.testing.assert_array_equal(outputs, GATES[name](inputs.astype(bool)).astype(int))


def test_not_gate_and_case_insensitive_names():
    _, outputs = truth_table(logic_gate("not"))
    np.testing.assert_array_equal(outputs, [1, 0])
    assert logic_gate("and")(np.array([1, 1])) == 1
    assert logic_gate("AND")([1, 0]) == 0


def test_single_vector_and_batch_calls():
    unit = McCullochPittsUnit([2.0, -1.0], 1.0)
    assert unit([1, 0]) == 1
    assert unit([1, 1]) == 1
    assert unit([0, 1]) == 0
    np.testing.assert_array_equal(unit([[1, 0], [0, 1]]), [1, 0])


@pytest.mark.parametrize("name, table", TABLES_2.items())
def test_search_finds_every_separable_gate(name, table):
    unit = search_threshold_unit(table, max_weight=1)
    assert unit is not None
    np.testing.assert_array_equal(truth_table(unit)[1], table)


@pytest.mark.parametrize("max_weight", [1, 2, 3, 5])
def test_no_single_unit_computes_xor_or_xnor(max_weight):
    assert search_threshold_unit(XOR_TABLE, max_weight=max_weight) is None
    assert search_threshold_unit(1 - XOR_TABLE, max_weight=max_weight) is None


def test_only_xor_and_xnor_are_missing_among_two_input_functions():
    found = {tuple(t) for t in boolean_inputs(4) if search_threshold_unit(t, max_weight=2) is not None}
    assert len(found) == 14  # 16 Boolean functions of 2 inputs, all but XOR and XNOR
    assert (0, 1, 1, 0) not in found and (1, 0, 0, 1) not in found


def test_three_input_parity_is_not_computable():
    parity = boolean_inputs(3).sum(axis=1) % 2
    assert search_threshold_unit(parity, max_weight=3) is None
    majority = (boolean_inputs(3).sum(axis=1) >= 2).astype(int)
    assert search_threshold_unit(majority, max_weight=1) is not None


@settings(max_examples=300, deadline=None)
@given(
    w1=st.floats(-1e3, 1e3, allow_nan=False),
    w2=st.floats(-1e3, 1e3, allow_nan=False),
    theta=st.floats(-1e3, 1e3, allow_nan=False),
)
def test_no_real_valued_unit_computes_xor(w1, w2, theta):
    """Eq. (neuro.mp.2) for real weights, not just the integers the search tries."""
    _, outputs = truth_table(McCullochPittsUnit([w1, w2], theta))
    assert not np.array_equal(outputs, XOR_TABLE)


def test_unit_is_immutable():
    unit = logic_gate("AND")
    with pytest.raises(ValueError):
        unit.weights[0] = 5.0


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: logic_gate("AND")([1, 0, 1]), ValueError, "x has 3 inputs, but the unit expects 2"),
        (lambda: logic_gate("AND")([1, 2]), ValueError, "x must be binary"),
        (lambda: logic_gate("AND")([[[1, 0]]]), ValueError, "x must be 1 or 2-dimensional"),
        (lambda: logic_gate("XOR"), ValueError, "name must be one of"),
        (lambda: logic_gate(3), TypeError, "name must be a str"),
        (lambda: logic_gate("AND", 0), ValueError, "n_inputs must be a positive integer, got 0"),
        (lambda: McCullochPittsUnit([], 1.0), ValueError, "weights must have at least one"),
        (lambda: McCullochPittsUnit([1.0, np.nan], 1.0), ValueError, "weights must contain only finite"),
        (lambda: McCullochPittsUnit([1.0], float("inf")), ValueError,
         "threshold must be a finite number, got"),
        (lambda: search_threshold_unit([0, 1, 1]), ValueError, "2\\*\\*n_inputs entries"),
        (lambda: search_threshold_unit([0, 1, 2, 0]), ValueError, "target must be binary"),
        (lambda: search_threshold_unit(XOR_TABLE, max_weight=0), ValueError,
         "max_weight must be a positive integer, got 0"),
        (lambda: truth_table(5), TypeError, "unit must be callable"),
        (lambda: truth_table(lambda x: x[:, 0]), TypeError, "n_inputs must be given"),
    ],
)
def test_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_search_refuses_an_impractically_large_search():
    with pytest.raises(ValueError, match="too many to search"):
        search_threshold_unit(np.zeros(1024), max_weight=3)
