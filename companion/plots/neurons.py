"""Figures of neurons: spike rasters and two-class problems with a threshold unit's line."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from companion._validation import check_real
from companion.plots.style import PALETTE, new_axes

__all__ = ["plot_binary_problem", "plot_raster"]


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
    duration = check_real("duration", duration, positive=True)
    fig, ax = new_axes(ax, figsize=(6.4, 0.18 * len(trains) + 1.2))
    n = len(trains)
    positions = [np.asarray(t, dtype=float) for t in trains]
    ax.eventplot(positions, lineoffsets=list(range(1, n + 1)), linelengths=0.8,
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
    fig, ax = new_axes(ax, figsize=(4.0, 4.0))
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
