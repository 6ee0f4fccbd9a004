"""companion.attacks: per-example losses, the loss-threshold membership attack and its AUC (against
scikit-learn), and FGSM (against TensorFlow's GradientTape on the same weights)."""

from __future__ import annotations

import numpy as np
import pytest

from companion import attacks, nn


def _model(dtype="float64", seed=0):
    m = nn.Sequential([nn.Input(shape=(5,)), nn.Dense(8, activation="tanh"),
                       nn.Dense(3, activation="softmax")],
                      seed=seed, dtype=dtype)
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return m


RNG = np.random.default_rng(0)
X = RNG.uniform(0, 1, (50, 5))
Y = RNG.integers(0, 3, 50)


def _logits(m, x):
    h = np.tanh(x @ m.layers[0].kernel + m.layers[0].bias)
    return h @ m.layers[1].kernel + m.layers[1].bias


# ----------------------------------------------------------------------------- per-example loss
def test_per_example_loss_is_minus_log_probability_and_keras_cross_entropy():
    m = _model()
    loss = attacks.per_example_loss(m, X, Y)
    p = m.predict(X)
    assert np.allclose(loss, -np.log(p[np.arange(len(Y)), Y]), rtol=1e-12)
    from_logits = nn.losses.sparse_categorical_crossentropy(Y, _logits(m, X), from_logits=True)
    assert np.allclose(loss, from_logits, rtol=1e-12)


def test_per_example_loss_keeps_its_precision_when_the_model_is_sure():
    m = _model()
    m.set_weights([w * 40 for w in m.get_weights()])          # very confident predictions
    y = np.argmax(m.predict(X), axis=1)
    loss = attacks.per_example_loss(m, X, y)
    exact = nn.losses.sparse_categorical_crossentropy(y, _logits(m, X), from_logits=True)
    assert (-np.log(m.predict(X)[np.arange(len(y)), y]) == 0).any()    # the naive formula gives 0 ...
    assert np.all(loss > 0)                                              # ... this one does not
    assert np.allclose(loss, exact, rtol=1e-10)


def test_per_example_loss_refuses_bad_labels_and_models():
    m = _model()
    with pytest.raises(ValueError, match="y must hold 50 integer labels"):
        attacks.per_example_loss(m, X, Y[:10])
    with pytest.raises(ValueError, match=r"y must be in \[0, 3\)"):
        attacks.per_example_loss(m, X, Y + 1)
    with pytest.raises(TypeError, match="model must be an nn.Sequential"):
        attacks.per_example_loss("model", X, Y)
    linear = nn.Sequential([nn.Input(shape=(5,)), nn.Dense(3)])
    with pytest.raises(ValueError, match="softmax"):
        attacks.per_example_loss(linear, X, Y)


# ----------------------------------------------------------------------------- membership inference
def test_advantage_is_tpr_minus_fpr_of_sklearns_roc_at_the_threshold():
    from sklearn.metrics import roc_curve

    rng = np.random.default_rng(1)
    members, others = rng.exponential(0.5, 200), rng.exponential(1.0, 300)
    labels = np.r_[np.ones(200), np.zeros(300)]
    fpr, tpr, thresholds = roc_curve(labels, -np.r_[members, others], drop_intermediate=False)
    for tau in (members.mean(), 0.3, 1.5):
        k = np.flatnonzero(-thresholds <= tau)[-1]                      # the last point with score >= -tau
        assert attacks.membership_advantage(members, others, tau) == pytest.approx(tpr[k] - fpr[k], abs=1e-12)
    # the default threshold is Yeom et al.'s: the mean training loss
    assert attacks.membership_advantage(members, others) == attacks.membership_advantage(
        members, others, members.mean())


def test_auc_matches_sklearn_with_ties_and_has_the_right_extremes():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(2)
    members, others = rng.integers(0, 5, 60).astype(float), rng.integers(1, 7, 80).astype(float)   # many ties
    expected = roc_auc_score(np.r_[np.ones(60), np.zeros(80)], -np.r_[members, others])
    assert attacks.attack_auc(members, others) == pytest.approx(expected, abs=1e-12)
    assert attacks.attack_auc([0.1, 0.2], [0.3, 0.4]) == 1.0
    assert attacks.attack_auc([0.3, 0.4], [0.1, 0.2]) == 0.0
    assert attacks.attack_auc([0.5, 0.5], [0.5]) == 0.5


def test_attack_on_identical_distributions_is_a_coin():
    rng = np.random.default_rng(3)
    members, others = rng.exponential(1.0, 20_000), rng.exponential(1.0, 20_000)
    assert abs(attacks.membership_advantage(members, others)) < 0.02
    assert abs(attacks.attack_auc(members, others) - 0.5) < 0.01


def test_attack_arguments_are_checked():
    with pytest.raises(ValueError, match="member_losses must be a non-empty 1-D array"):
        attacks.membership_advantage([], [1.0])
    with pytest.raises(ValueError, match="nonmember_losses contains NaN"):
        attacks.attack_auc([1.0], [np.nan])
    with pytest.raises(TypeError, match=r"threshold must be a real number, got str \('0.5'\)"):
        attacks.loss_threshold_attack([1.0], "0.5")


# ----------------------------------------------------------------------------- FGSM
def test_fgsm_moves_every_feature_by_rho_within_the_pixel_range():
    m = _model()
    rho = 0.1
    x_adv = attacks.fgsm(m, X, Y, rho)
    grad = m.input_gradient(X, Y, of="loss")
    assert np.array_equal(x_adv, np.clip(X + rho * np.sign(grad), 0, 1))
    assert np.abs(x_adv - X).max() <= rho + 1e-15
    assert x_adv.min() >= 0 and x_adv.max() <= 1
    assert np.array_equal(attacks.fgsm(m, X, Y, 0.0), X)


def test_fgsm_raises_the_loss_to_first_order():
    m = _model()
    before = attacks.per_example_loss(m, X, Y)
    after = attacks.per_example_loss(m, attacks.fgsm(m, X, Y, 1e-4, clip=None), Y)
    assert np.all(after > before)


def test_fgsm_matches_tensorflow_gradient_tape_on_the_same_weights():
    from companion import tf as ctf

    tf, keras = ctf.setup(seed=0)
    m = _model(dtype="float32", seed=4)
    k = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(8, activation="tanh"),
                          keras.layers.Dense(3, activation="softmax")])
    k.set_weights(m.get_weights())
    x = tf.constant(X, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = keras.losses.sparse_categorical_crossentropy(Y, k(x))
    grad = tape.gradient(loss, x).numpy()
    assert np.abs(grad).min() > 1e-5          # no sign is decided by rounding
    expected = tf.clip_by_value(x + 0.05 * tf.sign(grad), 0.0, 1.0).numpy()
    assert np.abs(attacks.fgsm(m, X, Y, 0.05) - expected).max() < 1e-7


def test_accuracy_under_fgsm_matches_the_examples_one_by_one():
    m = _model()
    rhos = [0.0, 0.05, 0.2]
    accs = attacks.accuracy_under_fgsm(m, X, Y, rhos)
    for rho, acc in zip(rhos, accs):
        pred = np.argmax(m.predict(attacks.fgsm(m, X, Y, rho)), axis=1)
        assert acc == np.mean(pred == Y)
    assert accs[0] == np.mean(np.argmax(m.predict(X), axis=1) == Y)
    assert accs[2] <= accs[0]


def test_fgsm_arguments_are_checked():
    m = _model()
    with pytest.raises(ValueError, match=r"rho must be >= 0, got -0.1"):
        attacks.fgsm(m, X, Y, -0.1)
    with pytest.raises(ValueError, match="rho must be a finite number, got inf"):
        attacks.fgsm(m, X, Y, np.inf)
    with pytest.raises(TypeError, match=r"rho must be a real number, got str"):
        attacks.fgsm(m, X, Y, "0.1")
    with pytest.raises(ValueError, match="rhos must be a non-empty list"):
        attacks.accuracy_under_fgsm(m, X, Y, [])
    expected = (r"x has 4 features, but the model expects 5"
                r"|x must have 5 features \(the model's input size\), got 4")
    with pytest.raises(ValueError, match=expected):
        attacks.fgsm(m, X[:, :4], Y, 0.1)


# ----------------------------------------------------------------------------- the page's equations
#: Every numbered equation of chapters/05-future/privacy.ipynb, the function that implements it (its
#: docstring states the label) and the tests of this suite that check it.
PRIVACY_EQUATIONS = {
    "eq-ch5-yeom": ("companion.attacks.loss_threshold_attack",
                    "tests/test_attacks.py::test_advantage_is_tpr_minus_fpr_of_sklearns_roc_at_the_threshold"),
    "eq-ch5-auc": ("companion.attacks.attack_auc",
                   "tests/test_attacks.py::test_auc_matches_sklearn_with_ties_and_has_the_right_extremes"),
    "eq-ch5-dp": ("companion.nn.dp.epsilon",
                  "tests/nn/test_dp.py::test_epsilon_is_dp_accounting_on_a_poisson_sampled_gaussian"),
    "eq-ch5-poisson": ("companion.nn.dp.poisson_sample",
                       "tests/nn/test_dp.py::test_poisson_batches_have_the_expected_size_and_draw_n_uniforms"),
    "eq-ch5-clip": ("companion.nn.dp.clip_gradients",
                    "tests/nn/test_dp.py::test_clipping_bounds_every_norm_and_keeps_directions_and_short_gradients"),
    "eq-ch5-dpsgd": ("companion.nn.dp.noisy_gradient",
                     "tests/nn/test_dp.py::test_sigma_zero_and_infinite_clip_is_ordinary_sgd_on_the_same_batches"),
    "eq-ch5-adv-bound": ("companion.nn.dp.max_advantage",
                         "tests/nn/test_dp.py::test_max_advantage_is_the_corner_of_the_hypothesis_testing_region"),
    "eq-ch5-fgsm": ("companion.attacks.fgsm",
                    "tests/test_attacks.py::test_fgsm_matches_tensorflow_gradient_tape_on_the_same_weights"),
}


def test_every_equation_of_the_privacy_page_is_tied_to_a_tested_function():
    import importlib
    import inspect
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[1]
    for label, (dotted, test) in PRIVACY_EQUATIONS.items():
        module, name = dotted.rsplit(".", 1)
        doc = inspect.getdoc(getattr(importlib.import_module(module), name))
        assert label in doc, f"{dotted} does not state {label}"
        file, test_name = test.split("::")
        assert f"def {test_name}(" in (root / file).read_text(), f"no test {test}"
    page = (root / "chapters" / "05-future" / "privacy.ipynb").read_text()
    assert set(re.findall(r"\$\$ \((eq-ch5-[\w-]+)\)", page)) == set(PRIVACY_EQUATIONS)


def test_docstring_examples_run():
    import doctest

    from companion.nn import dp

    for module in (attacks, dp):
        result = doctest.testmod(module)
        assert result.attempted >= 3 and result.failed == 0, module.__name__
