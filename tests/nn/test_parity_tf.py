"""companion.nn against TensorFlow/Keras 3 on the article's 100-64-64-10 network.

Keras's initial weights are copied in with ``set_weights``; every comparison states its tolerance
(max absolute difference, float32).  The comparisons themselves live in ``parity_cases.py``, which
``benchmarks/parity_report.py`` also runs.
"""

from __future__ import annotations

import numpy as np
import pytest

from .helpers import article_model
from .parity_cases import (
    FORWARD_TOL,
    GRAD_TOL,
    HISTORY_TOL,
    LOSS_CASES,
    OPTIMIZERS,
    STEP_TOL,
    algorithm1_drift,
    keras_article_model,
    keras_loss_and_grads,
    keras_weights_after_steps,
    loss_case_diffs,
)


@pytest.fixture(scope="module")
def batch(digits_split):
    (x, y), _ = digits_split
    return x[:32], y[:32]


@pytest.fixture(scope="module")
def keras_model(tf_keras):
    _, keras = tf_keras
    return keras_article_model(keras)


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


@pytest.mark.parametrize("name", list(LOSS_CASES))
def test_other_losses_match_keras(tf_keras, batch, name):
    """Loss and gradients for the other output/loss pairs, one batch of 32."""
    tf, keras = tf_keras
    loss_diff, grad_diff = loss_case_diffs(tf, keras, *batch, name)
    assert loss_diff < FORWARD_TOL
    assert grad_diff < GRAD_TOL


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


def test_algorithm1_adam_drifts_from_keras(tf_keras, keras_model, batch):
    """Why the engine's Adam uses the epsilon-hat form: Algorithm 1 of the paper does not match Keras."""
    tf, keras = tf_keras
    assert algorithm1_drift(tf, keras, keras_model.get_weights(), *batch) > 10 * STEP_TOL


def test_fit_history_matches_keras(tf_keras, digits_split):
    tf, keras = tf_keras
    (x_all, y_all), _ = digits_split
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
