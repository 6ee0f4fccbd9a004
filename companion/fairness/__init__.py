"""Bias and fairness: a transparent synthetic population, group metrics and two mitigations.

Everything here works on NumPy arrays of 0/1 labels and predictions and a group attribute (any
values that can be compared for equality, such as ``0``/``1`` or ``"A"``/``"B"``).  The metrics
follow the definitions of ``fairlearn`` (tested to agree with it in ``tests/test_fairness.py``):

* :func:`by_group` evaluates a metric inside every group (eq. ``eq-ch5-fair-rates``), with
  :func:`accuracy`, :func:`selection_rate`, :func:`true_positive_rate`,
  :func:`false_positive_rate` and :func:`positive_predictive_value`;
* :func:`demographic_parity_difference`, :func:`equal_opportunity_difference` and
  :func:`equalized_odds_difference` reduce them to one number: the largest gap between groups;
* :func:`make_population` and :func:`make_split` draw the synthetic population of the chapter
  (eq. ``eq-ch5-fair-population``), whose base rates :func:`base_rates` gives;
* :func:`logistic_model` is the chapter's classifier and :func:`logit_gap` splits its gap in log-odds
  between the groups into one term per feature (eq. ``eq-ch5-fair-logit-gap``);
* :func:`reweighing_weights` and :func:`group_thresholds` / :func:`threshold_predict` are the two
  mitigations (eqs. ``eq-ch5-fair-reweighing`` and ``eq-ch5-fair-thresholds``);
  :func:`compare_mitigations` and :func:`representation_curve` run the chapter's experiments;
* :func:`implied_false_positive_rate` is Chouldechova's identity behind the impossibility result
  (eq. ``eq-ch5-fair-chouldechova``).

One concept per module, every public name re-exported here (``fairness.by_group``):

===============  ======================================================================
``population``   the synthetic population, its base rates, the classifier, the logit gap
``metrics``      per-group rates, the differences between groups, Chouldechova's identity
``mitigation``   reweighing and per-group thresholds
``experiments``  every mitigation on one population; accuracy against representation
===============  ======================================================================

Only NumPy is imported with the package; scikit-learn when a model is built.
"""

from __future__ import annotations

from companion.fairness.experiments import MITIGATIONS, compare_mitigations, representation_curve
from companion.fairness.metrics import (
    accuracy,
    by_group,
    demographic_parity_difference,
    equal_opportunity_difference,
    equalized_odds_difference,
    fairness_summary,
    false_positive_rate,
    implied_false_positive_rate,
    positive_predictive_value,
    selection_rate,
    true_positive_rate,
)
from companion.fairness.mitigation import group_thresholds, reweighing_weights, threshold_predict
from companion.fairness.population import (
    FEATURES,
    Population,
    base_rates,
    logistic_model,
    logit_gap,
    make_population,
    make_split,
)

__all__ = [
    "FEATURES",
    "MITIGATIONS",
    "Population",
    "accuracy",
    "base_rates",
    "by_group",
    "compare_mitigations",
    "demographic_parity_difference",
    "equal_opportunity_difference",
    "equalized_odds_difference",
    "fairness_summary",
    "false_positive_rate",
    "group_thresholds",
    "implied_false_positive_rate",
    "logistic_model",
    "logit_gap",
    "make_population",
    "make_split",
    "positive_predictive_value",
    "representation_curve",
    "reweighing_weights",
    "selection_rate",
    "threshold_predict",
    "true_positive_rate",
]
