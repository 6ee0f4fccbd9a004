"""Data parallelism: the exact gradient from shards (eq. ``eq-ch5-data-parallel``) and Amdahl's law
(eq. ``eq-ch5-amdahl``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from companion._validation import check_positive_int, check_real

if TYPE_CHECKING:  # companion.nn is imported when a model is built, not with this module
    from companion.nn import Sequential

__all__ = ["amdahl_speedup", "data_parallel_gradients", "parallel_fraction", "shard_sizes"]


def shard_sizes(n: int, workers: int) -> list[int]:
    """How ``n`` examples are dealt to ``workers``: as equal as possible, the first ones one larger.

    Examples
    --------
    >>> shard_sizes(64, 2), shard_sizes(29, 2)
    ([32, 32], [15, 14])
    """
    n, workers = check_positive_int("n", n), check_positive_int("workers", workers)
    if workers > n:
        raise ValueError(f"workers must be at most n = {n}, got {workers}")
    return [n // workers + (1 if k < n % workers else 0) for k in range(workers)]


def data_parallel_gradients(
    model: Sequential, x: NDArray, y: NDArray, workers: int, weighting: str = "size"
) -> list[NDArray]:
    """The gradient of a batch computed as ``workers`` replicas would: one shard each, then averaged.

    Worker :math:`k` holds a copy of the weights and computes the mean gradient
    :math:`\\mathbf{g}_k` of its own :math:`B_k` examples; an all-reduce then combines them.  Since the
    batch loss is a mean over examples, its gradient is

    .. math::

        \\mathbf{g} = \\frac{1}{B}\\sum_{i=1}^{B} \\nabla \\ell_i
        = \\sum_{k=1}^{K} \\frac{B_k}{B}\\, \\mathbf{g}_k
        \\;\\overset{B_k = B/K}{=}\\; \\frac1K \\sum_{k=1}^{K} \\mathbf{g}_k ,
        \\tag{eq-ch5-data-parallel}

    exactly the full-batch gradient (up to rounding), so every replica applies the same update as a
    single model would.  ``weighting="equal"`` takes the plain mean :math:`\\frac1K\\sum_k\\mathbf{g}_k`
    whatever the shard sizes, as Keras's ``MirroredStrategy`` does (each replica's loss is its own
    mean, scaled by :math:`1/K`); that equals :math:`\\mathbf{g}` only when the shards are equal.

    Parameters
    ----------
    model : companion.nn.Sequential
        Compiled; its weights are not changed.
    x, y : ndarray
        One (global) batch.
    workers : int
        :math:`K`, at most ``len(x)``; the shards are :func:`shard_sizes` consecutive slices.
    weighting : {"size", "equal"}, default "size"

    Returns
    -------
    list of ndarray
        The combined gradient, in the order of ``model.get_weights()``.
    """
    if weighting not in ("size", "equal"):
        raise ValueError(f"weighting must be 'size' or 'equal', got {weighting!r}")
    sizes = shard_sizes(len(x), workers)
    bounds = np.cumsum([0] + sizes)
    total: list[NDArray] | None = None
    for k, size in enumerate(sizes):
        _, grads = model.compute_gradients(x[bounds[k]:bounds[k + 1]], y[bounds[k]:bounds[k + 1]])
        share = size / len(x) if weighting == "size" else 1.0 / len(sizes)
        total = [share * g for g in grads] if total is None else [t + share * g for t, g in zip(total, grads)]
    assert total is not None  # shard_sizes gives at least one shard
    return total


def amdahl_speedup(parallel_fraction: float, workers: int) -> float:
    """Amdahl's law: the speed-up of a job whose fraction :math:`p` runs :math:`K` times faster.

    .. math::

        S(K) = \\frac{1}{(1 - p) + p / K}
        \\tag{eq-ch5-amdahl}

    Parameters
    ----------
    parallel_fraction : float
        :math:`p \\in [0, 1]`, the share of the single-worker time that parallelises perfectly.
    workers : int
        :math:`K`.

    Returns
    -------
    float

    Examples
    --------
    >>> amdahl_speedup(0.9, 2)
    1.8181818181818181
    """
    p = check_real("parallel_fraction", parallel_fraction)
    if not 0 <= p <= 1:
        raise ValueError(f"parallel_fraction must be in [0, 1], got {parallel_fraction!r}")
    k = check_positive_int("workers", workers)
    return 1.0 / ((1.0 - p) + p / k)


def parallel_fraction(speedup: float, workers: int) -> float:
    """Invert eq-ch5-amdahl: the parallel fraction :math:`p` a measured speed-up implies.

    .. math::

        p = \\frac{1 - 1/S}{1 - 1/K}

    A measured :math:`S < 1` (parallel slower) gives :math:`p < 0`: the overhead of splitting and
    combining costs more than the parallel part saves, which Amdahl's law alone does not model.

    Parameters
    ----------
    speedup : float
        :math:`S > 0`, single-worker time over :math:`K`-worker time.
    workers : int
        :math:`K \\ge 2`.

    Returns
    -------
    float

    Examples
    --------
    >>> round(parallel_fraction(amdahl_speedup(0.9, 2), 2), 12)
    0.9
    """
    s = check_real("speedup", speedup)
    if not (s > 0 and math.isfinite(s)):
        raise ValueError(f"speedup must be positive and finite, got {speedup!r}")
    k = check_positive_int("workers", workers)
    if k < 2:
        raise ValueError(f"workers must be at least 2 to infer a parallel fraction, got {k}")
    return (1.0 - 1.0 / s) / (1.0 - 1.0 / k)
