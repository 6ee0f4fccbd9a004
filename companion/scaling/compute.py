"""More compute: the FLOPs of a dense network (eqs. ``eq-ch5-dense-flops`` and
``eq-ch5-train-flops``), and the classifier and checkpointed training that measure accuracy
against them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from companion._validation import check_positive_int, describe

if TYPE_CHECKING:  # companion.nn is imported when a model is built, not with this module
    from companion.nn import Sequential
    from companion.nn.optimizers import Optimizer

__all__ = ["dense_classifier", "dense_flops", "train_with_checkpoints", "training_flops"]


def _layer_sizes(layer_sizes: Sequence[int]) -> list[int]:
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(f"layer_sizes must be a sequence of ints, got {describe(layer_sizes)}")
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs an input width and at least one layer, got {sizes}")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"layer_sizes must hold ints, got {describe(n)}")
        if n < 1:
            raise ValueError(f"layer_sizes must be positive integers, got {sizes}")
    return [int(n) for n in sizes]


def dense_classifier(
    layer_sizes: Sequence[int], seed: int = 0, dtype: str = "float64", optimizer: str | Optimizer = "adam"
) -> Sequential:
    """A compiled :mod:`companion.nn` classifier: ReLU hidden layers and a softmax output.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_0, n_1, ..., n_L]``: inputs, hidden widths, classes; ``[100, 64, 64, 10]`` is the article's
        network.
    seed : int, default 0
        Initialisation and shuffling.
    dtype : {"float64", "float32"}, default "float64"
        float64 so that results do not depend on the BLAS kernel.
    optimizer : str or companion.nn optimizer, default "adam"

    Returns
    -------
    companion.nn.Sequential
        Compiled with sparse categorical cross-entropy and ``metrics=["accuracy"]``.
    """
    from companion import nn

    sizes = _layer_sizes(layer_sizes)
    hidden = [nn.Dense(width, activation="relu") for width in sizes[1:-1]]
    output = nn.Dense(sizes[-1], activation="softmax")
    model = nn.Sequential([nn.Input(shape=(sizes[0],)), *hidden, output], seed=seed, dtype=dtype)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def dense_flops(layer_sizes: Sequence[int], kind: str = "training") -> int:
    """Floating-point operations per example of a stack of dense layers (matrix products only).

    A dense layer with :math:`n_{l-1}` inputs and :math:`n_l` outputs multiplies each input by a
    :math:`n_{l-1} \\times n_l` matrix: :math:`n_{l-1} n_l` multiply-adds, 2 FLOPs each,

    .. math::

        F_\\text{fwd} = \\sum_{l=1}^{L} 2\\, n_{l-1}\\, n_l .
        \\tag{eq-ch5-dense-flops}

    Back-propagation through the same layer needs two products of the same size: the gradient of the
    weights, :math:`\\mathbf{a}_{l-1}^\\top \\boldsymbol\\delta_l`, and the error passed down,
    :math:`\\boldsymbol\\delta_l W_l^\\top`, which the first layer does not need.  One training step per
    example therefore costs

    .. math::

        F_\\text{train} = F_\\text{fwd} + F_\\text{bwd}
        = 3 F_\\text{fwd} - 2\\, n_0\\, n_1 \\;\\approx\\; 3 F_\\text{fwd}.
        \\tag{eq-ch5-train-flops}

    Biases, activations, the loss and the optimizer add :math:`O(\\sum_l n_l)` operations, negligible
    next to the products for wide layers, and are not counted (the convention of Kaplan et al. 2020 and
    of Amodei & Hernandez 2018, whose :math:`C \\approx 6ND` is eq-ch5-train-flops with
    :math:`F_\\text{fwd} = 2N`).

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_0, n_1, ..., n_L]``.
    kind : {"training", "forward", "backward"}, default "training"

    Returns
    -------
    int
        FLOPs per example.

    Examples
    --------
    >>> dense_flops([100, 64, 64, 10], "forward")     # the article's network
    22272
    >>> dense_flops([100, 64, 64, 10])                # 3 x 22,272 - 2 x 100 x 64
    54016
    """
    sizes = _layer_sizes(layer_sizes)
    if kind not in ("training", "forward", "backward"):
        raise ValueError(f"kind must be 'training', 'forward' or 'backward', got {kind!r}")
    products = [2 * a * b for a, b in zip(sizes[:-1], sizes[1:])]
    forward = sum(products)
    backward = 2 * forward - products[0]
    return {"forward": forward, "backward": backward, "training": forward + backward}[kind]


def training_flops(layer_sizes: Sequence[int], examples: int) -> int:
    """Total FLOPs of training: eq-ch5-train-flops times the number of examples processed.

    .. math::

        C = F_\\text{train} \\times (\\text{examples seen}) = F_\\text{train} \\times \\text{steps} \\times B

    Parameters
    ----------
    layer_sizes : sequence of int
    examples : int
        Examples processed in training (epochs x training-set size, or steps x batch size).

    Returns
    -------
    int

    Examples
    --------
    >>> training_flops([100, 64, 64, 10], 1000)
    54016000
    """
    return dense_flops(layer_sizes, "training") * check_positive_int("examples", examples)


def train_with_checkpoints(
    model: Sequential, x: NDArray, y: NDArray, x_test: NDArray, y_test: NDArray,
    checkpoints: Sequence[int], batch_size: int = 32,
) -> NDArray[np.float64]:
    """Train ``model`` on a shuffled stream of ``(x, y)`` and record test accuracy at given step counts.

    The training set is repeated into one stream of ``checkpoints[-1] * batch_size`` examples (each
    sample equally often, up to one), shuffled once with the model's own generator, and fed to
    ``fit`` in pieces that end at each checkpoint, so the run is one continuous training whose
    progress is looked at along the way.

    Parameters
    ----------
    model : companion.nn.Sequential
        Compiled, with an ``"accuracy"`` metric.
    x, y, x_test, y_test : ndarray
    checkpoints : sequence of int
        Increasing step counts.
    batch_size : int, default 32

    Returns
    -------
    ndarray of shape (len(checkpoints),)
        Test accuracy after each checkpoint.
    """
    steps = [check_positive_int("checkpoints", c) for c in checkpoints]
    if not steps or any(b <= a for a, b in zip(steps[:-1], steps[1:])):
        raise ValueError(f"checkpoints must be increasing step counts, got {steps}")
    batch_size = check_positive_int("batch_size", batch_size)
    stream = model.rng.permutation(np.resize(np.arange(len(x)), steps[-1] * batch_size))
    accuracy, done = [], 0
    for step in steps:
        part = stream[done * batch_size: step * batch_size]
        model.fit(x[part], y[part], epochs=1, batch_size=batch_size, shuffle=False, verbose=0)
        accuracy.append(model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"])
        done = step
    return np.asarray(accuracy)
