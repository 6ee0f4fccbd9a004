"""Training the Keras models of :mod:`companion.structures.models` from many seeds, fast, and
summarising the runs.

:class:`Trainer` takes exactly the Adam steps of ``model.fit(..., shuffle=False)`` (a test checks
this), inside one compiled TensorFlow graph per architecture that is reused for every seed and data
set: for networks this small, ``fit``'s per-step bookkeeping costs more than their arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_int, check_real, check_seed, describe
from companion.data import Split
from companion.structures.models import load_keras

__all__ = ["Summary", "Trainer", "summarize", "train_seeds"]


class Trainer:
    """Adam on the cross-entropy, one compiled TensorFlow graph per architecture, any seed and data.

    ``Trainer(build).run(seed, split, epochs)`` builds a fresh model with ``build()`` after
    ``keras.utils.set_random_seed(seed)`` and trains it exactly as ::

        model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False)

    would (mini-batches in the order of the data, every epoch, as in the MNIST-1D paper's code), and
    measures the test accuracy after every epoch.  The difference is speed: the whole run is one call
    of a ``tf.function`` that is traced once per ``Trainer`` and reused, with the weights and Adam's
    state reset, for every seed and every data set of the same shape.

    Parameters
    ----------
    build : callable returning a keras.Model
        Makes the (uncompiled, logit-output) network, e.g. :func:`cnn1d`.
    batch_size : int, default 100
    learning_rate : float, default 0.01
        Adam's learning rate (the paper's 1e-2; Keras's default is 1e-3).

    Attributes
    ----------
    model : keras.Model
        The network, holding the weights of the last run.
    """

    def __init__(self, build: Callable[[], Any], batch_size: int = 100, learning_rate: float = 1e-2):
        if not callable(build):
            raise TypeError(f"build must be a callable that returns a keras.Model, got {describe(build)}")
        self.batch_size = check_int("batch_size", batch_size, minimum=1)
        self.learning_rate = check_real("learning_rate", learning_rate, positive=True)
        keras = load_keras()
        import tensorflow as tf

        self._build = build
        self.model = build()
        if not isinstance(self.model, keras.Model):
            raise TypeError(f"build() must return a keras.Model, got {describe(self.model)}")
        self.optimizer = keras.optimizers.Adam(self.learning_rate)
        self.optimizer.build(self.model.trainable_variables)
        self._fresh_optimizer = [v.numpy() for v in self.optimizer.variables]
        self._loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        self._graph = tf.function(self._train)

    def _train(self, x, y, x_test, y_test, epochs):
        import tensorflow as tf

        model, weights, bs = self.model, self.model.trainable_variables, self.batch_size
        n_batches = (tf.shape(x)[0] + bs - 1) // bs  # the last batch may be smaller, as in fit
        accuracy = tf.TensorArray(tf.float32, size=epochs)
        for epoch in tf.range(epochs):
            for b in tf.range(n_batches):
                with tf.GradientTape() as tape:
                    loss = self._loss(y[b * bs:(b + 1) * bs], model(x[b * bs:(b + 1) * bs], training=True))
                self.optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
            right = tf.argmax(model(x_test), axis=-1) == y_test
            accuracy = accuracy.write(epoch, tf.reduce_mean(tf.cast(right, tf.float32)))
        return accuracy.stack()

    def run(self, seed: int, split: Split, epochs: int) -> NDArray[np.float64]:
        """Train a freshly initialised network on ``split``'s training part.

        Parameters
        ----------
        seed : int
            Seeds the initial weights (``keras.utils.set_random_seed``, which also seeds Python's
            and NumPy's global generators).
        split : Split
            ``((x_train, y_train), (x_test, y_test))`` with integer labels.
        epochs : int

        Returns
        -------
        ndarray of shape (epochs,)
            Test accuracy after each epoch.
        """
        keras = load_keras()
        import tensorflow as tf

        seed = check_seed(seed)
        epochs = check_int("epochs", epochs, minimum=1)
        (x, y), (x_test, y_test) = split
        n_inputs = self.model.inputs[0].shape[1:]
        for name, a, labels in (("x_train", x, y), ("x_test", x_test, y_test)):
            a, labels = np.asarray(a), np.asarray(labels)
            if a.shape[1:] != tuple(n_inputs):
                raise ValueError(
                    f"{name} has examples of shape {a.shape[1:]}, "
                    f"but the model expects {tuple(n_inputs)}"
                )
            if labels.shape != (len(a),):
                raise ValueError(f"{name} has {len(a)} examples but its labels have shape {labels.shape}")
        keras.utils.set_random_seed(seed)
        self.model.set_weights(self._build().get_weights())
        for variable, value in zip(self.optimizer.variables, self._fresh_optimizer):
            variable.assign(value)
        accuracy = self._graph(
            tf.constant(x, tf.float32), tf.constant(y, tf.int64),
            tf.constant(x_test, tf.float32), tf.constant(y_test, tf.int64), tf.constant(epochs),
        )
        return accuracy.numpy().astype(np.float64)


def train_seeds(
    build: Callable[[], Any],
    splits: Mapping[str, Split],
    seeds: Sequence[int],
    epochs: int,
    batch_size: int = 100,
    learning_rate: float = 1e-2,
) -> dict[str, NDArray[np.float64]]:
    """Train one architecture from every seed on every data set; test accuracy after every epoch.

    Parameters
    ----------
    build : callable returning a keras.Model
    splits : mapping of str to Split
        The data sets, e.g. ``{"ordered": data, "shuffled": shuffled}``; all of one shape.
    seeds : sequence of int
    epochs, batch_size, learning_rate
        As in :class:`Trainer`.

    Returns
    -------
    dict of str to ndarray of shape (len(seeds), epochs)
        One row per seed, in the order of ``seeds``.
    """
    seeds = [check_seed(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must not be empty")
    if not splits:
        raise ValueError("splits must name at least one data set")
    trainer = Trainer(build, batch_size=batch_size, learning_rate=learning_rate)
    return {name: np.stack([trainer.run(s, split, epochs) for s in seeds]) for name, split in splits.items()}


class Summary(NamedTuple):
    """Mean and sample standard deviation of a result over runs."""

    mean: float
    sd: float
    n: int


def summarize(values: ArrayLike) -> Summary:
    """Mean and sample standard deviation (``ddof=1``) of one number per run.

    Parameters
    ----------
    values : array_like of shape (n,)
        At least two runs.

    Returns
    -------
    Summary

    Examples
    --------
    >>> summarize([1.0, 2.0, 3.0])
    Summary(mean=2.0, sd=1.0, n=3)
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or len(v) < 2:
        raise ValueError(f"values must hold one number per run for at least 2 runs, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("values must be finite")
    return Summary(float(v.mean()), float(v.std(ddof=1)), len(v))
