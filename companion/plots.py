"""One figure style for the whole book, and the figures that chapters reuse.

Call :func:`use_book_style` once at the top of a notebook; every figure after that shares the same
fonts, sizes, colours and grid.  The plotting helpers return a ``matplotlib.figure.Figure``
that is *not* registered with ``pyplot``: a notebook shows it only where it asks to (for example
with myst-nb's ``glue`` and a captioned ``glue:figure``), never a second time at the end of the cell,
and no figure is left open in a long-running kernel.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

__all__ = [
    "BOOK_STYLE",
    "PALETTE",
    "new_figure",
    "plot_confusion_matrix",
    "plot_digits",
    "plot_history",
    "plot_binary_problem",
    "plot_log_bars",
    "plot_raster",
    "plot_semilog",
    "plot_timeline",
    "use_book_style",
]

#: Colour-blind-safe palette (Okabe & Ito, 2008), in the order lines are drawn.
PALETTE: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
)

#: The rcParams of the book's figures.
BOOK_STYLE: dict[str, object] = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
    "legend.frameon": False,
    "image.cmap": "viridis",
    "svg.hashsalt": "nnbrain",  # identical SVG ids on every run
}


def use_book_style() -> None:
    """Apply :data:`BOOK_STYLE` to matplotlib's global ``rcParams``.

    In a Jupyter kernel it also registers the PNG display of figures, so that a figure made by
    this module can be shown or glued without importing ``pyplot``.
    """
    mpl.rcParams.update(BOOK_STYLE)
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to register
        return
    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")


def new_figure(nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] | None = None,
               **subplot_kw: object) -> tuple[Figure, np.ndarray]:
    """A figure with a grid of axes, outside ``pyplot`` and with constrained layout.

    Parameters
    ----------
    nrows, ncols : int
        Grid of axes.
    figsize : (float, float), optional
        Size in inches; default from the current rcParams.
    **subplot_kw
        Passed to ``matplotlib.figure.Figure.subplots``.

    Returns
    -------
    fig : Figure
    axes : ndarray of Axes, shape (nrows, ncols)
    """
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, axes


def _new_axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> tuple[Figure, Axes]:
    if ax is None:
        fig, axes = new_figure(figsize=figsize)
        return fig, axes[0, 0]
    return ax.figure, ax


def plot_digits(
    images: ArrayLike,
    labels: Sequence[int] | ArrayLike | None = None,
    predictions: Sequence[int] | ArrayLike | None = None,
    ncols: int = 10,
    size: float = 0.9,
) -> Figure:
    """Show grey-level images in a grid, titled with their labels (and predictions if given).

    Parameters
    ----------
    images : array_like of shape (n, h, w) or (n, h*w) with h*w a perfect square
    labels : sequence of int, optional
        True labels, shown as titles.
    predictions : sequence of int, optional
        Predicted labels; shown as "true -> predicted" in the titles.
    ncols : int, default 10
        Images per row.
    size : float, default 0.9
        Side of one image in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = np.asarray(images, dtype=float)
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(
                f"images of shape (n, {images.shape[1]}) are not flattened squares; "
                "pass (n, h, w) images"
            )
        images = images.reshape(len(images), side, side)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must have shape (n, h, w) with n >= 1, got {images.shape}")
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    for name, seq in (("labels", labels), ("predictions", predictions)):
        if seq is not None and len(seq) != len(images):
            raise ValueError(f"{name} has {len(seq)} entries but there are {len(images)} images")
    n = len(images)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = new_figure(nrows, ncols, figsize=(size * ncols, size * nrows * 1.2))
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= n:
            continue
        ax.imshow(images[i], cmap="gray_r", vmin=0.0, vmax=max(1.0, float(images.max())))
        if labels is not None and predictions is not None:
            ax.set_title(f"{labels[i]}→{predictions[i]}", fontsize=9)
        elif labels is not None:
            ax.set_title(str(labels[i]), fontsize=9)
    return fig


def plot_history(
    history: Mapping[str, Sequence[float]],
    metrics: Sequence[str] = ("loss", "accuracy"),
    ax: Sequence[Axes] | None = None,
) -> Figure:
    """Learning curves: one panel per metric, training and validation (``val_``) curves overlaid.

    Parameters
    ----------
    history : mapping of str to sequence of float
        Per-epoch values, e.g. Keras's ``model.fit(...).history``.
    metrics : sequence of str, default ("loss", "accuracy")
        Which metrics to draw; each needs a key in ``history``.
    ax : sequence of Axes, optional
        Axes to draw into, one per metric.

    Returns
    -------
    matplotlib.figure.Figure
    """
    missing = [m for m in metrics if m not in history]
    if missing:
        raise ValueError(f"history has no {missing}; it has {sorted(history)}")
    if ax is None:
        fig, axes = new_figure(1, len(metrics), figsize=(4.2 * len(metrics), 3.4))
        axes = list(axes.flat)
    else:
        axes = list(ax)
        if len(axes) != len(metrics):
            raise ValueError(f"ax has {len(axes)} axes but {len(metrics)} metrics are drawn")
        fig = axes[0].figure
    for a, name in zip(axes, metrics):
        epochs = np.arange(1, len(history[name]) + 1)
        a.plot(epochs, history[name], marker="o", ms=3, label="training")
        if f"val_{name}" in history:
            a.plot(epochs, history[f"val_{name}"], marker="s", ms=3, label="validation")
        a.set_xlabel("epoch")
        a.set_ylabel(name)
        a.legend()
    return fig


def plot_confusion_matrix(
    matrix: ArrayLike, class_names: Sequence[str] | None = None, ax: Axes | None = None
) -> Figure:
    """Draw a confusion matrix (rows: true class, columns: predicted class) with counts in cells.

    Parameters
    ----------
    matrix : array_like of shape (k, k)
        Counts, e.g. from ``sklearn.metrics.confusion_matrix``.
    class_names : sequence of str, optional
        Tick labels; default ``0 .. k-1``.
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"matrix must be square, got shape {matrix.shape}")
    k = matrix.shape[0]
    names = [str(i) for i in range(k)] if class_names is None else [str(c) for c in class_names]
    if len(names) != k:
        raise ValueError(f"class_names has {len(names)} names for a {k}x{k} matrix")
    fig, ax = _new_axes(ax, figsize=(5.2, 4.6))
    ax.grid(False)
    im = ax.imshow(matrix, cmap="Blues")
    threshold = matrix.max() / 2 if matrix.size else 0
    for i in range(k):
        for j in range(k):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if matrix[i, j] > threshold else "black")
    ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    return fig


def plot_timeline(
    years: Sequence[int], events: Sequence[str], ax: Axes | None = None
) -> Figure:
    """A horizontal timeline: one dot per event, labels alternating above and below the axis.

    Parameters
    ----------
    years : sequence of int
    events : sequence of str
        One label per year.
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(years) != len(events) or len(years) == 0:
        raise ValueError(
            f"years and events must be non-empty and of equal length, got {len(years)} and {len(events)}"
        )
    fig, ax = _new_axes(ax, figsize=(9.0, 4.2))
    ax.grid(False)
    ax.axhline(0, color="0.4", lw=1)
    levels = (1.0, -1.0, 2.0, -2.0)  # alternate sides and heights so neighbours never overlap
    for i, (year, event) in enumerate(zip(years, events)):
        level = levels[i % 4]
        ax.plot([year, year], [0, level], color="0.6", lw=0.8)
        ax.plot(year, 0, "o", color=PALETTE[0])
        label = f"{year}\n" + textwrap.fill(event, 22)
        ax.text(year, level * 1.05, label, ha="center", va="bottom" if level > 0 else "top",
                fontsize=8.5)
    span = max(years) - min(years)
    ax.set_xlim(min(years) - 0.12 * span, max(years) + 0.12 * span)
    ax.set_ylim(-3.4, 3.4)
    ax.set_yticks([])
    ax.spines[["left", "top", "right"]].set_visible(False)
    ax.set_xlabel("year")
    return fig


def plot_log_bars(
    labels: Sequence[str],
    values: Sequence[float],
    colors: Sequence[str] | None = None,
    xlabel: str = "",
    ax: Axes | None = None,
) -> Figure:
    """Horizontal bars on a logarithmic axis, each annotated with its value.

    Parameters
    ----------
    labels : sequence of str
    values : sequence of float
        Positive values (a log axis cannot show zero or negative numbers).
    colors : sequence of str, optional
        One colour per bar; default the first palette colour.
    xlabel : str
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    vals = np.asarray(values, dtype=float)
    if len(labels) != len(vals) or len(vals) == 0:
        raise ValueError(f"labels and values must be non-empty and of equal length, got {len(labels)} and {len(vals)}")
    if not np.all(np.isfinite(vals)) or np.any(vals <= 0):
        raise ValueError(f"values must be positive and finite for a log axis, got {vals.tolist()}")
    fig, ax = _new_axes(ax, figsize=(7.5, 0.45 * len(vals) + 1.2))
    y = np.arange(len(vals))[::-1]
    ax.barh(y, vals, color=list(colors) if colors is not None else PALETTE[0])
    ax.set_xscale("log")
    ax.set_yticks(y, list(labels))
    for yi, v in zip(y, vals):
        ax.text(v * 1.3, yi, f"{v:.3g}", va="center", fontsize=8.5)
    ax.set_xlim(vals.min() / 10, vals.max() * 100)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    return fig


# ---------------------------------------------------------------- figures of chapters 1 and 2


def plot_semilog(
    x: ArrayLike,
    curves: Mapping[str, ArrayLike],
    xlabel: str = "",
    ylabel: str = "",
    ax: Axes | None = None,
) -> Figure:
    """Several curves against a common ``x``, on a logarithmic vertical axis, with a legend.

    Parameters
    ----------
    x : array_like of shape (n,)
    curves : mapping of str to array_like of shape (n,)
        Legend label to positive values.
    xlabel, ylabel : str
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0 or not curves:
        raise ValueError("x must be a non-empty 1-D array and curves a non-empty mapping")
    fig, ax = _new_axes(ax, figsize=(6.0, 3.6))
    for i, (label, y) in enumerate(curves.items()):
        y = np.asarray(y, dtype=float)
        if y.shape != x.shape:
            raise ValueError(f"curve {label!r} has shape {y.shape}, x has {x.shape}")
        if not np.all(np.isfinite(y)) or np.any(y <= 0):
            raise ValueError(f"curve {label!r} must be positive and finite for a log axis")
        ax.plot(x, y, marker="o", ms=3, color=PALETTE[i % len(PALETTE)], label=label)
    ax.set_yscale("log")
    if np.all(x == np.round(x)):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return fig


def plot_raster(
    trains: Sequence[ArrayLike],
    duration: float,
    ax: Axes | None = None,
    color: str | None = None,
) -> Figure:
    """A spike raster: one row per trial (or neuron), one tick per spike, trial 1 at the top.

    Parameters
    ----------
    trains : sequence of array_like
        Spike times (ms) of each trial.
    duration : float
        Right end of the time axis, ms (> 0).
    ax : Axes, optional
    color : str, optional
        Tick colour; default the last palette colour (black).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(trains) == 0:
        raise ValueError("trains must contain at least one spike train")
    if not np.isfinite(duration) or duration <= 0:
        raise ValueError(f"duration must be positive, got {duration}")
    fig, ax = _new_axes(ax, figsize=(6.4, 0.18 * len(trains) + 1.2))
    n = len(trains)
    positions = [np.asarray(t, dtype=float) for t in trains]
    ax.eventplot(positions, lineoffsets=np.arange(1, n + 1), linelengths=0.8,
                 colors=color or PALETTE[-1], linewidths=1.0)
    ax.set_xlim(0, duration)
    ax.set_ylim(n + 0.7, 0.3)  # inverted: trial 1 at the top
    ax.set_ylabel("trial")
    ax.grid(False)
    return fig


def plot_binary_problem(
    X: ArrayLike,
    y: ArrayLike,
    w: ArrayLike | None = None,
    b: float = 0.0,
    title: str = "",
    ax: Axes | None = None,
) -> Figure:
    """Points of a two-class problem in the plane, and optionally the line ``w . x + b = 0``.

    Class 1 is drawn as filled orange circles, class 0 as open blue squares; the side of the line
    where ``w . x + b > 0`` (predicted class 1) is shaded.

    Parameters
    ----------
    X : array_like of shape (n, 2)
    y : array_like of shape (n,)
        Labels 0 or 1.
    w : array_like of shape (2,), optional
        Weights of a linear threshold unit; None draws no line.
    b : float, default 0.0
        Its bias.
    title : str
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must have shape (n, 2) and y shape (n,), got {X.shape} and {y.shape}")
    fig, ax = _new_axes(ax, figsize=(4.0, 4.0))
    pad = 0.15 * max(float(np.ptp(X[:, 0])), float(np.ptp(X[:, 1])), 1.0)
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    if w is not None:
        w = np.asarray(w, dtype=float)
        if w.shape != (2,) or not np.any(w):
            raise ValueError(f"w must be a nonzero vector of shape (2,), got {w}")
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 201), np.linspace(lo[1], hi[1], 201))
        side = (w[0] * gx + w[1] * gy + b > 0).astype(float)
        ax.contourf(gx, gy, side, levels=[0.5, 1.5], colors=[PALETTE[1]], alpha=0.12)
        ax.contour(gx, gy, w[0] * gx + w[1] * gy + b, levels=[0.0], colors=["0.3"], linewidths=1.2)
    ax.scatter(*X[y == 0].T, marker="s", facecolors="none", edgecolors=PALETTE[0], label="class 0", zorder=3)
    ax.scatter(*X[y == 1].T, marker="o", color=PALETTE[1], label="class 1", zorder=3)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title)
    return fig
