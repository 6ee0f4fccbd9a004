"""L2 weight penalty (companion.nn.regularizers, Dense(kernel_regularizer=...)) against Keras 3.

Same weights in both engines; tolerances as tests/nn/test_parity_tf.py (max absolute difference, float32).
"""

from __future__ import annotations

import numpy as np
import pytest

from companion import nn

from .helpers import small_data

FORWARD_TOL = 1e-6
GRAD_TOL = 1e-6
STEP_TOL = 1e-5
HISTORY_TOL = 1e-4
L2S = (0.01, None, 0.003)  # one factor per Dense layer; the middle layer has no penalty


def ours(l2s=L2S, dtype="float32", optimizer="adam", seed=0) -> nn.Sequential:
    regs = [None if l2 is None else nn.regularizers.L2(l2) for l2 in l2s]
    model = nn.Sequential([nn.Input(shape=(100,)),
                           nn.Dense(64, activation="relu", kernel_regularizer=regs[0]),
                           nn.Dense(64, activation="relu", kernel_regularizer=regs[1]),
                           nn.Dense(10, activation="softmax", kernel_regularizer=regs[2])],
                          dtype=dtype, seed=seed)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def keras_model(keras, l2s=L2S, optimizer="adam", seed=0):
    keras.utils.set_random_seed(seed)
    regs = [None if l2 is None else keras.regularizers.L2(l2) for l2 in l2s]
    model = keras.Sequential([keras.Input(shape=(100,)),
                              keras.layers.Dense(64, activation="relu", kernel_regularizer=regs[0]),
                              keras.layers.Dense(64, activation="relu", kernel_regularizer=regs[1]),
                              keras.layers.Dense(10, activation="softmax", kernel_regularizer=regs[2])])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def batch(digits_split):
    (x, y), _ = digits_split
    return x[:32], y[:32]


def test_l2_penalty_and_gradient_are_keras_definition(tf_keras):
    """Keras 3: ``l2 * sum(square(w))`` (no 1/2); its gradient by GradientTape is 2 * l2 * w."""
    tf, keras = tf_keras
    w = np.random.default_rng(0).standard_normal((7, 5)).astype(np.float32)
    reg, k_reg = nn.regularizers.L2(0.03), keras.regularizers.L2(0.03)
    var = tf.Variable(w)
    with tf.GradientTape() as tape:
        k_value = k_reg(var)
    k_grad = tape.gradient(k_value, var).numpy()
    assert abs(float(reg(w)) - float(k_value)) <= 1e-6 * float(k_value)
    assert np.abs(reg.gradient(w) - k_grad).max() < 1e-7
    assert float(nn.regularizers.L2(0.5)(np.ones((5, 5)))) == 12.5  # Keras's docstring example
    assert reg(w).dtype == np.float32 and reg.gradient(w).dtype == np.float32


def test_string_and_default_factor():
    assert nn.regularizers.get("l2").l2 == 0.01 == nn.regularizers.L2().l2  # Keras's default
    assert nn.regularizers.get(None) is None
    layer = nn.Dense(3, kernel_regularizer="l2")
    assert isinstance(layer.kernel_regularizer, nn.regularizers.L2)
    assert nn.Dense(3).kernel_regularizer is None


def test_regularised_loss_and_gradients_match_keras(tf_keras, batch):
    tf, keras = tf_keras
    x, y = batch
    kmodel = keras_model(keras)
    model = ours()
    model.set_weights(kmodel.get_weights())

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            y_pred = kmodel(x, training=True)
            loss = kmodel.compute_loss(x=x, y=y, y_pred=y_pred)  # what Keras's train_step differentiates
        return loss, tape.gradient(loss, kmodel.trainable_variables)

    k_loss, k_grads = step(tf.constant(x), tf.constant(y))
    loss, grads = model.compute_gradients(x, y)
    penalty = sum(float(np.sum(w**2)) * l2 for w, l2 in zip(model.get_weights()[::2], L2S) if l2)
    assert penalty > 0.05  # the penalty is a visible part of the loss
    assert abs(sum(model.losses) - penalty) < FORWARD_TOL
    assert abs(loss - float(k_loss)) < FORWARD_TOL
    for g, kg in zip(grads, k_grads):
        assert np.abs(g - kg.numpy()).max() < GRAD_TOL
    # and the penalty's share of the gradient is what eq. (nn.l2.1) says
    plain = ours(l2s=(None, None, None))
    plain.set_weights(model.get_weights())
    plain_loss, plain_grads = plain.compute_gradients(x, y)
    assert abs(loss - plain_loss - penalty) < FORWARD_TOL
    kernel = model.get_weights()[0]
    assert np.abs(grads[0] - plain_grads[0] - 2 * 0.01 * kernel).max() < 1e-7
    assert np.array_equal(grads[2], plain_grads[2])  # the layer without a penalty


def test_evaluate_includes_the_penalty_as_keras(tf_keras, digits_split):
    _, keras = tf_keras
    (x, y), _ = digits_split
    kmodel = keras_model(keras, seed=4)
    model = ours()
    model.set_weights(kmodel.get_weights())
    expected = kmodel.evaluate(x[:100], y[:100], verbose=0)
    got = model.evaluate(x[:100], y[:100], verbose=0)
    assert np.abs(np.array(got) - np.array(expected)).max() < FORWARD_TOL


def test_fit_with_l2_matches_keras(tf_keras, digits_split):
    """A few epochs of SGD with momentum and L2 (weight decay visible in 27 steps): history and weights."""
    _, keras = tf_keras
    (x_all, y_all), _ = digits_split
    x, y = x_all[:330], y_all[:330]
    kmodel = keras_model(keras, l2s=(0.05, 0.02, 0.05), optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
                         seed=5)
    model = ours(l2s=(0.05, 0.02, 0.05), optimizer=nn.optimizers.SGD(0.1, momentum=0.9))
    model.set_weights(kmodel.get_weights())
    kwargs = {"epochs": 3, "batch_size": 32, "shuffle": False, "validation_split": 0.2, "verbose": 0}
    expected = kmodel.fit(x, y, **kwargs).history
    got = model.fit(x, y, **kwargs).history
    for key in expected:
        assert np.abs(np.array(got[key]) - np.array(expected[key])).max() < HISTORY_TOL, key
    for w, kw in zip(model.get_weights(), kmodel.get_weights()):
        assert np.abs(w - kw).max() < STEP_TOL


def test_weight_decay_shrinks_weights():
    """With a zero data gradient, SGD on the penalty alone multiplies W by (1 - 2 eta lambda) per step."""
    model = nn.Sequential([nn.Dense(3, input_shape=(2,), use_bias=False,
                                    kernel_regularizer=nn.regularizers.L2(0.25))], dtype="float64", seed=0)
    model.compile(optimizer=nn.optimizers.SGD(0.1), loss="mse")
    w0 = model.get_weights()[0]
    model.train_on_batch(np.zeros((4, 2)), np.zeros((4, 3)))  # x = 0: the data gradient is zero
    np.testing.assert_allclose(model.get_weights()[0], (1 - 2 * 0.1 * 0.25) * w0, rtol=1e-15)


def test_regularised_gradients_pass_a_gradient_check():
    x, y = small_data(12, features=6)
    regs = [nn.regularizers.L2(l2) for l2 in (0.1, 0.2, 0.3)]
    model = nn.Sequential([nn.Input(shape=(6,)), nn.Dense(8, activation="tanh", kernel_regularizer=regs[0]),
                           nn.Dense(8, activation="relu", kernel_regularizer=regs[1]),
                           nn.Dense(10, activation="softmax", kernel_regularizer=regs[2])],
                          dtype="float64", seed=0)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    check = nn.check_model_gradients(model, x.astype(np.float64), y)
    assert check.max_error < 1e-7
    assert np.abs(check.analytic[0]).max() > 1e-3


def test_per_example_gradients_average_to_the_regularised_gradient():
    x, y = small_data(16)
    model = ours(dtype="float64")
    _, batch_grads = model.compute_gradients(x, y)
    _, each = model.compute_gradients(x, y, per_example=True)
    for g, e in zip(batch_grads, each):
        assert np.abs(e.mean(axis=0) - g).max() < 1e-12


def test_a_model_without_penalties_is_unchanged(batch):
    x, y = batch
    model = ours(l2s=(None, None, None))
    assert model.losses == []
    loss, _ = model.compute_gradients(x, y)
    assert loss == model.evaluate(x, y, batch_size=32, verbose=0)[0]


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: nn.regularizers.L2(-0.1), ValueError, "l2 must be >= 0, got -0.1"),
        (lambda: nn.regularizers.L2(float("inf")), ValueError, "l2 must be a finite number, got inf"),
        (lambda: nn.regularizers.L2("big"), TypeError, "l2 must be a real number, got str"),
        (lambda: nn.Dense(3, kernel_regularizer="l3"), ValueError, "kernel_regularizer must be one of"),
        (lambda: nn.Dense(3, kernel_regularizer=0.01), TypeError,
         "kernel_regularizer must be None, a string"),
    ],
)
def test_bad_arguments_are_refused(make, error, match):
    with pytest.raises(error, match=match):
        make()
