"""Figures of data and learning: digit images, learning curves, confusion matrices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from companion._validation import check_positive_int
from companion.plots.style import new_axes, new_figure

__all__ = ["plot_confusion_matrix", "plot_digits", "plot_history"]


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
    ncols = check_positive_int("ncols", ncols)
    if labels is not None:
        labels = np.asarray(labels)
    if predictions is not None:
        predictions = np.asarray(predictions)
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
        fig, grid = new_figure(1, len(metrics), figsize=(4.2 * len(metrics), 3.4))
        axes = list(grid.flat)
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
    fig, ax = new_axes(ax, figsize=(5.2, 4.6))
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
