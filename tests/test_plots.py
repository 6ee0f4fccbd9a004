import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from companion import plots


def test_figures_stay_out_of_pyplot():
    # figures are shown only where a notebook glues them, never again at the end of a cell
    plots.plot_history({"loss": [1.0, 0.5]}, metrics=["loss"])
    assert plt.get_fignums() == []


def test_use_book_style_sets_rcparams():
    matplotlib.rcdefaults()
    plots.use_book_style()
    assert matplotlib.rcParams["axes.spines.top"] is False
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == plots.PALETTE[0]
    matplotlib.rcdefaults()


def test_plot_digits_grid_and_titles():
    imgs = np.random.default_rng(0).random((12, 100))
    fig = plots.plot_digits(imgs, labels=list(range(12)), predictions=[1] * 12, ncols=5)
    axes = fig.axes
    assert len(axes) == 15  # 3 rows x 5 columns
    assert axes[0].get_title() == "0→1"
    assert axes[0].images[0].get_array().shape == (10, 10)
    assert not axes[14].images  # padding cells stay empty


def test_plot_digits_validation():
    with pytest.raises(ValueError, match="not flattened squares"):
        plots.plot_digits(np.zeros((2, 99)))
    with pytest.raises(ValueError, match="labels has 1 entries but there are 2 images"):
        plots.plot_digits(np.zeros((2, 4, 4)), labels=[1])
    with pytest.raises(ValueError, match="ncols must be a positive integer, got 0"):
        plots.plot_digits(np.zeros((2, 4, 4)), ncols=0)
    with pytest.raises(TypeError, match=r"ncols must be a positive integer, got float \(2.0\)"):
        plots.plot_digits(np.zeros((2, 4, 4)), ncols=2.0)


def test_new_axes_reuses_given_axes_or_makes_one():
    fig, ax = plots.new_axes(None, figsize=(3.0, 2.0))
    assert tuple(fig.get_size_inches()) == (3.0, 2.0) and fig.axes == [ax]
    assert plots.new_axes(ax) == (fig, ax)


def test_every_public_name_is_reexported_from_its_home_module():
    import importlib

    homes = {plots.style: {"BOOK_STYLE", "PALETTE", "new_axes", "new_figure", "use_book_style"},
             plots.learning: {"plot_confusion_matrix", "plot_digits", "plot_history"},
             plots.charts: {"plot_log_bars", "plot_semilog", "plot_timeline"},
             plots.neurons: {"plot_binary_problem", "plot_raster"}}
    assert set().union(*homes.values()) == set(plots.__all__)
    for module, names in homes.items():
        assert set(module.__all__) == names
        for name in names:
            assert getattr(plots, name) is getattr(importlib.import_module(module.__name__), name)


def test_plot_history_draws_training_and_validation():
    h = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]}
    fig = plots.plot_history(h)
    loss_ax, acc_ax = fig.axes
    assert len(loss_ax.lines) == 2 and len(acc_ax.lines) == 1
    np.testing.assert_allclose(loss_ax.lines[1].get_ydata(), [1.1, 0.7])
    with pytest.raises(ValueError, match=r"history has no \['mae'\]"):
        plots.plot_history(h, metrics=["mae"])


def test_plot_confusion_matrix_writes_counts():
    m = np.array([[5, 1], [0, 4]])
    fig = plots.plot_confusion_matrix(m, class_names=["a", "b"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["5", "1", "0", "4"]
    with pytest.raises(ValueError, match="must be square"):
        plots.plot_confusion_matrix(np.zeros((2, 3)))


def test_plot_timeline_one_dot_and_label_per_event():
    fig = plots.plot_timeline([1943, 1958, 2017], ["a", "b", "c"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["1943\na", "1958\nb", "2017\nc"]
    with pytest.raises(ValueError, match="equal length"):
        plots.plot_timeline([1943], ["a", "b"])


def test_plot_log_bars_is_logarithmic_and_rejects_zero():
    fig = plots.plot_log_bars(["x", "y"], [10.0, 1e9])
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert sorted(p.get_width() for p in ax.patches) == [10.0, 1e9]
    with pytest.raises(ValueError, match="positive and finite"):
        plots.plot_log_bars(["x"], [0.0])
