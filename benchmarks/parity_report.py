"""Print the measured differences between companion.nn and TensorFlow/Keras (the parity tests' numbers).

Runs the same comparisons as ``tests/nn/test_parity_tf.py`` (from ``tests/nn/parity_cases.py``) and
prints max absolute differences instead of asserting tolerances.  Usage::

    .venv/bin/python benchmarks/parity_report.py
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from companion import nn  # noqa: E402
from companion import tf as ctf  # noqa: E402
from companion.data import load_digits  # noqa: E402
from tests.nn.parity_cases import (  # noqa: E402
    LOSS_CASES,
    OPTIMIZERS,
    algorithm1_drift,
    keras_article_model,
    keras_loss_and_grads,
    keras_weights_after_steps,
    loss_case_diffs,
)


def maxdiff(a, b) -> float:
    return max(float(np.abs(np.asarray(u) - np.asarray(v)).max()) for u, v in zip(a, b))


def main() -> None:
    tf, keras = ctf.setup(seed=0)
    (x_all, y_all), _ = load_digits()
    x, y = x_all[:32], y_all[:32]
    kmodel = keras_article_model(keras)
    model = nn.article_model(seed=0)
    model.set_weights(kmodel.get_weights())
    k_loss, k_grads = keras_loss_and_grads(tf, keras, kmodel, x, y)
    loss, grads = model.compute_gradients(x, y)
    print(f"forward probabilities  max|diff| = {np.abs(model.predict(x) - kmodel(x).numpy()).max():.2e}")
    print(f"loss                   |diff|     = {abs(loss - k_loss):.2e}")
    print(f"gradients              max|diff| = {maxdiff(grads, k_grads):.2e}")
    for name in LOSS_CASES:
        loss_diff, grad_diff = loss_case_diffs(tf, keras, x, y, name)
        print(f"{name:<26} loss |diff| = {loss_diff:.2e}, gradients max|diff| = {grad_diff:.2e}")
    initial = kmodel.get_weights()
    for name, (make_keras, make_ours) in OPTIMIZERS.items():
        expected = keras_weights_after_steps(tf, keras, make_keras, initial, x, y)
        ours = nn.article_model(optimizer=make_ours(), seed=0)
        ours.set_weights(initial)
        for _ in range(5):
            ours.train_on_batch(x, y)
        print(f"5 steps {name:<16} max|diff| = {maxdiff(ours.get_weights(), expected):.2e}")
    drift = algorithm1_drift(tf, keras, initial, x, y)
    print(f"(Algorithm-1 Adam vs Keras Adam after 5 steps: max|diff| = {drift:.2e}, i.e. not Keras's form)")
    xs, ys = x_all[:330], y_all[:330]
    kmodel = keras_article_model(keras, seed=1)
    kmodel.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model = nn.article_model(seed=0)
    model.set_weights(kmodel.get_weights())
    kwargs = {"epochs": 3, "batch_size": 32, "shuffle": False, "validation_split": 0.2, "verbose": 0}
    expected = kmodel.fit(xs, ys, **kwargs).history
    got = model.fit(xs, ys, **kwargs).history
    for key in expected:
        diff = np.abs(np.array(got[key]) - np.array(expected[key])).max()
        print(f"fit history {key:<12} max|diff| = {diff:.2e}")
    print(f"weights after fit      max|diff| = {maxdiff(model.get_weights(), kmodel.get_weights()):.2e}")


if __name__ == "__main__":
    main()
