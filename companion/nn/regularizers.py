"""Weight penalties added to the training loss (Keras's ``kernel_regularizer``).

A regularizer :math:`R` maps a weight array to a number that is added to the data loss of
eq. (nn.loss.0); back-propagation then adds :math:`\\nabla R` to that array's gradient.  The **L2**
penalty (weight decay) with factor :math:`\\lambda` is, exactly as Keras 3 defines it,

.. math::
    R(W) = \\lambda \\sum_{j,k} W_{jk}^2, \\qquad \\nabla_W R = 2\\lambda W
    \\tag{nn.l2.1}

(no factor :math:`\\tfrac12`: Keras's ``L2(0.01)`` is :math:`\\tfrac12\\lVert W\\rVert^2` with coefficient
0.02).  The model minimises

.. math::
    \\mathcal{L}_\\text{total} = \\frac1B \\sum_i \\ell_i + \\sum_{l} R\\big(W^{[l]}\\big),
    \\tag{nn.l2.2}

and reports :math:`\\mathcal{L}_\\text{total}` as its ``loss`` (also ``val_loss`` and
``evaluate``), as Keras does.
With plain gradient descent the penalty's gradient shrinks every weight by the factor
:math:`1 - 2\\eta\\lambda` before the data gradient acts: hence the name weight decay.  Chapter 5:
eq-ch5-l2.

Examples
--------
>>> import numpy as np
>>> reg = L2(0.01)
>>> w = np.array([[1.0, -2.0], [0.5, 0.0]])
>>> float(reg(w))
0.0525
>>> reg.gradient(w)
array([[ 0.02, -0.04],
       [ 0.01,  0.  ]])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from companion._validation import check_real, lookup

__all__ = ["L2", "Regularizer", "get"]


class Regularizer:
    """Base class: ``reg(w)`` is the penalty, ``reg.gradient(w)`` its gradient with respect to ``w``."""

    name = "regularizer"

    def __call__(self, w: NDArray) -> float:
        raise NotImplementedError

    def gradient(self, w: NDArray) -> NDArray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L2(Regularizer):
    """L2 penalty :math:`\\lambda \\sum W^2`, eq. (nn.l2.1); Keras's ``keras.regularizers.L2``.

    Parameters
    ----------
    l2 : float, default 0.01
        The factor :math:`\\lambda \\ge 0` (Keras's default; ``"l2"`` as a string also gives 0.01).

    Raises
    ------
    TypeError
        If ``l2`` is not a number.
    ValueError
        If ``l2`` is negative or not finite.
    """

    name = "l2"

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = check_real("l2", l2, nonnegative=True)

    def __call__(self, w: NDArray) -> float:
        """The penalty :math:`\\lambda \\sum W^2` (in ``w``'s floating type, as Keras casts
        :math:`\\lambda`).
        """
        w = np.asarray(w)
        return w.dtype.type(self.l2) * np.sum(w * w)

    def gradient(self, w: NDArray) -> NDArray:
        """:math:`2\\lambda W`, eq. (nn.l2.1)."""
        w = np.asarray(w)
        return w.dtype.type(self.l2) * (2 * w)

    def get_config(self) -> dict:
        return {"l2": self.l2}


_REGISTRY: dict[str, type[Regularizer]] = {"l2": L2}


def get(identifier: str | Regularizer | None) -> Regularizer | None:
    """``None`` stays ``None``; a name (``"l2"``) gives a new regularizer with Keras's default factor.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones).
    TypeError
        For anything that is neither ``None``, a string nor a :class:`Regularizer`.
    """
    if identifier is None:
        return None
    return lookup("kernel_regularizer", identifier, Regularizer, _REGISTRY,
                  "None, a string or an nn.regularizers.Regularizer")
