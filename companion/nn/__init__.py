"""A from-scratch neural-network engine in NumPy with Keras's interface and numerics.

The article's Keras code runs unchanged after ``from companion import nn`` and ``keras`` -> ``nn``::

    model = nn.Sequential([
        nn.Dense(64, activation="relu", input_shape=(100,)),
        nn.Dense(64, activation="relu"),
        nn.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=10, batch_size=32)

One concept per module, each usable on plain NumPy arrays:

=================  ==============================================================
``activations``    linear, relu, sigmoid, tanh, softmax and their derivatives
``initializers``   zeros, random, Glorot, He (Keras's truncation)
``losses``         cross-entropies (from logits, as Keras) and MSE, with gradients
``layers``         Dense forward/backward (per-example gradients on request), Dropout
``regularizers``   L2 weight penalty (``kernel_regularizer``)
``optimizers``     SGD (momentum, Nesterov), RMSprop (centered), Adam (two forms)
``schedules``      learning-rate schedules: ExponentialDecay, CosineDecay with warm-up
``metrics``        accuracy
``callbacks``      History, EarlyStopping
``model``          Sequential: layers, weights, compile, predict
``step``           one training step: forward, loss, back-propagation, update
``training``       the epoch loop (batches, running loss and metrics), evaluation
``summary``        the text table of ``model.summary()``
``gradcheck``      central-difference gradient checks
``serialization``  save/load weights (``.npz``, architecture checked, no pickle)
``article``        :func:`~companion.nn.article.article_model`, the article's 100-64-64-10 network
=================  ==============================================================

Weights are float32 by default; ``Sequential(..., dtype="float64")`` for gradient checking.
``Sequential(..., seed=0)`` makes initialisation and shuffling reproducible.
"""

from __future__ import annotations

from companion.nn import (
    activations,
    callbacks,
    gradcheck,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    regularizers,
    schedules,
    serialization,
    step,
    summary,
    training,
)
from companion.nn.article import article_model
from companion.nn.callbacks import EarlyStopping, History
from companion.nn.gradcheck import check_gradient, check_model_gradients, numerical_gradient
from companion.nn.layers import Dense, Dropout, Input
from companion.nn.model import Sequential
from companion.nn.step import NotCompiledError
from companion.nn.training import NonFiniteLossError

__all__ = [
    "Dense",
    "Dropout",
    "EarlyStopping",
    "History",
    "Input",
    "NonFiniteLossError",
    "NotCompiledError",
    "Sequential",
    "activations",
    "article_model",
    "callbacks",
    "check_gradient",
    "check_model_gradients",
    "gradcheck",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "numerical_gradient",
    "optimizers",
    "regularizers",
    "schedules",
    "serialization",
    "step",
    "summary",
    "training",
]
