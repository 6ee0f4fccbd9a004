"""companion.nn against TensorFlow/Keras 3 on the article's 100-64-64-10 network.

Keras's initial weights are copied in with ``set_weights``; every comparison states its tolerance
(max absolute difference, float32).
"""

from __future__ import annotations

import numpy as np
import pytest

from companion import nn
from tests.nn.helpers import article_model

FORWARD_TOL = 1e-6
GRAD_TOL = 1e-6
STEP_TOL = 1e-5
HISTORY_TOL = 1e-4


def keras_article_model(keras, seed: int = 0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input(shape=(100,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


@pytest.fixture(scope="module")
def batch(digits):
    (x, y), _ = digits
    return x[:32], y[:32]


@pytest.fixture(scope="module")
def keras_model(tf_keras):
    _, keras = tf_keras
    return keras_article_model(keras)


def keras_loss_and_grads(tf, keras, model, x, y):
    """Loss and gradients exactly as Keras's train step computes them (inside a tf.function the
    softmax output carries its logits, which the loss uses)."""
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        return loss, tape.gradient(loss, model.trainable_variables)

    loss, grads = step(tf.constant(x), tf.constant(y))
    return float(loss), [g.numpy() for g in grads]


def test_forward_and_loss_match_keras(tf_keras, keras_model, batch):
    tf, keras = tf_keras
    x, y = batch
    model = article_model()
    model.set_weights(keras_model.get_weights())
    probs = model.predict(x)
    assert probs.dtype == np.float32
    assert np.abs(probs - keras_model(x).numpy()).max() < FORWARD_TOL
    keras_loss, _ = keras_loss_and_grads(tf, keras, keras_model, x, y)
    ours = model.evaluate(x, y, batch_size=32, verbose=0)[0]
    assert abs(ours - keras_loss) < FORWARD_TOL


def test_gradients_match_gradient_tape(tf_keras, keras_model, batch):
    tf, keras = tf_keras
    x, y = batch
    model = article_model()
    model.set_weights(keras_model.get_weights())
    keras_loss, keras_grads = keras_loss_and_grads(tf, keras, keras_model, x, y)
    loss, grads = model.compute_gradients(x, y)
    assert abs(loss - keras_loss) < FORWARD_TOL
    assert [g.shape for g in grads] == [g.shape for g in keras_grads]
    for ours, theirs in zip(grads, keras_grads):
        assert np.abs(ours - theirs).max() < GRAD_TOL


LOSS_CASES = {
    # output activation, our loss, Keras loss (class, so reduction is the batch mean), targets
    "softmax+categorical": (
        "softmax", "categorical_crossentropy", lambda k: k.losses.CategoricalCrossentropy(), "one_hot"
    ),
    "linear+sparse_from_logits": (
        "linear",
        lambda: nn.losses.SparseCategoricalCrossentropy(from_logits=True),
        lambda k: k.losses.SparseCategoricalCrossentropy(from_logits=True),
        "labels",
    ),
    "sigmoid+binary": ("sigmoid", "binary_crossentropy", lambda k: k.losses.BinaryCrossentropy(), "binary"),
    "tanh+mse": ("tanh", "mse", lambda k: k.losses.MeanSquaredError(), "real"),
}


def loss_case_diffs(tf, keras, x, labels, name):
    """Max |diff| of loss and of gradients against Keras for one of LOSS_CASES (100-64-64-10)."""
    activation, ours, theirs, kind = LOSS_CASES[name]
    rng = np.random.default_rng(0)
    y = {
        "labels": labels,
        "one_hot": np.eye(10, dtype=np.float32)[labels],
        "binary": rng.integers(0, 2, (32, 10)).astype(np.float32),
        "real": rng.uniform(-1, 1, (32, 10)).astype(np.float32),
    }[kind]
    keras.utils.set_random_seed(3)
    kmodel = keras.Sequential([keras.Input(shape=(100,)), keras.layers.Dense(64, activation="relu"),
                               keras.layers.Dense(64, activation="tanh"),
                               keras.layers.Dense(10, activation=activation)])
    loss_fn = theirs(keras)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, kmodel(x, training=True))
        return loss, tape.gradient(loss, kmodel.trainable_variables)

    k_loss, k_grads = step(tf.constant(x), tf.constant(y))
    model = nn.Sequential([nn.Dense(64, activation="relu", input_shape=(100,)), nn.Dense(64, activation="tanh"),
                           nn.Dense(10, activation=activation)])
    model.compile(optimizer="adam", loss=ours() if callable(ours) else ours)
    model.set_weights(kmodel.get_weights())
    loss, grads = model.compute_gradients(x, y)
    return abs(loss - float(k_loss)), max(np.abs(g - kg.numpy()).max() for g, kg in zip(grads, k_grads))


@pytest.mark.parametrize("name", list(LOSS_CASES))
def test_other_losses_match_keras(tf_keras, batch, name):
    """Loss and gradients for the other output/loss pairs, one batch of 32."""
    tf, keras = tf_keras
    loss_diff, grad_diff = loss_case_diffs(tf, keras, *batch, name)
    assert loss_diff < FORWARD_TOL
    assert grad_diff < GRAD_TOL


OPTIMIZERS = {
    "sgd": (lambda k: k.optimizers.SGD(0.1), lambda: nn.optimizers.SGD(0.1)),
    "sgd_momentum": (
        lambda k: k.optimizers.SGD(0.1, momentum=0.9),
        lambda: nn.optimizers.SGD(0.1, momentum=0.9),
    ),
    "nesterov": (
        lambda k: k.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        lambda: nn.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    ),
    "rmsprop": (lambda k: k.optimizers.RMSprop(0.01), lambda: nn.optimizers.RMSprop(0.01)),
    "rmsprop_centered": (
        lambda k: k.optimizers.RMSprop(0.01, centered=True),
        lambda: nn.optimizers.RMSprop(0.01, centered=True),
    ),
    # Adam's step m / (sqrt(v) + eps) is nearly sign(g) for |g| >> eps, and g / eps for |g| << eps: on
    # weights whose gradient is ~eps (1e-7), the last-bit differences between TF's and NumPy's matmul
    # are amplified by lr / eps.  At lr = 0.01 that reaches ~2e-5 after 5 steps; at Keras's default
    # lr = 0.001 it stays below 1e-5.
    "adam": (lambda k: k.optimizers.Adam(), lambda: "adam"),
    "adam_betas": (
        lambda k: k.optimizers.Adam(0.002, beta_1=0.8, beta_2=0.99),
        lambda: nn.optimizers.Adam(0.002, beta_1=0.8, beta_2=0.99),
    ),
}


def keras_weights_after_steps(tf, keras, make_optimizer, initial, x, y, steps=5):
    model = keras_article_model(keras)
    model.set_weights(initial)
    optimizer = make_optimizer(keras)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    for _ in range(steps):
        step(tf.constant(x), tf.constant(y))
    return model.get_weights()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_five_optimizer_steps_match_keras(tf_keras, keras_model, batch, name):
    tf, keras = tf_keras
    x, y = batch
    make_keras, make_ours = OPTIMIZERS[name]
    initial = keras_model.get_weights()
    expected = keras_weights_after_steps(tf, keras, make_keras, initial, x, y)
    model = article_model(optimizer=make_ours())
    model.set_weights(initial)
    for _ in range(5):
        model.train_on_batch(x, y)
    assert model.optimizer.iterations == 5
    moved = max(np.abs(w - w0).max() for w, w0 in zip(model.get_weights(), initial))
    assert moved > 1e-3  # the steps did something
    for ours, theirs in zip(model.get_weights(), expected):
        assert np.abs(ours - theirs).max() < STEP_TOL


def algorithm1_drift(tf, keras, initial, x, y):
    """Max |diff| after 5 steps between Keras's Adam and Algorithm 1 (same epsilon, 1e-7)."""
    expected = keras_weights_after_steps(tf, keras, lambda k: k.optimizers.Adam(), initial, x, y)
    model = article_model(optimizer=nn.optimizers.AdamAlgorithm1(epsilon=1e-7))
    model.set_weights(initial)
    for _ in range(5):
        model.train_on_batch(x, y)
    return max(np.abs(a - b).max() for a, b in zip(model.get_weights(), expected))


def test_algorithm1_adam_drifts_from_keras(tf_keras, keras_model, batch):
    """Why the engine's Adam uses the epsilon-hat form: Algorithm 1 of the paper does not match Keras."""
    tf, keras = tf_keras
    assert algorithm1_drift(tf, keras, keras_model.get_weights(), *batch) > 10 * STEP_TOL


def test_fit_history_matches_keras(tf_keras, digits):
    tf, keras = tf_keras
    (x_all, y_all), _ = digits
    x, y = x_all[:330], y_all[:330]  # 264 training samples after the split: 8 full batches and one of 8
    kmodel = keras_article_model(keras, seed=1)
    kmodel.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model = article_model()
    model.set_weights(kmodel.get_weights())
    kwargs = {"epochs": 3, "batch_size": 32, "shuffle": False, "validation_split": 0.2, "verbose": 0}
    expected = kmodel.fit(x, y, **kwargs).history
    got = model.fit(x, y, **kwargs).history
    assert sorted(got) == sorted(expected) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for key in expected:
        assert len(got[key]) == 3
        assert np.abs(np.array(got[key]) - np.array(expected[key])).max() < HISTORY_TOL, key
    for ours, theirs in zip(model.get_weights(), kmodel.get_weights()):
        assert np.abs(ours - theirs).max() < STEP_TOL
    # and evaluate agrees with Keras's evaluate
    k_eval = kmodel.evaluate(x_all[330:400], y_all[330:400], verbose=0)
    ours = model.evaluate(x_all[330:400], y_all[330:400], verbose=0)
    assert np.abs(np.array(ours) - np.array(k_eval)).max() < HISTORY_TOL
