import random

import numpy as np
import pytest

from companion import seed_everything


def test_same_seed_same_streams():
    g1 = seed_everything(7)
    a = (random.random(), np.random.rand(), g1.random())
    g2 = seed_everything(7)
    b = (random.random(), np.random.rand(), g2.random())
    assert a == b


def test_different_seed_different_streams():
    seed_everything(1)
    a = np.random.rand()
    seed_everything(2)
    assert np.random.rand() != a


@pytest.mark.parametrize("bad", [1.0, "3", None, True])
def test_rejects_non_integers(bad):
    with pytest.raises(TypeError, match=rf"seed must be an int in \[0, 2\*\*32\), got {type(bad).__name__} "):
        seed_everything(bad)


@pytest.mark.parametrize("bad", [-1, 2**32])
def test_rejects_out_of_range(bad):
    with pytest.raises(ValueError, match=rf"seed must be an int in \[0, 2\*\*32\), got {bad}$"):
        seed_everything(bad)
