"""Judging attribution maps: the deletion curve and its area (eqs. eq-ch5-deletion,
eq-ch5-deletion-auc), Spearman's rank correlation (eq. eq-ch5-spearman) and the top-k overlap
(eq. eq-ch5-topk) of two maps.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion import nn
from companion._validation import check_int, check_real
from companion.explain._checks import (
    check_inputs,
    check_model,
    check_of,
    check_scores,
    check_target,
)
from companion.explain.attributions import explained_output

__all__ = ["deletion_auc", "deletion_curve", "ranks", "spearman", "top_k_overlap"]


def deletion_curve(model: nn.Sequential, x: ArrayLike, scores: ArrayLike,
                   target: ArrayLike | int | None = None, fill: float = 0.0,
                   of: str = "probability") -> NDArray:
    """The output as the features are deleted, highest score first (eq-ch5-deletion).

    Let :math:`\\pi` order the features by decreasing score (ties: lower index first) and let
    :math:`\\mathbf{x}^{(k)}` be :math:`\\mathbf{x}` with its first :math:`k` features in that order set
    to ``fill``. The curve is

    .. math::
        D_k(\\mathbf{x}) = f_c\\big(\\mathbf{x}^{(k)}\\big), \\qquad
        x^{(k)}_{\\pi(j)} = \\begin{cases} \\text{fill} & j \\le k \\\\ x_{\\pi(j)} & j > k \\end{cases},
        \\qquad k = 0, 1, \\ldots, d
        \\tag{eq-ch5-deletion}

    A faithful map ranks first the pixels without which the model no longer sees the class, so its
    curve falls fast.

    Parameters
    ----------
    model : companion.nn.Sequential
    x : array_like of shape (n, d)
    scores : array_like of shape (n, d)
        Any per-feature scores (an attribution map, the pixel values, random numbers).
    target : int or array_like of n ints, optional
    fill : float, default 0.0
    of : {"probability", "logit"}, default "probability"

    Returns
    -------
    ndarray of shape (n, d + 1)
        :math:`D_0 = f_c(\\mathbf{x})` to :math:`D_d = f_c(\\text{fill everywhere})`.

    Examples
    --------
    >>> from companion import nn
    >>> m = nn.Sequential([nn.Input(shape=(2,)), nn.Dense(2, activation="softmax")], dtype="float64")
    >>> m.set_weights([np.array([[1.0, 0.0], [3.0, 0.0]]), np.zeros(2)])
    >>> deletion_curve(m, [[1.0, 1.0]], scores=[[0.1, 0.9]], target=0, of="logit")
    array([[4., 1., 0.]])
    """
    model = check_model(model)
    x = check_inputs(model, x)
    s = check_scores(scores, x)
    target = check_target(model, x, target)
    of = check_of(of)
    fill = check_real("fill", fill)
    n, d = x.shape
    order = np.argsort(-s, axis=1, kind="stable")
    position = np.empty_like(order)
    np.put_along_axis(position, order, np.arange(d)[None, :].repeat(n, axis=0), axis=1)
    k = np.arange(d + 1)
    deleted = position[:, None, :] < k[None, :, None]                  # (n, d+1, d)
    steps = np.where(deleted, x.dtype.type(fill), x[:, None, :])
    return explained_output(model, steps.reshape(-1, d), np.repeat(target, d + 1), of).reshape(n, d + 1)


def deletion_auc(curves: ArrayLike) -> NDArray:
    """Area under deletion curves against the fraction deleted, by the trapezoid rule (eq-ch5-deletion-auc).

    .. math::
        \\mathrm{AUC}(\\mathbf{x}) = \\frac{1}{d} \\sum_{k=1}^{d}
        \\frac{D_{k-1}(\\mathbf{x}) + D_k(\\mathbf{x})}{2}
        \\tag{eq-ch5-deletion-auc}

    Lower is better for a deletion curve: the output fell sooner.

    Parameters
    ----------
    curves : array_like of shape (n, d + 1) or (d + 1,)
        From :func:`deletion_curve`.

    Returns
    -------
    ndarray of shape (n,) (or a 0-d array for one curve)

    Examples
    --------
    >>> deletion_auc([[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    array([0.25, 1.  ])
    """
    c = np.asarray(curves, dtype=np.float64)
    if c.ndim not in (1, 2) or c.shape[-1] < 2:
        raise ValueError(f"curves must have shape (n, d + 1) or (d + 1,) with d >= 1, got {c.shape}")
    return (c[..., :-1] + c[..., 1:]).sum(axis=-1) / (2 * (c.shape[-1] - 1))


def ranks(a: ArrayLike) -> NDArray:
    """Ranks 1..d of each row of ``a``, tied values sharing their mean rank (as ``scipy.stats.rankdata``).

    Examples
    --------
    >>> ranks([[0.5, 0.0, 0.0, 2.0]])
    array([[3. , 1.5, 1.5, 4. ]])
    """
    a = np.asarray(a, dtype=np.float64)
    if a.ndim not in (1, 2) or a.shape[-1] == 0:
        raise ValueError(f"a must be a non-empty vector or 2-D array, got shape {a.shape}")
    rows = np.atleast_2d(a)
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        order = np.argsort(row, kind="stable")
        sorted_row = row[order]
        starts = np.r_[True, sorted_row[1:] != sorted_row[:-1]]
        group = np.cumsum(starts) - 1
        first = np.flatnonzero(starts)
        last = np.r_[first[1:], len(row)] - 1
        out[i, order] = (first + last)[group] / 2 + 1
    return out.reshape(a.shape)


def spearman(a: ArrayLike, b: ArrayLike, where: ArrayLike | None = None) -> NDArray:
    """Spearman's rank correlation between ``a`` and ``b``, row by row (eq-ch5-spearman).

    The Pearson correlation of the ranks :math:`R` (:func:`ranks`, ties averaged):

    .. math::
        \\rho(\\mathbf{a}, \\mathbf{b}) = \\frac{\\sum_i (R(a)_i - \\bar R)(R(b)_i - \\bar R)}
        {\\sqrt{\\sum_i (R(a)_i - \\bar R)^2 \\sum_i (R(b)_i - \\bar R)^2}},
        \\qquad \\bar R = \\frac{d + 1}{2}
        \\tag{eq-ch5-spearman}

    Without ties this is :math:`1 - 6 \\sum_i (R(a)_i - R(b)_i)^2 / (d (d^2 - 1))`. It only asks
    whether two maps order the pixels alike, not whether their values agree.

    Parameters
    ----------
    a, b : array_like of shape (d,) or (n, d)
    where : array_like of bool, same shape, optional
        Compare only these entries of each row (for instance the pixels with ink); the ranks are
        taken among them.

    Returns
    -------
    ndarray of shape (n,) (a 0-d array for vectors)
        ``nan`` for a row that is constant in ``a`` or ``b`` (no order to compare) or has fewer
        than two entries selected.

    Examples
    --------
    >>> spearman([1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 40.0, 30.0])
    array(0.8)
    >>> spearman([1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 40.0, 30.0], where=[True, True, True, False])
    array(1.)
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if where is not None:
        mask = np.asarray(where)
        if mask.dtype != bool or mask.shape != a.shape:
            raise ValueError(
                f"where must be a boolean array of shape {a.shape}, got {mask.dtype} {mask.shape}"
            )
        rows = [spearman(ra[m], rb[m]) if m.sum() >= 2 else np.asarray(np.nan)
                for ra, rb, m in zip(np.atleast_2d(a), np.atleast_2d(b), np.atleast_2d(mask))]
        return np.asarray(np.array(rows).reshape(a.shape[:-1]))
    ra, rb = ranks(a), ranks(b)
    ca = ra - ra.mean(axis=-1, keepdims=True)
    cb = rb - rb.mean(axis=-1, keepdims=True)
    num = (ca * cb).sum(axis=-1)
    den = np.sqrt((ca * ca).sum(axis=-1) * (cb * cb).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(den > 0, num / den, np.nan))


def top_k_overlap(a: ArrayLike, b: ArrayLike, k: int) -> NDArray:
    """The fraction of the ``k`` top-ranked features that two maps share, row by row (eq-ch5-topk).

    With :math:`T_k(\\mathbf{a})` the indices of the :math:`k` largest entries of :math:`\\mathbf{a}`
    (ties: lower index first),

    .. math::
        \\mathrm{overlap}_k(\\mathbf{a}, \\mathbf{b}) = \\frac{|T_k(\\mathbf{a}) \\cap T_k(\\mathbf{b})|}{k}
        \\tag{eq-ch5-topk}

    1 if the two maps name the same ``k`` most important pixels, :math:`k/d` expected by chance.

    Parameters
    ----------
    a, b : array_like of shape (d,) or (n, d)
    k : int
        From 1 to :math:`d`.

    Returns
    -------
    ndarray of shape (n,) (a 0-d array for vectors)

    Examples
    --------
    >>> top_k_overlap([0.9, 0.8, 0.1, 0.0], [0.9, 0.0, 0.8, 0.1], k=2)
    array(0.5)
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim not in (1, 2):
        raise ValueError(
            f"a and b must be vectors or 2-D arrays of the same shape, got {a.shape} and {b.shape}"
        )
    k = check_int("k", k, minimum=1)
    if k > a.shape[-1]:
        raise ValueError(f"k must be at most {a.shape[-1]} (the number of features), got {k}")
    top_a = np.argsort(-np.atleast_2d(a), axis=1, kind="stable")[:, :k]
    top_b = np.argsort(-np.atleast_2d(b), axis=1, kind="stable")[:, :k]
    shared = [len(np.intersect1d(ta, tb)) for ta, tb in zip(top_a, top_b)]
    return np.asarray((np.array(shared) / k).reshape(a.shape[:-1]))
