"""One figure style for the whole book, and the figures that chapters reuse.

Call :func:`use_book_style` once at the top of a notebook; every figure after that shares the same
fonts, sizes, colours and grid.  The plotting helpers return a ``matplotlib.figure.Figure``
that is *not* registered with ``pyplot``: a notebook shows it only where it asks to (for example
with myst-nb's ``glue`` and a captioned ``glue:figure``), never a second time at the end of the cell,
and no figure is left open in a long-running kernel.

One concept per module, every name re-exported here (``plots.new_figure``, ``plots.plot_raster``):

=============  ========================================================================
``style``      the palette, the rcParams, :func:`use_book_style`, the figure factory
``learning``   digit images, learning curves, confusion matrices
``charts``     a timeline, bars on a log axis, curves on a log axis
``neurons``    spike rasters, two-class problems with a threshold unit's line
=============  ========================================================================
"""

from __future__ import annotations

from companion.plots.charts import plot_log_bars, plot_semilog, plot_timeline
from companion.plots.learning import plot_confusion_matrix, plot_digits, plot_history
from companion.plots.neurons import plot_binary_problem, plot_raster
from companion.plots.style import BOOK_STYLE, PALETTE, new_axes, new_figure, use_book_style

__all__ = [
    "BOOK_STYLE",
    "PALETTE",
    "new_axes",
    "new_figure",
    "plot_binary_problem",
    "plot_confusion_matrix",
    "plot_digits",
    "plot_history",
    "plot_log_bars",
    "plot_raster",
    "plot_semilog",
    "plot_timeline",
    "use_book_style",
]
