"""Sequential.input_gradient (eq. nn.model.3): central differences in float64, TensorFlow's GradientTape
on the same weights, and bad input refused without changing the model."""

from __future__ import annotations

import numpy as np
import pytest

from companion import nn


def _model(dtype="float64", last="softmax"):
    m = nn.Sequential([nn.Input(shape=(5,)), nn.Dense(4, activation="tanh"), nn.Dense(3, activation=last)],
                      seed=0, dtype=dtype)
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return m


def _central(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            xp, xm = x.copy(), x.copy()
            xp[i, j] += h
            xm[i, j] -= h
            g[i, j] = (f(xp)[i] - f(xm)[i]) / (2 * h)
    return g


X = np.random.default_rng(0).standard_normal((6, 5))
T = np.array([0, 1, 2, 2, 1, 0])


def test_probability_logit_and_loss_gradients_match_central_differences():
    m = _model()
    rows = np.arange(len(X))
    prob = m.input_gradient(X, T)
    assert np.abs(prob - _central(lambda z: m.predict(z)[rows, T], X)).max() < 1e-8

    def logits(z):  # the last layer's pre-activation, written out from the weights
        hidden = np.tanh(z @ m.layers[0].kernel + m.layers[0].bias)
        return hidden @ m.layers[1].kernel + m.layers[1].bias

    logit = m.input_gradient(X, T, of="logit")
    assert np.abs(logit - _central(lambda z: logits(z)[rows, T], X)).max() < 1e-8
    loss = m.input_gradient(X, T, of="loss")
    assert np.abs(loss - _central(lambda z: -np.log(m.predict(z)[rows, T]), X)).max() < 1e-8


def test_default_target_is_the_predicted_class():
    m = _model()
    pred = np.argmax(m.predict(X), axis=1)
    np.testing.assert_array_equal(m.input_gradient(X), m.input_gradient(X, pred))
    np.testing.assert_array_equal(m.input_gradient(X, 2), m.input_gradient(X, np.full(len(X), 2)))


def test_matches_tensorflow_gradient_tape_on_the_same_weights(tf_keras):
    tf, keras = tf_keras
    m = _model(dtype="float32")
    k = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(4, activation="tanh"),
                          keras.layers.Dense(3, activation="softmax")])
    k.set_weights(m.get_weights())
    x = tf.constant(X, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        picked = tf.gather(k(x), T, axis=1, batch_dims=1)
    expected = tape.gradient(picked, x).numpy()
    assert np.abs(m.input_gradient(X, T) - expected).max() < 1e-6


def test_weights_and_optimizer_state_are_unchanged():
    m = _model()
    before = [w.copy() for w in m.get_weights()]
    m.input_gradient(X, T, of="loss")
    m.input_gradient(X)
    assert all(np.array_equal(a, b) for a, b in zip(before, m.get_weights()))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"of": "prob"}, r"of must be one of \['probability', 'logit', 'loss'\], got 'prob'"),
     ({"target": 3}, r"target must be in \[0, 3\), got values from 3 to 3"),
     ({"target": [0, 1]}, "target must be an int or 6 ints"),
     ({"target": np.full(6, 0.5)}, "target must be an int or 6 ints"),
     ({"of": "loss"}, "target")],
)
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _model().input_gradient(X, **kwargs)


def test_wrong_input_width_names_the_argument():
    with pytest.raises(ValueError, match=r"x must have 5 features \(the model's input size\), got 4"):
        _model().input_gradient(X[:, :4])


def test_loss_gradient_needs_a_compiled_model():
    m = nn.Sequential([nn.Input(shape=(5,)), nn.Dense(3, activation="softmax")], seed=0)
    assert m.input_gradient(X).shape == (6, 5)
    with pytest.raises(ValueError, match="compile"):
        m.input_gradient(X, T, of="loss")
