"""Back-propagation: the chain rule, first on a graph of three scalar operations, then in matrix form.

**A small graph.**  For one input :math:`x`, target :math:`t` and parameters :math:`w, b`:

.. math:: z = w x + b, \\quad a = \\sigma(z), \\quad \\ell = \\tfrac12 (a - t)^2, \\qquad
   \\frac{\\partial \\ell}{\\partial w} = \\frac{\\partial \\ell}{\\partial a}\\,
   \\frac{\\partial a}{\\partial z}\\, \\frac{\\partial z}{\\partial w} = (a - t)\\, a (1 - a)\\, x
   \\tag{eq-ch3-chain}

(:func:`graph_example`).

**A multilayer network.**  With :math:`A^{[0]} = X`,
:math:`Z^{[l]} = A^{[l-1]} W^{[l]} + \\mathbf{b}^{[l]}` (the row vector added to every row),
:math:`A^{[l]} = f^{[l]}(Z^{[l]})` and a softmax output with cross-entropy, the error signals
:math:`\\delta^{[l]} = \\partial\\mathcal{L}/\\partial Z^{[l]}` satisfy

.. math::
    \\delta^{[L]} = \\tfrac1B (P - Y), \\qquad
    \\delta^{[l]} = \\big(\\delta^{[l+1]} W^{[l+1]\\top}\\big) \\odot f^{[l]\\prime}(Z^{[l]}), \\qquad
    \\frac{\\partial \\mathcal{L}}{\\partial W^{[l]}} = A^{[l-1]\\top} \\delta^{[l]}, \\quad
    \\frac{\\partial \\mathcal{L}}{\\partial \\mathbf{b}^{[l]}} = \\mathbf{1}^{\\top} \\delta^{[l]}
    \\tag{eq-ch3-backprop}

(:func:`mlp_gradients`).  This module writes the network as plain arrays, independent of
:mod:`companion.nn`, so the two implementations check each other.

Examples
--------
>>> import numpy as np
>>> params = [(np.eye(2), np.zeros(2)), (np.ones((2, 3)), np.zeros(3))]
>>> loss, grads = mlp_gradients(params, np.array([[1.0, 2.0]]), np.array([0]), ["relu"])
>>> round(loss, 6), grads[0][0].shape
(1.098612, (2, 2))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from companion.nn import activations as _act
from companion.training.loss import negative_log_likelihood, softmax_cross_entropy_gradient

__all__ = ["GraphValues", "graph_example", "mlp_forward", "mlp_gradients"]

_DERIVATIVES = {
    "relu": _act.relu_derivative,
    "tanh": _act.tanh_derivative,
    "sigmoid": _act.sigmoid_derivative,
    "linear": _act.linear_derivative,
}


class GraphValues(NamedTuple):
    """Forward values and derivatives of the graph of eq. (eq-ch3-chain)."""

    z: float
    a: float
    loss: float
    dloss_da: float
    da_dz: float
    dloss_dw: float
    dloss_db: float


def graph_example(x: float, t: float, w: float, b: float) -> GraphValues:
    """Forward and backward through :math:`\\ell = \\frac12(\\sigma(wx + b) - t)^2`, eq. (eq-ch3-chain)."""
    z = w * x + b
    a = 1.0 / (1.0 + np.exp(-z))
    loss = 0.5 * (a - t) ** 2
    dloss_da = a - t
    da_dz = a * (1 - a)
    delta = dloss_da * da_dz
    return GraphValues(float(z), float(a), float(loss), float(dloss_da), float(da_dz),
                       float(delta * x), float(delta))


def mlp_forward(
    params: Sequence[tuple[NDArray, NDArray]], x: NDArray, activations: Sequence[str]
) -> tuple[list[NDArray], list[NDArray]]:
    """Forward pass, eq. (eq-ch3-layer), hidden layers with ``activations``, output left as logits.

    Returns
    -------
    zs, acts : lists of ndarray
        ``zs[l]`` is :math:`Z^{[l+1]}`; ``acts[l]`` is :math:`A^{[l]}` (``acts[0]`` is ``x``); the last
        ``zs`` entry holds the logits.
    """
    if len(activations) != len(params) - 1:
        raise ValueError(f"need one activation per hidden layer: {len(params) - 1}, got {len(activations)}")
    acts, zs = [np.asarray(x)], []
    for layer, (w, b) in enumerate(params):
        z = acts[-1] @ w + b
        zs.append(z)
        if layer < len(activations):
            acts.append(_act.get(activations[layer])(z))
    return zs, acts


def mlp_gradients(
    params: Sequence[tuple[NDArray, NDArray]], x: NDArray, y: NDArray, activations: Sequence[str]
) -> tuple[float, list[tuple[NDArray, NDArray]]]:
    """Cross-entropy loss of a softmax MLP and its gradients by eq. (eq-ch3-backprop).

    Parameters
    ----------
    params : list of (W, b)
        Kernel ``(in, out)`` and bias ``(out,)`` of every layer, input layer first.
    x : ndarray of shape (B, in)
    y : int ndarray of shape (B,)
    activations : list of str
        ``"relu"``, ``"tanh"``, ``"sigmoid"`` or ``"linear"`` for each hidden layer; the output is softmax.

    Returns
    -------
    loss : float
        Eq. (eq-ch3-nll).
    grads : list of (dW, db)
    """
    zs, acts = mlp_forward(params, x, activations)
    logits = zs[-1]
    shifted = logits - logits.max(axis=-1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)
    loss = negative_log_likelihood(y, probs)
    delta = softmax_cross_entropy_gradient(y, logits)
    grads: list[tuple[NDArray, NDArray]] = [None] * len(params)  # type: ignore[list-item]
    for layer in range(len(params) - 1, -1, -1):
        grads[layer] = (acts[layer].T @ delta, delta.sum(axis=0))
        if layer > 0:
            f_prime = _DERIVATIVES[activations[layer - 1]](zs[layer - 1])
            delta = (delta @ params[layer][0].T) * f_prime
    return loss, grads
