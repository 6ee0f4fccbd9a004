"""Two attacks on a trained network: membership inference and adversarial examples.

**Membership inference** (Yeom et al. 2018): a model fits its training examples better than
examples it never saw, so its loss on an example hints at whether that example was in the training
set.  The loss-threshold attack says "member" when the loss is at most a threshold :math:`\\tau`
(eq-ch5-yeom); its *advantage* is the true-positive rate minus the false-positive rate, and the area
under its ROC curve (eq-ch5-auc) summarises it over all thresholds.

**Adversarial examples** (Goodfellow et al. 2015): the fast gradient sign method moves every input
feature by :math:`\\pm\\rho` in the direction that increases the loss (eq-ch5-fgsm), using the
input gradient of :meth:`~companion.nn.model.Sequential.input_gradient`.

Examples
--------
>>> import numpy as np
>>> members, others = np.array([0.01, 0.02, 0.5]), np.array([0.3, 0.8, 1.2])
>>> round(membership_advantage(members, others, threshold=0.1), 4)   # 2/3 of members, no non-member
0.6667
>>> round(attack_auc(members, others), 4)
0.8889
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from companion._validation import check_real, describe

__all__ = [
    "accuracy_under_fgsm",
    "attack_auc",
    "fgsm",
    "loss_threshold_attack",
    "membership_advantage",
    "per_example_loss",
]


def _losses(name: str, values: object) -> NDArray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or len(arr) == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of per-example losses, got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    return arr


def _model(model: object) -> object:
    from companion.nn.model import Sequential

    if not isinstance(model, Sequential):
        raise TypeError(f"model must be an nn.Sequential, got {describe(model)}")
    return model


def per_example_loss(model, x: NDArray, y: NDArray) -> NDArray:
    """Each example's cross-entropy :math:`\\ell_i = -\\log \\hat y_{i, y_i}` (chapter 3, eq-ch3-nll).

    Where :math:`\\hat y_{i y_i} > 1/2` it is computed as
    :math:`\\ell_i = \\log\\big(1 + \\sum_{k \\ne y_i} \\hat y_{ik} / \\hat y_{i y_i}\\big)` with
    ``log1p``, which keeps its precision when :math:`\\hat y_{i y_i}` rounds to 1: an example the
    model is very sure of gets a tiny positive loss (about :math:`\\sum_{k \\ne y_i}\\hat y_{ik}`) instead
    of exactly 0, so losses can still be ranked.  Nothing is clipped (unlike Keras's loss on
    probabilities).

    Parameters
    ----------
    model : Sequential
        With a softmax output.
    x : array_like of shape (n, features)
    y : array_like of n int labels

    Returns
    -------
    ndarray of shape (n,)
    """
    model = _model(model)
    if model.layers[-1].activation.name != "softmax":
        raise ValueError("per_example_loss needs a model whose last layer is a softmax, got "
                         f"{model.layers[-1].activation.name!r}")
    p = np.asarray(model.predict(x, batch_size=4096), dtype=float)
    y = np.asarray(y)
    if y.shape != (len(p),) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold {len(p)} integer labels (one per row of x), got shape {y.shape}")
    if y.min() < 0 or y.max() >= p.shape[1]:
        raise ValueError(f"y must be in [0, {p.shape[1]}), got values from {y.min()} to {y.max()}")
    rows = np.arange(len(y))
    p_true = p[rows, y]
    rest = p.copy()
    rest[rows, y] = 0.0
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        near_one = np.log1p(rest.sum(axis=1) / p_true)
        return np.where(p_true > 0.5, near_one, -np.log(p_true))


def loss_threshold_attack(losses: NDArray, threshold: float) -> NDArray:
    """Yeom et al.'s guess, eq. (eq-ch5-yeom): "member" where the loss is at most ``threshold``.

    .. math:: A(x, y) = \\mathbb{1}\\big[\\ell(\\theta; x, y) \\le \\tau\\big], \\qquad
       \\mathrm{Adv} = \\Pr[A = 1 \\mid \\text{member}] - \\Pr[A = 1 \\mid \\text{non-member}]
       \\tag{eq-ch5-yeom}

    Yeom et al. take :math:`\\tau` = the model's mean training loss, which the attacker is assumed
    to know.

    Returns
    -------
    ndarray of bool
    """
    losses = _losses("losses", losses)
    return losses <= check_real("threshold", threshold)


def membership_advantage(member_losses: NDArray, nonmember_losses: NDArray,
                         threshold: float | None = None) -> float:
    """Advantage of the loss-threshold attack, eq. (eq-ch5-yeom): TPR minus FPR.

    Parameters
    ----------
    member_losses, nonmember_losses : array_like
        Per-example losses of training examples and of examples the model never saw.
    threshold : float, optional
        :math:`\\tau`; default: the mean of ``member_losses`` (Yeom et al.'s choice).

    Returns
    -------
    float
        In [-1, 1]; 0 means the attack does no better than a coin.
    """
    members = _losses("member_losses", member_losses)
    others = _losses("nonmember_losses", nonmember_losses)
    tau = float(members.mean()) if threshold is None else threshold
    tpr = loss_threshold_attack(members, tau).mean()
    fpr = loss_threshold_attack(others, tau).mean()
    return float(tpr - fpr)


def attack_auc(member_losses: NDArray, nonmember_losses: NDArray) -> float:
    """Area under the ROC curve of the loss-threshold attack over all thresholds, eq. (eq-ch5-auc).

    .. math:: \\mathrm{AUC} = \\Pr[\\ell_{\\text{non-member}} > \\ell_{\\text{member}}]
       + \\tfrac12 \\Pr[\\ell_{\\text{non-member}} = \\ell_{\\text{member}}]
       \\tag{eq-ch5-auc}

    for a member and a non-member drawn at random (the Mann-Whitney statistic): 0.5 is guessing, 1 a
    perfect separation.  Computed from ranks (ties get their mean rank), without a loop over pairs.
    """
    members = _losses("member_losses", member_losses)
    others = _losses("nonmember_losses", nonmember_losses)
    both = np.concatenate([members, others])
    order = np.argsort(both, kind="mergesort")
    sorted_ = both[order]
    ranks = np.empty(len(both))
    # mean rank (1-based) of each run of equal values
    starts = np.flatnonzero(np.r_[True, sorted_[1:] != sorted_[:-1]])
    ends = np.r_[starts[1:], len(both)]
    mean_rank = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(mean_rank, ends - starts)
    n1, n0 = len(members), len(others)
    # members should have the *smaller* losses: count pairs with member < non-member
    u = n1 * n0 + n1 * (n1 + 1) / 2.0 - ranks[:n1].sum()
    return float(u / (n1 * n0))


def fgsm(model, x: NDArray, y: NDArray, rho: float, clip: tuple[float, float] | None = (0.0, 1.0)) -> NDArray:
    """Adversarial examples by the fast gradient sign method, eq. (eq-ch5-fgsm).

    .. math:: \\tilde{\\mathbf x} = \\operatorname{clip}_{[0, 1]}\\big(\\mathbf x
       + \\rho \\operatorname{sign} \\nabla_{\\mathbf x} \\ell(\\theta; \\mathbf x, y)\\big)
       \\tag{eq-ch5-fgsm}

    Every input feature moves by :math:`\\rho` (an :math:`L_\\infty` step; Goodfellow et al. call it
    :math:`\\epsilon`, a letter this book keeps for privacy) in the direction that
    increases the example's loss to first order; the result is clipped back to the valid pixel range.
    The gradient is :meth:`~companion.nn.model.Sequential.input_gradient` with ``of="loss"``.

    Parameters
    ----------
    model : Sequential
        Compiled (the loss defines :math:`\\ell`).
    x : array_like of shape (n, features)
    y : array_like
        True labels.
    rho : float
        Size of the perturbation per feature, :math:`\\rho \\ge 0`.
    clip : (low, high) or None, default (0, 1)
        Valid range of the features; None for no clipping.

    Returns
    -------
    ndarray of shape (n, features)
        In the model's dtype.
    """
    model = _model(model)
    rho = check_real("rho", rho, nonnegative=True)
    grad = model.input_gradient(x, y, of="loss")
    x_adv = np.asarray(x, dtype=grad.dtype) + grad.dtype.type(rho) * np.sign(grad)
    if clip is not None:
        low, high = clip
        x_adv = np.clip(x_adv, low, high)
    return x_adv


def accuracy_under_fgsm(model, x: NDArray, y: NDArray, rhos: list[float] | NDArray,
                        clip: tuple[float, float] | None = (0.0, 1.0)) -> NDArray:
    """Accuracy of ``model`` on FGSM examples (eq-ch5-fgsm) for each perturbation size in ``rhos``.

    The input gradient is computed once; each :math:`\\rho` then only rescales its sign.

    Returns
    -------
    ndarray of shape (len(rhos),)
    """
    model = _model(model)
    eps = np.asarray(rhos, dtype=float)
    if eps.ndim != 1 or len(eps) == 0 or not np.all((eps >= 0) & np.isfinite(eps)):
        raise ValueError(f"rhos must be a non-empty list of finite numbers >= 0, got {rhos!r}")
    grad = model.input_gradient(x, y, of="loss")
    x = np.asarray(x, dtype=grad.dtype)
    direction = np.sign(grad)
    y = np.asarray(y)
    accs = []
    for e in eps:
        x_adv = x + grad.dtype.type(e) * direction
        if clip is not None:
            x_adv = np.clip(x_adv, *clip)
        accs.append(float(np.mean(np.argmax(model.predict(x_adv, batch_size=4096), axis=1) == y)))
    return np.array(accs)
