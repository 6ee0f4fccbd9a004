"""DP-SGD (companion.nn.dp): per-example gradients against a loop, clipping, the noise, the reduction to
plain SGD, the random stream, the accountant and the advantage bound."""

from __future__ import annotations

import math

import numpy as np
import pytest

from companion import nn
from companion.nn import dp


def _model(seed=0, dtype="float64"):
    m = nn.Sequential([nn.Input(shape=(6,)), nn.Dense(5, activation="relu"), nn.Dense(4, activation="tanh"),
                       nn.Dense(3, activation="softmax")], seed=seed, dtype=dtype)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return m


RNG = np.random.default_rng(1)
X = RNG.standard_normal((40, 6))
Y = RNG.integers(0, 3, 40)


def _flat(grads):
    n = grads[0].shape[0]
    return np.concatenate([g.reshape(n, -1) for g in grads], axis=1)


# ----------------------------------------------------------------------------- per-example gradients
def test_per_example_gradients_equal_a_loop_of_single_example_gradients():
    m = _model()
    _, each = m.compute_gradients(X[:9], Y[:9], per_example=True)
    loop = [m.compute_gradients(X[i:i + 1], Y[i:i + 1])[1] for i in range(9)]
    stacked = [np.stack([single[k] for single in loop]) for k in range(len(each))]
    assert len(each) == 6
    for g, expected in zip(each, stacked):
        assert g.shape == expected.shape
        assert np.abs(g - expected).max() <= 1e-13 * max(1.0, np.abs(expected).max())
    norms = np.sqrt((_flat(stacked) ** 2).sum(1))
    assert np.allclose(dp.per_example_norms(each), norms, rtol=1e-13)


def test_fit_computes_all_per_example_gradients_of_a_step_in_one_call(monkeypatch):
    """No Python loop over examples: one vectorised compute_gradients call per non-empty batch."""
    m = _model()
    calls = []
    original = m.compute_gradients

    def spy(x, y, per_example=False):
        calls.append((len(x), per_example))
        return original(x, y, per_example=per_example)

    monkeypatch.setattr(m, "compute_gradients", spy)
    log = dp.fit(m, X, Y, epochs=2, batch_size=8, clip_norm=1.0, noise_multiplier=1.0, seed=0)
    nonempty = log.batch_sizes[log.batch_sizes > 0]
    assert [c[0] for c in calls] == list(nonempty)
    assert all(c[1] for c in calls)
    assert log.batch_sizes.max() > 1


# ----------------------------------------------------------------------------- clipping
@pytest.mark.parametrize("clip_norm", [1e-3, 0.1, 1.0, 10.0])
def test_clipping_bounds_every_norm_and_keeps_directions_and_short_gradients(clip_norm):
    rng = np.random.default_rng(0)
    scales = np.geomspace(1e-4, 1e2, 30)
    grads = [rng.standard_normal((30, 4, 3)) * scales[:, None, None],
             rng.standard_normal((30, 3)) * scales[:, None]]
    before = dp.per_example_norms(grads)
    clipped = dp.clip_gradients(grads, clip_norm)
    after = dp.per_example_norms(clipped)
    assert np.all(after <= clip_norm * (1 + 1e-12))
    short = before <= clip_norm
    assert short.any() and (~short).any()
    for g, c in zip(grads, clipped):
        assert np.array_equal(g[short], c[short])                       # untouched
    assert np.allclose(after[~short], clip_norm, rtol=1e-12)             # long ones get length C
    cos = (_flat(grads) * _flat(clipped)).sum(1) / (before * after)
    assert np.allclose(cos, 1.0, atol=1e-12)                             # same direction


def test_clip_factors_edge_cases():
    f = dp.clip_factors(np.array([0.0, 0.5, 2.0, np.inf]), 1.0)
    assert np.array_equal(f, [1.0, 1.0, 0.5, 0.0])
    assert np.array_equal(dp.clip_factors(np.array([0.0, 3.0, 1e300]), np.inf), [1.0, 1.0, 1.0])


# ----------------------------------------------------------------------------- noise
def test_noise_has_standard_deviation_sigma_c_over_l_and_is_centred():
    zeros = [np.zeros((5, 200, 100)), np.zeros((5, 100))]
    g = dp.noisy_gradient(zeros, clip_norm=0.5, noise_multiplier=2.0, denominator=10.0, rng=0)
    values = np.concatenate([a.ravel() for a in g])
    assert values.size == 20_100
    assert abs(values.std() / (2.0 * 0.5 / 10.0) - 1) < 0.03
    assert abs(values.mean()) < 4 * 0.1 / math.sqrt(values.size)


def test_noisy_gradient_is_an_unbiased_estimate_of_the_clipped_sum_over_l():
    rng = np.random.default_rng(3)
    grads = [rng.standard_normal((6, 3, 2)), rng.standard_normal((6, 2))]
    clipped_sum = [c.sum(0) / 4.0 for c in dp.clip_gradients(grads, 0.7)]
    draws = [dp.noisy_gradient(grads, 0.7, 1.0, 4.0, rng) for _ in range(4000)]
    for k, target in enumerate(clipped_sum):
        mean = np.mean([d[k] for d in draws], axis=0)
        assert np.abs(mean - target).max() < 5 * (0.7 / 4.0) / math.sqrt(4000)


def test_noise_is_drawn_even_without_noise_so_the_stream_stays_aligned():
    grads = [np.ones((2, 3))]
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    dp.noisy_gradient(grads, np.inf, 0.0, 2.0, a)
    dp.noisy_gradient(grads, 1.0, 3.0, 2.0, b)
    assert a.random() == b.random()


# ----------------------------------------------------------------------------- reduction to SGD
def test_sigma_zero_and_infinite_clip_is_the_mean_gradient():
    m = _model()
    _, each = m.compute_gradients(X, Y, per_example=True)
    _, mean = m.compute_gradients(X, Y)
    g = dp.noisy_gradient(each, np.inf, 0.0, len(X), 0)
    for a, b in zip(g, mean):
        # the same sum in another order (outer products vs a matrix product): equal to rounding
        assert np.abs(a - b).max() <= 1e-14 * max(1.0, np.abs(b).max())


def test_sigma_zero_and_infinite_clip_is_ordinary_sgd_on_the_same_batches():
    """dp.fit with sigma = 0, C = inf takes the steps of plain SGD: w <- w - eta (|B|/L) mean_B grad."""
    lr, batch, seed = 0.3, 8, 7
    private, plain = _model(seed=1), _model(seed=1)
    log = dp.fit(private, X, Y, epochs=3, batch_size=batch, clip_norm=np.inf, noise_multiplier=0.0,
                 learning_rate=lr, seed=seed)
    rng = np.random.default_rng(seed)        # replay the documented stream: n uniforms, then the normals
    for _ in range(log.steps):
        rows = np.flatnonzero(rng.random(len(X)) < batch / len(X))
        for w in plain.weights:
            rng.standard_normal(w.shape)
        if len(rows):
            _, mean = plain.compute_gradients(X[rows], Y[rows])
            nn.optimizers.SGD(lr * len(rows) / batch).apply(mean, plain.weights)
    assert log.steps == 15
    for a, b in zip(private.get_weights(), plain.get_weights()):
        assert np.abs(a - b).max() < 1e-12


# ----------------------------------------------------------------------------- sampling and the stream
def test_poisson_batches_have_the_expected_size_and_draw_n_uniforms():
    rng = np.random.default_rng(0)
    sizes = [len(dp.poisson_sample(1000, 0.05, rng)) for _ in range(400)]
    assert abs(np.mean(sizes) - 50) < 4 * math.sqrt(50 * 0.95 / 400)
    a, b = np.random.default_rng(1), np.random.default_rng(1)
    idx = dp.poisson_sample(10, 0.5, a)
    b.random(10)
    assert a.random() == b.random()
    assert np.array_equal(idx, np.unique(idx))


def test_the_batches_depend_on_the_seed_only():
    a, b = _model(seed=0), _model(seed=1)
    la = dp.fit(a, X, Y, epochs=2, batch_size=5, clip_norm=1.0, noise_multiplier=1.0, seed=3)
    lb = dp.fit(b, X[::-1] * 2, Y, epochs=2, batch_size=5, clip_norm=1.0, noise_multiplier=1.0, seed=3)
    assert np.array_equal(la.batch_sizes, lb.batch_sizes)


def test_fit_is_reproducible_and_records_what_it_did():
    logs, weights = [], []
    for _ in range(2):
        m = _model()
        logs.append(dp.fit(m, X, Y, epochs=2, batch_size=10, clip_norm=0.1, noise_multiplier=1.0, seed=0))
        weights.append(m.get_weights())
    assert all(np.array_equal(a, b) for a, b in zip(*weights))
    log = logs[0]
    assert log.steps == dp.steps_for(2, 40, 10) == 8 and log.sampling_rate == 0.25
    assert log.batch_sizes.shape == log.clipped_fraction.shape == log.loss.shape == (8,)
    assert np.nanmax(log.clipped_fraction) == 1.0          # C = 0.1 clips (almost) everything


def test_steps_for():
    assert dp.steps_for(60, 60_000, 256) == 14_062
    assert dp.steps_for(1, 10, 100) == 1
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        dp.steps_for(1, 10, 0)


# ----------------------------------------------------------------------------- bad input
def _unchanged_after(call, model):
    before = model.get_weights()
    call()
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [({"clip_norm": 0.0}, ValueError, "clip_norm must be > 0, got 0.0"),
     ({"clip_norm": np.inf}, ValueError, "needs a finite clip_norm"),
     ({"noise_multiplier": -1.0}, ValueError, "noise_multiplier must be >= 0, got -1.0"),
     ({"noise_multiplier": "1"}, TypeError, "noise_multiplier must be a real number, got str"),
     ({"batch_size": 41}, ValueError, "at most the 40 examples, got 41"),
     ({"seed": -1}, ValueError, r"seed must be an int in \[0, 2\*\*32\), got -1"),
     ({"seed": "0"}, TypeError, "seed must be a numpy.random.Generator, an int seed or None, got str"),
     ({"optimizer": "sgd"}, TypeError, "optimizer must be an nn.optimizers.Optimizer")],
)
def test_bad_arguments_are_refused_before_anything_changes(kwargs, error, match):
    m = _model()
    args = {"epochs": 1, "batch_size": 5, "clip_norm": 1.0, "noise_multiplier": 1.0, **kwargs}

    def call():
        with pytest.raises(error, match=match):
            dp.fit(m, X, Y, **args)

    _unchanged_after(call, m)


def test_bad_data_is_refused_with_the_argument_named():
    m = _model()
    with pytest.raises(ValueError, match=r"x must have 6 features \(the model's input size\), got 5"):
        dp.fit(m, X[:, :5], Y, epochs=1, batch_size=5, clip_norm=1.0, noise_multiplier=1.0)
    with pytest.raises(ValueError, match=r"y must hold integer labels in \[0, 3\)"):
        dp.fit(m, X, Y + 3, epochs=1, batch_size=5, clip_norm=1.0, noise_multiplier=1.0)
    raw = nn.Sequential([nn.Input(shape=(6,)), nn.Dense(3, activation="softmax")])
    with pytest.raises(ValueError, match="compiled"):
        dp.fit(raw, X, Y, epochs=1, batch_size=5, clip_norm=1.0, noise_multiplier=1.0)
    with pytest.raises(ValueError, match="same leading axis"):
        dp.per_example_norms([np.ones((3, 2)), np.ones((4, 2))])


# ----------------------------------------------------------------------------- accounting
def test_epsilon_is_dp_accounting_on_a_poisson_sampled_gaussian():
    import dp_accounting
    from dp_accounting.rdp import RdpAccountant

    acc = RdpAccountant()
    acc.compose(dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(0.01, dp_accounting.GaussianDpEvent(1.3)), 500))
    assert dp.epsilon(1.3, 0.01, 500, 1e-5, "rdp") == acc.get_epsilon(1e-5)


def test_epsilon_behaves_as_a_privacy_budget_should():
    eps = [dp.epsilon(s, 0.02, 200, accountant="rdp") for s in (0.8, 1.0, 2.0, 4.0)]
    assert all(a > b for a, b in zip(eps, eps[1:]))                     # more noise, less epsilon
    assert dp.epsilon(1.0, 0.02, 400, accountant="rdp") > eps[1]        # more steps, more epsilon
    assert dp.epsilon(1.0, 0.04, 200, accountant="rdp") > eps[1]        # larger batches, more epsilon
    pld = dp.epsilon(1.0, 0.02, 200, accountant="pld", value_discretization_interval=1e-3)
    assert pld < eps[1]                                                 # PLD is the tighter bound
    assert dp.epsilon(0.0, 0.02, 200) == math.inf


def test_rdp_accountant_stays_quiet_where_it_skips_orders(capfd):
    assert math.isfinite(dp.epsilon(0.6, 0.1, 100, accountant="rdp"))
    assert capfd.readouterr().err == ""


def test_dplog_epsilon_uses_its_own_settings():
    m = _model()
    log = dp.fit(m, X, Y, epochs=1, batch_size=4, clip_norm=1.0, noise_multiplier=1.5, seed=0)
    assert log.epsilon(1e-5, "rdp") == dp.epsilon(1.5, 0.1, 10, 1e-5, "rdp")


def test_accountant_arguments_are_checked():
    with pytest.raises(ValueError, match="accountant must be one of"):
        dp.epsilon(1.0, 0.1, 10, accountant="moments")
    with pytest.raises(ValueError, match=r"sampling_rate must be a probability in \(0, 1\]"):
        dp.epsilon(1.0, 1.5, 10)
    with pytest.raises(ValueError, match=r"delta must be in \(0, 1\)"):
        dp.epsilon(1.0, 0.1, 10, delta=1.0)


# ----------------------------------------------------------------------------- what epsilon promises
def test_max_advantage_is_the_corner_of_the_hypothesis_testing_region():
    for eps, delta in [(0.1, 0.0), (1.0, 1e-5), (3.0, 1e-3)]:
        a = math.exp(eps)
        fpr = (1 - delta) / (a + 1)
        tpr = a * fpr + delta
        assert math.isclose(1 - fpr, a * (1 - tpr) + delta)              # both constraints tight
        assert math.isclose(dp.max_advantage(eps, delta), tpr - fpr)
    assert math.isclose(dp.max_advantage(1.0), math.tanh(0.5))
    assert dp.max_advantage(math.inf) == 1.0 and dp.max_advantage(0.0) == 0.0
    # tighter than Yeom's e^eps - 1
    assert all(dp.max_advantage(e) <= math.expm1(e) for e in (0.01, 0.5, 2.0))


def test_max_advantage_bounds_the_best_test_against_a_gaussian_mechanism():
    """One Gaussian mechanism (sensitivity 1, noise sigma): the best test has advantage
    2 Phi(1/(2 sigma)) - 1."""
    import dp_accounting
    from dp_accounting.pld import PLDAccountant
    from scipy.stats import norm

    for sigma in (0.5, 1.0, 3.0):
        acc = PLDAccountant()
        acc.compose(dp_accounting.GaussianDpEvent(sigma))
        for delta in (1e-5, 1e-2):
            best = 2 * norm.cdf(1 / (2 * sigma)) - 1
            assert best <= dp.max_advantage(acc.get_epsilon(delta), delta) <= 1
