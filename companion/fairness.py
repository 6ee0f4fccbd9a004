"""Bias and fairness: a transparent synthetic population, group metrics and two mitigations.

Everything here works on NumPy arrays of 0/1 labels and predictions and a group attribute (any
values that can be compared for equality, such as ``0``/``1`` or ``"A"``/``"B"``).  The metrics
follow the definitions of ``fairlearn`` (tested to agree with it in ``tests/test_fairness.py``):

* :func:`by_group` evaluates a metric inside every group (eq. ``eq-ch5-fair-rates``), with
  :func:`accuracy`, :func:`selection_rate`, :func:`true_positive_rate`,
  :func:`false_positive_rate` and :func:`positive_predictive_value`;
* :func:`demographic_parity_difference`, :func:`equal_opportunity_difference` and
  :func:`equalized_odds_difference` reduce them to one number: the largest gap between groups;
* :func:`make_population` and :func:`make_split` draw the synthetic population of the chapter
  (eq. ``eq-ch5-fair-population``), whose base rates :func:`base_rates` gives;
* :func:`logistic_model` is the chapter's classifier and :func:`logit_gap` splits its gap in log-odds
  between the groups into one term per feature (eq. ``eq-ch5-fair-logit-gap``);
* :func:`reweighing_weights` and :func:`group_thresholds` / :func:`threshold_predict` are the two
  mitigations (eqs. ``eq-ch5-fair-reweighing`` and ``eq-ch5-fair-thresholds``);
  :func:`compare_mitigations` and :func:`representation_curve` run the chapter's experiments;
* :func:`implied_false_positive_rate` is Chouldechova's identity behind the impossibility result
  (eq. ``eq-ch5-fair-chouldechova``).

Only NumPy is imported with the module; scikit-learn when a model is built.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_positive_int, check_real, check_seed, describe

if TYPE_CHECKING:  # scikit-learn is imported only when a model is built
    from sklearn.linear_model import LogisticRegression

__all__ = [
    "FEATURES",
    "MITIGATIONS",
    "Population",
    "accuracy",
    "base_rates",
    "by_group",
    "compare_mitigations",
    "demographic_parity_difference",
    "equal_opportunity_difference",
    "equalized_odds_difference",
    "fairness_summary",
    "false_positive_rate",
    "group_thresholds",
    "implied_false_positive_rate",
    "logistic_model",
    "logit_gap",
    "make_population",
    "make_split",
    "positive_predictive_value",
    "representation_curve",
    "reweighing_weights",
    "selection_rate",
    "threshold_predict",
    "true_positive_rate",
]

#: Columns of :attr:`Population.X`, in order.
FEATURES: tuple[str, ...] = ("score", "credential", "proxy", "group")


# --- validation at the public boundary ------------------------------------------------------------

def _py(value: object) -> object:
    """A NumPy scalar as the Python scalar it holds (for dict keys and messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _binary(name: str, values: ArrayLike) -> NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold 0/1 numbers, got an array of dtype {arr.dtype}")
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        first = _py(arr[bad][0])
        raise ValueError(f"{name} must hold only 0 and 1, got {first!r} ({int(bad.sum())} such values)")
    return arr.astype(np.int64)


def _group(values: ArrayLike, n: int) -> NDArray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"group must be one-dimensional, got shape {arr.shape}")
    if len(arr) != n:
        raise ValueError(f"group has {len(arr)} entries, but the labels have {n}")
    return arr


def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    t, p = _binary("y_true", y_true), _binary("y_pred", y_pred)
    if len(t) != len(p):
        raise ValueError(f"y_true has {len(t)} entries, but y_pred has {len(p)}")
    if len(t) == 0:
        raise ValueError("y_true and y_pred are empty")
    return t, p


def _probability(name: str, value: object, *, open_low: bool = False, open_high: bool = False) -> float:
    # check_real, then the interval: [0, 1], (0, 1), (0, 1] or [0, 1)
    v = check_real(name, value)
    low_ok = v > 0 if open_low else v >= 0
    high_ok = v < 1 if open_high else v <= 1
    if not (low_ok and high_ok):
        interval = ("(" if open_low else "[") + "0, 1" + (")" if open_high else "]")
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return v


def _nonnegative(name: str, value: object) -> float:
    return check_real(name, value, nonnegative=True)


# --- the synthetic population ---------------------------------------------------------------------

class Population(NamedTuple):
    """A sample of the synthetic population of :func:`make_population`.

    Attributes
    ----------
    X : ndarray of shape (n, 4)
        The features, columns named by :data:`FEATURES`: score, credential, proxy, group (0 or 1).
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
        ``X`` (n, 4) float64 with columns :data:`FEATURES`, ``y`` and ``group`` (n,) int64.

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
    pi = _probability("minority_share", minority_share, open_low=True, open_high=True)
    noises = tuple(_nonnegative(name, v) for name, v in (
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
    r"""The share of positives :math:`P(y = 1 \mid g)` in groups A and B of :func:`make_population` (eq. ``eq-ch5-fair-base-rates``).

    From eq. ``eq-ch5-fair-population``, :math:`u + \sigma_y\varepsilon_4 \sim \mathcal N(-\Delta g,\, 1 + \sigma_y^2)`, so

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
    delta = _nonnegative("shift", shift)
    s_y = _nonnegative("outcome_noise", outcome_noise)
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
    r"""How much each feature of a linear model adds to the gap in mean log-odds between two groups (eq. ``eq-ch5-fair-logit-gap``).

    A logistic model scores :math:`z = \beta_0 + \sum_j \beta_j x_j` (the log-odds). Averaged over
    each group, the intercept cancels from the difference and

    .. math::

        \bar z_\text{other} - \bar z_\text{reference}
        = \sum_j \underbrace{\beta_j\,\big(\bar x_{\text{other},j} - \bar x_{\text{reference},j}\big)}_{\text{contribution of feature } j},

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
    g = _group(group, len(x))
    for name, value in (("reference", reference), ("other", other)):
        if not (g == value).any():
            raise ValueError(f"{name} group {value!r} does not occur in group")
    return b * (x[g == other].mean(axis=0) - x[g == reference].mean(axis=0))


# --- metrics --------------------------------------------------------------------------------------

def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Share of correct predictions, :math:`\frac1n \sum_i \mathbb 1[\hat y_i = y_i]`.

    Examples
    --------
    >>> accuracy([1, 0, 1, 1], [1, 1, 1, 0])
    0.5
    """
    t, p = _pair(y_true, y_pred)
    return float(np.mean(t == p))


def selection_rate(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Share of positive predictions, :math:`\mathrm{SR} = \frac1n \sum_i \hat y_i` (``y_true`` is unused).

    It takes ``y_true`` so that every metric of this module has the same signature, as in fairlearn.

    Examples
    --------
    >>> selection_rate([0, 0, 1, 1], [1, 0, 0, 0])
    0.25
    """
    _, p = _pair(y_true, y_pred)
    return float(np.mean(p))


def _conditional_rate(name: str, p: NDArray, condition: NDArray, what: str) -> float:
    if not condition.any():
        raise ValueError(f"{name} is undefined: there are no {what} in y_true")
    return float(np.mean(p[condition]))


def true_positive_rate(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Share of the positives predicted positive, :math:`\mathrm{TPR} = P(\hat y = 1 \mid y = 1)`.

    Raises
    ------
    ValueError
        If ``y_true`` has no positives (the rate is undefined; fairlearn returns 0 there).

    Examples
    --------
    >>> true_positive_rate([1, 1, 0, 0], [1, 0, 1, 0])
    0.5
    """
    t, p = _pair(y_true, y_pred)
    return _conditional_rate("the true-positive rate", p, t == 1, "positives")


def false_positive_rate(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Share of the negatives predicted positive, :math:`\mathrm{FPR} = P(\hat y = 1 \mid y = 0)`.

    Raises
    ------
    ValueError
        If ``y_true`` has no negatives.

    Examples
    --------
    >>> false_positive_rate([1, 0, 0, 0], [1, 1, 0, 0])
    0.3333333333333333
    """
    t, p = _pair(y_true, y_pred)
    return _conditional_rate("the false-positive rate", p, t == 0, "negatives")


def positive_predictive_value(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Share of the positive predictions that are right, :math:`\mathrm{PPV} = P(y = 1 \mid \hat y = 1)`.

    Raises
    ------
    ValueError
        If ``y_pred`` has no positives.

    Examples
    --------
    >>> positive_predictive_value([1, 0, 1, 0], [1, 1, 1, 0])
    0.6666666666666666
    """
    t, p = _pair(y_true, y_pred)
    if not p.any():
        raise ValueError("the positive predictive value is undefined: there are no positives in y_pred")
    return float(np.mean(t[p == 1]))


Metric = Callable[[ArrayLike, ArrayLike], float]


def by_group(metric: Metric, y_true: ArrayLike, y_pred: ArrayLike,
             group: ArrayLike) -> dict[Hashable, float]:
    r"""A metric evaluated inside every group (eq. ``eq-ch5-fair-rates``).

    For group :math:`a` with members :math:`G_a = \{i : g_i = a\}`, for example

    .. math::

        \mathrm{acc}_a = \frac{1}{|G_a|}\sum_{i \in G_a} \mathbb 1[\hat y_i = y_i], \quad
        \mathrm{SR}_a = \frac{1}{|G_a|}\sum_{i \in G_a} \hat y_i, \quad
        \mathrm{TPR}_a = \frac{\sum_{i \in G_a} \hat y_i\, y_i}{\sum_{i \in G_a} y_i}, \quad
        \mathrm{FPR}_a = \frac{\sum_{i \in G_a} \hat y_i\, (1 - y_i)}{\sum_{i \in G_a} (1 - y_i)}.

    This is ``fairlearn.metrics.MetricFrame(metrics=metric, ...).by_group``, as a dict.

    Parameters
    ----------
    metric : callable
        ``metric(y_true, y_pred) -> float``, such as :func:`accuracy` or :func:`selection_rate`.
    y_true, y_pred : array_like of 0/1
        Labels and predictions, same length.
    group : array_like
        The group of every entry, same length.

    Returns
    -------
    dict
        ``{group value: metric inside that group}``, groups in sorted order, values Python scalars.

    Examples
    --------
    >>> by_group(selection_rate, [0, 1, 0, 1], [1, 1, 0, 1], ["A", "A", "B", "B"])
    {'A': 1.0, 'B': 0.5}
    """
    if not callable(metric):
        raise TypeError(f"metric must be callable, got {describe(metric)}")
    t, p = _pair(y_true, y_pred)
    g = _group(group, len(t))
    return {_py(k): float(metric(t[g == k], p[g == k])) for k in np.unique(g)}


def _spread(values: dict[Hashable, float]) -> float:
    return float(max(values.values()) - min(values.values()))


def demographic_parity_difference(y_true: ArrayLike, y_pred: ArrayLike, group: ArrayLike) -> float:
    r"""The largest gap in selection rate between groups (eq. ``eq-ch5-fair-dp``).

    .. math::

        \Delta_\text{DP} = \max_a \mathrm{SR}_a - \min_a \mathrm{SR}_a.

    Zero when every group is selected at the same rate, whatever the labels. As
    ``fairlearn.metrics.demographic_parity_difference`` (``method="between_groups"``).

    Examples
    --------
    >>> demographic_parity_difference([0, 1, 0, 1], [1, 1, 0, 1], [0, 0, 1, 1])
    0.5
    """
    return _spread(by_group(selection_rate, y_true, y_pred, group))


def equal_opportunity_difference(y_true: ArrayLike, y_pred: ArrayLike, group: ArrayLike) -> float:
    r"""The largest gap in true-positive rate between groups (eq. ``eq-ch5-fair-eo``).

    .. math::

        \Delta_\text{EOpp} = \max_a \mathrm{TPR}_a - \min_a \mathrm{TPR}_a.

    Zero when the qualified (``y = 1``) are selected at the same rate in every group (Hardt et al.,
    2016). As ``fairlearn.metrics.equal_opportunity_difference``.

    Raises
    ------
    ValueError
        If a group has no positives.

    Examples
    --------
    >>> equal_opportunity_difference([1, 1, 1, 1], [1, 1, 0, 1], [0, 0, 1, 1])
    0.5
    """
    return _spread(by_group(true_positive_rate, y_true, y_pred, group))


def equalized_odds_difference(y_true: ArrayLike, y_pred: ArrayLike, group: ArrayLike) -> float:
    r"""The larger of the gaps in true- and false-positive rate between groups (eq. ``eq-ch5-fair-eodds``).

    .. math::

        \Delta_\text{EOdds} = \max\!\big(\max_a \mathrm{TPR}_a - \min_a \mathrm{TPR}_a,\;
                                          \max_a \mathrm{FPR}_a - \min_a \mathrm{FPR}_a\big).

    Zero when the classifier's errors are independent of the group given the label. As
    ``fairlearn.metrics.equalized_odds_difference`` (``agg="worst_case"``).

    Raises
    ------
    ValueError
        If a group has no positives or no negatives.

    Examples
    --------
    >>> equalized_odds_difference([1, 0, 1, 0], [1, 1, 1, 0], [0, 0, 1, 1])
    1.0
    """
    return max(_spread(by_group(true_positive_rate, y_true, y_pred, group)),
               _spread(by_group(false_positive_rate, y_true, y_pred, group)))


def fairness_summary(y_true: ArrayLike, y_pred: ArrayLike, group: ArrayLike) -> dict[str, float]:
    """Accuracy, the per-group accuracy and selection rate, and the three differences, in one dict.

    Keys: ``accuracy``, ``accuracy_<a>`` and ``selection_rate_<a>`` for every group ``a``,
    ``demographic_parity``, ``equal_opportunity``, ``equalized_odds`` (the differences of eqs.
    ``eq-ch5-fair-dp``, ``eq-ch5-fair-eo`` and ``eq-ch5-fair-eodds``).

    Examples
    --------
    >>> fairness_summary([1, 0, 1, 0], [1, 0, 0, 0], [0, 0, 1, 1])["demographic_parity"]
    0.5
    """
    out = {"accuracy": accuracy(y_true, y_pred)}
    for name, metric in (("accuracy", accuracy), ("selection_rate", selection_rate)):
        out.update({f"{name}_{k}": v for k, v in by_group(metric, y_true, y_pred, group).items()})
    out["demographic_parity"] = demographic_parity_difference(y_true, y_pred, group)
    out["equal_opportunity"] = equal_opportunity_difference(y_true, y_pred, group)
    out["equalized_odds"] = equalized_odds_difference(y_true, y_pred, group)
    return out


# --- mitigation -----------------------------------------------------------------------------------

def reweighing_weights(y: ArrayLike, group: ArrayLike) -> NDArray[np.float64]:
    r"""Kamiran and Calders' reweighing: weights that make label and group independent (eq. ``eq-ch5-fair-reweighing``).

    Every example of group :math:`a` and label :math:`c` gets the weight

    .. math::

        w(a, c) = \frac{\hat P(g = a)\, \hat P(y = c)}{\hat P(g = a,\, y = c)}
                = \frac{n_a\, n_c}{n\, n_{a c}},

    the frequency the cell would have if group and label were independent, over the frequency it
    has. In the weighted data every group has the overall share of positives, and the weights sum to
    :math:`n`.

    Parameters
    ----------
    y : array_like of 0/1
        Training labels.
    group : array_like
        The group of every example, same length.

    Returns
    -------
    ndarray of shape (n,)
        The weight of every example (pass as ``sample_weight`` to ``fit``).

    Examples
    --------
    >>> reweighing_weights([1, 1, 1, 0, 1, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]).tolist()
    [0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0, 2.0, 0.6666666666666666, 0.6666666666666666, 0.6666666666666666]
    """
    t = _binary("y", y)
    if len(t) == 0:
        raise ValueError("y is empty")
    g = _group(group, len(t))
    w = np.empty(len(t))
    n = len(t)
    for a in np.unique(g):
        in_a = g == a
        for c in (0, 1):
            cell = in_a & (t == c)
            if cell.any():
                w[cell] = in_a.sum() * (t == c).sum() / (n * cell.sum())
    return w


def _rank_thresholds(scores: NDArray, k: NDArray) -> NDArray:
    """Thresholds that select the top ``k`` of ``scores`` (by ``scores >= t``), for each entry of k."""
    ordered = np.sort(scores)[::-1]
    padded = np.concatenate([[np.inf], ordered])
    return padded[k]


def group_thresholds(scores: ArrayLike, y_true: ArrayLike, group: ArrayLike, *,
                     constraint: Literal["demographic_parity", "equal_opportunity"] = "demographic_parity",
                     grid_size: int = 1000) -> dict[Hashable, float]:
    r"""Per-group decision thresholds that equalise a rate at the best accuracy (eq. ``eq-ch5-fair-thresholds``).

    A person of group :math:`a` is selected if their score reaches the group's threshold,
    :math:`\hat y = \mathbb 1[s \ge t_a]`.  For every target rate :math:`r` on a grid of
    ``grid_size + 1`` values in [0, 1], each group's threshold :math:`t_a(r)` is the one that selects
    the top :math:`\operatorname{round}(r\, m_a)` of its :math:`m_a` members (``demographic_parity``:
    equal selection rates) or of its positives (``equal_opportunity``: equal true-positive rates); of
    these candidates, the one with the highest accuracy on the given data is kept:

    .. math::

        r^\ast = \arg\max_r \sum_a \sum_{i \in G_a} \mathbb 1\big[\mathbb 1[s_i \ge t_a(r)] = y_i\big],
        \qquad t_a = t_a(r^\ast).

    The rates then agree up to the rounding to whole people (and ties in the scores).
    This is the idea of Hardt et al. (2016) and ``fairlearn.postprocessing.ThresholdOptimizer``,
    without its randomisation between two thresholds (which hits a rate exactly).

    Parameters
    ----------
    scores : array_like of float
        A score for every example (for example a predicted probability); higher means "select".
    y_true : array_like of 0/1
        Labels, same length.
    group : array_like
        Group of every example, same length.
    constraint : {"demographic_parity", "equal_opportunity"}
        The rate to equalise: the selection rate or the true-positive rate.
    grid_size : int, default 1000
        Number of steps of the grid of target rates.

    Returns
    -------
    dict
        ``{group value: threshold}``; a threshold of ``inf`` selects nobody.

    Raises
    ------
    ValueError
        For an unknown constraint, a bad ``grid_size``, non-finite scores, or (``equal_opportunity``)
        a group without positives.

    Examples
    --------
    >>> s = [0.9, 0.8, 0.3, 0.2, 0.6, 0.4, 0.1, 0.05]
    >>> y = [1, 1, 0, 0, 1, 1, 0, 0]
    >>> group_thresholds(s, y, [0, 0, 0, 0, 1, 1, 1, 1])
    {0: 0.8, 1: 0.4}
    """
    if constraint not in ("demographic_parity", "equal_opportunity"):
        raise ValueError(
            f"constraint must be 'demographic_parity' or 'equal_opportunity', got {constraint!r}")
    grid_size = check_positive_int("grid_size", grid_size)
    s = np.asarray(scores, dtype=np.float64)
    t = _binary("y_true", y_true)
    if s.shape != t.shape:
        raise ValueError(f"scores has shape {s.shape}, but y_true has {t.shape}")
    if len(t) == 0:
        raise ValueError("scores and y_true are empty")
    if not np.isfinite(s).all():
        raise ValueError("scores must be finite")
    g = _group(group, len(t))
    rates = np.linspace(0.0, 1.0, grid_size + 1)
    keys = list(np.unique(g))
    candidates, correct = {}, np.zeros(len(rates))
    for a in keys:
        s_a, t_a = s[g == a], t[g == a]
        ranked = s_a if constraint == "demographic_parity" else s_a[t_a == 1]
        if len(ranked) == 0:
            raise ValueError(f"group {_py(a)!r} has no positives: its true-positive rate is undefined")
        thr = _rank_thresholds(ranked, np.rint(rates * len(ranked)).astype(np.int64))
        pos, neg = np.sort(s_a[t_a == 1]), np.sort(s_a[t_a == 0])
        true_pos = len(pos) - np.searchsorted(pos, thr, side="left")   # positives with s >= thr
        true_neg = np.searchsorted(neg, thr, side="left")              # negatives with s < thr
        correct += true_pos + true_neg
        candidates[a] = thr
    best = int(np.argmax(correct))   # the first (lowest) rate among ties
    return {_py(a): float(candidates[a][best]) for a in keys}


def threshold_predict(scores: ArrayLike, group: ArrayLike,
                      thresholds: dict[Hashable, float]) -> NDArray[np.int64]:
    r"""Predictions :math:`\hat y_i = \mathbb 1[s_i \ge t_{g_i}]` with per-group thresholds (eq. ``eq-ch5-fair-thresholds``).

    Parameters
    ----------
    scores : array_like of float
        Scores, one per example.
    group : array_like
        Group of every example, same length.
    thresholds : dict
        ``{group value: threshold}`` with an entry for every group present, as from
        :func:`group_thresholds`.

    Returns
    -------
    ndarray of int64
        0/1 predictions.

    Examples
    --------
    >>> threshold_predict([0.7, 0.5, 0.5, 0.3], ["A", "A", "B", "B"], {"A": 0.6, "B": 0.4}).tolist()
    [1, 0, 1, 0]
    """
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim != 1:
        raise ValueError(f"scores must be one-dimensional, got shape {s.shape}")
    g = _group(group, len(s))
    if not isinstance(thresholds, dict):
        raise TypeError(f"thresholds must be a dict, got {describe(thresholds)}")
    missing = [k for k in np.unique(g).tolist() if k not in thresholds]
    if missing:
        raise ValueError(f"thresholds has no entry for group(s) {missing}; it has {sorted(thresholds)}")
    limit = np.array([thresholds[k] for k in g.tolist()], dtype=np.float64)
    return (s >= limit).astype(np.int64)


#: The models :func:`compare_mitigations` fits, in the order of its result.
MITIGATIONS: tuple[str, ...] = (
    "unmitigated", "group column removed", "group and proxy removed", "reweighing",
    "thresholds: demographic parity", "thresholds: equal opportunity",
)


def compare_mitigations(train: Population, test: Population, *,
                        grid_size: int = 1000) -> dict[str, dict[str, float]]:
    """Fit the chapter's models on ``train`` and summarise each on ``test`` (:data:`MITIGATIONS`).

    * ``unmitigated``: :func:`logistic_model` on all four features, selecting where the predicted
      probability exceeds 1/2;
    * ``group column removed`` and ``group and proxy removed``: the same without those columns;
    * ``reweighing``: all features, trained with :func:`reweighing_weights` (eq. ``eq-ch5-fair-reweighing``);
    * ``thresholds: ...``: the unmitigated scores with per-group thresholds from
      :func:`group_thresholds` (eq. ``eq-ch5-fair-thresholds``), fitted on the training data.

    Parameters
    ----------
    train, test : Population
        Samples from :func:`make_population` or :func:`make_split`.
    grid_size : int, default 1000
        Passed to :func:`group_thresholds`.

    Returns
    -------
    dict
        ``{model name: fairness_summary(...) on the test sample}``.
    """
    for name, pop in (("train", train), ("test", test)):
        if not isinstance(pop, Population):
            raise TypeError(f"{name} must be a Population, got {describe(pop)}")
    out = {}
    for name, columns in (("unmitigated", 4), ("group column removed", 3), ("group and proxy removed", 2)):
        model = logistic_model().fit(train.X[:, :columns], train.y)
        out[name] = fairness_summary(test.y, model.predict(test.X[:, :columns]), test.group)
    weighted = logistic_model().fit(train.X, train.y,
                                    sample_weight=reweighing_weights(train.y, train.group))
    out["reweighing"] = fairness_summary(test.y, weighted.predict(test.X), test.group)
    base = logistic_model().fit(train.X, train.y)
    s_train, s_test = base.predict_proba(train.X)[:, 1], base.predict_proba(test.X)[:, 1]
    for constraint in ("demographic_parity", "equal_opportunity"):
        thr = group_thresholds(s_train, train.y, train.group, constraint=constraint, grid_size=grid_size)
        y_hat = threshold_predict(s_test, test.group, thr)
        out["thresholds: " + constraint.replace("_", " ")] = fairness_summary(test.y, y_hat, test.group)
    return out


def representation_curve(shares: ArrayLike, *, seeds: ArrayLike, n_train: int, n_test: int,
                         **settings: float) -> dict[str, NDArray[np.float64]]:
    r"""Test accuracy per group as group B's share of the population grows.

    For every share :math:`\pi` and seed, a training and a test sample are drawn
    (:func:`make_split`), :func:`logistic_model` is fitted on all four features of everyone
    (``pooled``) and, as a reference, on score, credential and proxy of group B's members alone.

    Parameters
    ----------
    shares : array_like of float
        Values of ``minority_share``, each in (0, 1).
    seeds : array_like of int
        Seeds of :func:`make_split`; one run per share and seed.
    n_train, n_test : int
        Sample sizes.
    **settings : float
        Further settings of :func:`make_population` (not ``minority_share``).

    Returns
    -------
    dict
        ``"A"`` and ``"B"``: the pooled model's accuracy in each group; ``"B alone"``: the accuracy
        in group B of the model trained on group B only. Each an array of shape
        ``(len(shares), len(seeds))``.
    """
    if "minority_share" in settings:
        raise TypeError("give the shares as `shares`, not as minority_share")
    shares_, seeds_ = np.atleast_1d(np.asarray(shares, dtype=np.float64)), list(np.atleast_1d(seeds))
    out = {key: np.empty((len(shares_), len(seeds_))) for key in ("A", "B", "B alone")}
    for i, share in enumerate(shares_):
        for j, seed in enumerate(seeds_):
            train, test = make_split(n_train, n_test, seed=int(seed), minority_share=float(share), **settings)
            pooled = logistic_model().fit(train.X, train.y)
            acc = by_group(accuracy, test.y, pooled.predict(test.X), test.group)
            b, tb = train.group == 1, test.group == 1
            alone = logistic_model().fit(train.X[b, :3], train.y[b])
            out["A"][i, j], out["B"][i, j] = acc[0], acc[1]
            out["B alone"][i, j] = accuracy(test.y[tb], alone.predict(test.X[tb, :3]))
    return out


# --- the impossibility result ---------------------------------------------------------------------

def implied_false_positive_rate(prevalence: float, ppv: float, fnr: float) -> float:
    r"""The false-positive rate that a prevalence, a PPV and a false-negative rate force (eq. ``eq-ch5-fair-chouldechova``).

    For any binary classifier on a group with base rate :math:`p` (Chouldechova, 2017),

    .. math::

        \mathrm{FPR} = \frac{p}{1 - p}\cdot\frac{1 - \mathrm{PPV}}{\mathrm{PPV}}\cdot(1 - \mathrm{FNR}).

    It is an identity of the confusion matrix: with :math:`n` people, :math:`\mathrm{TP} = (1 - \mathrm{FNR})\,p\,n`,
    :math:`\mathrm{FP} = \mathrm{TP}\,(1 - \mathrm{PPV})/\mathrm{PPV}`, and :math:`\mathrm{FPR} = \mathrm{FP}/((1 - p)\,n)`.
    So two groups with different :math:`p` cannot have equal PPV, equal FNR and equal FPR at once
    (unless the classifier is perfect).

    Parameters
    ----------
    prevalence : float
        Base rate :math:`p`, in (0, 1).
    ppv : float
        Positive predictive value, in (0, 1].
    fnr : float
        False-negative rate, in [0, 1].

    Returns
    -------
    float
        The false-positive rate.

    Examples
    --------
    >>> implied_false_positive_rate(0.5, 0.8, 0.2)
    0.19999999999999996
    """
    p = _probability("prevalence", prevalence, open_low=True, open_high=True)
    v = _probability("ppv", ppv, open_low=True)
    f = _probability("fnr", fnr)
    return p / (1.0 - p) * (1.0 - v) / v * (1.0 - f)
