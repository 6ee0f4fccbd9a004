"""The article's network, built by one factory.

The article (part 4) trains ``Dense(64, relu) -> Dense(64, relu) -> Dense(10, softmax)`` on 100
inputs with ``adam`` and ``sparse_categorical_crossentropy``.  Every page and test that needs that
network builds it here, so the architecture is written once.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

from companion._validation import check_bool, check_positive_int
from companion.nn.layers import Dense, Input
from companion.nn.model import Sequential
from companion.nn.optimizers import Optimizer

__all__ = ["article_model"]


def article_model(
    num_inputs: int = 100,
    num_hiddens: int = 64,
    num_outputs: int = 10,
    *,
    optimizer: str | Optimizer = "adam",
    dtype: DTypeLike = "float32",
    seed: int | np.random.Generator | None = None,
    compile: bool = True,
) -> Sequential:
    """The article's network (Dense relu, Dense relu, Dense softmax), compiled as in the article.

    Each layer computes

    .. math::

        A^{[l]} = f^{[l]}\\big(A^{[l-1]} W^{[l]} + b^{[l]}\\big),
        \\qquad f^{[1]} = f^{[2]} = \\mathrm{relu},\\; f^{[3]} = \\mathrm{softmax}.

    Parameters
    ----------
    num_inputs, num_hiddens, num_outputs : int
        Layer widths; the defaults are the article's 100, 64 and 10.
    optimizer : str or Optimizer, default "adam"
        Passed to :meth:`~companion.nn.model.Sequential.compile`.
    dtype : {"float32", "float64"}, default "float32"
        Precision of the weights and every computation.
    seed : int or numpy.random.Generator, optional
        Makes the initial weights and the shuffling reproducible.
    compile : bool, default True
        Compile with ``loss="sparse_categorical_crossentropy"`` and ``metrics=["accuracy"]``.

    Returns
    -------
    Sequential
        Built (its weights exist) and, unless ``compile=False``, compiled.

    Raises
    ------
    TypeError
        If a width is not an integer, ``compile`` is not a bool, or ``optimizer``, ``dtype`` or
        ``seed`` has the wrong type.
    ValueError
        If a width is below 1, or ``optimizer``, ``dtype`` or ``seed`` has a wrong value (an unknown
        optimizer name, ``"float16"``, a negative seed).

    Examples
    --------
    >>> from companion import nn
    >>> model = nn.article_model(seed=0)
    >>> [layer.units for layer in model.layers], model.count_params()
    ([64, 64, 10], 11274)
    """
    num_inputs = check_positive_int("num_inputs", num_inputs)
    num_hiddens = check_positive_int("num_hiddens", num_hiddens)
    num_outputs = check_positive_int("num_outputs", num_outputs)
    compile = check_bool("compile", compile)
    model = Sequential(
        [
            Input(shape=(num_inputs,)),
            Dense(num_hiddens, activation="relu"),
            Dense(num_hiddens, activation="relu"),
            Dense(num_outputs, activation="softmax"),
        ],
        dtype=dtype,
        seed=seed,
    )
    if compile:
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    return model
