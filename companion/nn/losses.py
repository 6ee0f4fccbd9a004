"""Loss functions and their gradients, computed as Keras computes them.

Every loss is the mean over the batch of a per-sample loss :math:`\\ell_i` (Keras's
``"sum_over_batch_size"`` reduction),

.. math:: \\mathcal{L} = \\frac{1}{B} \\sum_{i=1}^{B} \\ell_i, \\tag{nn.loss.0}

so every gradient carries a factor :math:`1/B`.

**Logits.**  A softmax (or sigmoid) output followed by a cross-entropy is computed by Keras from the
layer's pre-activation :math:`z` (the *logits*), not from the probabilities: nothing is clipped and the
gradient takes the simple form of eq. (nn.loss.2).  :class:`~companion.nn.model.Sequential` does the
same; each cross-entropy class names in :attr:`Loss.logits_of` the output activation it can
undo.  Without logits (``from_logits=False`` and any other output activation) the probabilities
are clipped to :math:`[\\epsilon, 1-\\epsilon]`, :math:`\\epsilon = 10^{-7}`, as Keras does.

The plain functions return per-sample losses :math:`\\ell_i` (shape ``(n,)``), like ``keras.losses``
functions; the classes return the scalar :math:`\\mathcal{L}` and its gradient.

Examples
--------
>>> import numpy as np
>>> z = np.array([[2.0, 0.0, -1.0]])
>>> loss = SparseCategoricalCrossentropy(from_logits=True)
>>> round(loss(np.array([0]), z), 6)
0.169846
>>> loss.gradient(np.array([0]), z).round(4)
array([[-0.1562,  0.1142,  0.042 ]])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from companion._validation import lookup
from companion.nn.activations import sigmoid

__all__ = [
    "EPSILON",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Loss",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "get",
    "logsumexp",
    "mean_squared_error",
    "names",
    "sparse_categorical_crossentropy",
]

#: Keras's fuzz factor ``keras.backend.epsilon()``.
EPSILON = 1e-7


def logsumexp(z: NDArray) -> NDArray:
    """:math:`\\log \\sum_k e^{z_k}` over the last axis, computed as :math:`m + \\log\\sum_k e^{z_k - m}`."""
    m = z.max(axis=-1)
    return m + np.log(np.exp(z - m[..., None]).sum(axis=-1))


def _clip(p: NDArray) -> NDArray:
    return np.clip(p, EPSILON, 1 - EPSILON).astype(p.dtype, copy=False)


def _rows(n: int) -> NDArray:
    return np.arange(n)


def sparse_categorical_crossentropy(
    y_true: NDArray, y_pred: NDArray, from_logits: bool = False
) -> NDArray:
    """Per-sample cross-entropy for integer labels (nn.loss.1; chapter 3, eq-ch3-nll).

    .. math:: \\ell_i = \\log \\sum_k e^{z_{ik}} - z_{i y_i}

    with :math:`z` the logits, or :math:`z = \\log \\operatorname{clip}(p)` for probabilities :math:`p`
    (then :math:`\\ell_i = \\log\\sum_k \\operatorname{clip}(p_{ik}) - \\log\\operatorname{clip}(p_{iy_i})`,
    Keras's formula).

    Parameters
    ----------
    y_true : int ndarray of shape (n,)
    y_pred : ndarray of shape (n, k)
        Logits if ``from_logits``, else probabilities.
    """
    if not from_logits:
        q = _clip(y_pred)
        return np.log(q.sum(axis=-1)) - np.log(q[_rows(len(q)), y_true])
    return logsumexp(y_pred) - y_pred[_rows(len(y_pred)), y_true]


def categorical_crossentropy(
    y_true: NDArray, y_pred: NDArray, from_logits: bool = False
) -> NDArray:
    """Per-sample cross-entropy for one-hot (or soft) targets :math:`y_{ik}` (nn.loss.3).

    .. math:: \\ell_i = -\\sum_k y_{ik} \\log \\operatorname{softmax}(z_i)_k
       = \\Big(\\sum_k y_{ik}\\Big) \\log\\sum_k e^{z_{ik}} - \\sum_k y_{ik} z_{ik}

    For probabilities, Keras first renormalises :math:`q = p / \\sum_k p_k`, clips, and takes
    :math:`-\\sum_k y_k \\log q_k`.
    """
    if not from_logits:
        q = _clip(y_pred / y_pred.sum(axis=-1, keepdims=True))
        return -(y_true * np.log(q)).sum(axis=-1)
    return y_true.sum(axis=-1) * logsumexp(y_pred) - (y_true * y_pred).sum(axis=-1)


def binary_crossentropy(y_true: NDArray, y_pred: NDArray, from_logits: bool = False) -> NDArray:
    """Per-sample binary cross-entropy, averaged over the last axis (nn.loss.4).

    .. math:: \\ell_i = \\frac{1}{d}\\sum_k -\\big[y_{ik} \\log p_{ik} + (1-y_{ik}) \\log(1-p_{ik})\\big],
       \\qquad p = \\sigma(z)

    From logits this is computed as :math:`\\max(z,0) - z y + \\log(1 + e^{-|z|})`, which never overflows.
    """
    if from_logits:
        z = y_pred
        e = np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
    else:
        p = _clip(y_pred)
        e = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
    return e.mean(axis=-1)


def mean_squared_error(y_true: NDArray, y_pred: NDArray) -> NDArray:
    """Per-sample mean squared error, :math:`\\ell_i = \\frac1d \\sum_k (p_{ik} - y_{ik})^2`
    (nn.loss.5; chapter 3, eq-ch3-mse).
    """
    return ((y_pred - y_true) ** 2).mean(axis=-1)


class Loss:
    """A loss :math:`\\mathcal{L}` of eq. (nn.loss.0) with its gradient
    :math:`\\partial\\mathcal{L} / \\partial y_{\\text{pred}}`.

    Attributes
    ----------
    name : str
    from_logits : bool
        Whether ``y_pred`` holds logits.
    logits_of : str or None
        The output activation (``"softmax"`` or ``"sigmoid"``) whose logits this loss uses instead of
        its output when ``from_logits`` is false, as Keras does.
    sparse : bool
        Whether ``y_true`` holds integer class labels rather than one target per output.
    """

    name = "loss"
    logits_of: str | None = None
    sparse = False

    def __init__(self, from_logits: bool = False) -> None:
        self.from_logits = bool(from_logits)

    def per_sample(self, y_true: NDArray, y_pred: NDArray) -> NDArray:
        """Per-sample losses :math:`\\ell_i`, shape ``(n,)``."""
        raise NotImplementedError

    def __call__(self, y_true: NDArray, y_pred: NDArray) -> float:
        """Mean loss :math:`\\mathcal{L}`, eq. (nn.loss.0)."""
        return float(self.per_sample(y_true, y_pred).mean())

    def gradient(self, y_true: NDArray, y_pred: NDArray) -> NDArray:
        """:math:`\\partial\\mathcal{L}/\\partial y_{\\text{pred}}`, same shape as ``y_pred``."""
        raise NotImplementedError

    def value_and_gradient(self, y_true: NDArray, y_pred: NDArray) -> tuple[NDArray, NDArray]:
        """Mean loss (a 0-d array in ``y_pred``'s dtype) and its gradient, in one pass where possible."""
        return self.per_sample(y_true, y_pred).mean(), self.gradient(y_true, y_pred)

    def with_logits(self) -> Loss:
        """The same loss taking logits (used by the model when the output activation is :attr:`logits_of`)."""
        return type(self)(from_logits=True)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(from_logits={self.from_logits})"


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy for integer labels, eq. (nn.loss.1).

    Gradient with respect to the logits (nn.loss.2; chapter 3, eq-ch3-ce-grad):

    .. math:: \\frac{\\partial \\mathcal{L}}{\\partial z_{ik}}
       = \\frac{1}{n}\\big(\\operatorname{softmax}(z_i)_k - [k = y_i]\\big)
    """

    name = "sparse_categorical_crossentropy"
    logits_of = "softmax"
    sparse = True

    def per_sample(self, y_true: NDArray, y_pred: NDArray) -> NDArray:
        return sparse_categorical_crossentropy(y_true, y_pred, self.from_logits)

    def value_and_gradient(self, y_true: NDArray, y_pred: NDArray) -> tuple[NDArray, NDArray]:
        if not self.from_logits:
            return super().value_and_gradient(y_true, y_pred)
        n = len(y_pred)
        rows = _rows(n)
        shifted = y_pred - y_pred.max(axis=-1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=-1, keepdims=True)
        loss = (np.log(total[:, 0]) - shifted[rows, y_true]).sum() / n  # eq. (nn.loss.0)
        grad = e / total
        grad[rows, y_true] -= 1
        grad /= n
        return loss, grad

    def gradient(self, y_true: NDArray, y_pred: NDArray) -> NDArray:
        n = len(y_pred)
        rows = _rows(n)
        if self.from_logits:
            return self.value_and_gradient(y_true, y_pred)[1]
        # l = log(sum_k q_k) - log q_y with q = clip(p): dl/dp_j = [inside] (1/sum q - [j=y]/q_y)
        q = _clip(y_pred)
        inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
        grad = np.broadcast_to(1 / q.sum(axis=-1, keepdims=True), q.shape).copy()
        grad[rows, y_true] -= 1 / q[rows, y_true]
        return grad * inside / n


class CategoricalCrossentropy(Loss):
    """Cross-entropy for one-hot targets, eq. (nn.loss.3).

    Gradient with respect to the logits:
    :math:`\\frac1n\\big((\\sum_k y_{ik})\\operatorname{softmax}(z_i) - y_i\\big)`,
    which is eq. (nn.loss.2) for one-hot :math:`y`.
    """

    name = "categorical_crossentropy"
    logits_of = "softmax"

    def per_sample(self, y_true: NDArray, y_pred: NDArray) -> NDArray:
        return categorical_crossentropy(y_true, y_pred, self.from_logits)

    def gradient(self, y_true: NDArray, y_pred: NDArray) -> NDArray:
        n = len(y_pred)
        if self.from_logits:
            e = np.exp(y_pred - y_pred.max(axis=-1, keepdims=True))
            p = e / e.sum(axis=-1, keepdims=True)
            return (y_true.sum(axis=-1, keepdims=True) * p - y_true) / n
        # q = p / S, l = -sum_k y_k log clip(q_k): dl/dp_j = (g_j - sum_k g_k q_k) / S, g = dl/dq
        total = y_pred.sum(axis=-1, keepdims=True)
        q = y_pred / total
        inside = (q >= EPSILON) & (q <= 1 - EPSILON)
        g = -y_true / _clip(q) * inside
        return (g - (g * q).sum(axis=-1, keepdims=True)) / total / n


class BinaryCrossentropy(Loss):
    """Binary cross-entropy, eq. (nn.loss.4).

    Gradient with respect to the logits: :math:`\\frac{1}{n d}(\\sigma(z) - y)`.
    """

    name = "binary_crossentropy"
    logits_of = "sigmoid"

    def per_sample(self, y_true: NDArray, y_pred: NDArray) -> NDArray:
        return binary_crossentropy(y_true, y_pred, self.from_logits)

    def gradient(self, y_true: NDArray, y_pred: NDArray) -> NDArray:
        scale = 1 / y_pred.size
        if self.from_logits:
            return (sigmoid(y_pred) - y_true) * scale
        p = _clip(y_pred)
        inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
        return (-(y_true / p) + (1 - y_true) / (1 - p)) * inside * scale


class MeanSquaredError(Loss):
    """Mean squared error, eq. (nn.loss.5); gradient :math:`\\frac{2}{n d}(p - y)`."""

    name = "mean_squared_error"

    def __init__(self) -> None:
        super().__init__(from_logits=False)

    def per_sample(self, y_true: NDArray, y_pred: NDArray) -> NDArray:
        return mean_squared_error(y_true, y_pred)

    def gradient(self, y_true: NDArray, y_pred: NDArray) -> NDArray:
        return (y_pred - y_true) * (2 / y_pred.size)

    def with_logits(self) -> Loss:  # pragma: no cover - MSE never uses logits
        raise TypeError("mean_squared_error has no logits form")

    def __repr__(self) -> str:
        return "MeanSquaredError()"


_REGISTRY: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (
        SparseCategoricalCrossentropy, CategoricalCrossentropy, BinaryCrossentropy, MeanSquaredError
    )
}
_ALIASES = {"mse": "mean_squared_error"}


def names() -> list[str]:
    """The loss names :func:`get` knows (aliases included), sorted.

    Examples
    --------
    >>> names()[:3]
    ['binary_crossentropy', 'categorical_crossentropy', 'mean_squared_error']
    >>> "mse" in names()
    True
    """
    return sorted({**_REGISTRY, **_ALIASES})


def get(identifier: str | Loss) -> Loss:
    """Return the loss named ``identifier`` (``from_logits=False``) or ``identifier`` itself.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    TypeError
        For anything that is neither a string nor a :class:`Loss`.
    """
    registry = {**_REGISTRY, **{alias: _REGISTRY[name] for alias, name in _ALIASES.items()}}
    return lookup("loss", identifier, Loss, registry, "a string or an nn.losses.Loss")
