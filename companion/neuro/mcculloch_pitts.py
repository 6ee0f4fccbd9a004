r"""The McCulloch-Pitts threshold unit (1943) and the logic it can and cannot compute.

A unit receives binary inputs :math:`x_i \in \{0, 1\}`, weighs them and fires when the weighted sum
reaches its threshold :math:`\theta`:

.. math::

    y = H\!\left(\sum_i w_i x_i - \theta\right) =
    \begin{cases} 1 & \text{if } \sum_i w_i x_i \ge \theta \\ 0 & \text{otherwise} \end{cases}
    \tag{neuro.mp.1}

(McCulloch and Pitts used unit excitatory weights and absolute inhibition; real-valued weights, as
here, are the modern reading and compute the same class of functions.)

The set :math:`\{x : w \cdot x = \theta\}` is a hyperplane, so a unit computes exactly the Boolean
functions whose true and false inputs lie on opposite sides of a hyperplane: the *linearly separable*
ones. AND, OR, NOT, NAND and NOR are; XOR is not. Suppose a unit computed XOR on two inputs. Then

.. math::

    0 < \theta \;(\text{from } 00 \mapsto 0), \quad w_1 \ge \theta, \quad w_2 \ge \theta
    \;(\text{from } 10, 01 \mapsto 1), \quad w_1 + w_2 < \theta \;(\text{from } 11 \mapsto 0),
    \tag{neuro.mp.2}

but the middle two give :math:`w_1 + w_2 \ge 2\theta > \theta`, a contradiction. No weights and
threshold exist. :func:`search_threshold_unit` shows the same by brute force.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_array, check_positive_int, check_real, describe

__all__ = [
    "GATES",
    "McCullochPittsUnit",
    "XOR_TABLE",
    "boolean_inputs",
    "logic_gate",
    "search_threshold_unit",
    "truth_table",
]


def check_binary(x: ArrayLike, n_inputs: int, name: str = "x") -> NDArray[np.int64]:
    """``x`` as an int array of 0/1 whose last axis has ``n_inputs`` entries."""
    arr = check_array(name, x, ndim=(1, 2))
    if arr.shape[-1] != n_inputs:
        raise ValueError(f"{name} has {arr.shape[-1]} inputs, but the unit expects {n_inputs}")
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must be binary (0 or 1), got values {np.unique(arr)[:5]}")
    return arr.astype(np.int64)


@dataclass(frozen=True)
class McCullochPittsUnit:
    """A threshold unit with binary inputs, eq. (neuro.mp.1).

    Parameters
    ----------
    weights : array_like of shape (n_inputs,)
        Synaptic weights (positive: excitatory, negative: inhibitory).
    threshold : float
        The unit fires when the weighted input sum is at least ``threshold``.

    Examples
    --------
    >>> and_unit = McCullochPittsUnit([1, 1], 2)
    >>> and_unit([[0, 0], [0, 1], [1, 0], [1, 1]])
    array([0, 0, 0, 1])
    """

    weights: NDArray[np.float64]
    threshold: float

    def __post_init__(self) -> None:
        w = check_array("weights", self.weights, ndim=1)
        if w.size == 0:
            raise ValueError("weights must have at least one entry, got an empty array")
        w.setflags(write=False)
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "threshold", check_real("threshold", self.threshold))

    @property
    def n_inputs(self) -> int:
        """Number of inputs."""
        return int(self.weights.size)

    def __call__(self, x: ArrayLike) -> int | NDArray[np.int64]:
        """Output for one binary input vector (shape ``(n_inputs,)``) or a batch ``(n, n_inputs)``."""
        x = check_binary(x, self.n_inputs)
        out = (x @ self.weights >= self.threshold).astype(np.int64)
        return int(out) if out.ndim == 0 else out


def boolean_inputs(n_inputs: int) -> NDArray[np.int64]:
    """All ``2**n_inputs`` binary input vectors in counting order, shape ``(2**n_inputs, n_inputs)``.

    Examples
    --------
    >>> boolean_inputs(2)
    array([[0, 0],
           [0, 1],
           [1, 0],
           [1, 1]])
    """
    n_inputs = check_positive_int("n_inputs", n_inputs)
    return np.array(list(itertools.product((0, 1), repeat=n_inputs)), dtype=np.int64)


def truth_table(
    unit: Callable[[NDArray[np.int64]], ArrayLike], n_inputs: int | None = None
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Inputs and outputs of ``unit`` over every binary input.

    Parameters
    ----------
    unit : callable
        Maps a batch of binary inputs ``(n, n_inputs)`` to ``n`` outputs; a :class:`McCullochPittsUnit`
        or anything with ``n_inputs`` (then ``n_inputs`` may be omitted).
    n_inputs : int, optional
        Number of inputs, default ``unit.n_inputs``.

    Returns
    -------
    inputs : ndarray of shape (2**n_inputs, n_inputs)
    outputs : ndarray of shape (2**n_inputs,)
    """
    if not callable(unit):
        raise TypeError(f"unit must be callable, got {describe(unit)}")
    if n_inputs is None:
        if not hasattr(unit, "n_inputs"):
            raise TypeError("n_inputs must be given for a unit without an n_inputs attribute")
        n_inputs = unit.n_inputs
    inputs = boolean_inputs(n_inputs)
    return inputs, np.asarray(unit(inputs), dtype=np.int64).reshape(-1)


_GATE_FUNCTIONS: dict[str, Callable[[NDArray[np.int64]], NDArray[np.bool_]]] = {
    "AND": lambda x: np.asarray(x.all(axis=1)),
    "OR": lambda x: np.asarray(x.any(axis=1)),
    "NAND": lambda x: ~np.asarray(x.all(axis=1)),
    "NOR": lambda x: ~np.asarray(x.any(axis=1)),
    "NOT": lambda x: x[:, 0] == 0,
}


def logic_gate(name: str, n_inputs: int = 2) -> McCullochPittsUnit:
    """A McCulloch-Pitts unit computing a logic gate.

    ========  ===================  =================
    gate      weights              threshold
    ========  ===================  =================
    AND       1, ..., 1            n
    OR        1, ..., 1            1
    NAND      -1, ..., -1          -(n - 1)
    NOR       -1, ..., -1          0
    NOT       -1 (one input)       0
    ========  ===================  =================

    Parameters
    ----------
    name : {"AND", "OR", "NOT", "NAND", "NOR"}
        Case-insensitive.
    n_inputs : int, default 2
        Number of inputs (NOT has exactly one, whatever is passed).

    Returns
    -------
    McCullochPittsUnit

    Examples
    --------
    >>> truth_table(logic_gate("NAND"))[1]
    array([1, 1, 1, 0])
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {describe(name)}")
    key = name.upper()
    n = check_positive_int("n_inputs", n_inputs)
    if key == "NOT":
        return McCullochPittsUnit(np.array([-1.0]), 0.0)
    ones = np.ones(n)
    table = {"AND": (ones, n), "OR": (ones, 1), "NAND": (-ones, -(n - 1)), "NOR": (-ones, 0)}
    if key not in table:
        raise ValueError(f"name must be one of {sorted(_GATE_FUNCTIONS)}, got {name!r}")
    w, theta = table[key]
    return McCullochPittsUnit(w, float(theta))


#: Target truth tables of the gates, as functions of a batch of binary inputs (for tests and plots).
GATES = _GATE_FUNCTIONS

#: XOR on two inputs, in the order of :func:`boolean_inputs` (00, 01, 10, 11).
XOR_TABLE = np.array([0, 1, 1, 0], dtype=np.int64)


def search_threshold_unit(target: ArrayLike, max_weight: int = 3) -> McCullochPittsUnit | None:
    r"""Exhaustively search integer weights and thresholds for a unit with the given truth table.

    Every weight in :math:`\{-k, \dots, k\}` (``k = max_weight``) and every integer threshold from
    :math:`-nk` to :math:`nk + 1` is tried (with integer weights the sum is an integer, so these
    thresholds realise every distinct split of the inputs). For two inputs and ``k = 3`` that is 7 x 7 x 15
    = 735 units.

    Parameters
    ----------
    target : array_like of shape (2**n,)
        Desired outputs (0/1) on :func:`boolean_inputs` ``(n)``.
    max_weight : int, default 3
        Largest absolute weight tried (>= 1).

    Returns
    -------
    McCullochPittsUnit or None
        The first unit found, or None if none computes ``target``: for XOR, eq. (neuro.mp.2) says
        none ever will, and this returns None for every ``max_weight``.

    Examples
    --------
    >>> search_threshold_unit(XOR_TABLE) is None
    True
    >>> search_threshold_unit([0, 0, 0, 1])  # AND
    McCullochPittsUnit(weights=array([1., 1.]), threshold=2.0)
    """
    t = check_array("target", target, ndim=1)
    n = int(round(np.log2(t.size))) if t.size > 0 else -1
    if n < 1 or 2**n != t.size:
        raise ValueError(f"target must have 2**n_inputs entries (2, 4, 8, ...), got {t.size}")
    if not np.all((t == 0) | (t == 1)):
        raise ValueError("target must be binary (0 or 1)")
    k = check_positive_int("max_weight", max_weight)
    if (2 * k + 1) ** n > 10**6:
        raise ValueError(
            f"max_weight {k} with {n} inputs means {(2 * k + 1) ** n} weight vectors: too many to search"
        )
    inputs = boolean_inputs(n)
    weights = np.array(list(itertools.product(range(-k, k + 1), repeat=n)), dtype=np.int64)
    sums = weights @ inputs.T  # (n_weight_vectors, 2**n)
    for theta in range(-n * k, n * k + 2):
        match = np.all((sums >= theta) == (t == 1), axis=1)
        if match.any():
            return McCullochPittsUnit(weights[np.argmax(match)].astype(np.float64), float(theta))
    return None
