"""Two mitigations: reweighing the training data (eq. ``eq-ch5-fair-reweighing``) and one decision
threshold per group (eq. ``eq-ch5-fair-thresholds``).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_positive_int, describe
from companion.fairness._checks import as_python, binary_labels, group_labels

__all__ = ["group_thresholds", "reweighing_weights", "threshold_predict"]


def reweighing_weights(y: ArrayLike, group: ArrayLike) -> NDArray[np.float64]:
    r"""Kamiran and Calders' reweighing: weights that make label and group independent
    (eq. ``eq-ch5-fair-reweighing``).

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
    [0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0, 2.0,
     0.6666666666666666, 0.6666666666666666, 0.6666666666666666]
    """
    t = binary_labels("y", y)
    if len(t) == 0:
        raise ValueError("y is empty")
    g = group_labels(group, len(t))
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
    r"""Per-group decision thresholds that equalise a rate at the best accuracy
    (eq. ``eq-ch5-fair-thresholds``).

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
    t = binary_labels("y_true", y_true)
    if s.shape != t.shape:
        raise ValueError(f"scores has shape {s.shape}, but y_true has {t.shape}")
    if len(t) == 0:
        raise ValueError("scores and y_true are empty")
    if not np.isfinite(s).all():
        raise ValueError("scores must be finite")
    g = group_labels(group, len(t))
    rates = np.linspace(0.0, 1.0, grid_size + 1)
    keys = list(np.unique(g))
    candidates, correct = {}, np.zeros(len(rates))
    for a in keys:
        s_a, t_a = s[g == a], t[g == a]
        ranked = s_a if constraint == "demographic_parity" else s_a[t_a == 1]
        if len(ranked) == 0:
            raise ValueError(f"group {as_python(a)!r} has no positives: its true-positive rate is undefined")
        thr = _rank_thresholds(ranked, np.rint(rates * len(ranked)).astype(np.int64))
        pos, neg = np.sort(s_a[t_a == 1]), np.sort(s_a[t_a == 0])
        true_pos = len(pos) - np.searchsorted(pos, thr, side="left")   # positives with s >= thr
        true_neg = np.searchsorted(neg, thr, side="left")              # negatives with s < thr
        correct += true_pos + true_neg
        candidates[a] = thr
    best = int(np.argmax(correct))   # the first (lowest) rate among ties
    return {as_python(a): float(candidates[a][best]) for a in keys}


def threshold_predict(scores: ArrayLike, group: ArrayLike,
                      thresholds: dict[Hashable, float]) -> NDArray[np.int64]:
    r"""Predictions :math:`\hat y_i = \mathbb 1[s_i \ge t_{g_i}]` with per-group thresholds
    (eq. ``eq-ch5-fair-thresholds``).

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
    g = group_labels(group, len(s))
    if not isinstance(thresholds, dict):
        raise TypeError(f"thresholds must be a dict, got {describe(thresholds)}")
    missing = [k for k in np.unique(g).tolist() if k not in thresholds]
    if missing:
        raise ValueError(
            f"thresholds has no entry for group(s) {missing}; it has {sorted(thresholds, key=str)}"
        )
    limit = np.array([thresholds[k] for k in g.tolist()], dtype=np.float64)
    return (s >= limit).astype(np.int64)
