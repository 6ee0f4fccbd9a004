"""companion.scaling: power-law fits, FLOP counts (against TensorFlow's profiler), exact data parallelism."""

from __future__ import annotations

import inspect
import json
import pathlib
import re

import numpy as np
import pytest

import companion
from companion import nn, scaling

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGES = [ROOT / "chapters" / "05-future" / name for name in ("data.ipynb", "compute.ipynb")]


@pytest.fixture(scope="module")
def digits():
    return companion.data.load_digits(size=10, seed=0)


# ------------------------------------------------------------------ eq-ch5-power-law
def test_power_law_values_and_validation():
    np.testing.assert_allclose(scaling.power_law([1, 4, 16], 0.8, 0.5), [0.8, 0.4, 0.2])
    with pytest.raises(ValueError, match="prefactor must be positive"):
        scaling.power_law([1], 0.0, 0.5)
    with pytest.raises(ValueError, match="n must be positive"):
        scaling.power_law([0, 1], 1.0, 0.5)
    with pytest.raises(TypeError, match="exponent must be a real number"):
        scaling.power_law([1], 1.0, "0.5")


def test_fit_power_law_recovers_exact_parameters():
    n = np.geomspace(10, 10_000, 7)
    fit = scaling.fit_power_law(n, scaling.power_law(n, 2.5, 0.35))
    assert fit.exponent == pytest.approx(0.35, rel=1e-12)
    assert fit.prefactor == pytest.approx(2.5, rel=1e-12)
    assert (fit.n_min, fit.n_max, fit.points) == (10.0, 10_000.0, 7)
    assert fit.max_residual < 1e-12
    np.testing.assert_allclose(fit(n), scaling.power_law(n, 2.5, 0.35), rtol=1e-12)


def test_fit_power_law_is_least_squares_in_log_space():
    n = np.array([10, 20, 40, 80, 160])
    error = np.array([0.4, 0.3, 0.16, 0.12, 0.07])
    fit = scaling.fit_power_law(n, error)
    slope, intercept = np.polyfit(np.log(n), np.log(error), 1)
    assert fit.exponent == pytest.approx(-slope)
    assert fit.prefactor == pytest.approx(np.exp(intercept))
    # no other line has a smaller sum of squared log residuals
    def sse(a, b):
        return np.sum((np.log(error) - np.log(scaling.power_law(n, a, b))) ** 2)
    for da, db in ((1.01, 0), (0.99, 0), (1, 0.01), (1, -0.01)):
        assert sse(fit.prefactor * da, fit.exponent + db) > sse(fit.prefactor, fit.exponent)


@pytest.mark.parametrize("n, error, match", [
    ([10, 20], [0.1], "same length"),
    ([10, 10], [0.1, 0.2], "two different sizes"),
    ([10, 20], [0.1, 0.0], "error must be positive"),
    ([10, -20], [0.1, 0.2], "n must be positive"),
    ([[10, 20]], [[0.1, 0.2]], "one-dimensional"),
])
def test_fit_power_law_rejects_bad_input(n, error, match):
    with pytest.raises(ValueError, match=match):
        scaling.fit_power_law(n, error)


def test_power_law_window_stops_where_a_floor_begins():
    n = np.array([10, 20, 40, 80, 160, 320, 640, 1280])
    law = scaling.power_law(n, 1.0, 0.5)
    error = np.maximum(law, 0.1)                        # an irreducible error of 10% from n = 160 on
    window = scaling.power_law_window(n, error, np.full(len(n), 0.02))
    assert (window.n_min, window.n_max) == (10, 80)
    assert window.exponent == pytest.approx(0.5)
    # with huge error bars the whole range is accepted
    assert scaling.power_law_window(n, error, np.full(len(n), 10.0)).points == len(n)


def test_power_law_window_validation():
    with pytest.raises(ValueError, match="strictly increasing"):
        scaling.power_law_window([20, 10, 40], [0.2, 0.3, 0.1], [0.1, 0.1, 0.1])
    with pytest.raises(ValueError, match="no 3 consecutive points"):
        scaling.power_law_window([10, 20, 40], [0.2, 0.3, 0.1], [1e-3] * 3)
    with pytest.raises(ValueError, match="same length"):
        scaling.power_law_window([10, 20, 40], [0.2, 0.3, 0.1], [0.1, 0.1])
    with pytest.raises(TypeError, match=r"min_points must be a positive integer, got float \("):
        scaling.power_law_window([10, 20, 40], [0.2, 0.3, 0.1], [0.1] * 3, min_points=2.0)


# ------------------------------------------------------------------ nested balanced subsets
def test_stratified_order_prefixes_are_balanced_and_nested(digits):
    (_, y), _ = digits
    order = scaling.stratified_order(y, seed=3)
    assert sorted(order.tolist()) == list(range(len(y)))
    counts = np.bincount(y)
    for n in (10, 20, 55, 100, 1000):
        prefix = np.bincount(y[order[:n]], minlength=10)
        assert prefix.max() - prefix.min() <= 1 or n > 10 * counts.min()
    np.testing.assert_array_equal(order, scaling.stratified_order(y, seed=3))
    assert not np.array_equal(order, scaling.stratified_order(y, seed=4))


def test_stratified_order_validation():
    with pytest.raises(ValueError, match="one-dimensional"):
        scaling.stratified_order(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="seed must be an int"):
        scaling.stratified_order([0, 1], seed=0.5)


def test_learning_curve_is_deterministic_and_more_data_helps(digits):
    (x, y), (x_test, y_test) = digits
    build = lambda seed: scaling.dense_classifier([100, 16, 10], seed=seed)  # noqa: E731
    args = (build, x, y, x_test, y_test, [10, 400], [0, 1], 150, 32)
    curve = scaling.learning_curve(*args)
    assert curve.test_accuracy.shape == curve.train_accuracy.shape == (2, 2)
    np.testing.assert_array_equal(curve.sizes, [10, 400])
    np.testing.assert_array_equal(curve.test_accuracy, scaling.learning_curve(*args).test_accuracy)
    assert np.all(curve.train_accuracy[:, 0] == 1.0)          # ten examples are memorised
    assert curve.test_accuracy[:, 1].mean() > curve.test_accuracy[:, 0].mean() + 0.2
    with pytest.raises(ValueError, match="at most len"):
        scaling.learning_curve(build, x, y, x_test, y_test, [len(x) + 1], [0], 10)
    with pytest.raises(TypeError, match="build must be a callable"):
        scaling.learning_curve(None, x, y, x_test, y_test, [10], [0], 10)


# ------------------------------------------------------------------ eq-ch5-dense-flops, eq-ch5-train-flops
def test_dense_flops_by_hand():
    assert scaling.dense_flops([100, 64, 64, 10], "forward") == 2 * (6400 + 4096 + 640)
    assert scaling.dense_flops([100, 64, 64, 10], "backward") == 2 * 2 * (6400 + 4096 + 640) - 2 * 6400
    assert scaling.dense_flops([3, 2]) == 3 * 12 - 12              # one layer: no input gradient
    assert scaling.training_flops([100, 64, 64, 10], 10) == 10 * scaling.dense_flops([100, 64, 64, 10])
    # the "3 x forward" rule holds for deep stacks of equal layers
    deep = [512] * 50
    assert scaling.dense_flops(deep) / scaling.dense_flops(deep, "forward") == pytest.approx(3, abs=0.03)


@pytest.mark.parametrize("sizes, kind, error", [
    ([5], "forward", ValueError), ([5, 0], "forward", ValueError), ([5, 2.0], "forward", TypeError),
    ([5, 2], "inference", ValueError), ("52", "forward", TypeError),
])
def test_dense_flops_validation(sizes, kind, error):
    with pytest.raises(error):
        scaling.dense_flops(sizes, kind)


def _tf_matmul_flops(tf, keras, layer_sizes, batch, with_gradient):
    """FLOPs of the MatMul nodes TensorFlow's profiler counts in the (gradient) graph of an MLP."""
    model = keras.Sequential([keras.Input((layer_sizes[0],))]
                             + [keras.layers.Dense(n, activation="relu") for n in layer_sizes[1:]])

    def forward(x):
        return model(x)

    def gradient(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(model(x))
        return tape.gradient(loss, model.trainable_variables)

    graph = tf.function(gradient if with_gradient else forward).get_concrete_function(
        tf.TensorSpec([batch, layer_sizes[0]], tf.float32)).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    profile = tf.compat.v1.profiler.profile(graph=graph, cmd="graph", options=options)
    total, stack = 0, list(profile.children)
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if graph.get_operation_by_name(node.name).type == "MatMul":
            total += node.float_ops
    return total


@pytest.mark.parametrize("layer_sizes", [[100, 64, 64, 10], [100, 512, 10], [7, 3, 5, 2]])
def test_dense_flops_match_tensorflow_profiler(layer_sizes):
    """Parity: eq-ch5-dense-flops and eq-ch5-train-flops equal the MatMul FLOPs TensorFlow counts."""
    tf, keras = companion.tf.setup(seed=0)
    batch = 5
    forward = _tf_matmul_flops(tf, keras, layer_sizes, batch, with_gradient=False)
    training = _tf_matmul_flops(tf, keras, layer_sizes, batch, with_gradient=True)
    assert forward == batch * scaling.dense_flops(layer_sizes, "forward")
    assert training == batch * scaling.dense_flops(layer_sizes, "training")


def test_dense_classifier_shapes_and_dtype():
    model = scaling.dense_classifier([100, 32, 16, 10], seed=0)
    assert [w.shape for w in model.get_weights()] == [(100, 32), (32,), (32, 16), (16,), (16, 10), (10,)]
    assert model.get_weights()[0].dtype == np.float64
    same = scaling.dense_classifier([100, 32, 16, 10], seed=0)
    for a, b in zip(model.get_weights(), same.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="at least one layer"):
        scaling.dense_classifier([100])


def test_train_with_checkpoints_is_one_continuous_run(digits):
    (x, y), (x_test, y_test) = digits
    x, y = x[:300], y[:300]
    pieces = scaling.dense_classifier([100, 16, 10], seed=2)
    acc = scaling.train_with_checkpoints(pieces, x, y, x_test, y_test, [5, 10, 20], batch_size=16)
    whole = scaling.dense_classifier([100, 16, 10], seed=2)
    last = scaling.train_with_checkpoints(whole, x, y, x_test, y_test, [20], batch_size=16)
    for a, b in zip(pieces.get_weights(), whole.get_weights()):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    assert acc.shape == (3,) and acc[-1] == last[0]
    with pytest.raises(ValueError, match="increasing"):
        scaling.train_with_checkpoints(whole, x, y, x_test, y_test, [10, 5])


# ------------------------------------------------------------------ eq-ch5-data-parallel
def test_shard_sizes():
    assert scaling.shard_sizes(64, 2) == [32, 32]
    assert scaling.shard_sizes(29, 2) == [15, 14]
    assert scaling.shard_sizes(10, 4) == [3, 3, 2, 2]
    with pytest.raises(ValueError, match="at most n"):
        scaling.shard_sizes(3, 4)
    with pytest.raises(TypeError, match=r"workers must be a positive integer, got "):
        scaling.shard_sizes(3, 2.0)


@pytest.mark.parametrize("n, workers", [(64, 1), (64, 2), (64, 8), (29, 2), (29, 3), (10, 10)])
def test_mean_of_worker_gradients_is_the_full_batch_gradient(digits, n, workers):
    (x, y), _ = digits
    model = scaling.dense_classifier([100, 32, 10], seed=0)
    before = model.get_weights()
    _, full = model.compute_gradients(x[:n], y[:n])
    combined = scaling.data_parallel_gradients(model, x[:n], y[:n], workers)
    for c, f in zip(combined, full):
        np.testing.assert_allclose(c, f, rtol=0, atol=1e-15)
    for a, b in zip(before, model.get_weights()):          # the model is not changed
        np.testing.assert_array_equal(a, b)


def test_equal_weighting_is_exact_only_for_equal_shards(digits):
    (x, y), _ = digits
    model = scaling.dense_classifier([100, 32, 10], seed=0)
    _, full = model.compute_gradients(x[:64], y[:64])
    equal = scaling.data_parallel_gradients(model, x[:64], y[:64], 4, weighting="equal")
    assert max(np.abs(e - f).max() for e, f in zip(equal, full)) < 1e-15
    _, full = model.compute_gradients(x[:29], y[:29])
    equal = scaling.data_parallel_gradients(model, x[:29], y[:29], 2, weighting="equal")
    assert max(np.abs(e - f).max() for e, f in zip(equal, full)) > 1e-4
    with pytest.raises(ValueError, match="weighting must be"):
        scaling.data_parallel_gradients(model, x[:29], y[:29], 2, weighting="mean")


def test_data_parallel_training_equals_fit(digits):
    """An epoch of 4-worker synchronous SGD (and Adam) ends with the weights of one model's fit."""
    (x, y), _ = digits
    x, y = x[:200], y[:200]
    for make in (lambda: nn.optimizers.SGD(0.1, momentum=0.9), nn.optimizers.Adam):
        single = scaling.dense_classifier([100, 32, 10], seed=5, optimizer=make())
        single.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
        replica, optimizer = scaling.dense_classifier([100, 32, 10], seed=5), make()
        for start in range(0, len(x), 32):
            grads = scaling.data_parallel_gradients(replica, x[start:start + 32], y[start:start + 32], 4)
            optimizer.apply(grads, replica.weights)
        for a, b in zip(single.get_weights(), replica.get_weights()):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_mirrored_strategy_matches_one_device_in_a_fresh_process():
    """Keras's MirroredStrategy on two logical CPUs trains the weights of a single device (whole batches)."""
    import subprocess
    import sys

    code = (
        "import numpy as np, companion\n"
        "tf, keras = companion.tf.setup(seed=0)\n"
        "cpu = tf.config.list_physical_devices('CPU')[0]\n"
        "tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)\n"
        "(x, y), _ = companion.data.load_digits(size=10, seed=0)\n"
        "x, y = x[:256], y[:256]\n"
        "single = companion.tf.article_model()\n"
        "strategy = tf.distribute.MirroredStrategy(['/cpu:0', '/cpu:1'])\n"
        "with strategy.scope():\n"
        "    mirrored = companion.tf.article_model()\n"
        "mirrored.set_weights(single.get_weights())\n"
        "for m in (single, mirrored):\n"
        "    m.fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0)\n"
        "print(strategy.num_replicas_in_sync, max(np.abs(a - b).max()"
        " for a, b in zip(single.get_weights(), mirrored.get_weights())))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    replicas, diff = out.stdout.split()
    assert replicas == "2"
    assert float(diff) < 1e-6


# ------------------------------------------------------------------ eq-ch5-amdahl
def test_amdahl_and_its_inverse():
    assert scaling.amdahl_speedup(0.0, 8) == 1.0
    assert scaling.amdahl_speedup(1.0, 8) == 8.0
    assert scaling.amdahl_speedup(0.9, 1000) == pytest.approx(1 / (0.1 + 0.0009))
    for p in (0.0, 0.3, 0.95):
        for k in (2, 3, 16):
            assert scaling.parallel_fraction(scaling.amdahl_speedup(p, k), k) == pytest.approx(p, abs=1e-12)
    assert scaling.parallel_fraction(0.8, 2) < 0                # slower in parallel: overhead
    with pytest.raises(ValueError, match="parallel_fraction must be in"):
        scaling.amdahl_speedup(1.5, 2)
    with pytest.raises(ValueError, match="at least 2"):
        scaling.parallel_fraction(1.5, 1)
    with pytest.raises(ValueError, match="speedup must be positive"):
        scaling.parallel_fraction(0.0, 2)


# ------------------------------------------------------------------ the pages and the package agree
def test_every_equation_of_the_pages_is_implemented_and_tested():
    """Each eq-ch5 label of the two pages is named in a docstring of companion.scaling and in this file."""
    from companion.scaling import compute, parallel, power_laws

    source = "".join(inspect.getsource(m) for m in (scaling, power_laws, compute, parallel))
    tests = pathlib.Path(__file__).read_text()
    labels = set()
    for page in PAGES:
        text = "".join("".join(c["source"]) for c in json.loads(page.read_text())["cells"])
        labels |= set(re.findall(r"\$\$ \((eq-ch5-[a-z-]+)\)", text))
    assert labels == {"eq-ch5-power-law", "eq-ch5-dense-flops", "eq-ch5-train-flops",
                      "eq-ch5-data-parallel", "eq-ch5-amdahl"}
    for label in labels:
        assert f"tag{{{label}}}" in source, label
        assert label in tests, label


def test_benchmark_file_has_what_the_compute_page_reads():
    bench = json.loads((ROOT / "benchmarks" / "data_parallel.json").read_text())
    assert set(bench["keras"]["epoch_seconds"]) == {"plain", "mirrored-1", "mirrored-2"}
    assert bench["flop_per_second"]["matmul_float32"] > 1e9
    assert bench["keras"]["layer_sizes"][0] == 100
