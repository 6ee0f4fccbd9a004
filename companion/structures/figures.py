"""The figures of chapter 5, "More complex structures": signals, accuracy bars, test curves.

Matplotlib is imported when a figure is drawn, through :mod:`companion.plots`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from companion._validation import check_int
from companion.structures.training import summarize

__all__ = ["plot_accuracy_bars", "plot_signals", "plot_test_curves"]


def _axes(ax: Any | None, figsize: tuple[float, float]) -> tuple[Any, Any]:
    """The given axes and their figure, or a new one-panel figure in the book's style."""
    if ax is not None:
        return ax.figure, ax
    from companion.plots import new_figure

    fig, axes = new_figure(figsize=figsize)
    return fig, axes[0, 0]


def plot_signals(x: ArrayLike, y: ArrayLike, per_class: int = 3, ax: Sequence[Any] | None = None):
    """A few examples of each class of a 1-D data set, one panel per class.

    Parameters
    ----------
    x : array_like of shape (n, L)
    y : array_like of int, shape (n,)
    per_class : int, default 3
        Examples drawn per class (the first ones in ``x``).
    ax : sequence of Axes, optional
        One per class.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from companion.plots import PALETTE, new_figure

    x, y = np.asarray(x, dtype=float), np.asarray(y)
    if x.ndim != 2 or y.shape != (len(x),):
        raise ValueError(f"x must have shape (n, L) and y shape (n,), got {x.shape} and {y.shape}")
    per_class = check_int("per_class", per_class, minimum=1)
    classes = np.unique(y)
    if ax is None:
        ncols = min(5, len(classes))
        nrows = -(-len(classes) // ncols)
        fig, grid = new_figure(nrows, ncols, figsize=(2.1 * ncols, 2.0 * nrows), sharex=True, sharey=True)
        axes = list(grid.flat)
    else:
        axes = list(ax)
        if len(axes) < len(classes):
            raise ValueError(f"ax has {len(axes)} axes for {len(classes)} classes")
        fig = axes[0].figure
    position = np.arange(x.shape[1])
    for a, c in zip(axes, classes):
        for j, row in enumerate(x[y == c][:per_class]):
            a.plot(position, row, lw=1.2, color=PALETTE[j % len(PALETTE)])
        a.set_title(f"class {c}", fontsize=10)
    for a in axes[len(classes):]:
        a.set_axis_off()
    ncols = axes[0].get_gridspec().ncols if axes[0].get_gridspec() is not None else len(axes)
    for i, a in enumerate(axes[:len(classes)]):
        if i % ncols == 0:
            a.set_ylabel("value")
        if i >= len(classes) - ncols:
            a.set_xlabel("position")
    return fig


def plot_accuracy_bars(
    results: Mapping[str, Mapping[str, ArrayLike]],
    published: Mapping[str, Mapping[str, float]] | None = None,
    ax: Any | None = None,
):
    """Grouped bars of test accuracy (mean over seeds, error bar one standard deviation).

    Parameters
    ----------
    results : mapping model -> mapping condition -> array of accuracies (one per seed, in [0, 1])
        E.g. ``{"MLP": {"ordered": [...], "shuffled": [...]}, ...}``; every model needs the same
        conditions.
    published : mapping model -> mapping condition -> accuracy, optional
        Reference values, drawn as black diamonds on their bars.
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from companion.plots import PALETTE

    models = list(results)
    if not models:
        raise ValueError("results must hold at least one model")
    conditions = list(results[models[0]])
    for m in models:
        if list(results[m]) != conditions:
            raise ValueError(f"every model needs the conditions {conditions}; {m!r} has {list(results[m])}")
    fig, ax = _axes(ax, figsize=(1.6 * len(models) + 2.4, 3.6))
    width = 0.8 / len(conditions)
    for j, cond in enumerate(conditions):
        xs = np.arange(len(models)) + (j - (len(conditions) - 1) / 2) * width
        stats = [summarize(results[m][cond]) for m in models]
        ax.bar(xs, [100 * s.mean for s in stats], width, yerr=[100 * s.sd for s in stats],
               capsize=3, color=PALETTE[j % len(PALETTE)], label=cond)
        if published is not None:
            ref = [(x, 100 * published[m][cond]) for x, m in zip(xs, models)
                   if m in published and cond in published[m]]
            if ref:
                ax.plot(*zip(*ref), "D", color="black", ms=5, ls="none",
                        label="published" if j == 0 else None)
    ax.set_xticks(np.arange(len(models)), models)
    ax.set_ylabel("test accuracy (%)")
    ax.set_ylim(0, 100)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", fontsize=9)
    return fig


def plot_test_curves(curves: Mapping[str, ArrayLike], ax: Any | None = None):
    """Test accuracy against epoch: the mean over seeds as a line, plus or minus one sd as a band.

    Parameters
    ----------
    curves : mapping of label -> array of shape (n_seeds, epochs), accuracies in [0, 1]
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not curves:
        raise ValueError("curves must hold at least one curve")
    fig, ax = _axes(ax, figsize=(5.6, 3.6))
    for label, values in curves.items():
        v = 100 * np.asarray(values, dtype=float)
        if v.ndim != 2 or v.shape[0] < 2:
            raise ValueError(f"curve {label!r} must have shape (n_seeds >= 2, epochs), got {v.shape}")
        epochs = np.arange(1, v.shape[1] + 1)
        mean, sd = v.mean(axis=0), v.std(axis=0, ddof=1)
        (line,) = ax.plot(epochs, mean, lw=1.6, label=label)
        ax.fill_between(epochs, mean - sd, mean + sd, color=line.get_color(), alpha=0.2, lw=0)
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy (%)")
    ax.legend(fontsize=9)
    return fig
