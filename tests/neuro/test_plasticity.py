"""Hebb's rule grows without bound; Oja's rule finds the first principal component."""

import numpy as np
import pytest

from companion.neuro import cosine_similarity, hebb, leading_eigenvector, oja


def _numpy_pc1(X):
    vals, vecs = np.linalg.eigh(X.T @ X / len(X))
    return vecs[:, np.argmax(vals)]


@pytest.fixture(scope="module")
def data_2d():
    rng = np.random.default_rng(0)
    return rng.multivariate_normal([0.0, 0.0], [[3.0, 1.2], [1.2, 1.0]], size=5000)


@pytest.fixture(scope="module")
def data_5d():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(5, 5))
    cov = A @ A.T + np.diag([8.0, 0, 0, 0, 0])  # a clear leading direction
    return rng.multivariate_normal(np.zeros(5), cov, size=8000)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_oja_converges_to_first_principal_component_2d(data_2d, seed):
    W = oja(data_2d, lr=0.005, rng=seed)
    assert W.shape == (5001, 2)
    pc1 = _numpy_pc1(data_2d)
    assert cosine_similarity(W[-1], pc1) >= 0.99
    assert abs(np.linalg.norm(W[-1]) - 1.0) < 0.05
    # averaging the last part of the trajectory removes most of the fluctuation
    assert cosine_similarity(W[-1000:].mean(axis=0), pc1) >= 0.999


def test_oja_in_five_dimensions(data_5d):
    lam1 = np.linalg.eigvalsh(data_5d.T @ data_5d / len(data_5d)).max()
    W = oja(data_5d, lr=0.005 / lam1, rng=0)  # a small step: lambda_2 / lambda_1 is only 1/2 here
    assert cosine_similarity(W[-1], _numpy_pc1(data_5d)) >= 0.99
    assert abs(np.linalg.norm(W[-1]) - 1.0) < 0.05


def test_hebb_norm_grows_without_bound(data_2d):
    W = hebb(data_2d[:1000], lr=0.005, rng=0)
    norms = np.linalg.norm(W, axis=1)
    assert norms[-1] > 1e6 * norms[0]
    assert np.all(np.diff(norms[::100]) > 0)  # growing all along, not settling
    # the direction still turns to the principal component: Hebb finds it, but does not stop growing
    assert cosine_similarity(W[-1], _numpy_pc1(data_2d)) >= 0.99
    # while Oja's norm stays bounded on the same stream
    assert np.linalg.norm(oja(data_2d[:1000], lr=0.005, rng=0), axis=1).max() < 2.0


def test_hebb_overflow_is_silent():
    X = np.full((3000, 2), 10.0)
    W = hebb(X, lr=0.1, w0=[1.0, 1.0])
    assert not np.all(np.isfinite(W[-1]))


def test_explicit_w0_and_reproducibility(data_2d):
    W = oja(data_2d[:10], lr=0.01, w0=[1.0, 0.0])
    np.testing.assert_array_equal(W[0], [1.0, 0.0])
    x, w = data_2d[0], np.array([1.0, 0.0])
    y = w @ x
    np.testing.assert_allclose(W[1], w + 0.01 * y * (x - y * w))
    Wh = hebb(data_2d[:10], lr=0.01, w0=[1.0, 0.0])
    np.testing.assert_allclose(Wh[1], w + 0.01 * y * x)
    np.testing.assert_array_equal(oja(data_2d[:50], rng=3), oja(data_2d[:50], rng=3))


def test_leading_eigenvector_and_cosine(data_2d):
    assert cosine_similarity(leading_eigenvector(data_2d), _numpy_pc1(data_2d)) == pytest.approx(1.0)
    assert cosine_similarity([1.0, 0.0], [-1.0, 0.0]) == 1.0
    assert cosine_similarity([1.0, 0.0], [-1.0, 0.0], sign_insensitive=False) == -1.0
    assert cosine_similarity([1.0, 0.0], [0.0, 2.0]) == 0.0


@pytest.mark.parametrize("rule", [hebb, oja])
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"X": np.ones(5)}, ValueError, "X must be 2-dimensional"),
        ({"X": np.ones((0, 2))}, ValueError, "at least one sample"),
        ({"X": [[1.0, np.inf]]}, ValueError, "X must contain only finite"),
        ({"lr": 0.0}, ValueError, "lr must be > 0"),
        ({"lr": -0.1}, ValueError, "lr must be > 0"),
        ({"w0": [1.0, 2.0, 3.0]}, ValueError, "w0 has 3 entries, but X has 2 features"),
        ({"epochs": 0}, ValueError, "epochs must be a positive integer, got 0"),
        ({"rng": 1.5}, TypeError, "rng must be"),
    ],
)
def test_validation(rule, kwargs, error, match):
    args = {"X": np.ones((4, 2))} | kwargs
    with pytest.raises(error, match=match):
        rule(**args)


def test_cosine_validation():
    with pytest.raises(ValueError, match="same shape"):
        cosine_similarity([1.0, 0.0], [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="nonzero"):
        cosine_similarity([0.0, 0.0], [1.0, 0.0])


def test_epochs_replay_the_stream(data_2d):
    W = oja(data_2d[:100], lr=0.01, epochs=3, rng=0)
    assert W.shape == (301, 2)
    np.testing.assert_array_equal(W[:101], oja(data_2d[:100], lr=0.01, rng=0))
