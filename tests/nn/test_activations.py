"""Activations: values, derivatives against central differences, softmax Jacobian-vector product."""

from __future__ import annotations

import numpy as np
import pytest

from companion.nn import activations as act
from companion.nn.gradcheck import numerical_gradient

Z = np.array([[-2.0, -0.5, 0.3, 1.7], [0.1, 3.0, -1.2, 0.7]])

ELEMENTWISE = [
    (act.linear, act.linear_derivative),
    (act.relu, act.relu_derivative),
    (act.sigmoid, act.sigmoid_derivative),
    (act.tanh, act.tanh_derivative),
]


@pytest.mark.parametrize("f, df", ELEMENTWISE, ids=lambda f: getattr(f, "__name__", ""))
def test_elementwise_derivative_matches_central_difference(f, df):
    numeric = numerical_gradient(lambda z: float(f(z).sum()), Z.copy())
    assert np.abs(df(Z) - numeric).max() < 1e-8


def test_values():
    assert np.array_equal(act.relu(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 2.0])
    assert act.sigmoid(np.array([0.0]))[0] == 0.5
    assert np.allclose(act.sigmoid(Z), 1 / (1 + np.exp(-Z)), atol=1e-15)
    assert np.all(np.isfinite(act.sigmoid(np.array([-1000.0, 1000.0]))))


def test_relu_gradient_is_zero_at_zero():
    assert act.relu_derivative(np.array([0.0]))[0] == 0.0
    assert act.ReLU().backward(np.array([0.0, 1.0]), None, np.array([5.0, 5.0])).tolist() == [0.0, 5.0]


def test_softmax_rows_sum_to_one_and_do_not_overflow():
    p = act.softmax(np.array([[1000.0, 1000.0, -1000.0]]))
    assert np.allclose(p, [[0.5, 0.5, 0.0]])
    assert np.allclose(act.softmax(Z).sum(axis=1), 1)


def test_softmax_jvp_equals_jacobian_product():
    rng = np.random.default_rng(0)
    v = rng.standard_normal(Z.shape)
    a = act.softmax(Z)
    for i in range(len(Z)):
        jac = np.diag(a[i]) - np.outer(a[i], a[i])
        assert np.allclose(act.softmax_jvp(a[i : i + 1], v[i : i + 1])[0], jac @ v[i], atol=1e-14)
    # and it is the gradient of <v, softmax(z)>
    numeric = numerical_gradient(lambda z: float((act.softmax(z) * v).sum()), Z.copy())
    assert np.abs(act.softmax_jvp(a, v) - numeric).max() < 1e-8


@pytest.mark.parametrize("name", ["linear", "relu", "sigmoid", "tanh", "softmax"])
def test_backward_of_classes_matches_central_difference(name):
    f = act.get(name)
    rng = np.random.default_rng(1)
    g = rng.standard_normal(Z.shape)
    a = f(Z)
    numeric = numerical_gradient(lambda z: float((f(z) * g).sum()), Z.copy())
    assert np.abs(f.backward(Z, a, g) - numeric).max() < 1e-8


def test_get():
    assert isinstance(act.get(None), act.Linear)
    assert isinstance(act.get("ReLU"), act.ReLU)
    relu = act.ReLU()
    assert act.get(relu) is relu
    known = r"\['linear', 'relu', 'sigmoid', 'softmax', 'tanh'\]"
    with pytest.raises(ValueError, match=rf"activation must be one of {known}, got 'gelu'"):
        act.get("gelu")
    with pytest.raises(TypeError, match="activation must be a string"):
        act.get(np.tanh)
