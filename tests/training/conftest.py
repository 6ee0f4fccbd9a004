import pytest

import companion


@pytest.fixture(scope="session")
def digits():
    (x, y), _ = companion.data.load_digits(size=10, seed=0)
    return x, y


@pytest.fixture(scope="session")
def digits_small(digits):
    x, y = digits
    return x[:400], y[:400]
