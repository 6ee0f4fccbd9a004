"""Central-difference gradient checking, for plain functions and for whole models.

The derivative of :math:`f` along coordinate :math:`j` is estimated by

.. math:: \\frac{\\partial f}{\\partial x_j} \\approx \\frac{f(x + h e_j) - f(x - h e_j)}{2h},
   \\tag{nn.grad.1}

whose error is :math:`O(h^2)` (plus rounding :math:`O(\\varepsilon_{\\text{mach}}/h)`), so use float64 and
:math:`h \\approx 10^{-6}`.  Analytic and numerical gradients :math:`a, g` are compared entry by entry with

.. math:: e = \\max_j \\frac{|a_j - g_j|}{\\max(1, |a_j|, |g_j|)}, \\tag{nn.grad.2}

an absolute error for entries below 1 and a relative one above.

Examples
--------
>>> import numpy as np
>>> x = np.array([1.0, 2.0])
>>> numerical_gradient(lambda v: float((v ** 3).sum()), x).round(6)
array([ 3., 12.])
>>> check_gradient(lambda v: float((v ** 3).sum()), lambda v: 3 * v ** 2, x) < 1e-8
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from companion._validation import check_contiguous, check_same_shape

__all__ = [
    "GradientCheck",
    "check_gradient",
    "check_model_gradients",
    "gradient_error",
    "numerical_gradient",
]


def numerical_gradient(f: Callable[[NDArray], float], x: NDArray, h: float = 1e-6) -> NDArray:
    """Gradient of the scalar function ``f`` at ``x`` by eq. (nn.grad.1), chapter 3's eq-ch3-central.

    ``x`` is perturbed in place, one entry at a time, and restored exactly; ``f`` may therefore read
    ``x`` through another reference (e.g. a model's weight array).
    """
    x = check_contiguous("x", x, why="it is perturbed in place")
    grad = np.zeros(x.shape, dtype=np.float64)
    flat = x.reshape(-1)  # a view, since x is C-contiguous
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + h
        up = f(x)
        flat[j] = old - h
        down = f(x)
        flat[j] = old
        grad.reshape(-1)[j] = (up - down) / (2 * h)
    return grad


def gradient_error(analytic: NDArray, numerical: NDArray) -> float:
    """Error measure of eq. (nn.grad.2)."""
    a, g = np.asarray(analytic, dtype=np.float64), np.asarray(numerical, dtype=np.float64)
    check_same_shape("analytic", a, "numerical", g)
    if a.size == 0:
        return 0.0
    return float((np.abs(a - g) / np.maximum(1.0, np.maximum(np.abs(a), np.abs(g)))).max())


def check_gradient(
    f: Callable[[NDArray], float], grad_f: Callable[[NDArray], NDArray], x: NDArray, h: float = 1e-6
) -> float:
    """Error (nn.grad.2) between ``grad_f(x)`` and the central-difference gradient of ``f`` at ``x``."""
    x = np.array(x, dtype=np.float64)
    return gradient_error(grad_f(x), numerical_gradient(f, x, h))


class GradientCheck(NamedTuple):
    """Result of :func:`check_model_gradients`."""

    max_error: float
    errors: list[float]
    analytic: list[NDArray]
    numerical: list[NDArray]


def check_model_gradients(model: Any, x: NDArray, y: NDArray, h: float = 1e-6) -> GradientCheck:
    """Compare a compiled model's back-propagated gradients with eq. (nn.grad.1), weight by weight.

    Use a ``dtype="float64"`` model: in float32 the rounding error :math:`\\sim 10^{-7}/h` swamps the check.
    The weights are restored afterwards.
    """
    _, analytic = model.compute_gradients(x, y)

    def loss_at(_: NDArray) -> float:
        return model.compute_gradients(x, y)[0]

    numerical = [numerical_gradient(loss_at, w, h) for w in model.weights]
    errors = [gradient_error(a, g) for a, g in zip(analytic, numerical)]
    return GradientCheck(max(errors, default=0.0), errors, analytic, numerical)
