"""Scaling: test error against data, the FLOPs of dense networks, and exact data parallelism.

Chapter 5 measures two of the article's trends, *more data* and *more compute*, on the digits.  The
equations of those pages live here, each in the function that computes it:

=========================  ==================================================================
``eq-ch5-power-law``       :func:`power_law`, :func:`fit_power_law`, :func:`power_law_window`
``eq-ch5-dense-flops``     :func:`dense_flops` (``kind="forward"``)
``eq-ch5-train-flops``     :func:`dense_flops` (``kind="training"``), :func:`training_flops`
``eq-ch5-data-parallel``   :func:`data_parallel_gradients`
``eq-ch5-amdahl``          :func:`amdahl_speedup`, :func:`parallel_fraction`
=========================  ==================================================================

The experiments themselves (:func:`learning_curve`, :func:`train_with_checkpoints`) train
:mod:`companion.nn` models; give them float64 models so that their results do not depend on the CPU's
BLAS kernel (chapter 5, "More data").

One concept per module, every public name re-exported here (``scaling.power_law``):

===============  ======================================================================
``power_laws``   power laws, nested balanced subsets, learning curves (more data)
``compute``      FLOPs of dense networks, the classifier, checkpointed training (more compute)
``parallel``     exact data-parallel gradients, Amdahl's law
===============  ======================================================================
"""

from __future__ import annotations

from companion.scaling.compute import (
    dense_classifier,
    dense_flops,
    train_with_checkpoints,
    training_flops,
)
from companion.scaling.parallel import (
    amdahl_speedup,
    data_parallel_gradients,
    parallel_fraction,
    shard_sizes,
)
from companion.scaling.power_laws import (
    LearningCurve,
    PowerLawFit,
    fit_power_law,
    learning_curve,
    power_law,
    power_law_window,
    stratified_order,
)

__all__ = [
    "LearningCurve",
    "PowerLawFit",
    "amdahl_speedup",
    "data_parallel_gradients",
    "dense_classifier",
    "dense_flops",
    "fit_power_law",
    "learning_curve",
    "parallel_fraction",
    "power_law",
    "power_law_window",
    "shard_sizes",
    "stratified_order",
    "train_with_checkpoints",
    "training_flops",
]
