r"""The Hodgkin-Huxley model of the squid giant axon (1952), in the modern -65 mV convention.

The membrane is a capacitor in parallel with a sodium, a potassium and a leak conductance:

.. math::

    C_m \frac{dV}{dt} = I - \bar g_{Na} m^3 h (V - E_{Na}) - \bar g_K n^4 (V - E_K) - g_L (V - E_L)
    \tag{neuro.hh.1}

where each gate :math:`x \in \{m, h, n\}` follows the first-order kinetics of eqs. (neuro.hh.2)
and (neuro.hh.3), whose rate functions :math:`\alpha_x(V), \beta_x(V)` live in
:mod:`companion.neuro.hh_channels` (and are re-exported here: ``from
companion.neuro.hodgkin_huxley import alpha_m`` keeps working).

Units throughout: time in ms, voltage in mV, current density in uA/cm^2, conductance in mS/cm^2,
capacitance in uF/cm^2, rates in Hz (spikes per second). Parameters are those of NEURON's ``hh.mod``
except :math:`E_L = -54.387` mV, which puts the resting potential at -65.0 mV.

The equations are integrated with the classical fourth-order Runge-Kutta method (RK4) at a fixed step
(default 0.01 ms), on arrays: a whole batch of input currents is integrated at once, which is what
makes an f-I curve of tens of currents take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_array, check_bool, check_real
from companion.neuro.hh_channels import RATE_OFFSET, RATE_SLOPE, steady_state

# The gating kinetics moved to companion.neuro.hh_channels; the old import path keeps working.
from companion.neuro.hh_channels import alpha_h as alpha_h  # noqa: E402, I001
from companion.neuro.hh_channels import alpha_m as alpha_m
from companion.neuro.hh_channels import alpha_n as alpha_n
from companion.neuro.hh_channels import beta_h as beta_h
from companion.neuro.hh_channels import beta_m as beta_m
from companion.neuro.hh_channels import beta_n as beta_n
from companion.neuro.hh_channels import time_constants as time_constants
from companion.neuro.timing import n_steps_of

__all__ = ["HHResult", "HodgkinHuxley"]


@dataclass(frozen=True)
class HHResult:
    """What :meth:`HodgkinHuxley.simulate` returns.

    Attributes
    ----------
    t : ndarray of shape (n_steps + 1,) or None
        Sample times in ms (None when the run was not recorded).
    V, m, h, n : ndarray or None
        Membrane potential (mV) and gate values at the times ``t``: shape ``(n_steps + 1,)`` for one
        current, ``(n_steps + 1, n_currents)`` for a batch (time first, so ``plt.plot(t, V)`` draws
        every trace). None when the run was not recorded.
    spike_times : ndarray or list of ndarray
        Times (ms) of upward crossings of the spike threshold, linearly interpolated between samples;
        one array for one current, one array per current for a batch.
    I : float or ndarray
        The input current(s) in uA/cm^2.
    final_state : ndarray of shape (4,) or (4, n_currents)
        ``(V, m, h, n)`` at the end of the run (to continue a simulation from it).
    """

    t: NDArray[np.float64] | None
    V: NDArray[np.float64] | None
    m: NDArray[np.float64] | None
    h: NDArray[np.float64] | None
    n: NDArray[np.float64] | None
    spike_times: NDArray[np.float64] | list[NDArray[np.float64]]
    I: float | NDArray[np.float64]
    final_state: NDArray[np.float64]


@dataclass(frozen=True)
class HodgkinHuxley:
    """Hodgkin-Huxley membrane, eqs. (neuro.hh.1)-(neuro.hh.3); the defaults are the squid axon at 6.3 degC.

    Parameters
    ----------
    C_m : float, default 1.0
        Membrane capacitance, uF/cm^2 (> 0).
    g_Na, g_K, g_L : float, defaults 120.0, 36.0, 0.3
        Maximal sodium, potassium and leak conductances, mS/cm^2 (>= 0).
    E_Na, E_K, E_L : float, defaults 50.0, -77.0, -54.387
        Reversal potentials, mV.

    Notes
    -----
    Behaviour of the defaults (RK4, dt 0.01 ms, step current from rest; checked in the tests):
    rest -65.0 mV; spike peak +40.3 mV; a single spike from a step of 2.25 uA/cm^2 (none at 2.2);
    sustained firing from 6.265 uA/cm^2, jumping from 0 to 51 Hz (a type II neuron: at 6.26 it fires
    for ~0.8 s, then stops); 58.3 Hz at 7, 68.3 Hz at 10, 86.5 Hz at 20, 117.0 Hz at 50 uA/cm^2. RK4
    agrees with scipy's DOP853 at tolerance 1e-11 to 1.2e-4 mV over four spikes.

    Examples
    --------
    >>> hh = HodgkinHuxley()
    >>> round(float(hh.resting_state()[0]), 2)
    -65.0
    >>> r = hh.simulate(10.0, duration=50.0)
    >>> len(r.spike_times), bool(35 < r.V.max() < 45)
    (4, True)
    """

    C_m: float = 1.0
    g_Na: float = 120.0
    g_K: float = 36.0
    g_L: float = 0.3
    E_Na: float = 50.0
    E_K: float = -77.0
    E_L: float = -54.387

    def __post_init__(self) -> None:
        for f in fields(self):
            value = check_real(
                f.name,
                getattr(self, f.name),
                positive=f.name == "C_m",
                nonnegative=f.name.startswith("g_"),
            )
            object.__setattr__(self, f.name, value)

    # ------------------------------------------------------------------ dynamics
    def derivatives(self, y: ArrayLike, I: ArrayLike = 0.0) -> NDArray[np.float64]:
        """Right-hand side of eqs. (neuro.hh.1)-(neuro.hh.2).

        Parameters
        ----------
        y : array_like of shape (4,) or (4, n)
            State ``(V, m, h, n)``: V in mV, gates in [0, 1].
        I : float or array_like broadcastable to ``y[0]``
            Injected current, uA/cm^2.

        Returns
        -------
        ndarray of the shape of ``y``
            ``(dV/dt, dm/dt, dh/dt, dn/dt)`` in mV/ms and 1/ms.
        """
        y = check_array("y", y, ndim=(1, 2))
        if y.shape[0] != 4:
            raise ValueError(f"y must have 4 rows (V, m, h, n), got shape {y.shape}")
        I = check_array("I", I)
        try:
            I = np.broadcast_to(I, y.shape[1:])
        except ValueError:
            raise ValueError(
                f"I must be broadcastable to the shape of y[0], {y.shape[1:]}, got shape {I.shape}"
            ) from None
        y2 = y.reshape(4, -1)
        out = np.empty_like(y2)
        _make_rhs(self, y2.shape[1])(y2, I.reshape(-1), out)
        return out.reshape(y.shape)

    def resting_state(self) -> NDArray[np.float64]:
        """The resting state ``(V, m, h, n)`` with no input.

        It is the zero of the total ionic current with every gate at its steady state.

        Found by bisection on [-100, 0] mV (the default parameters have one resting state, -65.0 mV).

        Returns
        -------
        ndarray of shape (4,)
        """

        def total_current(V: float) -> float:
            m, h, n = steady_state(V)
            return float(
                self.g_Na * m**3 * h * (V - self.E_Na)
                + self.g_K * n**4 * (V - self.E_K)
                + self.g_L * (V - self.E_L)
            )

        lo, hi = -100.0, 0.0
        f_lo = total_current(lo)
        if f_lo * total_current(hi) > 0:
            raise ValueError("these parameters have no resting potential in [-100, 0] mV")
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            f_mid = total_current(mid)
            if (f_mid < 0) == (f_lo < 0):
                lo, f_lo = mid, f_mid
            else:
                hi = mid
        V = 0.5 * (lo + hi)
        return np.array([V, *(float(g) for g in steady_state(V))])

    # ---------------------------------------------------------------- simulation
    def simulate(
        self,
        I: ArrayLike,
        duration: float,
        dt: float = 0.01,
        *,
        t_on: float = 0.0,
        t_off: float | None = None,
        y0: ArrayLike | None = None,
        threshold: float = 0.0,
        record: bool = True,
    ) -> HHResult:
        """Integrate the model under a step current with RK4.

        The current is ``I`` on ``[t_on, t_off)`` and 0 elsewhere, held constant over each time step
        (a step's value is the current at its start), so steps at multiples of ``dt`` are exact.

        Parameters
        ----------
        I : float or array_like of shape (n_currents,)
            Step amplitude(s), uA/cm^2. A 1-D array integrates one independent membrane per current,
            all at once.
        duration : float
            Length of the run, ms (> 0); rounded to a whole number of steps.
        dt : float, default 0.01
            Time step, ms (> 0).
        t_on : float, default 0.0
            Onset of the current, ms (>= 0).
        t_off : float or None, default None
            End of the current, ms (> ``t_on``); None keeps it on to the end.
        y0 : array_like of shape (4,) or (4, n_currents), optional
            Initial ``(V, m, h, n)``; default the resting state.
        threshold : float, default 0.0
            A spike is an upward crossing of this voltage, mV.
        record : bool, default True
            Keep the traces. False keeps only spike times and the final state (memory stays constant;
            use it for long runs of large batches).

        Returns
        -------
        HHResult

        Raises
        ------
        ValueError, TypeError
            If an argument is non-finite, of the wrong sign, type or shape.
        """
        I_arr = check_array("I", I, ndim=(0, 1))
        duration = check_real("duration", duration, positive=True)
        dt = check_real("dt", dt, positive=True)
        t_on = check_real("t_on", t_on, nonnegative=True)
        if t_off is not None:
            t_off = check_real("t_off", t_off)
            if t_off <= t_on:
                raise ValueError(f"t_off must be > t_on ({t_on} ms), got {t_off}")
        threshold = check_real("threshold", threshold)
        record = check_bool("record", record)
        n_steps = n_steps_of(duration, dt)
        scalar = I_arr.ndim == 0
        amplitudes = I_arr.reshape(-1)
        batch = amplitudes.size
        if batch == 0:
            raise ValueError("I must contain at least one current, got an empty array")
        if y0 is None:
            y = np.repeat(self.resting_state()[:, None], batch, axis=1)
        else:
            y0_arr = check_array("y0", y0, ndim=(1, 2))
            if y0_arr.shape[0] != 4 or (y0_arr.ndim == 2 and y0_arr.shape[1] != batch):
                raise ValueError(
                    f"y0 must have shape (4,) or (4, {batch}) for {batch} current(s), got {y0_arr.shape}"
                )
            y = np.array(np.broadcast_to(y0_arr.reshape(4, -1), (4, batch)))
        k_on = int(round(t_on / dt))
        k_off = n_steps if t_off is None else int(round(t_off / dt))
        zero = np.zeros(batch)

        rhs = _make_rhs(self, batch)
        k1, k2, k3, k4, tmp = (np.empty_like(y) for _ in range(5))
        half, sixth = 0.5 * dt, dt / 6.0
        mul, add = np.multiply, np.add
        # Voltage samples go into `v_buf` (the whole run when recording, else a reusable chunk);
        # spikes are found chunk by chunk, vectorised, see _upward_crossings.
        chunk = n_steps if record else min(n_steps, 4096)
        if record:
            gates = np.empty((n_steps + 1, 3, batch))
            gates[0] = y[1:]
        v_buf = np.empty((chunk + 1, batch))
        v_buf[0] = y[0]
        filled = 0  # samples of the current chunk after v_buf[0]
        chunk_start = 0  # step index of v_buf[0]
        crossings: list[tuple[NDArray[np.float64], NDArray[np.int64]]] = []
        for k in range(n_steps):
            cur = amplitudes if k_on <= k < k_off else zero
            rhs(y, cur, k1)
            mul(k1, half, out=tmp)
            add(tmp, y, out=tmp)
            rhs(tmp, cur, k2)
            mul(k2, half, out=tmp)
            add(tmp, y, out=tmp)
            rhs(tmp, cur, k3)
            mul(k3, dt, out=tmp)
            add(tmp, y, out=tmp)
            rhs(tmp, cur, k4)
            add(k2, k3, out=k2)
            mul(k2, 2.0, out=k2)
            add(k1, k4, out=k1)
            add(k1, k2, out=k1)
            mul(k1, sixth, out=k1)
            add(y, k1, out=y)
            filled += 1
            v_buf[filled] = y[0]
            if record:
                gates[k + 1] = y[1:]
            elif filled == chunk or k == n_steps - 1:
                crossings.append(_upward_crossings(v_buf[: filled + 1], chunk_start, dt, threshold))
                v_buf[0] = v_buf[filled]
                chunk_start += filled
                filled = 0
        if record:
            crossings.append(_upward_crossings(v_buf, 0, dt, threshold))
        times = np.concatenate([c[0] for c in crossings])
        which = np.concatenate([c[1] for c in crossings])
        spike_arrays = [np.sort(times[which == j]) for j in range(batch)]
        t: NDArray[np.float64] | None = None
        V: NDArray[np.float64] | None = None
        m: NDArray[np.float64] | None = None
        h: NDArray[np.float64] | None = None
        n: NDArray[np.float64] | None = None
        if record:
            t = np.arange(n_steps + 1, dtype=np.float64) * dt
            V, m, h, n = v_buf, gates[:, 0], gates[:, 1], gates[:, 2]
            if scalar:
                V, m, h, n = v_buf[:, 0], gates[:, 0, 0], gates[:, 1, 0], gates[:, 2, 0]
        return HHResult(
            t=t,
            V=V,
            m=m,
            h=h,
            n=n,
            spike_times=spike_arrays[0] if scalar else spike_arrays,
            I=float(I_arr) if scalar else amplitudes.copy(),
            final_state=y[:, 0].copy() if scalar else y,
        )

    def firing_rate(
        self,
        I: ArrayLike,
        duration: float = 1000.0,
        transient: float = 500.0,
        dt: float = 0.01,
    ) -> float | NDArray[np.float64]:
        r"""Rate of sustained firing (Hz) under a step current switched on at rest at t = 0.

        The rate is measured after the ``transient``, over ``[transient, duration]``, as the inverse
        mean interspike interval of the spikes there:

        .. math::

            r = \frac{1000\,(k - 1)}{t_k - t_1}
            \tag{neuro.hh.4}

        (times in ms, so the factor 1000 gives Hz). It is 0 when fewer than two spikes fall in the
        window, or when the last spike comes more than two mean intervals before the end (the firing
        has stopped: the membrane spiked a few times and settled).

        Parameters
        ----------
        I : float or array_like of shape (n_currents,)
            Step amplitude(s), uA/cm^2; a batch is integrated at once.
        duration : float, default 1000.0
            Length of each run, ms.
        transient : float, default 500.0
            Discarded beginning, ms, in [0, duration).
        dt : float, default 0.01
            RK4 time step, ms.

        Returns
        -------
        float or ndarray of shape (n_currents,)

        Examples
        --------
        >>> rates = HodgkinHuxley().firing_rate([6.2, 10.0], duration=300.0, transient=150.0)
        >>> [round(float(r)) for r in rates]
        [0, 68]
        """
        duration = check_real("duration", duration, positive=True)
        transient = check_real("transient", transient, nonnegative=True)
        if transient >= duration:
            raise ValueError(f"transient must be < duration ({duration} ms), got {transient}")
        result = self.simulate(I, duration, dt, record=False)
        spikes = result.spike_times  # one train for a scalar I, else one per amplitude
        trains = [spikes] if isinstance(spikes, np.ndarray) else spikes
        rates = np.array([_sustained_rate(s, transient, duration) for s in trains])
        return float(rates[0]) if np.ndim(result.I) == 0 else rates

    def fi_curve(
        self,
        currents: ArrayLike,
        duration: float = 1000.0,
        transient: float = 500.0,
        dt: float = 0.01,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """f-I curve: sustained firing rate (Hz) against step current (uA/cm^2), eq. (neuro.hh.4).

        All currents are integrated together as one batch: a step costs about the same (~50 us here)
        for 1 or 300 currents, so 30 currents over the default 1000 ms take ~5 s, over 500 ms ~2.5 s.

        Returns
        -------
        currents, rates : ndarray of shape (n_currents,)

        Examples
        --------
        >>> I, r = HodgkinHuxley().fi_curve([0.0, 5.0, 20.0], duration=300.0, transient=150.0)
        >>> [round(float(x)) for x in r]
        [0, 0, 86]
        """
        currents = check_array("currents", currents, ndim=1)
        rates = self.firing_rate(currents, duration, transient, dt)
        return currents, np.asarray(rates)


def _make_rhs(p: HodgkinHuxley, batch: int):  # noqa: ANN202 (a closure)
    """Right-hand side of eqs. (neuro.hh.1)-(neuro.hh.3) for ``batch`` membranes, on preallocated buffers.

    ``rhs(y, I, out)`` writes ``dy/dt`` of the (4, batch) state ``y`` into ``out``. It is the RK4
    inner loop, so it is written for few numpy calls (each costs ~0.5 us whatever the batch size):
    the six rates are one (6, batch) array, rows ``alpha_m, alpha_h, alpha_n, beta_m, beta_h,
    beta_n``, with constant factors folded into the exponent (``0.07 e^u = e^{u + ln 0.07}``).
    Adding 1e-300 to the two 0/0 arguments leaves every nonzero argument unchanged (a difference of
    two doubles near 4 is 0 or at least ~4e-16) and turns an exact 0 into 1e-300, where
    ``x / expm1(x)`` is exactly the limit 1.
    """
    arg = np.empty((6, batch))
    rates = np.empty((6, batch))
    em1 = np.empty((2, batch))
    cond = np.empty((3, batch))
    drive = np.empty((3, batch))
    cond[2] = p.g_L
    reversal = np.array([[p.E_Na], [p.E_K], [p.E_L]])
    g_na, g_k, inv_c = p.g_Na, p.g_K, 1.0 / p.C_m
    sing, ratio = arg[0:3:2], rates[0:3:2]
    alpha, total = rates[:3], rates[3:]
    alpha_n_row, beta_h_row = rates[2], rates[4]
    cond_na, cond_k = cond[0], cond[1]
    mul, add, sub = np.multiply, np.add, np.subtract

    def rhs(y: NDArray[np.float64], I: NDArray[np.float64], out: NDArray[np.float64]) -> None:
        V, m, h, n = y
        mul(RATE_SLOPE, V, out=arg)
        add(arg, RATE_OFFSET, out=arg)
        np.exp(arg, out=rates)
        add(sing, 1e-300, out=sing)
        np.expm1(sing, out=em1)
        np.divide(sing, em1, out=ratio)  # x / (1 - e^-x) with x = -arg
        mul(alpha_n_row, 0.1, out=alpha_n_row)
        add(beta_h_row, 1.0, out=beta_h_row)
        np.reciprocal(beta_h_row, out=beta_h_row)
        add(total, alpha, out=total)  # alpha + beta
        mul(total, y[1:], out=total)
        sub(alpha, total, out=out[1:])  # alpha (1 - x) - beta x
        mul(m, m, out=cond_na)
        mul(cond_na, m, out=cond_na)
        mul(cond_na, h, out=cond_na)
        mul(cond_na, g_na, out=cond_na)
        mul(n, n, out=cond_k)
        mul(cond_k, cond_k, out=cond_k)
        mul(cond_k, g_k, out=cond_k)
        sub(V, reversal, out=drive)
        mul(drive, cond, out=drive)
        dv = out[0]
        sub(I, drive[0], out=dv)
        sub(dv, drive[1], out=dv)
        sub(dv, drive[2], out=dv)
        mul(dv, inv_c, out=dv)

    return rhs


def _upward_crossings(
    v: NDArray[np.float64], first_step: int, dt: float, threshold: float
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Times (ms) and batch indices of upward crossings of ``threshold`` in samples ``v`` (time first).

    ``v[i]`` is the sample at step ``first_step + i``; a crossing between samples is placed by linear
    interpolation.
    """
    before, after = v[:-1], v[1:]
    i, j = np.nonzero((before < threshold) & (after >= threshold))
    frac = (threshold - before[i, j]) / (after[i, j] - before[i, j])
    return (first_step + i + frac) * dt, j


def _sustained_rate(spike_times: NDArray[np.float64], t_start: float, t_stop: float) -> float:
    s = spike_times[spike_times >= t_start]
    if s.size < 2:
        return 0.0
    mean_isi = (s[-1] - s[0]) / (s.size - 1)
    if t_stop - s[-1] > 2.0 * mean_isi:
        return 0.0
    return 1000.0 / mean_isi
