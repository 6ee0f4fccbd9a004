"""Losses: hand-computed values, gradients against central differences, logits equal probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from companion.nn import activations as act
from companion.nn import losses
from companion.nn.gradcheck import numerical_gradient

RNG = np.random.default_rng(0)
Z = RNG.standard_normal((5, 4))
LABELS = np.array([0, 3, 1, 1, 2])
ONE_HOT = np.eye(4)[LABELS]
BINARY = RNG.integers(0, 2, (5, 4)).astype(float)


def test_sparse_ce_hand_value():
    z = np.array([[2.0, 0.0, -1.0]])
    expected = np.log(np.exp(2) + 1 + np.exp(-1)) - 2
    from_logits = losses.SparseCategoricalCrossentropy(from_logits=True)
    assert from_logits(np.array([0]), z) == pytest.approx(expected, abs=1e-12)
    p = act.softmax(z)
    assert losses.SparseCategoricalCrossentropy()(np.array([0]), p) == pytest.approx(expected, abs=1e-12)


def test_mse_and_bce_hand_values():
    assert losses.MeanSquaredError()(np.array([[1.0, 2.0]]), np.array([[0.0, 4.0]])) == pytest.approx(2.5)
    bce = losses.BinaryCrossentropy()(np.array([[1.0, 0.0]]), np.array([[0.8, 0.4]]))
    assert bce == pytest.approx(-(np.log(0.8) + np.log(0.6)) / 2)


def test_mean_over_batch():
    per = losses.sparse_categorical_crossentropy(LABELS, Z, from_logits=True)
    assert per.shape == (5,)
    assert losses.SparseCategoricalCrossentropy(from_logits=True)(LABELS, Z) == pytest.approx(per.mean())


CASES = [
    ("sparse logits", losses.SparseCategoricalCrossentropy(from_logits=True), LABELS, Z),
    ("sparse probs", losses.SparseCategoricalCrossentropy(), LABELS, act.softmax(Z)),
    ("categorical logits", losses.CategoricalCrossentropy(from_logits=True), ONE_HOT, Z),
    ("categorical probs", losses.CategoricalCrossentropy(), ONE_HOT, act.sigmoid(Z)),
    ("binary logits", losses.BinaryCrossentropy(from_logits=True), BINARY, Z),
    ("binary probs", losses.BinaryCrossentropy(), BINARY, act.sigmoid(Z)),
    ("mse", losses.MeanSquaredError(), ONE_HOT, Z),
]


@pytest.mark.parametrize("name, loss, y, pred", CASES, ids=[c[0] for c in CASES])
def test_gradient_matches_central_difference(name, loss, y, pred):
    numeric = numerical_gradient(lambda p: loss(y, p), pred.copy())
    assert np.abs(loss.gradient(y, pred) - numeric).max() < 1e-8
    value, grad = loss.value_and_gradient(y, pred)
    assert float(value) == pytest.approx(loss(y, pred), abs=1e-14)
    assert np.allclose(grad, loss.gradient(y, pred), atol=1e-15)


def test_logits_form_equals_probability_form_when_nothing_is_clipped():
    pairs = ((LABELS, losses.SparseCategoricalCrossentropy), (ONE_HOT, losses.CategoricalCrossentropy))
    for y, cls in pairs:
        assert cls(from_logits=True)(y, Z) == pytest.approx(cls()(y, act.softmax(Z)), abs=1e-12)
    assert losses.BinaryCrossentropy(from_logits=True)(BINARY, Z) == pytest.approx(
        losses.BinaryCrossentropy()(BINARY, act.sigmoid(Z)), abs=1e-12
    )


def test_logits_gradient_is_softmax_minus_one_hot_over_n():
    grad = losses.SparseCategoricalCrossentropy(from_logits=True).gradient(LABELS, Z)
    assert np.allclose(grad, (act.softmax(Z) - ONE_HOT) / len(Z), atol=1e-15)


def test_logits_avoid_the_clipping_of_probabilities():
    z = np.array([[0.0, 40.0]])  # softmax(z)[0] = 4e-18, below the 1e-7 clip
    exact = losses.SparseCategoricalCrossentropy(from_logits=True)(np.array([0]), z)
    assert exact == pytest.approx(40.0, abs=1e-9)
    clipped = losses.SparseCategoricalCrossentropy()(np.array([0]), act.softmax(z))
    assert clipped == pytest.approx(-np.log(1e-7), rel=1e-6)


def test_get():
    assert isinstance(losses.get("mse"), losses.MeanSquaredError)
    assert isinstance(losses.get("sparse_categorical_crossentropy"), losses.SparseCategoricalCrossentropy)
    with pytest.raises(ValueError, match=r"loss must be one of \[.*'binary_crossentropy'.*\], got 'hinge'"):
        losses.get("hinge")
    with pytest.raises(TypeError, match="loss must be a string"):
        losses.get(None)
