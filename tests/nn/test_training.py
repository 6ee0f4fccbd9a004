"""companion.nn.training and companion.nn.step: the batch iterator, the running metrics, the shared checks."""

from __future__ import annotations

import ast
import pathlib

import numpy as np
import pytest

import companion
from companion import nn
from companion.nn import training

from .helpers import article_model, small_data


def test_batches_cover_every_row_once_in_order():
    x, y = np.arange(14).reshape(7, 2), np.arange(7)
    got = list(training.batches(x, y, 3))
    assert [len(yb) for _, yb in got] == [3, 3, 1]
    assert np.array_equal(np.concatenate([yb for _, yb in got]), y)
    assert all(np.array_equal(xb[:, 0] // 2, yb) for xb, yb in got)


def test_batches_follow_a_permutation():
    x, y = np.arange(10.0)[:, None], np.arange(10)
    order = np.random.default_rng(0).permutation(10)
    got = np.concatenate([yb for _, yb in training.batches(x, y, 4, order)])
    assert np.array_equal(got, order)


def test_accumulator_weights_the_loss_by_batch_size():
    """eq. nn.model.4: (3 * 1.0 + 1 * 3.0) / 4 = 1.5; accuracy counts hits over all samples."""
    acc = training.MetricAccumulator(["accuracy"], [nn.metrics.sparse_categorical_accuracy])
    p = np.eye(2)[[0, 1, 1]]
    acc.update(1.0, np.array([0, 1, 0]), p)
    acc.update(np.float32(3.0), np.array([1]), np.eye(2)[[1]])
    assert acc.result() == {"loss": 1.5, "accuracy": 0.75}
    acc.add_penalty(0.25)
    assert acc.result()["loss"] == 1.75


def test_fit_reports_the_batch_weighted_means_before_each_update():
    """eq. nn.model.4 against train_on_batch, which returns a batch's loss and accuracy before its step."""
    x, y = small_data(50)
    model, twin = article_model(seed=1), article_model(seed=1)
    history = model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    sizes, values = [], []
    for xb, yb in training.batches(x, y, 16):
        sizes.append(len(yb))
        values.append(twin.train_on_batch(xb, yb))
    loss, accuracy = (np.array(values) * np.array(sizes)[:, None]).sum(axis=0) / len(y)
    assert sizes == [16, 16, 16, 2]
    assert history.history["loss"] == [pytest.approx(loss, rel=1e-6)]
    assert history.history["accuracy"] == [pytest.approx(accuracy, abs=1e-12)]
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), twin.get_weights()))


def test_default_batch_size_is_kerass():
    assert training.DEFAULT_BATCH_SIZE == 32 == training.batch_size_or_default(None)
    assert training.batch_size_or_default(8) == 8
    x, y = small_data(70)
    model = article_model()
    model.fit(x, y, epochs=1, verbose=0)
    assert model.optimizer.iterations == 3  # ceil(70 / 32)


def test_no_layers_is_said_the_same_way_everywhere():
    empty = nn.Sequential()
    empty.compile(optimizer="sgd", loss="mse")
    x, y = np.zeros((2, 3)), np.zeros((2, 1))
    calls = {"fit": lambda: empty.fit(x, y, verbose=0), "evaluate": lambda: empty.evaluate(x, y),
             "predict": lambda: empty.predict(x), "train_on_batch": lambda: empty.train_on_batch(x, y),
             "compute_gradients": lambda: empty.compute_gradients(x, y),
             "input_gradient": lambda: empty.input_gradient(x), "summary": empty.summary,
             "save_weights": lambda: empty.save_weights("never-written.npz")}
    for what, call in calls.items():
        with pytest.raises(ValueError, match=f"^{what}: the model has no layers; add nn.Dense layers first$"):
            call()


def test_require_built_is_public_and_names_the_operation():
    model = nn.Sequential([nn.Dense(3)])
    with pytest.raises(ValueError, match="save_weights: the model is not built yet; give the first layer"):
        model.save_weights("never-written.npz")
    with pytest.raises(ValueError, match="summary: the model is not built yet"):
        model.summary()
    model.build(4)
    model.require_built("anything")  # no error once built


def test_summary_lines():
    lines = []
    nn.article_model(seed=0).summary(print_fn=lines.append)
    assert lines[0].startswith('Model: "sequential')
    assert lines[-4] == "Total params: 11,274 (44.04 KB, float32)"
    assert [ln.split()[-1] for ln in lines if "(Dense)" in ln] == ["6,464", "4,160", "650"]
    assert lines[1] == lines[-1] == "_" * 78 and lines[3] == "=" * 78


def test_metric_names_are_looked_up_like_every_registry():
    """"Accuracy" works as "Adam" does: case, "_" and "-" are ignored; the given string is the key."""
    for name in ("accuracy", "Accuracy", "ACC", "Sparse-Categorical-Accuracy"):
        metric = nn.metrics.get(name)
        assert isinstance(metric, nn.metrics.Accuracy) and metric.name == name
    assert nn.metrics.get("binary_accuracy").kind == "binary"
    x, y = small_data(40)
    history = article_model(metrics=["Accuracy"]).fit(x, y, verbose=0)
    assert sorted(history.history) == ["Accuracy", "loss"]
    with pytest.raises(ValueError, match=r"metric must be one of \[.*'accuracy'.*\], got 'auc'"):
        nn.metrics.get("auc")
    with pytest.raises(TypeError, match=r"metric must be a string or an nn.metrics.Accuracy, got int \(3\)"):
        nn.metrics.get(3)
    kinds = r"\['auto', 'sparse', 'categorical', 'binary'\]"
    with pytest.raises(ValueError, match=rf"kind must be one of {kinds}, got 'top5'"):
        nn.metrics.Accuracy(kind="top5")


def test_loss_names_are_public():
    assert nn.losses.names() == sorted(nn.losses.names())
    assert {"mse", "sparse_categorical_crossentropy"} <= set(nn.losses.names())
    model = nn.Sequential([nn.Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match=r"compile needs a loss, .*; known: \['binary_crossentropy'"):
        model.compile(optimizer="sgd")


# ----------------------------------------------------------------------------- package structure
ENGINE = pathlib.Path(companion.__file__).parent / "nn"
CHECKED = sorted(ENGINE.glob("*.py")) + [ENGINE.parent / "training" / "loop.py"]


def _private_reads(path: pathlib.Path) -> list[str]:
    """``obj._name`` where ``obj`` is not ``self``/``cls`` or the class itself, and imports of ``_name``
    from another module (``companion._validation``, the package's shared checks, is the exception)."""
    tree = ast.parse(path.read_text())
    own_classes = {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    found = []
    for node in ast.walk(tree):
        is_attribute = isinstance(node, ast.Attribute)
        owner = node.value.id if is_attribute and isinstance(node.value, ast.Name) else None
        if (is_attribute and node.attr.startswith("_") and not node.attr.startswith("__")
                and owner not in {"self", "cls", *own_classes}):
            found.append(f"{path.name}:{node.lineno}: .{node.attr}")
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                module = node.module or ""
                private_module = module.split(".")[-1].startswith("_") and module != "__future__"
                if alias.name.startswith("_") or (private_module and module != "companion._validation"):
                    found.append(f"{path.name}:{node.lineno}: import {node.module}.{alias.name}")
    return found


def test_the_checker_finds_private_reads(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from companion.seed import _check_seed\nclass A:\n    def f(self, m):\n"
                   "        return m._require_built, self._own, A._count\n")
    assert sorted(_private_reads(bad)) == ["bad.py:1: import companion.seed._check_seed",
                                           "bad.py:4: ._require_built"]


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: p.name)
def test_no_module_reads_another_ones_private_names(path):
    assert _private_reads(path) == []
