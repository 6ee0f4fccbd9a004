r"""Rosenblatt's perceptron (1958) and a hand-wired two-layer threshold network for XOR.

The perceptron is a threshold unit with a bias, :math:`\hat y = H(w \cdot x + b)` with
:math:`H(z) = 1` if :math:`z > 0` else 0, that learns from its mistakes. For each example
:math:`(x, y)`, :math:`y \in \{0, 1\}`:

.. math::

    w \leftarrow w + \eta\, (y - \hat y)\, x, \qquad b \leftarrow b + \eta\, (y - \hat y)
    \tag{neuro.perceptron.1}

so nothing changes when the answer is right. The *perceptron convergence theorem* (Rosenblatt 1962;
Novikoff 1962) says that if some hyperplane separates the classes with margin :math:`\gamma` and
:math:`\|x\| \le \rho`, the rule makes at most :math:`(\rho/\gamma)^2` mistakes (with the bias
absorbed into :math:`w`), whatever :math:`\eta > 0`. If the classes are not linearly separable, as
in XOR, it never stops making mistakes: :meth:`Perceptron.fit` stops after ``max_epochs`` and
reports that it did not converge.

A hidden layer removes the limitation: XOR(a, b) = AND(OR(a, b), NAND(a, b)), three threshold units
in two layers (:func:`xor_network`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import (
    check_array,
    check_bool,
    check_positive_int,
    check_real,
    check_rng,
    describe,
)
from companion.neuro.mcculloch_pitts import McCullochPittsUnit, check_binary, logic_gate

__all__ = ["Perceptron", "PerceptronFit", "ThresholdNetwork", "xor_network"]


class PerceptronFit(NamedTuple):
    """What :meth:`Perceptron.fit` returns.

    Attributes
    ----------
    converged : bool
        True if an epoch passed with no mistake (every training example is classified correctly).
    n_epochs : int
        Passes over the data made (including the final error-free one when converged).
    n_updates : int
        Total number of weight updates, i.e. of mistakes.
    errors : ndarray of shape (n_epochs,)
        Mistakes in each epoch.
    weights : ndarray of shape (n_epochs + 1, n_features + 1)
        ``(w, b)`` at the start and after each epoch, to plot the learning trajectory.
    """

    converged: bool
    n_epochs: int
    n_updates: int
    errors: NDArray[np.int64]
    weights: NDArray[np.float64]


class Perceptron:
    """A perceptron trained with Rosenblatt's rule, eq. (neuro.perceptron.1).

    Parameters
    ----------
    lr : float, default 1.0
        Learning rate :math:`\\eta` (> 0).
    max_epochs : int, default 100
        Give up after this many passes over the data.
    shuffle : bool, default False
        Present the examples in a new random order each epoch (else in the given order).
    rng : numpy.random.Generator, int or None, default None
        Randomness for ``shuffle``.

    Attributes
    ----------
    w : ndarray of shape (n_features,) or None
        Weights after :meth:`fit` (None before).
    b : float
        Bias.

    Examples
    --------
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> p = Perceptron()
    >>> p.fit(X, [0, 0, 0, 1]).converged  # AND is linearly separable
    True
    >>> p.predict(X)
    array([0, 0, 0, 1])
    >>> Perceptron(max_epochs=50).fit(X, [0, 1, 1, 0]).converged  # XOR is not
    False
    """

    def __init__(
        self,
        lr: float = 1.0,
        max_epochs: int = 100,
        shuffle: bool = False,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self.lr = check_real("lr", lr, positive=True)
        self.max_epochs = check_positive_int("max_epochs", max_epochs)
        self.shuffle = check_bool("shuffle", shuffle)
        self._rng = check_rng(rng)
        self.w: NDArray[np.float64] | None = None
        self.b = 0.0

    def _check_X(self, X: ArrayLike) -> NDArray[np.float64]:
        X = check_array("X", X, ndim=2)
        if self.w is not None and X.shape[1] != self.w.size:
            raise ValueError(f"X has {X.shape[1]} features, but the perceptron expects {self.w.size}")
        return X

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Net input :math:`w \\cdot x + b` for each row of ``X`` (shape ``(n, n_features)``)."""
        if self.w is None:
            raise ValueError("the perceptron is not fitted yet: call fit(X, y) first")
        return self._check_X(X) @ self.w + self.b

    def predict(self, X: ArrayLike) -> NDArray[np.int64]:
        """Class 0/1 of each row of ``X``: 1 where :math:`w \\cdot x + b > 0`."""
        return (self.decision_function(X) > 0).astype(np.int64)

    def fit(self, X: ArrayLike, y: ArrayLike, w0: ArrayLike | None = None) -> PerceptronFit:
        """Train with eq. (neuro.perceptron.1), one example at a time, until an epoch without mistakes.

        Parameters
        ----------
        X : array_like of shape (n, n_features)
            Inputs.
        y : array_like of shape (n,)
            Labels, 0 or 1.
        w0 : array_like of shape (n_features + 1,), optional
            Initial ``(w, b)``; default zeros.

        Returns
        -------
        PerceptronFit
            Whether it converged, epochs, updates, mistakes per epoch and the weight trajectory.
            It never loops forever: at most ``max_epochs`` epochs.
        """
        X = check_array("X", X, ndim=2)
        y_arr = check_array("y", y, ndim=1)
        if y_arr.shape[0] != X.shape[0]:
            raise ValueError(f"y has {y_arr.shape[0]} labels, but X has {X.shape[0]} samples")
        if X.shape[0] == 0:
            raise ValueError("X must have at least one sample, got 0")
        if not np.all((y_arr == 0) | (y_arr == 1)):
            raise ValueError(f"y must contain only 0 and 1, got values {np.unique(y_arr)[:5]}")
        d = X.shape[1]
        if w0 is None:
            wb = np.zeros(d + 1)
        else:
            wb = check_array("w0", w0, ndim=1).copy()
            if wb.size != d + 1:
                raise ValueError(f"w0 must have n_features + 1 = {d + 1} entries (w, b), got {wb.size}")
        Xb = np.hstack([X, np.ones((X.shape[0], 1))])
        labels = y_arr.astype(np.int64)
        history = [wb.copy()]
        errors: list[int] = []
        converged = False
        for _ in range(self.max_epochs):
            order = self._rng.permutation(len(Xb)) if self.shuffle else range(len(Xb))
            mistakes = 0
            for i in order:
                y_hat = 1 if Xb[i] @ wb > 0 else 0
                if y_hat != labels[i]:
                    wb += self.lr * (labels[i] - y_hat) * Xb[i]
                    mistakes += 1
            errors.append(mistakes)
            history.append(wb.copy())
            if mistakes == 0:
                converged = True
                break
        self.w, self.b = wb[:-1].copy(), float(wb[-1])
        return PerceptronFit(
            converged=converged,
            n_epochs=len(errors),
            n_updates=int(sum(errors)),
            errors=np.asarray(errors, dtype=np.int64),
            weights=np.asarray(history),
        )


@dataclass(frozen=True)
class ThresholdNetwork:
    """A feed-forward network of McCulloch-Pitts units: one hidden layer and one output unit.

    Parameters
    ----------
    hidden : tuple of McCullochPittsUnit
        Hidden units, all with the same number of inputs.
    output : McCullochPittsUnit
        Output unit, with one input per hidden unit.
    """

    hidden: tuple[McCullochPittsUnit, ...]
    output: McCullochPittsUnit

    def __post_init__(self) -> None:
        hidden = tuple(self.hidden)
        if not hidden or not all(isinstance(u, McCullochPittsUnit) for u in hidden):
            raise TypeError("hidden must be a non-empty sequence of McCullochPittsUnit")
        if not isinstance(self.output, McCullochPittsUnit):
            raise TypeError(f"output must be a McCullochPittsUnit, got {describe(self.output)}")
        if len({u.n_inputs for u in hidden}) != 1:
            raise ValueError("all hidden units must have the same number of inputs")
        if self.output.n_inputs != len(hidden):
            raise ValueError(
                f"output has {self.output.n_inputs} inputs, but there are {len(hidden)} hidden units"
            )
        object.__setattr__(self, "hidden", hidden)

    @property
    def n_inputs(self) -> int:
        """Number of network inputs."""
        return self.hidden[0].n_inputs

    def hidden_activity(self, x: ArrayLike) -> NDArray[np.int64]:
        """Hidden-layer outputs for a batch ``x`` of shape ``(n, n_inputs)``: shape ``(n, n_hidden)``."""
        x = np.atleast_2d(check_binary(x, self.n_inputs))
        return np.stack([np.atleast_1d(u(x)) for u in self.hidden], axis=1)

    def __call__(self, x: ArrayLike) -> int | NDArray[np.int64]:
        """Network output for one input vector or a batch ``(n, n_inputs)``."""
        single = np.ndim(x) == 1
        out = np.atleast_1d(self.output(self.hidden_activity(x)))
        return int(out[0]) if single else out


def xor_network() -> ThresholdNetwork:
    r"""Two-layer threshold network for XOR: :math:`\mathrm{AND}(\mathrm{OR}(a, b), \mathrm{NAND}(a, b))`.

    .. math::

        h_1 = H(a + b - 1), \quad h_2 = H(-a - b + 1), \quad y = H(h_1 + h_2 - 2)
        \tag{neuro.perceptron.2}

    The hidden units map the four inputs to points that *are* linearly separable: (0, 1) for 00,
    (1, 1) for 01 and 10, (1, 0) for 11; the output unit separates (1, 1) from the rest.

    Examples
    --------
    >>> from companion.neuro.mcculloch_pitts import truth_table
    >>> truth_table(xor_network())[1]
    array([0, 1, 1, 0])
    """
    return ThresholdNetwork(
        hidden=(logic_gate("OR"), logic_gate("NAND")),
        output=logic_gate("AND"),
    )
