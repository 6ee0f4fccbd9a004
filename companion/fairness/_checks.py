"""The fairness modules' shared checks at the public boundary: 0/1 labels, group labels,
probabilities.

Built on :mod:`companion._validation` (same rule: TypeError for a wrong type, ValueError for a wrong
value, the message names the argument).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_real

__all__ = ["as_python", "binary_labels", "group_labels", "label_pair", "nonnegative", "probability"]


def as_python(value: object) -> object:
    """A NumPy scalar as the Python scalar it holds (for dict keys and messages)."""
    return value.item() if isinstance(value, np.generic) else value


def binary_labels(name: str, values: ArrayLike) -> NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold 0/1 numbers, got an array of dtype {arr.dtype}")
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        first = as_python(arr[bad][0])
        raise ValueError(f"{name} must hold only 0 and 1, got {first!r} ({int(bad.sum())} such values)")
    return arr.astype(np.int64)


def group_labels(values: ArrayLike, n: int) -> NDArray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"group must be one-dimensional, got shape {arr.shape}")
    if len(arr) != n:
        raise ValueError(f"group has {len(arr)} entries, but the labels have {n}")
    return arr


def label_pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    t, p = binary_labels("y_true", y_true), binary_labels("y_pred", y_pred)
    if len(t) != len(p):
        raise ValueError(f"y_true has {len(t)} entries, but y_pred has {len(p)}")
    if len(t) == 0:
        raise ValueError("y_true and y_pred are empty")
    return t, p


def probability(name: str, value: object, *, open_low: bool = False, open_high: bool = False) -> float:
    # check_real, then the interval: [0, 1], (0, 1), (0, 1] or [0, 1)
    v = check_real(name, value)
    low_ok = v > 0 if open_low else v >= 0
    high_ok = v < 1 if open_high else v <= 1
    if not (low_ok and high_ok):
        interval = ("(" if open_low else "[") + "0, 1" + (")" if open_high else "]")
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return v


def nonnegative(name: str, value: object) -> float:
    return check_real(name, value, nonnegative=True)
