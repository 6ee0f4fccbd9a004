"""Equations eq-ch3-steps, eq-ch3-epoch-loss and eq-ch3-early-stop."""

import numpy as np
import pytest

from companion import nn
from companion.training import loop


@pytest.mark.parametrize(("n", "b", "steps"), [(1437, 32, 45), (64, 32, 2), (65, 32, 3), (1, 32, 1)])
def test_steps_per_epoch(n, b, steps):
    """eq-ch3-steps: ceil(N / B)."""
    assert loop.steps_per_epoch(n, b) == steps


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_train_by_hand_equals_model_fit(digits, dtype):
    """eq-ch3-epoch-loss: the loop built from the chapter's pieces is nn's fit, digit for digit."""
    x, y = digits
    x = x.astype(dtype)
    rng = np.random.default_rng(7)
    layers = loop.build_layers([100, 64, 64, 10], ["relu", "relu", "softmax"], rng, dtype=dtype)
    ours = loop.train_by_hand(layers, nn.optimizers.Adam(), x, y, epochs=3, batch_size=32, rng=rng)
    model = nn.article_model(seed=7, dtype=dtype)
    assert ours == model.fit(x, y, epochs=3, verbose=0).history["loss"]
    assert all(np.array_equal(a, b) for a, b in zip(loop.weights(layers), model.get_weights()))


def test_train_by_hand_without_shuffling(digits):
    x, y = digits
    layers = loop.build_layers([100, 16, 10], ["relu", "softmax"], np.random.default_rng(0))
    model = nn.Sequential([nn.Input(shape=(100,)), nn.Dense(16, activation="relu"),
                           nn.Dense(10, activation="softmax")], seed=0)
    model.compile(optimizer=nn.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    ours = loop.train_by_hand(layers, nn.optimizers.SGD(0.1), x, y, 2, 50, rng=None)
    assert ours == model.fit(x, y, epochs=2, batch_size=50, shuffle=False, verbose=0).history["loss"]


@pytest.mark.parametrize("patience", [0, 1, 2, 3, 9])
def test_early_stopping_epoch_matches_callback(patience):
    """eq-ch3-early-stop: the same epochs as nn.EarlyStopping."""
    val = [1.0, 0.8, 0.7, 0.72, 0.69, 0.75, 0.76, 0.8, 0.9, 1.0]
    stopped, best = loop.early_stopping_epoch(val, patience)
    cb = nn.EarlyStopping(patience=patience)

    class FakeModel:
        stop_training = False

    cb.set_model(FakeModel())
    cb.on_train_begin()
    for epoch, v in enumerate(val):
        cb.on_epoch_end(epoch, {"val_loss": v})
        if cb.model.stop_training:
            break
    assert (stopped, best) == (epoch, cb.best_epoch)


def test_build_layers_needs_one_activation_per_layer():
    expected = r"activations must have 2 entries \(one per layer after sizes\[0\]\), got 1"
    with pytest.raises(ValueError, match=expected):
        loop.build_layers([100, 16, 10], ["relu"], np.random.default_rng(0))


def test_forward_returns_the_last_pre_activation():
    layers = loop.build_layers([4, 3, 2], ["relu", "softmax"], np.random.default_rng(0), dtype="float64")
    x = np.random.default_rng(1).standard_normal((5, 4))
    z = loop.forward(layers, x)
    assert z is layers[-1].z
    assert np.allclose(nn.activations.softmax(z), layers[-1].a)
