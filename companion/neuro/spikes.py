r"""Poisson spike trains and firing-rate estimates: the rate code.

A homogeneous Poisson process with rate :math:`r` places spikes independently: the count in a window
of length :math:`T` is Poisson with mean :math:`rT`, interspike intervals are exponential with mean
:math:`1/r`, and their coefficient of variation is 1:

.. math::

    P(N_T = k) = \frac{(rT)^k}{k!} e^{-rT}, \qquad
    p(\tau) = r\, e^{-r \tau}, \qquad
    \mathrm{CV} = \frac{\sigma_\tau}{\langle \tau \rangle} = 1
    \tag{neuro.spikes.1}

On a time grid of step :math:`\Delta t` a spike occurs in each bin independently with probability
:math:`r(t)\, \Delta t` (a good approximation when :math:`r \Delta t \ll 1`), which also allows a
time-varying (inhomogeneous) rate :math:`r(t)`.

Rates are read back by counting, :math:`\hat r = N / T`, in one window, in bins, or with a Gaussian
kernel :math:`\hat r(t) = \sum_i k_\sigma(t - t_i)`:

.. math::

    \hat r(t) = \sum_i \frac{1}{\sqrt{2\pi}\,\sigma} e^{-(t - t_i)^2 / 2\sigma^2}
    \tag{neuro.spikes.2}

Units: times in ms, rates in Hz (spikes per second), so :math:`rT` is ``rate * duration / 1000``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_array, check_positive_int, check_real, check_rng
from companion.neuro.timing import n_steps_of

__all__ = [
    "binned_rate",
    "isi_cv",
    "poisson_spike_times",
    "poisson_spike_train",
    "smoothed_rate",
    "spike_count_rate",
]


def poisson_spike_times(
    rate: float, duration: float, rng: np.random.Generator | int | None = None
) -> NDArray[np.float64]:
    """Exact event times of a homogeneous Poisson process, eq. (neuro.spikes.1).

    The count is drawn from Poisson(``rate * duration / 1000``) and the times uniformly on
    ``[0, duration)``, which is the same process as exponential intervals, with no time grid.

    Parameters
    ----------
    rate : float
        Firing rate, Hz (>= 0).
    duration : float
        Length of the train, ms (> 0).
    rng : numpy.random.Generator, int or None
        A generator, a seed (same seed, same train), or None for fresh randomness.

    Returns
    -------
    ndarray
        Sorted spike times, ms.

    Examples
    --------
    >>> t = poisson_spike_times(20.0, 10_000.0, rng=0)
    >>> t.size  # about 20 Hz x 10 s = 200
    206
    """
    rate = check_real("rate", rate, nonnegative=True)
    duration = check_real("duration", duration, positive=True)
    gen = check_rng(rng)
    n = gen.poisson(rate * duration / 1000.0)
    return np.sort(gen.uniform(0.0, duration, size=n))


def poisson_spike_train(
    rate: ArrayLike,
    duration: float,
    dt: float = 1.0,
    n_trials: int | None = None,
    rng: np.random.Generator | int | None = None,
) -> NDArray[np.bool_]:
    """A binned Poisson spike train: a spike in each bin with probability ``rate * dt / 1000``.

    Parameters
    ----------
    rate : float or array_like of shape (n_bins,)
        Firing rate, Hz (>= 0): a constant, or one value per bin for an inhomogeneous process.
        ``rate * dt / 1000`` must not exceed 1.
    duration : float
        Length of the train, ms (> 0); ``n_bins = round(duration / dt)``.
    dt : float, default 1.0
        Bin width, ms (> 0).
    n_trials : int, optional
        Number of independent trials; None gives one train.
    rng : numpy.random.Generator, int or None
        Randomness (a seed makes the trains reproducible).

    Returns
    -------
    ndarray of bool, shape (n_bins,) or (n_trials, n_bins)
        True where a spike fell; the spike times are ``np.flatnonzero(train) * dt``.

    Examples
    --------
    >>> train = poisson_spike_train(50.0, 1000.0, dt=1.0, n_trials=100, rng=0)
    >>> train.shape, round(float(train.sum(axis=1).mean()))
    ((100, 1000), 50)
    """
    duration = check_real("duration", duration, positive=True)
    dt = check_real("dt", dt, positive=True)
    n_bins = n_steps_of(duration, dt)
    r = check_array("rate", rate, ndim=(0, 1), nonnegative=True)
    if r.ndim == 1 and r.shape[0] != n_bins:
        raise ValueError(
            f"rate must be a constant or have one value per bin ({n_bins} for duration {duration} ms "
            f"and dt {dt} ms), got shape {r.shape}"
        )
    p = r * dt / 1000.0
    if np.any(p > 1.0):
        raise ValueError(
            f"rate * dt / 1000 must be <= 1 (at most one spike per bin), got {float(np.max(p))}: "
            "use a smaller dt"
        )
    shape: tuple[int, ...] = (n_bins,)
    if n_trials is not None:
        shape = (check_positive_int("n_trials", n_trials), n_bins)
    gen = check_rng(rng)
    return gen.random(shape) < p


def _check_spikes(spike_times: ArrayLike) -> NDArray[np.float64]:
    return check_array("spike_times", spike_times, ndim=1)


def spike_count_rate(spike_times: ArrayLike, t_start: float, t_stop: float) -> float:
    """Rate from the spike count in one window, Hz: ``1000 * N / (t_stop - t_start)``.

    Parameters
    ----------
    spike_times : array_like of shape (n,)
        Spike times, ms.
    t_start, t_stop : float
        The window ``[t_start, t_stop)``, ms, with ``t_stop > t_start``.

    Examples
    --------
    >>> spike_count_rate([5.0, 120.0, 480.0, 950.0], 0.0, 1000.0)
    4.0
    """
    s = _check_spikes(spike_times)
    t_start = check_real("t_start", t_start)
    t_stop = check_real("t_stop", t_stop)
    if t_stop <= t_start:
        raise ValueError(f"t_stop must be > t_start ({t_start} ms), got {t_stop}")
    n = np.count_nonzero((s >= t_start) & (s < t_stop))
    return 1000.0 * int(n) / (t_stop - t_start)


def binned_rate(
    spike_times: ArrayLike, duration: float, bin_width: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Rate in consecutive bins, Hz: count per bin divided by the bin width.

    Parameters
    ----------
    spike_times : array_like of shape (n,)
        Spike times, ms, in ``[0, duration)``.
    duration : float
        Length of the train, ms.
    bin_width : float
        Width of each bin, ms (<= ``duration``); the last partial bin is dropped.

    Returns
    -------
    centres, rates : ndarray of shape (n_bins,)
        Bin centres (ms) and rates (Hz).
    """
    s = _check_spikes(spike_times)
    duration = check_real("duration", duration, positive=True)
    bin_width = check_real("bin_width", bin_width, positive=True)
    n_bins = int(np.floor(duration / bin_width + 1e-9))
    if n_bins < 1:
        raise ValueError(f"bin_width must be <= duration ({duration} ms), got {bin_width}")
    edges = np.arange(n_bins + 1, dtype=np.float64) * bin_width
    counts, _ = np.histogram(s, bins=edges)
    return edges[:-1] + bin_width / 2, 1000.0 * counts / bin_width


def smoothed_rate(
    spike_times: ArrayLike, duration: float, dt: float = 1.0, sigma: float = 20.0
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Rate smoothed with a Gaussian kernel of width ``sigma``, eq. (neuro.spikes.2), in Hz.

    Parameters
    ----------
    spike_times : array_like of shape (n,)
        Spike times, ms.
    duration : float
        Length of the train, ms (> 0).
    dt : float, default 1.0
        Output sampling step, ms (> 0).
    sigma : float, default 20.0
        Kernel standard deviation, ms (> 0).

    Returns
    -------
    t, rate : ndarray of shape (n_steps,)
        Sample times ``0, dt, ...`` (ms) and the rate there (Hz). Near the ends part of the kernel
        falls outside the train, so the estimate droops there.
    """
    s = _check_spikes(spike_times)
    duration = check_real("duration", duration, positive=True)
    dt = check_real("dt", dt, positive=True)
    sigma = check_real("sigma", sigma, positive=True)
    n = n_steps_of(duration, dt)
    t = np.arange(n, dtype=np.float64) * dt
    rate = np.zeros(n)
    # Sum the kernels directly: exact for any spike times, O(n_spikes x samples within 5 sigma).
    half = int(np.ceil(5 * sigma / dt))
    norm = 1000.0 / (np.sqrt(2 * np.pi) * sigma)
    for ti in s:
        c = int(round(ti / dt))
        lo, hi = max(0, c - half), min(n, c + half + 1)
        if lo < hi:
            rate[lo:hi] += norm * np.exp(-0.5 * ((t[lo:hi] - ti) / sigma) ** 2)
    return t, rate


def isi_cv(spike_times: ArrayLike) -> float:
    """Coefficient of variation of the interspike intervals (1 for a Poisson train, 0 for a clock).

    Parameters
    ----------
    spike_times : array_like of shape (n,)
        Sorted spike times, ms; at least 3 spikes (two intervals).
    """
    s = _check_spikes(spike_times)
    if s.size < 3:
        raise ValueError(f"spike_times must hold at least 3 spikes to estimate a CV, got {s.size}")
    isi = np.diff(s)
    if np.any(isi < 0):
        raise ValueError("spike_times must be sorted in increasing order")
    return float(isi.std() / isi.mean())
