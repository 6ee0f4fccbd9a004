"""Equations eq-ch3-layer, eq-ch3-activations, eq-ch3-nll, eq-ch3-softmax, eq-ch3-softmax-stable,
eq-ch3-mse and eq-ch3-ce-grad."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from companion import nn
from companion.training import backprop
from companion.training import loss as tl


def test_layer_equation_by_hand():
    """eq-ch3-layer on the chapter's worked example: Z = XW + b, A = relu(Z)."""
    layer = nn.Dense(2, activation="relu")
    layer.build(3, "float64", 0)
    layer.kernel[...] = [[1, -1], [0, 2], [-1, 1]]
    layer.bias[...] = [0.5, -1]
    x = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]])
    assert layer.forward(x).tolist() == [[0.0, 5.0], [1.5, 0.0]]
    assert layer.z.tolist() == [[-1.5, 5.0], [1.5, 0.0]]
    zs, acts = backprop.mlp_forward([(layer.kernel, layer.bias), (np.eye(2), np.zeros(2))], x, ["relu"])
    assert np.array_equal(acts[1], layer.forward(x))


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
def test_activation_derivatives_match_central_differences(name):
    """eq-ch3-activations: f' by the formulas of the chapter (away from relu's kink)."""
    f = getattr(nn.activations, name)
    df = getattr(nn.activations, f"{name}_derivative")
    z = np.linspace(-4, 4, 40) + 0.01
    numeric = (f(z + 1e-6) - f(z - 1e-6)) / 2e-6
    assert np.allclose(df(z), numeric, atol=1e-8)


def test_nll_equals_keras_cross_entropy():
    """eq-ch3-nll equals nn's sparse categorical cross-entropy (no clipping needed here)."""
    rng = np.random.default_rng(0)
    p = nn.activations.softmax(rng.standard_normal((8, 5)))
    y = rng.integers(0, 5, 8)
    assert tl.negative_log_likelihood(y, p) == pytest.approx(
        float(nn.losses.sparse_categorical_crossentropy(y, p).mean()), rel=1e-12)
    assert tl.negative_log_likelihood(np.array([0]), np.array([[0.1, 0.9]])) == pytest.approx(-np.log(0.1))


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, (3, 4), elements=st.floats(-30, 30)), st.floats(-500, 500))
def test_softmax_is_shift_invariant_and_stable(z, c):
    """eq-ch3-softmax-stable: softmax(z) = softmax(z - c); the stable form equals the naive one."""
    stable = nn.activations.softmax(z)
    assert np.allclose(stable, tl.naive_softmax(z), atol=1e-12)
    assert np.allclose(stable, nn.activations.softmax(z + c), atol=1e-9)
    assert np.allclose(stable.sum(axis=1), 1)


def test_naive_softmax_overflows():
    """eq-ch3-softmax: computed as written, e^z overflows (float32 above 88.7)."""
    z = np.array([[10.0, 100.0]], dtype=np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(tl.naive_softmax(z)).any()
    assert np.allclose(nn.activations.softmax(z), [[np.exp(-90.0), 1.0]])


def test_mse():
    """eq-ch3-mse: mean over outputs of squared errors."""
    y, p = np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]])
    assert nn.losses.mean_squared_error(y, p).tolist() == [0.25]


def test_cross_entropy_gradient_is_p_minus_y():
    """eq-ch3-ce-grad, against central differences and against nn's loss."""
    rng = np.random.default_rng(3)
    z, y = rng.standard_normal((4, 3)), rng.integers(0, 3, 4)

    def loss_of(v):
        return float(nn.losses.sparse_categorical_crossentropy(y, v, from_logits=True).mean())

    analytic = tl.softmax_cross_entropy_gradient(y, z)
    assert nn.check_gradient(loss_of, lambda v: tl.softmax_cross_entropy_gradient(y, v), z) < 1e-8
    assert np.allclose(analytic, nn.losses.SparseCategoricalCrossentropy(from_logits=True).gradient(y, z))
    assert np.allclose(analytic.sum(axis=1), 0)
    assert tl.one_hot(np.array([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]
