"""Perceptron: convergence on separable data, failure on XOR, the two-layer XOR network."""

import numpy as np
import pytest

from companion.neuro import (
    Perceptron,
    ThresholdNetwork,
    boolean_inputs,
    logic_gate,
    truth_table,
    xor_network,
)

X2 = boolean_inputs(2)


@pytest.mark.parametrize("table", [[0, 0, 0, 1], [0, 1, 1, 1], [1, 1, 1, 0], [1, 0, 0, 0]])
def test_learns_every_separable_gate(table):
    p = Perceptron()
    fit = p.fit(X2, table)
    assert fit.converged
    assert fit.errors[-1] == 0
    np.testing.assert_array_equal(p.predict(X2), table)


def _separable(n, seed, margin=0.2):
    rng = np.random.default_rng(seed)
    w_true, b_true = np.array([1.0, -2.0]), 0.3
    X = rng.uniform(-3, 3, (4 * n, 2))
    z = (X @ w_true + b_true) / np.linalg.norm(np.append(w_true, b_true))
    keep = np.abs(z) > margin
    return X[keep][:n], (z[keep][:n] > 0).astype(int), np.append(w_true, b_true)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_converges_on_linearly_separable_data_within_novikoff_bound(seed):
    X, y, wb_true = _separable(200, seed)
    p = Perceptron(lr=0.5, max_epochs=1000)
    fit = p.fit(X, y)
    assert fit.converged
    assert np.mean(p.predict(X) == y) == 1.0
    Xb = np.hstack([X, np.ones((len(X), 1))])
    s = 2 * y - 1
    gamma = np.min(s * (Xb @ wb_true)) / np.linalg.norm(wb_true)
    rho = np.linalg.norm(Xb, axis=1).max()
    assert 0 < fit.n_updates <= (rho / gamma) ** 2
    assert fit.n_updates == fit.errors.sum()
    assert fit.weights.shape == (fit.n_epochs + 1, 3)
    np.testing.assert_array_equal(fit.weights[-1], np.append(p.w, p.b))


def test_never_converges_on_xor_and_stops():
    p = Perceptron(max_epochs=200)
    fit = p.fit(X2, [0, 1, 1, 0])
    assert not fit.converged
    assert fit.n_epochs == 200
    assert np.all(fit.errors > 0)
    assert np.mean(p.predict(X2) == [0, 1, 1, 0]) <= 0.75  # no line gets all four right


def test_shuffle_is_reproducible_with_a_seed():
    X, y, _ = _separable(100, 5)
    a = Perceptron(shuffle=True, rng=7).fit(X, y)
    b = Perceptron(shuffle=True, rng=7).fit(X, y)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.converged


def test_initial_weights():
    p = Perceptron()
    fit = p.fit(X2, [0, 0, 0, 1], w0=[1.0, 1.0, -1.5])  # already AND
    assert fit.converged and fit.n_updates == 0 and fit.n_epochs == 1


def test_xor_network_truth_table_and_hidden_layer():
    net = xor_network()
    inputs, outputs = truth_table(net)
    np.testing.assert_array_equal(outputs, [0, 1, 1, 0])
    # hidden units OR and NAND map 00, 01, 10, 11 to separable points
    np.testing.assert_array_equal(net.hidden_activity(inputs), [[0, 1], [1, 1], [1, 1], [1, 0]])
    assert net([1, 0]) == 1 and net([1, 1]) == 0
    # and that hidden representation is something a perceptron can learn
    assert Perceptron().fit(net.hidden_activity(inputs), outputs).converged


def test_threshold_network_validation():
    with pytest.raises(ValueError, match="output has 3 inputs, but there are 2 hidden units"):
        ThresholdNetwork((logic_gate("OR"), logic_gate("AND")), logic_gate("AND", 3))
    with pytest.raises(TypeError, match="hidden must be"):
        ThresholdNetwork((), logic_gate("AND"))
    with pytest.raises(TypeError, match="output must be"):
        ThresholdNetwork((logic_gate("OR"),), "AND")
    with pytest.raises(ValueError, match="same number of inputs"):
        ThresholdNetwork((logic_gate("OR"), logic_gate("OR", 3)), logic_gate("AND"))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"lr": 0.0}, ValueError, "lr must be > 0"),
        ({"lr": float("nan")}, ValueError, "lr must be a finite number, got"),
        ({"max_epochs": 0}, ValueError, "max_epochs must be a positive integer, got 0"),
        ({"max_epochs": 2.5}, TypeError, r"max_epochs must be a positive integer, got float \(2.5\)"),
        ({"shuffle": "yes"}, TypeError, "shuffle must be a bool"),
        ({"rng": "seed"}, TypeError, "rng must be a numpy.random.Generator"),
        ({"rng": -1}, ValueError, r"rng must be an int in \[0, 2\*\*32\), got -1"),
    ],
)
def test_constructor_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        Perceptron(**kwargs)


def test_fit_and_predict_validation_leaves_state_unchanged():
    p = Perceptron()
    with pytest.raises(ValueError, match="not fitted"):
        p.predict(X2)
    p.fit(X2, [0, 0, 0, 1])
    w, b = p.w.copy(), p.b
    bad = [
        ((X2, [0, 1, 1]), ValueError, "y has 3 labels, but X has 4 samples"),
        ((X2, [0, 1, 2, 0]), ValueError, "y must contain only 0 and 1"),
        ((X2[0], [0]), ValueError, "X must be 2-dimensional"),
        ((np.zeros((0, 2)), np.zeros(0)), ValueError, "at least one sample"),
        ((X2, [0, 0, 0, 1], [1.0, 2.0]), ValueError, r"w0 must have n_features \+ 1 = 3"),
        ((np.where(X2 == 1, np.nan, 0.0), [0, 0, 0, 1]), ValueError, "X must contain only finite"),
    ]
    for args, error, match in bad:
        with pytest.raises(error, match=match):
            p.fit(*args)
        np.testing.assert_array_equal(p.w, w)
        assert p.b == b
    with pytest.raises(ValueError, match="X has 3 features, but the perceptron expects 2"):
        p.predict(np.zeros((1, 3)))
