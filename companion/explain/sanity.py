"""Models derived from a model, for two sanity checks of attribution methods: cascading
randomisation of the top layers (Adebayo et al. 2018) and a constant input shift that leaves every
output unchanged (Kindermans et al. 2019, eq. eq-ch5-shift).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from companion import nn
from companion._validation import check_int, check_seed
from companion.explain._checks import (
    check_model,
    dense_layers,
    input_dim_of,
    weights_of,
)

__all__ = ["randomize_layers", "shift_inputs"]


def _copy(model: nn.Sequential, what: str) -> nn.Sequential:
    """A new model with the same architecture and dtype, and a copy of the weights."""
    layers = [nn.Dense(layer.units, activation=layer.activation.name, use_bias=layer.use_bias,
                       kernel_initializer=layer.kernel_initializer,
                       bias_initializer=layer.bias_initializer, name=f"{layer.name}_copy")
              for layer in dense_layers(model, what)]
    twin = nn.Sequential([nn.Input(shape=(input_dim_of(model),)), *layers],
                         name=f"{model.name}_copy", dtype=model.dtype)
    twin.set_weights(model.get_weights())
    return twin


def randomize_layers(model: nn.Sequential, top: int, seed: int = 0) -> nn.Sequential:
    """A copy of ``model`` whose ``top`` last layers are re-initialised (cascading randomisation).

    Adebayo et al. (2018) re-draw the weights of a trained network layer by layer from the output
    down. ``top=0`` copies the model; ``top=len(model.layers)`` gives an untrained network of the same
    architecture. Each layer's kernel and bias are re-drawn from its own initializers (Glorot uniform
    and zeros for the defaults), with a generator seeded by ``seed``. The model itself is not changed.

    Parameters
    ----------
    model : companion.nn.Sequential
    top : int
        Number of layers to re-draw, counted from the output, 0 to ``len(model.layers)``.
    seed : int, default 0

    Returns
    -------
    companion.nn.Sequential
        Uncompiled; for :meth:`~companion.nn.model.Sequential.predict` and
        :meth:`~companion.nn.model.Sequential.input_gradient`.

    Examples
    --------
    >>> from companion import nn
    >>> m = nn.Sequential([nn.Input(shape=(3,)), nn.Dense(2), nn.Dense(2)], seed=0)
    >>> r = randomize_layers(m, 1, seed=1)
    >>> [bool(np.array_equal(a, b)) for a, b in zip(m.get_weights(), r.get_weights())]
    [True, True, False, True]
    """
    model = check_model(model)
    top = check_int("top", top, minimum=0)
    if top > len(model.layers):
        raise ValueError(f"top must be at most {len(model.layers)} (the number of layers), got {top}")
    seed = check_seed(seed)
    twin = _copy(model, "randomize_layers")
    rng = np.random.default_rng(seed)
    for layer in dense_layers(twin, "randomize_layers")[len(twin.layers) - top:]:
        kernel, bias = weights_of(layer)
        kernel[...] = layer.kernel_initializer(kernel.shape, twin.dtype, rng)
        if bias is not None:
            bias[...] = layer.bias_initializer(bias.shape, twin.dtype, rng)
    return twin


def shift_inputs(model: nn.Sequential, shift: ArrayLike | float) -> nn.Sequential:
    """A model that sees inputs shifted by ``shift`` exactly as ``model`` sees the originals (eq-ch5-shift).

    Kindermans et al. (2019): with :math:`\\mathbf{x}^+ = \\mathbf{x} + \\mathbf{s}`, change only the first
    layer's bias,

    .. math::
        \\mathbf{b}_1^+ = \\mathbf{b}_1 - \\mathbf{s}^{\\top} W_1
        \\quad\\Longrightarrow\\quad
        (\\mathbf{x} + \\mathbf{s})^{\\top} W_1 + \\mathbf{b}_1^+ = \\mathbf{x}^{\\top} W_1 + \\mathbf{b}_1,
        \\qquad f^+(\\mathbf{x}^+) = f(\\mathbf{x})
        \\tag{eq-ch5-shift}

    so the two models make the same decisions with the same confidence, and have the same input
    gradients; any attribution that changes between them responds to the shift, not to the model.

    Parameters
    ----------
    model : companion.nn.Sequential
        Its first layer must have a bias.
    shift : float or array_like of shape (d,)

    Returns
    -------
    companion.nn.Sequential
        A copy with the new first-layer bias; ``model`` is not changed.

    Examples
    --------
    >>> from companion import nn
    >>> m = nn.Sequential([nn.Input(shape=(2,)), nn.Dense(3, activation="softmax")], seed=0, dtype="float64")
    >>> x = np.array([[0.2, 0.7]])
    >>> bool(np.allclose(shift_inputs(m, 0.5).predict(x + 0.5), m.predict(x), rtol=0, atol=1e-15))
    True
    """
    model = check_model(model)
    d = input_dim_of(model)
    s = np.asarray(shift, dtype=model.dtype)
    if s.ndim == 0:
        s = np.full(d, s)
    if s.shape != (d,) or not np.isfinite(s).all():
        raise ValueError(f"shift must be a finite number or {d} finite numbers, got shape {s.shape}")
    if not dense_layers(model, "shift_inputs")[0].use_bias:
        raise ValueError("shift_inputs needs a first layer with a bias (use_bias=True)")
    twin = _copy(model, "shift_inputs")
    kernel, bias = weights_of(dense_layers(twin, "shift_inputs")[0])
    assert bias is not None  # use_bias, checked above
    bias[...] = bias - s @ kernel
    return twin
