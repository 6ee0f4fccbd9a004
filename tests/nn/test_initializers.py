"""Initializers: shapes, dtypes, bounds, variances (within sampling tolerance) and truncation."""

from __future__ import annotations

import numpy as np
import pytest

from companion.nn import initializers as init

SHAPE = (400, 300)  # 120,000 draws: the sample std is within ~0.5% of the truth


def draw(initializer, shape=SHAPE, dtype="float32"):
    return initializer(shape, dtype=dtype, rng=np.random.default_rng(0))


def test_zeros_ones_constant():
    assert not draw(init.Zeros(), (3, 2)).any()
    assert (draw(init.Ones(), (3,)) == 1).all()
    assert (draw(init.Constant(0.5), (2, 2)) == 0.5).all()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_shape_and_dtype(dtype):
    w = draw(init.GlorotUniform(), (5, 7), dtype)
    assert w.shape == (5, 7) and w.dtype == np.dtype(dtype)


def test_glorot_uniform_bounds_and_variance():
    w = draw(init.GlorotUniform())
    limit = np.sqrt(6 / sum(SHAPE))
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit  # uses the whole interval
    assert w.var() == pytest.approx(2 / sum(SHAPE), rel=0.02)


def test_he_uniform_bounds():
    w = draw(init.HeUniform())
    assert np.abs(w).max() <= np.sqrt(6 / SHAPE[0])
    assert w.var() == pytest.approx(2 / SHAPE[0], rel=0.02)


@pytest.mark.parametrize(
    "initializer, variance",
    [(init.HeNormal(), 2 / SHAPE[0]), (init.GlorotNormal(), 2 / sum(SHAPE))],
)
def test_truncated_normals_have_target_variance_and_cut(initializer, variance):
    w = draw(initializer, dtype="float64")
    sigma = np.sqrt(variance) / init.TRUNCATED_NORMAL_STD  # std before truncation
    assert np.abs(w).max() <= 2 * sigma  # cut at +-2 sigma
    assert np.abs(w).max() > 1.95 * sigma
    assert w.std() == pytest.approx(np.sqrt(variance), rel=0.01)  # the 0.8796 correction works
    assert abs(w.mean()) < 5 * np.sqrt(variance / w.size)


def test_truncation_constant_is_std_of_truncated_standard_normal():
    x = init.truncated_normal((1_000_000,), 0.0, 1.0, rng=1)
    assert np.abs(x).max() <= 2
    assert x.std() == pytest.approx(init.TRUNCATED_NORMAL_STD, rel=3e-3)


def test_random_normal_and_uniform_defaults():
    n = draw(init.RandomNormal(), dtype="float64")
    assert n.std() == pytest.approx(0.05, rel=0.01)
    u = draw(init.RandomUniform())
    assert u.min() >= -0.05 and u.max() <= 0.05
    t = draw(init.TruncatedNormal(), dtype="float64")
    assert np.abs(t).max() <= 0.1


def test_fans():
    assert init.compute_fans((3, 5)) == (3, 5)
    assert init.compute_fans((7,)) == (7, 7)
    assert init.compute_fans((2, 2, 3, 5)) == (12, 20)


def test_seeded_draws_repeat():
    assert np.array_equal(draw(init.HeNormal(), (4, 4)), draw(init.HeNormal(), (4, 4)))


def test_get_by_name_and_object():
    assert isinstance(init.get("he_normal"), init.HeNormal)
    obj = init.GlorotUniform()
    assert init.get(obj) is obj
    with pytest.raises(ValueError, match=r"must be one of \[.*'glorot_uniform'.*\], got 'glorot'"):
        init.get("glorot")
    with pytest.raises(TypeError, match="initializer must be a string"):
        init.get(3)
