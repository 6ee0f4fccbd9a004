"""Back-propagation against central differences on random small float64 networks (property-based).

Agreement is measured by eq. (nn.grad.2), :math:`\\max_j |a_j - g_j| / \\max(1, |a_j|, |g_j|)`
(absolute below 1, relative above), and must be below 1e-6.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion import nn
from companion.nn import losses

TOL = 1e-6
ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh", "softmax"]

# (output activation, loss factory, target kind): every loss, both through logits and through outputs
OUTPUTS = [
    ("softmax", lambda: "sparse_categorical_crossentropy", "labels"),  # from the logits, as Keras
    ("sigmoid", lambda: "sparse_categorical_crossentropy", "labels"),  # from clipped probabilities
    ("linear", lambda: losses.SparseCategoricalCrossentropy(from_logits=True), "labels"),
    ("softmax", lambda: "categorical_crossentropy", "one_hot"),
    ("sigmoid", lambda: "categorical_crossentropy", "one_hot"),
    ("linear", lambda: losses.CategoricalCrossentropy(from_logits=True), "one_hot"),
    ("sigmoid", lambda: "binary_crossentropy", "binary"),
    ("softmax", lambda: "binary_crossentropy", "binary"),
    ("linear", lambda: losses.BinaryCrossentropy(from_logits=True), "binary"),
    *[(a, lambda: "mse", "real") for a in ACTIVATIONS],
]


def random_problem(seed, n_in, hidden, hidden_acts, out_index, n_out, n):
    activation, make_loss, kind = OUTPUTS[out_index]
    rng = np.random.default_rng(seed)
    layers = [nn.Input(shape=(n_in,))]
    for width, act in zip(hidden, hidden_acts):
        # random biases keep every pre-activation away from ReLU's kink at exactly 0
        layers.append(nn.Dense(width, activation=act, bias_initializer=nn.initializers.RandomNormal(0, 0.5)))
    layers.append(nn.Dense(n_out, activation, bias_initializer=nn.initializers.RandomNormal(0, 0.5)))
    model = nn.Sequential(layers, dtype="float64", seed=seed)
    model.compile(optimizer="sgd", loss=make_loss())
    x = rng.standard_normal((n, n_in))
    if kind == "labels":
        y = rng.integers(0, n_out, n)
    elif kind == "one_hot":
        y = np.eye(n_out)[rng.integers(0, n_out, n)]
    elif kind == "binary":
        y = rng.integers(0, 2, (n, n_out)).astype(float)
    else:
        y = rng.standard_normal((n, n_out))
    return model, x, y


# derandomize: the same examples every run, so a rare ReLU kink inside +-h cannot make the suite flaky
@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_in=st.integers(1, 4),
    hidden=st.lists(st.integers(1, 5), min_size=0, max_size=2),
    hidden_acts=st.lists(st.sampled_from(ACTIVATIONS), min_size=2, max_size=2),
    out_index=st.integers(0, len(OUTPUTS) - 1),
    n_out=st.integers(2, 4),
    n=st.integers(1, 6),
)
def test_backprop_matches_central_differences(seed, n_in, hidden, hidden_acts, out_index, n_out, n):
    model, x, y = random_problem(seed, n_in, hidden, hidden_acts, out_index, n_out, n)
    before = model.get_weights()
    result = nn.check_model_gradients(model, x, y)
    assert result.max_error < TOL, (OUTPUTS[out_index][:1], result.errors)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))  # weights restored


@pytest.mark.parametrize("out_index", range(len(OUTPUTS)))
def test_every_output_and_loss_at_least_once(out_index):
    model, x, y = random_problem(out_index, 3, [4, 3], ["tanh", "relu"], out_index, 3, 5)
    assert nn.check_model_gradients(model, x, y).max_error < TOL


def test_single_output_binary_model():
    model = nn.Sequential(
        [nn.Dense(3, activation="tanh", input_shape=(2,)), nn.Dense(1, activation="sigmoid")],
        dtype="float64",
        seed=3,
    )
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).standard_normal((7, 2))
    y = np.array([0, 1, 1, 0, 1, 0, 0])  # 1-D targets are taken as (n, 1)
    assert nn.check_model_gradients(model, x, y).max_error < TOL


def test_checker_detects_a_wrong_gradient():
    x = np.array([0.3, -1.2, 2.0])
    assert nn.check_gradient(lambda v: float(np.sin(v).sum()), np.cos, x) < 1e-9
    assert nn.check_gradient(lambda v: float(np.sin(v).sum()), lambda v: np.cos(v) * 1.01, x) > 1e-3


def test_numerical_gradient_restores_input():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    copy = x.copy()
    g = nn.numerical_gradient(lambda v: float((v**2).sum()), x)
    assert np.array_equal(x, copy)
    assert np.allclose(g, 2 * x, atol=1e-8)


def test_per_example_gradients_average_to_the_batch_gradient():
    model, x, y = random_problem(7, 3, [4], ["relu", "relu"], 0, 3, 5)
    loss, batch = model.compute_gradients(x, y)
    _, per = model.compute_gradients(x, y, per_example=True)
    assert [p.shape for p in per] == [(5, *g.shape) for g in batch]
    for p, g in zip(per, batch):
        assert np.allclose(p.mean(axis=0), g, atol=1e-14)
    # each slice is the gradient of that sample's own loss
    _, first = model.compute_gradients(x[:1], y[:1])
    for p, g in zip(per, first):
        assert np.allclose(p[0], g, atol=1e-14)


def test_numerical_gradient_refuses_what_it_cannot_perturb_in_place():
    square = lambda v: float((v**2).sum())  # noqa: E731
    with pytest.raises(TypeError,
                       match=r"^x must be a float numpy array \(it is perturbed in place\), got list"):
        nn.numerical_gradient(square, [1.0, 2.0])
    with pytest.raises(TypeError, match=r"x must be a float numpy array .*got ndarray"):
        nn.numerical_gradient(square, np.array([1, 2]))
    x = np.arange(6.0).reshape(2, 3)
    with pytest.raises(ValueError, match=r"^x must be a C-contiguous array .*strided view of shape \(3, 2\)"):
        nn.numerical_gradient(square, x.T)
    assert np.array_equal(x, np.arange(6.0).reshape(2, 3))


def test_gradient_error_needs_one_shape():
    with pytest.raises(ValueError, match=r"^analytic must have the shape of numerical, \(3,\), got \(2,\)$"):
        nn.gradcheck.gradient_error(np.zeros(2), np.zeros(3))
