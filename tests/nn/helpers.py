"""Helpers shared by the companion.nn tests (imported as ``from .helpers import ...``)."""

from __future__ import annotations

import numpy as np

from companion import nn


def article_model(dtype: str = "float32", seed: int = 0, **compile_kwargs) -> nn.Sequential:
    """The article's 100-64-64-10 network (:func:`companion.nn.article_model`), compiled for sparse
    labels with Adam and accuracy unless ``compile_kwargs`` say otherwise."""
    model = nn.article_model(dtype=dtype, seed=seed, compile=False)
    kwargs = {"optimizer": "adam", "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}
    kwargs.update(compile_kwargs)
    model.compile(**kwargs)
    return model


def small_data(n: int = 40, features: int = 100, classes: int = 10, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, features)).astype(np.float32), rng.integers(0, classes, n)
