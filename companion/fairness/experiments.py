"""The chapter's experiments: every mitigation on one population, and accuracy per group as a
group's share of the population grows.

scikit-learn is imported when a model is fitted, not with this module.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import describe
from companion.fairness.metrics import accuracy, by_group, fairness_summary
from companion.fairness.mitigation import group_thresholds, reweighing_weights, threshold_predict
from companion.fairness.population import Population, logistic_model, make_split

__all__ = ["MITIGATIONS", "compare_mitigations", "representation_curve"]


#: The models :func:`compare_mitigations` fits, in the order of its result.
MITIGATIONS: tuple[str, ...] = (
    "unmitigated", "group column removed", "group and proxy removed", "reweighing",
    "thresholds: demographic parity", "thresholds: equal opportunity",
)


def compare_mitigations(train: Population, test: Population, *,
                        grid_size: int = 1000) -> dict[str, dict[str, float]]:
    """Fit the chapter's models on ``train`` and summarise each on ``test`` (``MITIGATIONS``).

    * ``unmitigated``: :func:`logistic_model` on all four features, selecting where the predicted
      probability exceeds 1/2;
    * ``group column removed`` and ``group and proxy removed``: the same without those columns;
    * ``reweighing``: all features, trained with :func:`reweighing_weights` (eq. ``eq-ch5-fair-reweighing``);
    * ``thresholds: ...``: the unmitigated scores with per-group thresholds from
      :func:`group_thresholds` (eq. ``eq-ch5-fair-thresholds``), fitted on the training data.

    Parameters
    ----------
    train, test : Population
        Samples from :func:`make_population` or :func:`make_split`.
    grid_size : int, default 1000
        Passed to :func:`group_thresholds`.

    Returns
    -------
    dict
        ``{model name: fairness_summary(...) on the test sample}``.
    """
    for name, pop in (("train", train), ("test", test)):
        if not isinstance(pop, Population):
            raise TypeError(f"{name} must be a Population, got {describe(pop)}")
    out = {}
    for name, columns in (("unmitigated", 4), ("group column removed", 3), ("group and proxy removed", 2)):
        model = logistic_model().fit(train.X[:, :columns], train.y)
        out[name] = fairness_summary(test.y, model.predict(test.X[:, :columns]), test.group)
    weighted = logistic_model().fit(train.X, train.y,
                                    sample_weight=reweighing_weights(train.y, train.group))
    out["reweighing"] = fairness_summary(test.y, weighted.predict(test.X), test.group)
    base = logistic_model().fit(train.X, train.y)
    s_train, s_test = base.predict_proba(train.X)[:, 1], base.predict_proba(test.X)[:, 1]
    for constraint in ("demographic_parity", "equal_opportunity"):
        thr = group_thresholds(s_train, train.y, train.group, constraint=constraint, grid_size=grid_size)
        y_hat = threshold_predict(s_test, test.group, thr)
        out["thresholds: " + constraint.replace("_", " ")] = fairness_summary(test.y, y_hat, test.group)
    return out


def representation_curve(shares: ArrayLike, *, seeds: ArrayLike, n_train: int, n_test: int,
                         **settings: float) -> dict[str, NDArray[np.float64]]:
    r"""Test accuracy per group as group B's share of the population grows.

    For every share :math:`\pi` and seed, a training and a test sample are drawn
    (:func:`make_split`), :func:`logistic_model` is fitted on all four features of everyone
    (``pooled``) and, as a reference, on score, credential and proxy of group B's members alone.

    Parameters
    ----------
    shares : array_like of float
        Values of ``minority_share``, each in (0, 1).
    seeds : array_like of int
        Seeds of :func:`make_split`; one run per share and seed.
    n_train, n_test : int
        Sample sizes.
    **settings : float
        Further settings of :func:`make_population` (not ``minority_share``).

    Returns
    -------
    dict
        ``"A"`` and ``"B"``: the pooled model's accuracy in each group; ``"B alone"``: the accuracy
        in group B of the model trained on group B only. Each an array of shape
        ``(len(shares), len(seeds))``.
    """
    if "minority_share" in settings:
        raise TypeError("give the shares as `shares`, not as minority_share")
    shares_, seeds_ = np.atleast_1d(np.asarray(shares, dtype=np.float64)), list(np.atleast_1d(seeds))
    out = {key: np.empty((len(shares_), len(seeds_))) for key in ("A", "B", "B alone")}
    for i, share in enumerate(shares_):
        for j, seed in enumerate(seeds_):
            train, test = make_split(n_train, n_test, seed=int(seed), minority_share=float(share), **settings)
            pooled = logistic_model().fit(train.X, train.y)
            acc = by_group(accuracy, test.y, pooled.predict(test.X), test.group)
            b, tb = train.group == 1, test.group == 1
            alone = logistic_model().fit(train.X[b, :3], train.y[b])
            out["A"][i, j], out["B"][i, j] = acc[0], acc[1]
            out["B alone"][i, j] = accuracy(test.y[tb], alone.predict(test.X[tb, :3]))
    return out
