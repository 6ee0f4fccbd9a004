"""companion.report: numbers are rounded before a notebook shows them, and errors are stated as bounds."""

from __future__ import annotations

import math
import sys
import types

import numpy as np
import pytest

from companion import report


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (1.0962632048324197, 4, 1.096),
        (1.0962632095780545, 4, 1.096),  # the same result from another BLAS kernel
        (0.9999850682424161, 3, 1.0),
        (5.4466367680416905e-05, 2, 5.4e-05),
        (-123456.7, 2, -120000.0),
        (0.0, 3, 0.0),
        (-0.0, 3, 0.0),
        (np.float32(0.9611111283302307), 3, 0.961),
        (7, 1, 7.0),
    ],
)
def test_sig_rounds_to_significant_digits(x, digits, expected):
    out = report.sig(x, digits)
    assert type(out) is float
    assert out == expected
    assert repr(out) == repr(expected)


def test_sig_keeps_non_finite_values():
    assert math.isnan(report.sig(float("nan"), 3))
    assert report.sig(float("inf"), 3) == float("inf")


def test_sig_repr_has_at_most_the_requested_digits():
    rng = np.random.default_rng(0)
    for x in rng.standard_normal(200) * 10.0 ** rng.integers(-12, 12, 200):
        mantissa = f"{report.sig(float(x), 4):e}".split("e")[0].replace("-", "").replace(".", "")
        assert len(mantissa.rstrip("0")) <= 4


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"x": "1.0", "digits": 3}, TypeError, "x must be a real number, got str"),
        ({"x": True, "digits": 3}, TypeError, "x must be a real number, got bool"),
        ({"x": 1.0, "digits": 0}, ValueError, r"digits must be an integer in \[1, 15\], got 0"),
        ({"x": 1.0, "digits": 16}, ValueError, r"digits must be an integer in \[1, 15\], got 16"),
        ({"x": 1.0, "digits": 2.0}, TypeError, r"digits must be an integer, got float \(2.0\)"),
    ],
)
def test_sig_errors_name_the_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        report.sig(**kwargs)


@pytest.fixture
def glued(monkeypatch):
    """Replace myst_nb.glue by a recorder (the real one needs a running kernel to be visible)."""
    calls = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, value, display=True: calls.append((name, value, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    return calls


def test_glue_rounds_floats_and_does_not_display(glued):
    assert report.glue("acc", np.float64(0.95849999), digits=3) is None  # no output on a cell's last line
    report.glue("loss", 0.16613236, decimals=2)
    report.glue("n", np.int64(1437))
    report.glue("label", "below 1e-9")
    assert glued == [("acc", 0.958, False), ("loss", 0.17, False), ("n", 1437, False),
                     ("label", "below 1e-9", False)]
    assert type(glued[2][1]) is int


def test_glue_refuses_a_float_without_precision(glued):
    with pytest.raises(TypeError, match=r"glue\('acc', 0.9611\): a float needs digits= or decimals="):
        report.glue("acc", 0.9611)
    with pytest.raises(TypeError, match="not both"):
        report.glue("acc", 0.9611, digits=2, decimals=2)
    with pytest.raises(TypeError, match="name must be a str, got int"):
        report.glue(3, 1)
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        report.glue("", 1)
    assert glued == []  # nothing glued by a refused call


@pytest.mark.parametrize(
    ("error", "tol", "text"),
    [(4.7e-10, 1e-9, "below 1e-9"), (0.0, 1e-12, "below 1e-12"), (3e-5, 5e-4, "below 5e-4"),
     (-2e-8, 1e-7, "below 1e-7"), (0.2, 1.0, "below 1e0"), (1e-5, 2.5e-4, "below 2.5e-4")],
)
def test_below_states_the_bound(error, tol, text):
    assert report.below(error, tol) == text


def test_below_fails_when_the_claim_is_false():
    with pytest.raises(ValueError, match="error 2e-09 is not below tol 1e-09"):
        report.below(2e-9, 1e-9)
    with pytest.raises(ValueError, match="not below"):
        report.below(float("nan"), 1.0)
    with pytest.raises(ValueError, match="tol must be a positive finite number, got 0"):
        report.below(0.0, 0)
    with pytest.raises(TypeError, match="error must be a real number, got str"):
        report.below("0", 1.0)
