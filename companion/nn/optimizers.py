"""Gradient-descent optimizers, with Keras 3's update rules and defaults.

An optimizer keeps a little state per weight array ("slots": velocities, moment estimates) and
changes each weight array *in place* given its gradient.  The whole idea of each optimizer lives in
its :meth:`Optimizer.update_step`; :meth:`Optimizer.apply` only loops over the weight arrays and counts
steps in :attr:`Optimizer.iterations`, as Keras does.

The learning rate may also be a schedule from :mod:`companion.nn.schedules` (also reachable as
``nn.optimizers.schedules``, Keras's path): then step :math:`s` (``iterations``, from 0) uses
:math:`\\eta(s)` of eq. (nn.schedule.1) or (nn.schedule.2), as Keras does.

Examples
--------
>>> import numpy as np
>>> w = np.array([1.0, -2.0])
>>> opt = SGD(learning_rate=0.1)
>>> opt.apply([np.array([0.5, 0.5])], [w])
>>> w
array([ 0.95, -2.05])
>>> opt = SGD(learning_rate=schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5))
>>> rates = []
>>> for _ in range(3):
...     rates.append(opt.learning_rate)
...     opt.apply([np.zeros(2)], [w])
>>> rates
[0.1, 0.05, 0.025]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import cast

import numpy as np
from numpy.typing import NDArray

from companion._validation import check_real, check_unit_interval, describe, lookup
from companion.nn import schedules
from companion.nn.schedules import LearningRateSchedule

__all__ = ["SGD", "Adam", "AdamAlgorithm1", "Optimizer", "RMSprop", "get", "schedules"]


class Optimizer:
    """Base class.

    Parameters
    ----------
    learning_rate : float or LearningRateSchedule
        Step size :math:`\\eta`, or a schedule :math:`\\eta(s)` called with ``iterations`` before each step.

    Attributes
    ----------
    iterations : int
        Number of steps taken; step :math:`t` of the update rules is ``iterations + 1``.
    learning_rate : float
        The rate the next step uses: the constant, or the schedule's value at ``iterations``.
    """

    name = "optimizer"

    def __init__(self, learning_rate: float | LearningRateSchedule) -> None:
        self.learning_rate = learning_rate
        self.iterations = 0
        self._slots: list[tuple[NDArray, ...]] | None = None

    @property
    def learning_rate(self) -> float:
        lr = self._learning_rate
        return lr(self.iterations) if isinstance(lr, LearningRateSchedule) else lr

    @learning_rate.setter
    def learning_rate(self, value: float | LearningRateSchedule) -> None:
        if isinstance(value, LearningRateSchedule):
            self._learning_rate: float | LearningRateSchedule = value
            return
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
            raise TypeError(
                "learning_rate must be a number or an nn.optimizers.schedules.LearningRateSchedule, "
                f"got {describe(value)}"
            )
        self._learning_rate = check_real("learning_rate", value, positive=True)

    def init_slots(self, variable: NDArray) -> tuple[NDArray, ...]:
        """State kept for one weight array (zeros of its shape); none by default."""
        return ()

    def build(self, variables: Sequence[NDArray]) -> None:
        """Create the slots of every weight array and reset :attr:`iterations`."""
        self._slots = [self.init_slots(v) for v in variables]
        self.iterations = 0

    def update_step(self, gradient: NDArray, variable: NDArray, slots: tuple[NDArray, ...]) -> None:
        """Change ``variable`` (and ``slots``) in place, one step of the rule."""
        raise NotImplementedError

    def apply(self, gradients: Sequence[NDArray], variables: Sequence[NDArray]) -> None:
        """Take one step on every ``variable`` with its ``gradient``; builds the slots on first use.

        Raises
        ------
        ValueError
            If the number of gradients and variables differ, or differ from the first call's.
        """
        if len(gradients) != len(variables):
            raise ValueError(
                f"got {len(gradients)} gradients for {len(variables)} variables"
            )
        if self._slots is None:
            self.build(variables)
        elif len(self._slots) != len(variables):
            raise ValueError(
                f"this optimizer was built for {len(self._slots)} variables, got {len(variables)}; "
                "use a new optimizer (or call build) for a different model"
            )
        for gradient, variable, slots in zip(gradients, variables, cast(list, self._slots)):
            self.update_step(gradient, variable, slots)
        self.iterations += 1

    def get_config(self) -> dict:
        """The constructor's arguments (``learning_rate`` as given: a float or the schedule)."""
        config = {"learning_rate": self._learning_rate}
        config.update((k, v) for k, v in vars(self).items() if not k.startswith("_") and k != "iterations")
        return config

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum.

    With velocity :math:`m` (zero at the start), momentum :math:`\\mu` and gradient :math:`g`:

    .. math::
        m &\\leftarrow \\mu m - \\eta g                          \\\\
        w &\\leftarrow w + m  \\quad\\text{(momentum)}, \\qquad
        w \\leftarrow w + \\mu m - \\eta g \\quad\\text{(Nesterov)}
        \\tag{nn.sgd.1}

    and :math:`w \\leftarrow w - \\eta g` when :math:`\\mu = 0`.
    Chapter 3: gradient descent eq-ch3-gd, momentum eq-ch3-momentum, Nesterov eq-ch3-nesterov (Keras stores
    the look-ahead point).
    Keras defaults: :math:`\\eta = 0.01`, :math:`\\mu = 0`.
    """

    name = "sgd"

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(learning_rate)
        self.momentum = check_unit_interval("momentum", momentum)
        self.nesterov = bool(nesterov)

    def init_slots(self, variable: NDArray) -> tuple[NDArray, ...]:
        return (np.zeros_like(variable),) if self.momentum else ()

    def update_step(self, gradient: NDArray, variable: NDArray, slots: tuple[NDArray, ...]) -> None:
        lr, mu = self.learning_rate, self.momentum
        if not mu:
            variable -= lr * gradient
            return
        (m,) = slots
        m *= mu
        m -= lr * gradient
        if self.nesterov:
            variable += mu * m - lr * gradient
        else:
            variable += m


class RMSprop(Optimizer):
    """RMSprop: divide the step by a running root-mean-square of the gradient.

    .. math::
        v &\\leftarrow \\rho v + (1-\\rho) g^2                              \\\\
        w &\\leftarrow w - \\eta\\, g / \\sqrt{v + \\epsilon}
        \\tag{nn.rmsprop.1}

    with :math:`\\epsilon` *inside* the root, as in Keras.  ``centered=True`` also tracks the mean gradient
    :math:`\\bar g \\leftarrow \\rho \\bar g + (1-\\rho) g` and uses :math:`\\sqrt{v - \\bar g^2 + \\epsilon}`
    (an estimate of the variance) (nn.rmsprop.2).  With ``momentum`` :math:`\\mu > 0` the step
    :math:`s = \\eta g/\\sqrt{\\cdot}` is accumulated, :math:`m \\leftarrow \\mu m + s`,
    :math:`w \\leftarrow w - m`.
    Keras defaults: :math:`\\eta = 0.001`, :math:`\\rho = 0.9`, :math:`\\mu = 0`, :math:`\\epsilon = 10^{-7}`.
    Chapter 3: eq-ch3-rmsprop.
    """

    name = "rmsprop"

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
    ) -> None:
        super().__init__(learning_rate)
        self.rho = check_unit_interval("rho", rho)
        self.momentum = check_unit_interval("momentum", momentum)
        self.epsilon = check_real("epsilon", epsilon, positive=True)
        self.centered = bool(centered)

    def init_slots(self, variable: NDArray) -> tuple[NDArray, ...]:
        n = 1 + bool(self.centered) + bool(self.momentum)
        return tuple(np.zeros_like(variable) for _ in range(n))

    def update_step(self, gradient: NDArray, variable: NDArray, slots: tuple[NDArray, ...]) -> None:
        rho = self.rho
        v = slots[0]
        v *= rho
        v += (1 - rho) * gradient * gradient
        if self.centered:
            gbar = slots[1]
            gbar *= rho
            gbar += (1 - rho) * gradient
            step = self.learning_rate * gradient / np.sqrt(v - gbar * gbar + self.epsilon)
        else:
            step = self.learning_rate * gradient / np.sqrt(v + self.epsilon)
        if self.momentum:
            m = slots[-1]
            m *= self.momentum
            m += step
            step = m
        variable -= step


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015) in the "epsilon hat" form that Keras implements.

    With :math:`t` = ``iterations + 1``:

    .. math::
        m &\\leftarrow m + (1-\\beta_1)(g - m)                               \\\\
        v &\\leftarrow v + (1-\\beta_2)(g^2 - v)                             \\\\
        \\alpha_t &= \\eta \\sqrt{1-\\beta_2^t} / (1-\\beta_1^t)                \\\\
        w &\\leftarrow w - \\alpha_t\\, m / (\\sqrt{v} + \\hat\\epsilon)
        \\tag{nn.adam.1}

    This is the reformulation the paper gives just before its section 2.1; it equals Algorithm 1
    (:class:`AdamAlgorithm1`, eq. nn.adam.2) except where :math:`\\epsilon` matters, i.e. for tiny
    :math:`v`.  Keras defaults: :math:`\\eta = 0.001`, :math:`\\beta_1 = 0.9`, :math:`\\beta_2 = 0.999`,
    :math:`\\hat\\epsilon = 10^{-7}`.  Chapter 3: eq-ch3-adam-keras.
    """

    name = "adam"

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
    ) -> None:
        super().__init__(learning_rate)
        self.beta_1 = check_unit_interval("beta_1", beta_1)
        self.beta_2 = check_unit_interval("beta_2", beta_2)
        self.epsilon = check_real("epsilon", epsilon, positive=True)

    def init_slots(self, variable: NDArray) -> tuple[NDArray, ...]:
        return np.zeros_like(variable), np.zeros_like(variable)

    def update_step(self, gradient: NDArray, variable: NDArray, slots: tuple[NDArray, ...]) -> None:
        m, v = slots
        t = self.iterations + 1
        m += (gradient - m) * (1 - self.beta_1)
        v += (gradient * gradient - v) * (1 - self.beta_2)
        alpha = self.learning_rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        variable -= alpha * m / (np.sqrt(v) + self.epsilon)


class AdamAlgorithm1(Adam):
    """Adam exactly as Algorithm 1 of Kingma & Ba (2015), for teaching.

    .. math::
        \\hat m = m / (1-\\beta_1^t), \\quad \\hat v = v / (1-\\beta_2^t), \\quad
        w \\leftarrow w - \\eta\\, \\hat m / (\\sqrt{\\hat v} + \\epsilon)
        \\tag{nn.adam.2}

    with :math:`m, v` updated as in eq. (nn.adam.1) and default :math:`\\epsilon = 10^{-8}` (the paper's).
    It differs from :class:`Adam` (Keras) by :math:`\\hat\\epsilon = \\epsilon\\sqrt{1-\\beta_2^t}`: small,
    but visible in the first steps on weights with tiny gradients.  Chapter 3: eq-ch3-adam.
    """

    name = "adam_algorithm1"

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        super().__init__(learning_rate, beta_1, beta_2, epsilon)

    def update_step(self, gradient: NDArray, variable: NDArray, slots: tuple[NDArray, ...]) -> None:
        m, v = slots
        t = self.iterations + 1
        m += (gradient - m) * (1 - self.beta_1)
        v += (gradient * gradient - v) * (1 - self.beta_2)
        m_hat = m / (1 - self.beta_1**t)
        v_hat = v / (1 - self.beta_2**t)
        variable -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)


_REGISTRY: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, RMSprop, Adam, AdamAlgorithm1)
}


def get(identifier: str | Optimizer) -> Optimizer:
    """Return a new optimizer named ``identifier`` (with Keras's defaults) or ``identifier`` itself.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    TypeError
        For anything that is neither a string nor an :class:`Optimizer`.
    """
    return lookup("optimizer", identifier, Optimizer, _REGISTRY,
                  "a string or an nn.optimizers.Optimizer")
