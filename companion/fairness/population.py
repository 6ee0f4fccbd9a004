"""The chapter's synthetic population (eq. ``eq-ch5-fair-population``), its classifier and the
gap in log-odds between its groups (eq. ``eq-ch5-fair-logit-gap``).

scikit-learn is imported when :func:`logistic_model` builds a model, not with this module.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Hashable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_positive_int, check_seed
from companion.fairness._checks import group_labels, nonnegative, probability

if TYPE_CHECKING:  # scikit-learn is imported only when a model is built
    from sklearn.linear_model import LogisticRegression

__all__ = [
    "FEATURES",
    "Population",
    "base_rates",
    "logistic_model",
    "logit_gap",
    "make_population",
    "make_split",
]


#: Columns of :attr:`Population.X`, in order.
FEATURES: tuple[str, ...] = ("score", "credential", "proxy", "group")


class Population(NamedTuple):
    """A sample of the synthetic population of :func:`make_population`.

    Attributes
    ----------
    X : ndarray of shape (n, 4)
        The features, columns named by ``FEATURES``: score, credential, proxy, group (0 or 1).
    y : ndarray of shape (n,)
        The outcome, 0 or 1.
    group : ndarray of shape (n,)
        The group, 0 (A, the majority) or 1 (B, the minority); the same as ``X[:, 3]`` as integers.
    """

    X: NDArray[np.float64]
    y: NDArray[np.int64]
    group: NDArray[np.int64]


def make_population(n: int, *, minority_share: float = 0.2, shift: float = 1.0,
                    score_noise: float = 1.0, credential_noise: float = 0.75,
                    proxy_noise: float = 0.25, outcome_noise: float = 0.5,
                    seed: int = 0) -> Population:
    r"""Draw ``n`` people from the chapter's synthetic population (eq. ``eq-ch5-fair-population``).

    The generative process, with independent standard normal :math:`\varepsilon_1, \dots, \varepsilon_4`:

    .. math::

        g &\sim \operatorname{Bernoulli}(\pi), \qquad u \sim \mathcal N(-\Delta g,\, 1), \\
        x_\text{score} &= u + \sigma_s \varepsilon_1, \\
        x_\text{credential} &= (1 - g)\, u + g\, u' + \sigma_c \varepsilon_2,
            \qquad u' \sim \mathcal N(-\Delta, 1) \text{ independent of } u, \\
        x_\text{proxy} &= g + \sigma_p \varepsilon_3, \\
        y &= \mathbb 1[\, u + \sigma_y \varepsilon_4 > 0 \,].

    Group B (:math:`g = 1`) is a share :math:`\pi` of the population (under-represented for
    :math:`\pi < 1/2`).  The unobserved qualification :math:`u`, and with it the score, is shifted by
    :math:`-\Delta` in group B, so the groups' base rates differ (:func:`base_rates`).  The credential
    tracks :math:`u` in group A only; in group B it has the same distribution as :math:`u` but says
    nothing about it (a test validated on the majority).  The proxy (a postcode, say) says much about
    the group and nothing else.

    Parameters
    ----------
    n : int
        Number of people, at least 1.
    minority_share : float, default 0.2
        :math:`\pi`, the expected share of group B, in (0, 1).
    shift : float, default 1.0
        :math:`\Delta \ge 0`, how far group B's qualification (and score) is shifted down.
    score_noise, credential_noise, proxy_noise, outcome_noise : float, default 1.0, 0.75, 0.25, 0.5
        :math:`\sigma_s, \sigma_c, \sigma_p, \sigma_y \ge 0`, the noise of each measurement and of
        the outcome.
    seed : int, default 0
        Seed of the NumPy generator that draws the sample.

    Returns
    -------
    Population
        ``X`` (n, 4) float64 with columns ``FEATURES``, ``y`` and ``group`` (n,) int64.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``n < 1``, ``minority_share`` is not in (0, 1) or a noise or the shift is negative.

    See Also
    --------
    make_split : a training and a test sample from one seed.

    Examples
    --------
    >>> pop = make_population(5, seed=0)
    >>> pop.X.shape, pop.y.shape, pop.group.tolist() == pop.X[:, 3].astype(int).tolist()
    ((5, 4), (5,), True)
    """
    params = _population_params(minority_share, shift, score_noise, credential_noise,
                                proxy_noise, outcome_noise)
    return _draw(np.random.default_rng(check_seed(seed)), _check_n("n", n), *params)


def make_split(n_train: int, n_test: int, *, seed: int = 0,
               **settings: float) -> tuple[Population, Population]:
    """A training and a test sample of the population of :func:`make_population`, from one seed.

    Both are drawn, one after the other, from one generator seeded with ``seed``: the training sample
    is the one ``make_population(n_train, seed=seed, **settings)`` returns, and the test sample is
    independent of it.

    Parameters
    ----------
    n_train, n_test : int
        Sizes of the two samples.
    seed : int, default 0
        Seed of the generator.
    **settings : float
        Keyword arguments of :func:`make_population` (``minority_share``, ``shift``, the noises).

    Returns
    -------
    tuple of Population
        ``(train, test)``.

    Examples
    --------
    >>> train, test = make_split(3, 2, seed=1)
    >>> len(train.y), len(test.y), bool((train.X == make_population(3, seed=1).X).all())
    (3, 2, True)
    """
    defaults = inspect.signature(make_population).parameters
    names = [k for k in defaults if k not in ("n", "seed")]
    unknown = sorted(set(settings) - set(names))
    if unknown:
        raise TypeError(f"unknown setting(s) {unknown}; make_population takes {names}")
    params = _population_params(*(settings.get(k, defaults[k].default) for k in names))
    n_train, n_test = _check_n("n_train", n_train), _check_n("n_test", n_test)
    rng = np.random.default_rng(check_seed(seed))
    return _draw(rng, n_train, *params), _draw(rng, n_test, *params)


def _check_n(name: str, n: object) -> int:
    return check_positive_int(name, n)


def _population_params(minority_share: object, shift: object, score_noise: object,
                       credential_noise: object, proxy_noise: object,
                       outcome_noise: object) -> tuple[float, ...]:
    pi = probability("minority_share", minority_share, open_low=True, open_high=True)
    noises = tuple(nonnegative(name, v) for name, v in (
        ("shift", shift), ("score_noise", score_noise), ("credential_noise", credential_noise),
        ("proxy_noise", proxy_noise), ("outcome_noise", outcome_noise)))
    return (pi, *noises)


def _draw(rng: np.random.Generator, n: int, pi: float, delta: float, s_s: float, s_c: float,
          s_p: float, s_y: float) -> Population:
    """Eq. ``eq-ch5-fair-population`` with validated parameters, from ``rng``."""
    g = (rng.random(n) < pi).astype(np.int64)
    u = rng.normal(-delta * g, 1.0)
    score = u + s_s * rng.standard_normal(n)
    unrelated = rng.normal(-delta * g, 1.0)
    credential = np.where(g == 1, unrelated, u) + s_c * rng.standard_normal(n)
    proxy = g + s_p * rng.standard_normal(n)
    y = (u + s_y * rng.standard_normal(n) > 0).astype(np.int64)
    X = np.column_stack([score, credential, proxy, g.astype(np.float64)])
    return Population(X, y, g)


def base_rates(*, shift: float = 1.0, outcome_noise: float = 0.5) -> tuple[float, float]:
    r"""The share of positives :math:`P(y = 1 \mid g)` in groups A and B of :func:`make_population`
    (eq. ``eq-ch5-fair-base-rates``).

    From eq. ``eq-ch5-fair-population``,
    :math:`u + \sigma_y\varepsilon_4 \sim \mathcal N(-\Delta g,\, 1 + \sigma_y^2)`, so

    .. math::

        P(y = 1 \mid g) = \Phi\!\left(\frac{-\Delta g}{\sqrt{1 + \sigma_y^2}}\right),

    with :math:`\Phi` the standard normal distribution function: 1/2 in group A.

    Parameters
    ----------
    shift, outcome_noise : float
        :math:`\Delta` and :math:`\sigma_y` as in :func:`make_population`.

    Returns
    -------
    tuple of float
        The base rates of group A (``g = 0``) and group B (``g = 1``).

    Examples
    --------
    >>> base_rates(shift=0.0)
    (0.5, 0.5)
    """
    delta = nonnegative("shift", shift)
    s_y = nonnegative("outcome_noise", outcome_noise)
    z = -delta / math.sqrt(1.0 + s_y**2)
    return 0.5, 0.5 * math.erfc(-z / math.sqrt(2.0))


def logistic_model() -> LogisticRegression:
    """The chapter's classifier: unpenalised logistic regression fitted by Newton's method.

    ``sklearn.linear_model.LogisticRegression(C=inf, solver="newton-cholesky", tol=1e-10)``.
    Newton's method converges to the unique optimum in a handful of steps (quadratically), so the
    fitted weights agree across machines far beyond the digits a table shows; without a penalty, the
    optimum makes the mean predicted probability equal the share of positives in every group whose
    indicator is a feature (the score equations of the intercept and that column).

    Returns
    -------
    sklearn.linear_model.LogisticRegression
        An unfitted estimator.
    """
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10)


def logit_gap(coef: ArrayLike, X: ArrayLike, group: ArrayLike, *, reference: Hashable = 0,
              other: Hashable = 1) -> NDArray[np.float64]:
    r"""How much each feature of a linear model adds to the gap in mean log-odds between two groups
    (eq. ``eq-ch5-fair-logit-gap``).

    A logistic model scores :math:`z = \beta_0 + \sum_j \beta_j x_j` (the log-odds). Averaged over
    each group, the intercept cancels from the difference and

    .. math::

        \bar z_\text{other} - \bar z_\text{reference}
        = \sum_j \underbrace{\beta_j\,\big(\bar x_{\text{other},j}
          - \bar x_{\text{reference},j}\big)}_{\text{contribution of feature } j},

    so the contributions show whether the gap comes through, say, a score or through the group
    column and its proxies.

    Parameters
    ----------
    coef : array_like of shape (d,)
        The weights :math:`\beta_1, \dots, \beta_d` (``model.coef_[0]`` for scikit-learn).
    X : array_like of shape (n, d)
        The features the means are taken over.
    group : array_like of shape (n,)
        The group of every row.
    reference, other : hashable, default 0 and 1
        The two groups compared.

    Returns
    -------
    ndarray of shape (d,)
        The contribution of every feature; their sum is the gap in mean log-odds.

    Examples
    --------
    >>> logit_gap([2.0, -1.0], [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [2.0, 1.0]], [0, 0, 1, 1]).tolist()
    [2.0, -1.0]
    """
    x = np.asarray(X, dtype=np.float64)
    b = np.asarray(coef, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"X must be two-dimensional, got shape {x.shape}")
    if b.shape != (x.shape[1],):
        raise ValueError(f"coef has shape {b.shape}, but X has {x.shape[1]} features")
    g = group_labels(group, len(x))
    for name, value in (("reference", reference), ("other", other)):
        if not (g == value).any():
            raise ValueError(f"{name} group {value!r} does not occur in group")
    return b * (x[g == other].mean(axis=0) - x[g == reference].mean(axis=0))
