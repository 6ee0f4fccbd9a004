"""Companion package of the executable textbook *Neural networks and the brain*.

Every submodule is loaded on first use (PEP 562): ``import companion`` costs nothing, and
``from companion import nn`` costs NumPy alone, not matplotlib, scikit-learn or TensorFlow.
``companion.data``, ``companion.plots``, ``companion.seed_everything`` ... work as attributes.

Modules
-------
nn
    The from-scratch engine: layers, activations, losses, optimizers, ``Sequential``.
neuro
    Biological neuron models and learning rules.
training
    The mathematics of training (chapter 3).
data
    Offline data sets (scikit-learn's handwritten digits at the article's 100 inputs) and
    deterministic stratified splits.
seed
    :func:`seed_everything`.
tf
    Quiet, deterministic TensorFlow/Keras set-up (imports TensorFlow only when called).
plots
    The single figure style of the book and the figures the chapters reuse.
report
    Numbers for the prose, rounded to what the text means (``glue``, ``below``).
scaling, structures, explain, attacks, fairness, facts
    The helpers of the later chapters.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what a type checker and an IDE see; at run time these load on first use
    from companion import attacks as attacks
    from companion import data as data
    from companion import explain as explain
    from companion import facts as facts
    from companion import fairness as fairness
    from companion import neuro as neuro
    from companion import nn as nn
    from companion import plots as plots
    from companion import report as report
    from companion import scaling as scaling
    from companion import seed as seed
    from companion import structures as structures
    from companion import tf as tf
    from companion import training as training
    from companion.seed import seed_everything

    __version__: str

#: Submodules loaded on first attribute access.
_SUBMODULES = frozenset({
    "attacks", "data", "explain", "facts", "fairness", "neuro", "nn", "plots", "report",
    "scaling", "seed", "structures", "tf", "training",
})

__all__ = ["__version__", "data", "neuro", "nn", "plots", "seed_everything", "tf", "training"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nnbrain-companion")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+unknown"


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"companion.{name}")
    if name == "seed_everything":
        from companion.seed import seed_everything

        return seed_everything
    if name == "__version__":
        globals()["__version__"] = value = _version()
        return value
    raise AttributeError(f"module 'companion' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES | {"__version__", "seed_everything"})
