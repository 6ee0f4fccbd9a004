"""More complex structures: what a convolution's built-in spatial prior is worth, measured.

Chapter 5, "More complex structures", trains logistic regression, a multilayer perceptron and a 1-D
convolutional network on MNIST-1D (Greydanus 2020), generated locally by the ``mnist1d`` package,
then repeats the comparison with the 40 features shuffled by one fixed permutation, and finally puts
a small 2-D convolutional network against the article's network on the digits.  The equations of
the page live here, each in the function that computes it:

=========================  ======================================================================
``eq-ch5-conv1d``          :func:`conv1d` (a from-scratch forward pass, checked against
                           ``keras.layers.Conv1D``)
``eq-ch5-conv-length``     :func:`conv1d_output_length`
``eq-ch5-conv-matrix``     :func:`conv1d_matrix` (the same layer as a banded dense matrix)
``eq-ch5-conv-params``     :func:`conv1d_parameter_count` and
                           :func:`companion.facts.dense_parameter_count`
``eq-ch5-shuffle``         :func:`shuffle_features`
=========================  ======================================================================

The networks are Keras models (:func:`logistic_regression`, :func:`mlp`, :func:`cnn1d`,
:func:`cnn2d`) that output logits.  :class:`Trainer` trains them with the same Adam steps as
``model.fit(..., shuffle=False)`` (a test checks this), but inside one compiled TensorFlow graph per
architecture that is reused for every seed and data set: for networks this small, ``fit``'s
per-step bookkeeping costs more than their arithmetic.

One concept per module, every public name re-exported here (``structures.conv1d``):

============  ========================================================================
``mnist1d``   the data set, generated locally, and the fixed feature shuffle
``conv``      a 1-D convolution's output, length, dense matrix and parameter count
``models``    the Keras networks (TensorFlow is imported when one is built)
``training``  :class:`Trainer`, :func:`train_seeds`, :func:`summarize`
``figures``   signals, accuracy bars, test curves (matplotlib is imported when drawing)
============  ========================================================================
"""

from __future__ import annotations

from companion.structures.conv import (
    conv1d,
    conv1d_matrix,
    conv1d_output_length,
    conv1d_parameter_count,
)
from companion.structures.figures import plot_accuracy_bars, plot_signals, plot_test_curves
from companion.structures.mnist1d import feature_permutation, load_mnist1d, shuffle_features
from companion.structures.models import cnn1d, cnn2d, logistic_regression, mlp
from companion.structures.training import Summary, Trainer, summarize, train_seeds

__all__ = [
    "Summary",
    "Trainer",
    "cnn1d",
    "cnn2d",
    "conv1d",
    "conv1d_matrix",
    "conv1d_output_length",
    "conv1d_parameter_count",
    "feature_permutation",
    "load_mnist1d",
    "logistic_regression",
    "mlp",
    "plot_accuracy_bars",
    "plot_signals",
    "plot_test_curves",
    "shuffle_features",
    "summarize",
    "train_seeds",
]
