"""The plotting helpers of chapters 1 and 2 (companion.plots)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from companion import plots


def test_plot_semilog_draws_one_line_per_curve_on_a_log_axis():
    x = np.arange(1, 6)
    fig = plots.plot_semilog(x, {"a": 0.25 ** x, "b": np.ones(5)}, xlabel="layers")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), 0.25 ** x)
    assert ax.get_xlabel() == "layers"
    assert plt.get_fignums() == []


def test_plot_semilog_validation():
    with pytest.raises(ValueError, match="positive and finite"):
        plots.plot_semilog([1, 2], {"a": [1.0, 0.0]})
    with pytest.raises(ValueError, match="has shape"):
        plots.plot_semilog([1, 2], {"a": [1.0]})
    with pytest.raises(ValueError, match="non-empty"):
        plots.plot_semilog([1, 2], {})


def test_plot_raster_one_row_per_trial_top_down():
    trains = [[10.0, 20.0], [], [5.0]]
    fig = plots.plot_raster(trains, duration=100.0)
    ax = fig.axes[0]
    rows = ax.collections
    assert len(rows) == 3
    assert rows[0].get_lineoffset() == 1 and rows[2].get_lineoffset() == 3
    assert ax.yaxis_inverted()  # trial 1 at the top
    np.testing.assert_allclose(rows[0].get_positions(), [10.0, 20.0])
    assert ax.get_xlim() == (0.0, 100.0)
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_raster([], 10.0)
    with pytest.raises(ValueError, match=r"duration must be > 0, got 0.0"):
        plots.plot_raster([[1.0]], 0.0)
    with pytest.raises(TypeError, match=r"duration must be a real number, got str \('1'\)"):
        plots.plot_raster([[1.0]], "1")


def test_plot_binary_problem_points_and_line():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([0, 0, 0, 1])
    fig = plots.plot_binary_problem(X, y, w=[1.0, 1.0], b=-1.5, title="AND")
    ax = fig.axes[0]
    labelled = {c.get_label(): c.get_offsets().shape[0] for c in ax.collections
                if c.get_label() in ("class 0", "class 1")}
    assert labelled == {"class 0": 3, "class 1": 1}
    assert len(ax.collections) > 2  # plus the shaded half-plane and the line
    assert ax.get_title() == "AND"
    # without w no line or shading is drawn: only the two point sets
    ax2 = plots.plot_binary_problem(X, y).axes[0]
    assert len(ax2.collections) == 2


def test_plot_binary_problem_validation():
    with pytest.raises(ValueError, match="shape"):
        plots.plot_binary_problem(np.zeros((3, 3)), [0, 1, 0])
    with pytest.raises(ValueError, match="nonzero vector"):
        plots.plot_binary_problem(np.zeros((2, 2)), [0, 1], w=[0.0, 0.0])
