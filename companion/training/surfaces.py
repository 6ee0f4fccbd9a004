"""Two-dimensional loss surfaces, and the paths optimizers take on them.

Real loss surfaces have millions of dimensions; two are enough to see the behaviour that matters.

* The **ill-conditioned quadratic** (eq-ch3-quadratic, :func:`quadratic`)

  .. math:: f(w) = \\tfrac12\\big(\\lambda_1 w_1^2 + \\lambda_2 w_2^2\\big), \\qquad
     \\nabla f(w) = (\\lambda_1 w_1,\\ \\lambda_2 w_2),

  a long narrow valley when :math:`\\lambda_2 \\gg \\lambda_1`.  Gradient descent with step
  :math:`\\eta` multiplies each coordinate by :math:`1 - \\eta\\lambda_k` per step
  (eq-ch3-lr, :func:`gd_factor`), so it converges only if :math:`\\eta < 2/\\lambda_{\\max}`.

* The **Rosenbrock function** (eq-ch3-rosenbrock, :func:`rosenbrock`)

  .. math:: f(w) = (a - w_1)^2 + b\\,(w_2 - w_1^2)^2,

  a curved banana-shaped valley with its minimum at :math:`(a, a^2)`.

:func:`trajectory` runs any optimizer of :mod:`companion.nn.optimizers` on such a function.

Examples
--------
>>> import numpy as np
>>> from companion import nn
>>> path = trajectory(nn.optimizers.SGD(0.1), quadratic_gradient, [1.0, 1.0], steps=3)
>>> path.shape
(4, 2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion.nn.optimizers import Optimizer

__all__ = [
    "CURVATURES",
    "gd_factor",
    "grid_values",
    "nesterov_path",
    "quadratic",
    "quadratic_gradient",
    "rosenbrock",
    "rosenbrock_gradient",
    "trajectory",
]

#: Curvatures :math:`(\\lambda_1, \\lambda_2)` of the default quadratic: condition number 20.
CURVATURES = (1.0, 20.0)


def quadratic(w: ArrayLike, curvatures: Sequence[float] = CURVATURES) -> NDArray:
    """Eq. (eq-ch3-quadratic), :math:`\\frac12\\sum_k \\lambda_k w_k^2`, over the last axis of ``w``."""
    w = np.asarray(w, dtype=np.float64)
    return 0.5 * (np.asarray(curvatures) * w**2).sum(axis=-1)


def quadratic_gradient(w: ArrayLike, curvatures: Sequence[float] = CURVATURES) -> NDArray:
    """Gradient of eq. (eq-ch3-quadratic): :math:`(\\lambda_1 w_1, \\lambda_2 w_2)`."""
    return np.asarray(curvatures) * np.asarray(w, dtype=np.float64)


def rosenbrock(w: ArrayLike, a: float = 1.0, b: float = 100.0) -> NDArray:
    """Eq. (eq-ch3-rosenbrock), :math:`(a - w_1)^2 + b(w_2 - w_1^2)^2`, over the last axis of ``w``."""
    w = np.asarray(w, dtype=np.float64)
    x, y = w[..., 0], w[..., 1]
    return (a - x) ** 2 + b * (y - x**2) ** 2


def rosenbrock_gradient(w: ArrayLike, a: float = 1.0, b: float = 100.0) -> NDArray:
    """Gradient of eq. (eq-ch3-rosenbrock):
    :math:`(-2(a - w_1) - 4 b w_1 (w_2 - w_1^2),\\ 2b(w_2 - w_1^2))`.
    """
    w = np.asarray(w, dtype=np.float64)
    x, y = w[..., 0], w[..., 1]
    return np.stack([-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)], axis=-1)


def gd_factor(learning_rate: float, curvature: float) -> float:
    """Factor :math:`1 - \\eta\\lambda` by which one gradient-descent step scales a coordinate,
    eq. (eq-ch3-lr).

    Gradient descent converges along that coordinate if and only if :math:`|1 - \\eta\\lambda| < 1`.
    """
    return 1.0 - learning_rate * curvature


def trajectory(
    optimizer: Optimizer, gradient: Callable[[NDArray], NDArray], start: ArrayLike, steps: int
) -> NDArray:
    """Positions of ``optimizer`` minimising a function with gradient ``gradient`` from ``start``.

    Parameters
    ----------
    optimizer : companion.nn.optimizers.Optimizer
        A fresh optimizer (its state is built on the first step).
    gradient : callable
        Maps a position ``(2,)`` to the gradient there.
    start : array_like of shape (2,)
    steps : int

    Returns
    -------
    ndarray of shape (steps + 1, 2)
        The start and the position after every step.  Stops early (repeating the last finite
        position) if the iterate overflows.
    """
    w = np.array(start, dtype=np.float64)
    path = np.empty((steps + 1, w.size))
    path[0] = w
    for t in range(1, steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            optimizer.apply([gradient(w)], [w])
        if not np.isfinite(w).all():
            path[t:] = path[t - 1]
            break
        path[t] = w
    return path


def grid_values(
    f: Callable[[NDArray], NDArray], xlim: tuple[float, float], ylim: tuple[float, float], n: int = 200
) -> tuple[NDArray, NDArray, NDArray]:
    """``(X, Y, F)`` on an ``n`` by ``n`` grid, for a contour plot of the 2-D function ``f``."""
    xs, ys = np.linspace(*xlim, n), np.linspace(*ylim, n)
    gx, gy = np.meshgrid(xs, ys)
    return gx, gy, f(np.stack([gx, gy], axis=-1))


def nesterov_path(
    gradient: Callable[[NDArray], NDArray], start: ArrayLike, learning_rate: float, momentum: float,
    steps: int,
) -> tuple[NDArray, NDArray]:
    """Nesterov's method in its look-ahead form, eq. (eq-ch3-nesterov).

    .. math:: v_{t+1} = \\mu v_t - \\eta \\nabla f(w_t + \\mu v_t), \\qquad w_{t+1} = w_t + v_{t+1}

    Returns
    -------
    w, lookahead : ndarray of shape (steps + 1, 2)
        The iterates :math:`w_t` and the look-ahead points :math:`w_t + \\mu v_t` where the gradient
        is taken.  Keras's ``SGD(nesterov=True)`` (eq. nn.sgd.1) stores the look-ahead point as its
        variable, so its path equals ``lookahead``.
    """
    w = np.array(start, dtype=np.float64)
    v = np.zeros_like(w)
    ws, looks = [w.copy()], [w.copy()]
    for _ in range(steps):
        v = momentum * v - learning_rate * gradient(w + momentum * v)
        w = w + v
        ws.append(w.copy())
        looks.append(w + momentum * v)
    return np.array(ws), np.array(looks)
