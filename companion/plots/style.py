"""The book's figure style: palette, rcParams, and the factory of figures outside ``pyplot``.

Call :func:`use_book_style` once at the top of a notebook; every figure after that shares the same
fonts, sizes, colours and grid.  :func:`new_figure` returns a ``matplotlib.figure.Figure`` that is
*not* registered with ``pyplot``: a notebook shows it only where it asks to (for example with
myst-nb's ``glue`` and a captioned ``glue:figure``), never a second time at the end of the cell,
and no figure is left open in a long-running kernel.
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.rcsetup import cycler
from matplotlib.typing import RcKeyType

__all__ = ["BOOK_STYLE", "PALETTE", "new_axes", "new_figure", "use_book_style"]

#: Colour-blind-safe palette (Okabe & Ito, 2008), in the order lines are drawn.
PALETTE: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
)

#: The rcParams of the book's figures.
BOOK_STYLE: dict[RcKeyType, Any] = {
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
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "legend.frameon": False,
    "image.cmap": "viridis",
    "svg.hashsalt": "nnbrain",  # identical SVG ids on every run
}


def use_book_style() -> None:
    """Apply ``BOOK_STYLE`` to matplotlib's global ``rcParams``.

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
               **subplot_kw: Any) -> tuple[Figure, np.ndarray]:
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


def new_axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> tuple[Figure, Axes]:
    """The figure and axes to draw into: ``ax`` and its figure, or one new axes on a new figure.

    The helper every plotting function with an optional ``ax`` argument uses.

    Parameters
    ----------
    ax : Axes or None
        Axes given by the caller; None makes a new figure (:func:`new_figure`).
    figsize : (float, float), optional
        Size of the new figure in inches.

    Returns
    -------
    fig : Figure
    ax : Axes

    Examples
    --------
    >>> fig, ax = new_axes(None, figsize=(3.0, 2.0))
    >>> new_axes(ax)[0] is fig
    True
    """
    if ax is None:
        fig, axes = new_figure(figsize=figsize)
        return fig, axes[0, 0]
    root = ax.get_figure(root=True)
    if root is None:
        raise ValueError("ax must belong to a figure")
    return root, ax
