"""Dropout (companion.nn.layers.Dropout): its rate, its scaling, the identity at inference, and its place
in Sequential.  Keras draws masks with TensorFlow's generator, so runs cannot be compared sample for
sample; the rule (drop with probability p, scale the rest by 1/(1-p)) is compared with Keras's layer.
"""

from __future__ import annotations

import numpy as np
import pytest

from companion import nn

from .helpers import small_data


def dropout_model(rate=0.5, dtype="float64", seed=0, dropout_seed=None, width=64, features=100):
    model = nn.Sequential([nn.Input(shape=(features,)), nn.Dense(width, activation="relu"),
                           nn.Dropout(rate, seed=dropout_seed), nn.Dense(width, activation="relu"),
                           nn.Dropout(rate, seed=dropout_seed), nn.Dense(10, activation="softmax")],
                          dtype=dtype, seed=seed)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def plain_model(dtype="float64", seed=0, width=64, features=100) -> nn.Sequential:
    model = nn.Sequential([nn.Input(shape=(features,)), nn.Dense(width, activation="relu"),
                           nn.Dense(width, activation="relu"), nn.Dense(10, activation="softmax")],
                          dtype=dtype, seed=seed)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_rate_and_inverted_scaling(rate):
    layer = nn.Dropout(rate, seed=1)
    x = np.random.default_rng(0).uniform(0.5, 1.5, (400, 500))
    out = layer(x, training=True)
    dropped = out == 0
    n = x.size
    # the dropped fraction is Binomial(n, p) / n: within 5 standard deviations
    assert abs(dropped.mean() - rate) < 5 * np.sqrt(rate * (1 - rate) / n)
    # kept units are scaled by exactly 1 / (1 - p)
    np.testing.assert_allclose(out[~dropped], x[~dropped] / (1 - rate), rtol=1e-15)
    # so the mean activation is preserved (eq. nn.dropout.1): within 5 standard errors
    ratio = out / x
    assert abs(ratio.mean() - 1) < 5 * ratio.std() / np.sqrt(n)


def test_identity_at_inference():
    layer = nn.Dropout(0.5, seed=0)
    x = np.random.default_rng(0).standard_normal((8, 6))
    assert layer(x) is x and layer(x, training=False) is x
    assert layer.backward(np.ones((8, 6))).tolist() == np.ones((8, 6)).tolist()


def test_rate_zero_and_one():
    x = np.ones((3, 4), dtype=np.float32)
    assert nn.Dropout(0.0)(x, training=True) is x
    out = nn.Dropout(1.0, seed=0)(x, training=True)
    assert out.dtype == np.float32 and not out.any()


def test_backward_uses_the_same_mask():
    layer = nn.Dropout(0.3, seed=2)
    x = np.random.default_rng(1).uniform(1, 2, (5, 7))
    out = layer(x, training=True)
    g = np.random.default_rng(2).standard_normal((5, 7))
    np.testing.assert_allclose(layer.backward(g), g * out / x, rtol=1e-14)
    assert layer.backward(g, input_grad=False) is None


def test_rule_matches_keras_dropout_layer(tf_keras):
    """Keras's layer: same dropped fraction (statistically), same 1/(1-p) scale, identity when not
    training."""
    _, keras = tf_keras
    rate = 0.25
    x = np.ones((400, 500), dtype=np.float32)
    k_out = keras.layers.Dropout(rate, seed=3)(x, training=True).numpy()
    out = nn.Dropout(rate, seed=3)(x, training=True)
    assert set(np.unique(k_out)) == set(np.unique(out)) == {np.float32(0), np.float32(1 / (1 - rate))}
    tol = 5 * np.sqrt(rate * (1 - rate) / x.size)
    assert abs((k_out == 0).mean() - rate) < tol and abs((out == 0).mean() - rate) < tol
    assert np.array_equal(keras.layers.Dropout(rate)(x, training=False).numpy(), x)


def test_predict_and_evaluate_ignore_dropout():
    x, y = small_data(50)
    model, plain = dropout_model(), plain_model()
    plain.set_weights(model.get_weights())
    np.testing.assert_array_equal(model.predict(x), plain.predict(x))
    assert model.evaluate(x, y, verbose=0) == plain.evaluate(x, y, verbose=0)


def test_dropout_does_not_change_initial_weights_of_the_model():
    """The masks come from a generator *spawned* from the model's seed, so the Dense layers start alike."""
    for a, b in zip(dropout_model(seed=7).get_weights(), plain_model(seed=7).get_weights()):
        np.testing.assert_array_equal(a, b)


def test_fit_uses_dropout_and_is_reproducible():
    x, y = small_data(64)
    runs = []
    for _ in range(2):
        model = dropout_model(rate=0.5, seed=3)
        history = model.fit(x, y, epochs=3, batch_size=16, verbose=0, validation_data=(x, y))
        runs.append((history.history, model.get_weights()))
    assert runs[0][0] == runs[1][0]  # same seed, same run
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)
    plain = plain_model(seed=3)
    plain_history = plain.fit(x, y, epochs=3, batch_size=16, verbose=0, validation_data=(x, y)).history
    assert plain_history["loss"][0] != runs[0][0]["loss"][0]  # dropout changed the training loss
    # validation runs the inference network: the last val_loss is what evaluate says afterwards
    assert runs[0][0]["val_loss"][-1] == pytest.approx(model.evaluate(x, y, verbose=0)[0], rel=1e-12)


def test_an_explicit_seed_gives_the_same_masks_whatever_the_model_seed():
    x, y = small_data(32)
    a, b = dropout_model(seed=0, dropout_seed=5), dropout_model(seed=0, dropout_seed=5)
    c = dropout_model(seed=0, dropout_seed=6)
    ga = a.compute_gradients(x, y, training=True)[1]
    gb = b.compute_gradients(x, y, training=True)[1]
    gc = c.compute_gradients(x, y, training=True)[1]
    assert all(np.array_equal(u, v) for u, v in zip(ga, gb))
    assert not all(np.array_equal(u, v) for u, v in zip(ga, gc))


def test_compute_gradients_training_flag():
    x, y = small_data(32, features=12)
    model, plain = dropout_model(width=8, features=12), plain_model(width=8, features=12)
    plain.set_weights(model.get_weights())
    # default: the inference network, deterministic and equal to the model without dropout
    for g, pg in zip(model.compute_gradients(x, y)[1], plain.compute_gradients(x, y)[1]):
        np.testing.assert_array_equal(g, pg)
    # training=True: a fresh mask each call
    g1, g2 = (model.compute_gradients(x, y, training=True)[1] for _ in range(2))
    assert not np.array_equal(g1[0], g2[0])
    assert nn.check_model_gradients(model, x.astype(np.float64), y).max_error < 1e-7


def test_gradients_through_a_fixed_mask_match_central_differences():
    """With the mask frozen (a seeded layer re-seeded before every call), backprop equals eq. (nn.grad.1)."""
    x, y = small_data(8, features=12)
    model = dropout_model(rate=0.4, dropout_seed=11, width=8, features=12)
    # non-zero biases: a sample whose inputs to a ReLU layer are all dropped would otherwise sit exactly
    # on the ReLU's kink (z = b = 0), where central differences see a slope of 1/2
    rng = np.random.default_rng(3)
    model.set_weights([w + (0.1 * rng.standard_normal(w.shape) if w.ndim == 1 else 0)
                       for w in model.get_weights()])

    def loss_and_grads():
        for layer in model.layers:
            if isinstance(layer, nn.Dropout):
                layer._rng = np.random.default_rng(layer.seed)  # same masks every call
        return model.compute_gradients(x, y, training=True)

    _, analytic = loss_and_grads()
    numerical = [nn.numerical_gradient(lambda _: loss_and_grads()[0], w) for w in model.weights]
    errors = [nn.gradcheck.gradient_error(a, g) for a, g in zip(analytic, numerical)]
    assert max(errors) < 1e-7
    plain = plain_model(width=8, features=12)
    plain.set_weights(model.get_weights())
    assert not np.allclose(analytic[0], plain.compute_gradients(x, y)[1][0])  # the mask mattered


def test_summary_config_and_weights_file(tmp_path, capsys):
    model = dropout_model(rate=0.25)
    assert model.count_params() == plain_model().count_params()
    model.summary()
    out = capsys.readouterr().out
    assert out.count("(Dropout)") == 2 and "(None, 64)" in out
    assert [layer["activation"] for layer in model.get_config()["layers"]][1] == "dropout(0.25)"
    path = tmp_path / "w.npz"
    model.save_weights(path)
    other = dropout_model(rate=0.25, seed=1)
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="different architecture"):
        dropout_model(rate=0.5).load_weights(path)


def test_dropout_can_come_first_and_last():
    x, y = small_data(20)
    model = nn.Sequential([nn.Input(shape=(100,)), nn.Dropout(0.2), nn.Dense(10, activation="softmax"),
                           nn.Dropout(0.1)], seed=0, dtype="float64")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert model.output_dim == 10
    history = model.fit(x, y, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.predict(x).shape == (20, 10)


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: nn.Dropout(1.5), ValueError, r"rate must be in \[0, 1\] \(the fraction of units dropped\)"),
        (lambda: nn.Dropout(-0.1), ValueError, r"rate must be in \[0, 1\]"),
        (lambda: nn.Dropout("half"), TypeError, "rate must be a real number, got str"),
        (lambda: nn.Dropout(0.5, seed=-1), ValueError, r"seed must be an int in \[0, 2\*\*32\), got -1"),
        (lambda: nn.Dropout(0.5, seed=1.5), TypeError, r"seed must be an int in \[0, 2\*\*32\), got float"),
        (lambda: nn.Sequential([nn.Input(shape=(3,)), "dropout"]), TypeError, "nn.Dense or nn.Dropout"),
    ],
)
def test_bad_arguments_are_refused(make, error, match):
    with pytest.raises(error, match=match):
        make()
