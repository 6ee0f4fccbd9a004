"""Learning-rate schedules (companion.nn.schedules) against Keras 3, and their use in the optimizers.

Keras evaluates a schedule in float32 (its ``initial_learning_rate`` becomes a float32 tensor), ours in
float64: the values agree to float32 rounding, a relative difference below ``SCHEDULE_RTOL`` of the
peak rate at every step.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from companion import nn

from .helpers import article_model

SCHEDULE_RTOL = 1e-6  # float32 has a relative precision of 6e-8; pow and cos add a few ulp
STEP_TOL = 1e-5       # as tests/nn/test_parity_tf.py
HISTORY_TOL = 1e-4

CASES = {
    "exponential": (
        lambda s: s.ExponentialDecay(0.1, decay_steps=50, decay_rate=0.9),
        dict(initial_learning_rate=0.1, decay_steps=50, decay_rate=0.9),
    ),
    "exponential_staircase": (
        lambda s: s.ExponentialDecay(0.05, decay_steps=30, decay_rate=0.5, staircase=True),
        dict(initial_learning_rate=0.05, decay_steps=30, decay_rate=0.5, staircase=True),
    ),
    "cosine": (
        lambda s: s.CosineDecay(0.1, decay_steps=200),
        dict(initial_learning_rate=0.1, decay_steps=200),
    ),
    "cosine_alpha": (
        lambda s: s.CosineDecay(0.01, decay_steps=150, alpha=0.1),
        dict(initial_learning_rate=0.01, decay_steps=150, alpha=0.1),
    ),
    "cosine_warmup_from_zero": (
        lambda s: s.CosineDecay(0.0, decay_steps=200, warmup_target=0.1, warmup_steps=40),
        dict(initial_learning_rate=0.0, decay_steps=200, warmup_target=0.1, warmup_steps=40),
    ),
    "cosine_warmup_alpha": (
        lambda s: s.CosineDecay(0.001, decay_steps=100, alpha=0.05, warmup_target=0.02, warmup_steps=25),
        dict(initial_learning_rate=0.001, decay_steps=100, alpha=0.05, warmup_target=0.02, warmup_steps=25),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_schedule_values_match_keras_at_every_step(tf_keras, name):
    _, keras = tf_keras
    make_keras, kwargs = CASES[name]
    ours = getattr(nn.optimizers.schedules, type(make_keras(keras.optimizers.schedules)).__name__)(**kwargs)
    theirs = make_keras(keras.optimizers.schedules)
    steps = range(400)  # past the end of every decay, where the rate must stay at its floor
    got = np.array([ours(s) for s in steps])
    expected = np.array([float(theirs(s)) for s in steps])
    peak = max(expected.max(), 1e-12)
    assert np.abs(got - expected).max() <= SCHEDULE_RTOL * peak
    assert len(set(np.round(got / peak, 3))) > 5  # the schedule does change


def test_schedules_are_reachable_where_keras_puts_them():
    assert nn.optimizers.schedules is nn.schedules
    assert nn.optimizers.schedules.CosineDecay is nn.schedules.CosineDecay


def test_exponential_decay_closed_form_and_staircase():
    smooth = nn.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    stairs = nn.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert smooth(0) == 0.1 and smooth(10) == 0.05 and math.isclose(smooth(5), 0.1 / math.sqrt(2))
    assert [stairs(s) for s in (0, 9, 10, 19, 20)] == [0.1, 0.1, 0.05, 0.05, 0.025]


def test_cosine_warmup_shape():
    sched = nn.schedules.CosineDecay(0.0, decay_steps=100, alpha=0.1, warmup_target=1.0, warmup_steps=20)
    values = np.array([sched(s) for s in range(200)])
    assert values[0] == 0.0 and values[10] == 0.5 and values[20] == 1.0
    assert np.all(np.diff(values[:21]) > 0)  # linear rise
    assert np.all(np.diff(values[20:121]) < 0)  # cosine fall
    assert math.isclose(sched(70), 0.1 + 0.9 * 0.5, rel_tol=1e-12)  # half-way: mean of peak and floor
    assert np.all(values[120:] == pytest.approx(0.1))  # floor alpha * peak after W + D


def test_optimizer_uses_schedule_at_its_iteration_count():
    sched = nn.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = nn.optimizers.SGD(learning_rate=sched)
    w = np.array([0.0])
    for step in range(4):
        assert opt.learning_rate == sched(opt.iterations) == 0.1 * 0.5**step
        opt.apply([np.array([1.0])], [w])
    assert w[0] == pytest.approx(-(0.1 + 0.05 + 0.025 + 0.0125))
    assert opt.get_config()["learning_rate"] is sched
    assert "ExponentialDecay" in repr(opt)


def test_keras_optimizer_reports_the_same_rate(tf_keras):
    """Keras also evaluates the schedule at ``iterations`` (0 for the first update)."""
    tf, keras = tf_keras
    kwargs = dict(initial_learning_rate=0.0, decay_steps=6, warmup_target=0.1, warmup_steps=4)
    k_opt = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.CosineDecay(**kwargs))
    opt = nn.optimizers.SGD(learning_rate=nn.schedules.CosineDecay(**kwargs))
    var = keras.Variable(np.zeros(2, np.float32))
    w = np.zeros(2, np.float32)
    for _ in range(12):
        assert abs(float(k_opt.learning_rate) - opt.learning_rate) <= SCHEDULE_RTOL * 0.1
        k_opt.apply_gradients([(tf.ones(2), var)])
        opt.apply([np.ones(2, np.float32)], [w])
    assert np.abs(var.numpy() - w).max() < 1e-7


def test_training_with_a_schedule_matches_keras(tf_keras, digits_split):
    """fit with Adam on a warm-up + cosine schedule: history and weights equal to Keras's."""
    tf, keras = tf_keras
    (x_all, y_all), _ = digits_split
    x, y = x_all[:330], y_all[:330]
    # Peak 0.002: as in test_parity_tf.py, Adam amplifies last-bit matmul differences on weights whose
    # gradient is ~epsilon by lr / epsilon; measured max |diff| of the weights 4e-7 here (2e-4 at 0.005).
    kwargs = dict(initial_learning_rate=0.0, decay_steps=20, warmup_target=0.002, warmup_steps=7)
    keras.utils.set_random_seed(2)
    kmodel = keras.Sequential([keras.Input(shape=(100,)), keras.layers.Dense(64, activation="relu"),
                               keras.layers.Dense(64, activation="relu"),
                               keras.layers.Dense(10, activation="softmax")])
    kmodel.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(**kwargs)),
                   loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model = article_model(optimizer=nn.optimizers.Adam(nn.schedules.CosineDecay(**kwargs)))
    model.set_weights(kmodel.get_weights())
    fit_kwargs = {"epochs": 3, "batch_size": 32, "shuffle": False, "validation_split": 0.2, "verbose": 0}
    expected = kmodel.fit(x, y, **fit_kwargs).history
    got = model.fit(x, y, **fit_kwargs).history
    for key in expected:
        assert np.abs(np.array(got[key]) - np.array(expected[key])).max() < HISTORY_TOL, key
    assert model.optimizer.iterations == 27 == int(kmodel.optimizer.iterations)
    for ours, theirs in zip(model.get_weights(), kmodel.get_weights()):
        assert np.abs(ours - theirs).max() < STEP_TOL


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: nn.schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5), ValueError,
         "decay_steps must be an integer >= 1, got 0"),
        (lambda: nn.schedules.ExponentialDecay(0.1, decay_steps=2.5, decay_rate=0.5), TypeError,
         r"decay_steps must be an integer, got float \(2.5\)"),
        (lambda: nn.schedules.ExponentialDecay(-0.1, decay_steps=10, decay_rate=0.5), ValueError,
         "initial_learning_rate"),
        (lambda: nn.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0), ValueError, "decay_rate"),
        (lambda: nn.schedules.CosineDecay("0.1", decay_steps=10), TypeError, "initial_learning_rate"),
        (lambda: nn.schedules.CosineDecay(0.1, decay_steps=10, alpha=1.5), ValueError, "alpha"),
        (lambda: nn.schedules.CosineDecay(0.1, decay_steps=10, warmup_steps=-1), ValueError, "warmup_steps"),
        (lambda: nn.schedules.CosineDecay(0.1, decay_steps=10)(-1), ValueError, "step"),
        (lambda: nn.optimizers.Adam(learning_rate=[0.1]), TypeError, "LearningRateSchedule"),
    ],
)
def test_bad_arguments_are_refused(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_steps_with_l2_and_a_schedule_match_keras(tf_keras, digits_split):
    """Keras's own train_on_batch (its train step adds the penalties) against ours: L2 on every kernel and
    Adam on a staircase schedule that changes the rate within the five steps."""
    _, keras = tf_keras
    (x_all, y_all), _ = digits_split
    x, y = x_all[:32], y_all[:32]
    schedule = dict(initial_learning_rate=0.002, decay_steps=2, decay_rate=0.5, staircase=True)
    keras.utils.set_random_seed(6)
    k_reg = keras.regularizers.L2(0.01)
    kmodel = keras.Sequential([keras.Input(shape=(100,)),
                               keras.layers.Dense(64, activation="relu", kernel_regularizer=k_reg),
                               keras.layers.Dense(64, activation="relu", kernel_regularizer=k_reg),
                               keras.layers.Dense(10, activation="softmax", kernel_regularizer=k_reg)])
    kmodel.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(**schedule)),
                   loss="sparse_categorical_crossentropy")
    reg = nn.regularizers.L2(0.01)
    model = nn.Sequential([nn.Input(shape=(100,)), nn.Dense(64, activation="relu", kernel_regularizer=reg),
                           nn.Dense(64, activation="relu", kernel_regularizer=reg),
                           nn.Dense(10, activation="softmax", kernel_regularizer=reg)])
    model.compile(optimizer=nn.optimizers.Adam(nn.schedules.ExponentialDecay(**schedule)),
                  loss="sparse_categorical_crossentropy")
    initial = kmodel.get_weights()
    model.set_weights(initial)
    for _ in range(5):
        k_loss = float(kmodel.train_on_batch(x, y))
        loss = model.train_on_batch(x, y)
        assert abs(loss - k_loss) < 1e-5
    keras_rate = float(kmodel.optimizer.learning_rate)
    assert model.optimizer.learning_rate == 0.002 * 0.5**2 == pytest.approx(keras_rate)
    for ours, theirs, start in zip(model.get_weights(), kmodel.get_weights(), initial):
        assert np.abs(ours - start).max() > 1e-3
        assert np.abs(ours - theirs).max() < STEP_TOL
