"""Three attribution methods: saliency (eq. eq-ch5-saliency), integrated gradients (eqs. eq-ch5-ig,
eq-ch5-ig-riemann, eq-ch5-completeness) and occlusion (eq. eq-ch5-occlusion), and the output
:math:`f_c` they explain.

The gradients come from the engine's public :meth:`~companion.nn.model.Sequential.input_gradient`;
nothing here changes a model's weights.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion import nn
from companion._validation import check_int, check_real
from companion.explain._checks import (
    check_baseline,
    check_inputs,
    check_model,
    check_of,
    check_scores,
    check_target,
    weights_of,
)

__all__ = [
    "completeness_gap",
    "explained_output",
    "integrated_gradients",
    "occlusion",
    "output",
    "saliency",
]


def explained_output(model: nn.Sequential, x: NDArray, target: NDArray, of: str) -> NDArray:
    """:math:`f_c(\\mathbf{x})` for each row: the probability (last layer's output) or the logit."""
    h = x
    for layer in model.layers[:-1]:
        h = layer.forward(h)
    last = model.layers[-1]
    if of == "logit":
        if not isinstance(last, nn.Dense):
            raise TypeError(f"of='logit' needs a Dense last layer, got a {type(last).__name__}")
        kernel, bias = weights_of(last)
        z = h @ kernel
        out = z + bias if bias is not None else z
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
    model = check_model(model)
    x = check_inputs(model, x)
    return explained_output(model, x, check_target(model, x, target), check_of(of))


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
    model = check_model(model)
    x = check_inputs(model, x)
    target = check_target(model, x, target)
    return np.abs(model.input_gradient(x, target, of=check_of(of)))


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
        \\qquad \\alpha_k = \\frac{k}{m} \\text{ (right)}
        \\ \\text{or}\\ \\frac{k - 1/2}{m} \\text{ (midpoint)}
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
    model = check_model(model)
    x = check_inputs(model, x)
    target = check_target(model, x, target)
    of = check_of(of)
    base = check_baseline(baseline, x)
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
        \\qquad \\text{gap} =
        \\frac{\\big|\\sum_i \\mathrm{IG}_i - (f_c(\\mathbf{x}) - f_c(\\mathbf{x}'))\\big|}
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
    model = check_model(model)
    x = check_inputs(model, x)
    target = check_target(model, x, target)
    of = check_of(of)
    a = check_scores(attributions, x, "attributions")
    base = check_baseline(baseline, x)
    change = (explained_output(model, x, target, of)
              - explained_output(model, np.ascontiguousarray(base), target, of))
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
    """Occlusion map: the mean drop of the output when a square patch covering a pixel is blanked
    (eq-ch5-occlusion).

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
    model = check_model(model)
    x = check_inputs(model, x)
    target = check_target(model, x, target)
    of = check_of(of)
    h, w = _side(x.shape[1], shape)
    p = check_int("patch", patch, minimum=1)
    if p > min(h, w):
        raise ValueError(f"patch must be at most {min(h, w)} (the image's smaller side), got {p}")
    fill = check_real("fill", fill)
    patches = []
    for r in range(h - p + 1):
        for c in range(w - p + 1):
            mask = np.zeros((h, w), dtype=bool)
            mask[r:r + p, c:c + p] = True
            patches.append(mask.ravel())
    masks = np.array(patches)                                           # (P, d)
    n, d = x.shape
    covered = np.where(masks[None], x.dtype.type(fill), x[:, None, :])  # (n, P, d)
    f_x = explained_output(model, x, target, of)
    f_cov = explained_output(model, covered.reshape(-1, d), np.repeat(target, len(masks)), of).reshape(n, -1)
    drop = np.where((covered == x[:, None, :]).all(axis=2), 0.0, f_x[:, None] - f_cov)
    return (drop @ masks) / masks.sum(axis=0)
