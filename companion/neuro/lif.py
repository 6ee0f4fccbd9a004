r"""The leaky integrate-and-fire (LIF) neuron.

Below threshold the membrane is a leaky capacitor (an RC circuit) charged by the input current:

.. math::

    \tau_m \frac{dV}{dt} = -(V - E_L) + R\, I(t)
    \tag{neuro.lif.1}

When :math:`V` reaches the threshold :math:`V_{th}` the neuron emits a spike, :math:`V` is reset to
:math:`V_{reset}` and held there for the refractory period :math:`t_{ref}`. For a constant input the
interspike interval is the refractory period plus the time to charge from :math:`V_{reset}` to
:math:`V_{th}`, so the firing rate has a closed form:

.. math::

    r(I) = \begin{cases}
    \left[ t_{ref} + \tau_m \ln \dfrac{R I - (V_{reset} - E_L)}{R I - (V_{th} - E_L)} \right]^{-1}
    & \text{if } R I > V_{th} - E_L, \\
    0 & \text{otherwise.}
    \end{cases}
    \tag{neuro.lif.2}

Units: time in ms, voltage in mV, resistance in MOhm, current in nA (so :math:`R I` is in mV), rates
in Hz.

Integration scheme
------------------
The simulation uses *exact exponential integration* for piecewise-constant input rather than forward
Euler. Over a step of length :math:`\Delta t` with constant current :math:`I`, eq. (neuro.lif.1) has the
solution

.. math::

    V(t + \Delta t) = V_\infty + (V(t) - V_\infty)\, e^{-\Delta t / \tau_m},
    \qquad V_\infty = E_L + R I
    \tag{neuro.lif.3}

and when :math:`V` crosses threshold inside the step the crossing time is solved for exactly,
:math:`t^* = \tau_m \ln[(V - V_\infty) / (V_{th} - V_\infty)]`. The refractory period may end inside a
step too; the rest of the step is then integrated from :math:`V_{reset}`. Spike times are therefore
exact for any :math:`\Delta t` when the current is constant over steps, and the simulated rate matches
eq. (neuro.lif.2) up to the counting of a finite run (forward Euler would be off by O(dt/ISI), several
per cent at dt = 0.1 ms).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_array, check_real
from companion.neuro.timing import n_steps_of

__all__ = ["LIFNeuron", "LIFResult", "ReluFit", "fit_relu"]


@dataclass(frozen=True)
class LIFResult:
    """What :meth:`LIFNeuron.simulate` returns.

    Attributes
    ----------
    t : ndarray of shape (n_steps + 1,)
        Sample times, ms.
    V : ndarray of shape (n_steps + 1,)
        Membrane potential at the times ``t``, mV (``V_reset`` while refractory). The spike itself is
        not drawn: mark ``spike_times`` on a plot.
    spike_times : ndarray
        Exact threshold-crossing times, ms.
    duration : float
        Length of the run, ms.
    """

    t: NDArray[np.float64]
    V: NDArray[np.float64]
    spike_times: NDArray[np.float64]
    duration: float

    @property
    def rate(self) -> float:
        """Mean firing rate over the whole run, Hz: spike count / duration."""
        return 1000.0 * self.spike_times.size / self.duration


@dataclass(frozen=True)
class LIFNeuron:
    """Leaky integrate-and-fire neuron, eqs. (neuro.lif.1)-(neuro.lif.3).

    Parameters
    ----------
    tau_m : float, default 10.0
        Membrane time constant, ms (> 0).
    R : float, default 10.0
        Membrane resistance, MOhm (> 0); with I in nA, R I is in mV.
    E_L : float, default -65.0
        Resting (leak reversal) potential, mV.
    V_th : float, default -50.0
        Spike threshold, mV (> ``V_reset`` and > ``E_L``).
    V_reset : float, default -65.0
        Reset potential, mV.
    t_ref : float, default 2.0
        Absolute refractory period, ms (>= 0).

    Examples
    --------
    The reference example: R I = 20 mV, threshold 15 mV above rest.

    >>> neuron = LIFNeuron()
    >>> round(neuron.rate(2.0), 2)
    63.04
    >>> round(neuron.simulate(2.0, duration=1000.0).rate, 1)
    63.0
    """

    tau_m: float = 10.0
    R: float = 10.0
    E_L: float = -65.0
    V_th: float = -50.0
    V_reset: float = -65.0
    t_ref: float = 2.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = check_real(
                f.name,
                getattr(self, f.name),
                positive=f.name in ("tau_m", "R"),
                nonnegative=f.name == "t_ref",
            )
            object.__setattr__(self, f.name, value)
        if self.V_reset >= self.V_th:
            raise ValueError(f"V_reset must be < V_th ({self.V_th} mV), got {self.V_reset}")
        if self.E_L >= self.V_th:
            raise ValueError(f"E_L must be < V_th ({self.V_th} mV), got {self.E_L}")

    @property
    def rheobase(self) -> float:
        """Smallest constant current that makes the neuron fire, nA: ``(V_th - E_L) / R``."""
        return (self.V_th - self.E_L) / self.R

    def rate(self, I: ArrayLike) -> float | NDArray[np.float64]:
        """Closed-form firing rate for constant input ``I`` (nA), eq. (neuro.lif.2), in Hz.

        Parameters
        ----------
        I : float or array_like
            Constant input current(s), nA.

        Returns
        -------
        float or ndarray of the shape of ``I``
        """
        I_arr = check_array("I", I)
        drive = self.R * I_arr
        gap_th = self.V_th - self.E_L
        gap_reset = self.V_reset - self.E_L
        above = drive > gap_th
        safe = np.where(above, drive, gap_th + 1.0)
        isi = self.t_ref + self.tau_m * np.log((safe - gap_reset) / (safe - gap_th))
        r = np.where(above, 1000.0 / isi, 0.0)
        return float(r) if r.ndim == 0 else r

    def simulate(
        self,
        I: ArrayLike,
        duration: float,
        dt: float = 0.1,
        *,
        V0: float | None = None,
    ) -> LIFResult:
        """Simulate eq. (neuro.lif.1) with exact exponential integration, eq. (neuro.lif.3).

        Parameters
        ----------
        I : float or array_like of shape (n_steps,)
            Input current, nA: a constant, or one value per time step (held over
            ``[k dt, (k + 1) dt)``).
        duration : float
            Length of the run, ms (> 0); rounded to a whole number ``n_steps`` of steps.
        dt : float, default 0.1
            Time step, ms (> 0). It sets the sampling of ``V`` and of a time-varying input; spike times
            do not depend on it.
        V0 : float, optional
            Initial potential, mV (< ``V_th``); default ``E_L``.

        Returns
        -------
        LIFResult

        Raises
        ------
        ValueError, TypeError
            If an argument is non-finite, of the wrong sign or shape, or ``V0`` is not below threshold.
        """
        duration = check_real("duration", duration, positive=True)
        dt = check_real("dt", dt, positive=True)
        n_steps = n_steps_of(duration, dt)
        I_arr = check_array("I", I, ndim=(0, 1))
        if I_arr.ndim == 1 and I_arr.shape[0] != n_steps:
            raise ValueError(
                f"I must be a constant or have one value per time step ({n_steps} for duration "
                f"{duration} ms and dt {dt} ms), got shape {I_arr.shape}"
            )
        v = self.E_L if V0 is None else check_real("V0", V0)
        if v >= self.V_th:
            raise ValueError(f"V0 must be < V_th ({self.V_th} mV), got {v}")
        currents = np.broadcast_to(I_arr, (n_steps,))

        tau, v_th, v_reset, t_ref = self.tau_m, self.V_th, self.V_reset, self.t_ref
        V = np.empty(n_steps + 1)
        V[0] = v
        spikes: list[float] = []
        refractory_until = -math.inf
        for k in range(n_steps):
            t, t_end = k * dt, (k + 1) * dt
            v_inf = self.E_L + self.R * float(currents[k])
            while True:
                if refractory_until >= t_end:
                    v = v_reset
                    break
                if refractory_until > t:  # refractoriness ends inside this step
                    t, v = refractory_until, v_reset
                # Time to reach threshold from (t, v) under constant drive, eq. (neuro.lif.3).
                if v_inf > v_th:
                    t_cross = t + tau * math.log((v - v_inf) / (v_th - v_inf))
                    if t_cross <= t_end:
                        spikes.append(t_cross)
                        refractory_until = t_cross + t_ref
                        t, v = t_cross, v_reset
                        continue
                v = v_inf + (v - v_inf) * math.exp(-(t_end - t) / tau)
                break
            V[k + 1] = v
        return LIFResult(
            t=np.arange(n_steps + 1, dtype=np.float64) * dt,
            V=V,
            spike_times=np.asarray(spikes, dtype=np.float64),
            duration=n_steps * dt,
        )

    def fi_curve(
        self, currents: ArrayLike, duration: float = 1000.0, dt: float = 0.1
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Firing rate against constant input current, simulated and from eq. (neuro.lif.2).

        The simulated rate of each current is the inverse mean interspike interval of a run of
        ``duration`` ms started at ``E_L`` (the first interval starts from rest, not from reset, so it
        is left out); it is 0 with fewer than two spikes.

        Parameters
        ----------
        currents : array_like of shape (n,)
            Constant input currents, nA.
        duration : float, default 1000.0
            Length of each run, ms.
        dt : float, default 0.1
            Sampling step, ms.

        Returns
        -------
        currents, simulated, analytic : ndarray of shape (n,)
            Currents (nA) and rates (Hz).
        """
        currents = check_array("currents", currents, ndim=1)
        simulated = np.empty_like(currents)
        for i, current in enumerate(currents):
            s = self.simulate(float(current), duration, dt).spike_times
            simulated[i] = 1000.0 * (s.size - 1) / (s[-1] - s[0]) if s.size >= 2 else 0.0
        return currents, simulated, np.asarray(self.rate(currents))


class ReluFit(NamedTuple):
    r"""A rectified-linear fit :math:`\hat r(I) = a \max(0, I - I_0)` of an f-I curve, see :func:`fit_relu`.

    Attributes
    ----------
    slope : float
        :math:`a`, Hz per unit of current.
    threshold : float
        :math:`I_0`, where the fitted line crosses zero.
    r_squared : float
        Coefficient of determination of the line on the points that fire.
    max_abs_error : float
        Largest :math:`|r - \hat r|` over *all* points, Hz.
    relative_error : float
        ``max_abs_error`` divided by the largest rate.
    """

    slope: float
    threshold: float
    r_squared: float
    max_abs_error: float
    relative_error: float

    def predict(self, I: ArrayLike) -> NDArray[np.float64]:
        """The fitted ReLU at currents ``I``."""
        return self.slope * np.maximum(0.0, np.asarray(I, dtype=np.float64) - self.threshold)


def fit_relu(currents: ArrayLike, rates: ArrayLike, threshold: float | None = None) -> ReluFit:
    r"""Fit a rectified linear unit to an f-I curve: how ReLU-like is a neuron.

    A straight line :math:`r = a (I - I_0)` is fitted by least squares to the points with a positive
    rate, and the ReLU :math:`a \max(0, I - I_0)` it defines is compared with every point:

    .. math::

        \hat r(I) = a\, \mathrm{ReLU}(I - I_0), \qquad
        R^2 = 1 - \frac{\sum (r_i - \hat r_i)^2}{\sum (r_i - \bar r)^2}
        \quad \text{(over firing points)}
        \tag{neuro.lif.4}

    With a given ``threshold`` (e.g. the neuron's rheobase) only the slope is fitted, by least squares
    of :math:`a\,\mathrm{ReLU}(I - I_0)` on all points.

    For the LIF neuron the fit is close but not exact: the rate rises steeply (logarithmically) just
    above threshold and bends over toward :math:`1 / t_{ref}` at large currents.

    Parameters
    ----------
    currents, rates : array_like of shape (n,)
        An f-I curve; at least two points must fire.
    threshold : float, optional
        Fix :math:`I_0` instead of fitting it.

    Returns
    -------
    ReluFit

    Examples
    --------
    >>> neuron = LIFNeuron()
    >>> I = np.linspace(0.0, 5.0, 51)
    >>> fit = fit_relu(I, neuron.rate(I))
    >>> round(fit.r_squared, 3), round(fit.threshold, 2)
    (0.984, 0.4)
    """
    currents = check_array("currents", currents, ndim=1)
    rates = check_array("rates", rates, ndim=1)
    if currents.shape != rates.shape:
        raise ValueError(
            f"currents and rates must have the same shape, got {currents.shape} and {rates.shape}"
        )
    firing = rates > 0
    if np.count_nonzero(firing) < 2:
        raise ValueError(
            f"rates must have at least 2 positive values to fit a line, got {np.count_nonzero(firing)}"
        )
    x, y = currents[firing], rates[firing]
    if np.ptp(x) == 0:
        raise ValueError("currents of the firing points must not all be equal")
    if threshold is None:
        slope, intercept = np.polyfit(x, y, 1)
        threshold = -intercept / slope
    else:
        threshold = check_real("threshold", threshold)
        ramp = np.maximum(0.0, currents - threshold)
        if not np.any(ramp > 0):
            raise ValueError(f"threshold must be below some of the currents, got {threshold}")
        slope = float(ramp @ rates) / float(ramp @ ramp)
    fit = ReluFit(float(slope), float(threshold), 0.0, 0.0, 0.0)
    residual = y - fit.predict(x)
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r_squared = 1.0 - float(np.sum(residual**2)) / ss_tot if ss_tot > 0 else 1.0
    err = float(np.max(np.abs(rates - fit.predict(currents))))
    return fit._replace(r_squared=r_squared, max_abs_error=err, relative_error=err / float(rates.max()))
