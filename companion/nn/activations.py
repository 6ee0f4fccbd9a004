"""Activation functions and their derivatives.

An activation :math:`a = f(z)` acts on the pre-activation :math:`z = xW + b` of a layer.  Back-propagation
needs the vector-Jacobian product :math:`\\partial\\mathcal{L}/\\partial z = (\\partial a/\\partial z)^{\\top}
\\partial\\mathcal{L}/\\partial a`.  For the element-wise functions the Jacobian is diagonal,

.. math:: \\frac{\\partial \\mathcal{L}}{\\partial z}
   = f'(z) \\odot \\frac{\\partial \\mathcal{L}}{\\partial a},
   \\tag{nn.act.0}

and for the softmax it is a full (symmetric) matrix per sample, eq. (nn.act.6).

Each function is usable on plain NumPy arrays; the classes bundle a function with its backward rule
for :class:`companion.nn.layers.Dense`.  Look one up by name with :func:`get`.

Examples
--------
>>> import numpy as np
>>> relu(np.array([-1.0, 0.0, 2.0]))
array([0., 0., 2.])
>>> relu_derivative(np.array([-1.0, 0.0, 2.0]))
array([0., 0., 1.])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from companion._validation import lookup

__all__ = [
    "Activation",
    "Linear",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "get",
    "linear",
    "linear_derivative",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "softmax_jvp",
    "tanh",
    "tanh_derivative",
]


def linear(z: NDArray) -> NDArray:
    """Identity, :math:`f(z) = z` (nn.act.1)."""
    return z


def linear_derivative(z: NDArray) -> NDArray:
    """:math:`f'(z) = 1`."""
    return np.ones_like(z)


def relu(z: NDArray) -> NDArray:
    """Rectified linear unit, :math:`f(z) = \\max(z, 0)` (nn.act.2; chapter 3, eq-ch3-activations)."""
    return np.maximum(z, 0)


def relu_derivative(z: NDArray) -> NDArray:
    """:math:`f'(z) = [z > 0]`, zero at exactly :math:`z = 0` as in Keras and TensorFlow
    (eq-ch3-activations).
    """
    return (z > 0).astype(z.dtype)


def sigmoid(z: NDArray) -> NDArray:
    """Logistic function, :math:`\\sigma(z) = 1 / (1 + e^{-z})` (nn.act.3; chapter 3, eq-ch3-activations).

    Computed as :math:`\\tfrac12(1 + \\tanh(z/2))`, which never overflows.
    """
    return 0.5 * (1 + np.tanh(0.5 * z))


def sigmoid_derivative(z: NDArray) -> NDArray:
    """:math:`\\sigma'(z) = \\sigma(z)\\,(1 - \\sigma(z))` (eq-ch3-activations)."""
    s = sigmoid(z)
    return s * (1 - s)


def tanh(z: NDArray) -> NDArray:
    """Hyperbolic tangent (nn.act.4; chapter 3, eq-ch3-activations)."""
    return np.tanh(z)


def tanh_derivative(z: NDArray) -> NDArray:
    """:math:`\\tanh'(z) = 1 - \\tanh^2(z)` (eq-ch3-activations)."""
    return 1 - np.tanh(z) ** 2


def softmax(z: NDArray, axis: int = -1) -> NDArray:
    """Softmax over ``axis`` (nn.act.5; chapter 3, eq-ch3-softmax-stable).

    .. math:: \\operatorname{softmax}(z)_k = \\frac{e^{z_k - m}}{\\sum_j e^{z_j - m}},
       \\qquad m = \\max_j z_j

    Subtracting the maximum changes nothing mathematically and keeps :math:`e^{\\cdot}` from overflowing.

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0]]))
    array([[0.5, 0.5]])
    """
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_jvp(a: NDArray, v: NDArray) -> NDArray:
    """Product of the softmax Jacobian with ``v``, per sample (nn.act.6).

    With :math:`a = \\operatorname{softmax}(z)` the Jacobian is
    :math:`J = \\operatorname{diag}(a) - a a^{\\top}`, which is symmetric, so the Jacobian-vector
    and vector-Jacobian products coincide:

    .. math:: J v = a \\odot \\left(v - \\langle a, v \\rangle\\right)

    Parameters
    ----------
    a : ndarray of shape (n, k)
        Softmax outputs.
    v : ndarray of shape (n, k)
        One vector per sample (in back-propagation, :math:`\\partial\\mathcal{L}/\\partial a`).

    Returns
    -------
    ndarray of shape (n, k)
    """
    return a * (v - (a * v).sum(axis=-1, keepdims=True))


class Activation:
    """An activation function together with its backward rule.

    Subclasses set ``name`` and implement ``__call__`` and :meth:`backward`.
    """

    name: str = "activation"

    def __call__(self, z: NDArray) -> NDArray:
        raise NotImplementedError

    def backward(self, z: NDArray, a: NDArray, grad: NDArray) -> NDArray:
        """:math:`\\partial\\mathcal{L}/\\partial z` from
        ``grad`` = :math:`\\partial\\mathcal{L}/\\partial a`, eq. (nn.act.0).

        Parameters
        ----------
        z, a : ndarray
            The pre-activation and the activation cached by the forward pass.
        grad : ndarray
            Gradient of the loss with respect to ``a``.
        """
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Linear(Activation):
    """Identity activation, eq. (nn.act.1)."""

    name = "linear"

    def __call__(self, z: NDArray) -> NDArray:
        return z

    def backward(self, z: NDArray, a: NDArray, grad: NDArray) -> NDArray:
        return grad


class ReLU(Activation):
    """Rectified linear unit, eq. (nn.act.2)."""

    name = "relu"

    def __call__(self, z: NDArray) -> NDArray:
        return np.maximum(z, 0)

    def backward(self, z: NDArray, a: NDArray, grad: NDArray) -> NDArray:
        return grad * (z > 0)


class Sigmoid(Activation):
    """Logistic activation, eq. (nn.act.3)."""

    name = "sigmoid"

    def __call__(self, z: NDArray) -> NDArray:
        return sigmoid(z)

    def backward(self, z: NDArray, a: NDArray, grad: NDArray) -> NDArray:
        return grad * a * (1 - a)


class Tanh(Activation):
    """Hyperbolic tangent, eq. (nn.act.4)."""

    name = "tanh"

    def __call__(self, z: NDArray) -> NDArray:
        return np.tanh(z)

    def backward(self, z: NDArray, a: NDArray, grad: NDArray) -> NDArray:
        return grad * (1 - a * a)


class Softmax(Activation):
    """Softmax over the last axis, eqs. (nn.act.5) and (nn.act.6)."""

    name = "softmax"

    def __call__(self, z: NDArray) -> NDArray:
        return softmax(z)

    def backward(self, z: NDArray, a: NDArray, grad: NDArray) -> NDArray:
        return softmax_jvp(a, grad)


_REGISTRY: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Linear, ReLU, Sigmoid, Tanh, Softmax)
}


def get(identifier: str | Activation | None) -> Activation:
    """Return the activation named ``identifier`` (``None`` means ``"linear"``) or ``identifier`` itself.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    TypeError
        For anything that is neither a string, ``None`` nor an :class:`Activation`.
    """
    if identifier is None:
        return Linear()
    return lookup("activation", identifier, Activation, _REGISTRY,
                  "a string, None or an nn.activations.Activation")
