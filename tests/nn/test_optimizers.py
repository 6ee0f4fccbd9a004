"""Optimizers: two steps on one weight, against values worked out by hand from the update rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from companion.nn import optimizers as opt


def run(optimizer, grads, w0=1.0):
    w = np.array([w0])
    for g in grads:
        optimizer.apply([np.array([g])], [w])
    return float(w[0])


def test_sgd_plain():
    assert run(opt.SGD(0.1), [0.5, 0.5]) == pytest.approx(0.9, abs=1e-15)


def test_sgd_momentum():
    # m1 = -0.05, w1 = 0.95; m2 = 0.9 m1 - 0.05 = -0.095, w2 = 0.855
    assert run(opt.SGD(0.1, momentum=0.9), [0.5, 0.5]) == pytest.approx(0.855, abs=1e-15)


def test_sgd_nesterov():
    # w1 = 1 + 0.9(-0.05) - 0.05 = 0.905; m2 = -0.095, w2 = 0.905 + 0.9(-0.095) - 0.05 = 0.7695
    assert run(opt.SGD(0.1, momentum=0.9, nesterov=True), [0.5, 0.5]) == pytest.approx(0.7695, abs=1e-15)


def test_rmsprop_epsilon_inside_the_root():
    v1 = 0.1 * 0.25
    w1 = 1 - 0.1 * 0.5 / math.sqrt(v1 + 1e-7)
    v2 = 0.9 * v1 + 0.1 * 0.04
    w2 = w1 - 0.1 * 0.2 / math.sqrt(v2 + 1e-7)
    assert run(opt.RMSprop(0.1), [0.5, 0.2]) == pytest.approx(w2, abs=1e-14)
    # with epsilon outside the root the first step would differ visibly for a small gradient
    tiny = 1e-4
    inside = 1 - 0.1 * tiny / math.sqrt(0.1 * tiny**2 + 1e-7)
    outside = 1 - 0.1 * tiny / (math.sqrt(0.1 * tiny**2) + 1e-7)
    assert run(opt.RMSprop(0.1), [tiny]) == pytest.approx(inside, abs=1e-14)
    assert abs(inside - outside) > 1e-2


def test_rmsprop_centered():
    v1, gbar1 = 0.025, 0.05
    w1 = 1 - 0.1 * 0.5 / math.sqrt(v1 - gbar1**2 + 1e-7)
    v2, gbar2 = 0.9 * v1 + 0.1 * 0.04, 0.9 * gbar1 + 0.1 * 0.2
    w2 = w1 - 0.1 * 0.2 / math.sqrt(v2 - gbar2**2 + 1e-7)
    assert run(opt.RMSprop(0.1, centered=True), [0.5, 0.2]) == pytest.approx(w2, abs=1e-14)


def test_rmsprop_momentum():
    s1 = 0.1 * 0.5 / math.sqrt(0.025 + 1e-7)
    s2 = 0.1 * 0.2 / math.sqrt(0.9 * 0.025 + 0.1 * 0.04 + 1e-7)
    expected = 1 - s1 - (0.5 * s1 + s2)
    assert run(opt.RMSprop(0.1, momentum=0.5), [0.5, 0.2]) == pytest.approx(expected, abs=1e-14)


def adam_by_hand(grads, lr, b1, b2, eps, epsilon_hat):
    w, m, v = 1.0, 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        if epsilon_hat:
            w -= lr * math.sqrt(1 - b2**t) / (1 - b1**t) * m / (math.sqrt(v) + eps)
        else:
            w -= lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
    return w


def test_adam_epsilon_hat_form():
    grads = [0.5, 0.2, -0.1]
    expected = adam_by_hand(grads, 0.1, 0.9, 0.999, 1e-7, epsilon_hat=True)
    assert run(opt.Adam(0.1), grads) == pytest.approx(expected, abs=1e-14)


def test_adam_algorithm1_form_and_the_difference():
    grads = [1e-6, 1e-6]  # gradients comparable to epsilon: the two forms part
    expected = adam_by_hand(grads, 0.1, 0.9, 0.999, 1e-8, epsilon_hat=False)
    assert run(opt.AdamAlgorithm1(0.1), grads) == pytest.approx(expected, abs=1e-14)
    keras_form = run(opt.Adam(0.1, epsilon=1e-8), grads)
    assert abs(keras_form - expected) > 1e-3


def test_first_adam_step_is_about_the_learning_rate():
    assert run(opt.Adam(0.01), [3.0]) == pytest.approx(0.99, abs=1e-7)


def test_keras_defaults():
    assert opt.SGD().learning_rate == 0.01 and opt.SGD().momentum == 0 and not opt.SGD().nesterov
    r = opt.RMSprop()
    assert (r.learning_rate, r.rho, r.momentum, r.epsilon, r.centered) == (0.001, 0.9, 0.0, 1e-7, False)
    a = opt.Adam()
    assert (a.learning_rate, a.beta_1, a.beta_2, a.epsilon) == (0.001, 0.9, 0.999, 1e-7)


def test_iterations_and_slots():
    o = opt.Adam()
    w = [np.zeros(3), np.zeros((2, 2))]
    o.apply([np.ones(3), np.ones((2, 2))], w)
    assert o.iterations == 1
    with pytest.raises(ValueError, match="built for 2 variables, got 1"):
        o.apply([np.ones(3)], w[:1])


def test_bad_hyperparameters():
    with pytest.raises(ValueError, match=r"learning_rate must be > 0, got -1.0"):
        opt.SGD(learning_rate=-1)
    with pytest.raises(ValueError, match="learning_rate must be a finite number, got nan"):
        opt.SGD(learning_rate=float("nan"))
    with pytest.raises(ValueError, match=r"epsilon must be > 0, got 0.0"):
        opt.Adam(epsilon=0)
    with pytest.raises(TypeError, match=r"beta_1 must be a number, got str \('0.9'\)"):
        opt.Adam(beta_1="0.9")
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        opt.SGD(momentum=1.5)
    with pytest.raises(TypeError, match="learning_rate must be a number"):
        opt.Adam(learning_rate="fast")


def test_get():
    assert isinstance(opt.get("adam"), opt.Adam)
    assert isinstance(opt.get("RMSprop"), opt.RMSprop)
    assert isinstance(opt.get("Adam-Algorithm1"), opt.AdamAlgorithm1)  # case, "_" and "-" ignored
    known = r"\['adam', 'adam_algorithm1', 'rmsprop', 'sgd'\]"
    with pytest.raises(ValueError, match=rf"optimizer must be one of {known}, got 'adagrad'"):
        opt.get("adagrad")
