"""Sequential: the Keras-shaped API, training behaviour, errors raised before anything changes."""

from __future__ import annotations

import numpy as np
import pytest

from companion import nn

from .helpers import article_model, small_data


def weights_equal(a, b):
    return len(a) == len(b) and all(np.array_equal(u, v) for u, v in zip(a, b))


# ----------------------------------------------------------------------------- structure
def test_weights_in_keras_order_and_shapes():
    model = article_model()
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(100, 64), (64,), (64, 64), (64,), (64, 10), (10,)]
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert model.count_params() == 11_274
    assert not model.get_weights()[1].any()  # zero biases


def test_float64_models():
    model = article_model(dtype="float64")
    x, y = small_data()
    assert model.predict(x).dtype == np.float64
    assert all(w.dtype == np.float64 for w in model.get_weights())


def test_seed_makes_runs_reproducible():
    x, y = small_data(100)
    runs = []
    for _ in range(2):
        model = article_model(seed=5)
        runs.append((model.fit(x, y, epochs=2, verbose=0).history, model.get_weights()))
    assert runs[0][0] == runs[1][0]
    assert weights_equal(runs[0][1], runs[1][1])
    other = article_model(seed=6)
    assert not weights_equal(other.get_weights(), article_model(seed=5).get_weights())


def test_build_from_first_fit_and_input_layer():
    x, y = small_data(20, features=7)
    model = nn.Sequential([nn.Dense(5, activation="tanh"), nn.Dense(3, activation="softmax")], seed=0)
    assert not model.built
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(x, y % 3, verbose=0)
    assert model.get_weights()[0].shape == (7, 5)
    with_input = nn.Sequential([nn.Input(shape=(7,)), nn.Dense(5)])
    assert with_input.built and with_input.get_weights()[0].shape == (7, 5)


def test_strings_and_objects_are_accepted():
    model = nn.Sequential(
        [
            nn.Dense(4, activation=nn.activations.Tanh(), kernel_initializer=nn.initializers.HeNormal(),
                     input_shape=(3,)),
            nn.Dense(2, activation="softmax", kernel_initializer="he_uniform"),
        ],
        seed=0,
    )
    model.compile(optimizer=nn.optimizers.SGD(0.1, momentum=0.9),
                  loss=nn.losses.SparseCategoricalCrossentropy(), metrics=[nn.metrics.Accuracy()])
    h = model.fit(np.ones((4, 3)), np.array([0, 1, 0, 1]), verbose=0)
    assert set(h.history) == {"loss", "accuracy"}


def test_set_weights_round_trip():
    a, b = article_model(seed=1), article_model(seed=2)
    b.set_weights(a.get_weights())
    assert weights_equal(a.get_weights(), b.get_weights())
    w = a.get_weights()
    w[0][0, 0] += 1  # get_weights returns copies
    assert not weights_equal(w, a.get_weights())


# ----------------------------------------------------------------------------- fit semantics
def test_history_and_partial_last_batch():
    x, y = small_data(70)
    model = article_model()
    h = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert set(h.history) == {"loss", "accuracy"} and len(h.history["loss"]) == 3
    assert h.epoch == [0, 1, 2]
    assert h.params["steps"] == 3  # 32 + 32 + 6
    assert model.optimizer.iterations == 9


def test_batch_size_none_means_32():
    x, y = small_data(70)
    model = article_model()
    assert model.fit(x, y, batch_size=None, verbose=0).params["steps"] == 3


def test_epoch_loss_is_batch_weighted_mean_before_updates():
    x, y = small_data(40)
    model = article_model(optimizer=nn.optimizers.SGD(0.5))
    reference = article_model(optimizer=nn.optimizers.SGD(0.5))
    expected_loss = 0.0
    for start in (0, 32):
        xb, yb = x[start:start + 32], y[start:start + 32]
        expected_loss += reference.train_on_batch(xb, yb)[0] * len(xb)
    h = model.fit(x, y, epochs=1, shuffle=False, verbose=0)
    assert h.history["loss"][0] == pytest.approx(expected_loss / 40, rel=1e-6)
    assert weights_equal(model.get_weights(), reference.get_weights())


def test_validation_split_takes_last_samples_before_shuffling():
    x, y = small_data(50)
    model = article_model()
    h = model.fit(x, y, epochs=1, validation_split=0.2, verbose=0)
    expected = model.evaluate(x[40:], y[40:], verbose=0)
    assert h.history["val_loss"][0] == pytest.approx(expected[0], rel=1e-6)
    assert h.history["val_accuracy"][0] == pytest.approx(expected[1])
    assert h.params["steps"] == 2  # 40 training samples


def test_validation_data_and_key_order():
    x, y = small_data(50)
    h = article_model().fit(x, y, epochs=2, validation_data=(x[:10], y[:10]), verbose=0)
    assert list(h.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]


def test_shuffle_changes_batches_but_not_without_it():
    x, y = small_data(64)
    a, b, c = article_model(seed=1), article_model(seed=1), article_model(seed=1)
    a.fit(x, y, epochs=1, shuffle=False, verbose=0)
    b.fit(x, y, epochs=1, shuffle=False, verbose=0)
    c.fit(x, y, epochs=1, shuffle=True, verbose=0)
    assert weights_equal(a.get_weights(), b.get_weights())
    assert not weights_equal(a.get_weights(), c.get_weights())


def test_evaluate_and_predict():
    x, y = small_data(45)
    model = article_model()
    loss, acc = model.evaluate(x, y, verbose=0)
    p = model.predict(x)
    assert p.shape == (45, 10) and np.allclose(p.sum(axis=1), 1, atol=1e-6)
    assert acc == pytest.approx(np.mean(p.argmax(1) == y))
    expected = np.mean(np.log(p[np.arange(45), y]) * -1)
    assert loss == pytest.approx(expected, rel=1e-5)
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {"loss": loss, "accuracy": acc}
    no_metrics = article_model(metrics=None)
    assert isinstance(no_metrics.evaluate(x, y, verbose=0), float)


def test_training_learns_digits(digits_split):
    (x, y), (xt, yt) = digits_split
    model = article_model(seed=0)
    model.fit(x, y, epochs=10, verbose=0)
    assert model.evaluate(xt, yt, verbose=0)[1] > 0.9


def test_one_hot_targets_with_categorical_crossentropy():
    x, y = small_data(40)
    model = article_model(loss="categorical_crossentropy")
    h = model.fit(x, np.eye(10)[y], epochs=1, verbose=0)
    ref = article_model(loss="sparse_categorical_crossentropy")
    h_ref = ref.fit(x, y, epochs=1, verbose=0)
    assert h.history["loss"] == pytest.approx(h_ref.history["loss"], rel=1e-5)
    assert h.history["accuracy"] == h_ref.history["accuracy"]


# ----------------------------------------------------------------------------- bad input
@pytest.fixture
def model_and_data():
    x, y = small_data(40)
    return article_model(), x, y


def assert_unchanged(model, call, exc, match):
    before = model.get_weights()
    iterations = model.optimizer.iterations
    with pytest.raises(exc, match=match):
        call()
    assert weights_equal(before, model.get_weights())
    assert model.optimizer.iterations == iterations


def test_wrong_number_of_features(model_and_data):
    model, x, y = model_and_data
    expected = r"x must have 100 features \(the model's input size\), got 64"
    assert_unchanged(model, lambda: model.fit(x[:, :64], y, verbose=0), ValueError, expected)
    with pytest.raises(ValueError, match=expected):
        model.predict(x[:, :64])


def test_x_and_y_lengths_differ(model_and_data):
    model, x, y = model_and_data
    assert_unchanged(model, lambda: model.fit(x, y[:-1], verbose=0), ValueError,
                     "x and y must have the same number of samples, got 40 and 39")


@pytest.mark.parametrize("bad, match", [
    (10, r"y must hold integer labels in \[0, 10\) for the model's 10 outputs, "
         r"got the label 10 at index 0"),
    (-1, r"got the label -1 at index 0"),
    (2.5, "must hold integer class labels, got the non-integer 2.5"),
])
def test_bad_labels(model_and_data, bad, match):
    model, x, y = model_and_data
    y = y.astype(float)
    y[0] = bad
    assert_unchanged(model, lambda: model.fit(x, y, verbose=0), ValueError, match)


def test_float_labels_that_are_integers_are_accepted(model_and_data):
    model, x, y = model_and_data
    model.fit(x, y.astype(np.float32), verbose=0)
    assert model.optimizer.iterations == 2


def test_one_hot_given_to_sparse_loss(model_and_data):
    model, x, y = model_and_data
    assert_unchanged(model, lambda: model.fit(x, np.eye(10)[y], verbose=0), ValueError,
                     "one integer class label per sample .* use 'categorical_crossentropy'")


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_nonfinite_x(model_and_data, value):
    model, x, y = model_and_data
    x = x.copy()
    x[3, 7] = value
    assert_unchanged(model, lambda: model.fit(x, y, verbose=0), ValueError,
                     r"x must contain only finite values, got 1 NaN or infinite, the first at index "
                     r"\(3, 7\)")
    with pytest.raises(ValueError, match="x must contain only finite values"):
        model.evaluate(x, y, verbose=0)


def test_non_numeric_x(model_and_data):
    model, _, y = model_and_data
    with pytest.raises(TypeError, match="x must hold numbers"):
        model.fit(np.full((40, 100), "a"), y, verbose=0)
    with pytest.raises(ValueError, match=r"x must be a 2-D array .* got shape \(100,\)"):
        model.predict(np.zeros(100))


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"epochs": 0}, ValueError, "epochs must be a positive integer, got 0"),
    ({"epochs": -3}, ValueError, "epochs must be a positive integer, got -3"),
    ({"epochs": 1.5}, TypeError, r"epochs must be a positive integer, got float \(1.5\)"),
    ({"batch_size": 0}, ValueError, "batch_size must be a positive integer, got 0"),
    ({"batch_size": -32}, ValueError, "batch_size must be a positive integer, got -32"),
    ({"validation_split": 1.0}, ValueError, r"validation_split must be in \[0, 1\), got 1.0"),
    ({"validation_split": "0.2"}, TypeError, r"validation_split must be a number, got str"),
    ({"initial_epoch": 1}, ValueError, r"initial_epoch must be an integer in \[0, epochs=1\), got 1"),
    ({"initial_epoch": 0.5}, TypeError, r"initial_epoch must be an integer, got float \(0.5\)"),
    ({"batch_size": "32"}, TypeError, r"batch_size must be a positive integer, got str"),
    ({"validation_split": np.float32(0.99)}, ValueError, "leaves no training or no validation samples"),
    ({"verbose": 3}, ValueError, "verbose must be 0, 1, 2 or 'auto', got 3"),
    ({"validation_data": ([1],)}, ValueError, r"validation_data must be a tuple \(x_val, y_val\), got 1 "),
    ({"validation_data": "xy"}, TypeError, r"validation_data must be a tuple \(x_val, y_val\), got str"),
    ({"callbacks": [print]}, TypeError, "callbacks must be nn.callbacks.Callback"),
])
def test_bad_fit_arguments(model_and_data, kwargs, exc, match):
    model, x, y = model_and_data
    kwargs.setdefault("verbose", 0)
    assert_unchanged(model, lambda: model.fit(x, y, **kwargs), exc, match)


def test_bad_validation_data(model_and_data):
    model, x, y = model_and_data
    assert_unchanged(model, lambda: model.fit(x, y, validation_data=(x[:, :50], y), verbose=0), ValueError,
                     r"validation_data\[0\] must have 100 features \(the model's input size\), got 50")


def test_fit_before_compile():
    x, y = small_data()
    model = nn.Sequential([nn.Dense(10, input_shape=(100,))])
    with pytest.raises(RuntimeError, match=r"fit: the model must be compiled first; call model.compile"):
        model.fit(x, y)
    with pytest.raises(ValueError, match="train_on_batch: the model must be compiled first"):
        model.train_on_batch(x, y)
    with pytest.raises(RuntimeError, match="evaluate: the model must be compiled first"):
        model.evaluate(x, y)


def test_unknown_names_list_the_known_ones():
    model = nn.Sequential([nn.Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match=r"optimizer must be one of \[.*'sgd'\], got 'adamw'"):
        model.compile(optimizer="adamw", loss="mse")
    with pytest.raises(ValueError, match=r"loss must be one of \[.*\], got 'hinge'"):
        model.compile(optimizer="sgd", loss="hinge")
    with pytest.raises(ValueError, match=r"metric must be one of \[.*'accuracy'.*\], got 'auc'"):
        model.compile(optimizer="sgd", loss="mse", metrics=["auc"])
    with pytest.raises(ValueError, match=r"activation must be one of \[.*\], got 'swish'"):
        nn.Dense(3, activation="swish")
    with pytest.raises(ValueError, match=r"initializer must be one of \[.*\], got 'xavier'"):
        nn.Dense(3, kernel_initializer="xavier")
    with pytest.raises(ValueError, match="compile needs a loss"):
        model.compile(optimizer="sgd")


def test_set_weights_wrong_count_or_shape(model_and_data):
    model, _, _ = model_and_data
    w = model.get_weights()
    assert_unchanged(model, lambda: model.set_weights(w[:4]), ValueError,
                     r"set_weights expected a list of 6 arrays \(\[kernel, bias\] for each of 3 layers\), "
                     r"got 4")
    bad = [np.zeros_like(a) for a in w]
    bad[2] = np.zeros((64, 63))
    assert_unchanged(model, lambda: model.set_weights(bad), ValueError,
                     r"array 2 must have shape \(64, 64\), got \(64, 63\)")


def test_bad_layer_arguments():
    with pytest.raises(ValueError, match="units must be a positive integer, got 0"):
        nn.Dense(0)
    with pytest.raises(ValueError, match="input_shape must have one entry"):
        nn.Dense(3, input_shape=(10, 10))
    with pytest.raises(ValueError, match="dtype must be 'float32' or 'float64', got 'float16'"):
        nn.Sequential(dtype="float16")


# ----------------------------------------------------------------------------- non-finite loss
def test_nan_loss_stops_and_keeps_last_finite_weights():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [2.0], [-1.0]], dtype=np.float32)) * 1e3
    model = nn.Sequential([nn.Dense(8, activation="relu", input_shape=(3,)), nn.Dense(1)], seed=0)
    model.compile(optimizer=nn.optimizers.SGD(learning_rate=1.0), loss="mse")  # diverges
    snapshots = []

    class Snapshot(nn.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append((self.model.get_weights(), self.model.optimizer.iterations))

    match = r"training loss became (nan|inf) in epoch \d+/100, batch 1; training stopped"
    with pytest.raises(nn.NonFiniteLossError, match=match) as info:
        model.fit(x, y, epochs=100, batch_size=64, shuffle=False, verbose=0, callbacks=[Snapshot()])
    assert isinstance(info.value, FloatingPointError)
    err = info.value
    # the failing batch's update was not applied: the weights are those after the last finite step
    last_weights, last_iterations = snapshots[-1]
    assert err.epoch == len(snapshots) and err.batch == 0
    assert model.optimizer.iterations == last_iterations
    assert weights_equal(model.get_weights(), last_weights)
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert len(err.history.history["loss"]) == len(snapshots)


def test_nan_loss_with_progress_bar_ends_cleanly(capsys):
    x = np.ones((8, 2), dtype=np.float32)
    model = nn.Sequential([nn.Dense(1, input_shape=(2,))], seed=0)
    model.compile(optimizer=nn.optimizers.SGD(learning_rate=1e30), loss="mse")
    with pytest.raises(nn.NonFiniteLossError):
        model.fit(x, np.full(8, 1e30, dtype=np.float32), epochs=5, verbose=1)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out.endswith("\n")


# ----------------------------------------------------------------------------- files
def test_save_load_round_trip_is_exact(tmp_path):
    x, y = small_data()
    model = article_model(seed=3)
    model.fit(x, y, verbose=0)
    path = tmp_path / "w.npz"
    model.save_weights(path)
    fresh = article_model(seed=9)
    fresh.load_weights(path)
    assert weights_equal(model.get_weights(), fresh.get_weights())
    assert np.array_equal(model.predict(x), fresh.predict(x))
    lazy = nn.Sequential([nn.Dense(64, activation="relu"), nn.Dense(64, activation="relu"),
                          nn.Dense(10, activation="softmax")])
    lazy.load_weights(path)  # builds from the file's input size
    assert weights_equal(model.get_weights(), lazy.get_weights())


def test_save_writes_exactly_the_given_name(tmp_path):
    article_model().save_weights(tmp_path / "weights.bin")
    assert [p.name for p in tmp_path.iterdir()] == ["weights.bin"]


def three_layers(first_units=64, first_activation="relu"):
    return nn.Sequential([nn.Dense(first_units, activation=first_activation, input_shape=(100,)),
                          nn.Dense(64, activation="relu"), nn.Dense(10, activation="softmax")])


@pytest.mark.parametrize("other, match", [
    (lambda: three_layers(first_units=32),
     r"file has 100 inputs -> \[64 relu, 64 relu, 10 softmax\], float32, model has 100 inputs -> \[32 relu"),
    (lambda: three_layers(first_activation="tanh"), "64 tanh"),
    (lambda: article_model(dtype="float64"), "float64"),
])
def test_mismatched_architecture_is_refused(tmp_path, other, match):
    path = tmp_path / "w.npz"
    article_model().save_weights(path)
    target = other()
    before = target.get_weights()
    with pytest.raises(ValueError, match="was saved from a different architecture: .*" + match):
        target.load_weights(path)
    assert weights_equal(before, target.get_weights())


def test_truncated_or_corrupt_file(tmp_path):
    path = tmp_path / "w.npz"
    model = article_model()
    model.save_weights(path)
    data = path.read_bytes()
    before = model.get_weights()
    for i, broken in enumerate([data[: len(data) // 2], data[:100], b"not a zip file at all",
                                data[:2000] + bytes(1000) + data[3000:]]):
        bad = tmp_path / f"bad{i}.npz"
        bad.write_bytes(broken)
        with pytest.raises(ValueError, match=f"cannot read weights file '{bad}': it is truncated, corrupt"):
            model.load_weights(bad)
    assert weights_equal(before, model.get_weights())
    with pytest.raises(FileNotFoundError):
        model.load_weights(tmp_path / "missing.npz")


def test_file_without_architecture_is_refused(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, *article_model().get_weights())
    with pytest.raises(ValueError, match="cannot read weights file"):
        article_model().load_weights(path)
    single = tmp_path / "single.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(ValueError, match="cannot read weights file"):
        article_model().load_weights(single)
    forged = tmp_path / "forged.npz"
    np.savez(forged, architecture=np.array('{"format": "companion.nn.weights/1", "layers": 3}'))
    with pytest.raises(ValueError, match="is not a companion.nn.weights/1 file"):
        article_model().load_weights(forged)


# ----------------------------------------------------------------------------- display
def test_summary_text(capsys):
    article_model().summary()
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == 'Model: "sequential"'
    assert "Layer (type)" in out and "Output Shape" in out and "Param #" in out
    rows = [line for line in lines if "(Dense)" in line]
    assert len(rows) == 3
    assert rows[0].split()[-3:] == ["relu", "6,464"] or rows[0].endswith("6,464")
    assert "(None, 64)" in rows[0] and rows[2].endswith("650") and "softmax" in rows[2]
    assert "Total params: 11,274 (44.04 KB, float32)" in out


def test_verbose_0_prints_nothing(capsys):
    x, y = small_data()
    article_model().fit(x, y, epochs=2, verbose=0, validation_split=0.25)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_verbose_1_writes_a_bar_to_stdout_only(capsys):
    x, y = small_data()
    article_model().fit(x, y, epochs=2, verbose=1, validation_split=0.25)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "Epoch 1/2" in captured.out and "Epoch 2/2" in captured.out
    assert "loss:" in captured.out and "val_accuracy:" in captured.out
    assert "1/1" in captured.out  # tqdm's step counter


def test_verbose_2_one_line_per_epoch(capsys):
    x, y = small_data()
    article_model().fit(x, y, epochs=3, verbose=2)
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert captured.err == "" and len(lines) == 3
    assert lines[0].startswith("Epoch 1/3 - loss: ") and " - accuracy: " in lines[0]


def test_evaluate_verbose_prints_one_line(capsys):
    x, y = small_data()
    loss, acc = article_model().evaluate(x, y)
    captured = capsys.readouterr()
    assert captured.out == f"loss: {loss:.4f} - accuracy: {acc:.4f}\n" and captured.err == ""
