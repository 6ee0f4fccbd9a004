"""One figure style for the whole book, and the figures that chapters reuse.

Call :func:`use_book_style` once at the top of a notebook; every figure after that shares the same
fonts, sizes, colours and grid.  The plotting helpers return a ``matplotlib.figure.Figure``
that is *not* registered with ``pyplot``: a notebook shows it only where it asks to (for example
with myst-nb's ``glue`` and a captioned ``glue:figure``), never a second time at the end of the cell,
and no figure is left open in a long-running kernel.
"""

from __future__ import annotations

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
    "plot_log_bars",
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
    fig, ax = _new_axes(ax, figsize=(9.0, 3.6))
    ax.grid(False)
    ax.axhline(0, color="0.4", lw=1)
    for i, (year, event) in enumerate(zip(years, events)):
        level = (1.0 + 0.6 * (i % 2 == 1 and i % 4 == 3)) * (1 if i % 2 == 0 else -1)
        ax.plot([year, year], [0, level * 0.8], color="0.6", lw=0.8)
        ax.plot(year, 0, "o", color=PALETTE[0])
        ax.text(year, level, f"{year}\n{event}", ha="center", va="bottom" if level > 0 else "top",
                fontsize=8.5)
    span = max(years) - min(years)
    ax.set_xlim(min(years) - 0.08 * span, max(years) + 0.08 * span)
    ax.set_ylim(-2.4, 2.4)
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
