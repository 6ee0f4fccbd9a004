"""MNIST-1D, generated on this machine, and the fixed feature shuffle of eq. (eq-ch5-shuffle).

The data set of chapter 5, "More complex structures" (Greydanus 2020): one-dimensional "digits" of 40
samples made locally by the ``mnist1d`` package (nothing is downloaded), and the permutation that
destroys their spatial order while keeping every feature.
"""

from __future__ import annotations

import functools
import random

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_int, check_seed
from companion.data import Split

__all__ = ["feature_permutation", "load_mnist1d", "shuffle_features"]


@functools.lru_cache(maxsize=1)
def _generate_mnist1d() -> tuple[NDArray, NDArray, NDArray, NDArray]:
    from mnist1d.data import get_dataset_args, make_dataset

    # make_dataset seeds Python's and NumPy's global generators (with the data set's seed, 42):
    # put them back as they were, so that loading the data changes no other result.
    np_state, py_state = np.random.get_state(), random.getstate()
    try:
        data = make_dataset(get_dataset_args())
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)
    arrays = (data["x"].astype(np.float32), data["y"].astype(np.int64),
              data["x_test"].astype(np.float32), data["y_test"].astype(np.int64))
    for a in arrays:
        a.setflags(write=False)
    return arrays


def load_mnist1d() -> Split:
    """MNIST-1D with its default settings, generated on this machine (nothing is downloaded).

    Calls ``mnist1d.data.make_dataset(get_dataset_args())``: 5,000 one-dimensional "digits" of 40
    samples each, made from ten hand-drawn templates by random padding, stretching, translation,
    shear and noise, split 4,000 / 1,000. (``mnist1d.data.get_dataset`` would instead try to
    download a pickle and write it to the working directory.) The generator is seeded by the
    package itself, so every machine gets the same numbers; the global random state that it
    reseeds is restored afterwards. The result is cached for the session.

    Returns
    -------
    Split
        ``((x_train, y_train), (x_test, y_test))``: float32 signals of shape ``(n, 40)`` (centred, unit
        standard deviation over the data set) and int64 labels 0-9.  Fresh copies on every call.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_mnist1d()
    >>> x_train.shape, x_test.shape
    ((4000, 40), (1000, 40))
    """
    x, y, x_test, y_test = (a.copy() for a in _generate_mnist1d())
    return Split((x, y), (x_test, y_test))


def feature_permutation(n_features: int, seed: int = 0) -> NDArray[np.int64]:
    """A fixed random permutation of ``range(n_features)``, the same on every machine.

    Parameters
    ----------
    n_features : int
        Number of features (40 for MNIST-1D, 64 for the 8 x 8 digits).
    seed : int, default 0

    Returns
    -------
    ndarray of int64, shape (n_features,)
    """
    n_features = check_int("n_features", n_features, minimum=1)
    return np.random.default_rng(check_seed(seed)).permutation(n_features)


def shuffle_features(x: ArrayLike, permutation: ArrayLike) -> NDArray:
    """Reorder the features of every example by one fixed permutation, eq. (eq-ch5-shuffle).

    .. math::

        x'_j = x_{\\pi(j)}, \\qquad \\text{that is} \\qquad \\mathbf{x}' = \\mathbf{x} P, \\quad
        P_{ij} = [\\, i = \\pi(j) \\,]
        \\tag{eq-ch5-shuffle}

    A dense layer cannot tell the difference: ``x' (P^T W) = x W``, so the first layer whose kernel
    rows are permuted in the same way computes exactly what the original did, and the best weights
    for the shuffled data are the best weights for the original data, permuted.  A convolution has
    no such escape: ``P^T W`` of a convolution's banded matrix (:func:`conv1d_matrix`) is no longer
    banded.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Examples in rows.
    permutation : array_like of int, shape (d,)
        A permutation :math:`\\pi` of ``range(d)``, e.g. from :func:`feature_permutation`.

    Returns
    -------
    ndarray of shape (n, d)
        ``x[:, permutation]``.

    Raises
    ------
    ValueError
        If ``x`` is not 2-D or ``permutation`` is not a permutation of its ``d`` features.

    Examples
    --------
    >>> shuffle_features([[10, 11, 12]], [2, 0, 1])
    array([[12, 10, 11]])
    """
    x = np.asarray(x)
    perm = np.asarray(permutation)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (n, d), got {x.shape}")
    if perm.shape != (x.shape[1],) or not np.array_equal(np.sort(perm), np.arange(x.shape[1])):
        raise ValueError(
            f"permutation must be a permutation of range({x.shape[1]}) (x has {x.shape[1]} features), "
            f"got shape {perm.shape}"
        )
    return x[:, perm]
