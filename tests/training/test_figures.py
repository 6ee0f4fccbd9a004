"""Smoke tests of the chapter's figure helpers."""

import numpy as np

from companion import nn, plots
from companion.training import backprop, figures, surfaces


def test_plot_graph_example_shows_the_values():
    g = backprop.graph_example(x=2.0, t=1.0, w=0.5, b=-1.0)
    fig = figures.plot_graph_example(g, 2.0, 0.5, -1.0)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "= 0.125" in texts and "-0.25" in texts and "b = −1" in texts


def test_contour_paths_draws_one_line_per_path():
    fig, axes = plots.new_figure()
    paths = {k: surfaces.trajectory(o, surfaces.quadratic_gradient, [-2.0, 1.0], 5)
             for k, o in {"gd": nn.optimizers.SGD(0.05), "adam": nn.optimizers.Adam(0.1)}.items()}
    figures.contour_paths(axes[0, 0], surfaces.quadratic, paths, (-3, 3), (-2, 2), np.geomspace(0.1, 10, 5),
                          minimum=(0, 0))
    labels = [line.get_label() for line in axes[0, 0].lines]
    assert labels[:2] == ["gd", "adam"] and len(axes[0, 0].lines) == 3
