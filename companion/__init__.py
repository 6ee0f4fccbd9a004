"""Companion package of the executable textbook *Neural networks and the brain*.

Modules
-------
data
    Offline data sets (scikit-learn's handwritten digits at the article's 100 inputs) and
    deterministic stratified splits.
seed
    :func:`seed_everything`.
tf
    Quiet, deterministic TensorFlow/Keras set-up (imports TensorFlow only when called).
plots
    The single figure style of the book and the figures the chapters reuse.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from companion import data, plots, tf
from companion.seed import seed_everything

try:
    __version__ = version("nnbrain-companion")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__", "data", "plots", "seed_everything", "tf"]
