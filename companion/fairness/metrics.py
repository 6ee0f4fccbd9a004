"""Group-fairness metrics, as ``fairlearn`` defines them (eq. ``eq-ch5-fair-rates`` and the
differences built on it), and Chouldechova's identity behind the impossibility result
(eq. ``eq-ch5-fair-chouldechova``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import describe
from companion.fairness._checks import as_python, group_labels, label_pair, probability

__all__ = [
    "accuracy",
    "by_group",
    "demographic_parity_difference",
    "equal_opportunity_difference",
    "equalized_odds_difference",
    "fairness_summary",
    "false_positive_rate",
    "implied_false_positive_rate",
    "positive_predictive_value",
    "selection_rate",
    "true_positive_rate",
]


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Share of correct predictions, :math:`\frac1n \sum_i \mathbb 1[\hat y_i = y_i]`.

    Examples
    --------
    >>> accuracy([1, 0, 1, 1], [1, 1, 1, 0])
    0.5
    """
    t, p = label_pair(y_true, y_pred)
    return float(np.mean(t == p))


def selection_rate(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Share of positive predictions, :math:`\mathrm{SR} = \frac1n \sum_i \hat y_i` (``y_true`` is unused).

    It takes ``y_true`` so that every metric of this module has the same signature, as in fairlearn.

    Examples
    --------
    >>> selection_rate([0, 0, 1, 1], [1, 0, 0, 0])
    0.25
    """
    _, p = label_pair(y_true, y_pred)
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
    t, p = label_pair(y_true, y_pred)
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
    t, p = label_pair(y_true, y_pred)
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
    t, p = label_pair(y_true, y_pred)
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
    t, p = label_pair(y_true, y_pred)
    g = group_labels(group, len(t))
    return {as_python(k): float(metric(t[g == k], p[g == k])) for k in np.unique(g)}


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



def implied_false_positive_rate(prevalence: float, ppv: float, fnr: float) -> float:
    r"""The false-positive rate that a prevalence, a PPV and a false-negative rate force
    (eq. ``eq-ch5-fair-chouldechova``).

    For any binary classifier on a group with base rate :math:`p` (Chouldechova, 2017),

    .. math::

        \mathrm{FPR} = \frac{p}{1 - p}\cdot\frac{1 - \mathrm{PPV}}{\mathrm{PPV}}\cdot(1 - \mathrm{FNR}).

    It is an identity of the confusion matrix: with :math:`n` people,
    :math:`\mathrm{TP} = (1 - \mathrm{FNR})\,p\,n`,
    :math:`\mathrm{FP} = \mathrm{TP}\,(1 - \mathrm{PPV})/\mathrm{PPV}`, and
    :math:`\mathrm{FPR} = \mathrm{FP}/((1 - p)\,n)`.
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
    p = probability("prevalence", prevalence, open_low=True, open_high=True)
    v = probability("ppv", ppv, open_low=True)
    f = probability("fnr", fnr)
    return p / (1.0 - p) * (1.0 - v) / v * (1.0 - f)
