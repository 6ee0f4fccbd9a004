"""companion.structures: MNIST-1D loading, the convolution's equations (checked against Keras), the
model builders, and the trainer (checked against ``model.fit``)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from companion import facts, structures
from companion.data import Split
from companion.structures import mnist1d as mnist1d_module


@pytest.fixture(scope="module")
def keras():
    from companion import tf as ctf

    return ctf.setup(seed=0)[1]


@pytest.fixture(scope="module")
def mnist1d():
    return structures.load_mnist1d()


def _small(split: Split, n_train: int, n_test: int) -> Split:
    (x, y), (xt, yt) = split
    return Split((x[:n_train], y[:n_train]), (xt[:n_test], yt[:n_test]))


# ------------------------------------------------------------------------------------------- data
def test_load_mnist1d_is_the_default_data_set(mnist1d):
    (x, y), (xt, yt) = mnist1d
    assert x.shape == (4000, 40) and xt.shape == (1000, 40)
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(10)) and np.bincount(y).min() > 350
    # centred and scaled over all 5,000 examples by make_dataset
    allx = np.concatenate([x, xt]).astype(np.float64)
    assert abs(allx.mean()) < 1e-6 and allx.std() == pytest.approx(1.0, abs=1e-6)
    # the package's seed (42) fixes the data: a fingerprint of this version of mnist1d
    assert y[:10].tolist() == [2, 6, 4, 5, 6, 6, 6, 0, 3, 1]
    np.testing.assert_allclose(x[0, :3], [-0.332006, -0.471910, -0.778697], atol=2e-6)


def test_load_mnist1d_is_quiet_writes_nothing_restores_global_random_state(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    mnist1d_module._generate_mnist1d.cache_clear()
    np.random.seed(123)
    random.seed(123)
    np_before, py_before = np.random.get_state(), random.getstate()
    first = structures.load_mnist1d()
    np_after, py_after = np.random.get_state(), random.getstate()
    assert all(np.array_equal(a, b) for a, b in zip(np_before[1:2], np_after[1:2]))
    assert np_before[2] == np_after[2]
    assert py_before == py_after
    assert list(tmp_path.iterdir()) == []  # no pickle written (get_dataset would write one)
    assert capsys.readouterr() == ("", "")
    # fresh copies: changing one result does not change the next
    first.train[0][0, 0] = 1e6
    mnist1d_module._generate_mnist1d.cache_clear()
    second = structures.load_mnist1d()
    assert second.train[0][0, 0] != 1e6
    np.testing.assert_array_equal(structures.load_mnist1d().train[0], second.train[0])


def test_feature_permutation_and_shuffle_features():
    p = structures.feature_permutation(40, seed=0)
    assert sorted(p.tolist()) == list(range(40)) and not np.array_equal(p, np.arange(40))
    np.testing.assert_array_equal(p, structures.feature_permutation(40, seed=0))
    x = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(structures.shuffle_features(x, [2, 0, 1]), [[2, 0, 1], [5, 3, 4]])
    with pytest.raises(ValueError, match=r"permutation of range\(3\)"):
        structures.shuffle_features(x, [0, 0, 1])
    with pytest.raises(ValueError, match=r"shape \(n, d\)"):
        structures.shuffle_features(np.zeros(3), [0, 1, 2])
    with pytest.raises(TypeError, match="n_features must be an int"):
        structures.feature_permutation(4.0)


def test_a_dense_layer_with_permuted_rows_computes_the_same_on_shuffled_features():
    # eq-ch5-shuffle: x' (P^T W) = x W
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(7, 12)), rng.normal(size=(12, 5))
    perm = structures.feature_permutation(12, seed=3)
    np.testing.assert_allclose(structures.shuffle_features(x, perm) @ w[perm], x @ w, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------------ convolution
@pytest.mark.parametrize("length, k, stride, padding, c_in, c_out", [
    (40, 5, 2, 1, 1, 25), (19, 3, 2, 1, 25, 25), (10, 3, 1, 0, 3, 4), (9, 4, 3, 2, 2, 1), (5, 5, 1, 0, 1, 2),
])
def test_conv1d_equals_keras_conv1d(keras, length, k, stride, padding, c_in, c_out):
    rng = np.random.default_rng(length + k)
    x = rng.normal(size=(6, length, c_in))
    layer = keras.layers.Conv1D(c_out, k, strides=stride, dtype="float64")
    model = keras.Sequential([keras.Input((length, c_in), dtype="float64"),
                              keras.layers.ZeroPadding1D(padding, dtype="float64"), layer])
    kernel, bias = rng.normal(size=(k, c_in, c_out)), rng.normal(size=c_out)
    layer.set_weights([kernel, bias])
    expected = np.asarray(model(x))  # predict() would pass x through float32
    got = structures.conv1d(x, kernel, bias, stride=stride, padding=padding)
    l_out = structures.conv1d_output_length(length, k, stride, padding)
    assert got.shape == expected.shape == (6, l_out, c_out)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_conv1d_is_a_cross_correlation_not_a_flipped_convolution():
    x = np.array([0.0, 0.0, 1.0, 0.0, 0.0])[None, :, None]
    kernel = np.array([1.0, 2.0, 3.0])[:, None, None]
    # an impulse returns the kernel reversed in a cross-correlation, as is in a true convolution
    np.testing.assert_array_equal(structures.conv1d(x, kernel)[0, :, 0], [3.0, 2.0, 1.0])
    np.testing.assert_array_equal(np.convolve(x[0, :, 0], kernel[:, 0, 0], mode="valid"), [1.0, 2.0, 3.0])


def test_conv1d_validation():
    with pytest.raises(ValueError, match=r"x must have shape \(n, L, C_in\)"):
        structures.conv1d(np.zeros((4, 3)), np.zeros((2, 3, 1)))
    with pytest.raises(ValueError, match=r"C_in = 3"):
        structures.conv1d(np.zeros((1, 4, 3)), np.zeros((2, 2, 1)))
    with pytest.raises(ValueError, match=r"bias must have shape \(1,\)"):
        structures.conv1d(np.zeros((1, 4, 3)), np.zeros((2, 3, 1)), bias=np.zeros(2))
    with pytest.raises(ValueError, match="longer than the padded input"):
        structures.conv1d_output_length(3, 6, padding=1)
    with pytest.raises(ValueError, match="stride must be an integer >= 1"):
        structures.conv1d_output_length(10, 3, stride=0)


def test_conv1d_output_length_matches_keras(keras):
    for length, k, s, p in [(40, 5, 2, 1), (19, 3, 2, 1), (10, 3, 2, 1), (7, 7, 1, 0), (11, 2, 3, 0)]:
        model = keras.Sequential([keras.Input((length, 1)), keras.layers.ZeroPadding1D(p),
                                  keras.layers.Conv1D(1, k, strides=s)])
        assert model.output_shape[1] == structures.conv1d_output_length(length, k, s, p)


def test_conv1d_matrix_is_the_same_linear_map():
    rng = np.random.default_rng(1)
    for length, k, s, p, c_in, c_out in [(12, 3, 1, 0, 1, 1), (40, 5, 2, 1, 1, 3), (9, 3, 2, 1, 2, 4)]:
        x, kernel = rng.normal(size=(5, length, c_in)), rng.normal(size=(k, c_in, c_out))
        w = structures.conv1d_matrix(kernel, length, s, p)
        np.testing.assert_allclose(x.reshape(5, -1) @ w,
                                   structures.conv1d(x, kernel, None, s, p).reshape(5, -1), atol=1e-12)
    # one filter on one channel: a band of K non-zeros per column, the same numbers in every column
    w = structures.conv1d_matrix(np.array([1.0, 2.0, 3.0])[:, None, None], 6)
    assert w.shape == (6, 4) and (w != 0).sum(axis=0).tolist() == [3, 3, 3, 3]
    assert all(w[i:i + 3, i].tolist() == [1.0, 2.0, 3.0] for i in range(4))


def test_parameter_counts_match_keras(keras):
    for length, k, c_in, c_out in [(40, 5, 1, 25), (19, 3, 25, 25), (8, 3, 4, 2)]:
        conv = keras.Sequential([keras.Input((length, c_in)), keras.layers.Conv1D(c_out, k)])
        assert conv.count_params() == structures.conv1d_parameter_count(k, c_in, c_out)
        l_out = structures.conv1d_output_length(length, k)
        dense = keras.Sequential([keras.Input((length * c_in,)), keras.layers.Dense(l_out * c_out)])
        assert dense.count_params() == facts.dense_parameter_count([length * c_in, l_out * c_out])
    assert structures.conv1d_parameter_count(5, 1, 25) == 150
    with pytest.raises(ValueError, match="filters must be an integer >= 1"):
        structures.conv1d_parameter_count(3, 1, 0)


# ----------------------------------------------------------------------------------------- models
def test_models_have_the_published_sizes(keras):
    assert structures.logistic_regression().count_params() == 410
    assert structures.mlp().count_params() == 15_210
    assert structures.mlp(residual=False).count_params() == 15_210
    cnn = structures.cnn1d()
    assert cnn.count_params() == 5_210
    conv_lengths = [layer.output.shape[1] for layer in cnn.layers if isinstance(layer, keras.layers.Conv1D)]
    assert conv_lengths == [19, 10, 5]
    assert (structures.mlp(64, 64, residual=False).count_params()
            == facts.dense_parameter_count([64, 64, 64, 10]))
    assert structures.cnn2d().count_params() == (8 * 9 + 8) + (16 * 8 * 9 + 16) + (2 * 2 * 16 * 10 + 10)
    for model in (structures.logistic_regression(), structures.mlp(), cnn):
        assert model.output_shape == (None, 10)
        assert model.layers[-1].activation.__name__ == "linear"  # logits; the softmax is in the loss


def test_residual_mlp_adds_the_first_hidden_layer(keras):
    keras.utils.set_random_seed(0)
    model = structures.mlp(n_inputs=3, n_hiddens=4, n_classes=2)
    w1, b1, w2, b2, w3, b3 = model.get_weights()
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    h1 = np.maximum(x @ w1 + b1, 0)
    h2 = h1 + np.maximum(h1 @ w2 + b2, 0)
    np.testing.assert_allclose(model.predict(x, verbose=0), h2 @ w3 + b3, rtol=1e-5, atol=1e-6)


def test_model_builders_validate():
    with pytest.raises(ValueError, match="n_classes must be an integer >= 2"):
        structures.logistic_regression(n_classes=1)
    with pytest.raises(TypeError, match="residual must be a bool"):
        structures.mlp(residual="yes")
    with pytest.raises(ValueError, match="longer than the padded input"):
        structures.cnn1d(length=2)
    with pytest.raises(ValueError, match="divisible by 4"):
        structures.cnn2d(side=10)
    with pytest.raises(ValueError, match="two filter counts"):
        structures.cnn2d(channels=(4,))


# --------------------------------------------------------------------------------------- training
def test_trainer_takes_the_same_steps_as_keras_fit(keras, mnist1d):
    # 230 examples in batches of 50: the last batch is smaller, as fit's is
    data = _small(mnist1d, 230, 100)
    (x, y), (xt, yt) = data
    trainer = structures.Trainer(structures.cnn1d, batch_size=50, learning_rate=1e-2)
    accuracy = trainer.run(3, data, epochs=2)
    keras.utils.set_random_seed(3)
    reference = structures.cnn1d()
    reference.compile(optimizer=keras.optimizers.Adam(1e-2),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    reference.fit(x, y, batch_size=50, epochs=2, shuffle=False, verbose=0)
    for got, expected in zip(trainer.model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)
    assert accuracy.shape == (2,)
    assert accuracy[-1] == pytest.approx(reference.evaluate(xt, yt, verbose=0)[1], abs=1.5 / len(yt))


def test_trainer_resets_weights_and_adam_between_runs(mnist1d):
    data = _small(mnist1d, 300, 200)
    trainer = structures.Trainer(structures.mlp, batch_size=100)
    first = trainer.run(0, data, epochs=3)
    trainer.run(1, data, epochs=2)  # different seed, fewer epochs, in between
    np.testing.assert_array_equal(trainer.run(0, data, epochs=3), first)
    again = structures.Trainer(structures.mlp, batch_size=100).run(0, data, epochs=3)
    np.testing.assert_array_equal(again, first)
    assert np.all((first >= 0) & (first <= 1)) and first[-1] > 0.2  # it learns something


def test_mlp_does_not_care_about_shuffled_features(keras, mnist1d):
    """Started from the permuted weights, the MLP on shuffled data retraces the original run."""
    data = _small(mnist1d, 400, 200)
    perm = structures.feature_permutation(40, seed=0)
    (x, y), (xt, yt) = data
    shuffled = Split((structures.shuffle_features(x, perm), y), (structures.shuffle_features(xt, perm), yt))

    def permuted_mlp():
        model = structures.mlp()
        weights = model.get_weights()
        weights[0] = weights[0][perm]  # W' = P^T W, eq-ch5-shuffle
        model.set_weights(weights)
        return model

    plain, permuted = structures.Trainer(structures.mlp), structures.Trainer(permuted_mlp)
    acc_plain, acc_perm = plain.run(0, data, epochs=2), permuted.run(0, shuffled, epochs=2)
    np.testing.assert_allclose(acc_perm, acc_plain, atol=1.5 / len(yt))
    w_plain, w_perm = plain.model.get_weights(), permuted.model.get_weights()
    np.testing.assert_allclose(w_perm[0], w_plain[0][perm], atol=1e-4)
    for a, b in zip(w_perm[1:], w_plain[1:]):
        np.testing.assert_allclose(a, b, atol=1e-4)


def test_trainer_validation(mnist1d):
    trainer = structures.Trainer(structures.logistic_regression)
    with pytest.raises(ValueError, match=r"model expects \(40,\)"):
        trainer.run(0, Split((np.zeros((10, 39)), np.zeros(10, int)),
                             (np.zeros((5, 40)), np.zeros(5, int))), 1)
    with pytest.raises(ValueError, match="labels have shape"):
        trainer.run(0, Split((np.zeros((10, 40)), np.zeros(9, int)),
                             (np.zeros((5, 40)), np.zeros(5, int))), 1)
    with pytest.raises(ValueError, match="epochs must be an integer >= 1"):
        trainer.run(0, mnist1d, 0)
    with pytest.raises(TypeError, match="build must be a callable"):
        structures.Trainer("cnn")
    with pytest.raises(ValueError, match="learning_rate must be > 0, got 0.0"):
        structures.Trainer(structures.mlp, learning_rate=0.0)


def test_train_seeds_one_row_per_seed_and_data_set(mnist1d):
    data = _small(mnist1d, 200, 100)
    out = structures.train_seeds(structures.logistic_regression, {"a": data, "b": data},
                                 seeds=[0, 1], epochs=2)
    assert list(out) == ["a", "b"] and out["a"].shape == (2, 2)
    np.testing.assert_array_equal(out["a"], out["b"])
    with pytest.raises(ValueError, match="seeds must not be empty"):
        structures.train_seeds(structures.logistic_regression, {"a": data}, seeds=[], epochs=1)


def test_summarize():
    s = structures.summarize([1.0, 2.0, 3.0])
    assert s == structures.Summary(2.0, 1.0, 3)
    with pytest.raises(ValueError, match="at least 2 runs"):
        structures.summarize([0.5])
    with pytest.raises(ValueError, match="finite"):
        structures.summarize([0.5, np.nan])


# ---------------------------------------------------------------------------------------- figures
def test_plot_signals_one_panel_per_class():
    x = np.random.default_rng(0).normal(size=(60, 40))
    y = np.repeat(np.arange(10), 6)
    fig = structures.plot_signals(x, y, per_class=2)
    assert len(fig.axes) == 10
    assert all(len(ax.lines) == 2 for ax in fig.axes)
    assert fig.axes[3].get_title() == "class 3"
    assert fig.axes[5].get_ylabel() == "value" and fig.axes[3].get_ylabel() == ""
    assert fig.axes[7].get_xlabel() == "position" and fig.axes[2].get_xlabel() == ""
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), x[0])
    with pytest.raises(ValueError, match=r"shape \(n, L\)"):
        structures.plot_signals(x[0], y)


def test_plot_accuracy_bars_groups_and_published_markers():
    results = {"A": {"ordered": [0.3, 0.32], "shuffled": [0.31, 0.3]},
               "B": {"ordered": [0.9, 0.92], "shuffled": [0.6, 0.58]}}
    fig = structures.plot_accuracy_bars(results, published={"A": {"ordered": 0.32}, "B": {"ordered": 0.94}})
    ax = fig.axes[0]
    assert len(ax.patches) == 4  # 2 models x 2 conditions
    assert sorted(round(p.get_height(), 6) for p in ax.patches) == [30.5, 31.0, 59.0, 91.0]
    markers = [line for line in ax.lines if line.get_marker() == "D"]
    assert len(markers) == 1 and markers[0].get_ydata().tolist() == pytest.approx([32.0, 94.0])
    assert ax.get_ylabel() == "test accuracy (%)"
    with pytest.raises(ValueError, match="every model needs the conditions"):
        structures.plot_accuracy_bars({"A": {"x": [0.1, 0.2]}, "B": {"y": [0.1, 0.2]}})


def test_plot_test_curves_mean_line_and_band():
    curves = {"CNN": np.array([[0.5, 0.8, 0.9], [0.6, 0.8, 0.88]]), "MLP": np.full((3, 3), 0.6)}
    fig = structures.plot_test_curves(curves)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["CNN", "MLP"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [55.0, 80.0, 89.0])
    assert len(ax.collections) == 2 and ax.get_xlabel() == "epoch"
    with pytest.raises(ValueError, match="n_seeds >= 2"):
        structures.plot_test_curves({"one": np.zeros((1, 3))})


# ----------------------------------------------------------------------------- the page's equations
#: Every numbered equation of chapters/05-future/structures.ipynb, the functions that implement it (their
#: docstrings state the label) and the tests of this suite that check them.
STRUCTURE_EQUATIONS = {
    "eq-ch5-conv1d": (("companion.structures.conv1d",),
                      "tests/test_structures.py::test_conv1d_equals_keras_conv1d"),
    "eq-ch5-conv-length": (("companion.structures.conv1d_output_length",),
                           "tests/test_structures.py::test_conv1d_output_length_matches_keras"),
    "eq-ch5-conv-matrix": (("companion.structures.conv1d_matrix",),
                           "tests/test_structures.py::test_conv1d_matrix_is_the_same_linear_map"),
    "eq-ch5-conv-params": (("companion.structures.conv1d_parameter_count",),
                           "tests/test_structures.py::test_parameter_counts_match_keras"),
    "eq-ch5-shuffle": (("companion.structures.shuffle_features",),
                       "tests/test_structures.py::test_mlp_does_not_care_about_shuffled_features"),
}


def test_every_equation_of_the_structures_page_is_tied_to_a_tested_function():
    import importlib
    import inspect
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[1]
    for label, (functions, test) in STRUCTURE_EQUATIONS.items():
        for dotted in functions:
            module, name = dotted.rsplit(".", 1)
            doc = inspect.getdoc(getattr(importlib.import_module(module), name))
            assert label in doc, f"{dotted} does not state {label}"
        file, test_name = test.split("::")
        assert f"def {test_name}(" in (root / file).read_text(), f"no test {test}"
    page = (root / "chapters" / "05-future" / "structures.ipynb").read_text()
    assert set(re.findall(r"\$\$ \((eq-ch5-[\w-]+)\)", page)) == set(STRUCTURE_EQUATIONS)


def test_docstring_examples_run():
    import doctest

    from companion.structures import conv, figures, models, training

    tried = 0
    for module in (mnist1d_module, conv, models, training, figures):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__
        tried += result.attempted
    assert tried >= 6
