"""Learning-rate schedules: the step size as a function of the optimizer's step counter.

A schedule is passed as ``learning_rate`` to any optimizer, as in Keras
(``nn.optimizers.Adam(learning_rate=nn.optimizers.schedules.CosineDecay(...))``).  Before each update
the optimizer calls it with its step counter :math:`s` = ``optimizer.iterations`` (0 for the first
update) and uses :math:`\\eta(s)` in its rule.  Both schedules reproduce Keras 3's formulas.

**Exponential decay** by the factor :math:`r` every :math:`S` steps, smoothly or in a staircase:

.. math::
    \\eta(s) = \\eta_0\\, r^{\\,s/S} \\quad\\text{or}\\quad \\eta(s) = \\eta_0\\, r^{\\lfloor s/S \\rfloor}
    \\tag{nn.schedule.1}

**Cosine decay** (Loshchilov & Hutter 2017, without restarts) over :math:`D` steps to the floor
:math:`\\alpha\\,\\eta_\\text{peak}`, after an optional linear **warm-up** (Goyal et al. 2017) of
:math:`W` steps from :math:`\\eta_0` to :math:`\\eta_\\text{peak}` (``warmup_target``; without warm-up
:math:`W = 0` and :math:`\\eta_\\text{peak} = \\eta_0`).  With :math:`\\hat s = \\min(s, W + D)`:

.. math::
    \\eta(s) = \\begin{cases}
        \\eta_0 + (\\eta_\\text{peak} - \\eta_0)\\, \\hat s / W, & \\hat s < W, \\\\
        \\eta_\\text{peak}\\Big[(1-\\alpha)\\, \\tfrac12\\big(1 + \\cos(\\pi (\\hat s - W)/D)\\big)
        + \\alpha\\Big],
        & \\hat s \\ge W,
    \\end{cases}
    \\tag{nn.schedule.2}

so the rate stays at :math:`\\alpha\\,\\eta_\\text{peak}` after step :math:`W + D`.  Chapter 5:
eq-ch5-cosine.

Examples
--------
>>> schedule = CosineDecay(0.0, decay_steps=10, warmup_target=0.1, warmup_steps=5)
>>> [round(schedule(s), 4) for s in (0, 1, 5, 10, 15, 20)]
[0.0, 0.02, 0.1, 0.05, 0.0, 0.0]
>>> round(ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(20), 6)
0.025
"""

from __future__ import annotations

import math

from companion._validation import check_int, check_real

__all__ = ["CosineDecay", "ExponentialDecay", "LearningRateSchedule"]


def _step(step: object) -> float:
    """The optimizer step a schedule is asked about: a real number >= 0."""
    return check_real("step", step, nonnegative=True)


class LearningRateSchedule:
    """Base class: ``schedule(step)`` returns the learning rate (a float) for optimizer step ``step``."""

    def __call__(self, step: int) -> float:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class ExponentialDecay(LearningRateSchedule):
    """:math:`\\eta_0 r^{s/S}`, eq. (nn.schedule.1); Keras's ``keras.optimizers.schedules.ExponentialDecay``.

    Parameters
    ----------
    initial_learning_rate : float
        :math:`\\eta_0 \\ge 0`.
    decay_steps : int
        :math:`S > 0`.
    decay_rate : float
        :math:`r > 0` (below 1 to decay).
    staircase : bool, default False
        Use :math:`\\lfloor s/S \\rfloor`: the rate drops by :math:`r` every :math:`S` steps (a *step*
        schedule, chapter 5's eq-ch5-expdecay).
    """

    def __init__(
        self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False
    ) -> None:
        self.initial_learning_rate = check_real(
            "initial_learning_rate", initial_learning_rate, nonnegative=True
        )
        self.decay_steps = check_int("decay_steps", decay_steps, minimum=1)
        self.decay_rate = check_real("decay_rate", decay_rate, positive=True)
        self.staircase = bool(staircase)

    def __call__(self, step: int) -> float:
        p = _step(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate**p


class CosineDecay(LearningRateSchedule):
    """Cosine decay with optional linear warm-up, eq. (nn.schedule.2); Keras's ``CosineDecay``.

    Parameters
    ----------
    initial_learning_rate : float
        :math:`\\eta_0 \\ge 0`: the start of the warm-up, or of the decay if there is no warm-up.
    decay_steps : int
        :math:`D > 0`, the length of the cosine part.
    alpha : float, default 0
        Floor as a fraction of the peak rate, in [0, 1].
    warmup_target : float, optional
        :math:`\\eta_\\text{peak}`, the rate reached at the end of the warm-up; ``None``: no warm-up.
    warmup_steps : int, default 0
        :math:`W`, the length of the warm-up (ignored without ``warmup_target``, as in Keras).
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        self.initial_learning_rate = check_real(
            "initial_learning_rate", initial_learning_rate, nonnegative=True
        )
        self.decay_steps = check_int("decay_steps", decay_steps, minimum=1)
        self.alpha = check_real("alpha", alpha, nonnegative=True)
        if self.alpha > 1:
            raise ValueError(f"alpha must be in [0, 1], got {alpha!r}")
        self.warmup_target = (
            None if warmup_target is None
            else check_real("warmup_target", warmup_target, nonnegative=True)
        )
        self.warmup_steps = check_int("warmup_steps", warmup_steps, minimum=0)

    def _decay(self, s: float, peak: float) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * s / self.decay_steps))
        return peak * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step: int) -> float:
        s = _step(step)
        if self.warmup_target is None:
            return self._decay(min(s, self.decay_steps), self.initial_learning_rate)
        w = self.warmup_steps
        s = min(s, self.decay_steps + w)
        if s < w:
            return (self.warmup_target - self.initial_learning_rate) * (s / w) + self.initial_learning_rate
        return self._decay(s - w, self.warmup_target)
