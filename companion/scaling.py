"""Scaling: test error against data, the FLOPs of dense networks, and exact data parallelism.

Chapter 5 measures two of the article's trends, *more data* and *more compute*, on the digits.  The
equations of those pages live here, each in the function that computes it:

=========================  ==================================================================
``eq-ch5-power-law``       :func:`power_law`, :func:`fit_power_law`, :func:`power_law_window`
``eq-ch5-dense-flops``     :func:`dense_flops` (``kind="forward"``)
``eq-ch5-train-flops``     :func:`dense_flops` (``kind="training"``), :func:`training_flops`
``eq-ch5-data-parallel``   :func:`data_parallel_gradients`
``eq-ch5-amdahl``          :func:`amdahl_speedup`, :func:`parallel_fraction`
=========================  ==================================================================

The experiments themselves (:func:`learning_curve`, :func:`train_with_checkpoints`) train
:mod:`companion.nn` models; give them float64 models so that their results do not depend on the CPU's
BLAS kernel (chapter 5, "More data").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_positive_int, check_real, check_seed, describe

if TYPE_CHECKING:  # companion.nn is imported when a model is built, not with this module
    from companion.nn import Sequential

__all__ = [
    "LearningCurve",
    "PowerLawFit",
    "amdahl_speedup",
    "data_parallel_gradients",
    "dense_classifier",
    "dense_flops",
    "fit_power_law",
    "learning_curve",
    "parallel_fraction",
    "power_law",
    "power_law_window",
    "shard_sizes",
    "stratified_order",
    "train_with_checkpoints",
    "training_flops",
]


# ---------------------------------------------------------------------------------- validation
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


def _layer_sizes(layer_sizes: Sequence[int]) -> list[int]:
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(f"layer_sizes must be a sequence of ints, got {describe(layer_sizes)}")
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs an input width and at least one layer, got {sizes}")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"layer_sizes must hold ints, got {describe(n)}")
        if n < 1:
            raise ValueError(f"layer_sizes must be positive integers, got {sizes}")
    return [int(n) for n in sizes]


# ---------------------------------------------------------------------------------- more data
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
            test[i, j] = model.evaluate(x_test, y_test, verbose=0)[1]
            train[i, j] = model.evaluate(x[subset], y[subset], verbose=0)[1]
    return LearningCurve(np.asarray(sizes, dtype=np.int64), test, train)


# ---------------------------------------------------------------------------------- more compute
def dense_classifier(
    layer_sizes: Sequence[int], seed: int = 0, dtype: str = "float64", optimizer: object = "adam"
) -> Sequential:
    """A compiled :mod:`companion.nn` classifier: ReLU hidden layers and a softmax output.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_0, n_1, ..., n_L]``: inputs, hidden widths, classes; ``[100, 64, 64, 10]`` is the article's
        network.
    seed : int, default 0
        Initialisation and shuffling.
    dtype : {"float64", "float32"}, default "float64"
        float64 so that results do not depend on the BLAS kernel.
    optimizer : str or companion.nn optimizer, default "adam"

    Returns
    -------
    companion.nn.Sequential
        Compiled with sparse categorical cross-entropy and ``metrics=["accuracy"]``.
    """
    from companion import nn

    sizes = _layer_sizes(layer_sizes)
    layers = [nn.Input(shape=(sizes[0],))]
    layers += [nn.Dense(width, activation="relu") for width in sizes[1:-1]]
    layers.append(nn.Dense(sizes[-1], activation="softmax"))
    model = nn.Sequential(layers, seed=seed, dtype=dtype)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def dense_flops(layer_sizes: Sequence[int], kind: str = "training") -> int:
    """Floating-point operations per example of a stack of dense layers (matrix products only).

    A dense layer with :math:`n_{l-1}` inputs and :math:`n_l` outputs multiplies each input by a
    :math:`n_{l-1} \\times n_l` matrix: :math:`n_{l-1} n_l` multiply-adds, 2 FLOPs each,

    .. math::

        F_\\text{fwd} = \\sum_{l=1}^{L} 2\\, n_{l-1}\\, n_l .
        \\tag{eq-ch5-dense-flops}

    Back-propagation through the same layer needs two products of the same size: the gradient of the
    weights, :math:`\\mathbf{a}_{l-1}^\\top \\boldsymbol\\delta_l`, and the error passed down,
    :math:`\\boldsymbol\\delta_l W_l^\\top`, which the first layer does not need.  One training step per
    example therefore costs

    .. math::

        F_\\text{train} = F_\\text{fwd} + F_\\text{bwd}
        = 3 F_\\text{fwd} - 2\\, n_0\\, n_1 \\;\\approx\\; 3 F_\\text{fwd}.
        \\tag{eq-ch5-train-flops}

    Biases, activations, the loss and the optimizer add :math:`O(\\sum_l n_l)` operations, negligible
    next to the products for wide layers, and are not counted (the convention of Kaplan et al. 2020 and
    of Amodei & Hernandez 2018, whose :math:`C \\approx 6ND` is eq-ch5-train-flops with
    :math:`F_\\text{fwd} = 2N`).

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_0, n_1, ..., n_L]``.
    kind : {"training", "forward", "backward"}, default "training"

    Returns
    -------
    int
        FLOPs per example.

    Examples
    --------
    >>> dense_flops([100, 64, 64, 10], "forward")     # the article's network
    22272
    >>> dense_flops([100, 64, 64, 10])                # 3 x 22,272 - 2 x 100 x 64
    54016
    """
    sizes = _layer_sizes(layer_sizes)
    if kind not in ("training", "forward", "backward"):
        raise ValueError(f"kind must be 'training', 'forward' or 'backward', got {kind!r}")
    products = [2 * a * b for a, b in zip(sizes[:-1], sizes[1:])]
    forward = sum(products)
    backward = 2 * forward - products[0]
    return {"forward": forward, "backward": backward, "training": forward + backward}[kind]


def training_flops(layer_sizes: Sequence[int], examples: int) -> int:
    """Total FLOPs of training: eq-ch5-train-flops times the number of examples processed.

    .. math::

        C = F_\\text{train} \\times (\\text{examples seen}) = F_\\text{train} \\times \\text{steps} \\times B

    Parameters
    ----------
    layer_sizes : sequence of int
    examples : int
        Examples processed in training (epochs x training-set size, or steps x batch size).

    Returns
    -------
    int

    Examples
    --------
    >>> training_flops([100, 64, 64, 10], 1000)
    54016000
    """
    return dense_flops(layer_sizes, "training") * check_positive_int("examples", examples)


def train_with_checkpoints(
    model: Sequential, x: NDArray, y: NDArray, x_test: NDArray, y_test: NDArray,
    checkpoints: Sequence[int], batch_size: int = 32,
) -> NDArray[np.float64]:
    """Train ``model`` on a shuffled stream of ``(x, y)`` and record test accuracy at given step counts.

    The training set is repeated into one stream of ``checkpoints[-1] * batch_size`` examples (each
    sample equally often, up to one), shuffled once with the model's own generator, and fed to
    ``fit`` in pieces that end at each checkpoint, so the run is one continuous training whose
    progress is looked at along the way.

    Parameters
    ----------
    model : companion.nn.Sequential
        Compiled, with an ``"accuracy"`` metric.
    x, y, x_test, y_test : ndarray
    checkpoints : sequence of int
        Increasing step counts.
    batch_size : int, default 32

    Returns
    -------
    ndarray of shape (len(checkpoints),)
        Test accuracy after each checkpoint.
    """
    steps = [check_positive_int("checkpoints", c) for c in checkpoints]
    if not steps or any(b <= a for a, b in zip(steps[:-1], steps[1:])):
        raise ValueError(f"checkpoints must be increasing step counts, got {steps}")
    batch_size = check_positive_int("batch_size", batch_size)
    stream = model.rng.permutation(np.resize(np.arange(len(x)), steps[-1] * batch_size))
    accuracy, done = [], 0
    for step in steps:
        part = stream[done * batch_size: step * batch_size]
        model.fit(x[part], y[part], epochs=1, batch_size=batch_size, shuffle=False, verbose=0)
        accuracy.append(model.evaluate(x_test, y_test, verbose=0)[1])
        done = step
    return np.asarray(accuracy)


# ---------------------------------------------------------------------------------- data parallelism
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
