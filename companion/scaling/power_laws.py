"""More data: test error against training-set size, a power law (eq. ``eq-ch5-power-law``), and the
nested, balanced subsets and learning curves that measure it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_positive_int, check_real, check_seed, describe

if TYPE_CHECKING:  # companion.nn is imported when a model is trained, not with this module
    from companion.nn import Sequential

__all__ = [
    "LearningCurve",
    "PowerLawFit",
    "fit_power_law",
    "learning_curve",
    "power_law",
    "power_law_window",
    "stratified_order",
]


def _positive_vector(name: str, values: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold numbers, got an array of dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr) & (arr > 0)):
        raise ValueError(f"{name} must be positive and finite, got {arr.tolist()}")
    return arr



class PowerLawFit(NamedTuple):
    """A fitted power law :math:`E(n) = a\\,n^{-b}` (eq-ch5-power-law) and where it was fitted.

    Attributes
    ----------
    prefactor : float
        :math:`a`, the error the law extrapolates to at :math:`n = 1`.
    exponent : float
        :math:`b`; each doubling of :math:`n` multiplies the error by :math:`2^{-b}`.
    n_min, n_max : float
        The smallest and largest :math:`n` the fit used.
    points : int
        How many points the fit used.
    max_residual : float
        Largest :math:`|\\ln E_i - \\ln(a n_i^{-b})|` over those points.
    """

    prefactor: float
    exponent: float
    n_min: float
    n_max: float
    points: int
    max_residual: float

    def __call__(self, n: ArrayLike) -> NDArray[np.float64]:
        """The fitted law at ``n``."""
        return power_law(n, self.prefactor, self.exponent)


def power_law(n: ArrayLike, prefactor: float, exponent: float) -> NDArray[np.float64]:
    """Test error as a power law of the training-set size.

    .. math::

        E(n) = a\\, n^{-b}, \\qquad \\ln E = \\ln a - b \\ln n
        \\tag{eq-ch5-power-law}

    On log-log axes this is a straight line of slope :math:`-b`: every doubling of the data multiplies
    the error by the same factor :math:`2^{-b}`.  (Hestness et al. 2017 write it
    :math:`\\epsilon(m) = \\alpha m^{\\beta_g}` with :math:`\\beta_g = -b < 0`.)

    Parameters
    ----------
    n : array_like
        Training-set sizes, positive.
    prefactor : float
        :math:`a > 0`.
    exponent : float
        :math:`b`.

    Returns
    -------
    ndarray
        :math:`E(n)`, the shape of ``n``.

    Examples
    --------
    >>> power_law([1, 4, 16], 0.8, 0.5)
    array([0.8, 0.4, 0.2])
    """
    a, b = check_real("prefactor", prefactor), check_real("exponent", exponent)
    if not a > 0:
        raise ValueError(f"prefactor must be positive, got {prefactor!r}")
    n = np.asarray(n, dtype=np.float64)
    if np.any(n <= 0):
        raise ValueError("n must be positive")
    return a * n ** (-b)


def fit_power_law(n: ArrayLike, error: ArrayLike) -> PowerLawFit:
    """Least-squares fit of eq-ch5-power-law on log-log axes.

    Minimises :math:`\\sum_i (\\ln E_i - \\ln a + b \\ln n_i)^2`, an ordinary straight-line fit of
    :math:`\\ln E` against :math:`\\ln n`, so every point counts by its *relative* deviation.

    Parameters
    ----------
    n : array_like of shape (k,)
        Training-set sizes, positive, at least two different ones.
    error : array_like of shape (k,)
        Test errors (e.g. mean over seeds), positive.

    Returns
    -------
    PowerLawFit

    Raises
    ------
    ValueError
        If the lengths differ, fewer than two distinct sizes are given, or a value is not positive.

    Examples
    --------
    >>> fit = fit_power_law([10, 100, 1000], [0.4, 0.1, 0.025])
    >>> round(fit.exponent, 6), round(fit.prefactor, 6)
    (0.60206, 1.6)
    """
    n = _positive_vector("n", n)
    error = _positive_vector("error", error)
    if len(n) != len(error):
        raise ValueError(f"n and error must have the same length, got {len(n)} and {len(error)}")
    if len(np.unique(n)) < 2:
        raise ValueError(f"fitting a power law needs at least two different sizes, got {n.tolist()}")
    x, y = np.log(n), np.log(error)
    slope, intercept = np.polyfit(x, y, 1)
    residual = np.abs(y - (intercept + slope * x))
    return PowerLawFit(float(np.exp(intercept)), float(-slope), float(n.min()), float(n.max()),
                       len(n), float(residual.max()))


def power_law_window(
    n: ArrayLike, error: ArrayLike, relative_sem: ArrayLike, z: float = 2.0, min_points: int = 3
) -> PowerLawFit:
    """The widest run of consecutive sizes over which a power law fits within the error bars.

    For every window of consecutive points (at least ``min_points``) the power law is fitted with
    :func:`fit_power_law`; the window is accepted if every point lies within ``z`` standard errors of
    the line, :math:`|\\ln E_i - \\ln \\hat E(n_i)| \\le z\\, s_i / E_i`, where :math:`s_i` is the
    standard error of the mean :math:`E_i` (so :math:`s_i / E_i` is the standard error of
    :math:`\\ln E_i`, to first order).  Of the accepted windows the one with the most points is
    returned; among equally long ones, the one with the smallest largest residual in units of its
    error bar.

    Parameters
    ----------
    n, error : array_like of shape (k,)
        Sizes in increasing order and the mean errors there (eq-ch5-power-law).
    relative_sem : array_like of shape (k,)
        :math:`s_i / E_i`, positive.
    z : float, default 2
        How many standard errors a point may deviate.
    min_points : int, default 3
        The smallest window considered.

    Returns
    -------
    PowerLawFit
        The fit over the chosen window.

    Raises
    ------
    ValueError
        If the sizes are not increasing, or no window of ``min_points`` points passes.
    """
    n = _positive_vector("n", n)
    error = _positive_vector("error", error)
    rel = _positive_vector("relative_sem", relative_sem)
    z = check_real("z", z)
    min_points = check_positive_int("min_points", min_points)
    if not (len(n) == len(error) == len(rel)):
        raise ValueError(
            f"n, error and relative_sem must have the same length, got {len(n)}, {len(error)}, {len(rel)}"
        )
    if np.any(np.diff(n) <= 0):
        raise ValueError(f"n must be strictly increasing, got {n.tolist()}")
    if not z > 0:
        raise ValueError(f"z must be positive, got {z}")
    if min_points < 2:
        raise ValueError(f"min_points must be at least 2, got {min_points}")
    best, best_key = None, None
    for lo in range(len(n)):
        for hi in range(lo + min_points, len(n) + 1):
            fit = fit_power_law(n[lo:hi], error[lo:hi])
            dev = np.abs(np.log(error[lo:hi]) - np.log(fit(n[lo:hi]))) / rel[lo:hi]
            if dev.max() > z:
                continue
            key = (hi - lo, -dev.max())
            if best_key is None or key > best_key:
                best, best_key = fit, key
    if best is None:
        raise ValueError(f"no {min_points} consecutive points follow a power law within {z} standard errors")
    return best


def stratified_order(y: ArrayLike, seed: int = 0) -> NDArray[np.int64]:
    """An order of the samples whose every prefix is as class-balanced as possible.

    Round :math:`r` takes the :math:`r`-th sample (in a random order) of every class that still has
    one, in a random order of the classes.  The first ``n`` indices are then a training subset of size
    ``n`` whose class counts differ by at most one (as long as every class has enough samples), and
    the subsets for growing ``n`` are nested, so a learning curve adds data without replacing any.

    Parameters
    ----------
    y : array_like of shape (n,)
        Class labels.
    seed : int, default 0

    Returns
    -------
    ndarray of shape (n,)
        A permutation of ``range(n)``.

    Examples
    --------
    >>> y = np.array([0, 0, 0, 1, 1, 1, 1])
    >>> order = stratified_order(y, seed=0)
    >>> [np.bincount(y[order[:n]]).tolist() for n in (2, 4, 6, 7)]
    [[1, 1], [2, 2], [3, 3], [3, 4]]
    """
    y = np.asarray(y)
    if y.ndim != 1 or len(y) == 0:
        raise ValueError(f"y must be a non-empty one-dimensional array of labels, got shape {y.shape}")
    rng = np.random.default_rng(check_seed(seed))
    members = [rng.permutation(np.flatnonzero(y == c)) for c in np.unique(y)]
    order: list[int] = []
    for r in range(max(len(m) for m in members)):
        layer = np.array([m[r] for m in members if r < len(m)])
        order.extend(rng.permutation(layer).tolist())
    return np.asarray(order, dtype=np.int64)


class LearningCurve(NamedTuple):
    """Accuracies of a learning curve, one row per seed and one column per training-set size."""

    sizes: NDArray[np.int64]
    test_accuracy: NDArray[np.float64]
    train_accuracy: NDArray[np.float64]


def learning_curve(
    build: Callable[[int], Sequential],
    x: NDArray, y: NDArray, x_test: NDArray, y_test: NDArray,
    sizes: Sequence[int], seeds: Sequence[int], steps: int, batch_size: int = 32,
) -> LearningCurve:
    """Train one model per seed and training-set size, all with the same number of updates.

    For seed :math:`s` the subsets are the prefixes of :func:`stratified_order` ``(y, s)``.  The subset
    of size :math:`n` is repeated until it fills ``steps * batch_size`` examples (each sample appears
    equally often, up to one), and the model ``build(s)`` is trained on that stream for one shuffled
    epoch: every run makes ``steps`` updates and sees the same number of examples, so the runs differ
    only in how much *information* their data hold, not in how long they trained.

    Parameters
    ----------
    build : callable
        ``build(seed)`` returns a compiled :mod:`companion.nn` model with an ``"accuracy"`` metric.
    x, y : ndarray
        The training pool.
    x_test, y_test : ndarray
        The fixed test set.
    sizes : sequence of int
        Training-set sizes, each at most ``len(x)``.
    seeds : sequence of int
    steps : int
        Updates per run.
    batch_size : int, default 32

    Returns
    -------
    LearningCurve
        ``test_accuracy[i, j]`` for seed ``seeds[i]`` and size ``sizes[j]``; ``train_accuracy`` on the
        subset itself.
    """
    if not callable(build):
        raise TypeError(f"build must be a callable seed -> compiled model, got {describe(build)}")
    sizes = [check_positive_int("sizes", n) for n in sizes]
    if max(sizes) > len(x):
        raise ValueError(f"sizes must be at most len(x) = {len(x)}, got {max(sizes)}")
    steps = check_positive_int("steps", steps)
    batch_size = check_positive_int("batch_size", batch_size)
    test = np.zeros((len(seeds), len(sizes)))
    train = np.zeros_like(test)
    for i, seed in enumerate(seeds):
        order = stratified_order(y, seed)
        for j, n in enumerate(sizes):
            subset = order[:n]
            stream = np.resize(subset, steps * batch_size)
            model = build(seed)
            model.fit(x[stream], y[stream], epochs=1, batch_size=batch_size, verbose=0)
            test[i, j] = model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]
            train[i, j] = model.evaluate(x[subset], y[subset], verbose=0, return_dict=True)["accuracy"]
    return LearningCurve(np.asarray(sizes, dtype=np.int64), test, train)
