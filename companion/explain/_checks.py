"""The explain modules' shared checks at the public boundary: the model, its inputs, the class
explained, the output, baselines and scores.

Built on :mod:`companion._validation` (TypeError for a wrong type, ValueError for a wrong value, the
message names the argument).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from companion import nn
from companion._validation import check_x, describe

__all__ = [
    "OUTPUTS",
    "check_baseline",
    "check_inputs",
    "check_model",
    "check_of",
    "check_scores",
    "check_target",
    "dense_layers",
    "input_dim_of",
    "weights_of",
]


OUTPUTS = ("probability", "logit")


def check_model(model: object) -> nn.Sequential:
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"model must be a companion.nn.Sequential, got {describe(model)}")
    if not model.built:
        raise ValueError("model must be built (give the first layer its input shape, or fit it first)")
    return model


def check_inputs(model: nn.Sequential, x: object, name: str = "x") -> NDArray:
    return check_x(x, model.input_dim, model.dtype, name)


def check_target(model: nn.Sequential, x: NDArray, target: object) -> NDArray:
    if target is None:
        return np.argmax(model.predict(x, batch_size=len(x)), axis=1)
    t = np.asarray(target)
    if t.ndim == 0:
        t = np.full(len(x), t)
    if not np.issubdtype(t.dtype, np.integer) or t.shape != (len(x),):
        raise ValueError(f"target must be an int or {len(x)} ints (one per row of x), got {target!r}")
    if t.min() < 0 or t.max() >= model.output_dim:
        raise ValueError(f"target must be in [0, {model.output_dim}), got values from {t.min()} to {t.max()}")
    return t.astype(np.int64)


def check_of(of: object) -> str:
    if of not in OUTPUTS:
        raise ValueError(f"of must be 'probability' or 'logit', got {of!r}")
    return str(of)


def check_baseline(baseline: object, x: NDArray, name: str = "baseline") -> NDArray:
    b = np.asarray(baseline, dtype=x.dtype)
    try:
        b = np.broadcast_to(b, x.shape)
    except ValueError:
        raise ValueError(
            f"{name} must be a number, a vector of {x.shape[1]} features or an array of shape {x.shape}, "
            f"got shape {b.shape}"
        ) from None
    if not np.isfinite(b).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return b


def check_scores(scores: object, x: NDArray, name: str = "scores") -> NDArray:
    s = np.asarray(scores, dtype=np.float64)
    if s.shape != x.shape:
        raise ValueError(f"{name} must have the shape of x, {x.shape}, got {s.shape}")
    if not np.isfinite(s).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return s


def input_dim_of(model: nn.Sequential) -> int:
    """The number of input features of a built model (checked by :func:`check_model`)."""
    if model.input_dim is None:
        raise ValueError("model must be built (give the first layer its input shape, or fit it first)")
    return model.input_dim


def dense_layers(model: nn.Sequential, what: str) -> list[nn.Dense]:
    """The layers of ``model``, which ``what`` needs to be all ``Dense``."""
    layers = []
    for i, layer in enumerate(model.layers):
        if not isinstance(layer, nn.Dense):
            raise TypeError(
                f"{what} needs a model of Dense layers only, but layer {i} is a {type(layer).__name__}"
            )
        layers.append(layer)
    return layers


def weights_of(layer: nn.Dense) -> tuple[NDArray, NDArray | None]:
    """A built ``Dense`` layer's kernel :math:`W` and bias :math:`b` (``None`` without one)."""
    if layer.kernel is None:
        raise ValueError(f"layer {layer.name!r} must be built (give the model its input shape)")
    return layer.kernel, layer.bias if layer.use_bias else None
