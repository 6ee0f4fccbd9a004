"""companion.nn.article_model: the article's 100-64-64-10 network from one factory."""

from __future__ import annotations

import numpy as np
import pytest

from companion import nn


def test_the_articles_architecture():
    model = nn.article_model(seed=0)
    assert [type(layer) for layer in model.layers] == [nn.Dense] * 3
    assert [layer.units for layer in model.layers] == [64, 64, 10]
    assert [layer.activation.name for layer in model.layers] == ["relu", "relu", "softmax"]
    assert [w.shape for w in model.get_weights()] == [(100, 64), (64,), (64, 64), (64,), (64, 10), (10,)]
    assert model.count_params() == 11_274 == 100 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10
    assert model.built and model.input_dim == 100 and model.output_dim == 10


def test_compiled_as_in_the_article():
    model = nn.article_model(seed=0)
    assert isinstance(model.optimizer, nn.optimizers.Adam)
    assert isinstance(model.loss, nn.losses.SparseCategoricalCrossentropy)
    assert [m.name for m in model.metrics] == ["accuracy"]
    x = np.random.default_rng(0).standard_normal((40, 100)).astype(np.float32)
    history = model.fit(x, np.arange(40) % 10, epochs=1, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss"]


def test_compile_false_leaves_it_uncompiled():
    model = nn.article_model(seed=0, compile=False)
    assert model.built and model.optimizer is None and model.loss is None
    with pytest.raises(nn.NotCompiledError, match="fit: the model must be compiled first"):
        model.fit(np.zeros((2, 100)), np.zeros(2))


def test_widths_dtype_and_optimizer_are_passed_on():
    model = nn.article_model(3, 5, 2, optimizer=nn.optimizers.SGD(0.1), dtype="float64", seed=0)
    assert [w.shape for w in model.get_weights()] == [(3, 5), (5,), (5, 5), (5,), (5, 2), (2,)]
    assert all(w.dtype == np.float64 for w in model.get_weights())
    assert isinstance(model.optimizer, nn.optimizers.SGD) and model.optimizer.learning_rate == 0.1
    assert isinstance(nn.article_model(optimizer="RMSprop").optimizer, nn.optimizers.RMSprop)


def test_the_seed_makes_the_weights_reproducible():
    same = [nn.article_model(seed=3).get_weights() for _ in range(2)]
    other = nn.article_model(seed=4).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(*same))
    assert not all(np.array_equal(a, b) for a, b in zip(same[0], other))
    from_generator = nn.article_model(seed=np.random.default_rng(3)).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(same[0], from_generator))


def test_it_is_the_network_spelled_out():
    """The factory builds exactly what the article's code builds (same weights from the same seed)."""
    spelled = nn.Sequential([nn.Dense(64, activation="relu", input_shape=(100,)),
                             nn.Dense(64, activation="relu"), nn.Dense(10, activation="softmax")], seed=9)
    assert all(np.array_equal(a, b) for a, b in zip(spelled.get_weights(),
                                                    nn.article_model(seed=9).get_weights()))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [({"num_inputs": 0}, ValueError, "num_inputs must be a positive integer, got 0"),
     ({"num_hiddens": 6.5}, TypeError, r"num_hiddens must be a positive integer, got float \(6.5\)"),
     ({"num_outputs": True}, TypeError, r"num_outputs must be a positive integer, got bool \(True\)"),
     ({"optimizer": "adamw"}, ValueError, r"optimizer must be one of \[.*\], got 'adamw'"),
     ({"optimizer": 0.01}, TypeError, "optimizer must be a string or an nn.optimizers.Optimizer, got float"),
     ({"dtype": "float16"}, ValueError, "dtype must be 'float32' or 'float64', got 'float16'"),
     ({"dtype": 32}, TypeError, r"dtype must be 'float32' or 'float64', got int \(32\)"),
     ({"seed": -1}, ValueError, r"seed must be an int in \[0, 2\*\*32\), got -1"),
     ({"seed": "0"}, TypeError, "seed must be a numpy.random.Generator, an int seed or None, got str"),
     ({"compile": "yes"}, TypeError, r"compile must be a bool, got str \('yes'\)")],
)
def test_bad_arguments_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        nn.article_model(**kwargs)
