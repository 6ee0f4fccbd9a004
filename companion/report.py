"""Numbers as the text means them: rounded before they are printed or glued into the prose.

A float's last digits belong to the CPU, not to the book. The same seeded code gives results that
differ in their last bits between BLAS kernels (OpenBLAS picks one per CPU) and NumPy's SIMD paths,
so a committed notebook that shows ``1.0962632048324197`` fails strict nbval on the reader's laptop,
where the same cell prints ``1.0962632095780545``. Every number a notebook shows therefore goes
through this module first:

* :func:`glue` rounds a float to a stated number of significant digits (or decimals) before it is
  glued, and refuses a float without one; the prose keeps its own format spec.
* :func:`sig` is the same rounding for values a cell prints.
* :func:`below` states an error against a tolerance (``"below 1e-9"``) instead of printing the
  digits of the noise itself, and fails the cell if the error is not below it.

The rounding (eq. report.1) is

.. math::

    \\operatorname{sig}_d(x) = 10^{e - d + 1}\\,\\operatorname{round}\\!\\left(x\\,10^{d - 1 - e}\\right),
    \\qquad e = \\lfloor \\log_{10} |x| \\rfloor,

so two machines agree on the glued value unless their results straddle a rounding boundary, which
for a float64 result that differs in its last bits has a probability of about
:math:`10^{-16} \\cdot 10^{d}`. Results that differ by more than that (long float32 training runs)
must be made robust before they are rounded: computed in float64, or summarised over seeds.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from companion._validation import check_int, describe

__all__ = ["below", "glue", "sig"]


def _check_precision(digits: int | None, decimals: int | None) -> None:
    if digits is not None and decimals is not None:
        raise TypeError("give digits= or decimals=, not both")
    for name, value, low in (("digits", digits, 1), ("decimals", decimals, 0)):
        if value is None:
            continue
        if not low <= check_int(name, value) <= 15:
            raise ValueError(f"{name} must be an integer in [{low}, 15], got {value!r}")


def sig(x: float, digits: int = 3) -> float:
    """Round ``x`` to ``digits`` significant digits (eq. report.1).

    Parameters
    ----------
    x : float
        A finite real number (Python or NumPy scalar). ``nan`` and ``inf`` are returned unchanged.
    digits : int, default 3
        Significant digits kept, from 1 to 15.

    Returns
    -------
    float
        A Python float whose ``repr`` has at most ``digits`` significant digits.

    Raises
    ------
    TypeError
        If ``x`` is not a real number or ``digits`` is not an int.
    ValueError
        If ``digits`` is outside ``[1, 15]``.

    Examples
    --------
    >>> sig(1.0962632048324197, 4)
    1.096
    >>> sig(5.4466367680416905e-05, 2)
    5.4e-05
    >>> sig(-0.0, 3)
    0.0
    """
    _check_precision(digits, None)
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"x must be a real number, got {describe(x)}")
    value = float(x)
    if not math.isfinite(value):
        return value
    if value == 0.0:
        return 0.0
    return float(f"{value:.{digits - 1}e}") + 0.0  # + 0.0 turns -0.0 into 0.0


def glue(name: str, value: Any, *, digits: int | None = None, decimals: int | None = None) -> None:
    """Glue ``value`` under ``name`` for the prose, rounded first if it is a float.

    A thin layer over ``myst_nb.glue`` with ``display=False``: the value is stored in the
    notebook (and compared by strict nbval) but not shown in the cell. Floats must say their
    precision; integers, strings, booleans and figures are glued as they are.

    Parameters
    ----------
    name : str
        The key the prose refers to, as in ``{glue:text}`name:.3f```.
    value : float, int, str, bool or matplotlib Figure
        What to glue. NumPy scalars are converted to Python scalars.
    digits : int, optional
        Significant digits a float keeps (:func:`sig`).
    decimals : int, optional
        Decimal places a float keeps (Python's ``round``); give this or ``digits`` for a float.

    Returns
    -------
    None
        Nothing, so that a call on a cell's last line adds no output of its own (the rounded
        value itself is :func:`sig` of the value, or ``round(value, decimals)``).

    Raises
    ------
    TypeError
        If ``name`` is not a string, a float comes without ``digits`` or ``decimals``, or both
        are given.
    ValueError
        If ``digits``/``decimals`` is out of range or ``name`` is empty.

    Examples
    --------
    >>> glue("accuracy", 0.95849999, digits=3)

    glues ``0.958``, which the prose shows with ``{glue:text}`accuracy:.1%```.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {describe(name)}")
    if not name:
        raise ValueError("name must be a non-empty string")
    _check_precision(digits, decimals)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if digits is None and decimals is None:
            raise TypeError(
                f"glue({name!r}, {value!r}): a float needs digits= or decimals=, the precision the "
                "text means (its last digits differ between CPUs)"
            )
        value = sig(value, digits) if digits is not None else round(value, decimals) + 0.0
    from myst_nb import glue as _glue  # the book's dependency, not the package's

    _glue(name, value, display=False)


def _format_power(tol: float) -> str:
    exponent = math.floor(math.log10(tol))
    mantissa = tol / 10.0**exponent
    if math.isclose(mantissa, 1.0):
        return f"1e{exponent}"
    return f"{sig(mantissa, 2):g}e{exponent}"


def below(error: float, tol: float) -> str:
    """State that ``error`` is below ``tol``, as text such as ``"below 1e-9"``.

    An error near rounding level is noise whose digits differ between machines; what is true on
    every machine, and what the text means, is that it is below a tolerance. The tolerance is part
    of the claim, so this raises if it does not hold: a notebook cell that uses it is a test.

    Parameters
    ----------
    error : float
        A non-negative error (e.g. a maximum absolute difference). ``nan`` is not below anything.
    tol : float
        The tolerance, a positive number.

    Returns
    -------
    str
        ``"below <tol>"`` with ``tol`` written as a power of ten (``1e-9``, ``5e-4``).

    Raises
    ------
    TypeError
        If either argument is not a real number.
    ValueError
        If ``tol`` is not positive and finite, or ``error`` is not below ``tol``.

    Examples
    --------
    >>> below(4.7e-10, 1e-9)
    'below 1e-9'
    >>> below(3e-5, 5e-4)
    'below 5e-4'
    """
    for arg, val in (("error", error), ("tol", tol)):
        if isinstance(val, (bool, np.bool_)) or not isinstance(val, numbers.Real):
            raise TypeError(f"{arg} must be a real number, got {describe(val)}")
    if not (math.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive finite number, got {tol!r}")
    if not abs(float(error)) < tol:
        raise ValueError(f"error {float(error):.3g} is not below tol {tol:g}")
    return f"below {_format_power(float(tol))}"
