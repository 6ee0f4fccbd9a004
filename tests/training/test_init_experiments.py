"""Equations eq-ch3-var-forward, eq-ch3-glorot, eq-ch3-he and the symmetry experiment."""

import numpy as np
import pytest

from companion import nn
from companion.training import init_experiments as ie


def test_forward_variance_matches_sampling():
    """eq-ch3-var-forward: Var(z) = n Var(w) E[a^2] for independent zero-mean weights."""
    rng = np.random.default_rng(0)
    n, var_w = 50, 0.03
    a = rng.uniform(0, 2, size=(20000, n))
    w = rng.normal(0, np.sqrt(var_w), size=(n, 400))
    z = a @ w
    expected = ie.forward_variance(n, var_w, float((a**2).mean()))
    assert z.var() == pytest.approx(expected, rel=0.05)


@pytest.mark.parametrize("fans", [(100, 64), (64, 10), (256, 256)])
def test_glorot_variance_matches_keras_initializer(fans):
    """eq-ch3-glorot: 2/(n_in + n_out), the variance of Keras's Glorot initializers."""
    assert ie.glorot_variance(*fans) == pytest.approx(nn.initializers.GlorotUniform().variance(fans))
    w = nn.initializers.GlorotUniform()(fans, "float64", 0)
    assert w.var() == pytest.approx(ie.glorot_variance(*fans), rel=0.1)


def test_he_variance_matches_keras_and_keeps_relu_signal():
    """eq-ch3-he: 2/n_in; with it the ReLU signal neither explodes nor vanishes over 20 layers."""
    assert ie.he_variance(64) == pytest.approx(nn.initializers.HeNormal().variance((64, 10)))
    x = np.random.default_rng(1).standard_normal((256, 256))
    he = ie.propagate(nn.initializers.HeNormal(), x, 20, 256, "relu", rng=2)
    glorot = ie.propagate(nn.initializers.GlorotNormal(), x, 20, 256, "relu", rng=2)
    assert 0.3 < he.activation_std[-1] / he.activation_std[0] < 3
    assert glorot.activation_std[-1] / glorot.activation_std[0] < 0.01


def test_propagate_small_and_large_weights():
    x = np.random.default_rng(1).standard_normal((128, 128))
    small = ie.propagate(nn.initializers.RandomNormal(stddev=0.01), x, 10, 128, "tanh", rng=0)
    large = ie.propagate(nn.initializers.RandomNormal(stddev=0.3), x, 10, 128, "relu", rng=0)
    assert small.activation_std[-1] < 1e-8
    assert large.activation_std[-1] > 1e3 * large.activation_std[0]
    assert small.gradient_std.shape == (10,)


def test_hidden_unit_spread():
    assert ie.hidden_unit_spread(np.ones((3, 4))) == 0.0
    assert ie.hidden_unit_spread(np.array([[0.0, 1.0], [2.0, -1.0]])) == 3.0


def test_constant_initialisation_keeps_units_identical(digits_small):
    x, y = digits_small
    run = ie.symmetry_run(x, y, nn.initializers.Constant(0.05), epochs=3, dtype="float64")
    assert np.all(run.spread == 0.0)
    random = ie.symmetry_run(x, y, "glorot_uniform", epochs=3)
    assert random.spread[0] > 0.1 and random.accuracy[-1] > run.accuracy[-1] + 0.3


def test_float32_constant_start_stays_symmetric_up_to_rounding(digits):
    """In float32 a constant start may drift apart by rounding (depending on the CPU's BLAS kernel),
    but only by noise: the spread stays far below the weights' scale and the accuracy is float64's."""
    x, y = digits
    exact = ie.symmetry_run(x, y, nn.initializers.Constant(0.05), dtype="float64")
    f32 = ie.symmetry_run(x, y, nn.initializers.Constant(0.05), dtype="float32")
    assert f32.spread[0] == 0.0
    assert f32.spread[-1] < 1e-2 and np.abs(f32.kernel).max() > 0.1   # noise, far below the weights
    assert f32.accuracy[-1] == exact.accuracy[-1]
