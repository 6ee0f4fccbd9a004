"""One validation layer for the whole package: every public function checks its arguments here.

One rule everywhere:

* a wrong **type** raises :class:`TypeError`, a wrong **value** raises :class:`ValueError`;
* the message names the argument, says what was expected and shows what came, in the form
  ``"<name> must be <expected>, got <what came>"``, and adds a fix where one exists
  (``"...; reshape with x.reshape(-1, 1)"``).

Checks run once per public call, before anything changes, so a failed call leaves every object as
it was.  Private helpers trust their inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from numbers import Real
from typing import Any, TypeGuard

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

__all__ = [
    "check_array",
    "check_bool",
    "check_choice",
    "check_contiguous",
    "check_int",
    "check_positive_int",
    "check_real",
    "check_rng",
    "check_same_shape",
    "check_seed",
    "check_unit_interval",
    "check_verbose",
    "check_x",
    "check_y",
    "describe",
    "lookup",
]


def describe(value: object) -> str:
    """What came, for an error message: ``"str ('abc')"``, ``"float (nan)"``."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} ({text})"


def _is_int(value: object) -> TypeGuard[int | np.integer[Any]]:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_real(value: object) -> TypeGuard[Real | np.floating[Any] | np.integer[Any]]:
    return isinstance(value, (Real, np.floating, np.integer)) and not isinstance(
        value, (bool, np.bool_)
    )


def check_int(name: str, value: object, *, minimum: int | None = None) -> int:
    """Return ``value`` as an ``int`` (>= ``minimum`` when given).

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``bool`` is refused).
    ValueError
        If ``value < minimum``.
    """
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer, got {describe(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_positive_int(name: str, value: object) -> int:
    """Return ``value`` as an ``int`` >= 1."""
    if not _is_int(value):
        raise TypeError(f"{name} must be a positive integer, got {describe(value)}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_real(
    name: str,
    value: object,
    *,
    positive: bool = False,
    nonnegative: bool = False,
) -> float:
    """Return ``value`` as a finite ``float``, optionally > 0 or >= 0."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a real number, got {describe(value)}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {x}")
    if positive and x <= 0:
        raise ValueError(f"{name} must be > 0, got {x!r}")
    if nonnegative and x < 0:
        raise ValueError(f"{name} must be >= 0, got {x!r}")
    return x


def check_bool(name: str, value: object) -> bool:
    """Return ``value`` as a ``bool``; a Python or NumPy bool only.

    Raises
    ------
    TypeError
        If ``value`` is anything else: ``0``, ``1``, ``"yes"`` and ``None`` are refused, so that a
        flag passed in the wrong position is caught instead of being read as true or false.

    Examples
    --------
    >>> check_bool("residual", np.bool_(True))
    True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {describe(value)}")
    return bool(value)


def check_unit_interval(name: str, value: object, *, closed_left: bool = True) -> float:
    """Return ``value`` as a float in ``[0, 1)`` (or ``(0, 1)`` with ``closed_left=False``)."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a number, got {describe(value)}")
    x = float(value)
    if not (0 <= x < 1 if closed_left else 0 < x < 1):
        interval = "[0, 1)" if closed_left else "(0, 1)"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return x


def check_seed(value: object, name: str = "seed") -> int:
    """Return ``value`` as a seed: an ``int`` in ``[0, 2**32)``."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an int in [0, 2**32), got {describe(value)}")
    if not 0 <= int(value) < 2**32:
        raise ValueError(f"{name} must be an int in [0, 2**32), got {value}")
    return int(value)


def check_rng(value: object, name: str = "rng") -> np.random.Generator:
    """A ``numpy.random.Generator`` from a Generator (used as is), an int seed, or None (fresh)."""
    if value is None:
        return np.random.default_rng()
    if isinstance(value, np.random.Generator):
        return value
    if not _is_int(value):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, an int seed or None, got {describe(value)}"
        )
    return np.random.default_rng(check_seed(value, name))


def check_choice(name: str, value: object, choices: tuple[Any, ...]) -> Any:
    """Return ``value`` if it is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def check_verbose(verbose: object) -> int:
    """Keras's ``verbose``: 0, 1, 2 or ``"auto"`` (= 1)."""
    if verbose == "auto":
        return 1
    if isinstance(verbose, bool) or verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto', got {verbose!r}")
    return int(verbose)


def lookup(
    kind: str,
    identifier: object,
    base: type,
    registry: Mapping[str, Callable[[], Any]],
    expected: str,
) -> Any:
    """Resolve a Keras-style identifier, the one lookup every registry uses.

    An instance of ``base`` is returned as it is; a string is looked up case-insensitively (and with
    ``_`` and ``-`` ignored, so ``"Adam"``, ``"adam"`` and ``"sparse_categorical_crossentropy"`` all
    work) in ``registry`` (name -> factory) and the factory is called.

    Raises
    ------
    ValueError
        For an unknown name, listing the known ones.
    TypeError
        For anything else; ``expected`` says what was expected.
    """
    if isinstance(identifier, base):
        return identifier
    if isinstance(identifier, str):
        def norm(key: str) -> str:
            return key.lower().replace("_", "").replace("-", "")

        table = {norm(k): v for k, v in registry.items()}
        key = norm(identifier)
        if key not in table:
            raise ValueError(f"{kind} must be one of {sorted(registry)}, got {identifier!r}")
        return table[key]()
    raise TypeError(f"{kind} must be {expected}, got {describe(identifier)}")


def check_array(
    name: str,
    value: ArrayLike,
    *,
    ndim: int | tuple[int, ...] | None = None,
    nonnegative: bool = False,
) -> NDArray[np.float64]:
    """Return ``value`` as a finite float64 array of the expected dimensionality."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array, got {describe(value)}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be a numeric array, got {type(value).__name__}") from err
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            hint = "; reshape with x.reshape(-1, 1)" if arr.ndim == 1 and 2 in allowed else ""
            raise ValueError(f"{name} must be {want}-dimensional, got shape {arr.shape}{hint}")
    _first_nonfinite(name, arr)
    if nonnegative and np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0, got a minimum of {arr.min()}")
    return arr


def check_contiguous(name: str, value: object, *, why: str = "") -> NDArray[np.floating[Any]]:
    """Return ``value`` if it is a C-contiguous float ``ndarray`` (to be changed in place).

    ``why`` says why a view is needed, e.g. ``"it is perturbed in place"``.

    Raises
    ------
    TypeError
        If ``value`` is not a NumPy array of floats.
    ValueError
        If it is not C-contiguous (a transposed or strided view), so that ``value.reshape(-1)``
        would be a copy.
    """
    because = f" ({why})" if why else ""
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
        raise TypeError(f"{name} must be a float numpy array{because}, got {describe(value)}")
    if not value.flags.c_contiguous:
        raise ValueError(
            f"{name} must be a C-contiguous array{because}, got a strided view of shape {value.shape}; "
            "pass the array that owns the data, or a copy made with np.ascontiguousarray"
        )
    return value


def check_same_shape(name: str, value: NDArray, other_name: str, other: NDArray) -> None:
    """Check that two arrays have one shape.

    Raises
    ------
    ValueError
        ``"<name> must have the shape of <other_name>, (3,), got (2,)"``.
    """
    if value.shape != other.shape:
        raise ValueError(f"{name} must have the shape of {other_name}, {other.shape}, got {value.shape}")


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
            f"{name} must contain only finite values, got {int(bad.sum())} NaN or infinite, "
            f"the first at index {where}: {arr[where].item()!r}"
        )


def check_x(x: object, input_dim: int | None, dtype: DTypeLike, name: str = "x") -> NDArray:
    """Return ``x`` as a C-contiguous 2-D array of ``dtype`` with ``input_dim`` finite features."""
    arr = _numeric(name, x)
    if arr.ndim != 2:
        hint = "; reshape with x.reshape(-1, 1) for one feature" if arr.ndim == 1 else ""
        raise ValueError(
            f"{name} must be a 2-D array of shape (samples, features), got shape {arr.shape}{hint}"
        )
    if len(arr) == 0:
        raise ValueError(f"{name} must have at least one sample, got shape {arr.shape}")
    if input_dim is not None and arr.shape[1] != input_dim:
        raise ValueError(
            f"{name} must have {input_dim} features (the model's input size), got {arr.shape[1]}"
        )
    arr = np.ascontiguousarray(arr, dtype=dtype)
    _first_nonfinite(name, arr)
    return arr


def check_y(
    y: object,
    n_samples: int,
    n_outputs: int,
    sparse: bool,
    dtype: DTypeLike,
    name: str = "y",
    x_name: str = "x",
) -> NDArray:
    """Return ``y`` as integer labels in ``[0, n_outputs)`` (``sparse``) or ``(n, n_outputs)`` targets."""
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
                f"{name} must hold integer labels in [0, {n_outputs}) for the model's {n_outputs} "
                f"outputs, got the label {int(labels[i])} at index {i}"
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
