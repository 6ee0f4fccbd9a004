"""Figures of chapter 3 that take more than a few lines of matplotlib.

Both functions draw with :mod:`companion.plots`'s conventions: a figure outside ``pyplot`` from
:func:`companion.plots.new_figure`, colours from ``companion.plots.PALETTE``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

from companion import plots
from companion.training.backprop import GraphValues
from companion.training.surfaces import grid_values

__all__ = ["contour_paths", "plot_graph_example"]


def plot_graph_example(g: GraphValues, x: float, w: float, b: float) -> Figure:
    """The computational graph of eq. (eq-ch3-chain) with forward values and backward derivatives.

    Parameters
    ----------
    g : GraphValues
        From :func:`companion.training.backprop.graph_example` at the given ``x``, ``w``, ``b``.
    x, w, b : float
        The inputs, shown in the first box.
    """
    fig, axes = plots.new_figure(figsize=(8.0, 2.6))
    ax = axes[0, 0]
    boxes = [f"x = {x:g}\nw = {w:g}\nb = {b:g}".replace("-", "−"), f"z = wx + b\n= {g.z:g}",
             f"a = σ(z)\n= {g.a:g}", f"ℓ = ½(a − t)²\n= {g.loss:g}"]
    grads = [f"∂ℓ/∂w = δx = {g.dloss_dw:g}\n∂ℓ/∂b = δ = {g.dloss_db:g}", f"δ = ∂ℓ/∂z\n= {g.dloss_db:g}",
             f"∂ℓ/∂a = a − t\n= {g.dloss_da:g}"]
    for pos, text in enumerate(boxes):
        ax.text(pos, 0, text, ha="center", va="center", bbox=dict(boxstyle="round", fc="#f0f0f0", ec="0.5"))
    for pos, text in enumerate(grads):
        ax.annotate("", xy=(pos + 0.68, 0.12), xytext=(pos + 0.32, 0.12), arrowprops=dict(arrowstyle="->"))
        ax.annotate("", xy=(pos + 0.32, -0.12), xytext=(pos + 0.68, -0.12),
                    arrowprops=dict(arrowstyle="->", color=plots.PALETTE[1]))
        ax.text(pos, -0.45, text, ha="center", va="center", color=plots.PALETTE[1])
    ax.set(xlim=(-0.6, 3.6), ylim=(-0.7, 0.35))
    ax.axis("off")
    return fig


def contour_paths(
    ax: Axes,
    f: Callable[[NDArray], NDArray],
    paths: Mapping[str, NDArray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    levels: NDArray,
    minimum: tuple[float, float] | None = None,
    **line_kw: Any,
) -> None:
    """Grey contour lines of the 2-D function ``f`` and one line per optimizer path, on ``ax``.

    Parameters
    ----------
    paths : mapping of str to ndarray of shape (steps + 1, 2)
        Label and positions, e.g. from :func:`companion.training.surfaces.trajectory`.
    levels : array_like
        Contour levels (geometrically spaced ones suit losses).
    minimum : (float, float), optional
        Marked with a black star.
    **line_kw
        Passed to ``ax.plot`` for every path.
    """
    ax.contour(*grid_values(f, xlim, ylim), levels=np.asarray(levels), colors="0.75", linewidths=0.8)
    for label, path in paths.items():
        ax.plot(path[:, 0], path[:, 1], label=label, **line_kw)
    if minimum is not None:
        ax.plot(*minimum, marker="*", ms=12, color="k", ls="none")
    ax.set(xlim=xlim, ylim=ylim, xlabel="w₁", ylabel="w₂")
