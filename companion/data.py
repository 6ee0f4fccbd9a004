"""Offline data sets and deterministic splits.

Everything here works without a network: the digits ship inside scikit-learn's wheel.

The article's network takes 100 inputs but never says what they are.  The book's choice is
scikit-learn's 1,797 handwritten digits (UCI *optdigits*, 8x8 pixels, 17 grey levels) resampled to
10x10 pixels by area averaging, so that the 100 inputs are real pixels:

.. math::

    X_{10} = R \\, X_8 \\, R^{\\top}, \\qquad
    R_{ij} = \\frac{|[0.8\\,i,\\; 0.8\\,(i+1)] \\cap [j,\\; j+1]|}{0.8}
    \\tag{data.1}

Each output pixel is the mean of the input image over the square it covers, so a constant image
stays constant and the mean intensity is preserved.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from companion._validation import (
    check_array,
    check_bool,
    check_positive_int,
    check_seed,
    check_unit_interval,
)

__all__ = ["Split", "area_resample_matrix", "load_digits", "resample_images", "stratified_split"]


class Split(NamedTuple):
    """Arrays of one split, unpackable like Keras's ``(x_train, y_train), (x_test, y_test)``."""

    train: tuple[NDArray, NDArray]
    test: tuple[NDArray, NDArray]


def area_resample_matrix(n_in: int, n_out: int) -> NDArray[np.float64]:
    """Matrix :math:`R` of eq. (data.1) that area-averages a length-``n_in`` signal to ``n_out``.

    Parameters
    ----------
    n_in, n_out : int
        Input and output lengths, both positive.

    Returns
    -------
    ndarray of shape (n_out, n_in)
        Non-negative weights whose rows each sum to 1.

    Examples
    --------
    >>> area_resample_matrix(2, 4)
    array([[1., 0.],
           [1., 0.],
           [0., 1.],
           [0., 1.]])
    """
    n_in = check_positive_int("n_in", n_in)
    n_out = check_positive_int("n_out", n_out)
    scale = n_in / n_out  # width of one output cell in input pixels
    lo = np.arange(n_out)[:, None] * scale
    hi = lo + scale
    left = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, left + 1) - np.maximum(lo, left), 0.0, None)
    return overlap / scale


def resample_images(images: NDArray, size: int) -> NDArray[np.float64]:
    """Resample square images to ``size`` x ``size`` pixels by area averaging, eq. (data.1).

    Parameters
    ----------
    images : array_like of shape (n, h, h)
        Square grey-level images.
    size : int
        Output side length in pixels.

    Returns
    -------
    ndarray of shape (n, size, size)

    Raises
    ------
    TypeError
        If ``images`` is not numeric or ``size`` is not an integer.
    ValueError
        If ``images`` is not a stack of square images or ``size`` is below 1.
    """
    size = check_positive_int("size", size)
    images = check_array("images", images)
    if images.ndim != 3 or images.shape[1] != images.shape[2]:
        raise ValueError(f"images must have shape (n, h, h), got shape {images.shape}")
    r = area_resample_matrix(images.shape[1], size)
    return np.einsum("ij,njk,lk->nil", r, images, r)


def stratified_split(
    x: NDArray, y: NDArray, test_size: float = 0.2, seed: int = 0
) -> Split:
    """Split ``x, y`` into train and test parts with the same class proportions, deterministically.

    A thin, validated wrapper of scikit-learn's ``train_test_split(..., stratify=y)``.

    Parameters
    ----------
    x : array_like of shape (n, ...)
    y : array_like of shape (n,)
        Class labels.
    test_size : float, default 0.2
        Fraction of the samples for the test part, in (0, 1).
    seed : int, default 0
        The same seed gives the same split.

    Returns
    -------
    Split
        ``((x_train, y_train), (x_test, y_test))``.

    Raises
    ------
    TypeError
        If ``test_size`` is not a number or ``seed`` not an integer.
    ValueError
        If the lengths differ, ``test_size`` is outside (0, 1), ``seed`` outside ``[0, 2**32)``, or
        a class has fewer than 2 samples.
    """
    from sklearn.model_selection import train_test_split

    x = np.asarray(x)
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be one-dimensional (one label per sample), got shape {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    test_size = check_unit_interval("test_size", test_size, closed_left=False)
    seed = check_seed(seed)
    labels, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        raise ValueError(
            "y must have at least 2 samples of every class to be split stratified, got "
            f"{int(counts.min())} of class {labels[np.argmin(counts)].item()!r}"
        )
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=test_size, stratify=y, random_state=seed
    )
    return Split((x_tr, y_tr), (x_te, y_te))


def load_digits(
    size: int = 10, test_size: float = 0.2, seed: int = 0, flatten: bool = True
) -> Split:
    """Handwritten digits at ``size`` x ``size`` pixels, scaled to [0, 1], split stratified.

    Parameters
    ----------
    size : int, default 10
        Side of the resampled images; 10 gives the article's 100 inputs, 8 the original pixels.
    test_size : float, default 0.2
        Fraction held out for testing.
    seed : int, default 0
        Seed of the split.
    flatten : bool, default True
        Return ``x`` as ``(n, size*size)`` vectors (what a ``Dense`` layer takes); ``False`` keeps
        ``(n, size, size)`` images.

    Returns
    -------
    Split
        ``((x_train, y_train), (x_test, y_test))``: float32 pixels in [0, 1], int64 labels 0-9.
        With the defaults: 1,437 training and 360 test samples.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_digits()
    >>> x_train.shape, x_test.shape
    ((1437, 100), (360, 100))
    """
    from sklearn.datasets import load_digits as _sk_load_digits

    size = check_positive_int("size", size)
    flatten = check_bool("flatten", flatten)
    digits = _sk_load_digits()
    images = resample_images(digits.images, size) / 16.0  # 17 grey levels, 0..16
    x = images.reshape(len(images), -1) if flatten else images
    split = stratified_split(x.astype(np.float32), digits.target.astype(np.int64), test_size, seed)
    return split
