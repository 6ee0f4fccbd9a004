r"""Feedback alignment: training a hidden layer without transporting the forward weights backwards.

A two-layer network :math:`\hat y = W_2 \tanh(W_1 x)` is trained on the squared error
:math:`L = \frac{1}{2n} \sum \lVert \hat y - y \rVert^2` by full-batch gradient descent. With the error
:math:`e = \hat y - y` and the hidden activity :math:`h = \tanh(W_1 x)`, the output layer always learns
with its true gradient, :math:`\Delta W_2 = -\eta\, \langle e\, h^\top \rangle`. The hidden layer learns
from an error signal sent back to it,

.. math::

    \delta_h = (M e) \odot (1 - h^2), \qquad \Delta W_1 = -\eta\, \langle \delta_h\, x^\top \rangle,
    \tag{neuro.fa.1}

where the feedback matrix :math:`M` depends on the rule:

* ``"backprop"``: :math:`M = W_2^\top`, the exact gradient (the forward weights, transported back);
* ``"feedback_alignment"``: :math:`M = B`, a *fixed random* matrix (Lillicrap et al. 2016);
* ``"last_layer"``: :math:`M = 0`, the hidden layer keeps its random initial weights.

Under feedback alignment :math:`W_2` comes to align with :math:`B^\top`, so that :math:`B e` points
within 90 degrees of the true gradient signal :math:`W_2^\top e` and the hidden layer learns usefully.
:func:`train_two_layer` records the angle between the two signals.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_array, check_positive_int, check_real, check_rng

__all__ = ["RULES", "TwoLayerTrace", "train_two_layer", "teacher_task"]

#: The hidden-layer learning rules of :func:`train_two_layer`.
RULES: tuple[str, ...] = ("backprop", "feedback_alignment", "last_layer")


class TwoLayerTrace(NamedTuple):
    """What :func:`train_two_layer` returns.

    Attributes
    ----------
    loss : ndarray of shape (epochs + 1,)
        Training loss before training and after each epoch.
    angle : ndarray of shape (epochs + 1,)
        Angle in degrees between the hidden error signal the rule uses, :math:`M e`, and the
        backpropagated one, :math:`W_2^\\top e` (both summed over the batch as matrices
        :math:`E M^\\top` and :math:`E W_2`); 0 for ``"backprop"``, NaN for ``"last_layer"``.
    W1 : ndarray of shape (n_hidden, n_in)
        Final hidden weights.
    W2 : ndarray of shape (n_out, n_hidden)
        Final output weights.
    """

    loss: NDArray[np.float64]
    angle: NDArray[np.float64]
    W1: NDArray[np.float64]
    W2: NDArray[np.float64]


def _angle(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return float("nan")
    c = float(np.sum(a * b) / (na * nb))
    return float(np.degrees(np.arccos(np.clip(c, -1.0, 1.0))))


def train_two_layer(
    X: ArrayLike,
    Y: ArrayLike,
    rule: str = "backprop",
    n_hidden: int = 20,
    lr: float = 0.05,
    epochs: int = 500,
    rng: np.random.Generator | int | None = None,
) -> TwoLayerTrace:
    """Train :math:`\\hat y = W_2 \\tanh(W_1 x)` by full-batch gradient descent, eq. (neuro.fa.1).

    Parameters
    ----------
    X : array_like of shape (n, n_in)
        Inputs.
    Y : array_like of shape (n, n_out)
        Targets.
    rule : {"backprop", "feedback_alignment", "last_layer"}
        How the hidden layer receives its error signal.
    n_hidden : int, default 20
        Hidden units.
    lr : float, default 0.05
        Learning rate (> 0).
    epochs : int, default 500
        Full-batch updates.
    rng : numpy.random.Generator, int or None
        Randomness of the initial weights, N(0, 1/n_in) and N(0, 1/n_hidden), and of the feedback
        matrix B, N(0, 1/n_out). The initial weights are drawn first, so the same seed gives every
        rule the same starting network.

    Returns
    -------
    TwoLayerTrace

    Examples
    --------
    >>> X, Y = teacher_task(200, rng=0)
    >>> bp = train_two_layer(X, Y, "backprop", rng=1)
    >>> fa = train_two_layer(X, Y, "feedback_alignment", rng=1)
    >>> bool(fa.loss[-1] < 0.5 * fa.loss[0]), bool(fa.angle[-1] < 90)
    (True, True)
    """
    X = check_array("X", X, ndim=2)
    Y = check_array("Y", Y, ndim=2)
    if X.shape[0] != Y.shape[0] or X.shape[0] == 0:
        raise ValueError(f"X and Y need the same, nonzero number of rows, got {X.shape[0]} and {Y.shape[0]}")
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    n_hidden = check_positive_int("n_hidden", n_hidden)
    lr = check_real("lr", lr, positive=True)
    epochs = check_positive_int("epochs", epochs)
    gen = check_rng(rng)
    n, n_in = X.shape
    n_out = Y.shape[1]
    W1 = gen.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_hidden, n_in))
    W2 = gen.normal(0.0, 1.0 / np.sqrt(n_hidden), size=(n_out, n_hidden))
    B = gen.normal(0.0, 1.0 / np.sqrt(n_out), size=(n_hidden, n_out))
    loss = np.empty(epochs + 1)
    angle = np.empty(epochs + 1)
    for epoch in range(epochs + 1):
        H = np.tanh(X @ W1.T)
        E = H @ W2.T - Y                                   # (n, n_out)
        loss[epoch] = 0.5 * float(np.sum(E**2)) / n
        true_signal = E @ W2                               # (n, n_hidden): W2^T e per sample
        if rule == "backprop":
            signal = true_signal
        elif rule == "feedback_alignment":
            signal = E @ B.T
        else:
            signal = np.zeros_like(true_signal)
        angle[epoch] = _angle(signal, true_signal)
        if epoch == epochs:
            break
        delta = signal * (1.0 - H**2)
        W2 = W2 - lr * (E.T @ H) / n
        W1 = W1 - lr * (delta.T @ X) / n
    return TwoLayerTrace(loss=loss, angle=angle, W1=W1, W2=W2)


def teacher_task(
    n_samples: int = 200,
    n_in: int = 10,
    n_hidden: int = 10,
    n_out: int = 5,
    rng: np.random.Generator | int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Inputs and targets of a random *teacher* network :math:`y = T_2 \\tanh(T_1 x)`.

    A student with a trainable hidden layer can fit it exactly; one whose hidden layer stays random
    cannot, which makes the task a test of whether the hidden layer learns.

    Parameters
    ----------
    n_samples, n_in, n_hidden, n_out : int
        Data set size and the teacher's layer widths.
    rng : numpy.random.Generator, int or None

    Returns
    -------
    X : ndarray of shape (n_samples, n_in)
        Standard normal inputs.
    Y : ndarray of shape (n_samples, n_out)
        Targets.
    """
    n_samples, n_in = check_positive_int("n_samples", n_samples), check_positive_int("n_in", n_in)
    n_hidden, n_out = check_positive_int("n_hidden", n_hidden), check_positive_int("n_out", n_out)
    gen = check_rng(rng)
    T1 = gen.normal(0.0, 2.0 / np.sqrt(n_in), size=(n_hidden, n_in))
    T2 = gen.normal(0.0, 1.0 / np.sqrt(n_hidden), size=(n_out, n_hidden))
    X = gen.normal(size=(n_samples, n_in))
    return X, np.tanh(X @ T1.T) @ T2.T
