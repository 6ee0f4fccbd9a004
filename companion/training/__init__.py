"""The mathematics of training, one concept per module (chapter 3 of the book).

=====================  ===================================================================
``init_experiments``   symmetry breaking; Glorot and He variances; signal propagation
``loss``               naive softmax, negative log-likelihood, the gradient p - y
``backprop``           the chain rule on a small graph; back-propagation in matrix form
``surfaces``           2-D loss surfaces and optimizer trajectories on them
``loop``               the training loop assembled from layers, loss and optimizer
``equations``          the table: equation label -> implementing functions -> tests
``figures``            the chapter's longer figures (computational graph, optimizer paths)
=====================  ===================================================================

Each function's docstring names the numbered equation of chapter 3 that it implements
(labels ``eq-ch3-...``); the chapter's last section tabulates equation, function and test.
"""

from __future__ import annotations

from companion.training import backprop, equations, figures, init_experiments, loop, loss, surfaces

__all__ = ["backprop", "equations", "figures", "init_experiments", "loop", "loss", "surfaces"]
