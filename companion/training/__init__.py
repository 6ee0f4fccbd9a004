"""The mathematics of training, one concept per module (chapter 3 of the book).

=====================  ===================================================================
``init_experiments``   symmetry breaking; Glorot and He variances; signal propagation
``loss``               naive softmax, negative log-likelihood, the gradient p - y
``backprop``           the chain rule on a small graph; back-propagation in matrix form
``surfaces``           2-D loss surfaces and optimizer trajectories on them
``loop``               the training loop assembled from layers, loss and optimizer
``equations``          the table: equation label -> implementing functions -> tests
``figures``            the chapter's longer figures (computational graph, optimizer paths)
=====================  ===================================================================

Each function's docstring names the numbered equation of chapter 3 that it implements
(labels ``eq-ch3-...``); the chapter's last section tabulates equation, function and test.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from companion.training import (
        backprop,
        equations,
        figures,
        init_experiments,
        loop,
        loss,
        surfaces,
    )

__all__ = ["backprop", "equations", "figures", "init_experiments", "loop", "loss", "surfaces"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: ``figures`` needs matplotlib, the rest NumPy alone.
    if name in __all__:
        return importlib.import_module(f"companion.training.{name}")
    raise AttributeError(f"module 'companion.training' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
