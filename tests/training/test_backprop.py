"""Equations eq-ch3-chain, eq-ch3-backprop and eq-ch3-central."""

import numpy as np
import pytest

from companion import nn
from companion.training import backprop, loop


def test_graph_example_by_hand_and_numerically():
    """eq-ch3-chain: x=1, t=1, w=0, b=0 gives a=1/2, dl/dw = (1/2 - 1)(1/4)(1) = -1/8."""
    g = backprop.graph_example(x=1.0, t=1.0, w=0.0, b=0.0)
    assert (g.z, g.a, g.loss, g.dloss_dw, g.dloss_db) == (0.0, 0.5, 0.125, -0.125, -0.125)
    x, t, w, b = 2.0, 0.3, -0.4, 0.7
    h = 1e-6
    up = backprop.graph_example(x, t, w + h, b).loss
    down = backprop.graph_example(x, t, w - h, b).loss
    numeric = (up - down) / (2 * h)
    assert backprop.graph_example(x, t, w, b).dloss_dw == pytest.approx(numeric, abs=1e-9)


def _params(rng, sizes):
    return [(rng.standard_normal((a, b)) * 0.5, rng.standard_normal(b) * 0.1)
            for a, b in zip(sizes, sizes[1:])]


@pytest.mark.parametrize("acts", [["relu", "relu"], ["tanh", "sigmoid"]])
def test_mlp_gradients_match_central_differences(acts):
    """eq-ch3-backprop against eq-ch3-central in float64."""
    rng = np.random.default_rng(0)
    params = _params(rng, [5, 4, 3, 3])
    x, y = rng.standard_normal((6, 5)), rng.integers(0, 3, 6)
    _, grads = backprop.mlp_gradients(params, x, y, acts)
    for (w, b), (gw, gb) in zip(params, grads):
        for array, grad in ((w, gw), (b, gb)):
            numeric = nn.numerical_gradient(lambda _: backprop.mlp_gradients(params, x, y, acts)[0], array)
            assert nn.gradcheck.gradient_error(grad, numeric) < 1e-8


def test_mlp_gradients_match_companion_nn(digits_small):
    """eq-ch3-backprop in plain arrays equals nn's layer-by-layer back-propagation."""
    x, y = digits_small
    x, y = x[:32].astype(np.float64), y[:32]
    layers = loop.build_layers([100, 64, 64, 10], ["relu", "relu", "softmax"],
                               np.random.default_rng(0), "float64")
    params = [(layer.kernel, layer.bias) for layer in layers]
    loss, grads = backprop.mlp_gradients(params, x, y, ["relu", "relu"])
    delta = nn.losses.SparseCategoricalCrossentropy(from_logits=True).gradient(y, loop.forward(layers, x))
    loop.backward(layers, delta)
    ours = [g for pair in grads for g in pair]
    assert all(np.allclose(a, b, atol=1e-12) for a, b in zip(ours, loop.gradients(layers)))


def test_central_difference_error_is_second_order():
    """eq-ch3-central: halving h divides the truncation error by about four."""
    f, x = np.sin, np.array([1.0])
    err = [abs(nn.numerical_gradient(lambda v: float(f(v[0])), x.copy(), h)[0] - np.cos(1.0))
           for h in (1e-2, 5e-3)]
    assert err[0] / err[1] == pytest.approx(4, rel=0.01)
