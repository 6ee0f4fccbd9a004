"""The loss: cross-entropy from maximum likelihood, the softmax, and the gradient :math:`p - y`.

A classifier that outputs probabilities :math:`p_{ik}` assigns the training labels the likelihood
:math:`\\prod_i p_{i y_i}`; maximising it is minimising the mean negative log-likelihood

.. math:: \\mathcal{L} = -\\frac{1}{B}\\sum_{i=1}^{B} \\log p_{i y_i}
   \\tag{eq-ch3-nll}

(:func:`negative_log_likelihood`).  The probabilities come from the softmax of the logits
:math:`z`, eq. (eq-ch3-softmax) (:func:`naive_softmax`, which overflows for large logits, and
:func:`companion.nn.activations.softmax`, which subtracts the maximum first), and the gradient of
the loss with respect to the logits is, eq. (eq-ch3-ce-grad),

.. math:: \\frac{\\partial \\mathcal{L}}{\\partial z_{ik}} = \\frac{1}{B}\\big(p_{ik} - [k = y_i]\\big)

(:func:`softmax_cross_entropy_gradient`).

Examples
--------
>>> import numpy as np
>>> z = np.array([[2.0, 0.0, -1.0]])
>>> softmax_cross_entropy_gradient(np.array([0]), z).round(4)
array([[-0.1562,  0.1142,  0.042 ]])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike, NDArray

from companion.nn.activations import softmax

__all__ = ["naive_softmax", "negative_log_likelihood", "one_hot", "softmax_cross_entropy_gradient"]


def naive_softmax(z: NDArray) -> NDArray:
    """Softmax straight from its definition, eq. (eq-ch3-softmax): :math:`e^{z_k} / \\sum_j e^{z_j}`.

    For teaching only: :math:`e^{z}` overflows to ``inf`` in float32 once :math:`z > 88.7` (float64:
    :math:`z > 709.8`), and the ratio becomes ``nan``.  Use :func:`companion.nn.activations.softmax`.
    """
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def one_hot(y: NDArray, num_classes: int, dtype: DTypeLike = "float64") -> NDArray:
    """Rows of the identity matrix: ``one_hot(y, k)[i, k] = [k == y[i]]``."""
    y = np.asarray(y)
    out = np.zeros((len(y), num_classes), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out


def negative_log_likelihood(y: NDArray, probs: NDArray) -> float:
    """Mean negative log-likelihood of integer labels ``y`` under ``probs``, eq. (eq-ch3-nll).

    No clipping: a zero probability for a true label gives ``inf``, as the formula says.
    """
    y = np.asarray(y)
    return float(-np.log(probs[np.arange(len(y)), y]).mean())


def softmax_cross_entropy_gradient(y: NDArray, logits: NDArray) -> NDArray:
    """Gradient of eq. (eq-ch3-nll) with respect to the logits, eq. (eq-ch3-ce-grad): :math:`(p - Y)/B`.

    Parameters
    ----------
    y : int ndarray of shape (B,)
    logits : ndarray of shape (B, K)

    Returns
    -------
    ndarray of shape (B, K)
    """
    p = softmax(logits)
    return (p - one_hot(y, logits.shape[-1], p.dtype)) / len(p)
