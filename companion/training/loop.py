"""The training loop, assembled from the pieces of chapter 3.

One epoch visits the :math:`N` training examples once, in a fresh random order, in
:math:`\\lceil N/B \\rceil` mini-batches of :math:`B` (the last may be smaller), eq. (eq-ch3-steps)
(:func:`steps_per_epoch`).  Each mini-batch takes the steps of the chapter: forward pass
(eq-ch3-layer, :func:`forward`), loss and its gradient with respect to the logits (eq-ch3-nll,
eq-ch3-ce-grad), back-propagation (eq-ch3-backprop, :func:`backward`) and an optimizer step.
The loss reported for the epoch is the batch-size-weighted mean of the mini-batch losses, each
measured *before* its update, as Keras reports it:

.. math:: \\bar{\\mathcal{L}}_\\text{epoch} = \\frac{1}{N}\\sum_{\\text{batches } \\mathcal{B}}
   |\\mathcal{B}|\\, \\mathcal{L}_{\\mathcal{B}}
   \\tag{eq-ch3-epoch-loss}

(:func:`train_by_hand`).  Early stopping (:func:`early_stopping_epoch`) ends training once the
validation loss has not improved for ``patience`` epochs, eq. (eq-ch3-early-stop).

Examples
--------
>>> steps_per_epoch(1437, 32)
45
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
from numpy.typing import NDArray

from companion import nn

__all__ = [
    "backward",
    "build_layers",
    "early_stopping_epoch",
    "forward",
    "gradients",
    "steps_per_epoch",
    "train_by_hand",
    "weights",
]


def steps_per_epoch(n: int, batch_size: int) -> int:
    """Number of mini-batches in one epoch, :math:`\\lceil N / B \\rceil`, eq. (eq-ch3-steps)."""
    return -(-int(n) // int(batch_size))


def build_layers(
    sizes: Sequence[int], activations: Sequence[str], rng: np.random.Generator, dtype: str = "float32"
) -> list[nn.Dense]:
    """Dense layers ``sizes[0] -> sizes[1] -> ...`` with Keras's default initialisation, built with ``rng``.

    Layers are built in order, kernel before bias, exactly as :class:`companion.nn.model.Sequential` builds
    them, so the same generator state gives the same initial weights.
    """
    if len(activations) != len(sizes) - 1:
        raise ValueError(
            f"activations must have {len(sizes) - 1} entries (one per layer after sizes[0]), "
            f"got {len(activations)}"
        )
    layers = [nn.Dense(n, activation=f) for n, f in zip(sizes[1:], activations)]
    for layer, n_in in zip(layers, sizes[:-1]):
        layer.build(n_in, dtype, rng)
    return layers


def forward(layers: Sequence[nn.Dense], x: NDArray) -> NDArray:
    """Forward pass through ``layers`` (eq-ch3-layer); returns the last layer's pre-activation (logits)."""
    for layer in layers:
        x = layer.forward(x)
    return cast(NDArray, layers[-1].z)


def backward(layers: Sequence[nn.Dense], delta: NDArray) -> None:
    """Back-propagate :math:`\\delta^{[L]} = \\partial\\mathcal{L}/\\partial Z^{[L]}` of the last layer,
    eq. (eq-ch3-backprop).

    Leaves :math:`\\partial\\mathcal{L}/\\partial W^{[l]}` and
    :math:`\\partial\\mathcal{L}/\\partial \\mathbf{b}^{[l]}` in each layer's ``grads``.
    """
    grad = layers[-1].backward_preactivation(delta, len(layers) > 1)
    for i in range(len(layers) - 2, -1, -1):
        grad = layers[i].backward(cast(NDArray, grad), i > 0)


def weights(layers: Sequence[nn.Dense]) -> list[NDArray]:
    """The weight arrays of ``layers`` (kernel, bias, kernel, ...), not copies."""
    return [w for layer in layers for w in layer.weights]


def gradients(layers: Sequence[nn.Dense]) -> list[NDArray]:
    """The gradients left by :func:`backward`, in the order of :func:`weights`."""
    return [g for layer in layers for g in layer.grads]


def train_by_hand(
    layers: Sequence[nn.Dense],
    optimizer: nn.optimizers.Optimizer,
    x: NDArray,
    y: NDArray,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator | None,
) -> list[float]:
    """Train ``layers`` (softmax output, cross-entropy loss) and return the epoch losses,
    eq. (eq-ch3-epoch-loss).

    ``rng`` draws one permutation of the examples per epoch (``None``: no shuffling), as
    :meth:`companion.nn.model.Sequential.fit` does with the model's generator.
    """
    loss_fn = nn.losses.SparseCategoricalCrossentropy(from_logits=True)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(x)) if rng is not None else np.arange(len(x))
        total = 0.0
        for start in range(0, len(x), batch_size):
            rows = order[start:start + batch_size]
            loss, delta = loss_fn.value_and_gradient(y[rows], forward(layers, x[rows]))
            backward(layers, delta)
            optimizer.apply(gradients(layers), weights(layers))
            total += float(loss) * len(rows)
        history.append(total / len(x))
    return history


def early_stopping_epoch(val_losses: Sequence[float], patience: int) -> tuple[int, int]:
    """Where early stopping stops, eq. (eq-ch3-early-stop).

    Training stops after the first epoch :math:`t` (counted from 0) whose validation loss has not
    beaten the best one for ``patience`` epochs in a row: :math:`t - t^\\ast = \\text{patience}` with
    :math:`t^\\ast = \\arg\\min_{s \\le t} \\mathcal{L}^\\text{val}_s`.

    Returns
    -------
    stopped, best : int
        The last epoch trained and the best epoch (both from 0); ``stopped`` is the last epoch of
        ``val_losses`` if the criterion never fires.
    """
    best, best_epoch = np.inf, 0
    for t, value in enumerate(val_losses):
        if value < best:
            best, best_epoch = value, t
        elif t - best_epoch >= patience:
            return t, best_epoch
    return len(val_losses) - 1, best_epoch
