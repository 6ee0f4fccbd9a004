"""General charts of the first chapters: a timeline, bars on a log axis, curves on a log axis."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from companion.plots.style import PALETTE, new_axes

__all__ = ["plot_log_bars", "plot_semilog", "plot_timeline"]


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
    fig, ax = new_axes(ax, figsize=(9.0, 4.2))
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
        raise ValueError(
            "labels and values must be non-empty and of equal length, "
            f"got {len(labels)} and {len(vals)}"
        )
    if not np.all(np.isfinite(vals)) or np.any(vals <= 0):
        raise ValueError(f"values must be positive and finite for a log axis, got {vals.tolist()}")
    fig, ax = new_axes(ax, figsize=(7.5, 0.45 * len(vals) + 1.2))
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
    fig, ax = new_axes(ax, figsize=(6.0, 3.6))
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
