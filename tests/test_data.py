import numpy as np
import pytest

from companion import data


def test_resample_matrix_rows_sum_to_one_and_are_nonnegative():
    r = data.area_resample_matrix(8, 10)
    assert r.shape == (10, 8)
    assert (r >= 0).all()
    np.testing.assert_allclose(r.sum(axis=1), 1.0)


def test_resample_matrix_known_values():
    # output pixel 1 covers input [0.8, 1.6]: 0.2 of pixel 0 and 0.6 of pixel 1, over width 0.8
    r = data.area_resample_matrix(8, 10)
    np.testing.assert_allclose(r[1, :2], [0.25, 0.75])
    np.testing.assert_allclose(data.area_resample_matrix(2, 4), [[1, 0], [1, 0], [0, 1], [0, 1]])


def test_identity_when_sizes_match():
    np.testing.assert_allclose(data.area_resample_matrix(5, 5), np.eye(5))


def test_resample_preserves_constant_images_and_mean():
    rng = np.random.default_rng(0)
    imgs = rng.random((4, 8, 8))
    out = data.resample_images(imgs, 10)
    assert out.shape == (4, 10, 10)
    # area averaging preserves the mean intensity exactly
    np.testing.assert_allclose(out.mean(axis=(1, 2)), imgs.mean(axis=(1, 2)))
    np.testing.assert_allclose(data.resample_images(np.full((1, 8, 8), 3.0), 10), 3.0)


def test_resample_rejects_non_square():
    with pytest.raises(ValueError, match=r"images must have shape \(n, h, h\)"):
        data.resample_images(np.zeros((2, 8, 7)), 10)
    with pytest.raises(ValueError, match="size must be a positive integer, got 0"):
        data.resample_images(np.zeros((2, 8, 8)), 0)
    with pytest.raises(TypeError, match=r"size must be a positive integer, got float \(10.0\)"):
        data.resample_images(np.zeros((2, 8, 8)), 10.0)
    with pytest.raises(TypeError, match="images must be a numeric array, got str"):
        data.resample_images("images", 10)


def test_area_resample_matrix_validates():
    with pytest.raises(ValueError, match="n_out must be a positive integer, got 0"):
        data.area_resample_matrix(8, 0)
    with pytest.raises(TypeError, match=r"n_in must be a positive integer, got str \('8'\)"):
        data.area_resample_matrix("8", 10)


def test_load_digits_shapes_types_and_range():
    (x_train, y_train), (x_test, y_test) = data.load_digits()
    assert x_train.shape == (1437, 100) and x_test.shape == (360, 100)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0
    assert set(np.unique(y_train)) == set(range(10))


def test_load_digits_unflattened_and_original_size():
    (x8, _), _ = data.load_digits(size=8, flatten=False)
    assert x8.shape[1:] == (8, 8)
    # at the original size the pixels are sklearn's own, divided by 16
    from sklearn.datasets import load_digits as sk

    raw = sk().images / 16.0
    assert any(np.allclose(x8[0], img) for img in raw)


def test_load_digits_is_deterministic_and_seed_dependent():
    a = data.load_digits(seed=1)
    b = data.load_digits(seed=1)
    c = data.load_digits(seed=2)
    np.testing.assert_array_equal(a.train[0], b.train[0])
    np.testing.assert_array_equal(a.test[1], b.test[1])
    assert not np.array_equal(a.test[1], c.test[1])


def test_load_digits_split_is_stratified_and_disjoint():
    (x_train, y_train), (x_test, y_test) = data.load_digits()
    full = np.bincount(np.concatenate([y_train, y_test])) / (len(y_train) + len(y_test))
    np.testing.assert_allclose(np.bincount(y_test) / len(y_test), full, atol=0.01)
    train_rows = {row.tobytes() for row in x_train}
    # digits has a handful of exact duplicates; a random (not disjoint) split would share ~20%
    shared = sum(row.tobytes() in train_rows for row in x_test)
    assert shared <= 5


def test_stratified_split_validation():
    x = np.arange(20).reshape(10, 2)
    y = np.array([0, 1] * 5)
    with pytest.raises(ValueError, match="same length, got 10 and 9"):
        data.stratified_split(x, y[:9])
    with pytest.raises(ValueError, match=r"test_size must be in \(0, 1\), got 1.5"):
        data.stratified_split(x, y, test_size=1.5)
    with pytest.raises(TypeError, match=r"test_size must be a number, got str \('0.2'\)"):
        data.stratified_split(x, y, test_size="0.2")
    with pytest.raises(ValueError,
                       match="at least 2 samples of every class to be split stratified, got 1 of class 1"):
        data.stratified_split(x, np.array([0] * 9 + [1]))
    with pytest.raises(ValueError, match="one-dimensional"):
        data.stratified_split(x, y.reshape(5, 2))
    with pytest.raises(TypeError, match="seed must be an int"):
        data.stratified_split(x, y, seed=1.5)
    (xa, ya), (xb, yb) = data.stratified_split(x, y, test_size=0.4, seed=0)
    assert len(xb) == 4 and sorted(yb.tolist()) == [0, 0, 1, 1]


def test_load_digits_rejects_bad_size():
    with pytest.raises(ValueError, match="size must be a positive integer, got 0"):
        data.load_digits(size=0)
    with pytest.raises(TypeError, match=r"flatten must be a bool, got str \('no'\)"):
        data.load_digits(flatten="no")
