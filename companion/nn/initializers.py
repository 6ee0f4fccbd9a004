"""Weight initializers, with Keras's definitions and defaults.

The scale of the initial weights matters: Glorot and He choose the variance so that the signal's
variance neither grows nor shrinks from layer to layer.  For a kernel of shape ``(fan_in, fan_out)``
the variance-scaling family draws weights with

.. math:: \\operatorname{Var}(w) = \\frac{s}{n}, \\qquad
   n = \\begin{cases} \\text{fan\\_in} & \\text{mode "fan\\_in"} \\\\
   \\text{fan\\_out} & \\text{mode "fan\\_out"} \\\\
   (\\text{fan\\_in} + \\text{fan\\_out})/2 & \\text{mode "fan\\_avg"} \\end{cases}
   \\tag{nn.init.1}

* Glorot (Xavier): :math:`s = 1`, fan_avg.  Uniform: :math:`U(-l, l)`,
  :math:`l = \\sqrt{6/(\\text{fan\\_in}+\\text{fan\\_out})}`.
* He: :math:`s = 2`, fan_in.
* Normal variants draw from a normal truncated at :math:`\\pm 2\\sigma` with
  :math:`\\sigma = \\sqrt{s/n} / 0.87962566103423978`, the constant being the standard deviation of a
  standard normal truncated at :math:`\\pm 2`, so the *sample* variance is :math:`s/n` (nn.init.2).

Every initializer is a callable ``init(shape, dtype="float32", rng=None)``.

Examples
--------
>>> import numpy as np
>>> w = GlorotUniform()((100, 64), rng=np.random.default_rng(0))
>>> w.shape, w.dtype, bool(np.abs(w).max() <= np.sqrt(6 / 164))
((100, 64), dtype('float32'), True)
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import DTypeLike, NDArray

from companion._validation import check_choice, check_real, lookup

__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Initializer",
    "Ones",
    "RandomNormal",
    "RandomUniform",
    "TRUNCATED_NORMAL_STD",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "get",
    "truncated_normal",
]

#: Standard deviation of a standard normal truncated to [-2, 2] (Keras's constant).
TRUNCATED_NORMAL_STD = 0.87962566103423978

RngLike = np.random.Generator | int | None


def _rng(rng: RngLike) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a weight of ``shape``, as Keras computes them.

    A 2-D kernel ``(in, out)`` has fans ``in`` and ``out``; a 1-D weight uses its length for both;
    higher ranks multiply the leading (receptive-field) dimensions into both fans.
    """
    shape = tuple(int(s) for s in shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def truncated_normal(
    shape: tuple[int, ...], mean: float, stddev: float, rng: RngLike = None
) -> NDArray[np.float64]:
    """Normal samples (``stddev`` before truncation), each redrawn until within :math:`\\pm 2` stddev.

    The redrawing is vectorised: each pass redraws all rejected entries at once (about 4.6% of them).
    """
    gen = _rng(rng)
    x = gen.standard_normal(shape)
    bad = np.abs(x) > 2
    while bad.any():
        x[bad] = gen.standard_normal(int(bad.sum()))
        bad = np.abs(x) > 2
    return mean + stddev * x


class Initializer:
    """Base class: ``init(shape, dtype="float32", rng=None)`` returns a new array."""

    name = "initializer"

    def __call__(
        self, shape: tuple[int, ...], dtype: DTypeLike = "float32", rng: RngLike = None
    ) -> NDArray:
        return self.sample(tuple(shape), _rng(rng)).astype(dtype, copy=False)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> NDArray:
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """All zeros (Keras's default bias initializer)."""

    name = "zeros"

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> NDArray:
        return np.zeros(shape)


class Ones(Initializer):
    """All ones."""

    name = "ones"

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> NDArray:
        return np.ones(shape)


class Constant(Initializer):
    """Every entry equal to ``value``."""

    name = "constant"

    def __init__(self, value: float = 0.0) -> None:
        self.value = float(value)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> NDArray:
        return np.full(shape, self.value)


class RandomNormal(Initializer):
    """:math:`N(\\text{mean}, \\text{stddev}^2)`; Keras defaults mean 0, stddev 0.05."""

    name = "random_normal"

    def __init__(self, mean: float = 0.0, stddev: float = 0.05) -> None:
        self.mean, self.stddev = float(mean), float(stddev)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> NDArray:
        return rng.normal(self.mean, self.stddev, shape)


class RandomUniform(Initializer):
    """:math:`U(\\text{minval}, \\text{maxval})`; Keras defaults -0.05, 0.05."""

    name = "random_uniform"

    def __init__(self, minval: float = -0.05, maxval: float = 0.05) -> None:
        self.minval, self.maxval = float(minval), float(maxval)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> NDArray:
        return rng.uniform(self.minval, self.maxval, shape)


class TruncatedNormal(Initializer):
    """Normal with ``stddev`` (before truncation) cut at :math:`\\pm 2` stddev; Keras defaults 0, 0.05."""

    name = "truncated_normal"

    def __init__(self, mean: float = 0.0, stddev: float = 0.05) -> None:
        self.mean, self.stddev = float(mean), float(stddev)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> NDArray:
        return truncated_normal(shape, self.mean, self.stddev, rng)


class VarianceScaling(Initializer):
    """Variance :math:`s/n`, eq. (nn.init.1), drawn from a truncated normal (nn.init.2) or a uniform.

    Parameters
    ----------
    scale : float
        :math:`s`.
    mode : {"fan_in", "fan_out", "fan_avg"}
    distribution : {"truncated_normal", "untruncated_normal", "uniform"}
        The uniform draws from :math:`U(-l, l)` with :math:`l = \\sqrt{3 s/n}`.
    """

    name = "variance_scaling"

    def __init__(
        self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal"
    ) -> None:
        check_choice("mode", mode, ("fan_in", "fan_out", "fan_avg"))
        check_choice("distribution", distribution, ("truncated_normal", "untruncated_normal", "uniform"))
        self.scale = check_real("scale", scale, positive=True)
        self.mode, self.distribution = mode, distribution

    def variance(self, shape: tuple[int, ...]) -> float:
        """Target variance :math:`s/n` of eq. (nn.init.1)."""
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        return self.scale / max(1.0, n)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> NDArray:
        var = self.variance(shape)
        if self.distribution == "truncated_normal":
            return truncated_normal(shape, 0.0, math.sqrt(var) / TRUNCATED_NORMAL_STD, rng)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, math.sqrt(var), shape)
        limit = math.sqrt(3.0 * var)
        return rng.uniform(-limit, limit, shape)


class GlorotUniform(VarianceScaling):
    """Glorot (Xavier) uniform, :math:`U(-l, l)`, :math:`l = \\sqrt{6/(\\text{fan\\_in}+\\text{fan\\_out})}`.

    Keras's default kernel initializer.
    """

    name = "glorot_uniform"

    def __init__(self) -> None:
        super().__init__(1.0, "fan_avg", "uniform")


class GlorotNormal(VarianceScaling):
    """Glorot normal: truncated normal with sample variance :math:`2/(\\text{fan\\_in}+\\text{fan\\_out})`."""

    name = "glorot_normal"

    def __init__(self) -> None:
        super().__init__(1.0, "fan_avg", "truncated_normal")


class HeNormal(VarianceScaling):
    """He normal: truncated normal with sample variance :math:`2/\\text{fan\\_in}`."""

    name = "he_normal"

    def __init__(self) -> None:
        super().__init__(2.0, "fan_in", "truncated_normal")


class HeUniform(VarianceScaling):
    """He uniform: :math:`U(-l, l)`, :math:`l = \\sqrt{6/\\text{fan\\_in}}`."""

    name = "he_uniform"

    def __init__(self) -> None:
        super().__init__(2.0, "fan_in", "uniform")


_REGISTRY: dict[str, type[Initializer]] = {
    cls.name: cls
    for cls in (
        Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
        GlorotUniform, GlorotNormal, HeNormal, HeUniform,
    )
}


def get(identifier: str | Initializer) -> Initializer:
    """Return the initializer named ``identifier`` (with default arguments) or ``identifier`` itself.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    TypeError
        For anything that is neither a string nor an :class:`Initializer`.
    """
    return lookup("initializer", identifier, Initializer, _REGISTRY,
                  "a string or an nn.initializers.Initializer")
