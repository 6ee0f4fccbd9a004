"""Hodgkin-Huxley: published behaviour (REFERENCES.md), an independent scipy reference, validation."""

import warnings

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from companion.neuro import (
    HodgkinHuxley,
    alpha_h,
    alpha_m,
    alpha_n,
    beta_h,
    beta_m,
    beta_n,
    steady_state,
    time_constants,
)

HH = HodgkinHuxley()
CURRENTS = np.array([6.2, 6.3, 7.0, 10.0, 20.0, 50.0])


@pytest.fixture(scope="module")
def rates():
    """Sustained rates of one batched 1000-ms run (the expensive part of this file, ~5 s)."""
    return dict(zip(CURRENTS.tolist(), HH.firing_rate(CURRENTS, duration=1000.0, transient=500.0)))


# ----------------------------------------------------------------------------- rate functions
def _x_over_1_minus_exp_series(x):
    return 1.0 + x / 2.0 + x**2 / 12.0 - x**4 / 720.0


@pytest.mark.parametrize("alpha, v0, scale", [(alpha_m, -40.0, 1.0), (alpha_n, -55.0, 0.1)])
def test_rate_functions_continuous_at_removable_singularity(alpha, v0, scale):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0/0 RuntimeWarning
        at = alpha(v0)
        offsets = np.array([1e-12, 1e-9, 1e-6, 1e-3, 1e-1])
        for sign in (-1.0, 1.0):
            near = alpha(v0 + sign * offsets)
            expected = scale * _x_over_1_minus_exp_series(sign * offsets / 10.0)
            np.testing.assert_allclose(near, expected, rtol=1e-9)
    assert float(at) == pytest.approx(scale, rel=1e-15)
    assert np.isfinite(at)


def test_rate_functions_formulas_and_vectorisation():
    V = np.linspace(-100.0, 50.0, 31).reshape(31, 1) * np.ones((1, 2))
    V[V == -40.0] = -40.5  # keep the plain formulas away from their 0/0
    V[V == -55.0] = -55.5
    np.testing.assert_allclose(alpha_m(V), 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10)), rtol=1e-12)
    np.testing.assert_allclose(beta_m(V), 4 * np.exp(-(V + 65) / 18), rtol=1e-14)
    np.testing.assert_allclose(alpha_h(V), 0.07 * np.exp(-(V + 65) / 20), rtol=1e-14)
    np.testing.assert_allclose(beta_h(V), 1 / (1 + np.exp(-(V + 35) / 10)), rtol=1e-14)
    np.testing.assert_allclose(alpha_n(V), 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10)), rtol=1e-12)
    np.testing.assert_allclose(beta_n(V), 0.125 * np.exp(-(V + 65) / 80), rtol=1e-14)
    assert alpha_m(V).shape == (31, 2)


def test_steady_state_and_time_constants():
    m, h, n = steady_state([-65.0, 0.0])
    assert m[0] == pytest.approx(0.0529, abs=1e-4)
    assert h[0] == pytest.approx(0.5961, abs=1e-4)
    assert n[0] == pytest.approx(0.3177, abs=1e-4)
    assert m[1] > 0.9 and h[1] < 0.01 and n[1] > 0.8  # depolarised: Na active but inactivated, K open
    taus = time_constants(-65.0)
    assert taus[0] < taus[2] < taus[1]  # m is the fast gate
    V = np.linspace(-100, 50, 151)
    for x in steady_state(V):
        assert np.all((x >= 0) & (x <= 1))


def test_vectorised_rhs_matches_the_public_rate_functions():
    rng = np.random.default_rng(0)
    V = np.concatenate([rng.uniform(-100.0, 60.0, 500), [-40.0, -55.0, -35.0, -65.0]])
    m, h, n = rng.uniform(0.0, 1.0, (3, V.size))
    I = rng.uniform(-5.0, 50.0, V.size)
    d = HH.derivatives(np.vstack([V, m, h, n]), I)
    expected = np.vstack(
        [
            I - 120 * m**3 * h * (V - 50) - 36 * n**4 * (V + 77) - 0.3 * (V + 54.387),
            alpha_m(V) * (1 - m) - beta_m(V) * m,
            alpha_h(V) * (1 - h) - beta_h(V) * h,
            alpha_n(V) * (1 - n) - beta_n(V) * n,
        ]
    )
    np.testing.assert_allclose(d, expected, rtol=1e-12, atol=1e-11)


# -------------------------------------------------------------------------------- behaviour
def test_resting_potential():
    y = HH.resting_state()
    assert y[0] == pytest.approx(-65.0, abs=0.5)
    assert y[0] == pytest.approx(-65.0, abs=0.01)
    np.testing.assert_allclose(HH.derivatives(y), 0.0, atol=1e-9)
    result = HH.simulate(0.0, duration=50.0)
    assert np.abs(result.V - y[0]).max() < 1e-6
    assert result.spike_times.size == 0


def test_spike_peak_and_shape():
    result = HH.simulate(10.0, duration=50.0)
    peak = result.V.max()
    assert 30.0 <= peak <= 50.0
    assert peak == pytest.approx(40.3, abs=1.0)
    assert result.V.min() > -80.0  # the after-hyperpolarisation stays above E_K = -77 mV
    assert result.V.min() < -70.0


def test_single_spike_threshold():
    result = HH.simulate([2.0, 2.5], duration=30.0, record=False)
    assert result.spike_times[0].size == 0
    assert result.spike_times[1].size == 1


def test_no_sustained_firing_at_6_2(rates):
    assert rates[6.2] == 0.0
    # ... although the step does make it fire a few spikes first
    early = HH.simulate(6.2, duration=100.0, record=False).spike_times
    assert 1 <= early.size <= 5


def test_sustained_firing_sets_in_abruptly_at_6_3(rates):
    assert 45.0 <= rates[6.3] <= 55.0  # type II: the rate jumps from 0 to ~50 Hz


def test_rates_against_references(rates):
    assert rates[10.0] == pytest.approx(68.8, abs=2.0)
    assert rates[20.0] == pytest.approx(86.2, abs=2.0)
    assert rates[7.0] == pytest.approx(58.8, abs=2.0)
    assert rates[50.0] == pytest.approx(116.0, abs=2.0)
    assert rates[6.3] < rates[7.0] < rates[10.0] < rates[20.0] < rates[50.0]


def test_rk4_matches_scipy_solve_ivp():
    """An independent reference: scipy's adaptive DOP853 at tolerance 1e-11, on a 4-spike run."""
    y0 = HH.resting_state()

    def reference(dt):
        ours = HH.simulate(10.0, duration=50.0, dt=dt)
        sol = solve_ivp(
            lambda t, y: HH.derivatives(y, 10.0), (0.0, 50.0), y0,
            method="DOP853", rtol=1e-11, atol=1e-11, t_eval=ours.t,
        )
        assert sol.success
        return ours, sol

    ours, sol = reference(0.01)
    err_v = np.abs(ours.V - sol.y[0]).max()
    assert err_v < 1e-3  # mV, including the upstrokes of 4 spikes
    for i, gate in ((1, ours.m), (2, ours.h), (3, ours.n)):
        assert np.abs(gate - sol.y[i]).max() < 1e-6
    # fourth order: halving dt divides the error by ~16
    ours_half, sol_half = reference(0.005)
    ratio = err_v / np.abs(ours_half.V - sol_half.y[0]).max()
    assert 10.0 < ratio < 25.0


def test_batch_equals_separate_runs():
    batch = HH.simulate([3.0, 10.0], duration=30.0)
    for j, current in enumerate((3.0, 10.0)):
        single = HH.simulate(current, duration=30.0)
        np.testing.assert_array_equal(batch.V[:, j], single.V)
        np.testing.assert_array_equal(batch.spike_times[j], single.spike_times)
    unrecorded = HH.simulate([3.0, 10.0], duration=30.0, record=False)
    assert unrecorded.V is None
    np.testing.assert_array_equal(unrecorded.spike_times[1], batch.spike_times[1])
    np.testing.assert_array_equal(unrecorded.final_state, batch.final_state)


def test_chunked_spike_detection_over_long_unrecorded_runs():
    # 60 ms at dt 0.01 is 6000 steps: more than one 4096-step chunk
    rec = HH.simulate(10.0, duration=60.0)
    unrec = HH.simulate(10.0, duration=60.0, record=False)
    np.testing.assert_array_equal(rec.spike_times, unrec.spike_times)
    assert rec.spike_times.size == 4


def test_step_onset_and_offset():
    result = HH.simulate(10.0, duration=80.0, t_on=20.0, t_off=40.0)
    before = result.t < 20.0
    assert np.abs(result.V[before] - result.V[0]).max() < 1e-6
    assert np.all((result.spike_times > 20.0) & (result.spike_times < 45.0))
    assert result.spike_times.size >= 1
    assert abs(result.V[-1] - result.V[0]) < 5.0  # back near rest


def test_fi_curve_shape():
    currents, r = HH.fi_curve([0.0, 3.0, 15.0], duration=300.0, transient=150.0)
    np.testing.assert_array_equal(currents, [0.0, 3.0, 15.0])
    assert r[0] == 0.0 and r[1] == 0.0
    assert 70.0 < r[2] < 85.0


# ------------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"C_m": 0.0}, ValueError, "C_m must be > 0"),
        ({"g_Na": -1.0}, ValueError, "g_Na must be >= 0"),
        ({"g_L": float("nan")}, ValueError, "g_L must be a finite number, got"),
        ({"E_K": float("-inf")}, ValueError, "E_K must be a finite number, got"),
        ({"E_Na": "50"}, TypeError, "E_Na must be a real number"),
    ],
)
def test_parameter_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        HodgkinHuxley(**kwargs)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((10.0, 0.0), {}, ValueError, "duration must be > 0"),
        ((10.0, 10.0), {"dt": 0.0}, ValueError, "dt must be > 0"),
        ((10.0, 10.0), {"dt": -0.01}, ValueError, "dt must be > 0"),
        ((10.0, 10.0), {"dt": float("inf")}, ValueError, "dt must be a finite number, got"),
        ((np.ones((2, 2)), 10.0), {}, ValueError, "I must be 0 or 1-dimensional"),
        ((float("nan"), 10.0), {}, ValueError, "I must contain only finite"),
        ((np.array([]), 10.0), {}, ValueError, "at least one current"),
        ((10.0, 10.0), {"t_on": -1.0}, ValueError, "t_on must be >= 0"),
        ((10.0, 10.0), {"t_on": 5.0, "t_off": 5.0}, ValueError, "t_off must be > t_on"),
        ((10.0, 10.0), {"y0": [0.0, 0.0, 0.0]}, ValueError, r"y0 must have shape \(4,\)"),
        (([1.0, 2.0], 10.0), {"y0": np.zeros((4, 3))}, ValueError, r"\(4, 2\) for 2 current"),
        ((10.0, 10.0), {"record": 1}, TypeError, "record must be a bool"),
        ((10.0, 10.0), {"threshold": float("nan")}, ValueError, "threshold must be a finite number, got"),
    ],
)
def test_simulate_validation(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        HH.simulate(*args, **kwargs)


def test_other_validation():
    with pytest.raises(ValueError, match="transient must be < duration"):
        HH.firing_rate(10.0, duration=100.0, transient=100.0)
    with pytest.raises(ValueError, match="transient must be >= 0"):
        HH.firing_rate(10.0, duration=100.0, transient=-1.0)
    with pytest.raises(ValueError, match="currents must be 1-dimensional"):
        HH.fi_curve(10.0)
    with pytest.raises(ValueError, match="y must have 4 rows"):
        HH.derivatives(np.zeros(3))
    with pytest.raises(ValueError, match=r"I must be broadcastable to the shape of y\[0\], \(3,\)"):
        HH.derivatives(np.zeros((4, 3)), [1.0, 2.0])
    with pytest.raises(ValueError, match="V must contain only finite"):
        alpha_m(float("nan"))
