"""Feedback alignment: the backprop rule is the exact gradient; random feedback still trains the
hidden layer."""

import numpy as np
import pytest

from companion.neuro import teacher_task, train_two_layer


@pytest.fixture(scope="module")
def task():
    return teacher_task(200, rng=0)


def _initial_weights(seed, n_in, n_hidden, n_out):
    gen = np.random.default_rng(seed)
    W1 = gen.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_hidden, n_in))
    W2 = gen.normal(0.0, 1.0 / np.sqrt(n_hidden), size=(n_out, n_hidden))
    return W1, W2


def _loss(W1, W2, X, Y):
    return 0.5 * np.sum((np.tanh(X @ W1.T) @ W2.T - Y) ** 2) / len(X)


def test_backprop_step_is_the_finite_difference_gradient(task):
    X, Y = task
    lr = 0.1
    W1, W2 = _initial_weights(3, X.shape[1], 6, Y.shape[1])
    trace = train_two_layer(X, Y, "backprop", n_hidden=6, lr=lr, epochs=1, rng=3)
    eps = 1e-6
    for W, W_new, which in ((W1, trace.W1, 1), (W2, trace.W2, 2)):
        grad = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            Wp, Wm = W.copy(), W.copy()
            Wp[idx] += eps
            Wm[idx] -= eps
            args = ((Wp, W2), (Wm, W2)) if which == 1 else ((W1, Wp), (W1, Wm))
            grad[idx] = (_loss(*args[0], X, Y) - _loss(*args[1], X, Y)) / (2 * eps)
        np.testing.assert_allclose(W_new, W - lr * grad, atol=1e-8)
    np.testing.assert_allclose(trace.loss[0], _loss(W1, W2, X, Y))


def test_rules_start_from_the_same_network_and_record_angles(task):
    X, Y = task
    traces = {r: train_two_layer(X, Y, r, lr=0.1, epochs=200, rng=1)
              for r in ("backprop", "feedback_alignment", "last_layer")}
    assert len({float(t.loss[0]) for t in traces.values()}) == 1
    assert traces["backprop"].loss.shape == (201,)
    np.testing.assert_allclose(traces["backprop"].angle, 0.0, atol=1e-4)
    assert np.all(np.isnan(traces["last_layer"].angle))
    W1_0, _ = _initial_weights(1, X.shape[1], 20, Y.shape[1])
    np.testing.assert_array_equal(traces["last_layer"].W1, W1_0)  # the hidden layer never learns


def test_feedback_alignment_learns_nearly_as_well_as_backprop(task):
    X, Y = task
    bp, fa, last = (train_two_layer(X, Y, r, lr=0.1, epochs=2000, rng=1)
                    for r in ("backprop", "feedback_alignment", "last_layer"))
    assert fa.loss[-1] < 0.02 * fa.loss[0]
    assert fa.loss[-1] < 2.0 * bp.loss[-1]
    assert last.loss[-1] > 5.0 * fa.loss[-1]       # a random hidden layer is not enough
    assert fa.angle[0] > 80.0 and fa.angle[-1] < 60.0  # the forward weights come to align


def test_same_seed_same_result(task):
    X, Y = task
    a = train_two_layer(X, Y, "feedback_alignment", epochs=50, rng=7)
    b = train_two_layer(X, Y, "feedback_alignment", epochs=50, rng=7)
    np.testing.assert_array_equal(a.loss, b.loss)
    np.testing.assert_array_equal(a.W1, b.W1)


def test_teacher_task_shapes_and_determinism():
    X, Y = teacher_task(50, n_in=4, n_hidden=3, n_out=2, rng=5)
    assert X.shape == (50, 4) and Y.shape == (50, 2)
    X2, Y2 = teacher_task(50, n_in=4, n_hidden=3, n_out=2, rng=5)
    np.testing.assert_array_equal(Y, Y2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rule": "hebb"}, "rule must be one of"),
        ({"lr": 0.0}, "lr"),
        ({"epochs": 0}, "epochs"),
        ({"n_hidden": 0}, "n_hidden"),
    ],
)
def test_validation(task, kwargs, match):
    X, Y = task
    with pytest.raises((ValueError, TypeError), match=match):
        train_two_layer(X, Y, **kwargs)


def test_mismatched_rows():
    with pytest.raises(ValueError, match="same, nonzero number of rows"):
        train_two_layer(np.zeros((3, 2)), np.zeros((4, 1)))
