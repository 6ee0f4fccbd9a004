"""Attribution maps for a :class:`~companion.nn.model.Sequential` classifier, and their evaluation.

An *attribution* assigns each input feature :math:`x_i` of one sample a score for one output
:math:`f_c` (here the probability or the logit of class :math:`c`). Three methods:

* **saliency** (Simonyan et al. 2014), the size of the input gradient, eq. (eq-ch5-saliency);
* **integrated gradients** (Sundararajan et al. 2017), the gradient averaged along the straight path
  from a baseline to the input, times the input's difference from the baseline, eqs. (eq-ch5-ig) and
  (eq-ch5-ig-riemann), which add up to the change of the output, eq. (eq-ch5-completeness);
* **occlusion** (Zeiler & Fergus 2014), the drop of the output when a patch is covered,
  eq. (eq-ch5-occlusion).

And three ways to judge them:

* the **deletion curve** (Samek et al. 2017; Petsiuk et al. 2018): the output as the features are
  removed in the order a method ranks them, eq. (eq-ch5-deletion), and its area, eq. (eq-ch5-deletion-auc);
* **Spearman's rank correlation** between two maps, eq. (eq-ch5-spearman), for the **cascading
  randomisation** sanity check (Adebayo et al. 2018), :func:`randomize_layers`, and the share of
  their top-ranked pixels two maps have in common, eq. (eq-ch5-topk);
* the **input shift** of Kindermans et al. (2019), :func:`shift_inputs`: a model that gives exactly
  the same outputs on inputs shifted by a constant, eq. (eq-ch5-shift).

The gradients come from the engine's public :meth:`~companion.nn.model.Sequential.input_gradient`
(eq. nn.model.3); nothing here changes a model's weights.

One concept per module, every public name re-exported here (``explain.saliency``):

================  ======================================================================
``attributions``  the output explained; saliency, integrated gradients, occlusion
``evaluation``    deletion curves and their area, rank correlation, top-k overlap
``sanity``        models for the sanity checks: randomised top layers, shifted inputs
================  ======================================================================
"""

from __future__ import annotations

from companion.explain.attributions import (
    completeness_gap,
    integrated_gradients,
    occlusion,
    output,
    saliency,
)
from companion.explain.evaluation import deletion_auc, deletion_curve, ranks, spearman, top_k_overlap
from companion.explain.sanity import randomize_layers, shift_inputs

__all__ = [
    "EQUATIONS",
    "completeness_gap",
    "deletion_auc",
    "deletion_curve",
    "integrated_gradients",
    "occlusion",
    "output",
    "ranks",
    "randomize_layers",
    "saliency",
    "shift_inputs",
    "spearman",
    "top_k_overlap",
]

#: Every numbered equation of the interpretability and explainability pages, and the function here
#: whose docstring states it (``tests/test_explain.py`` checks both directions).
EQUATIONS: dict[str, str] = {
    "eq-ch5-saliency": "saliency",
    "eq-ch5-ig": "integrated_gradients",
    "eq-ch5-ig-riemann": "integrated_gradients",
    "eq-ch5-completeness": "completeness_gap",
    "eq-ch5-occlusion": "occlusion",
    "eq-ch5-deletion": "deletion_curve",
    "eq-ch5-deletion-auc": "deletion_auc",
    "eq-ch5-spearman": "spearman",
    "eq-ch5-topk": "top_k_overlap",
    "eq-ch5-shift": "shift_inputs",
}
