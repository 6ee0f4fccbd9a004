"""Input checks at the public boundary (``fit``, ``evaluate``, ``predict``, ``train_on_batch``).

Each check runs once per call, before anything changes, and raises a ``ValueError`` or ``TypeError``
that names the argument, what was expected and what came.  The training loop then trusts its inputs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike, NDArray

__all__ = ["check_x", "check_y", "check_positive_int", "check_verbose", "lookup"]


def lookup(kind: str, identifier: object, base: type, registry: dict, expected: str) -> object:
    """Resolve a Keras-style identifier: an instance of ``base`` is returned as it is, a string is
    looked up (case-insensitively) in ``registry`` (name -> factory) and the factory is called.

    Raises ``ValueError`` for an unknown name (listing the known ones) and ``TypeError`` for anything
    else; ``expected`` names what was expected in that message.
    """
    if isinstance(identifier, base):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in registry:
            raise ValueError(f"{kind} must be one of {sorted(registry)}, got {identifier!r}")
        return registry[key]()
    raise TypeError(f"{kind} must be {expected}, got {type(identifier).__name__} ({identifier!r})")


def check_positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a positive integer, got {type(value).__name__} ({value!r})")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_verbose(verbose: object) -> int:
    if verbose == "auto":
        return 1
    if isinstance(verbose, bool) or verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto', got {verbose!r}")
    return int(verbose)


def _numeric(name: str, a: object) -> NDArray:
    arr = np.asarray(a)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got an array of dtype {arr.dtype}")
    return arr


def _first_nonfinite(name: str, arr: NDArray) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} contains NaN or infinite values ({int(bad.sum())} of them, the first at index "
            f"{where}: {arr[where].item()!r})"
        )


def check_x(x: object, input_dim: int | None, dtype: DTypeLike, name: str = "x") -> NDArray:
    """Return ``x`` as a C-contiguous 2-D array of ``dtype`` with ``input_dim`` finite features."""
    arr = _numeric(name, x)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (samples, features), got shape {arr.shape}"
        )
    if len(arr) == 0:
        raise ValueError(f"{name} has no samples (shape {arr.shape})")
    if input_dim is not None and arr.shape[1] != input_dim:
        raise ValueError(
            f"{name} has {arr.shape[1]} features, but the model expects {input_dim}"
        )
    arr = np.ascontiguousarray(arr, dtype=dtype)
    _first_nonfinite(name, arr)
    return arr


def check_y(
    y: object, n_samples: int, n_outputs: int, sparse: bool, dtype: DTypeLike, name: str = "y",
    x_name: str = "x",
) -> NDArray:
    """Return ``y`` as integer labels in ``[0, n_outputs)`` (``sparse``) or as ``(n, n_outputs)`` targets."""
    arr = _numeric(name, y)
    if arr.ndim == 0 or len(arr) != n_samples:
        got = "a scalar" if arr.ndim == 0 else f"{len(arr)}"
        raise ValueError(
            f"{x_name} and {name} must have the same number of samples, got {n_samples} and {got}"
        )
    if sparse:
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr[:, 0]
        if arr.ndim != 1:
            raise ValueError(
                f"{name} must hold one integer class label per sample (shape ({n_samples},)) for a "
                f"sparse categorical loss, got shape {arr.shape}; for one-hot targets use "
                "'categorical_crossentropy'"
            )
        if arr.dtype.kind == "f":
            _first_nonfinite(name, arr)
            fractional = arr != np.round(arr)
            if fractional.any():
                i = int(np.argmax(fractional))
                raise ValueError(
                    f"{name} must hold integer class labels, got the non-integer {arr[i].item()!r} "
                    f"at index {i}"
                )
        labels = arr.astype(np.intp)
        bad = (labels < 0) | (labels >= n_outputs)
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(
                f"{name} contains the label {int(labels[i])} (index {i}), but the model has {n_outputs} "
                f"outputs, so labels must be integers in [0, {n_outputs})"
            )
        return labels
    if arr.ndim == 1 and n_outputs == 1:
        arr = arr[:, None]
    if arr.shape[1:] != (n_outputs,):
        raise ValueError(
            f"{name} must have shape ({n_samples}, {n_outputs}) to match the model's {n_outputs} "
            f"outputs, got shape {arr.shape}"
        )
    arr = np.ascontiguousarray(arr, dtype=dtype)
    _first_nonfinite(name, arr)
    return arr
