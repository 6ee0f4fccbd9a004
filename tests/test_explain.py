"""companion.explain: attribution maps and their evaluation, against central differences, brute-force loops,
TensorFlow's GradientTape and scipy.stats; every equation of the two chapter-5 pages tied to a function."""

from __future__ import annotations

import doctest
import inspect
import pathlib
import re

import numpy as np
import pytest
import scipy.stats

from companion import explain, nn

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGES = [ROOT / "chapters" / "05-future" / f"{page}.ipynb" for page in ("interpretability", "explainability")]

RNG = np.random.default_rng(0)
X = RNG.random((6, 16))                      # six 4x4 "images" in [0, 1)
X[:, :3] = 0.0                               # a blank corner, as in the digits
T = np.array([0, 1, 2, 2, 1, 0])


def _model(dtype="float64", seed=0):
    m = nn.Sequential([nn.Input(shape=(16,)), nn.Dense(8, activation="relu"), nn.Dense(6, activation="tanh"),
                       nn.Dense(3, activation="softmax")], seed=seed, dtype=dtype)
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return m


def _linear(weights, dtype="float64"):
    """A one-layer softmax model with the given kernel and zero bias (its logits are x @ weights)."""
    w = np.asarray(weights, dtype=float)
    m = nn.Sequential([nn.Input(shape=(w.shape[0],)), nn.Dense(w.shape[1], activation="softmax")],
                      dtype=dtype)
    m.set_weights([w, np.zeros(w.shape[1])])
    return m


def _central(f, x, h=1e-6):
    g = np.zeros_like(x)
    for j in range(x.shape[1]):
        xp, xm = x.copy(), x.copy()
        xp[:, j] += h
        xm[:, j] -= h
        g[:, j] = (f(xp) - f(xm)) / (2 * h)
    return g


@pytest.fixture(scope="module")
def tf_keras():
    from companion import tf as ctf

    return ctf.setup(seed=0)


# ---------------------------------------------------------------------- equations and docstrings
def test_every_equation_of_the_pages_is_tied_to_a_function_that_states_it():
    for label, name in explain.EQUATIONS.items():
        assert label in inspect.getdoc(getattr(explain, name)), f"explain.{name} does not state {label}"
    defined = set()
    for page in PAGES:
        defined |= set(re.findall(r"\$\$ \((eq-ch5-[\w-]+)\)", page.read_text()))
    assert defined == set(explain.EQUATIONS), (
        f"defined but not listed: {defined - set(explain.EQUATIONS)}; "
        f"listed but not defined: {set(explain.EQUATIONS) - defined}")


def test_docstring_examples_run():
    from companion.explain import _checks, attributions, evaluation, sanity

    attempted = 0
    for module in (_checks, attributions, evaluation, sanity):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted >= 12


# ---------------------------------------------------------------------- the output explained
def test_output_is_the_probability_or_the_logit_of_the_target_class():
    m = _model()
    rows = np.arange(len(X))
    np.testing.assert_array_equal(explain.output(m, X, T), m.predict(X)[rows, T])
    relu = np.maximum(X @ m.layers[0].kernel + m.layers[0].bias, 0)
    h = np.tanh(relu @ m.layers[1].kernel + m.layers[1].bias)
    logits = h @ m.layers[2].kernel + m.layers[2].bias
    assert np.abs(explain.output(m, X, T, of="logit") - logits[rows, T]).max() < 1e-14
    np.testing.assert_array_equal(explain.output(m, X), m.predict(X).max(axis=1))


# ---------------------------------------------------------------------- saliency
@pytest.mark.parametrize("of", ["probability", "logit"])
def test_saliency_is_the_size_of_the_central_difference_gradient(of):
    m = _model()
    sal = explain.saliency(m, X, T, of=of)
    expected = np.abs(_central(lambda z: explain.output(m, z, T, of=of), X))
    assert sal.min() >= 0 and np.abs(sal - expected).max() < 1e-8


# ---------------------------------------------------------------------- integrated gradients
def test_integrated_gradients_of_a_linear_logit_are_exact():
    w = RNG.standard_normal((16, 3))
    base = RNG.random(16)
    ig = explain.integrated_gradients(_linear(w), X, T, baseline=base, steps=3, of="logit")
    assert np.abs(ig - w[:, T].T * (X - base)).max() < 1e-14


def test_integrated_gradients_are_the_riemann_sum_of_eq_ig_riemann():
    m, steps = _model(), 5
    for rule, alphas in (("right", np.arange(1, 6) / 5), ("midpoint", (np.arange(1, 6) - 0.5) / 5)):
        by_hand = sum(m.input_gradient(a * X, T) for a in alphas) / steps * X
        ig = explain.integrated_gradients(m, X, T, steps=steps, rule=rule)
        assert np.abs(ig - by_hand).max() < 1e-15


def test_integrated_gradients_match_a_gradient_tape_implementation(tf_keras):
    tf, keras = tf_keras
    m = _model()
    k = keras.Sequential([keras.Input(shape=(16,), dtype="float64"),
                          keras.layers.Dense(8, activation="relu", dtype="float64"),
                          keras.layers.Dense(6, activation="tanh", dtype="float64"),
                          keras.layers.Dense(3, activation="softmax", dtype="float64")])
    k.set_weights(m.get_weights())
    steps = 16
    alphas = (np.arange(1, steps + 1) - 0.5) / steps
    path = tf.constant((alphas[None, :, None] * X[:, None, :]).reshape(-1, 16))
    with tf.GradientTape() as tape:
        tape.watch(path)
        picked = tf.gather(k(path), np.repeat(T, steps), axis=1, batch_dims=1)
    grads = tape.gradient(picked, path).numpy().reshape(len(X), steps, 16)
    expected = X * grads.mean(axis=1)
    assert np.abs(explain.integrated_gradients(m, X, T, steps=steps) - expected).max() < 1e-12


def test_completeness_gap_falls_like_1_over_m_for_the_right_rule_and_1_over_m2_for_the_midpoint():
    m = _model()
    gap = {(rule, s): explain.completeness_gap(
               m, X, explain.integrated_gradients(m, X, T, steps=s, rule=rule), T)
           for rule in ("right", "midpoint") for s in (64, 256)}
    right = np.median(gap["right", 64] / gap["right", 256])
    midpoint = np.median(gap["midpoint", 64] / gap["midpoint", 256])
    assert 3 < right < 5.5 and 10 < midpoint < 20
    assert gap["midpoint", 256].max() < 0.01


def test_completeness_gap_is_relative_to_the_change_of_the_output():
    m = _linear(np.eye(2))
    # f = logit 0 = x_0: change from baseline 0 to x = 2 is 2; attributions summing to 2.1 are 5% off
    np.testing.assert_allclose(explain.completeness_gap(m, [[2.0, 1.0]], [[2.0, 0.1]], 0, of="logit"), [0.05])
    assert explain.completeness_gap(m, [[0.0, 1.0]], [[0.0, 0.0]], 0, of="logit")[0] == 0.0
    assert explain.completeness_gap(m, [[0.0, 1.0]], [[0.0, 0.5]], 0, of="logit")[0] == np.inf


def test_pixels_equal_to_the_baseline_get_exactly_zero():
    ig = explain.integrated_gradients(_model(), X, T)
    assert (ig[:, :3] == 0).all() and (ig[:, 3:] != 0).any()


# ---------------------------------------------------------------------- occlusion
def test_single_pixel_occlusion_of_a_linear_logit_is_weight_times_value():
    w = RNG.standard_normal((16, 3))
    occ = explain.occlusion(_linear(w), X, T, patch=1, fill=0.25, of="logit")
    assert np.abs(occ - w[:, T].T * (X - 0.25)).max() < 1e-14


def test_occlusion_averages_the_drop_over_the_patches_covering_each_pixel():
    m = _model()
    f = explain.output(m, X, T)
    total, count = np.zeros_like(X), np.zeros(16)
    for r in range(3):
        for c in range(3):
            idx = [4 * (r + i) + c + j for i in range(2) for j in range(2)]
            covered = X.copy()
            covered[:, idx] = 0.0
            total[:, idx] += (f - explain.output(m, covered, T))[:, None]
            count[idx] += 1
    assert np.abs(explain.occlusion(m, X, T, patch=2) - total / count).max() < 1e-14


def test_occlusion_of_a_blank_patch_is_exactly_zero_and_shape_can_be_rectangular():
    occ = explain.occlusion(_model(), X, T, patch=1)
    assert (occ[:, :3] == 0).all()
    assert explain.occlusion(_model(), X, T, patch=2, shape=(2, 8)).shape == X.shape


# ---------------------------------------------------------------------- deletion curve and its area
def test_deletion_curve_deletes_in_score_order_ties_by_index():
    m = _model()
    scores = RNG.random(X.shape)
    scores[:, 5] = scores[:, 4]                 # a tie: feature 4 goes first
    curves = explain.deletion_curve(m, X, scores, T, fill=0.5)
    for i in range(len(X)):
        order = sorted(range(16), key=lambda j: (-scores[i, j], j))
        steps = np.repeat(X[i:i + 1], 17, axis=0)
        for k in range(1, 17):
            steps[k:, order[k - 1]] = 0.5
        assert np.abs(curves[i] - explain.output(m, steps, T[i])).max() < 1e-14
    np.testing.assert_array_equal(curves[:, 0], explain.output(m, X, T))


def test_deletion_auc_is_the_trapezoid_rule_on_the_fraction_deleted():
    curves = RNG.random((4, 17))
    expected = [np.trapezoid(c, np.linspace(0, 1, 17)) for c in curves]
    assert np.abs(explain.deletion_auc(curves) - expected).max() < 1e-15
    assert explain.deletion_auc(curves[0]).shape == ()


# ---------------------------------------------------------------------- ranks and Spearman's rho
def test_ranks_and_spearman_match_scipy_with_and_without_ties():
    a = RNG.random((5, 30))
    b = a + 0.3 * RNG.random((5, 30))
    a[:, :8] = 0.0                                             # ties, as blank pixels give
    b[:, 20:] = np.round(b[:, 20:], 1)
    np.testing.assert_array_equal(explain.ranks(a), scipy.stats.rankdata(a, axis=1))
    rho = explain.spearman(a, b)
    expected = [scipy.stats.spearmanr(x, y).statistic for x, y in zip(a, b)]
    assert np.abs(rho - expected).max() < 1e-14


def test_spearman_on_selected_entries_matches_scipy_on_those_entries():
    a, b = RNG.random((4, 20)), RNG.random((4, 20))
    where = RNG.random((4, 20)) < 0.6
    expected = [scipy.stats.spearmanr(x[m], y[m]).statistic for x, y, m in zip(a, b, where)]
    assert np.abs(explain.spearman(a, b, where=where) - expected).max() < 1e-14


def test_spearman_without_ties_is_the_squared_rank_difference_formula():
    a, b = RNG.permutation(12).astype(float), RNG.permutation(12).astype(float)
    d = explain.ranks(a) - explain.ranks(b)
    assert abs(explain.spearman(a, b) - (1 - 6 * (d ** 2).sum() / (12 * (12 ** 2 - 1)))) < 1e-15


def test_spearman_of_a_constant_row_is_nan():
    assert np.isnan(explain.spearman([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]))


def test_top_k_overlap_counts_shared_top_indices_like_python_sets():
    a, b = RNG.random((5, 30)), RNG.random((5, 30))
    for k in (1, 5, 30):
        expected = [len(set(np.argsort(-x)[:k]) & set(np.argsort(-y)[:k])) / k for x, y in zip(a, b)]
        np.testing.assert_array_equal(explain.top_k_overlap(a, b, k), expected)
    assert (explain.top_k_overlap(a, b, 30) == 1).all() and (explain.top_k_overlap(a, a, 3) == 1).all()
    # ties go to the lower index: [1, 1, 0] has top-1 {0}
    assert explain.top_k_overlap([1.0, 1.0, 0.0], [0.0, 1.0, 0.5], 1) == 0.0


# ---------------------------------------------------------------------- cascading randomisation
def test_randomize_layers_redraws_the_top_layers_only_and_leaves_the_model_alone():
    m = _model()
    before = m.get_weights()
    for top in range(4):
        r = explain.randomize_layers(m, top, seed=1)
        same = [np.array_equal(a, b) for a, b in zip(before, r.get_weights())]
        kernels_same = same[0::2]
        assert kernels_same == [True] * (3 - top) + [False] * top
        np.testing.assert_array_equal(r.predict(X) if top == 0 else m.predict(X), m.predict(X))
    assert all(np.array_equal(a, b) for a, b in zip(before, m.get_weights()))
    r1, r2 = explain.randomize_layers(m, 3, seed=5), explain.randomize_layers(m, 3, seed=5)
    assert all(np.array_equal(a, b) for a, b in zip(r1.get_weights(), r2.get_weights()))
    limit = np.sqrt(6 / (8 + 6))                                # Glorot uniform for the 8 -> 6 layer
    kernel = r1.get_weights()[2]
    assert np.abs(kernel).max() <= limit and kernel.std() > limit / 3
    assert (r1.get_weights()[3] == 0).all()                     # the bias initializer: zeros


# ---------------------------------------------------------------------- the input shift of Kindermans et al.
@pytest.mark.parametrize("shift", [-1.0, 0.3])
def test_shifted_model_gives_the_same_outputs_and_gradients_on_shifted_inputs(shift):
    m = _model()
    s = shift * np.linspace(0.5, 1.5, 16)                       # a per-pixel shift
    twin = explain.shift_inputs(m, s)
    assert np.abs(twin.predict(X + s) - m.predict(X)).max() < 1e-14
    assert np.abs(explain.saliency(twin, X + s, T) - explain.saliency(m, X, T)).max() < 1e-13
    same_baseline = explain.integrated_gradients(twin, X + s, T, baseline=s)
    assert np.abs(same_baseline - explain.integrated_gradients(m, X, T)).max() < 1e-13
    assert not np.allclose(explain.integrated_gradients(twin, X + s, T),
                           explain.integrated_gradients(m, X, T))
    np.testing.assert_array_equal(twin.get_weights()[2], m.get_weights()[2])


# ---------------------------------------------------------- bad input, refused before anything changes
@pytest.mark.parametrize(
    ("call", "error", "match"),
    [(lambda m: explain.saliency("model", X), TypeError, "model must be a companion.nn.Sequential, got str"),
     (lambda m: explain.saliency(m, X[:, :4]), ValueError,
      r"x must have 16 features \(the model's input size\), got 4"),
     (lambda m: explain.saliency(m, X[0]), ValueError,
      r"x must be a 2-D array of shape \(samples, features\), got shape \(16,\); reshape"),
     (lambda m: explain.saliency(m, X, T, of="loss"), ValueError, "of must be 'probability' or 'logit'"),
     (lambda m: explain.saliency(m, X, 3), ValueError, r"target must be in \[0, 3\)"),
     (lambda m: explain.saliency(m, X, [0, 1]), ValueError, "target must be an int or 6 ints"),
     (lambda m: explain.integrated_gradients(m, X, T, steps=0), ValueError,
      "steps must be an integer >= 1, got 0"),
     (lambda m: explain.integrated_gradients(m, X, T, steps=2.5), TypeError,
      r"steps must be an integer, got float \(2.5\)"),
     (lambda m: explain.integrated_gradients(m, X, T, rule="left"), ValueError, "rule must be 'midpoint' or"),
     (lambda m: explain.integrated_gradients(m, X, T, baseline=np.zeros(5)), ValueError, "baseline must be"),
     (lambda m: explain.occlusion(m, X, T, patch=5), ValueError, "patch must be at most 4"),
     (lambda m: explain.occlusion(m, X, T, shape=(3, 5)), ValueError, "shape must be"),
     (lambda m: explain.deletion_curve(m, X, X[:, :4], T), ValueError, "scores must have the shape of x"),
     (lambda m: explain.deletion_auc([1.0]), ValueError, "curves must have shape"),
     (lambda m: explain.spearman([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError,
      "a and b must have the same shape"),
     (lambda m: explain.top_k_overlap([1.0, 2.0], [1.0, 2.0], 3), ValueError, "k must be at most 2"),
     (lambda m: explain.randomize_layers(m, 4), ValueError, "top must be at most 3"),
     (lambda m: explain.randomize_layers(m, 1, seed=-1), ValueError,
      r"seed must be an int in \[0, 2\*\*32\), got -1"),
     (lambda m: explain.randomize_layers(m, 1, seed=0.5), TypeError,
      r"seed must be an int in \[0, 2\*\*32\), got float"),
     (lambda m: explain.occlusion(m, X, T, fill=np.nan), ValueError, "fill must be a finite number, got nan"),
     (lambda m: explain.deletion_curve(m, X, X, T, fill="0"), TypeError,
      r"fill must be a real number, got str"),
     (lambda m: explain.shift_inputs(m, np.zeros(3)), ValueError, "shift must be a finite number or 16")],
)
def test_bad_arguments_are_refused_and_change_nothing(call, error, match):
    m = _model()
    before = m.get_weights()
    with pytest.raises(error, match=match):
        call(m)
    assert all(np.array_equal(a, b) for a, b in zip(before, m.get_weights()))


def test_an_unbuilt_model_is_refused():
    m = nn.Sequential([nn.Dense(3, activation="softmax")])
    with pytest.raises(ValueError, match="model must be built"):
        explain.saliency(m, X)
