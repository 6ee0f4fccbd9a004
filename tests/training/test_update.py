"""Equations eq-ch3-gd, eq-ch3-minibatch, eq-ch3-momentum, eq-ch3-nesterov, eq-ch3-rmsprop,
eq-ch3-adam, eq-ch3-adam-keras, eq-ch3-quadratic, eq-ch3-rosenbrock and eq-ch3-lr."""

import math

import numpy as np
import pytest

from companion import nn
from companion.training import surfaces

G = surfaces.quadratic_gradient
START = [-2.0, 1.0]


def _run(rule, steps=25):
    """Apply a hand-written update rule(w, g, state, t) to the quadratic; returns the path."""
    w, state, path = np.array(START), {}, [np.array(START)]
    for t in range(1, steps + 1):
        w = rule(w, G(w), state, t)
        path.append(w)
    return np.array(path)


def test_gradient_descent():
    """eq-ch3-gd: w <- w - eta g."""
    expected = _run(lambda w, g, s, t: w - 0.04 * g)
    assert np.allclose(surfaces.trajectory(nn.optimizers.SGD(0.04), G, START, 25), expected, atol=1e-14)


def test_minibatch_gradient_is_mean_of_example_gradients(digits_small):
    """eq-ch3-minibatch: the mini-batch gradient is the mean of the per-example gradients."""
    x, y = digits_small
    model = nn.Sequential([nn.Input(shape=(100,)), nn.Dense(8, activation="relu"),
                           nn.Dense(10, activation="softmax")], dtype="float64", seed=0)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    _, batch = model.compute_gradients(x[:16], y[:16])
    _, each = model.compute_gradients(x[:16], y[:16], per_example=True)
    assert all(np.allclose(b, e.mean(axis=0), atol=1e-14) for b, e in zip(batch, each))


def test_momentum():
    """eq-ch3-momentum: v <- mu v - eta g, w <- w + v."""
    def rule(w, g, s, t):
        s["v"] = 0.9 * s.get("v", 0) - 0.01 * g
        return w + s["v"]
    path = surfaces.trajectory(nn.optimizers.SGD(0.01, momentum=0.9), G, START, 25)
    assert np.allclose(path, _run(rule), atol=1e-13)


def test_nesterov_is_keras_sgd_nesterov_at_the_lookahead_point():
    """eq-ch3-nesterov: Keras's variable is the look-ahead point w + mu v of Nesterov's method."""
    for grad in (G, surfaces.rosenbrock_gradient):
        _, look = surfaces.nesterov_path(grad, START, 0.0005, 0.9, 40)
        path = surfaces.trajectory(nn.optimizers.SGD(0.0005, momentum=0.9, nesterov=True), grad, START, 40)
        assert np.allclose(path, look, atol=1e-11)


def test_rmsprop():
    """eq-ch3-rmsprop: s <- rho s + (1-rho) g^2, w <- w - eta g / sqrt(s + eps)."""
    def rule(w, g, s, t):
        s["s"] = 0.9 * s.get("s", 0) + 0.1 * g * g
        return w - 0.05 * g / np.sqrt(s["s"] + 1e-7)
    path = surfaces.trajectory(nn.optimizers.RMSprop(0.05), G, START, 25)
    assert np.allclose(path, _run(rule), atol=1e-12)


def _adam_rule(eps):
    def rule(w, g, s, t):
        s["m"] = 0.9 * s.get("m", 0) + 0.1 * g
        s["v"] = 0.999 * s.get("v", 0) + 0.001 * g * g
        m_hat, v_hat = s["m"] / (1 - 0.9**t), s["v"] / (1 - 0.999**t)
        return w - 0.1 * m_hat / (np.sqrt(v_hat) + eps)
    return rule


def test_adam_algorithm1():
    """eq-ch3-adam: bias-corrected moments, the paper's Algorithm 1."""
    path = surfaces.trajectory(nn.optimizers.AdamAlgorithm1(0.1), G, START, 25)
    assert np.allclose(path, _run(_adam_rule(1e-8)), atol=1e-12)


def test_adam_keras_form_is_algorithm1_with_epsilon_hat():
    """eq-ch3-adam-keras: Keras's update equals Algorithm 1 with eps = eps_hat / sqrt(1 - beta2^t)."""
    w_keras, w_paper = np.array([1e-9, 1.0]), np.array([1e-9, 1.0])
    keras, paper = nn.optimizers.Adam(0.1, epsilon=1e-3), nn.optimizers.AdamAlgorithm1(0.1)
    g = np.array([1e-6, 1.0])
    keras.apply([g], [w_keras])
    paper.epsilon = 1e-3 / math.sqrt(1 - 0.999)    # eps = eps_hat / sqrt(1 - beta2^t), t = 1
    paper.apply([g], [w_paper])
    assert np.allclose(w_keras, w_paper, rtol=1e-12, atol=0)


def test_quadratic_and_rosenbrock():
    """eq-ch3-quadratic and eq-ch3-rosenbrock: values, gradients (central differences) and minima."""
    assert surfaces.quadratic([1.0, 1.0]) == pytest.approx(0.5 * (1 + 20))
    assert surfaces.rosenbrock([1.0, 1.0]) == 0.0 and surfaces.rosenbrock([0.0, 0.0]) == 1.0
    for f, g in ((surfaces.quadratic, surfaces.quadratic_gradient),
                 (surfaces.rosenbrock, surfaces.rosenbrock_gradient)):
        assert nn.check_gradient(lambda v, f=f: float(f(v)), g, np.array([-0.7, 0.4])) < 1e-6
    gx, gy, values = surfaces.grid_values(surfaces.rosenbrock, (-2, 2), (-1, 3), n=11)
    assert values.shape == (11, 11) and values.min() >= 0


@pytest.mark.parametrize("lr", [0.01, 0.09, 0.099, 0.11])
def test_learning_rate_factor(lr):
    """eq-ch3-lr: each GD step multiplies w_k by 1 - eta lambda_k; divergence iff eta > 2/lambda_max."""
    path = surfaces.trajectory(nn.optimizers.SGD(lr), G, START, 10)
    factors = [surfaces.gd_factor(lr, lam) for lam in surfaces.CURVATURES]
    assert np.allclose(path[-1], np.array(START) * np.array(factors) ** 10, rtol=1e-10)
    assert (abs(path[-1][1]) > abs(START[1])) == (lr > 2 / max(surfaces.CURVATURES))


def test_trajectory_stops_at_overflow():
    path = surfaces.trajectory(nn.optimizers.SGD(1.0), surfaces.rosenbrock_gradient, [-2.0, 2.0], 50)
    assert np.isfinite(path).all()
