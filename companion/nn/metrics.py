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

from typing import Callable

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "Accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "get",
    "sparse_categorical_accuracy",
]


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

    _FUNCTIONS: dict[str, Callable[[NDArray, NDArray], NDArray]] = {
        "sparse": sparse_categorical_accuracy,
        "categorical": categorical_accuracy,
        "binary": binary_accuracy,
    }

    def __init__(self, name: str = "accuracy", kind: str = "auto") -> None:
        if kind not in ("auto", *self._FUNCTIONS):
            raise ValueError(f"kind must be 'auto', 'sparse', 'categorical' or 'binary', got {kind!r}")
        self.name, self.kind = name, kind

    def resolve(self, sparse_targets: bool, n_outputs: int, binary_loss: bool) -> Callable:
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


_NAMES = {
    "accuracy": "auto",
    "acc": "auto",
    "sparse_categorical_accuracy": "sparse",
    "categorical_accuracy": "categorical",
    "binary_accuracy": "binary",
}


def get(identifier: str | Accuracy) -> Accuracy:
    """Return the metric named ``identifier`` or ``identifier`` itself.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    TypeError
        For anything that is neither a string nor an :class:`Accuracy`.
    """
    if isinstance(identifier, Accuracy):
        return identifier
    if isinstance(identifier, str):
        if identifier not in _NAMES:
            raise ValueError(f"metric must be one of {sorted(_NAMES)}, got {identifier!r}")
        return Accuracy(name=identifier, kind=_NAMES[identifier])
    raise TypeError(
        f"metric must be a string or an nn.metrics.Accuracy, got {type(identifier).__name__} ({identifier!r})"
    )
