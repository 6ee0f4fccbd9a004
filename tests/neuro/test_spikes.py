"""Poisson spike trains and rate estimates."""

import numpy as np
import pytest
from scipy import stats

from companion.neuro import (
    binned_rate,
    isi_cv,
    poisson_spike_times,
    poisson_spike_train,
    smoothed_rate,
    spike_count_rate,
)


def test_exact_times_mean_count_and_poisson_variance():
    counts = np.array([poisson_spike_times(20.0, 1000.0, rng=s).size for s in range(400)])
    # mean 20, standard error sqrt(20 / 400) = 0.22: allow 5 standard errors
    assert abs(counts.mean() - 20.0) < 5 * np.sqrt(20.0 / 400)
    assert counts.var(ddof=1) / counts.mean() == pytest.approx(1.0, abs=0.3)  # Fano factor 1


def test_exact_times_are_sorted_in_range_and_isi_exponential():
    t = poisson_spike_times(40.0, 100_000.0, rng=1)  # ~4000 spikes
    assert np.all(np.diff(t) >= 0) and t.min() >= 0 and t.max() < 100_000.0
    isi = np.diff(t)
    assert isi_cv(t) == pytest.approx(1.0, abs=0.1)
    assert isi.mean() == pytest.approx(25.0, rel=0.1)
    assert stats.kstest(isi, "expon", args=(0, 25.0)).pvalue > 1e-3


def test_binned_train_mean_count_and_cv():
    train = poisson_spike_train(50.0, 1000.0, dt=0.5, n_trials=400, rng=2)
    assert train.shape == (400, 2000) and train.dtype == bool
    counts = train.sum(axis=1)
    assert abs(counts.mean() - 50.0) < 5 * np.sqrt(50.0 / 400)
    long_train = poisson_spike_train(50.0, 100_000.0, dt=0.1, rng=3)
    times = np.flatnonzero(long_train) * 0.1
    assert isi_cv(times) == pytest.approx(1.0, abs=0.1)


def test_inhomogeneous_rate():
    rate = np.concatenate([np.full(500, 10.0), np.full(500, 80.0)])  # 10 Hz then 80 Hz
    train = poisson_spike_train(rate, 1000.0, dt=1.0, n_trials=500, rng=4)
    first, second = train[:, :500].sum(axis=1).mean(), train[:, 500:].sum(axis=1).mean()
    assert first == pytest.approx(5.0, abs=5 * np.sqrt(5.0 / 500))
    assert second == pytest.approx(40.0, abs=5 * np.sqrt(40.0 / 500))


def test_seeded_trains_are_deterministic():
    def times(seed):
        return poisson_spike_times(30.0, 500.0, rng=seed)

    np.testing.assert_array_equal(times(9), times(9))
    assert not np.array_equal(times(9), times(10))
    np.testing.assert_array_equal(poisson_spike_train(30.0, 500.0, rng=9),
                                  poisson_spike_train(30.0, 500.0, rng=9))
    gen = np.random.default_rng(0)
    a, b = poisson_spike_times(30.0, 500.0, rng=gen), poisson_spike_times(30.0, 500.0, rng=gen)
    assert not np.array_equal(a, b)  # a shared generator advances


def test_zero_rate_gives_no_spikes():
    assert poisson_spike_times(0.0, 1000.0, rng=0).size == 0
    assert not poisson_spike_train(0.0, 1000.0, rng=0).any()


def test_spike_count_and_binned_rates():
    spikes = np.arange(0.0, 1000.0, 10.0)  # a regular 100 Hz train
    assert spike_count_rate(spikes, 0.0, 1000.0) == 100.0
    assert spike_count_rate(spikes, 0.0, 500.0) == 100.0
    centres, rates = binned_rate(spikes, 1000.0, 100.0)
    np.testing.assert_allclose(centres, np.arange(50.0, 1000.0, 100.0))
    np.testing.assert_allclose(rates, 100.0)
    assert isi_cv(spikes) == pytest.approx(0.0, abs=1e-12)


def test_rate_code_recovers_the_rate():
    for rate in (5.0, 20.0, 80.0):
        t = poisson_spike_times(rate, 20_000.0, rng=int(rate))
        assert spike_count_rate(t, 0.0, 20_000.0) == pytest.approx(rate, rel=5 / np.sqrt(rate * 20))


def test_smoothed_rate_preserves_spike_count_and_shape():
    spikes = np.array([300.0, 500.0, 700.0])
    t, r = smoothed_rate(spikes, 1000.0, dt=1.0, sigma=20.0)
    assert t.shape == r.shape == (1000,)
    assert r.sum() * 1.0 / 1000.0 == pytest.approx(3.0, rel=1e-6)  # integral = number of spikes
    assert t[np.argmax(r)] in (300.0, 500.0, 700.0)
    assert r.max() == pytest.approx(1000.0 / (np.sqrt(2 * np.pi) * 20.0), rel=1e-3)
    tr = poisson_spike_times(40.0, 10_000.0, rng=5)
    _, r = smoothed_rate(tr, 10_000.0, dt=1.0, sigma=50.0)
    assert r[500:-500].mean() == pytest.approx(spike_count_rate(tr, 500.0, 9500.0), rel=0.05)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: poisson_spike_times(-1.0, 100.0), ValueError, "rate must be >= 0"),
        (lambda: poisson_spike_times(10.0, 0.0), ValueError, "duration must be > 0"),
        (lambda: poisson_spike_times(float("nan"), 10.0), ValueError, "rate must be a finite number, got"),
        (lambda: poisson_spike_times(10.0, 10.0, rng="a"), TypeError, "rng must be"),
        (lambda: poisson_spike_train(10.0, 100.0, dt=0.0), ValueError, "dt must be > 0"),
        (lambda: poisson_spike_train(10.0, -1.0), ValueError, "duration must be > 0"),
        (lambda: poisson_spike_train(2000.0, 100.0, dt=1.0), ValueError, r"rate \* dt / 1000 must be <= 1"),
        (lambda: poisson_spike_train(np.ones(7), 100.0, dt=1.0), ValueError, r"one value per bin \(100"),
        (lambda: poisson_spike_train(np.ones((2, 100)), 100.0), ValueError, "rate must be 0 or 1-dim"),
        (lambda: poisson_spike_train([-1.0] * 100, 100.0), ValueError, "rate must be >= 0"),
        (lambda: poisson_spike_train(10.0, 100.0, n_trials=0), ValueError,
         "n_trials must be a positive integer, got 0"),
        (lambda: spike_count_rate([1.0], 5.0, 5.0), ValueError, "t_stop must be > t_start"),
        (lambda: spike_count_rate([[1.0]], 0.0, 5.0), ValueError, "spike_times must be 1-dim"),
        (lambda: binned_rate([1.0], 10.0, 20.0), ValueError, "bin_width must be <= duration"),
        (lambda: binned_rate([1.0], 10.0, 0.0), ValueError, "bin_width must be > 0"),
        (lambda: smoothed_rate([1.0], 10.0, sigma=0.0), ValueError, "sigma must be > 0"),
        (lambda: isi_cv([1.0, 2.0]), ValueError, "at least 3 spikes"),
        (lambda: isi_cv([3.0, 2.0, 1.0]), ValueError, "sorted"),
    ],
)
def test_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()
