"""Accuracy, the metric the book reports.

Keras's ``metrics=["accuracy"]`` becomes one of three functions depending on the targets and the loss;
:class:`Accuracy` makes that choice once per ``fit`` (:meth:`Accuracy.resolve`):

* integer labels :math:`y_i` (lower rank than the prediction): sparse categorical accuracy,
  :math:`[\\arg\\max_k p_{ik} = y_i]` (nn.metric.1);
* one-hot targets: categorical accuracy, :math:`[\\arg\\max_k p_{ik} = \\arg\\max_k y_{ik}]` (nn.metric.2);
* binary cross-entropy or a single output: binary accuracy, :math:`[p_{ik} > 0.5] = y_{ik}` (nn.metric.3).

The epoch's accuracy is the fraction of correct predictions over all samples seen, as in Keras.

Examples
--------
>>> import numpy as np
>>> sparse_categorical_accuracy(np.array([1, 0]), np.array([[0.2, 0.8], [0.3, 0.7]]))
array([ True, False])
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from companion._validation import check_choice, lookup

__all__ = [
    "Accuracy",
    "MetricFunction",
    "binary_accuracy",
    "categorical_accuracy",
    "get",
    "sparse_categorical_accuracy",
]

#: A per-sample metric: ``fn(y_true, y_pred)`` returns an array of booleans (correct or not).
MetricFunction = Callable[[NDArray, NDArray], NDArray]


def sparse_categorical_accuracy(y_true: NDArray, y_pred: NDArray) -> NDArray[np.bool_]:
    """Per-sample correctness for integer labels, eq. (nn.metric.1)."""
    return y_pred.argmax(axis=-1) == y_true


def categorical_accuracy(y_true: NDArray, y_pred: NDArray) -> NDArray[np.bool_]:
    """Per-sample correctness for one-hot targets, eq. (nn.metric.2)."""
    return y_pred.argmax(axis=-1) == y_true.argmax(axis=-1)


def binary_accuracy(y_true: NDArray, y_pred: NDArray, threshold: float = 0.5) -> NDArray[np.bool_]:
    """Per-entry correctness of thresholded predictions, eq. (nn.metric.3)."""
    return (y_pred > threshold) == (y_true > threshold)


class Accuracy:
    """The ``"accuracy"`` metric; :meth:`resolve` picks eq. (nn.metric.1), (nn.metric.2) or (nn.metric.3).

    Parameters
    ----------
    name : str
        Key in ``history.history`` and ``evaluate``'s results (Keras uses the string given in ``compile``).
    kind : {"auto", "sparse", "categorical", "binary"}
    """

    _FUNCTIONS: dict[str, MetricFunction] = {
        "sparse": sparse_categorical_accuracy,
        "categorical": categorical_accuracy,
        "binary": binary_accuracy,
    }

    def __init__(self, name: str = "accuracy", kind: str = "auto") -> None:
        check_choice("kind", kind, ("auto", *self._FUNCTIONS))
        self.name, self.kind = name, kind

    def resolve(self, sparse_targets: bool, n_outputs: int, binary_loss: bool) -> MetricFunction:
        """Return the per-sample function for these targets, as Keras's ``"accuracy"`` does."""
        kind = self.kind
        if kind == "auto":
            if sparse_targets:
                kind = "sparse"
            elif binary_loss or n_outputs == 1:
                kind = "binary"
            else:
                kind = "categorical"
        return self._FUNCTIONS[kind]

    def __repr__(self) -> str:
        return f"Accuracy(name={self.name!r}, kind={self.kind!r})"


_KINDS = {
    "accuracy": "auto",
    "acc": "auto",
    "sparse_categorical_accuracy": "sparse",
    "categorical_accuracy": "categorical",
    "binary_accuracy": "binary",
}
_REGISTRY: dict[str, Callable[[], Accuracy]] = {
    name: functools.partial(Accuracy, name=name, kind=kind) for name, kind in _KINDS.items()
}


def get(identifier: str | Accuracy) -> Accuracy:
    """Return the metric named ``identifier`` or ``identifier`` itself.

    Names are looked up as every registry of the engine does (``companion._validation.lookup``:
    case, ``_`` and ``-`` ignored, so ``"Accuracy"`` works as ``"Adam"`` does).  The metric keeps
    the string given as its :attr:`~Accuracy.name`, the key in ``history.history``, as in Keras.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    TypeError
        For anything that is neither a string nor an :class:`Accuracy`.

    Examples
    --------
    >>> get("Accuracy")
    Accuracy(name='Accuracy', kind='auto')
    >>> get("sparse-categorical-accuracy").kind
    'sparse'
    """
    metric: Accuracy = lookup("metric", identifier, Accuracy, _REGISTRY,
                              "a string or an nn.metrics.Accuracy")
    if isinstance(identifier, str):
        metric.name = identifier
    return metric
