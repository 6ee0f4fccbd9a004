"""Attribution maps for a :class:`~companion.nn.model.Sequential` classifier, and their evaluation.

An *attribution* assigns each input feature :math:`x_i` of one sample a score for one output
:math:`f_c` (here the probability or the logit of class :math:`c`). Three methods:

* **saliency** (Simonyan et al. 2014), the size of the input gradient, eq. (eq-ch5-saliency);
* **integrated gradients** (Sundararajan et al. 2017), the gradient averaged along the straight path
  from a baseline to the input, times the input's difference from the baseline, eqs. (eq-ch5-ig) and
  (eq-ch5-ig-riemann), which add up to the change of the output, eq. (eq-ch5-completeness);
* **occlusion** (Zeiler & Fergus 2014), the drop of the output when a patch is covered,
  eq. (eq-ch5-occlusion).

And three ways to judge them:

* the **deletion curve** (Samek et al. 2017; Petsiuk et al. 2018): the output as the features are
  removed in the order a method ranks them, eq. (eq-ch5-deletion), and its area, eq. (eq-ch5-deletion-auc);
* **Spearman's rank correlation** between two maps, eq. (eq-ch5-spearman), for the **cascading
  randomisation** sanity check (Adebayo et al. 2018), :func:`randomize_layers`, and the share of
  their top-ranked pixels two maps have in common, eq. (eq-ch5-topk);
* the **input shift** of Kindermans et al. (2019), :func:`shift_inputs`: a model that gives exactly
  the same outputs on inputs shifted by a constant, eq. (eq-ch5-shift).

The gradients come from the engine's public :meth:`~companion.nn.model.Sequential.input_gradient`
(eq. nn.model.3); nothing here changes a model's weights.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion import nn
from companion._validation import check_int, check_real, check_seed, check_x, describe

__all__ = [
    "EQUATIONS",
    "completeness_gap",
    "deletion_auc",
    "deletion_curve",
    "integrated_gradients",
    "occlusion",
    "output",
    "ranks",
    "randomize_layers",
    "saliency",
    "shift_inputs",
    "spearman",
    "top_k_overlap",
]

#: Every numbered equation of the interpretability and explainability pages, and the function here
#: whose docstring states it (``tests/test_explain.py`` checks both directions).
EQUATIONS: dict[str, str] = {
    "eq-ch5-saliency": "saliency",
    "eq-ch5-ig": "integrated_gradients",
    "eq-ch5-ig-riemann": "integrated_gradients",
    "eq-ch5-completeness": "completeness_gap",
    "eq-ch5-occlusion": "occlusion",
    "eq-ch5-deletion": "deletion_curve",
    "eq-ch5-deletion-auc": "deletion_auc",
    "eq-ch5-spearman": "spearman",
    "eq-ch5-topk": "top_k_overlap",
    "eq-ch5-shift": "shift_inputs",
}

_OUTPUTS = ("probability", "logit")


# ---------------------------------------------------------------------- validation (public boundary)
def _check_model(model: object) -> nn.Sequential:
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"model must be a companion.nn.Sequential, got {describe(model)}")
    if not model.built:
        raise ValueError("model must be built (give the first layer its input shape, or fit it first)")
    return model


def _check_x(model: nn.Sequential, x: object, name: str = "x") -> NDArray:
    return check_x(x, model.input_dim, model.dtype, name)


def _check_target(model: nn.Sequential, x: NDArray, target: object) -> NDArray:
    if target is None:
        return np.argmax(model.predict(x, batch_size=len(x)), axis=1)
    t = np.asarray(target)
    if t.ndim == 0:
        t = np.full(len(x), t)
    if not np.issubdtype(t.dtype, np.integer) or t.shape != (len(x),):
        raise ValueError(f"target must be an int or {len(x)} ints (one per row of x), got {target!r}")
    if t.min() < 0 or t.max() >= model.output_dim:
        raise ValueError(f"target must be in [0, {model.output_dim}), got values from {t.min()} to {t.max()}")
    return t.astype(np.int64)


def _check_of(of: object) -> str:
    if of not in _OUTPUTS:
        raise ValueError(f"of must be 'probability' or 'logit', got {of!r}")
    return str(of)


def _check_baseline(baseline: object, x: NDArray, name: str = "baseline") -> NDArray:
    b = np.asarray(baseline, dtype=x.dtype)
    try:
        b = np.broadcast_to(b, x.shape)
    except ValueError:
        raise ValueError(
            f"{name} must be a number, a vector of {x.shape[1]} features or an array of shape {x.shape}, "
            f"got shape {b.shape}"
        ) from None
    if not np.isfinite(b).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return b


def _check_scores(scores: object, x: NDArray, name: str = "scores") -> NDArray:
    s = np.asarray(scores, dtype=np.float64)
    if s.shape != x.shape:
        raise ValueError(f"{name} must have the shape of x, {x.shape}, got {s.shape}")
    if not np.isfinite(s).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return s


# ---------------------------------------------------------------------- the output being explained
def _output(model: nn.Sequential, x: NDArray, target: NDArray, of: str) -> NDArray:
    """:math:`f_c(\\mathbf{x})` for each row: the probability (last layer's output) or the logit."""
    h = x
    for layer in model.layers[:-1]:
        h = layer.forward(h)
    last = model.layers[-1]
    if of == "logit":
        z = h @ last.kernel
        out = z + last.bias if last.use_bias else z
    else:
        out = last.forward(h)
    return out[np.arange(len(x)), target]


def output(model: nn.Sequential, x: ArrayLike, target: ArrayLike | int | None = None,
           of: str = "probability") -> NDArray:
    """The scalar :math:`f_c(\\mathbf{x})` that the attributions explain, one per row of ``x``.

    Parameters
    ----------
    model : companion.nn.Sequential
        A built classifier.
    x : array_like of shape (n, d)
    target : int or array_like of n ints, optional
        The class :math:`c` per row; default: the predicted class.
    of : {"probability", "logit"}, default "probability"
        The last layer's output :math:`\\hat y_c` or its pre-activation :math:`z_c`.

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> from companion import nn
    >>> m = nn.Sequential([nn.Input(shape=(2,)), nn.Dense(3, activation="softmax")], seed=0)
    >>> output(m, [[0.0, 0.0]], target=1)
    array([0.33333334], dtype=float32)
    """
    model = _check_model(model)
    x = _check_x(model, x)
    return _output(model, x, _check_target(model, x, target), _check_of(of))


# ---------------------------------------------------------------------- attribution methods
def saliency(model: nn.Sequential, x: ArrayLike, target: ArrayLike | int | None = None,
             of: str = "probability") -> NDArray:
    """Saliency map: the magnitude of the input gradient (eq-ch5-saliency).

    .. math::
        S_i(\\mathbf{x}) = \\left|\\frac{\\partial f_c(\\mathbf{x})}{\\partial x_i}\\right|
        \\tag{eq-ch5-saliency}

    It measures how much :math:`f_c` would change if pixel :math:`i` alone changed a little: a
    *sensitivity*, not a contribution (a pixel that is zero can have a large saliency).

    Parameters
    ----------
    model : companion.nn.Sequential
    x : array_like of shape (n, d)
    target : int or array_like of n ints, optional
        Class :math:`c` per row; default: the predicted class.
    of : {"probability", "logit"}, default "probability"

    Returns
    -------
    ndarray of shape (n, d), non-negative, in the model's dtype

    Examples
    --------
    >>> from companion import nn
    >>> m = nn.Sequential([nn.Input(shape=(2,)), nn.Dense(2, activation="softmax")], dtype="float64")
    >>> m.set_weights([np.array([[1.0, -1.0], [0.0, 0.0]]), np.zeros(2)])
    >>> saliency(m, [[0.0, 5.0]], target=0, of="logit")
    array([[1., 0.]])
    """
    model = _check_model(model)
    x = _check_x(model, x)
    target = _check_target(model, x, target)
    return np.abs(model.input_gradient(x, target, of=_check_of(of)))


def integrated_gradients(model: nn.Sequential, x: ArrayLike, target: ArrayLike | int | None = None,
                         baseline: ArrayLike | float = 0.0, steps: int = 64, rule: str = "midpoint",
                         of: str = "probability") -> NDArray:
    """Integrated gradients (eq-ch5-ig), computed by a Riemann sum (eq-ch5-ig-riemann).

    .. math::
        \\mathrm{IG}_i(\\mathbf{x}) = (x_i - x'_i) \\int_0^1
        \\frac{\\partial f_c\\big(\\mathbf{x}' + \\alpha(\\mathbf{x} - \\mathbf{x}')\\big)}{\\partial x_i}\\,
        d\\alpha
        \\tag{eq-ch5-ig}

    .. math::
        \\mathrm{IG}_i(\\mathbf{x}) \\approx (x_i - x'_i)\\, \\frac1m \\sum_{k=1}^{m}
        \\frac{\\partial f_c\\big(\\mathbf{x}' + \\alpha_k(\\mathbf{x} - \\mathbf{x}')\\big)}{\\partial x_i},
        \\qquad \\alpha_k = \\frac{k}{m} \\text{ (right)} \\ \\text{or}\\ \\frac{k - 1/2}{m} \\text{ (midpoint)}
        \\tag{eq-ch5-ig-riemann}

    The right rule is the paper's. For a smooth integrand the midpoint rule's error falls like
    :math:`1/m^2` instead of :math:`1/m`; a ReLU network's gradient jumps wherever a unit switches on
    along the path, and then both fall like :math:`1/m` (the midpoint rule with a smaller constant).
    :func:`completeness_gap` measures the error.

    Parameters
    ----------
    model : companion.nn.Sequential
    x : array_like of shape (n, d)
    target : int or array_like of n ints, optional
        Class :math:`c` per row; default: the predicted class.
    baseline : float, array_like of shape (d,) or (n, d), default 0.0
        The reference input :math:`\\mathbf{x}'` (0: a blank image).
    steps : int, default 64
        Number :math:`m` of points on the path.
    rule : {"midpoint", "right"}, default "midpoint"
    of : {"probability", "logit"}, default "probability"

    Returns
    -------
    ndarray of shape (n, d)
        Signed attributions; pixels equal to their baseline get exactly 0.

    Examples
    --------
    A linear logit :math:`z_0 = 2 x_1 - x_2` is explained exactly, whatever :math:`m`:

    >>> from companion import nn
    >>> m = nn.Sequential([nn.Input(shape=(2,)), nn.Dense(2, activation="softmax")], dtype="float64")
    >>> m.set_weights([np.array([[2.0, 0.0], [-1.0, 0.0]]), np.zeros(2)])
    >>> integrated_gradients(m, [[1.0, 3.0]], target=0, steps=4, of="logit")
    array([[ 2., -3.]])
    """
    model = _check_model(model)
    x = _check_x(model, x)
    target = _check_target(model, x, target)
    of = _check_of(of)
    base = _check_baseline(baseline, x)
    m = check_int("steps", steps, minimum=1)
    if rule not in ("midpoint", "right"):
        raise ValueError(f"rule must be 'midpoint' or 'right', got {rule!r}")
    k = np.arange(1, m + 1, dtype=x.dtype)
    alphas = (k - 0.5) / m if rule == "midpoint" else k / m
    n, d = x.shape
    diff = x - base
    path = base[:, None, :] + alphas[None, :, None] * diff[:, None, :]   # (n, m, d)
    grads = model.input_gradient(path.reshape(n * m, d), np.repeat(target, m), of=of)
    return diff * grads.reshape(n, m, d).mean(axis=1)


def completeness_gap(model: nn.Sequential, x: ArrayLike, attributions: ArrayLike,
                     target: ArrayLike | int | None = None, baseline: ArrayLike | float = 0.0,
                     of: str = "probability") -> NDArray:
    """Relative error of the completeness property of integrated gradients (eq-ch5-completeness).

    Exact integrated gradients satisfy (by the fundamental theorem of calculus for path integrals)

    .. math::
        \\sum_{i=1}^{d} \\mathrm{IG}_i(\\mathbf{x}) = f_c(\\mathbf{x}) - f_c(\\mathbf{x}'),
        \\qquad \\text{gap} = \\frac{\\big|\\sum_i \\mathrm{IG}_i - (f_c(\\mathbf{x}) - f_c(\\mathbf{x}'))\\big|}
        {\\big|f_c(\\mathbf{x}) - f_c(\\mathbf{x}')\\big|}
        \\tag{eq-ch5-completeness}

    and the gap of a Riemann-sum approximation measures its quadrature error.

    Parameters
    ----------
    model, x, target, baseline, of
        As given to :func:`integrated_gradients`.
    attributions : array_like of shape (n, d)

    Returns
    -------
    ndarray of shape (n,)
        The relative gap per sample (``inf`` where :math:`f_c(\\mathbf{x}) = f_c(\\mathbf{x}')` and the
        sum is not 0, ``0`` where both are 0).

    Examples
    --------
    >>> from companion import nn
    >>> m = nn.Sequential([nn.Input(shape=(2,)), nn.Dense(2, activation="softmax")], dtype="float64")
    >>> m.set_weights([np.array([[2.0, 0.0], [-1.0, 0.0]]), np.zeros(2)])
    >>> completeness_gap(m, [[1.0, 3.0]], [[2.0, -3.0]], target=0, of="logit")
    array([0.])
    """
    model = _check_model(model)
    x = _check_x(model, x)
    target = _check_target(model, x, target)
    of = _check_of(of)
    a = _check_scores(attributions, x, "attributions")
    base = _check_baseline(baseline, x)
    change = _output(model, x, target, of) - _output(model, np.ascontiguousarray(base), target, of)
    err = np.abs(a.sum(axis=1) - change)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(err == 0, 0.0, err / np.abs(change))


def _side(d: int, shape: tuple[int, int] | None) -> tuple[int, int]:
    if shape is None:
        side = int(round(np.sqrt(d)))
        if side * side != d:
            raise ValueError(f"x has {d} features, not a square image; give shape=(height, width)")
        return side, side
    if len(shape) != 2 or shape[0] * shape[1] != d:
        raise ValueError(f"shape must be (height, width) with height * width = {d}, got {shape!r}")
    return int(shape[0]), int(shape[1])


def occlusion(model: nn.Sequential, x: ArrayLike, target: ArrayLike | int | None = None,
              patch: int = 2, fill: float = 0.0, shape: tuple[int, int] | None = None,
              of: str = "probability") -> NDArray:
    """Occlusion map: the mean drop of the output when a square patch covering a pixel is blanked (eq-ch5-occlusion).

    Every ``patch`` x ``patch`` square :math:`P` of the image (stride 1) is set to ``fill`` in turn,
    giving :math:`\\mathbf{x}_{\\setminus P}`; a pixel's score is the mean drop over the squares
    :math:`\\mathcal{P}(i)` that contain it:

    .. math::
        O_i(\\mathbf{x}) = \\frac{1}{|\\mathcal{P}(i)|} \\sum_{P \\in \\mathcal{P}(i)}
        \\big(f_c(\\mathbf{x}) - f_c(\\mathbf{x}_{\\setminus P})\\big)
        \\tag{eq-ch5-occlusion}

    A square that is already equal to ``fill`` changes nothing and counts as a drop of exactly 0 (not
    as the rounding noise of two forward passes in different batches).

    Parameters
    ----------
    model : companion.nn.Sequential
    x : array_like of shape (n, h*w)
    target : int or array_like of n ints, optional
    patch : int, default 2
        Side of the square, from 1 (single pixels) to the image's smaller side.
    fill : float, default 0.0
        The value an occluded pixel gets (0: blank paper).
    shape : (int, int), optional
        Image height and width; default: a square.
    of : {"probability", "logit"}, default "probability"

    Returns
    -------
    ndarray of shape (n, h*w)
        Signed scores: positive where covering the pixel lowers :math:`f_c`.

    Examples
    --------
    >>> from companion import nn
    >>> m = nn.Sequential([nn.Input(shape=(4,)), nn.Dense(2, activation="softmax")], dtype="float64")
    >>> m.set_weights([np.array([[1.0, 0], [2.0, 0], [0, 0], [0, 0]]), np.zeros(2)])
    >>> occlusion(m, [[1.0, 1.0, 1.0, 1.0]], target=0, patch=1, of="logit")
    array([[1., 2., 0., 0.]])
    """
    model = _check_model(model)
    x = _check_x(model, x)
    target = _check_target(model, x, target)
    of = _check_of(of)
    h, w = _side(x.shape[1], shape)
    p = check_int("patch", patch, minimum=1)
    if p > min(h, w):
        raise ValueError(f"patch must be at most {min(h, w)} (the image's smaller side), got {p}")
    fill = check_real("fill", fill)
    masks = []
    for r in range(h - p + 1):
        for c in range(w - p + 1):
            mask = np.zeros((h, w), dtype=bool)
            mask[r:r + p, c:c + p] = True
            masks.append(mask.ravel())
    masks = np.array(masks)                                            # (P, d)
    n, d = x.shape
    covered = np.where(masks[None], x.dtype.type(fill), x[:, None, :])  # (n, P, d)
    f_x = _output(model, x, target, of)
    f_cov = _output(model, covered.reshape(-1, d), np.repeat(target, len(masks)), of).reshape(n, -1)
    drop = np.where((covered == x[:, None, :]).all(axis=2), 0.0, f_x[:, None] - f_cov)
    return (drop @ masks) / masks.sum(axis=0)


# ---------------------------------------------------------------------- evaluation
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
    model = _check_model(model)
    x = _check_x(model, x)
    s = _check_scores(scores, x)
    target = _check_target(model, x, target)
    of = _check_of(of)
    fill = check_real("fill", fill)
    n, d = x.shape
    order = np.argsort(-s, axis=1, kind="stable")
    position = np.empty_like(order)
    np.put_along_axis(position, order, np.arange(d)[None, :].repeat(n, axis=0), axis=1)
    k = np.arange(d + 1)
    deleted = position[:, None, :] < k[None, :, None]                  # (n, d+1, d)
    steps = np.where(deleted, x.dtype.type(fill), x[:, None, :])
    return _output(model, steps.reshape(-1, d), np.repeat(target, d + 1), of).reshape(n, d + 1)


def deletion_auc(curves: ArrayLike) -> NDArray:
    """Area under deletion curves against the fraction deleted, by the trapezoid rule (eq-ch5-deletion-auc).

    .. math::
        \\mathrm{AUC}(\\mathbf{x}) = \\frac{1}{d} \\sum_{k=1}^{d} \\frac{D_{k-1}(\\mathbf{x}) + D_k(\\mathbf{x})}{2}
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
            raise ValueError(f"where must be a boolean array of shape {a.shape}, got {mask.dtype} {mask.shape}")
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
        raise ValueError(f"a and b must be vectors or 2-D arrays of the same shape, got {a.shape} and {b.shape}")
    k = check_int("k", k, minimum=1)
    if k > a.shape[-1]:
        raise ValueError(f"k must be at most {a.shape[-1]} (the number of features), got {k}")
    top_a = np.argsort(-np.atleast_2d(a), axis=1, kind="stable")[:, :k]
    top_b = np.argsort(-np.atleast_2d(b), axis=1, kind="stable")[:, :k]
    shared = [len(np.intersect1d(ta, tb)) for ta, tb in zip(top_a, top_b)]
    return np.asarray((np.array(shared) / k).reshape(a.shape[:-1]))


# ---------------------------------------------------------------------- models derived from a model
def _copy(model: nn.Sequential) -> nn.Sequential:
    """A new model with the same architecture and dtype, and a copy of the weights."""
    layers = [nn.Dense(layer.units, activation=layer.activation.name, use_bias=layer.use_bias,
                       kernel_initializer=layer.kernel_initializer,
                       bias_initializer=layer.bias_initializer, name=f"{layer.name}_copy")
              for layer in model.layers]
    twin = nn.Sequential([nn.Input(shape=(model.input_dim,)), *layers], name=f"{model.name}_copy",
                         dtype=model.dtype)
    twin.set_weights(model.get_weights())
    return twin


def randomize_layers(model: nn.Sequential, top: int, seed: int = 0) -> nn.Sequential:
    """A copy of ``model`` whose ``top`` last layers are re-initialised (cascading randomisation).

    Adebayo et al. (2018) re-draw the weights of a trained network layer by layer from the output
    down. ``top=0`` copies the model; ``top=len(model.layers)`` gives an untrained network of the same
    architecture. Each layer's kernel and bias are re-drawn from its own initializers (Glorot uniform
    and zeros for the defaults), with a generator seeded by ``seed``. The model itself is not changed.

    Parameters
    ----------
    model : companion.nn.Sequential
    top : int
        Number of layers to re-draw, counted from the output, 0 to ``len(model.layers)``.
    seed : int, default 0

    Returns
    -------
    companion.nn.Sequential
        Uncompiled; for :meth:`~companion.nn.model.Sequential.predict` and
        :meth:`~companion.nn.model.Sequential.input_gradient`.

    Examples
    --------
    >>> from companion import nn
    >>> m = nn.Sequential([nn.Input(shape=(3,)), nn.Dense(2), nn.Dense(2)], seed=0)
    >>> r = randomize_layers(m, 1, seed=1)
    >>> [bool(np.array_equal(a, b)) for a, b in zip(m.get_weights(), r.get_weights())]
    [True, True, False, True]
    """
    model = _check_model(model)
    top = check_int("top", top, minimum=0)
    if top > len(model.layers):
        raise ValueError(f"top must be at most {len(model.layers)} (the number of layers), got {top}")
    seed = check_seed(seed)
    twin = _copy(model)
    rng = np.random.default_rng(seed)
    for layer in twin.layers[len(twin.layers) - top:]:
        layer.kernel[...] = layer.kernel_initializer(layer.kernel.shape, twin.dtype, rng)
        if layer.use_bias:
            layer.bias[...] = layer.bias_initializer(layer.bias.shape, twin.dtype, rng)
    return twin


def shift_inputs(model: nn.Sequential, shift: ArrayLike | float) -> nn.Sequential:
    """A model that sees inputs shifted by ``shift`` exactly as ``model`` sees the originals (eq-ch5-shift).

    Kindermans et al. (2019): with :math:`\\mathbf{x}^+ = \\mathbf{x} + \\mathbf{s}`, change only the first
    layer's bias,

    .. math::
        \\mathbf{b}_1^+ = \\mathbf{b}_1 - \\mathbf{s}^{\\top} W_1
        \\quad\\Longrightarrow\\quad
        (\\mathbf{x} + \\mathbf{s})^{\\top} W_1 + \\mathbf{b}_1^+ = \\mathbf{x}^{\\top} W_1 + \\mathbf{b}_1,
        \\qquad f^+(\\mathbf{x}^+) = f(\\mathbf{x})
        \\tag{eq-ch5-shift}

    so the two models make the same decisions with the same confidence, and have the same input
    gradients; any attribution that changes between them responds to the shift, not to the model.

    Parameters
    ----------
    model : companion.nn.Sequential
        Its first layer must have a bias.
    shift : float or array_like of shape (d,)

    Returns
    -------
    companion.nn.Sequential
        A copy with the new first-layer bias; ``model`` is not changed.

    Examples
    --------
    >>> from companion import nn
    >>> m = nn.Sequential([nn.Input(shape=(2,)), nn.Dense(3, activation="softmax")], seed=0, dtype="float64")
    >>> x = np.array([[0.2, 0.7]])
    >>> bool(np.allclose(shift_inputs(m, 0.5).predict(x + 0.5), m.predict(x), rtol=0, atol=1e-15))
    True
    """
    model = _check_model(model)
    s = np.asarray(shift, dtype=model.dtype)
    if s.ndim == 0:
        s = np.full(model.input_dim, s)
    if s.shape != (model.input_dim,) or not np.isfinite(s).all():
        raise ValueError(f"shift must be a finite number or {model.input_dim} finite numbers, got shape {s.shape}")
    if not model.layers[0].use_bias:
        raise ValueError("shift_inputs needs a first layer with a bias (use_bias=True)")
    twin = _copy(model)
    first = twin.layers[0]
    first.bias[...] = first.bias - s @ first.kernel
    return twin
