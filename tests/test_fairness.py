"""companion.fairness: metrics against fairlearn, the synthetic population against its equations,
the mitigations against their defining properties and fairlearn's ThresholdOptimizer."""

from __future__ import annotations

import doctest
import json
import math
import pathlib
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion import fairness

flm = pytest.importorskip("fairlearn.metrics")
ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGE = ROOT / "chapters" / "05-future" / "fairness.ipynb"
TOL = 1e-12  # the metrics are ratios of counts: both libraries compute them to rounding error


def random_case(seed: int, n_groups: int, labels: str = "int"):
    """Labels, predictions and groups in which every group has both labels (so every rate exists)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8 * n_groups, 300))
    names = [f"g{k}" for k in range(n_groups)] if labels == "str" else list(range(n_groups))
    group = np.array(names * 4 + list(rng.choice(names, n - 4 * n_groups)),
                     dtype=object if labels == "str" else int)
    y_true = rng.integers(0, 2, n)
    y_true[: 2 * n_groups] = np.repeat([0, 1], n_groups)      # first two rows of every group: 0 and 1
    y_pred = (rng.random(n) < rng.uniform(0.1, 0.9)).astype(int)
    return y_true, y_pred, group


# --- metrics agree with fairlearn -----------------------------------------------------------------

@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_groups=st.integers(2, 4), labels=st.sampled_from(["int", "str"]))
def test_differences_agree_with_fairlearn(seed, n_groups, labels):
    y_true, y_pred, group = random_case(seed, n_groups, labels)
    pairs = [(fairness.demographic_parity_difference, flm.demographic_parity_difference),
             (fairness.equal_opportunity_difference, flm.equal_opportunity_difference),
             (fairness.equalized_odds_difference, flm.equalized_odds_difference)]
    for ours, theirs in pairs:
        assert abs(ours(y_true, y_pred, group) - theirs(y_true, y_pred, sensitive_features=group)) < TOL


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_groups=st.integers(2, 4))
def test_per_group_rates_agree_with_fairlearn_metricframe(seed, n_groups):
    from sklearn.metrics import accuracy_score

    y_true, y_pred, group = random_case(seed, n_groups)
    pairs = {"accuracy": (fairness.accuracy, accuracy_score),
             "selection": (fairness.selection_rate, flm.selection_rate),
             "tpr": (fairness.true_positive_rate, flm.true_positive_rate),
             "fpr": (fairness.false_positive_rate, flm.false_positive_rate)}
    frame = flm.MetricFrame(metrics={k: theirs for k, (_, theirs) in pairs.items()}, y_true=y_true,
                            y_pred=y_pred, sensitive_features=group)
    for key, (ours, _) in pairs.items():
        mine = fairness.by_group(ours, y_true, y_pred, group)
        assert list(mine) == list(frame.by_group.index)
        for g, value in mine.items():
            assert abs(value - frame.by_group.loc[g, key]) < TOL


def test_metrics_by_hand():
    y_true, y_pred, group = [1, 1, 0, 0, 1, 0, 0, 0], [1, 0, 1, 0, 1, 1, 1, 0], [0, 0, 0, 0, 1, 1, 1, 1]
    assert fairness.by_group(fairness.selection_rate, y_true, y_pred, group) == {0: 0.5, 1: 0.75}
    assert fairness.by_group(fairness.true_positive_rate, y_true, y_pred, group) == {0: 0.5, 1: 1.0}
    assert fairness.by_group(fairness.false_positive_rate, y_true, y_pred, group) == {0: 0.5, 1: 2 / 3}
    assert fairness.demographic_parity_difference(y_true, y_pred, group) == 0.25
    assert fairness.equal_opportunity_difference(y_true, y_pred, group) == 0.5
    assert fairness.equalized_odds_difference(y_true, y_pred, group) == 0.5
    assert fairness.positive_predictive_value(y_true, y_pred) == 0.4
    summary = fairness.fairness_summary(y_true, y_pred, group)
    assert summary["accuracy"] == 0.5 and summary["selection_rate_1"] == 0.75
    assert summary["accuracy_0"] == 0.5 and summary["accuracy_1"] == 0.5


def test_one_group_has_no_gap_and_empty_rates_are_refused():
    assert fairness.demographic_parity_difference([0, 1], [1, 1], ["a", "a"]) == 0.0
    # fairlearn returns 0 for the true-positive rate of a group without positives; we refuse
    with pytest.raises(ValueError, match="no positives in y_true"):
        fairness.equal_opportunity_difference([1, 0, 0, 0], [1, 0, 1, 0], [0, 0, 1, 1])
    with pytest.raises(ValueError, match="no negatives in y_true"):
        fairness.false_positive_rate([1, 1], [1, 0])
    with pytest.raises(ValueError, match="no positives in y_pred"):
        fairness.positive_predictive_value([1, 0], [0, 0])


def test_metric_inputs_are_validated():
    with pytest.raises(ValueError, match=r"y_true must hold only 0 and 1, got 2"):
        fairness.accuracy([0, 2], [0, 1])
    with pytest.raises(TypeError, match="y_pred must hold 0/1 numbers, got an array of dtype <U1"):
        fairness.accuracy([0, 1], ["0", "1"])
    with pytest.raises(ValueError, match="y_true has 3 entries, but y_pred has 2"):
        fairness.selection_rate([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="group has 1 entries, but the labels have 2"):
        fairness.demographic_parity_difference([0, 1], [0, 1], [0])
    with pytest.raises(ValueError, match="must be one-dimensional"):
        fairness.accuracy([[0, 1]], [[0, 1]])
    with pytest.raises(ValueError, match="empty"):
        fairness.accuracy([], [])
    with pytest.raises(TypeError, match="metric must be callable"):
        fairness.by_group("accuracy", [0, 1], [0, 1], [0, 1])


# --- the synthetic population ---------------------------------------------------------------------

def test_population_follows_its_generative_process():
    pop = fairness.make_population(200_000, seed=3)
    X, y, g = pop
    assert X.shape == (200_000, 4) and X.dtype == np.float64 and y.dtype == np.int64
    assert np.array_equal(X[:, 3], g) and set(np.unique(g)) == {0, 1}
    share = g.mean()
    assert abs(share - 0.2) < 4 * math.sqrt(0.2 * 0.8 / 200_000)
    for k, rate in enumerate(fairness.base_rates()):                  # eq-ch5-fair-base-rates
        members = g == k
        assert abs(y[members].mean() - rate) < 4 * math.sqrt(rate * (1 - rate) / members.sum())
    score, credential, proxy = X[:, 0], X[:, 1], X[:, 2]
    # the score is shifted by -1 in group B; its variance is 1 + score_noise^2 = 2
    assert abs(score[g == 1].mean() - score[g == 0].mean() + 1.0) < 0.03
    assert abs(score[g == 0].var() - 2.0) < 0.05
    # the credential predicts the outcome in group A only
    assert np.corrcoef(credential[g == 0], y[g == 0])[0, 1] > 0.5
    assert abs(np.corrcoef(credential[g == 1], y[g == 1])[0, 1]) < 0.02
    # ... while having the same distribution as the score's qualification in both groups
    assert abs(credential[g == 1].mean() - score[g == 1].mean()) < 0.03
    # the proxy is the group plus noise of sd 0.25, independent of the outcome within a group
    assert abs((proxy - g).std() - 0.25) < 0.005
    assert abs(np.corrcoef(proxy[g == 0], y[g == 0])[0, 1]) < 0.02


def test_base_rates_formula():
    from scipy.stats import norm

    assert fairness.base_rates(shift=0.0) == (0.5, 0.5)
    a, b = fairness.base_rates(shift=1.0, outcome_noise=0.5)
    assert a == 0.5 and abs(b - norm.cdf(-1 / math.sqrt(1.25))) < 1e-15
    with pytest.raises(ValueError, match="shift must be >= 0, got -1"):
        fairness.base_rates(shift=-1)


def test_population_is_reproducible_and_split_is_two_draws_from_one_seed():
    a, b = fairness.make_population(50, seed=7), fairness.make_population(50, seed=7)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    train, test = fairness.make_split(50, 30, seed=7)
    assert np.array_equal(train.X, a.X) and len(test.y) == 30
    assert not np.array_equal(test.X, fairness.make_population(30, seed=7).X)
    custom, _ = fairness.make_split(50, 5, seed=7, minority_share=0.5, proxy_noise=0.0)
    same = fairness.make_population(50, seed=7, minority_share=0.5, proxy_noise=0.0)
    assert np.array_equal(custom.X, same.X)
    assert np.array_equal(custom.X[:, 2], custom.X[:, 3])


def test_population_arguments_are_validated():
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        fairness.make_population(0)
    with pytest.raises(TypeError, match=r"n must be a positive integer, got float \("):
        fairness.make_population(10.0)
    with pytest.raises(ValueError, match=r"minority_share must be in \(0, 1\), got 1"):
        fairness.make_population(10, minority_share=1)
    with pytest.raises(ValueError, match="proxy_noise must be >= 0, got"):
        fairness.make_population(10, proxy_noise=-0.1)
    with pytest.raises(TypeError, match="unknown setting"):
        fairness.make_split(10, 10, minority=0.3)
    with pytest.raises(ValueError, match="n_test must be a positive integer, got 0"):
        fairness.make_split(10, 0)


# --- the model and the log-odds decomposition -----------------------------------------------------

def test_logistic_model_is_calibrated_in_the_mean_within_groups_and_deterministic():
    train = fairness.make_population(5000, seed=1)
    m1 = fairness.logistic_model().fit(train.X, train.y)
    m2 = fairness.logistic_model().fit(train.X, train.y)
    assert np.array_equal(m1.coef_, m2.coef_)
    s = m1.predict_proba(train.X)[:, 1]
    for g in (0, 1):      # score equations of the intercept and the group column (no penalty)
        members = train.group == g
        assert abs(s[members].mean() - train.y[members].mean()) < 1e-8


def test_logit_gap_terms_add_up_to_the_gap_in_mean_log_odds():
    train = fairness.make_population(3000, seed=2)
    model = fairness.logistic_model().fit(train.X, train.y)
    terms = fairness.logit_gap(model.coef_[0], train.X, train.group)
    z = model.decision_function(train.X)
    assert abs(terms.sum() - (z[train.group == 1].mean() - z[train.group == 0].mean())) < 1e-10
    assert terms[3] == pytest.approx(model.coef_[0][3])           # the group column moves by exactly 1
    with pytest.raises(ValueError, match="coef has shape"):
        fairness.logit_gap([1.0], train.X, train.group)
    with pytest.raises(ValueError, match="other group 2 does not occur"):
        fairness.logit_gap(model.coef_[0], train.X, train.group, other=2)


# --- mitigation -----------------------------------------------------------------------------------

def test_reweighing_by_hand():
    w = fairness.reweighing_weights([1, 1, 1, 0, 1, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1])
    # n = 8, n_A = n_B = 4, n_1 = n_0 = 4; cells (A,1) = 3, (A,0) = 1, (B,1) = 1, (B,0) = 3
    np.testing.assert_allclose(w, [2 / 3, 2 / 3, 2 / 3, 2, 2, 2 / 3, 2 / 3, 2 / 3])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_groups=st.integers(2, 4))
def test_reweighing_makes_label_and_group_independent(seed, n_groups):
    y, _, group = random_case(seed, n_groups)
    w = fairness.reweighing_weights(y, group)
    assert abs(w.sum() - len(y)) < 1e-9
    for g in np.unique(group):
        members = group == g
        assert abs(np.average(y[members], weights=w[members]) - y.mean()) < 1e-12
        assert abs(w[members].sum() - members.sum()) < 1e-9          # group sizes are kept


def _scores_case(seed: int, n: int = 400):
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, n)
    y = (rng.random(n) < np.where(group == 1, 0.3, 0.6)).astype(int)
    scores = 1 / (1 + np.exp(-(1.5 * y - 0.7 * group + rng.normal(0, 1, n))))
    return scores, y, group


@pytest.mark.parametrize("constraint", ["demographic_parity", "equal_opportunity"])
def test_group_thresholds_equalise_the_rate_and_maximise_accuracy_on_the_grid(constraint):
    scores, y, group = _scores_case(0)
    grid = 50
    thr = fairness.group_thresholds(scores, y, group, constraint=constraint, grid_size=grid)
    pred = fairness.threshold_predict(scores, group, thr)
    metric = fairness.selection_rate if constraint == "demographic_parity" else fairness.true_positive_rate
    rates = fairness.by_group(metric, y, pred, group)
    sizes = [((group == g) if constraint == "demographic_parity" else (group == g) & (y == 1)).sum()
             for g in (0, 1)]
    assert abs(rates[0] - rates[1]) <= 0.5 / sizes[0] + 0.5 / sizes[1] + 1e-12
    # brute force over the grid: no target rate gives a better accuracy than the one chosen
    best = 0.0
    for r in np.linspace(0, 1, grid + 1):
        brute = {}
        for g in (0, 1):
            positives = (group == g) & (y == 1)
            ranked = scores[group == g] if constraint == "demographic_parity" else scores[positives]
            k = int(np.rint(r * len(ranked)))
            brute[g] = np.inf if k == 0 else np.sort(ranked)[::-1][k - 1]
        best = max(best, fairness.accuracy(y, fairness.threshold_predict(scores, group, brute)))
    assert fairness.accuracy(y, pred) == best


@pytest.mark.parametrize("ours, theirs", [("demographic_parity", "demographic_parity"),
                                          ("equal_opportunity", "true_positive_rate_parity")])
def test_group_thresholds_match_fairlearn_threshold_optimizer(ours, theirs):
    from fairlearn.postprocessing import ThresholdOptimizer

    train, test = fairness.make_split(6000, 6000, seed=11)
    model = fairness.logistic_model().fit(train.X, train.y)
    s_train, s_test = model.predict_proba(train.X)[:, 1], model.predict_proba(test.X)[:, 1]
    thr = fairness.group_thresholds(s_train, train.y, train.group, constraint=ours)
    mine = fairness.threshold_predict(s_test, test.group, thr)
    optimizer = ThresholdOptimizer(estimator=model, constraints=theirs, prefit=True,
                                   predict_method="predict_proba")
    optimizer = optimizer.fit(train.X, train.y, sensitive_features=train.group)
    theirs_pred = optimizer.predict(test.X, sensitive_features=test.group, random_state=0)
    # same trade-off: accuracy within 1 point; ours is deterministic, fairlearn's randomised
    assert abs(fairness.accuracy(test.y, mine) - fairness.accuracy(test.y, theirs_pred)) < 0.01
    gap = (fairness.demographic_parity_difference if ours == "demographic_parity"
           else fairness.equal_opportunity_difference)
    unmitigated = gap(test.y, model.predict(test.X), test.group)
    assert gap(test.y, mine, test.group) < 0.06 < unmitigated


def test_thresholds_are_validated():
    scores, y, group = _scores_case(1, 40)
    with pytest.raises(ValueError, match="constraint must be 'demographic_parity' or 'equal_opportunity'"):
        fairness.group_thresholds(scores, y, group, constraint="equalized_odds")
    with pytest.raises(ValueError, match="grid_size must be a positive integer, got 0"):
        fairness.group_thresholds(scores, y, group, grid_size=0)
    with pytest.raises(ValueError, match="scores must be finite"):
        fairness.group_thresholds(np.full(40, np.nan), y, group)
    with pytest.raises(ValueError, match="group 1 has no positives"):
        fairness.group_thresholds([0.2, 0.8, 0.3, 0.4], [0, 1, 0, 0], [0, 0, 1, 1],
                                  constraint="equal_opportunity")
    with pytest.raises(ValueError, match=r"thresholds has no entry for group\(s\) \['B'\]"):
        fairness.threshold_predict([0.5, 0.5], ["A", "B"], {"A": 0.3})
    assert fairness.threshold_predict([0.9, 0.1], [0, 0], {0: np.inf}).tolist() == [0, 0]


def test_compare_mitigations_moves_the_gaps_it_targets():
    runs = fairness.compare_mitigations(*fairness.make_split(8000, 8000, seed=5))
    assert tuple(runs) == fairness.MITIGATIONS
    dp = {k: v["demographic_parity"] for k, v in runs.items()}
    assert dp["thresholds: demographic parity"] < 0.05 < dp["reweighing"] < dp["unmitigated"] - 0.15
    mitigated = runs["thresholds: equal opportunity"]["equal_opportunity"]
    assert mitigated < 0.1 < runs["unmitigated"]["equal_opportunity"]
    # the unmitigated model is the most accurate (up to sampling noise)
    assert all(v["accuracy"] <= runs["unmitigated"]["accuracy"] + 0.005 for v in runs.values())
    with pytest.raises(TypeError, match="train must be a Population"):
        fairness.compare_mitigations((1, 2), (3, 4))


def test_representation_curve_minority_gains_with_its_share():
    curve = fairness.representation_curve([0.05, 0.5], seeds=[0, 1], n_train=10_000, n_test=10_000)
    assert set(curve) == {"A", "B", "B alone"} and curve["B"].shape == (2, 2)
    b, alone = curve["B"].mean(axis=1), curve["B alone"].mean(axis=1)
    assert b[1] - b[0] > 0.02                       # measured ~0.04 with 5 seeds of 10,000 + 20,000
    assert alone[0] - b[0] > 0.02                   # few: worse than its own model
    with pytest.raises(TypeError, match="give the shares as `shares`"):
        fairness.representation_curve([0.2], seeds=[0], n_train=10, n_test=10, minority_share=0.3)


# --- the impossibility result ---------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(tp=st.integers(1, 500), fp=st.integers(0, 500), fn=st.integers(0, 500), tn=st.integers(1, 500))
def test_chouldechova_identity_holds_for_every_confusion_matrix(tp, fp, fn, tn):
    n = tp + fp + fn + tn
    p, ppv, fnr, fpr = (tp + fn) / n, tp / (tp + fp), fn / (tp + fn), fp / (fp + tn)
    assert abs(fairness.implied_false_positive_rate(p, ppv, fnr) - fpr) < 1e-12


def test_implied_false_positive_rate_is_validated():
    with pytest.raises(ValueError, match=r"prevalence must be in \(0, 1\), got 1"):
        fairness.implied_false_positive_rate(1, 0.5, 0.5)
    with pytest.raises(ValueError, match=r"ppv must be in \(0, 1\], got 0"):
        fairness.implied_false_positive_rate(0.5, 0, 0.5)
    with pytest.raises(TypeError, match="fnr must be a real number, got str"):
        fairness.implied_false_positive_rate(0.5, 0.5, "0.1")


# --- the module and its page ----------------------------------------------------------------------

def test_docstring_examples_run():
    from companion.fairness import _checks, experiments, metrics, mitigation, population

    attempted = 0
    for module in (_checks, population, metrics, mitigation, experiments):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted >= 15


def _page_labels() -> set[str]:
    nb = json.loads(PAGE.read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return set(re.findall(r"\$\$\s*\((eq-ch5-fair-[\w-]+)\)", text))


@pytest.mark.skipif(not PAGE.exists(), reason="the page is not in this tree")
def test_every_equation_of_the_page_is_implemented_in_a_tested_function():
    labels = _page_labels()
    assert len(labels) >= 10
    documented = {}
    for name in fairness.__all__:
        doc = getattr(getattr(fairness, name), "__doc__", "") or ""
        for label in re.findall(r"eq-ch5-fair-[\w-]+", doc):
            documented.setdefault(label, set()).add(name)
    assert labels <= set(documented), f"labels without a function: {labels - set(documented)}"
    assert set(documented) <= labels, f"docstrings cite labels the page lacks: {set(documented) - labels}"
    tests = pathlib.Path(__file__).read_text()
    for label, names in documented.items():
        assert any(f"fairness.{n}(" in tests for n in names), f"{label}: no test calls {names}"
