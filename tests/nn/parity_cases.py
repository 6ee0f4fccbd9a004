"""The comparisons of companion.nn with TensorFlow/Keras 3, shared by the parity tests and the report.

``tests/nn/test_parity_tf.py`` asserts the stated tolerances on these numbers;
``benchmarks/parity_report.py`` prints them.  Not a test module (pytest does not collect it): TensorFlow
and Keras are passed in, as ``(tf, keras)`` from :func:`companion.tf.setup`.
"""

from __future__ import annotations

import numpy as np

from companion import nn

#: Tolerances (max absolute difference, float32) the parity tests assert.
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
    model = nn.Sequential([nn.Dense(64, activation="relu", input_shape=(100,)),
                           nn.Dense(64, activation="tanh"), nn.Dense(10, activation=activation)])
    model.compile(optimizer="adam", loss=ours() if callable(ours) else ours)
    model.set_weights(kmodel.get_weights())
    loss, grads = model.compute_gradients(x, y)
    return abs(loss - float(k_loss)), max(np.abs(g - kg.numpy()).max() for g, kg in zip(grads, k_grads))


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


def algorithm1_drift(tf, keras, initial, x, y):
    """Max |diff| after 5 steps between Keras's Adam and Algorithm 1 (same epsilon, 1e-7)."""
    expected = keras_weights_after_steps(tf, keras, lambda k: k.optimizers.Adam(), initial, x, y)
    model = nn.article_model(optimizer=nn.optimizers.AdamAlgorithm1(epsilon=1e-7), seed=0)
    model.set_weights(initial)
    for _ in range(5):
        model.train_on_batch(x, y)
    return max(np.abs(a - b).max() for a, b in zip(model.get_weights(), expected))
