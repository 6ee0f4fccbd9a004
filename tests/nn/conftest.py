"""Shared fixtures of the companion.nn tests: TensorFlow is imported once per session, lazily."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def tf_keras():
    """``(tf, keras)``, imported quietly once (tests/conftest.py sets the environment)."""
    from companion import tf as ctf

    return ctf.setup(seed=0)


@pytest.fixture(scope="session")
def digits_split():
    """The book's digits data, ``((x_train, y_train), (x_test, y_test))``, float32 and int64.

    Named for its shape: tests/training's ``digits`` fixture is ``(x, y)`` of a smaller load.
    """
    from companion.data import load_digits

    return load_digits()
