"""Differentially private SGD (DP-SGD) and its privacy budget.

DP-SGD (Abadi et al. 2016) trains a :class:`~companion.nn.model.Sequential` so that the trained
weights reveal little about any single training example.  Each step

1. draws a **Poisson sample** of the training set: every example joins the batch independently with
   probability :math:`q = L/N` (:func:`poisson_sample`, eq-ch5-poisson), so the batch size varies
   around the expected size :math:`L`;
2. computes the **per-example gradients** :math:`g_i = \\nabla_\\theta \\ell_i` in one vectorised pass
   (:meth:`~companion.nn.model.Sequential.compute_gradients` with ``per_example=True``, eq. nn.dense.3);
3. **clips** each to norm at most :math:`C` (:func:`clip_gradients`, eq-ch5-clip), the norm taken over
   all weights of the model together;
4. sums them, adds **Gaussian noise** of standard deviation :math:`\\sigma C` to every coordinate and
   divides by :math:`L` (:func:`noisy_gradient`, eq-ch5-dpsgd);
5. hands that gradient to an ordinary optimizer (plain SGD by default).

Clipping bounds how much one example can move the sum (its *sensitivity* is :math:`C`), and the
noise hides a move of that size.  The privacy budget :math:`(\\varepsilon, \\delta)` of the whole run
(eq-ch5-dp) follows from :math:`\\sigma`, :math:`q` and the number of steps alone, whatever the data
and the model: :func:`epsilon` asks Google's ``dp-accounting`` library, with the sampling it assumes
(Poisson) matching the sampling :func:`fit` does.  :func:`max_advantage` turns a budget into the
largest advantage any membership test can have (eq-ch5-adv-bound).

Reproducibility: the batches and the noise come from one seeded :class:`numpy.random.Generator`, in
an order that does not depend on the data or on the arithmetic, so the random stream is the same on
every machine whatever BLAS library computes the gradients.

Examples
--------
>>> import numpy as np
>>> from companion import nn
>>> from companion.nn import dp
>>> g = [np.array([[3.0, 0.0], [0.3, 0.0]]), np.array([[4.0], [0.4]])]   # 2 examples, norms 5 and 0.5
>>> clipped = dp.clip_gradients(g, clip_norm=1.0)
>>> dp.per_example_norms(clipped).round(6)
array([1. , 0.5])
>>> round(dp.max_advantage(1.0, 0.0), 4)   # tanh(1/2)
0.4621
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Real

import numpy as np
from numpy.typing import NDArray

from companion._validation import (
    check_choice,
    check_positive_int,
    check_real,
    check_rng,
    check_x,
    check_y,
    describe,
)
from companion.nn import optimizers as _optimizers

__all__ = [
    "DPLog",
    "clip_factors",
    "clip_gradients",
    "dp_event",
    "epsilon",
    "fit",
    "max_advantage",
    "noisy_gradient",
    "per_example_norms",
    "poisson_sample",
    "steps_for",
]

ACCOUNTANTS = ("pld", "rdp")


# ----------------------------------------------------------------------------- validation
def _number(name: str, value: object, strict: bool = False, allow_inf: bool = False) -> float:
    """:func:`~companion._validation.check_real` (>= 0, or > 0 if ``strict``), letting ``inf``
    through where it means "no bound" (``clip_norm``, ``epsilon``).
    """
    if allow_inf and isinstance(value, Real) and not isinstance(value, bool) and value == math.inf:
        return math.inf
    return check_real(name, value, positive=strict, nonnegative=not strict)


def _rate(name: str, value: object) -> float:
    v = check_real(name, value)
    if not 0.0 < v <= 1.0:
        raise ValueError(f"{name} must be a probability in (0, 1], got {value!r}")
    return v


def _grad_list(grads: object) -> list[NDArray]:
    if isinstance(grads, np.ndarray):
        grads = [grads]
    if not isinstance(grads, Sequence) or not grads:
        raise TypeError("grads must be a non-empty list of arrays with one leading axis of length n "
                        f"(one gradient per example), got {describe(grads)}")
    arrays = [np.asarray(g) for g in grads]
    n = {a.shape[0] if a.ndim else None for a in arrays}
    if len(n) != 1 or None in n:
        raise ValueError(f"every array in grads needs the same leading axis (the examples), got shapes "
                         f"{[a.shape for a in arrays]}")
    return arrays


# ----------------------------------------------------------------------------- one step
def per_example_norms(grads: Sequence[NDArray]) -> NDArray:
    """Euclidean norm of each example's gradient over all weights together.

    .. math:: \\lVert g_i \\rVert = \\Big(\\sum_{\\text{arrays } k} \\sum_j (g^{(k)}_{i j})^2\\Big)^{1/2}

    Parameters
    ----------
    grads : list of ndarray
        Per-example gradients, one array per weight array, each with a leading axis of length ``n``
        (as :meth:`~companion.nn.model.Sequential.compute_gradients` returns with ``per_example=True``).

    Returns
    -------
    ndarray of shape (n,)
    """
    arrays = _grad_list(grads)
    n = arrays[0].shape[0]
    sq = np.zeros(n)
    for a in arrays:
        flat = a.reshape(n, -1)
        sq += np.einsum("ij,ij->i", flat, flat)
    return np.sqrt(sq)


def clip_factors(norms: NDArray, clip_norm: float) -> NDArray:
    """The factor each example's gradient is multiplied by, eq. (eq-ch5-clip).

    .. math:: c_i = \\min\\big(1,\\ C / \\lVert g_i \\rVert\\big)

    A zero gradient keeps factor 1; ``clip_norm=inf`` gives 1 everywhere (no clipping).
    """
    clip_norm = _number("clip_norm", clip_norm, strict=True, allow_inf=True)
    norms = np.asarray(norms, dtype=float)
    with np.errstate(divide="ignore"):
        return np.minimum(1.0, clip_norm / norms)  # C / 0 = inf -> 1


def clip_gradients(grads: Sequence[NDArray], clip_norm: float) -> list[NDArray]:
    """Scale every example's gradient down to norm at most ``clip_norm`` (eq-ch5-clip).

    .. math:: \\bar g_i = g_i \\, \\min\\big(1,\\ C / \\lVert g_i \\rVert\\big)
       \\tag{eq-ch5-clip}

    A gradient already shorter than :math:`C` is left as it is; a longer one keeps its direction and
    gets length :math:`C`.

    Parameters
    ----------
    grads : list of ndarray
        Per-example gradients (leading axis of length ``n``).
    clip_norm : float
        :math:`C > 0`; ``float("inf")`` disables clipping.

    Returns
    -------
    list of ndarray
        The clipped per-example gradients, same shapes.
    """
    arrays = _grad_list(grads)
    f = clip_factors(per_example_norms(arrays), clip_norm)
    return [a * f.reshape((-1,) + (1,) * (a.ndim - 1)) for a in arrays]


def noisy_gradient(
    grads: Sequence[NDArray], clip_norm: float, noise_multiplier: float, denominator: float,
    rng: np.random.Generator | int,
) -> list[NDArray]:
    """The privatised gradient of one DP-SGD step, eq. (eq-ch5-dpsgd).

    .. math::
        \\tilde g = \\frac{1}{L}\\Big(\\sum_{i \\in \\mathcal{B}} \\bar g_i
        + \\mathcal{N}\\big(0,\\ \\sigma^2 C^2 I\\big)\\Big)
        \\tag{eq-ch5-dpsgd}

    with :math:`\\bar g_i` the clipped gradients of eq. (eq-ch5-clip).  The noise is drawn from ``rng``
    (standard normals, one per weight, in the order of the arrays) *always*, even when
    :math:`\\sigma = 0` or the batch is empty, so the random stream does not depend on them.  With
    :math:`\\sigma = 0` no noise is added (also when :math:`C = \\infty`, where :math:`\\sigma C` is
    undefined), and with :math:`C = \\infty` nothing is clipped: the step is then ordinary SGD on the
    sum of the gradients divided by :math:`L`.

    Parameters
    ----------
    grads : list of ndarray
        Per-example gradients of the batch (leading axis ``n``, possibly 0).
    clip_norm : float
        :math:`C`, positive (``inf`` allowed only with ``noise_multiplier=0``).
    noise_multiplier : float
        :math:`\\sigma \\ge 0`.
    denominator : float
        :math:`L`: the *expected* batch size under Poisson sampling (a fixed number, so that the
        step does not reveal the actual batch size).
    rng : numpy.random.Generator or int

    Returns
    -------
    list of ndarray
        :math:`\\tilde g`, one array per weight array (the per-example axis summed out).
    """
    arrays = _grad_list(grads)
    clip_norm = _number("clip_norm", clip_norm, strict=True, allow_inf=True)
    sigma = _number("noise_multiplier", noise_multiplier)
    if sigma > 0 and math.isinf(clip_norm):
        raise ValueError("noise_multiplier > 0 needs a finite clip_norm (the noise has standard "
                         f"deviation noise_multiplier * clip_norm), got clip_norm={clip_norm!r}")
    denominator = _number("denominator", denominator, strict=True)
    norms = per_example_norms(arrays)
    return _privatise(arrays, clip_factors(norms, clip_norm), clip_norm, sigma, denominator, check_rng(rng))


def _privatise(arrays: list[NDArray], factors: NDArray, clip_norm: float, sigma: float,
               denominator: float, rng: np.random.Generator) -> list[NDArray]:
    """Eq. (eq-ch5-dpsgd) on validated inputs: weighted sum, noise (always drawn), division."""
    n = len(factors)
    out = []
    for a in arrays:
        noise = rng.standard_normal(a.shape[1:])
        total = (factors @ a.reshape(n, -1)).reshape(a.shape[1:]) if n else np.zeros(a.shape[1:])
        if sigma > 0:
            total = total + (sigma * clip_norm) * noise
        out.append(total / denominator)
    return out


def poisson_sample(n: int, sampling_rate: float, rng: np.random.Generator | int) -> NDArray:
    """Indices of one Poisson-sampled batch, eq. (eq-ch5-poisson).

    .. math:: i \\in \\mathcal{B} \\ \\text{independently with probability}\\ q = L/N
       \\quad (i = 1, \\ldots, N), \\qquad \\mathbb{E}\\,|\\mathcal{B}| = qN = L
       \\tag{eq-ch5-poisson}

    Draws exactly ``n`` uniforms from ``rng`` whatever the outcome.

    Returns
    -------
    ndarray of int
        Sorted indices in ``[0, n)``; may be empty.
    """
    n = check_positive_int("n", n)
    q = _rate("sampling_rate", sampling_rate)
    return np.flatnonzero(check_rng(rng).random(n) < q)


def steps_for(epochs: float, n: int, batch_size: int) -> int:
    """Number of DP-SGD steps in ``epochs`` passes over ``n`` examples at expected batch size ``batch_size``.

    :math:`T = \\lfloor E \\, N / L \\rfloor = \\lfloor E / q \\rfloor` (at least 1): each step sees
    :math:`L` examples on average, so :math:`T` steps see :math:`E` epochs' worth.

    >>> steps_for(60, 60_000, 256)
    14062
    """
    epochs = _number("epochs", epochs, strict=True)
    n = check_positive_int("n", n)
    batch_size = check_positive_int("batch_size", batch_size)
    return max(1, int(epochs * n // batch_size))


# ----------------------------------------------------------------------------- training
@dataclass
class DPLog:
    """What :func:`fit` did: the settings the privacy budget depends on, and per-step records.

    Attributes
    ----------
    steps : int
    sampling_rate : float
        :math:`q = L/N`.
    noise_multiplier, clip_norm : float
    batch_sizes : ndarray of int
        Size of each Poisson batch.
    clipped_fraction : ndarray
        Fraction of each batch whose gradient was longer than :math:`C` (nan for an empty batch).
    loss : ndarray
        Mean loss of each batch before its step (nan for an empty batch).
    """

    steps: int
    sampling_rate: float
    noise_multiplier: float
    clip_norm: float
    batch_sizes: NDArray = field(repr=False)
    clipped_fraction: NDArray = field(repr=False)
    loss: NDArray = field(repr=False)

    def epsilon(self, delta: float = 1e-5, accountant: str = "pld") -> float:
        """:math:`\\varepsilon` of this run at ``delta`` (see :func:`epsilon`)."""
        return epsilon(self.noise_multiplier, self.sampling_rate, self.steps, delta, accountant)


def fit(
    model, x: NDArray, y: NDArray, *, epochs: float, batch_size: int, clip_norm: float,
    noise_multiplier: float, optimizer: _optimizers.Optimizer | None = None, learning_rate: float = 0.1,
    seed: int | np.random.Generator = 0,
) -> DPLog:
    """Train ``model`` with DP-SGD: Poisson batches, per-example clipping, Gaussian noise.

    Runs :func:`steps_for` ``(epochs, N, batch_size)`` steps; step :math:`t` draws the batch
    (eq-ch5-poisson), computes its per-example gradients, forms :math:`\\tilde g` (eq-ch5-dpsgd) and
    lets ``optimizer`` apply it to the model's weights.  The random stream of ``seed`` gives, per step,
    first the ``N`` uniforms of the batch and then the standard normals of the noise.

    Parameters
    ----------
    model : Sequential
        Built and compiled (its loss is used; its own optimizer is not).
    x, y : array_like
        The whole training set (``N`` examples).
    epochs : float
        Expected passes over the data.
    batch_size : int
        Expected batch size :math:`L`; the sampling rate is :math:`q = L/N`.
    clip_norm, noise_multiplier : float
        :math:`C` and :math:`\\sigma`.  ``noise_multiplier=0, clip_norm=inf`` is plain SGD on Poisson
        batches (no privacy).
    optimizer : Optimizer, optional
        Applied to :math:`\\tilde g`; default ``SGD(learning_rate)``.  Any optimizer keeps the privacy
        guarantee (it only post-processes the privatised gradients).
    learning_rate : float, default 0.1
        Used only when ``optimizer`` is None.
    seed : int or numpy.random.Generator, default 0
        Source of the batches and the noise.

    Returns
    -------
    DPLog

    Raises
    ------
    ValueError, TypeError
        For bad arguments, before anything changes.
    FloatingPointError
        If a batch's loss becomes NaN or infinite (the weights keep the last good step).
    """
    from companion.nn.model import Sequential

    if not isinstance(model, Sequential):
        raise TypeError(f"model must be an nn.Sequential, got {describe(model)}")
    batch_size = check_positive_int("batch_size", batch_size)
    clip_norm = _number("clip_norm", clip_norm, strict=True, allow_inf=True)
    sigma = _number("noise_multiplier", noise_multiplier)
    if sigma > 0 and math.isinf(clip_norm):
        raise ValueError("noise_multiplier > 0 needs a finite clip_norm, got clip_norm=inf")
    if optimizer is None:
        optimizer = _optimizers.SGD(learning_rate)
    elif not isinstance(optimizer, _optimizers.Optimizer):
        raise TypeError(f"optimizer must be an nn.optimizers.Optimizer, got {describe(optimizer)}")
    if model.loss is None or not model.built:
        raise ValueError("DP-SGD needs a built and compiled model: give the first layer input_shape "
                         "and call model.compile(optimizer=..., loss=...) first")
    x = check_x(x, model.input_dim, model.dtype)
    y = check_y(y, len(x), model.output_dim, model.loss.sparse, model.dtype)
    n = len(x)
    if batch_size > n:
        raise ValueError(f"batch_size (the expected batch size) must be at most the {n} examples, "
                         f"got {batch_size}")
    steps = steps_for(epochs, n, batch_size)
    q = batch_size / n
    rng = check_rng(seed, "seed")
    weights = model.weights  # views into the model: the optimizer updates them in place
    sizes = np.zeros(steps, dtype=np.int64)
    clipped = np.full(steps, np.nan)
    losses = np.full(steps, np.nan)
    for t in range(steps):
        idx = np.flatnonzero(rng.random(n) < q)  # eq-ch5-poisson, n uniforms every step
        sizes[t] = len(idx)
        if len(idx):
            loss, grads = model.compute_gradients(x[idx], y[idx], per_example=True)
            if not math.isfinite(loss):
                raise FloatingPointError(
                    f"DP-SGD: the loss became {loss} at step {t + 1} of {steps}; the weights are those "
                    "of the last step (try a smaller learning rate or clip_norm)")
            losses[t] = loss
            norms = per_example_norms(grads)
            clipped[t] = float(np.mean(norms > clip_norm))
        else:
            grads = [np.zeros((0,) + w.shape, dtype=model.dtype) for w in weights]
            norms = np.zeros(0)
        g = _privatise(grads, clip_factors(norms, clip_norm), clip_norm, sigma, batch_size, rng)
        optimizer.apply([gi.astype(model.dtype, copy=False) for gi in g], weights)
    return DPLog(steps, q, sigma, clip_norm, sizes, clipped, losses)


# ----------------------------------------------------------------------------- accounting
def dp_event(noise_multiplier: float, sampling_rate: float, steps: int):
    """The ``dp-accounting`` event of a DP-SGD run: ``steps`` compositions of a Poisson-sampled Gaussian.

    ``SelfComposedDpEvent(PoissonSampledDpEvent(q, GaussianDpEvent(sigma)), steps)``: the Gaussian
    mechanism with noise multiplier :math:`\\sigma` (sensitivity 1 after clipping), applied to a
    Poisson sample of rate :math:`q`, ``steps`` times.
    """
    import dp_accounting

    sigma = _number("noise_multiplier", noise_multiplier)
    q = _rate("sampling_rate", sampling_rate)
    steps = check_positive_int("steps", steps)
    event = dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma))
    return dp_accounting.SelfComposedDpEvent(event, steps)


def epsilon(
    noise_multiplier: float, sampling_rate: float, steps: int, delta: float = 1e-5,
    accountant: str = "pld", value_discretization_interval: float = 1e-4,
) -> float:
    """The :math:`\\varepsilon` of a DP-SGD run at a given :math:`\\delta`, eq. (eq-ch5-dp).

    A mechanism :math:`M` is :math:`(\\varepsilon, \\delta)`-differentially private if for every pair
    of data sets :math:`D, D'` that differ by adding or removing one example, and every set of outcomes
    :math:`S`,

    .. math:: \\Pr[M(D) \\in S] \\le e^{\\varepsilon} \\Pr[M(D') \\in S] + \\delta .
       \\tag{eq-ch5-dp}

    This returns the smallest such :math:`\\varepsilon` that the accountant can certify for
    :func:`dp_event` ``(noise_multiplier, sampling_rate, steps)``.

    Parameters
    ----------
    noise_multiplier : float
        :math:`\\sigma`; 0 gives ``inf``.
    sampling_rate : float
        :math:`q` in (0, 1].
    steps : int
    delta : float, default 1e-5
    accountant : {"pld", "rdp"}, default "pld"
        ``"pld"``: the privacy-loss-distribution accountant, which composes the distribution of the
        privacy loss numerically (pessimistic discretisation: an upper bound, tight up to the
        discretisation).  ``"rdp"``: the Rényi-DP accountant, which composes Rényi divergences exactly
        and then converts them to :math:`(\\varepsilon, \\delta)` with an inequality that loses a little:
        a valid but larger :math:`\\varepsilon`.
    value_discretization_interval : float, default 1e-4
        PLD only: the grid of privacy-loss values (the library's default); coarser is faster and
        gives a slightly larger (still valid) :math:`\\varepsilon`.

    Returns
    -------
    float
    """
    sigma = _number("noise_multiplier", noise_multiplier)
    delta = _number("delta", delta, strict=True)
    if not delta < 1:
        raise ValueError(f"delta must be in (0, 1), got {delta!r}")
    check_choice("accountant", accountant, ACCOUNTANTS)
    event = dp_event(noise_multiplier, sampling_rate, steps)
    if sigma == 0:
        return math.inf
    if accountant == "rdp":
        from dp_accounting.rdp import RdpAccountant

        acc = RdpAccountant()
    else:
        from dp_accounting.pld import PLDAccountant

        interval = _number("value_discretization_interval", value_discretization_interval, strict=True)
        acc = PLDAccountant(value_discretization_interval=interval)
    logger = logging.getLogger("absl")
    logger.addFilter(_quiet_rdp_orders)
    try:
        acc.compose(event)
        return float(acc.get_epsilon(delta))
    finally:
        logger.removeFilter(_quiet_rdp_orders)


def _quiet_rdp_orders(record: logging.LogRecord) -> bool:
    """Drop the RDP accountant's note that a fractional order's series did not converge.

    For large sampling rates and small noise the library cannot evaluate a few fractional Rényi
    orders; it logs a warning (to stderr) and leaves those orders out.  The epsilon it returns is then
    the minimum over the remaining orders, still a valid bound, so the note is noise for the reader.
    Every other message of the library passes.
    """
    return "failed to converge" not in record.getMessage()


def max_advantage(epsilon: float, delta: float = 0.0) -> float:
    """The largest membership advantage any test can have against an :math:`(\\varepsilon, \\delta)`-DP model.

    A test that must tell whether the model was trained on :math:`D` or on :math:`D'` (one example
    added or removed) has true- and false-positive rates bound by eq. (eq-ch5-dp) in both directions,
    :math:`\\mathrm{TPR} \\le e^{\\varepsilon}\\mathrm{FPR} + \\delta` and
    :math:`1 - \\mathrm{FPR} \\le e^{\\varepsilon}(1 - \\mathrm{TPR}) + \\delta` (Kairouz et al. 2015,
    Theorem 2.1).  Maximising :math:`\\mathrm{TPR} - \\mathrm{FPR}` over that region gives

    .. math:: \\mathrm{Adv} \\le \\frac{e^{\\varepsilon} - 1 + 2\\delta}{e^{\\varepsilon} + 1}
       \\tag{eq-ch5-adv-bound}

    which is :math:`\\tanh(\\varepsilon/2)` for :math:`\\delta = 0`, and at most 1.

    >>> round(max_advantage(0.0, 0.0), 6), round(max_advantage(2.0, 1e-5), 4)
    (0.0, 0.7616)
    """
    eps = _number("epsilon", epsilon, allow_inf=True)
    delta = _number("delta", delta)
    if not delta <= 1:
        raise ValueError(f"delta must be in [0, 1], got {delta!r}")
    if math.isinf(eps):
        return 1.0
    return min(1.0, (math.expm1(eps) + 2 * delta) / (math.exp(eps) + 1))
