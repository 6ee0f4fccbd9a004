"""Why initial weights are random, and why their scale matters.

**Variance of a layer's output.**  For a unit :math:`z = \\sum_{i=1}^{n} w_i a_i` with independent,
zero-mean weights of variance :math:`\\operatorname{Var}(w)` and inputs independent of the weights,

.. math:: \\operatorname{Var}(z) = n\\, \\operatorname{Var}(w)\\, \\mathbb{E}[a^2]
   \\tag{eq-ch3-var-forward}

(:func:`forward_variance`).  With :math:`a = \\tanh(z')` near zero, :math:`\\mathbb{E}[a^2] \\approx
\\operatorname{Var}(z')`; with :math:`a = \\operatorname{relu}(z')` and :math:`z'` symmetric,
:math:`\\mathbb{E}[a^2] = \\operatorname{Var}(z')/2`.  Keeping the variance constant forwards
(:math:`n_\\text{in}\\operatorname{Var}(w) = 1`) and backwards
(:math:`n_\\text{out}\\operatorname{Var}(w) = 1`) gives Glorot's compromise
(eq-ch3-glorot, :func:`glorot_variance`); for ReLU, He's
:math:`2/n_\\text{in}` (eq-ch3-he, :func:`he_variance`).

Examples
--------
>>> glorot_variance(100, 64), he_variance(100)
(0.012195121951219513, 0.02)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from companion import nn
from companion._validation import check_rng

__all__ = [
    "SignalStats",
    "SymmetryRun",
    "forward_variance",
    "glorot_variance",
    "he_variance",
    "hidden_unit_spread",
    "propagate",
    "symmetry_run",
]


def forward_variance(fan_in: int, weight_variance: float, second_moment: float) -> float:
    """Variance of a pre-activation, eq. (eq-ch3-var-forward):
    :math:`n\\operatorname{Var}(w)\\mathbb{E}[a^2]`.

    Parameters
    ----------
    fan_in : int
        Number of inputs :math:`n` of the unit.
    weight_variance : float
        :math:`\\operatorname{Var}(w)`.
    second_moment : float
        :math:`\\mathbb{E}[a^2]` of the inputs.
    """
    return float(fan_in * weight_variance * second_moment)


def glorot_variance(fan_in: int, fan_out: int) -> float:
    """Glorot's weight variance :math:`2/(n_\\text{in} + n_\\text{out})`, eq. (eq-ch3-glorot)."""
    return 2.0 / (fan_in + fan_out)


def he_variance(fan_in: int) -> float:
    """He's weight variance for ReLU layers, :math:`2/n_\\text{in}`, eq. (eq-ch3-he)."""
    return 2.0 / fan_in


class SignalStats(NamedTuple):
    """Result of :func:`propagate`: one entry per layer, first layer first."""

    activation_std: NDArray
    gradient_std: NDArray


def propagate(
    initializer: nn.initializers.Initializer,
    x: NDArray,
    depth: int,
    width: int,
    activation: str = "tanh",
    rng: np.random.Generator | int | None = 0,
) -> SignalStats:
    """Push a batch forward through ``depth`` fresh layers and a random gradient back (eq-ch3-var-forward).

    Each layer is :math:`A^{[l]} = f(A^{[l-1]} W^{[l]})` with ``width`` units, :math:`W^{[l]}` drawn
    from ``initializer`` (biases are zero, so they are left out), in float64.  The backward pass starts
    from a standard normal :math:`\\partial\\mathcal{L}/\\partial A^{[L]}` (:math:`L` = ``depth``) and
    applies eq. (eq-ch3-backprop).

    Parameters
    ----------
    initializer : Initializer
    x : ndarray of shape (n, features)
    depth, width : int
    activation : str
        Name of an element-wise activation of :mod:`companion.nn.activations`.
    rng : Generator or int, optional

    Returns
    -------
    SignalStats
        ``activation_std[l]`` is the standard deviation of all entries of :math:`A^{[l+1]}`;
        ``gradient_std[l]`` that of :math:`\\delta^{[l+1]} = \\partial\\mathcal{L}/\\partial Z^{[l+1]}`.
    """
    gen = check_rng(rng)
    act = nn.activations.get(activation)
    a = np.asarray(x, dtype=np.float64)
    cache, act_std = [], []
    for _ in range(depth):
        w = initializer((a.shape[1], width), "float64", gen)
        z = a @ w
        a = act(z)
        cache.append((w, z, a))
        act_std.append(a.std())
    g = gen.standard_normal(a.shape)
    grad_std = np.zeros(depth)
    for layer in range(depth - 1, -1, -1):
        w, z, a = cache[layer]
        delta = act.backward(z, a, g)
        grad_std[layer] = delta.std()
        g = delta @ w.T
    return SignalStats(np.array(act_std), grad_std)


def hidden_unit_spread(kernel: NDArray) -> float:
    """Largest difference between two hidden units' incoming weights:
    :math:`\\max_i (\\max_j W_{ij} - \\min_j W_{ij})`.

    Zero exactly when every column of the kernel (every unit) is the same.
    """
    return float(np.ptp(np.asarray(kernel, dtype=np.float64), axis=1).max())


class SymmetryRun(NamedTuple):
    """Result of :func:`symmetry_run`.

    ``spread`` and ``accuracy`` have one entry per epoch (index 0: before training); ``kernel`` is
    the trained first-layer kernel, shape ``(features, hidden)``.
    """

    spread: NDArray
    accuracy: NDArray
    kernel: NDArray


def symmetry_run(
    x: NDArray,
    y: NDArray,
    kernel_initializer: str | nn.initializers.Initializer,
    epochs: int = 10,
    hidden: int = 16,
    seed: int = 0,
    learning_rate: float = 0.1,
    dtype: str = "float32",
) -> SymmetryRun:
    """Train a ``features``-``hidden``-10 network (ReLU, softmax) with SGD and watch its hidden units.

    All kernels use ``kernel_initializer``, biases start at zero; weights and arithmetic in
    ``dtype``.  After every epoch the spread of
    the first kernel (:func:`hidden_unit_spread`) and the training accuracy are recorded.

    Returns
    -------
    SymmetryRun
    """
    first = nn.Dense(hidden, activation="relu", kernel_initializer=kernel_initializer)
    model = nn.Sequential(
        [
            nn.Input(shape=(x.shape[1],)),
            first,
            nn.Dense(10, activation="softmax", kernel_initializer=kernel_initializer),
        ],
        dtype=dtype,
        seed=seed,
    )
    model.compile(optimizer=nn.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])

    def kernel() -> NDArray:  # W^[1] as it is now
        assert first.kernel is not None  # built: the model knows its input shape
        return first.kernel

    spread = [hidden_unit_spread(kernel())]
    acc = [float(model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"])]
    for _ in range(epochs):
        model.fit(x, y, epochs=1, verbose=0)
        spread.append(hidden_unit_spread(kernel()))
        acc.append(float(model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]))
    return SymmetryRun(np.array(spread), np.array(acc), kernel().copy())
