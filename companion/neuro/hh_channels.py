r"""Gating kinetics of the Hodgkin-Huxley channels: the rate functions and what follows from them.

Each gate :math:`x \in \{m, h, n\}` of the sodium (m, h) and potassium (n) channels opens and
closes with voltage-dependent rates:

.. math::

    \frac{dx}{dt} = \alpha_x(V) (1 - x) - \beta_x(V) x
    = \frac{x_\infty(V) - x}{\tau_x(V)},
    \qquad x_\infty = \frac{\alpha_x}{\alpha_x + \beta_x},\quad \tau_x = \frac{1}{\alpha_x + \beta_x}
    \tag{neuro.hh.2}

with (V in mV, rates in 1/ms, the modern -65 mV convention)

.. math::

    \alpha_m &= \frac{0.1 (V + 40)}{1 - e^{-(V + 40)/10}}, & \beta_m &= 4 e^{-(V + 65)/18}, \\
    \alpha_h &= 0.07 e^{-(V + 65)/20}, & \beta_h &= \frac{1}{1 + e^{-(V + 35)/10}}, \\
    \alpha_n &= \frac{0.01 (V + 55)}{1 - e^{-(V + 55)/10}}, & \beta_n &= 0.125 e^{-(V + 65)/80}.
    \tag{neuro.hh.3}

:math:`\alpha_m` and :math:`\alpha_n` are 0/0 at V = -40 and -55 mV; the singularity is removable
(:math:`x / (1 - e^{-x}) \to 1` as :math:`x \to 0`) and the functions here return the limit there.

The membrane that these gates control, eq. (neuro.hh.1), and its integrator are in
:mod:`companion.neuro.hodgkin_huxley`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_array

__all__ = [
    "RATE_OFFSET",
    "RATE_SLOPE",
    "alpha_h",
    "alpha_m",
    "alpha_n",
    "beta_h",
    "beta_m",
    "beta_n",
    "steady_state",
    "time_constants",
]


def _x_over_1_minus_exp(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """:math:`x / (1 - e^{-x})`, equal to 1 at x = 0 (the removable singularity)."""
    zero = x == 0.0
    safe = np.where(zero, 1.0, x)
    return np.where(zero, 1.0, safe / -np.expm1(-safe))


#: The six rates of eq. (neuro.hh.3) as ``exp(RATE_SLOPE * V + RATE_OFFSET)``, rows alpha_m, alpha_h,
#: alpha_n, beta_m, beta_h, beta_n (shape (6, 1)): for alpha_m and alpha_n the exponent is -x of
#: x / (1 - e^-x); elsewhere the constant prefactor is folded into the offset.  The membrane's
#: integrator (:mod:`companion.neuro.hodgkin_huxley`) evaluates all six in one call with them.
RATE_SLOPE = np.array([-0.1, -1 / 20, -0.1, -1 / 18, -0.1, -1 / 80])[:, None]
RATE_OFFSET = np.array(
    [-4.0, -65 / 20 + np.log(0.07), -5.5, -65 / 18 + np.log(4.0), -3.5, -65 / 80 + np.log(0.125)]
)[:, None]


def _as_voltage(V: ArrayLike) -> NDArray[np.float64]:
    return check_array("V", V)


def alpha_m(V: ArrayLike) -> NDArray[np.float64]:
    """Opening rate of the sodium activation gate, eq. (neuro.hh.3), in 1/ms; ``V`` in mV.

    Examples
    --------
    >>> float(alpha_m(-40.0))  # the removable singularity: the limit 0.1 * 10
    1.0
    """
    V = _as_voltage(V)
    return _x_over_1_minus_exp((V + 40.0) / 10.0)


def beta_m(V: ArrayLike) -> NDArray[np.float64]:
    """Closing rate of the sodium activation gate, eq. (neuro.hh.3), in 1/ms; ``V`` in mV."""
    V = _as_voltage(V)
    return 4.0 * np.exp(-(V + 65.0) / 18.0)


def alpha_h(V: ArrayLike) -> NDArray[np.float64]:
    """Opening rate (de-inactivation) of the sodium inactivation gate, eq. (neuro.hh.3), in 1/ms."""
    V = _as_voltage(V)
    return 0.07 * np.exp(-(V + 65.0) / 20.0)


def beta_h(V: ArrayLike) -> NDArray[np.float64]:
    """Closing rate (inactivation) of the sodium inactivation gate, eq. (neuro.hh.3), in 1/ms."""
    V = _as_voltage(V)
    return 1.0 / (1.0 + np.exp(-(V + 35.0) / 10.0))


def alpha_n(V: ArrayLike) -> NDArray[np.float64]:
    """Opening rate of the potassium activation gate, eq. (neuro.hh.3), in 1/ms; ``V`` in mV.

    Examples
    --------
    >>> float(alpha_n(-55.0))  # the removable singularity: the limit 0.01 * 10
    0.1
    """
    V = _as_voltage(V)
    return 0.1 * _x_over_1_minus_exp((V + 55.0) / 10.0)


def beta_n(V: ArrayLike) -> NDArray[np.float64]:
    """Closing rate of the potassium activation gate, eq. (neuro.hh.3), in 1/ms; ``V`` in mV."""
    V = _as_voltage(V)
    return 0.125 * np.exp(-(V + 65.0) / 80.0)


def steady_state(V: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    r"""Steady-state gate values :math:`m_\infty, h_\infty, n_\infty` at voltage ``V`` (mV), eq. (neuro.hh.2).

    Returns
    -------
    m_inf, h_inf, n_inf : ndarray
        Each of the shape of ``V``, in [0, 1].

    Examples
    --------
    >>> m, h, n = steady_state(-65.0)
    >>> round(float(m), 4), round(float(h), 4), round(float(n), 4)
    (0.0529, 0.5961, 0.3177)
    """
    V = _as_voltage(V)
    am, bm = alpha_m(V), beta_m(V)
    ah, bh = alpha_h(V), beta_h(V)
    an, bn = alpha_n(V), beta_n(V)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


def time_constants(V: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    r"""Gate time constants :math:`\tau_m, \tau_h, \tau_n` (ms) at voltage ``V`` (mV), eq. (neuro.hh.2)."""
    V = _as_voltage(V)
    return (
        1.0 / (alpha_m(V) + beta_m(V)),
        1.0 / (alpha_h(V) + beta_h(V)),
        1.0 / (alpha_n(V) + beta_n(V)),
    )
