r"""Hebbian plasticity and Oja's rule: "cells that fire together wire together", and how to keep it stable.

A linear neuron :math:`y = w \cdot x` sees a stream of inputs :math:`x_1, x_2, \dots`. Hebb's rule
(1949) strengthens a synapse when its input and the output are active together:

.. math::

    \Delta w = \eta\, y\, x
    \tag{neuro.plasticity.1}

On average :math:`\Delta w = \eta\, C w` with :math:`C = \langle x x^\top \rangle`, so :math:`w`
turns toward the leading eigenvector of :math:`C` but its norm grows like :math:`(1 + \eta
\lambda_1)^t`: without bound. Oja (1982) added a decay term that is still local (it uses only
:math:`y`, :math:`x_i` and :math:`w_i` at the synapse):

.. math::

    \Delta w = \eta\, y\, (x - y\, w)
    \tag{neuro.plasticity.2}

It keeps :math:`\|w\| \to 1` and :math:`w` converges to :math:`\pm` the first principal component of
the (zero-mean) input: the neuron learns to extract the direction of largest variance.

Inputs are used as given; centre them first if the principal component of the covariance (rather than
of :math:`\langle x x^\top \rangle`) is wanted.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_array, check_positive_int, check_real, check_rng

__all__ = ["cosine_similarity", "hebb", "leading_eigenvector", "oja"]


def _run(
    rule: str, X: ArrayLike, lr: float, w0: ArrayLike | None, epochs: int, rng: object
) -> NDArray[np.float64]:
    X = check_array("X", X, ndim=2)
    if X.shape[0] == 0:
        raise ValueError("X must have at least one sample, got 0")
    lr = check_real("lr", lr, positive=True)
    epochs = check_positive_int("epochs", epochs)
    gen = check_rng(rng)
    d = X.shape[1]
    if w0 is None:
        w = gen.normal(0.0, 0.1, size=d)
    else:
        w = check_array("w0", w0, ndim=1).copy()
        if w.size != d:
            raise ValueError(f"w0 has {w.size} entries, but X has {d} features")
    n = X.shape[0]
    W = np.empty((epochs * n + 1, d))
    W[0] = w
    oja_rule = rule == "oja"
    with np.errstate(over="ignore", invalid="ignore"):  # Hebb's norm is allowed to blow up
        for e in range(epochs):
            for i in range(n):
                x = X[i]
                y = float(w @ x)
                if oja_rule:
                    w = w + lr * y * (x - y * w)
                else:
                    w = w + lr * y * x
                W[e * n + i + 1] = w
    return W


def hebb(
    X: ArrayLike,
    lr: float = 0.01,
    w0: ArrayLike | None = None,
    epochs: int = 1,
    rng: np.random.Generator | int | None = None,
) -> NDArray[np.float64]:
    """Plain Hebbian learning, eq. (neuro.plasticity.1), on the stream of rows of ``X``.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
        Input stream, one presentation per row.
    lr : float, default 0.01
        Learning rate :math:`\\eta` (> 0).
    w0 : array_like of shape (n_features,), optional
        Initial weights; default small random ones, N(0, 0.1^2), drawn from ``rng``.
    epochs : int, default 1
        Passes over ``X``.
    rng : numpy.random.Generator, int or None
        Randomness of the default ``w0``.

    Returns
    -------
    ndarray of shape (epochs * n_samples + 1, n_features)
        The weight trajectory, initial weights first. Its norm grows geometrically; in long runs it
        overflows to ``inf`` (no warning is raised: that is the point being made).

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(500, 2)) * [2.0, 0.5]
    >>> W = hebb(X, lr=0.01, rng=0)
    >>> bool(np.linalg.norm(W[-1]) > 100 * np.linalg.norm(W[0]))
    True
    """
    return _run("hebb", X, lr, w0, epochs, rng)


def oja(
    X: ArrayLike,
    lr: float = 0.01,
    w0: ArrayLike | None = None,
    epochs: int = 1,
    rng: np.random.Generator | int | None = None,
) -> NDArray[np.float64]:
    """Oja's rule, eq. (neuro.plasticity.2), on the stream of rows of ``X``.

    Parameters are those of :func:`hebb`. Keep ``lr`` well below ``1 / lambda_1`` (the largest
    eigenvalue of :math:`\\langle x x^\\top \\rangle`) for stability; the weights then fluctuate around
    the first principal component by an amount that shrinks with ``lr``.

    Returns
    -------
    ndarray of shape (epochs * n_samples + 1, n_features)
        The weight trajectory, initial weights first.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.multivariate_normal([0, 0], [[3.0, 1.0], [1.0, 1.0]], size=5000)
    >>> W = oja(X, lr=0.005, rng=1)
    >>> round(float(np.linalg.norm(W[-1])), 1), cosine_similarity(W[-1], leading_eigenvector(X)) > 0.99
    (1.0, True)
    """
    return _run("oja", X, lr, w0, epochs, rng)


def leading_eigenvector(X: ArrayLike) -> NDArray[np.float64]:
    r"""Unit eigenvector of the largest eigenvalue of :math:`\langle x x^\top \rangle = X^\top X / n`.

    For zero-mean ``X`` this is the first principal component, the fixed point of Oja's rule. The sign
    is arbitrary.
    """
    X = check_array("X", X, ndim=2)
    if X.shape[0] == 0:
        raise ValueError("X must have at least one sample, got 0")
    _, vecs = np.linalg.eigh(X.T @ X / X.shape[0])
    return vecs[:, -1]


def cosine_similarity(a: ArrayLike, b: ArrayLike, sign_insensitive: bool = True) -> float:
    r""":math:`|a \cdot b| / (\|a\| \|b\|)` (without the absolute value if ``sign_insensitive`` is False)."""
    a = check_array("a", a, ndim=1)
    b = check_array("b", b, ndim=1)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        raise ValueError("a and b must be nonzero vectors")
    c = float(a @ b / (na * nb))
    return abs(c) if sign_insensitive else c
